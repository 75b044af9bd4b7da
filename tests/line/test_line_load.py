"""Load: 200 signed events from 50 LINE users at once, through the real assistant.

Each event must be answered exactly once (one reply call with its reply token), in order
per user, with no 5xx from the webhook. The numbers go to test-artifacts/line-load.json
(the README quotes them).
"""

from __future__ import annotations

import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from assistant.paths import ROOT
from bench.load import percentile
from harness.line_webhook import text_event

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

USERS = 50
EVENTS_PER_USER = 4
QUESTIONS = ["hello", "สเต็มเซลล์คืออะไรคะ", "is it safe?", "ขอบคุณค่ะ"]


def idle_latencies(make_patient, line_api, count: int = 5) -> list[float]:
    """Webhook-to-reply time of single messages on an otherwise idle server."""
    latencies = []
    for _ in range(count):
        patient = make_patient("th")
        started = time.monotonic()
        patient.says("สเต็มเซลล์คืออะไรคะ")
        (call,) = patient.wait_received(1)
        latencies.append(call.at - started)
    return latencies


def test_200_events_from_50_users_are_answered_once_in_order(make_patient, line_api):
    idle = idle_latencies(make_patient, line_api)
    patients = [make_patient("th") for _ in range(USERS)]
    sent: dict[str, float] = {}  # reply token -> when the webhook was posted
    order: dict[str, list[str]] = {}  # user -> reply tokens in the order sent
    statuses: list[int] = []

    def talk(patient) -> None:
        session = requests.Session()
        for question in QUESTIONS[:EVENTS_PER_USER]:
            event = text_event(patient.user, question)
            order.setdefault(patient.user, []).append(event["replyToken"])
            sent[event["replyToken"]] = time.monotonic()
            statuses.append(patient.send(event, session=session).status_code)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=USERS) as pool:
        list(pool.map(talk, patients))
    tokens = set(sent)
    line_api.wait_for(lambda api: tokens <= api.used_reply_tokens, timeout=600)
    elapsed = time.monotonic() - started
    time.sleep(1.0)  # room for a duplicate to show up

    replies = [
        c for c in line_api.calls if c.kind == "reply" and c.body.get("replyToken") in tokens
    ]
    answered = {c.body["replyToken"] for c in replies if c.status == 200}
    duplicates = len([c for c in replies]) - len(answered)
    pushes = [c for c in line_api.calls if c.kind == "push" and c.body.get("to") in order]
    latencies = [c.at - sent[c.body["replyToken"]] for c in replies if c.status == 200]
    numbers = {
        "events": len(sent),
        "users": USERS,
        "answered": len(answered),
        "duplicates": duplicates,
        "push_fallbacks": len(pushes),
        "webhook_5xx": sum(1 for s in statuses if s >= 500),
        "webhook_non_200": sum(1 for s in statuses if s != 200),
        "p50_seconds": round(statistics.median(latencies), 2) if latencies else None,
        "p95_seconds": round(percentile(latencies, 0.95), 2) if latencies else None,
        "max_seconds": round(max(latencies), 2) if latencies else None,
        "total_seconds": round(elapsed, 1),
        "idle_single_message_p50_seconds": round(statistics.median(idle), 2),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "line-load.json").write_text(json.dumps(numbers, indent=2))
    print("LINE load:", numbers)

    assert numbers["webhook_non_200"] == 0
    assert numbers["answered"] == len(sent) == USERS * EVENTS_PER_USER
    assert numbers["duplicates"] == 0 and not pushes
    assert not line_api.rejected
    for user, user_tokens in order.items():
        answered_order = [
            c.body["replyToken"]
            for c in replies
            if c.status == 200 and c.body["replyToken"] in user_tokens
        ]
        assert answered_order == user_tokens, f"answers to {user} out of order"
