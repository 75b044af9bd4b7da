"""Sign-in with rate limiting and audit; the home page sends each role where it works."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from console.staff import audit, login_limit
from console.staff.models import AuditEntry
from console.staff.roles import CLINICIAN, has_role


class RateLimitedLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")
        address = audit.client_address(request)
        if login_limit.is_locked_out(username, address):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed sign-ins. Try again in %(minutes)d minutes.")
                % {"minutes": settings.LOGIN_WINDOW_SECONDS // 60},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        login_limit.record_failure(username, audit.client_address(self.request))
        audit.record(AuditEntry.Action.LOGIN_FAILED, username=username[:150], request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        login_limit.clear_failures(
            form.get_user().get_username(), audit.client_address(self.request)
        )
        audit.record(AuditEntry.Action.LOGIN, request=self.request)
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("staff:queue" if has_role(request.user, CLINICIAN) else "staff:conversations")


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin signs in through our rate-limited page; signed-in non-admins get 403
    (instead of a redirect loop between the two sign-in pages)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("staff:login") + (f"?{query}" if query else ""))
