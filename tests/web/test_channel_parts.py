"""The web channel's parts, without servers: metadata filter, origins, language, notices."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from assistant.conversation import widget_metadata
from assistant.language import message_language
from channels.web.notices import Notices
from channels.web.socketio_channel import (
    WebSocketIOInput,
    WebSocketIOOutput,
    allowed_origins,
    page_language,
)


class RecordingServer:
    """Stands in for socketio.AsyncServer: records what would be emitted."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any = None, room: str = "", **_: Any) -> None:
        self.emitted.append((event, data, room))


def test_widget_metadata_keeps_what_the_widget_shows_and_drops_staff_details():
    message = {
        "text": "I've passed your conversation to our clinic staff.",
        "topic": "handoff.request",
        "language": "en",
        "handoff": {"reason": "user_request", "summary": "patient asked about cost; wants a call"},
        "timestamp": 1.0,
    }
    assert widget_metadata(message) == {
        "topic": "handoff.request",
        "language": "en",
        "handoff": {"reason": "user_request"},
    }
    staff = {
        "text": "Hi",
        "staff": True,
        "staff_user": "ploy",
        "topic": "handoff.staff_reply",
        "language": "th",
    }
    assert widget_metadata(staff) == {
        "topic": "handoff.staff_reply",
        "language": "th",
        "staff": True,
    }


def test_widget_metadata_reads_nested_metadata_too():
    assert widget_metadata({"metadata": {"staff": True, "language": "en"}}) == {
        "language": "en",
        "staff": True,
    }
    assert widget_metadata({"metadata": "junk", "disclaimer": "short"}) == {"disclaimer": "short"}


def test_allowed_origins():
    assert allowed_origins("http://localhost:8080  https://clinic.example/") == [
        "http://localhost:8080",
        "https://clinic.example",
    ]
    assert allowed_origins("*") is None
    assert allowed_origins("") == []


@pytest.mark.parametrize(
    "origins,origin,allowed",
    [
        ("https://clinic.example", "https://clinic.example", True),
        ("https://clinic.example", "https://clinic.example.evil.test", False),
        ("https://clinic.example", "http://clinic.example", False),
        ("https://clinic.example", None, True),  # not a browser: CORS does not apply
        ("*", "https://anything.test", True),
        ("", "https://clinic.example", False),
    ],
)
def test_origin_check(monkeypatch, origins, origin, allowed):
    monkeypatch.setenv("CORS_ORIGINS", origins)
    channel = WebSocketIOInput.from_credentials({"session_persistence": True})
    assert channel.origin_allowed(origin) is allowed


@pytest.mark.parametrize(
    "metadata,expected",
    [
        ({"language": "th"}, "th"),
        ({"language": "en-GB"}, "en"),
        ({"language": "fr"}, None),
        ({"language": 7}, None),
        ('{"language": "th"}', "th"),
        ("{broken", None),
        (["th"], None),
        (None, None),
    ],
)
def test_page_language(metadata, expected):
    assert page_language(metadata) == expected


def test_notice_language_follows_the_text_then_the_page():
    assert message_language("สวัสดีค่ะ", "en") == "th"
    assert message_language("hello there", "th") == "en"
    assert message_language("!!! 123", "en") == "en"
    assert message_language("", None) == "th"
    assert Notices(max_chars=10).get("chat.too_long", "x" * 20, "th").language == "en"


def test_notices_come_from_the_content_file_with_the_limit_filled_in():
    notices = Notices(max_chars=1234)
    english, thai = notices.get("chat.too_long", "", "en"), notices.get("chat.too_long", "", "th")
    assert "1234" in english.text and "1234" in thai.text
    assert "{" not in english.text + thai.text
    assert english.topic == thai.topic == "chat.input_error"
    assert notices.get("chat.text_only", "", "en").text.startswith("Sorry")


def test_output_sends_metadata_and_quick_replies_on_the_last_part():
    server = RecordingServer()
    output = WebSocketIOOutput(server, "bot_uttered")  # type: ignore[arg-type]
    asyncio.run(
        output.send_response(
            "session-1",
            {
                "text": "First part.\n\nSecond part.",
                "buttons": [{"title": "Is it proven?", "payload": "/ask_evidence"}],
                "topic": "therapy.what_is",
                "language": "en",
                "evidence_level": "early_trials",
            },
        )
    )
    assert [(event, room) for event, _, room in server.emitted] == [
        ("bot_uttered", "session-1")
    ] * 2
    first, second = (data for _, data, _ in server.emitted)
    assert first["text"] == "First part." and first["quick_replies"] == []
    assert second["quick_replies"] == [
        {"content_type": "text", "title": "Is it proven?", "payload": "/ask_evidence"}
    ]
    assert (
        first["metadata"]
        == second["metadata"]
        == {"topic": "therapy.what_is", "language": "en", "evidence_level": "early_trials"}
    )


def test_history_from_a_tracker():
    from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from channels.web.history import conversation_history

    buttons = [{"title": "Is it proven?", "payload": "/ask_evidence"}]
    events = [
        ActionExecuted("action_listen"),
        UserUttered("What is it?", input_channel="socketio"),
        BotUttered(
            "Part one.\n\nPart two.",
            data={"buttons": buttons},
            metadata={"topic": "therapy.what_is", "language": "en", "evidence_level": "x"},
        ),
        UserUttered("/ask_evidence", input_channel="socketio"),
        BotUttered(
            "Evidence.",
            data={"buttons": buttons},
            metadata={"topic": "therapy.evidence", "disclaimer": "full"},
        ),
        UserUttered("a human please", input_channel="socketio"),
        BotUttered(
            "Passed to staff.",
            metadata={"handoff": {"reason": "user_request", "summary": "secret"}},
        ),
        ConversationPaused(),
        BotUttered("Hi, nurse here.", metadata={"staff": True, "staff_user": "ploy"}),
    ]
    history = conversation_history(DialogueStateTracker.from_events("s", events))
    assert history["handed_off"] is True
    assert [(m["from"], m["text"]) for m in history["messages"]] == [
        ("user", "What is it?"),
        ("bot", "Part one."),
        ("bot", "Part two."),
        ("user", "Is it proven?"),  # the button title, as shown when clicked
        ("bot", "Evidence."),
        ("user", "a human please"),
        ("bot", "Passed to staff."),
        ("staff", "Hi, nurse here."),
    ]
    assert history["messages"][4]["metadata"]["disclaimer"] == "full"
    assert "summary" not in str(history) and "ploy" not in str(history)
    assert "quick_replies" not in history["messages"][-1]  # the staff message has none
    assert conversation_history(None) == {"messages": [], "handed_off": False}


def test_history_keeps_the_last_quick_replies_and_is_bounded():
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from channels.web.history import conversation_history

    events = [e for i in range(150) for e in (UserUttered(f"q{i}"), BotUttered(f"a{i}"))]
    events.append(BotUttered("last", data={"buttons": [{"title": "More", "payload": "/more"}]}))
    history = conversation_history(DialogueStateTracker.from_events("s", events), limit=200)
    assert len(history["messages"]) == 200
    assert history["messages"][-1]["quick_replies"] == [{"title": "More", "payload": "/more"}]
