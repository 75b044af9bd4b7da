"""Which channel an id belongs to, who started a conversation, and how patient text is made
one safe line for staff."""

from __future__ import annotations

import uuid

import pytest

from assistant.conversation_ids import channel_of_id, rest_may_use, started_by
from assistant.handoff import is_urgent, one_line


def test_ids_of_each_channel():
    line, web = "U" + uuid.uuid4().hex, uuid.uuid4().hex
    assert (channel_of_id(line), channel_of_id(web)) == ("line", "socketio")
    assert channel_of_id(line.upper()) == "line" and channel_of_id(web.upper()) == "socketio"
    for rest in ("me", "test-" + web, web + "x", "U" + web[:-1], "", " " + web):
        assert channel_of_id(rest) is None and rest_may_use(rest)
    assert not rest_may_use(line) and not rest_may_use(web)


def test_the_first_patient_message_says_who_started_it():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "input_channel": "socketio"},
        {"event": "user", "input_channel": "rest"},
    ]
    assert started_by(events) == "socketio" and started_by(events[:1]) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a\r\nb\u2028c\u2029d\te", "a b c d e"),
        ("zero\u200bwidth\u202eflip\u0000nul", "zerowidthflipnul"),
        ("   ", ""),
        ("ผื่นขึ้น👍", "ผื่นขึ้น👍"),
    ],
)
def test_one_line_drops_breaks_and_invisible_characters(text, expected):
    assert one_line(text, 100) == expected


def test_one_line_never_cuts_a_thai_letter_from_its_mark():
    cut = one_line("สเต็มเซลล์" * 10, 4)  # the 4th character is a vowel mark
    assert cut.endswith("…") and len(cut) <= 4 and cut == "สเ…"


def test_urgent_reasons():
    assert [is_urgent(r) for r in ("distress", "emergency", "booking_request")] == [
        True,
        True,
        False,
    ]
