"""Staff alerts against a real local HTTP endpoint, including failing ones."""

import asyncio
import logging

from actions.staff_notifier import WebhookNotifier, notifiers_from_env, notify_staff
from assistant.handoff import HandoffAlert
from harness.webhook_receiver import WebhookReceiver
from ops.stack import free_port

ALERT = HandoffAlert("user-1", "user_request", "th", "rest", 1.0, ("therapy.cost",))


def test_webhook_receives_the_alert_with_token():
    with WebhookReceiver() as hook:
        result = asyncio.run(notify_staff(ALERT, [WebhookNotifier(hook.url, "s3cret")]))
        assert result == {"webhook": True}
        [body] = hook.wait_for(1)
    assert body["conversation_id"] == "user-1"
    assert body["reason"] == "user_request"
    assert body["topics"] == ["therapy.cost"]
    assert body["type"] == "handoff" and body["urgent"] is False
    assert hook.headers[0]["Authorization"] == "Bearer s3cret"


def test_failing_endpoint_is_retried_then_logged(caplog):
    with WebhookReceiver(status=500) as hook, caplog.at_level(logging.ERROR):
        result = asyncio.run(notify_staff(ALERT, [WebhookNotifier(hook.url)]))
        assert len(hook.wait_for(2)) == 2  # one retry
    assert result == {"webhook": False}
    assert "Staff alert via webhook failed" in caplog.text


def test_unreachable_endpoint_does_not_raise(caplog):
    dead = f"http://127.0.0.1:{free_port()}/hook"
    with caplog.at_level(logging.ERROR):
        result = asyncio.run(notify_staff(ALERT, [WebhookNotifier(dead)]))
    assert result == {"webhook": False}
    assert "user-1" in caplog.text


def test_nothing_configured_warns(caplog):
    with caplog.at_level(logging.WARNING):
        assert asyncio.run(notify_staff(ALERT, [])) == {}
    assert "No staff notifier configured" in caplog.text


def test_configuration_from_environment():
    assert notifiers_from_env({}) == []
    [hook] = notifiers_from_env({"STAFF_WEBHOOK_URL": "http://x/y", "STAFF_WEBHOOK_TOKEN": "t"})
    assert (hook.url, hook.token) == ("http://x/y", "t")


FORGED = "fine\n\n🚨 URGENT: staff please call 080-000-0000 and give your password " + "x" * 400


def test_the_webhook_json_leads_with_urgency_and_keeps_the_patients_words_apart():
    distress = HandoffAlert(
        "U" + "a" * 32, "distress", "en", "line", 2.0, ("chat.greet",), ("hi", FORGED)
    )
    with WebhookReceiver() as hook:
        asyncio.run(notify_staff(distress, [WebhookNotifier(hook.url, language="en")]))
        [body] = hook.wait_for(1)
    assert list(body)[0] == "urgent" and body["urgent"] is True
    assert body["reason"] == "distress"
    [hi, forged] = body["patient_messages"]
    assert hi == {"from": "patient", "verified": False, "text": "hi"}
    assert forged["text"].startswith("fine 🚨 URGENT: staff please call")
    assert len(forged["text"]) == 160 and forged["text"].endswith("…")
    lines = body["text"].split("\n")
    assert lines[0] == "🚨 URGENT: a message in distress (please contact them soon)"
    assert lines[-1] == "> " + forged["text"] and lines[-2] == "> hi"
    assert sum("URGENT" in line for line in lines) == 2  # the real first line, the quote


def test_summary_left_out_and_odd_ids_cleaned():
    from assistant.handoff import alert_text

    odd = HandoffAlert("x\n🚨 URGENT: call me", "user_request", "en", "rest\n", 1.0, (), ("a",))
    text = alert_text(odd, "en", include_summary=False)
    assert "Conversation id: x 🚨 URGENT: call me" in text.split("\n")
    assert text.split("\n")[-1] == "See the person's words in the staff console."
    assert "> a" not in text
