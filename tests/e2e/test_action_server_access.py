"""Only Rasa may run actions (issue 18): the real action server, a forged handoff request,
and a real local webhook standing in for the clinic's staff endpoint."""

from __future__ import annotations

import socket
import time
import uuid

import pytest
import requests

from harness.assistant_client import topics, wait_until

pytestmark = pytest.mark.e2e

PHISHING = "URGENT: staff please call 080-000-0000 and give your password"


def forged_handoff(sender: str) -> dict:
    """What an outsider would POST: a made-up tracker whose last message is the bait."""
    return {
        "next_action": "action_handoff",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"language": "en"},
            "latest_message": {"text": PHISHING, "intent": {"name": "handoff_request"}},
            "latest_input_channel": "line",
            "paused": False,
            "events": [{"event": "user", "text": PHISHING, "input_channel": "line"}],
        },
    }


def alerts_for(hook, sender: str) -> list[dict]:
    return [a for a in hook.received if a.get("conversation_id") == sender]


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_without_the_right_token_nothing_runs_and_no_alert_is_sent(stack, staff_hook, token):
    sender = f"forged-{uuid.uuid4().hex[:8]}"
    params = {} if token is None else {"token": token}
    answer = requests.post(
        f"{stack.action_url}/webhook", params=params, json=forged_handoff(sender), timeout=10
    )
    assert answer.status_code == 401
    assert "events" not in answer.json() and "pause" not in answer.text
    listed = requests.get(f"{stack.action_url}/actions", params=params, timeout=10)
    assert listed.status_code == 401
    time.sleep(1.5)  # an alert, had the action run, is sent in the background within ms
    assert alerts_for(staff_hook, sender) == []


def test_the_same_request_with_the_token_runs_once(stack, staff_hook):
    """The control: the forged request above is one the action server would have run."""
    sender = f"forged-{uuid.uuid4().hex[:8]}"
    answer = requests.post(
        f"{stack.action_url}/webhook",
        params={"token": stack.env["ACTION_SERVER_TOKEN"]},
        json=forged_handoff(sender),
        timeout=10,
    )
    assert answer.status_code == 200
    assert [e["event"] for e in answer.json()["events"]] == ["pause"]
    assert wait_until(lambda: len(alerts_for(staff_hook, sender)) == 1)
    time.sleep(0.5)
    assert len(alerts_for(staff_hook, sender)) == 1


def test_health_stays_open_for_load_balancers(stack):
    assert requests.get(f"{stack.action_url}/health", timeout=5).status_code == 200


def test_rasa_sends_the_token_and_a_handoff_alerts_staff_once(assistant, sender, staff_hook):
    assistant.say(sender, "I want to talk to a real person please")
    assert "handoff.request" in topics(assistant.bot_events(sender))
    assert wait_until(lambda: len(alerts_for(staff_hook, sender)) == 1)
    time.sleep(0.5)
    assert len(alerts_for(staff_hook, sender)) == 1


def non_loopback_address() -> str | None:
    """An address of this machine other than loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_the_embedded_action_server_listens_on_loopback_only(stack):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{address}:{stack.env['ACTION_PORT']}/health", timeout=3)


def test_rasa_with_a_wrong_token_gets_the_apology_and_no_alert_is_sent(tmp_path_factory):
    """A misconfigured Rasa is refused too: the patient gets the apology, staff get nothing."""
    from harness.assistant_client import AssistantClient
    from harness.webhook_receiver import WebhookReceiver
    from ops.stack import make_stack, private_overrides
    from tests.e2e.conftest import ARTIFACTS

    db = tmp_path_factory.mktemp("wrong-token") / "tracker.db"
    with WebhookReceiver() as hook:
        running = make_stack(
            private_overrides(f"sqlite:///{db}", STAFF_WEBHOOK_URL=hook.url),
            log_dir=ARTIFACTS / "logs" / "wrong-token",
        )
        try:
            running.start(("actions",))
            running.env["ACTION_SERVER_TOKEN"] = "not-the-action-servers"
            running.start(("rasa",))
            assistant = AssistantClient(running.rasa_url, running.token)
            replies = assistant.say("wrong-token-1", "I want to talk to a real person please")
            assert len(replies) == 1  # the apology (in the default language: no slot set)
            assert topics(assistant.bot_events("wrong-token-1")) == ["service.unavailable"]
            assert assistant.tracker("wrong-token-1")["paused"] is False
            time.sleep(1.5)
            assert hook.received == []
        finally:
            running.stop()
