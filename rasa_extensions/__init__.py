"""Every change this project makes to Rasa Open Source 3.6.21, one module per change.

``python -m rasa_extensions run ...`` is Rasa's own command line with these applied first
(``ops/stack.py`` starts Rasa that way). Each module says what it changes, why, and how it
was found; ``tests/unit/test_rasa_extensions.py`` shows each one still works (and, where
stock Rasa can be run beside it, that it is still needed).

- ``version_guard``: refuses to start on any Rasa but the pinned one (the others patch
  private methods of exactly that version).
- ``action_failure_apology``: a failed action-server call gets an apology, not silence.
- ``unhandled_message_apology``: a message Rasa cannot handle at all (tracker or lock store
  down) gets the same apology.
- ``tracker_store_errors``: no ``FailSafeTrackerStore``: a database error refuses the
  message instead of answering a stranger from memory.
- ``action_response_validation``: the action-response schema is checked once, each event
  against the one schema its name picks.
- ``action_server_connections``: kept-alive connections to the action server.
- ``event_class_cache``: each event name's class is looked up once.
- ``sql_tracker_store``: ``TunedSQLTrackerStore``, named in ``endpoints.yml``
  (``type: rasa_extensions.sql_tracker_store.TunedSQLTrackerStore``), not patched in.
"""

from __future__ import annotations

from rasa_extensions import (
    action_failure_apology,
    action_response_validation,
    action_server_connections,
    event_class_cache,
    tracker_store_errors,
    unhandled_message_apology,
    version_guard,
)


def install() -> None:
    """Applies every change to the running process (idempotent); refuses a wrong Rasa first."""
    version_guard.check()
    action_failure_apology.install()
    unhandled_message_apology.install()
    tracker_store_errors.install()
    action_response_validation.install()
    action_server_connections.install()
    event_class_cache.install()
