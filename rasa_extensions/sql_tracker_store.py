"""Rasa's SQL tracker store, made cheaper per message: ``TunedSQLTrackerStore``.

``endpoints.yml`` names it (``type: rasa_extensions.sql_tracker_store.TunedSQLTrackerStore``),
with the same settings as Rasa's ``type: SQL`` store; nothing is patched.

Profiled under load (py-spy on the Rasa process, 2026-12-05, 20 REST conversations at a
time on SQLite): reading and saving the conversation took a third of the server's CPU, and
the event loop waits for all of it. Two changes, the stored events and their order unchanged:

1. ``save`` finds the events to write by counting the stored ones (a ``COUNT`` query over
   the conversation) and skipping that many of the tracker's events. A tracker this store
   has just read or saved already knows that number: it is remembered on the tracker and
   the query is skipped. A tracker from anywhere else (a new conversation, a full
   multi-session tracker) is counted as before. Several instances stay correct: every turn
   reads its tracker under the conversation's lock, so the number is never older than the
   turn.
2. SQLite only: pooled connections, a write-ahead log and one synced commit instead of
   several (``assistant/sql_engine.py``, shared with the LINE event store); each commit is
   still on disk before the patient is answered. PostgreSQL keeps Rasa's pool.

Tried and dropped: committing on a worker thread so the event loop need not wait for the
disk. Measured side by side (2026-12-05, 80 patients, 20 at a time): 89-96 replies/s with
the thread, 99-107 without; the thread competes with the event loop for the GIL.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

from assistant.sql_engine import is_sqlite_file, pooled_sqlite_engine

STORED_EVENTS = "_events_in_tracker_store"
"""Attribute on a tracker: how many of its events (from the start) the store holds."""


def remember_stored_events(tracker: Any) -> None:
    """Marks all of ``tracker``'s events as stored (after a read or a save)."""
    if tracker is not None and tracker._max_event_history is None:
        setattr(tracker, STORED_EVENTS, len(tracker.events))


def stored_events(tracker: Any) -> Optional[int]:
    """How many of ``tracker``'s events the store holds, when this store knows it."""
    return getattr(tracker, STORED_EVENTS, None)


class TunedSQLTrackerStore(SQLTrackerStore):
    """Rasa's ``SQLTrackerStore`` with changes 1 and 2; same constructor, same table."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_sqlite_file(self.engine.url):
            url = self.engine.url
            self.engine.dispose()
            self.engine = pooled_sqlite_engine(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Any:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        # A full tracker holds earlier sessions too, which the count of ``save`` leaves out.
        if not fetch_events_from_all_sessions:
            remember_stored_events(tracker)
        return tracker

    def _additional_events(self, session: Any, tracker: Any) -> Iterator:
        known = stored_events(tracker)
        if known is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, known, len(tracker.events))

    async def save(self, tracker: Any) -> None:
        await super().save(tracker)
        remember_stored_events(tracker)
