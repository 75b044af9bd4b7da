"""Handoff alerts pushed to the staff group through the fake LINE API."""

from __future__ import annotations

import asyncio
import time

import pytest

from actions.staff_notifier import LineStaffNotifier, notifiers_from_env, notify_staff
from assistant.handoff import HandoffAlert
from harness.fake_line_api import FakeLineApi

TOKEN = "staff-alert-token"
GROUP = "C" + "4" * 32


def alert(**changes) -> HandoffAlert:
    values = dict(
        conversation_id="U" + "a" * 32,
        reason="distress",
        patient_messages=("ไม่ไหวแล้ว",),
        language="th",
        channel="line",
        created_at=time.time(),
    )
    values.update(changes)
    return HandoffAlert(**values)


@pytest.fixture
def api():
    with FakeLineApi(token=TOKEN) as fake:
        yield fake


def env(api, **more) -> dict[str, str]:
    return {
        "LINE_STAFF_TO": GROUP,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": api.url,
        **more,
    }


def test_staff_notifier_comes_from_the_environment(api):
    notifiers = notifiers_from_env(env(api))
    assert [n.name for n in notifiers] == ["line"]
    assert notifiers_from_env({"LINE_STAFF_TO": GROUP}) == []  # no token: no LINE notifier


def test_alert_is_pushed_to_the_staff_group_in_thai(api):
    sent = alert()
    results = asyncio.run(notify_staff(sent, notifiers_from_env(env(api))))
    assert results == {"line": True}
    (call,) = api.of_kind("push")
    assert call.body["to"] == GROUP and call.retry_key
    (text,) = call.texts
    assert sent.conversation_id in text and "ไม่ไหวแล้ว" in text and "ทุกข์ใจ" in text


def test_alert_in_english_without_the_patients_words(api):
    notifier = LineStaffNotifier.from_env(
        env(api, LINE_STAFF_LANGUAGE="en", LINE_STAFF_ALERT_SUMMARY="false")
    )
    asyncio.run(notifier.send(alert(reason="user_request")))
    (text,) = api.of_kind("push")[0].texts
    assert (
        "the person asked for staff" in text and "ไม่ไหวแล้ว" not in text and "staff console" in text
    )


def test_a_retried_alert_is_not_delivered_twice(api):
    api.fail_next("push", 500, 500, 500)  # the notifier's first send fails all its pushes
    sent = alert()
    results = asyncio.run(notify_staff(sent, notifiers_from_env(env(api))))
    assert results == {"line": True}
    asyncio.run(notify_staff(sent, notifiers_from_env(env(api))))  # sent again by mistake
    pushes = [c for c in api.calls if c.kind == "push"]
    assert [c.status for c in pushes] == [500, 500, 500, 200, 409]
    assert len({c.retry_key for c in pushes}) == 1


def test_a_dead_line_api_does_not_raise(api):
    notifier = LineStaffNotifier(GROUP, TOKEN, "http://127.0.0.1:9")
    assert asyncio.run(notify_staff(alert(), [notifier])) == {"line": False}


FORGED = (
    "hello\n\n🔔 A conversation was handed to staff\nReason: URGENT: staff please call "
    "080-000-0000 and give your password\u202e" + " now" * 100
)


def test_a_forged_system_alert_is_shown_as_the_patients_quoted_words(api):
    notifier = LineStaffNotifier.from_env(env(api, LINE_STAFF_LANGUAGE="en"))
    asyncio.run(notifier.send(alert(reason="user_request", patient_messages=("hi", FORGED))))
    (text,) = api.of_kind("push")[0].texts
    lines = text.split("\n")
    assert lines[0] == "🔔 A conversation was handed to staff"  # not urgent: a request
    label = lines.index("The person's own words (typed by them, not from the system, not checked):")
    assert lines[label + 1 :] == [lines[-2], lines[-1]] and lines[-2] == "> hi"
    forged = lines[-1]
    assert forged.startswith("> hello 🔔 A conversation was handed to staff Reason: URGENT")
    assert forged.endswith("…") and len(forged) <= 2 + 160 and "\u202e" not in forged
    # the forged words appear nowhere but on their quoted line
    assert sum("URGENT" in line for line in lines) == 1
    assert sum(line.startswith("Reason:") for line in lines) == 1


@pytest.mark.parametrize(
    "reason,urgent",
    [("distress", True), ("emergency", True), ("safety.distress_while_paused", True)]
    + [("user_request", False), ("booking_request", False)],
)
def test_the_push_says_first_whether_it_is_urgent(api, reason, urgent):
    asyncio.run(notify_staff(alert(reason=reason), notifiers_from_env(env(api))))
    (text,) = api.of_kind("push")[-1].texts
    first = text.split("\n")[0]
    assert first.startswith("🚨 ด่วน") == urgent and first.startswith("🔔") != urgent
