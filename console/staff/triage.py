"""Which handed-off conversations come first: urgent ones (distress, emergency), then the
oldest waiting. The queue page and the navigation's urgent count both read from here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from console.staff.conversation_index import refresh_index
from console.staff.models import Conversation
from console.staff.roles import role_of


def waiting() -> QuerySet[Conversation]:
    """Paused conversations: urgent first, then oldest waiting first."""
    return Conversation.objects.filter(paused=True).order_by("-urgent", "paused_at", "pk")


def urgent_count() -> int:
    return Conversation.objects.filter(paused=True).exclude(urgent="").count()


def urgent_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: how many urgent conversations wait (for the navigation, every page).

    Refreshes the index first (one query when nothing is new), so a distress handoff shows
    while staff read another page, not only on the queue.
    """
    if role_of(getattr(request, "user", None)) is None:
        return {}
    refresh_index()
    return {"urgent_waiting": urgent_count()}
