"""Management commands: first admin, retention, deletion on request; all audited."""

import io
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from channels.line.event_store import line_events
from console.staff import conversation_index
from console.staff.models import AuditEntry, Conversation, Flag, Note, TrackerEvent
from tests.console.rasa_events import Conversation as Events

pytestmark = pytest.mark.django_db(databases=["default", "tracker"])
DAY = 86400


def run(*args, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    saved, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def test_create_the_first_admin():
    assert not User.objects.exists(), "no default account"
    run(
        "create_staff_user",
        "somchai",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a-long-Passphrase-42\n",
    )
    user = User.objects.get(username="somchai")
    assert user.is_staff and user.check_password("a-long-Passphrase-42")
    assert list(user.groups.values_list("name", flat=True)) == ["admin"]
    assert user.password != "a-long-Passphrase-42"


def test_weak_passwords_are_refused():
    with pytest.raises(CommandError):
        run("create_staff_user", "nok", "--role", "reviewer", "--password-stdin", stdin="1234\n")
    assert not User.objects.filter(username="nok").exists()


@pytest.fixture
def old_and_new(db):
    now = time.time()
    old = Events("old-one", start=now - 400 * DAY).user("เก่ามาก 0812345678", "chat_greet").save()
    Events("recent", start=now - 10 * DAY).user("ใหม่", "chat_greet").save()
    conversation_index.refresh_index()
    event = TrackerEvent.objects.get(sender_id="old-one", type_name="user")
    Flag.objects.create(sender_id="old-one", user_event_id=event.id, corrected_intent="chat_greet")
    Note.objects.create(sender_id="old-one", text="called back")
    return old


def test_retention_dry_run_deletes_nothing(old_and_new):
    out = run("purge_old_conversations", "--days", "365", "--dry-run")
    assert "Would delete 1 conversations (3 events)" in out
    assert TrackerEvent.objects.filter(sender_id="old-one").count() == 3
    assert not AuditEntry.objects.filter(action="delete").exists()


def test_retention_deletes_old_conversations_everywhere(old_and_new):
    out = run("purge_old_conversations", "--days", "365")
    assert "Deleted 1 conversations (3 events)" in out
    assert not TrackerEvent.objects.filter(sender_id="old-one").exists()
    assert TrackerEvent.objects.filter(sender_id="recent").exists()
    assert list(Conversation.objects.values_list("sender_id", flat=True)) == ["recent"]
    assert not Flag.objects.exists() and not Note.objects.exists()
    entry = AuditEntry.objects.get(action="delete")
    assert (
        entry.target == "old-one" and "retention" in entry.username and "3 events" in entry.detail
    )


def test_deleting_one_persons_conversation_by_what_they_wrote(old_and_new):
    out = run("delete_conversation", "--matching", "0812345678", "--dry-run")
    assert "old-one" in out and "Would delete 1" in out
    assert TrackerEvent.objects.filter(sender_id="old-one").exists()
    run("delete_conversation", "--matching", "0812345678", "--by", "dpo@clinic")
    assert not TrackerEvent.objects.filter(sender_id="old-one").exists()
    assert AuditEntry.objects.get(action="delete").username == "delete_conversation dpo@clinic"


def test_deleting_by_conversation_id(old_and_new):
    run("delete_conversation", "recent")
    assert not TrackerEvent.objects.filter(sender_id="recent").exists()
    with pytest.raises(CommandError):
        run("delete_conversation")


def test_refresh_command_rebuilds(old_and_new):
    Conversation.objects.all().delete()
    out = run("refresh_conversation_index", "--rebuild")
    assert "2 conversations rebuilt" in out
    assert Conversation.objects.count() == 2


@pytest.fixture
def line_events_table(db):
    """The LINE channel's table (channels/line/event_store.py) beside Rasa's events."""
    from django.db import connections

    connection = connections["tracker"]
    with connection.cursor() as cursor:
        # the channel's own table definition, in this database's dialect
        dialect = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}
        cursor.execute(str(CreateTable(line_events).compile(dialect=dialect[connection.vendor])))
        now = time.time()
        rows = [
            ("e-old", "old-one", "old-one", None, now - 30 * DAY),  # answered a month ago
            ("e-pending", "old-one", "old-one", '{"text": "0812345678"}', None),
            ("e-group", "C-group", "old-one", '{"text": "in a group"}', None),
            ("e-recent", "recent", "recent", None, now - DAY),
            ("e-month", "recent", "recent", None, now - 30 * DAY),
        ]
        for event_id, conversation, user, body, done_at in rows:
            cursor.execute(
                "INSERT INTO line_events (event_id, conversation, user_id, body, received_at, "
                "done_at) VALUES (%s, %s, %s, %s, %s, %s)",
                [event_id, conversation, user, body, now - 31 * DAY, done_at],
            )
    yield stored_line_events
    with connections["tracker"].cursor() as cursor:
        cursor.execute("DROP TABLE line_events")


def stored_line_events() -> list[str]:
    from django.db import connections

    with connections["tracker"].cursor() as cursor:
        cursor.execute("SELECT event_id FROM line_events ORDER BY event_id")
        return [row[0] for row in cursor.fetchall()]


def test_deleting_a_person_deletes_their_stored_line_events(old_and_new, line_events_table):
    run("delete_conversation", "old-one")
    assert line_events_table() == ["e-month", "e-recent"]


def test_retention_removes_line_events_answered_long_ago_and_nothing_unanswered(
    old_and_new, line_events_table
):
    out = run("purge_old_conversations", "--days", "365", "--line-event-days", "7")
    # old-one's conversation goes whole (its 3 events, its LINE events); of "recent"'s
    # LINE events the one answered a month ago goes, yesterday's stays
    assert "Deleted 1 conversations (3 events)" in out
    assert "Deleted 1 LINE events answered over 7 days ago" in out
    assert line_events_table() == ["e-recent"]
