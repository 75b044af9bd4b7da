"""Sign-in rate limiting: too many failures for one account or one address lock it out.

Hand-written (about 30 lines) rather than django-axes: it is not in requirements.lock,
and failures are kept in the database so several server processes share the count.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from console.staff.models import LoginFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)


def is_locked_out(username: str, address: str) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_user = recent.filter(username=username.lower()).count() if username else 0
    by_address = recent.filter(address=address).count() if address else 0
    return max(by_user, by_address) >= settings.LOGIN_FAILURES


def record_failure(username: str, address: str) -> None:
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.create(username=username.lower()[:150], address=address)


def clear_failures(username: str, address: str) -> None:
    LoginFailure.objects.filter(Q(username=username.lower()) | Q(address=address)).delete()
