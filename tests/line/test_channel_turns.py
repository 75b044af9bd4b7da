"""The channel's turn handling with a stand-in for Rasa, against the fake LINE API."""

from __future__ import annotations

import asyncio

import pytest

from assistant.content import load_content
from channels.line.channel import LineInput
from channels.line.webhook import LineEvent
from harness.fake_line_api import FakeLineApi
from harness.line_webhook import text_event, user_id
from line_api.client import SIDE_CALL_TIMEOUT_SECONDS

TOKEN = "turn-test-token"


@pytest.fixture
def api():
    with FakeLineApi(token=TOKEN) as fake:
        yield fake


def channel(api, loading_after: float = 0.5) -> LineInput:
    return LineInput("secret", TOKEN, api.url, loading_after_seconds=loading_after)


def assistant_saying(texts, pause: float = 0.0, seen=None):
    async def on_new_message(message):
        if seen is not None:
            seen.append(message)
        await asyncio.sleep(pause)
        for text in texts:
            await message.output_channel.send_response(message.sender_id, {"text": text})

    return on_new_message


def converse(line: LineInput, user: str, on_new_message) -> LineEvent:
    event = LineEvent(text_event(user, "hello"))

    async def run():
        try:
            await line._converse(event, user, "hello", on_new_message)
        finally:
            await line.client.close()

    asyncio.run(run())
    return event


def test_a_slow_turn_shows_the_loading_animation_first(api):
    user = user_id()
    converse(channel(api, loading_after=0.1), user, assistant_saying(["ok"], pause=0.4))
    kinds = [c.kind for c in api.calls if c.kind != "profile"]
    assert kinds == ["loading", "reply"]


def test_a_quick_turn_needs_no_loading_animation(api):
    converse(channel(api, loading_after=0.5), user_id(), assistant_saying(["ok"]))
    assert [c.kind for c in api.calls if c.kind != "profile"] == ["reply"]


def test_a_turn_is_one_reply_with_at_most_five_messages(api):
    texts = [f"message {i}" for i in range(8)]
    converse(channel(api), user_id(), assistant_saying(texts))
    (reply,) = api.of_kind("reply")
    assert len(reply.body["messages"]) == 5
    assert "\n\n".join(reply.texts).split() == " ".join(texts).split()


def test_the_profile_language_is_the_first_message_hint(api):
    user, seen = user_id(), []
    api.profiles[user] = {"language": "en"}
    converse(channel(api), user, assistant_saying(["ok"], seen=seen))
    (message,) = seen
    assert message.metadata["language"] == "en" and message.metadata["channel"] == "line"
    assert message.input_channel == "line" and message.sender_id == user


def test_a_profile_in_another_language_gives_no_hint(api):
    user, seen = user_id(), []
    api.profiles[user] = {"language": "ja"}
    converse(channel(api), user, assistant_saying(["ok"], seen=seen))
    assert "language" not in seen[0].metadata


def test_a_slow_loading_call_holds_the_reply_only_briefly(api):
    api.timeout_delay = 5.0
    api.fail_next("loading", "timeout")
    converse(channel(api, loading_after=0.0), user_id(), assistant_saying(["ok"]))
    calls = [c for c in api.calls if c.kind != "profile"]
    assert [c.kind for c in calls] == ["loading", "reply"]
    # Measured from the loading call, not from the test's start: setting up the channel
    # (its event store) is not part of the turn. The side call gives up after 3 s.
    loading, reply = calls
    assert reply.at - loading.at < SIDE_CALL_TIMEOUT_SECONDS + 1.0


def test_a_line_outage_of_the_profile_api_is_asked_once(api):
    line, user = channel(api), user_id()
    api.fail_next("profile", 500)
    converse(line, user, assistant_saying(["ok"]))
    converse(line, user, assistant_saying(["ok"]))
    assert len([c for c in api.calls if c.kind == "profile"]) == 1


def test_a_failing_assistant_gets_the_service_unavailable_notice(api):
    user = user_id()
    api.profiles[user] = {"language": "th"}

    async def broken(message):
        raise ConnectionError("action server down")

    converse(channel(api), user, broken)
    (reply,) = api.of_kind("reply")
    assert reply.texts == list(load_content().messages["service.unavailable"].messages["th"])


def test_silence_sends_nothing(api):
    converse(channel(api, loading_after=5), user_id(), assistant_saying([]))
    assert [c.kind for c in api.calls if c.kind != "profile"] == []


def test_out_of_turn_messages_are_pushed(api):
    line = channel(api)
    user = user_id()

    async def run():
        try:
            await line.get_output_channel().send_response(
                user,
                {"text": "Staff here", "buttons": [{"title": "Thanks", "payload": "/chat_thanks"}]},
            )
        finally:
            await line.client.close()

    asyncio.run(run())
    (push,) = api.of_kind("push")
    assert push.body["to"] == user and push.texts == ["Staff here"] and push.retry_key
    assert push.body["messages"][-1]["quickReply"]["items"][0]["action"]["data"] == "/chat_thanks"
