"""The scaled topology's security settings (issue 18): the action server (several workers)
runs actions only for the Rasa instances' token; REST is kept to its own ids."""

from __future__ import annotations

import uuid

import pytest
import requests

from harness.assistant_client import AssistantClient, topics

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_action_server_refuses_calls_without_the_token(scaled):
    url = f"{scaled.stack.action_url}/webhook"
    for params in ({}, {"token": "wrong"}):
        answer = requests.post(url, params=params, json={"next_action": "action_handoff"})
        assert answer.status_code == 401
    assert requests.get(f"{scaled.stack.action_url}/health", timeout=5).ok


def test_the_instances_send_the_token_through_nginx(scaled):
    assistant = AssistantClient(scaled.url, scaled.stack.token)
    for i in range(4):  # round robin: both instances, both action server workers
        sender = f"scaled-sec-{i}-{uuid.uuid4().hex[:6]}"
        assert assistant.say(sender, "what is uc-msc therapy?")
        assert "therapy.what_is" in topics(assistant.bot_events(sender))


def test_rest_through_nginx_cannot_use_a_line_id(scaled):
    answer = requests.post(
        f"{scaled.url}/webhooks/rest/webhook",
        json={"sender": "U" + uuid.uuid4().hex, "message": "hello"},
        timeout=30,
    )
    assert answer.status_code == 403
