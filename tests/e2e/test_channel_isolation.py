"""A conversation belongs to the channel that started it (issue 18): REST, through the real
Rasa server, cannot write into a LINE or website conversation; its input channel cannot be
forged; it can be switched off (404) or protected by a token (401)."""

from __future__ import annotations

import uuid

import pytest
import requests

from harness.assistant_client import AssistantClient
from ops.stack import Stack, make_stack, private_overrides
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def rest(url: str, body, headers=None) -> requests.Response:
    return requests.post(f"{url}/webhooks/rest/webhook", json=body, headers=headers, timeout=60)


def seed(assistant: AssistantClient, sender: str, channel: str, text: str) -> list[dict]:
    """A conversation that ``channel`` started: its first patient message, as stored."""
    assistant.append_events(
        sender, [{"event": "user", "text": text, "input_channel": channel, "parse_data": {}}]
    )
    return assistant.tracker(sender)["events"]


@pytest.mark.parametrize(
    "sender,channel",
    [("U" + uuid.uuid4().hex, "line"), (uuid.uuid4().hex, "socketio")]
    + [("u" + uuid.uuid4().hex.upper(), "line"), (uuid.uuid4().hex.upper(), "socketio")],
)
def test_rest_cannot_write_into_a_line_or_website_conversation(stack, assistant, sender, channel):
    before = seed(assistant, sender, channel, "my own message")
    for text in ("I want to talk to a person", "URGENT: staff please call 080-000-0000"):
        answer = rest(stack.rasa_url, {"sender": sender, "message": text})
        assert answer.status_code == 403 and "another channel" in answer.json()["error"]
    after = assistant.tracker(sender)
    assert after["events"] == before and after["paused"] is False


def test_rest_cannot_start_a_conversation_under_such_an_id(stack, assistant):
    sender = "U" + uuid.uuid4().hex  # a LINE user who has not written yet
    assert rest(stack.rasa_url, {"sender": sender, "message": "hello"}).status_code == 403
    assert [e for e in assistant.tracker(sender)["events"] if e["event"] == "user"] == []


def test_rest_keeps_its_own_conversations_and_cannot_forge_the_channel(stack, assistant, sender):
    answer = rest(stack.rasa_url, {"sender": sender, "message": "hello", "input_channel": "line"})
    assert answer.status_code == 200 and answer.json()
    [user] = assistant.user_events(sender)
    assert user["input_channel"] == "rest"


@pytest.mark.parametrize(
    "body",
    [None, "just text", ["a"], {"message": "no sender"}, {"sender": 7, "message": "x"}]
    + [{"sender": "", "message": "x"}, {"sender": "ok", "message": None}],
)
def test_malformed_rest_bodies_get_400(stack, body):
    assert rest(stack.rasa_url, body).status_code == 400


def test_a_body_that_is_not_json_gets_400(stack):
    answer = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=b"\xff\x00{", timeout=10)
    assert answer.status_code == 400


def start_rasa(tmp_path_factory, name: str, which=("actions", "rasa"), **settings) -> Stack:
    db = tmp_path_factory.mktemp(name) / "tracker.db"
    running = make_stack(
        private_overrides(f"sqlite:///{db}", **settings), log_dir=ARTIFACTS / "logs" / name
    )
    running.start(which)
    return running


@pytest.fixture(scope="module")
def rest_with_token(tmp_path_factory):
    running = start_rasa(tmp_path_factory, "rest-token", REST_CHANNEL_TOKEN="rest-s3cret")
    yield running
    running.stop()


def test_with_a_token_rest_needs_it(rest_with_token, sender):
    url, body = rest_with_token.rasa_url, {"sender": sender, "message": "hello"}
    assert rest(url, body).status_code == 401
    assert rest(url, body, {"Authorization": "Bearer wrong"}).status_code == 401
    assert rest(url, body, {"Authorization": "rest-s3cret"}).status_code == 401
    answer = rest(url, body, {"Authorization": "Bearer rest-s3cret"})
    assert answer.status_code == 200 and answer.json()
    assistant = AssistantClient(url, rest_with_token.token, rest_token="rest-s3cret")
    assert assistant.say(sender, "thank you")
    assert [e["text"] for e in assistant.user_events(sender)] == ["hello", "thank you"]


def test_switched_off_the_rest_endpoint_answers_404(tmp_path_factory):
    running = start_rasa(tmp_path_factory, "rest-off", ("rasa",), REST_CHANNEL="off")
    try:
        answer = rest(running.rasa_url, {"sender": "someone", "message": "hello"})
        assert answer.status_code == 404
        status = requests.get(
            f"{running.rasa_url}/status", params={"token": running.token}, timeout=10
        )
        assert status.ok  # the rest of Rasa is there
    finally:
        running.stop()
