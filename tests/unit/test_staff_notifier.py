"""Staff alerts against a real local HTTP endpoint, including failing ones."""

import asyncio
import logging

from actions.staff_notifier import WebhookNotifier, notifiers_from_env, notify_staff
from assistant.handoff import HandoffAlert
from harness.webhook_receiver import WebhookReceiver
from ops.stack import free_port

ALERT = HandoffAlert("user-1", "user_request", "Topics: therapy.cost", "th", "rest", 1.0)


def test_webhook_receives_the_alert_with_token():
    with WebhookReceiver() as hook:
        result = asyncio.run(notify_staff(ALERT, [WebhookNotifier(hook.url, "s3cret")]))
        assert result == {"webhook": True}
        [body] = hook.wait_for(1)
    assert body["conversation_id"] == "user-1"
    assert body["reason"] == "user_request"
    assert body["summary"] == "Topics: therapy.cost"
    assert body["type"] == "handoff"
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
