"""Action server down: the patient gets a short apology in their language; answers resume after."""

from __future__ import annotations

import uuid

import pytest
import requests

from harness.assistant_client import AssistantClient, topics
from ops.stack import Stack, make_stack, private_overrides
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory) -> Stack:
    """A stack of its own: this module stops and restarts the action server."""
    running = make_stack(
        private_overrides(f"sqlite:///{tmp_path_factory.mktemp('down') / 'tracker.db'}"),
        log_dir=ARTIFACTS / "logs" / "action-server-down",
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


def action_server(stack: Stack):
    return next(s for s in stack.services if s.name == "actions")


def test_apology_in_the_patients_language_then_answers_resume(own_stack):
    assistant = AssistantClient(own_stack.rasa_url, own_stack.token)
    thai, english = f"down-th-{uuid.uuid4().hex[:6]}", f"down-en-{uuid.uuid4().hex[:6]}"
    assistant.say(thai, "สวัสดีค่ะ")
    assistant.say(english, "hello")
    assert set(topics(assistant.bot_events(thai))) == {"chat.greet"}

    action_server(own_stack).stop()
    try:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{own_stack.action_url}/health", timeout=2)
        thai_reply = assistant.say(thai, "สเต็มเซลล์คืออะไรคะ")
        english_reply = assistant.say(english, "what are the side effects")
        assert len(thai_reply) == 1 and "ขออภัย" in thai_reply[0]["text"]
        assert len(english_reply) == 1 and "Sorry" in english_reply[0]["text"]
        assert topics(assistant.bot_events(english))[-1] == "service.unavailable"
    finally:
        action_server(own_stack).start(own_stack.env, None)
        own_stack.wait_ready()

    again = assistant.say(english, "what are the side effects")
    assert "service.unavailable" not in topics(assistant.bot_events(english))[-len(again) :]
    assert topics(assistant.bot_events(english))[-1] == "therapy.safety"
    # the tracker kept every message, the unanswered ones included
    texts = [e["text"] for e in assistant.user_events(english)]
    assert texts == ["hello", "what are the side effects", "what are the side effects"]
