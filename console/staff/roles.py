"""Staff roles: reviewer (reads, masked), clinician (full text, replies), admin (everything).

A role is a Django group of the same name; superusers are admins. Each role includes the
ones before it. A signed-in account without a role sees nothing.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Optional

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

REVIEWER = "reviewer"
CLINICIAN = "clinician"
ADMIN = "admin"
ROLES = (REVIEWER, CLINICIAN, ADMIN)  # ascending


def role_of(user: Any) -> Optional[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    held = [role for role in ROLES if role in names]
    return held[-1] if held else None


def has_role(user: Any, role: str) -> bool:
    """Whether ``user`` holds ``role`` or a higher one."""
    held = role_of(user)
    return held is not None and ROLES.index(held) >= ROLES.index(role)


def sees_personal_data(user: Any) -> bool:
    return has_role(user, CLINICIAN)


def role_required(role: str) -> Callable:
    """View decorator: sign-in required (redirect), then ``role`` or higher (else 403)."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def role_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the viewer's role and what it allows."""
    user = getattr(request, "user", None)
    return {
        "role": role_of(user),
        "unmasked": sees_personal_data(user),
        "can_reply": has_role(user, CLINICIAN),
        "is_admin": has_role(user, ADMIN),
    }
