"""The tuned SQL tracker store (rasa_extensions/sql_tracker_store.py) stores what Rasa's stores, with less work.

Real SQLite files; a second store on the same file stands in for a second Rasa instance.
"""

import asyncio
import sqlite3

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from rasa_extensions.sql_tracker_store import TunedSQLTrackerStore, stored_events

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: categorical
    values: [th, en]
    influence_conversation: false
    mappings:
      - type: custom
"""
)


def turn(text: str) -> list:
    return [
        UserUttered(text),
        SlotSet("language", "en"),
        BotUttered(f"answer to {text}"),
        ActionExecuted("action_listen"),
    ]


def stored_rows(path) -> list[tuple[str, str]]:
    """(type, text or name) of every stored event, in insertion order."""
    import json

    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT type_name, data FROM events ORDER BY id").fetchall()
    result = []
    for type_name, data in rows:
        event = json.loads(data)
        result.append((type_name, event.get("text") or event.get("name") or ""))
    return result


def statements(store) -> list[str]:
    """Collects every SQL statement ``store`` runs from now on."""
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


async def add_turn(store, sender: str, text: str) -> None:
    tracker = await store.get_or_create_tracker(sender)
    for event in turn(text):
        tracker.update(event)
    await store.save(tracker)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "tracker.db"


def test_a_retrieved_tracker_is_saved_without_counting_and_every_event_once(path):
    store = TunedSQLTrackerStore(DOMAIN, db=str(path))
    asyncio.run(add_turn(store, "p1", "hello"))
    seen = statements(store)
    asyncio.run(add_turn(store, "p1", "is it safe?"))

    assert not [s for s in seen if "count(" in s.lower()]
    assert stored_rows(path) == [
        ("action", "action_listen"),
        ("user", "hello"),
        ("slot", "language"),
        ("bot", "answer to hello"),
        ("action", "action_listen"),
        ("user", "is it safe?"),
        ("slot", "language"),
        ("bot", "answer to is it safe?"),
        ("action", "action_listen"),
    ]
    # Rasa's own store reads back the same conversation
    stock = asyncio.run(SQLTrackerStore(DOMAIN, db=str(path)).retrieve("p1"))
    ours = asyncio.run(store.retrieve("p1"))
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in stock.events]


def test_two_instances_on_one_database_store_each_event_once_in_order(path):
    first, second = (
        TunedSQLTrackerStore(DOMAIN, db=str(path)),
        TunedSQLTrackerStore(DOMAIN, db=str(path)),
    )
    for store, text in (
        (first, "one"),
        (second, "two"),
        (first, "three"),
        (second, "four"),
        (second, "five"),
    ):
        asyncio.run(add_turn(store, "shared", text))
    users = [text for kind, text in stored_rows(path) if kind == "user"]
    assert users == ["one", "two", "three", "four", "five"]
    assert len(stored_rows(path)) == 1 + 5 * 4


def test_a_new_session_and_a_second_save_of_the_same_tracker_add_no_duplicates(path):
    store = TunedSQLTrackerStore(DOMAIN, db=str(path))
    asyncio.run(add_turn(store, "p2", "before"))
    tracker = asyncio.run(store.retrieve("p2"))
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        *turn("after"),
    ]:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing written

    assert [t for k, t in stored_rows(path) if k == "user"] == ["before", "after"]
    assert len(stored_rows(path)) == 5 + 3 + 4
    latest = asyncio.run(store.retrieve("p2"))
    assert [e.type_name for e in latest.events][0] == "session_started"
    assert stored_events(latest) == len(latest.events)


def test_a_full_tracker_is_counted_as_rasa_counts_it(path):
    store = TunedSQLTrackerStore(DOMAIN, db=str(path))
    asyncio.run(add_turn(store, "p3", "hi"))
    full = asyncio.run(store.retrieve_full_tracker("p3"))
    assert stored_events(full) is None
    seen = statements(store)
    asyncio.run(store.save(full))
    assert [s for s in seen if "count(" in s.lower()]
    assert len(stored_rows(path)) == 5


def test_sqlite_runs_on_a_write_ahead_log_with_one_reused_connection(path):
    store = TunedSQLTrackerStore(DOMAIN, db=str(path))
    connections = []
    sa.event.listen(store.engine, "connect", lambda *args: connections.append(args[0]))
    for index in range(5):
        asyncio.run(add_turn(store, f"p{index}", "hello"))
    assert len(connections) <= 1
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_rasa_builds_the_tuned_store_from_the_projects_endpoints_file(path, monkeypatch):
    """``endpoints.yml`` names the store by module path; Rasa builds it with the same settings."""
    import rasa.core.tracker_store
    from rasa.utils.endpoints import read_endpoint_config

    from assistant.paths import ROOT
    from assistant.settings import environment

    for name, value in environment({"TRACKER_STORE_URL": f"sqlite:///{path}"}).items():
        monkeypatch.setenv(name, value)
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    assert config.type == "rasa_extensions.sql_tracker_store.TunedSQLTrackerStore"
    store = rasa.core.tracker_store.TrackerStore.create(config, DOMAIN)
    assert type(store) is TunedSQLTrackerStore
    assert store.engine.url.database == str(path)
