"""Writing the audit log: one call per action staff take on personal data."""

from __future__ import annotations

from typing import Any, Optional

from django.http import HttpRequest

from console.staff.models import AuditEntry


def client_address(request: Optional[HttpRequest]) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def record(
    action: str,
    target: str = "",
    detail: str = "",
    request: Optional[HttpRequest] = None,
    user: Any = None,
    username: str = "",
) -> AuditEntry:
    """Adds an audit entry for ``user`` (or the request's user; ``username`` for commands)."""
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEntry.objects.create(
        user=user,
        username=username or (user.get_username() if user else ""),
        action=action,
        target=target[:255],
        detail=detail,
        address=client_address(request),
    )
