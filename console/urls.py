from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # The admin site signs in through our rate-limited login page.
    path("admin/login/", RedirectView.as_view(pattern_name="staff:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("console.staff.urls")),
]
