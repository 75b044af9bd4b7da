"""End to end: signed LINE webhooks into the real Rasa + action server, answers on the fake
LINE API."""
from __future__ import annotations

import re

import pytest

from actions.content import load_content
from tests.line.conftest import STAFF_GROUP
from tests.support.assistant_client import topics, wait_until
from tests.support.line_webhook import (
    body_of,
    follow_event,
    group_source,
    join_event,
    media_event,
    postback_event,
    room_source,
    text_event,
    unfollow_event,
)

pytestmark = pytest.mark.e2e

CONTENT = load_content()
THAI = re.compile("[\u0e00-\u0e7f]")


def is_thai(text: str) -> bool:
    return bool(THAI.search(text))


def test_thai_text_gets_thai_reply_with_disclaimer(patient, assistant, line_api):
    patient.says("สเต็มเซลล์จากสายสะดือคืออะไรคะ")
    (call,) = patient.wait_received(1)
    assert call.kind == "reply"
    assert call.texts and all(is_thai(t) for t in call.texts)
    assert CONTENT.disclaimers["full"]["th"].strip() in "\n\n".join(call.texts)
    bots = assistant.bot_events(patient.user)
    assert set(topics(bots)) == {"therapy.what_is"}
    assert [(b.get("metadata") or {}).get("disclaimer") for b in bots][-1] == "full"
    user = assistant.user_events(patient.user)[-1]
    assert user["input_channel"] == "line"
    assert user["metadata"]["channel"] == "line"
    assert not line_api.rejected
