from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from console.staff.views.auth import admin_login

urlpatterns = [
    # The admin site signs in through our rate-limited login page.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("console.staff.urls")),
]
