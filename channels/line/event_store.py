"""The LINE events the webhook has acknowledged, kept until they are answered: ``line_events``.

LINE sends an event once: after our 200 it never sends it again. So the webhook writes
every event here before it answers (``add``), and answers with an error when the write
fails, so that LINE redelivers it. The table lives in the tracker store's database
(``TRACKER_STORE_URL``): the SQLite file of the embedded default, PostgreSQL at scale, no
other server. Its key is LINE's ``webhookEventId``: a redelivered event is not stored
twice, whichever instance it reaches and however long after, so it is answered once.

Workers (``channels/line/event_workers.py``) ``claim`` the oldest unanswered event of a
conversation with a lease, ``renew`` it while the turn runs and ``finish`` it. Only the
oldest unanswered event of a conversation can be claimed, and only when nobody holds an
unexpired lease on it: one event per conversation at a time, in arrival order, across every
instance. A worker that dies leaves its lease to expire; the event is then claimed again.

Personal data: a finished event keeps only its id, conversation and times (for the
redelivery check); the message itself is deleted at once (it is in the tracker store).
``console/staff/tracker_store.py`` deletes a person's rows and old finished ones.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from assistant.sql_engine import is_sqlite_file, pooled_sqlite_engine

logger = logging.getLogger(__name__)

TABLE = "line_events"

metadata = sa.MetaData()
line_events = sa.Table(
    TABLE,
    metadata,
    # Arrival order (SQLite: an alias of its rowid).
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("event_id", sa.String(64), nullable=False, unique=True),  # webhookEventId
    sa.Column("conversation", sa.String(255), nullable=False),  # user, group or room id
    sa.Column("user_id", sa.String(255)),  # the person who wrote, for deletion on request
    sa.Column("body", sa.Text),  # the event as LINE sent it; None once finished
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_until", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reply_at", sa.Float),  # when its answer's reply call was first made
    sa.Column("done_at", sa.Float),
    sa.Index("ix_line_events_conversation", "conversation", "id"),
    sa.Index("ix_line_events_done_at", "done_at"),
    sa.Index("ix_line_events_user_id", "user_id"),
)


class StoreUnavailable(Exception):
    """The database could not be reached or refused the write."""


@dataclass(frozen=True)
class NewEvent:
    """An acknowledged event to keep."""

    event_id: str
    conversation: str
    user_id: Optional[str]
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class ClaimedEvent:
    """An event a worker holds the lease of."""

    row: int
    event_id: str
    conversation: str
    raw: Mapping[str, Any]
    attempts: int  # including this one: above 1, an earlier worker did not finish it
    received_at: float
    replied_before: bool  # an earlier worker made the reply call (it may have arrived)


# SQLAlchemy 1.4 compiles no RETURNING for SQLite; SQLite (3.35+) and PostgreSQL run it.
CLAIM = sa.text(
    f"UPDATE {TABLE} SET lease_owner = :owner, lease_until = :until, attempts = attempts + 1 "
    f"WHERE id = (SELECT id FROM {TABLE} WHERE conversation = :conversation "
    "AND done_at IS NULL ORDER BY id LIMIT 1) "
    "AND done_at IS NULL AND (lease_owner IS NULL OR lease_until < :now) "
    "RETURNING id, event_id, body, attempts, received_at, reply_at"
)


def event_key(event_id: Optional[str]) -> str:
    """The stored key: LINE's ``webhookEventId`` (an event without one is never a redelivery)."""
    return event_id or f"no-id-{uuid.uuid4()}"


