"""A stopping server (SIGTERM, as in a rolling restart) first answers the LINE events it
has acknowledged: LINE will not send them again, so dropping them would lose messages."""

from __future__ import annotations

import sqlite3

import pytest

from harness.line_webhook import LineWebhookSender, text_event
from tests.line.conftest import (
    CHANNEL_SECRET,
    LinePatient,
    own_line_stack,
)

pytestmark = pytest.mark.e2e

PATIENTS = 60
QUESTIONS = ["สเต็มเซลล์คืออะไร", "ราคาเท่าไหร่คะ", "ปลอดภัยไหม"]


def test_sigterm_finishes_every_acknowledged_event_before_exiting(tmp_path, line_api):
    db = tmp_path / "tracker.db"
    stack = own_line_stack(db, line_api, "line-shutdown")
    try:
        stack.start()
        webhook = LineWebhookSender(stack.rasa_url, CHANNEL_SECRET)
        crowd = [LinePatient(webhook, line_api) for _ in range(PATIENTS)]
        for question in QUESTIONS:  # one webhook per round, as LINE batches events
            events = [text_event(p.user, question) for p in crowd]
            for patient, event in zip(crowd, events):
                line_api.reply_token_owner(event["replyToken"], patient.user)
            assert webhook.send(*events).status_code == 200
        # No connection left open: Sanic's own graceful wait for open connections would
        # otherwise keep the loop running, and the events would be answered by chance.
        webhook.session.close()
        answered_before_stop = sum(len(p.received()) for p in crowd)
        rasa = next(s for s in stack.services if s.name == "rasa")
        rasa.stop(timeout=60)  # SIGTERM, then wait for the process to exit
        assert rasa.process.returncode is not None
    finally:
        stack.stop()

    total = PATIENTS * len(QUESTIONS)
    assert answered_before_stop < total, "all answered before the stop: the test shows nothing"
    unanswered = [p.user for p in crowd if len(p.received()) < len(QUESTIONS)]
    assert unanswered == []
    with sqlite3.connect(db) as connection:
        stored = connection.execute(
            "SELECT count(*) FROM events WHERE type_name = 'user'"
        ).fetchone()[0]
    assert stored == total
