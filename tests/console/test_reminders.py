"""The day-before reminder by LINE push is sent exactly once, also when the process stops
between planning and sending or between sending and recording that it was sent: real
``console.manage`` processes on SQLite files, the fake LINE API, a fake Rasa HTTP API."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.paths import ROOT
from harness.fake_line_api import FakeLineApi
from tests.console.fake_rasa import FakeRasa

BKK = ZoneInfo("Asia/Bangkok")
USER = "U" + "4" * 32
TOKEN = "reminder-test-token"
# 19:00 on a Tuesday; the consultation is confirmed for Wednesday 14:30.
NOW = datetime(2026, 12, 15, 19, 0, tzinfo=BKK)
EVENTS_TABLE = """CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT,
    intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def conversation(sender: str, reference: str, final_time: str, channel: str) -> list[dict]:
    start = NOW.timestamp() - 86400
    request = {
        "reference": reference, "status": "requested", "name": "Somchai", "phone": "+66812345678",
        "wish": "2026-12-16 afternoon", "wish_text": "พรุ่งนี้บ่าย", "condition": "psoriasis",
        "note": "-", "language": "th", "channel": channel, "submitted_at": start,
    }  # fmt: skip
    return [
        {"event": "user", "timestamp": start, "text": "อยากนัดค่ะ", "input_channel": channel,
         "parse_data": {"intent": {"name": "booking_request", "confidence": 0.9}}},
        {"event": "bot", "timestamp": start + 1, "text": "ส่งแล้ว",
         "metadata": {"topic": "booking.request", "language": "th", "booking": request}},
        {"event": "bot", "timestamp": start + 2, "text": "ยืนยันแล้ว",
         "metadata": {"topic": "booking.manage", "language": "th", "staff": True,
                      "booking_update": {"reference": reference, "status": "confirmed",
                                         "final_time": final_time}}},
    ]  # fmt: skip


@pytest.fixture
def place(tmp_path: Path):
    """Two SQLite files (the console's, the tracker store) and the fakes, like a deployment."""
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as db:
        db.execute(EVENTS_TABLE)
        rows = [
            *conversation(USER, "BK-LINE01", "2026-12-16 14:30", "line"),
            *conversation("web-1", "BK-WEB001", "2026-12-16 10:00", "socketio"),
            *conversation(USER[:-1] + "5", "BK-LATER1", "2026-12-18 10:00", "line"),
        ]
        senders = [USER] * 3 + ["web-1"] * 3 + [USER[:-1] + "5"] * 3
        db.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [(s, e["event"], e["timestamp"], json.dumps(e)) for s, e in zip(senders, rows)],
        )
    with FakeLineApi(token=TOKEN) as line, FakeRasaServer() as rasa:
        env = {
            **os.environ,
            "CONSOLE_DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}",
            "TRACKER_STORE_URL": f"sqlite:///{tracker}",
            "CONSOLE_SECRET_KEY": "tests-only",
            "CONSOLE_RASA_URL": rasa.url,
            "RASA_API_TOKEN": "t",
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": line.url,
            "DJANGO_SETTINGS_MODULE": "console.settings",
        }
        run(env, "-m", "console.manage", "migrate", "--verbosity", "0")
        yield env, line, rasa, tmp_path / "console.db"


class FakeRasaServer(FakeRasa):
    def __enter__(self) -> "FakeRasaServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def send(env: dict) -> str:
    return run(env, "-m", "console.manage", "send_booking_reminders", "--now", NOW.isoformat())


def pushes(line: FakeLineApi) -> list:
    """Every push attempt to the LINE patient, accepted or not."""
    return [c for c in line.calls if c.kind == "push" and c.body.get("to") == USER]


def test_planned_then_stopped_then_sent_once_by_the_next_process(place):
    env, line, rasa, console_db = place
    # A process that plans and stops before it sends anything (killed, restarted).
    run(env, "-c", "import django; django.setup(); from datetime import datetime; "
        "from console.staff import reminders; "
        f"print(reminders.plan(datetime.fromisoformat('{NOW.isoformat()}')))")  # fmt: skip
    assert line.of_kind("push") == []
    with sqlite3.connect(console_db) as db:
        [(reference, sent_at)] = db.execute("SELECT reference, sent_at FROM staff_bookingreminder")
    assert (reference, sent_at) == ("BK-LINE01", None)

    assert "1 sent" in send(env)
    [push] = pushes(line)
    assert "BK-LINE01" in push.texts[0] and "16 ธ.ค." in push.texts[0] and "14:30" in push.texts[0]
    assert [c for c in line.of_kind("push") if c.body.get("to") != USER] == [], (
        "not the web patient, not the consultation two days ahead"
    )
    [record] = [c for c in rasa.calls if c["path"] == f"/conversations/{USER}/tracker/events"]
    assert "output_channel" not in record["query"], "recorded, not sent a second time"
    assert record["body"][0]["metadata"]["booking_reminder"] == "BK-LINE01"

    assert "0 sent" in send(env)  # a later run: nothing more
    assert len(pushes(line)) == 1


def test_a_stop_after_the_push_but_before_it_was_marked_sent_does_not_deliver_twice(place):
    env, line, rasa, console_db = place
    send(env)
    assert len(line.delivered_to(USER)) == 1
    # As if the process died right after LINE accepted the push.
    with sqlite3.connect(console_db) as db:
        db.execute("UPDATE staff_bookingreminder SET sent_at = NULL")
    send(env)
    attempts = pushes(line)
    assert len(attempts) == 2 and attempts[0].retry_key == attempts[1].retry_key
    assert [a.status for a in attempts] == [200, 409]
    assert len(line.delivered_to(USER)) == 1, "LINE refused the retried key (409)"


def test_nothing_is_due_before_the_reminder_time(place):
    env, line, rasa, console_db = place
    early = (NOW - timedelta(hours=2)).isoformat()  # 17:00, the clinic's time is 18:00
    run(env, "-m", "console.manage", "send_booking_reminders", "--now", early)
    assert line.of_kind("push") == []