class LineEventStore:
    """``line_events`` in the database at ``url``; every method is one short transaction."""

    def __init__(self, url: str, lease_seconds: float, owner: Optional[str] = None) -> None:
        self.url = url
        self.lease_seconds = lease_seconds
        self.owner = owner or uuid.uuid4().hex  # this process: leases name it
        self._engine: Any = None
        self._bookkeeping_engine: Any = None
        self._schema_ready = False

    # --- connection ----------------------------------------------------------------

    @property
    def engine(self) -> Any:
        """For the events themselves: each commit on disk before the webhook answers 200."""
        if self._engine is None:
            self._engine = self._create_engine(durable=True)
        return self._engine

    @property
    def bookkeeping_engine(self) -> Any:
        """For claims, renewals and done marks: commits survive the process being killed,
        not necessarily the machine or database server crashing (then an event may be
        claimed again, and its saved answer resent). Saves a disk sync per write."""
        if self._bookkeeping_engine is None:
            if sa.engine.make_url(self.url).get_backend_name() == "sqlite" and not is_sqlite_file(
                self.url
            ):
                self._bookkeeping_engine = self.engine  # in memory: one database, one engine
            else:
                self._bookkeeping_engine = self._create_engine(durable=False)
        return self._bookkeeping_engine

    def _create_engine(self, durable: bool) -> Any:
        if is_sqlite_file(self.url):
            return pooled_sqlite_engine(self.url, "FULL" if durable else "NORMAL")
        if sa.engine.make_url(self.url).get_backend_name() == "sqlite":
            # In memory: one connection, or every connection would see its own database.
            return sa.create_engine(
                self.url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        # PostgreSQL. A few connections are enough: every transaction is a query or two. No
        # pre-ping (a round trip per transaction): after a database restart the first use
        # of a dead connection fails (the webhook answers 503, LINE redelivers; a worker
        # tries again at the next sweep) and the pool reconnects.
        options = {} if durable else {"connect_args": {"options": "-c synchronous_commit=off"}}
        return sa.create_engine(self.url, pool_size=5, **options)

    @property
    def dialect(self) -> str:
        return str(self.engine.dialect.name)

    def ensure_schema(self) -> None:
        """Creates the table when it is missing (several instances may race to do it)."""
        if self._schema_ready:
            return
        try:
            metadata.create_all(self.engine, checkfirst=True)
        except SQLAlchemyError:
            # Another instance created it between our check and our CREATE: fine if it is there.
            if not sa.inspect(self.engine).has_table(TABLE):
                raise
        self._schema_ready = True

    def close(self) -> None:
        for engine in (self._engine, self._bookkeeping_engine):
            if engine is not None:
                engine.dispose()

    # --- the webhook -----------------------------------------------------------------

    def add(self, events: Iterable[NewEvent]) -> list[str]:
        """Stores ``events`` in one transaction; returns the keys that were new (the others
        were delivered before). ``StoreUnavailable`` when nothing could be stored."""
        now = time.time()
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        new = []
        try:
            self.ensure_schema()
            with self.engine.begin() as connection:
                for event in events:
                    statement = (
                        insert(line_events)
                        .values(
                            event_id=event.event_id,
                            conversation=event.conversation,
                            user_id=event.user_id,
                            body=json.dumps(event.raw, ensure_ascii=False),
                            received_at=now,
                            attempts=0,
                        )
                        .on_conflict_do_nothing(index_elements=["event_id"])
                    )
                    if connection.execute(statement).rowcount:
                        new.append(event.event_id)
        except SQLAlchemyError as error:
            raise StoreUnavailable(str(error)) from error
        return new

    # --- workers ---------------------------------------------------------------------

    def claim(self, conversation: str) -> Optional[ClaimedEvent]:
        """Leases the oldest unanswered event of ``conversation`` to this process; None when
        there is none or another worker holds its lease.

        One statement: the row is chosen and leased under the database's row lock, so two
        instances cannot both take it (PostgreSQL re-checks the conditions on the row the
        other one changed; SQLite has one writer at a time).
        """
        now = time.time()
        self.ensure_schema()
        with self.bookkeeping_engine.begin() as connection:
            row = connection.execute(
                CLAIM,
                {
                    "conversation": conversation,
                    "owner": self.owner,
                    "until": now + self.lease_seconds,
                    "now": now,
                },
            ).first()
        if row is None:
            return None
        return ClaimedEvent(
            row=row.id,
            event_id=row.event_id,
            conversation=conversation,
            raw=json.loads(row.body or "{}"),
            attempts=row.attempts,
            received_at=row.received_at,
            replied_before=row.reply_at is not None,
        )

    def renew(self, event: ClaimedEvent) -> bool:
        """Extends the lease; False when it was lost (it expired and another worker took it)."""
        return self._update_if_ours(event, lease_until=time.time() + self.lease_seconds)

    def mark_replying(self, event: ClaimedEvent) -> None:
        """Notes that the reply call for the event is about to be made: a worker that takes
        the event again after a crash must not reply (LINE may have shown it already)."""
        table = line_events
        with self.bookkeeping_engine.begin() as connection:
            connection.execute(
                table.update()
                .where(table.c.id == event.row, table.c.reply_at.is_(None))
                .values(reply_at=time.time())
            )

    def finish(self, event: ClaimedEvent) -> bool:
        """Marks the event answered and deletes its message; False when the lease was lost."""
        return self._update_if_ours(
            event, done_at=time.time(), body=None, lease_owner=None, lease_until=None
        )

    def _update_if_ours(self, event: ClaimedEvent, **values: Any) -> bool:
        """Updates the event's row while this worker holds its lease; False otherwise."""
        table = line_events
        with self.bookkeeping_engine.begin() as connection:
            return bool(
                connection.execute(
                    table.update()
                    .where(table.c.id == event.row, table.c.lease_owner == self.owner)
                    .values(**values)
                ).rowcount
            )

    def waiting_conversations(self, limit: int = 500) -> list[str]:
        """Conversations with an unanswered event that nobody holds a lease on (new, or
        left by a worker that died): what a sweep hands to the workers."""
        now = time.time()
        table = line_events
        self.ensure_schema()
        with self.bookkeeping_engine.connect() as connection:
            rows = connection.execute(
                sa.select(table.c.conversation)
                .where(table.c.done_at.is_(None), self._free(now))
                .group_by(table.c.conversation)
                .order_by(sa.func.min(table.c.id))
                .limit(limit)
            ).fetchall()
        return [row.conversation for row in rows]

    def unanswered(self) -> int:
        """How many stored events are not answered yet."""
        self.ensure_schema()
        with self.bookkeeping_engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count())
                    .select_from(line_events)
                    .where(line_events.c.done_at.is_(None))
                ).scalar_one()
            )

    def _free(self, now: float) -> Any:
        """No live lease on the row (this process's own included: its worker holds it)."""
        table = line_events
        return sa.or_(table.c.lease_owner.is_(None), table.c.lease_until < now)
