"""The one module that reads (and deletes from) Rasa's tracker store.

The tracker store's database also holds the LINE channel's ``line_events`` table
(``channels/line/event_store.py``: events acknowledged to LINE, kept until answered, then
only their ids for a while, to recognise redeliveries). They are a person's messages too:
deleting a conversation deletes its LINE events, and retention removes answered ones.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Iterable, Iterator, Optional

from django.db import connections

from console.staff.models import TrackerEvent

logger = logging.getLogger(__name__)

CHUNK = 500  # sender ids per IN (...) query: well under SQLite's variable limit
LINE_EVENTS = "line_events"
_table_seen = False


def exists() -> bool:
    """Whether Rasa has created its ``events`` table yet (it does on its first start)."""
    global _table_seen
    if not _table_seen:
        connection = connections[TrackerEvent.objects.db]
        with connection.cursor() as cursor:
            _table_seen = TrackerEvent._meta.db_table in connection.introspection.table_names(
                cursor
            )
    return _table_seen


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def conversation_events(sender_id: str) -> list[dict[str, Any]]:
    """One conversation's events, oldest first, as Rasa serialised them (plus ``_id``)."""
    rows = TrackerEvent.objects.filter(sender_id=sender_id).order_by("id")
    return [row.as_dict() for row in rows]


def events_by_sender(sender_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The events of several conversations, each oldest first."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(sender_ids))):
        for row in (
            TrackerEvent.objects.filter(sender_id__in=chunk)
            .order_by("sender_id", "id")
            .iterator(2000)
        ):
            found[row.sender_id].append(row.as_dict())
    return found


def senders_after(event_id: int, limit: int) -> tuple[list[str], Optional[int], int]:
    """Conversations with events after ``event_id`` (at most ``limit`` events read), the
    last event id read (None when there are none) and how many events were read."""
    rows = list(
        TrackerEvent.objects.filter(id__gt=event_id)
        .order_by("id")
        .values_list("id", "sender_id")[:limit]
    )
    if not rows:
        return [], None, 0
    return sorted({sender for _, sender in rows}), rows[-1][0], len(rows)


def last_event_id() -> int:
    row = TrackerEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return int(row or 0)


def senders_inactive_before(timestamp: float) -> list[str]:
    """Conversations whose latest event is older than ``timestamp`` (unix seconds)."""
    from django.db.models import Max

    return list(
        TrackerEvent.objects.values("sender_id")
        .annotate(latest=Max("timestamp"))
        .filter(latest__lt=timestamp)
        .values_list("sender_id", flat=True)
    )


def delete_conversations(sender_ids: Iterable[str]) -> int:
    """Deletes every event of these conversations from the tracker store, and their stored
    LINE events; returns how many tracker events.

    On SQLite a deleted row's bytes stay in the file (free pages) and in the write-ahead
    log that Rasa's store uses, readable by anyone with the file: the deletion is made with
    ``secure_delete`` (freed content overwritten with zeros) and the log is then written
    into the database and emptied (``wal_checkpoint(TRUNCATE)``). PostgreSQL's own VACUUM
    (autovacuum) reclaims deleted rows there.
    """
    sender_ids = sorted(set(sender_ids))
    connection = connections[TrackerEvent.objects.db]
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")
    deleted = 0
    for chunk in _chunks(sender_ids):
        deleted += TrackerEvent.objects.filter(sender_id__in=chunk).delete()[0]
    deleted_line_events = delete_line_events(sender_ids)
    if sqlite and (deleted or deleted_line_events) and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
        if busy:  # a reader held an old snapshot: the log is emptied at a later checkpoint
            logger.warning("Tracker store log not emptied after a deletion (database busy).")
    return deleted


def _line_events_exist() -> bool:
    """Whether the LINE channel has created its table (it does on its first webhook)."""
    connection = connections[TrackerEvent.objects.db]
    with connection.cursor() as cursor:
        return LINE_EVENTS in connection.introspection.table_names(cursor)


def delete_line_events(sender_ids: Iterable[str]) -> int:
    """Deletes the stored LINE events of these conversations (LINE user ids), answered or
    not, and those these people wrote in a group; returns how many."""
    if not _line_events_exist():
        return 0
    deleted = 0
    with connections[TrackerEvent.objects.db].cursor() as cursor:
        for chunk in _chunks(sorted(set(sender_ids))):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {LINE_EVENTS} WHERE conversation IN ({marks}) OR user_id IN ({marks})",
                [*chunk, *chunk],
            )
            deleted += max(cursor.rowcount, 0)
    return deleted


def purge_answered_line_events(before: float) -> int:
    """Deletes LINE events answered before ``before`` (unix seconds); returns how many.

    They hold no message any more, only the id that recognises a late redelivery.
    """
    if not _line_events_exist():
        return 0
    with connections[TrackerEvent.objects.db].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {LINE_EVENTS} WHERE done_at IS NOT NULL AND done_at < %s", [before]
        )
        return max(cursor.rowcount, 0)


def count_events(sender_ids: Iterable[str]) -> int:
    return sum(
        TrackerEvent.objects.filter(sender_id__in=c).count()
        for c in _chunks(sorted(set(sender_ids)))
    )
