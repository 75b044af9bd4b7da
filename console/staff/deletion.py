"""Deleting conversations: from the tracker store, the index and the console's tables."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from django.db import transaction
from django.http import HttpRequest

from console.staff import audit, conversation_index, tracker_store
from console.staff.models import AuditEntry, Claim, Flag, Note, Review


def delete_conversations(
    sender_ids: Iterable[str],
    reason: str,
    request: Optional[HttpRequest] = None,
    user: Any = None,
    username: str = "",
) -> int:
    """Deletes every event of these conversations and what the console holds about them.

    Each deletion is audited (who, which conversation, why, how many events). Returns the
    number of tracker events deleted.
    """
    sender_ids = sorted(set(sender_ids))
    total = 0
    for sender_id in sender_ids:
        with transaction.atomic():
            for model in (Claim, Review, Note, Flag):
                model.objects.filter(sender_id=sender_id).delete()
            conversation_index.drop([sender_id])
            deleted = tracker_store.delete_conversations([sender_id])
            audit.record(
                AuditEntry.Action.DELETE,
                sender_id,
                f"{reason}: {deleted} events",
                request=request,
                user=user,
                username=username,
            )
        total += deleted
    return total
