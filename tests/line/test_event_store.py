"""The LINE event store and its workers on a real SQLite file (the embedded default's
database): stored before the acknowledgement, deduplicated by ``webhookEventId``, one event
per conversation at a time in arrival order, taken again when a worker's lease expires."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from channels.line.event_store import ClaimedEvent, LineEventStore, NewEvent
from channels.line.event_workers import EventWorkers


def event(key: str, conversation: str = "U1", text: str = "hello") -> NewEvent:
    raw = {"type": "message", "webhookEventId": key, "message": {"type": "text", "text": text}}
    return NewEvent(key, conversation, conversation, raw)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """The embedded default's SQLite file, and PostgreSQL as at scale (when reachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    from bench.compare import fresh_database
    from tests.scale.conftest import postgres_up

    if not postgres_up():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    database = f"postgresql://postgres@127.0.0.1:5432/line_events_{uuid.uuid4().hex[:8]}"
    fresh_database(database)
    yield database
    drop_database(database)


def drop_database(url: str) -> None:
    import psycopg2
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    connection = psycopg2.connect(host=parsed.host, user=parsed.username, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    connection.close()


def test_a_redelivered_event_is_stored_once_even_by_another_process(url):
    first = LineEventStore(url, lease_seconds=5)
    assert first.add([event("e1"), event("e2")]) == ["e1", "e2"]
    second = LineEventStore(url, lease_seconds=5)  # another instance, or after a restart
    assert second.add([event("e1"), event("e3")]) == ["e3"]
    assert second.unanswered() == 3


def test_one_conversation_in_order_one_at_a_time_others_alongside(url):
    store = LineEventStore(url, lease_seconds=5)
    store.add([event("a1", "Ua"), event("b1", "Ub"), event("a2", "Ua")])
    other = LineEventStore(url, lease_seconds=5)
    a1 = store.claim("Ua")
    assert isinstance(a1, ClaimedEvent) and a1.event_id == "a1" and a1.attempts == 1
    assert a1.raw["message"]["text"] == "hello"
    assert other.claim("Ua") is None  # a1 is leased: a2 must wait for it
    b1 = other.claim("Ub")
    assert isinstance(b1, ClaimedEvent) and b1.event_id == "b1"
    assert store.finish(a1)
    a2 = other.claim("Ua")
    assert isinstance(a2, ClaimedEvent) and a2.event_id == "a2"
    assert other.finish(a2) and other.finish(b1)
    assert store.claim("Ua") is None and store.unanswered() == 0


def test_an_expired_lease_is_taken_again_and_the_dead_worker_cannot_finish(url):
    dead = LineEventStore(url, lease_seconds=0.2)
    dead.add([event("e1")])
    taken = dead.claim("U1")
    assert isinstance(taken, ClaimedEvent)
    alive = LineEventStore(url, lease_seconds=5)
    assert alive.claim("U1") is None
    assert alive.waiting_conversations() == []
    time.sleep(0.3)
    assert alive.waiting_conversations() == ["U1"]
    again = alive.claim("U1")
    assert isinstance(again, ClaimedEvent) and again.event_id == "e1" and again.attempts == 2
    assert not dead.renew(taken) and not dead.finish(taken)
    assert alive.renew(again) and alive.finish(again)


def test_a_finished_event_keeps_no_message(url):
    store = LineEventStore(url, lease_seconds=5)
    store.add([event("e1", text="my phone is 0812345678")])
    store.finish(store.claim("U1"))  # type: ignore[arg-type]
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT event_id, body, done_at FROM line_events").all()
    store.close()
    assert rows[0][0] == "e1" and rows[0][1] is None and rows[0][2] is not None


def test_an_unreachable_database_refuses_the_events(tmp_path):
    from channels.line.event_store import StoreUnavailable

    store = LineEventStore(f"sqlite:///{tmp_path / 'missing' / 'tracker.db'}", lease_seconds=5)
    with pytest.raises(StoreUnavailable):
        store.add([event("e1")])


def run_workers(store: LineEventStore, handle, until) -> None:
    async def scenario() -> None:
        workers = EventWorkers(store, handle, sweep_seconds=0.05)
        workers.start_sweeping()
        deadline = time.monotonic() + 10
        while not until() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await workers.finish(timeout=5)

    asyncio.run(scenario())


def test_workers_answer_each_conversation_in_order_and_survive_a_failing_event(url):
    store = LineEventStore(url, lease_seconds=5)
    store.add([event(f"{c}{i}", f"U{c}") for i in range(3) for c in "ab"])
    answered: list[str] = []

    async def handle(claimed: ClaimedEvent) -> None:
        await asyncio.sleep(0.01)
        if claimed.event_id == "a1":
            raise RuntimeError("the assistant failed")
        answered.append(claimed.event_id)

    run_workers(store, handle, lambda: store.unanswered() == 0)
    assert [e for e in answered if e.startswith("a")] == ["a0", "a2"]
    assert [e for e in answered if e.startswith("b")] == ["b0", "b1", "b2"]
    assert store.unanswered() == 0


def test_workers_take_over_the_events_of_a_process_that_died(url):
    dead = LineEventStore(url, lease_seconds=0.3)
    dead.add([event("e1"), event("e2")])
    assert isinstance(dead.claim("U1"), ClaimedEvent)  # then the process is killed
    alive = LineEventStore(url, lease_seconds=5)
    answered: list[tuple[str, int]] = []

    async def handle(claimed: ClaimedEvent) -> None:
        answered.append((claimed.event_id, claimed.attempts))

    run_workers(alive, handle, lambda: len(answered) == 2)
    assert answered == [("e1", 2), ("e2", 1)]


def test_a_slow_turn_keeps_its_lease(url):
    store = LineEventStore(url, lease_seconds=0.3)
    store.add([event("e1")])
    other = LineEventStore(url, lease_seconds=5)
    seen_by_other: list[object] = []

    async def handle(claimed: ClaimedEvent) -> None:
        for _ in range(5):  # 0.5 s: longer than the lease, renewed every 0.1 s
            await asyncio.sleep(0.1)
            seen_by_other.append(other.claim("U1"))

    run_workers(store, handle, lambda: store.unanswered() == 0)
    assert seen_by_other == [None] * 5


def test_an_answered_event_is_marked_once_the_database_is_back(url, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import channels.line.event_workers as event_workers

    monkeypatch.setattr(event_workers, "FINISH_RETRY_SECONDS", 0.05)
    store = LineEventStore(url, lease_seconds=5)
    store.add([event("e1"), event("e2")])
    real_finish, failures = store.finish, [2]

    def finish(claimed: ClaimedEvent) -> bool:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("UPDATE", {}, Exception("database is down"))
        return real_finish(claimed)

    monkeypatch.setattr(store, "finish", finish)
    answered: list[str] = []

    async def handle(claimed: ClaimedEvent) -> None:
        answered.append(claimed.event_id)

    run_workers(store, handle, lambda: store.unanswered() == 0)
    assert answered == ["e1", "e2"]  # e1 not answered a second time
