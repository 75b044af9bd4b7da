"""Webhook bodies -> events; what is not a LINE webhook is refused."""

from __future__ import annotations

import pytest

from channels.line.webhook import WebhookError, parse_webhook
from harness.line_webhook import (
    body_of,
    follow_event,
    group_source,
    media_event,
    postback_event,
    text_event,
    unfollow_event,
    user_id,
)


def test_verification_request_has_no_events():
    assert parse_webhook(body_of()) == []


def test_text_event_fields():
    user = user_id()
    (event,) = parse_webhook(body_of(text_event(user, "สวัสดีค่ะ")))
    assert (event.type, event.user_id, event.chat_id, event.text) == (
        "message",
        user,
        user,
        "สวัสดีค่ะ",
    )
    assert event.is_one_to_one and event.reply_token and event.event_id and not event.is_redelivery


def test_other_event_kinds():
    user = user_id()
    postback, follow, unfollow, sticker, group = parse_webhook(
        body_of(
            postback_event(user, "/therapy_cost"),
            follow_event(user),
            unfollow_event(user, redelivery=True),
            media_event(user, "sticker"),
            text_event(user, "hi", source=group_source(user), mention_self=True),
        )
    )
    assert postback.postback_data == "/therapy_cost" and postback.text is None
    assert follow.type == "follow" and unfollow.reply_token is None and unfollow.is_redelivery
    assert sticker.message_type == "sticker" and sticker.text is None
    assert not group.is_one_to_one and group.chat_id.startswith("C") and group.mentions_bot


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"\x00\xff",
        b"null",
        b"[]",
        b'"events"',
        b'{"events": []}',
        b'{"destination": "U1"}',
        b'{"destination": "U1", "events": {}}',
        b'{"destination": "U1", "events": [{"no": "type"}]}',
        b'{"destination": 5, "events": []}',
    ],
)
def test_not_a_webhook(body):
    with pytest.raises(WebhookError):
        parse_webhook(body)
