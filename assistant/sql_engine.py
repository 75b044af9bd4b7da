"""SQLAlchemy engines for the SQLite file of the embedded default, set up once for everyone.

Rasa's tracker store and the LINE channel's event store share the file
(``TRACKER_STORE_URL``); both open it the same way. SQLAlchemy 1.4 opens a new SQLite
connection for every session (its ``NullPool`` default for files) and SQLite's default
rollback journal syncs the disk several times per commit. Here connections are pooled and
the database uses a write-ahead log (``journal_mode=WAL``) with ``synchronous=FULL``: each
commit is on disk before the caller goes on (one sync instead of several), and readers
such as the staff console do not block writers.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import QueuePool


def _sqlite_pragmas(synchronous: str) -> Any:
    def set_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    return set_pragmas


def is_sqlite_file(url: Any) -> bool:
    """A SQLite database in a file (not in memory)."""
    parsed = sa.engine.make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")


def pooled_sqlite_engine(url: Any, synchronous: str = "FULL") -> Any:
    """An engine for a SQLite file: pooled connections, write-ahead log, synced commits.

    ``synchronous="NORMAL"``: commits survive the process being killed but not the machine
    losing power (the log is synced at the next ``FULL`` commit or checkpoint); for
    bookkeeping whose loss is recovered from, not for what was promised to someone.
    """
    engine = sa.create_engine(
        url,
        poolclass=QueuePool,
        # Used from the event loop's thread; pooled connections may be handed to another
        # thread only after they were returned, which SQLite allows.
        connect_args={"check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _sqlite_pragmas(synchronous))
    return engine
