"""No ``FailSafeTrackerStore``: a tracker store error refuses the message.

Rasa wraps the tracker store in a ``FailSafeTrackerStore``: when the store fails
(PostgreSQL down or restarting), reading a conversation answers "no such conversation" and
saving writes to process memory instead. The patient is then answered as a stranger (the
conversation so far ignored) and the message is acknowledged but never reaches the
database: lost. Found by the PostgreSQL-restart fault test (2026-12-05). Here the store's
error goes through, so the message is refused with the apology
(``unhandled_message_apology``) and not recorded, and the HTTP API answers an error
instead of an empty conversation. Once the database is back, the connection pool
reconnects by itself.
"""

from __future__ import annotations

from typing import Any

from rasa.core.agent import Agent
from rasa.core.tracker_store import InMemoryTrackerStore


def tracker_store_without_fallback(store: Any, domain: Any) -> Any:
    """``Agent._create_tracker_store`` without the ``FailSafeTrackerStore`` wrapper."""
    if store is None:
        return InMemoryTrackerStore(domain)
    store.domain = domain
    return store


def install() -> None:
    Agent._create_tracker_store = staticmethod(tracker_store_without_fallback)  # type: ignore[assignment]
