"""The only Rasa process killed (SIGKILL) with LINE events acknowledged and not answered:
started again, it answers every one exactly once, in order per conversation; a redelivery
of an event it had answered before the kill is not answered again."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bench.load import check_consistency
from harness.fake_line_api import FakeLineApi
from harness.line_webhook import LineWebhookSender, text_event
from tests.line.conftest import (
    ACCESS_TOKEN,
    CHANNEL_SECRET,
    LinePatient,
    own_line_stack,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PATIENTS = 30
QUESTIONS = ["สเต็มเซลล์คืออะไร", "ราคาเท่าไหร่คะ", "ปลอดภัยไหม"]


@pytest.fixture
def line_api() -> FakeLineApi:
    """A fake LINE API of this test's own: the kill tears reply calls in half (LINE would
    answer them 400, and the fake records them as rejected), which must not count against
    the other LINE tests sharing the session's fake."""
    with FakeLineApi(token=ACCESS_TOKEN) as api:
        yield api


def reply_order(patient: LinePatient, tokens: list[str]) -> list[int]:
    """Which question each reply call answered, in the order the calls arrived."""
    return [
        tokens.index(call.body["replyToken"])
        for call in patient.received()
        if call.kind == "reply" and call.body.get("replyToken") in tokens
    ]


def test_kill_9_then_restart_answers_every_acknowledged_event_once_in_order(tmp_path, line_api):
    db = tmp_path / "tracker.db"
    stack = own_line_stack(db, line_api, "line-crash")
    try:
        stack.start()
        webhook = LineWebhookSender(stack.rasa_url, CHANNEL_SECRET)
        early = LinePatient(webhook, line_api)
        answered_event = text_event(early.user, "สเต็มเซลล์คืออะไร")
        assert early.send(answered_event).status_code == 200
        early.wait_received(1)

        crowd = [LinePatient(webhook, line_api) for _ in range(PATIENTS)]
        tokens: dict[str, list[str]] = {p.user: [] for p in crowd}
        for question in QUESTIONS:  # one webhook per round, as LINE batches events
            events = [text_event(p.user, question) for p in crowd]
            for patient, event in zip(crowd, events):
                line_api.reply_token_owner(event["replyToken"], patient.user)
                tokens[patient.user].append(event["replyToken"])
            assert webhook.send(*events).status_code == 200  # acknowledged
        # killed in the middle of the work: some answered, some being answered, most waiting
        line_api.wait_for(lambda api: sum(len(p.received()) for p in crowd) >= 10, timeout=60)
        rasa = next(s for s in stack.services if s.name == "rasa")
        os.killpg(rasa.process.pid, signal.SIGKILL)
        rasa.process.wait()
        answered_before_kill = sum(len(p.received()) for p in crowd)
        total = PATIENTS * len(QUESTIONS)
        assert answered_before_kill < total, "all answered before the kill: the test shows nothing"

        rasa.start(stack.env, None)
        stack.wait_ready()
        line_api.wait_for(
            lambda api: all(len(p.received()) >= len(QUESTIONS) for p in crowd), timeout=240
        )
        # the answered event redelivered to the new process is not answered again
        again = {**answered_event, "deliveryContext": {"isRedelivery": True}}
        assert webhook.send(again).status_code == 200
        time.sleep(3)  # anything sent twice would arrive by now
    finally:
        stack.stop()

    counts = [len(p.received()) for p in crowd]
    print(
        f"\n{total} events acknowledged, {answered_before_kill} answered before the kill, "
        f"{sum(counts) - answered_before_kill} after the restart; deliveries per patient "
        f"{min(counts)}..{max(counts)}"
    )
    assert [p.user for p in crowd if len(p.received()) != len(QUESTIONS)] == []
    assert len(early.received()) == 1
    for patient in crowd:
        order = reply_order(patient, tokens[patient.user])
        assert order == sorted(order), f"{patient.user} answered out of order: {order}"
    sent = {p.user: QUESTIONS for p in crowd}
    assert check_consistency(f"sqlite:///{db}", sent) == []
