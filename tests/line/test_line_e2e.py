"""End to end: signed LINE webhooks into the real Rasa + action server, answers on the fake
LINE API."""

from __future__ import annotations

import re
import uuid

import pytest

from assistant.content import load_content
from harness.assistant_client import topics, wait_until
from harness.line_webhook import (
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
from tests.line.conftest import STAFF_GROUP

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


def test_english_text_gets_english_reply_even_with_a_thai_profile(patient, assistant, line_api):
    patient.says("what exactly is uc-msc therapy?")
    (call,) = patient.wait_received(1)
    assert call.kind == "reply"
    assert call.texts and not any(is_thai(t) for t in call.texts)
    assert CONTENT.disclaimers["full"]["en"].strip() in "\n\n".join(call.texts)
    assert {
        (b.get("metadata") or {}).get("language") for b in assistant.bot_events(patient.user)
    } == {"en"}


def test_reply_carries_quick_replies_as_postbacks_within_limits(patient, line_api):
    patient.says("how much does it cost")
    (call,) = patient.wait_received(1)
    messages = call.body["messages"]
    assert len(messages) <= 5
    items = messages[-1]["quickReply"]["items"]
    assert items and len(items) <= 13
    for item in items:
        action = item["action"]
        assert action["type"] == "postback" and action["data"].startswith("/")
        assert len(action["label"]) <= 20 and not action["label"].startswith("/")
        assert action["displayText"] and not action["displayText"].startswith("/")
    assert not any("quickReply" in m for m in messages[:-1])
    assert not line_api.rejected


def test_postback_data_is_the_users_message(patient, assistant):
    response = patient.send(postback_event(patient.user, "/therapy_cost"))
    assert response.status_code == 200
    patient.wait_received(1)
    assert assistant.user_events(patient.user)[-1]["text"] == "/therapy_cost"
    assert "therapy.cost" in topics(assistant.bot_events(patient.user))


def test_loading_animation_is_shown_to_the_user(patient, line_api):
    patient.says("is it safe?")
    (reply,) = patient.wait_received(1)
    loading = [c for c in line_api.of_kind("loading", 202) if c.body["chatId"] == patient.user]
    assert len(loading) == 1 and loading[0].body["loadingSeconds"] % 5 == 0
    assert loading[0].at < reply.at, "an animation started after the answer would spin on"


@pytest.mark.parametrize("language", ["th", "en"])
def test_follow_greets_with_privacy_notice_in_profile_language(make_patient, assistant, language):
    patient = make_patient(language)
    assert patient.send(follow_event(patient.user)).status_code == 200
    (call,) = patient.wait_received(1)
    joined = "\n\n".join(call.texts)
    greet = CONTENT.messages["chat.greet"].messages[language]
    assert greet[0].split()[0] in joined
    assert "PDPA" in joined  # the privacy notice, in both languages
    assert all(is_thai(t) == (language == "th") for t in call.texts)
    assert topics(assistant.bot_events(patient.user))[0] == "chat.greet"


def test_unfollow_is_recorded_and_nothing_is_sent(patient, line_api, assistant):
    assert patient.send(unfollow_event(patient.user)).status_code == 200
    patient.says("hello")  # a later event of the same user is handled after the unfollow
    patient.wait_received(1)
    assert len(patient.received()) == 1


@pytest.mark.parametrize("kind", ["sticker", "image", "video", "audio", "file", "location"])
def test_non_text_message_gets_text_only_notice_in_the_users_language(make_patient, kind):
    patient = make_patient("en")
    assert patient.send(media_event(patient.user, kind)).status_code == 200
    (call,) = patient.wait_received(1)
    assert call.texts == list(CONTENT.messages["chat.text_only"].messages["en"])


def test_non_text_notice_follows_the_conversations_language(make_patient):
    patient = make_patient("en")  # profile says English, the conversation is in Thai
    patient.says("สวัสดีค่ะ")
    patient.wait_received(1)
    patient.send(media_event(patient.user, "sticker"))
    calls = patient.wait_received(2)
    assert calls[-1].texts == list(CONTENT.messages["chat.text_only"].messages["th"])


@pytest.mark.parametrize("source", [group_source, room_source])
def test_group_messages_are_ignored_unless_the_bot_is_mentioned(make_patient, line_api, source):
    patient = make_patient()
    chat = source(patient.user, ("C" if source is group_source else "R") + uuid.uuid4().hex)
    plain = text_event(patient.user, "สเต็มเซลล์คืออะไร", source=chat)
    mention = text_event(patient.user, "@bot สเต็มเซลล์คืออะไร", source=chat, mention_self=True)
    assert patient.send(plain).status_code == 200
    assert patient.send(mention).status_code == 200
    assert line_api.wait_for(
        lambda api: (
            plain["replyToken"] in api.used_reply_tokens
            or mention["replyToken"] in api.used_reply_tokens
        ),
        30,
    )
    wait_until(lambda: False, timeout=1.0)  # time for a wrong answer to the plain message
    assert plain["replyToken"] not in line_api.used_reply_tokens
    (call,) = [
        c for c in line_api.of_kind("reply") if c.body["replyToken"] == mention["replyToken"]
    ]
    decline = CONTENT.messages["line.group_decline"].messages
    assert decline["th"][0] in call.texts[0] and decline["en"][0] in call.texts[0]
    assert not [c for c in line_api.calls if c.kind == "loading" and c.body["chatId"][0] in "CR"]


def test_joining_a_group_declines_politely(patient, line_api):
    event = join_event(patient.user)
    assert patient.send(event).status_code == 200
    assert line_api.wait_for(lambda api: event["replyToken"] in api.used_reply_tokens, 30)


def test_redelivered_event_is_processed_once(patient, assistant, line_api):
    first = text_event(patient.user, "what is the evidence?")
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    assert patient.send(first).status_code == 200
    assert patient.send(again).status_code == 200
    patient.wait_received(1)
    wait_until(lambda: False, timeout=1.5)
    assert len(patient.received()) == 1
    assert len(assistant.user_events(patient.user)) == 1


def test_verification_request_gets_200(webhook, line_api):
    before = len(line_api.calls)
    response = webhook.post(body_of())
    assert response.status_code == 200
    assert len(line_api.calls) == before


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe binary",
        b"[]",
        b'{"events": "x"}',
        b'{"hello": 1}',
        b'{"destination": "U1", "events": [1]}',
        b"",
    ],
)
def test_malformed_or_foreign_body_is_400(webhook, body):
    assert webhook.post(body).status_code == 400


def test_forged_requests_are_rejected_without_processing(webhook, patient, assistant, line_api):
    body = body_of(text_event(patient.user, "hello"))
    from line_api.signature import sign

    assert webhook.post(body, signature=None).status_code == 401
    assert webhook.post(body, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    assert webhook.post(body, signature=sign("another-channels-secret", body)).status_code == 403
    altered = body.replace(b"hello", b"HELLO")
    assert webhook.post(altered, signature=sign(webhook.channel_secret, body)).status_code == 403
    wait_until(lambda: False, timeout=1.0)
    assert not patient.received()
    assert assistant.user_events(patient.user) == []


def test_expired_reply_token_falls_back_to_push_with_retry_key(patient, line_api):
    event = text_event(patient.user, "how is the treatment given?")
    line_api.expire_reply_token(event["replyToken"])
    line_api.fail_next("push", 500)  # and the first push attempt fails: retried once
    assert patient.send(event).status_code == 200
    (call,) = patient.wait_received(1)
    assert call.kind == "push" and call.body["to"] == patient.user
    pushes = [c for c in line_api.calls if c.kind == "push" and c.body.get("to") == patient.user]
    assert [c.status for c in pushes] == [500, 200]
    assert pushes[0].retry_key and pushes[0].retry_key == pushes[1].retry_key


def test_reply_server_error_falls_back_to_push(patient, line_api):
    line_api.fail_next("reply", 500)
    patient.says("what are the side effects?")
    (call,) = patient.wait_received(1)
    assert call.kind == "push"


@pytest.mark.parametrize("text", ["I want to talk to a human", "ขอคุยกับเจ้าหน้าที่"])
def test_handoff_alerts_staff_on_line_and_pauses(patient, assistant, line_api, text):
    patient.says(text)
    patient.wait_received(1)
    assert line_api.wait_for(
        lambda api: any(
            patient.user in t
            for c in api.of_kind("push")
            if c.body["to"] == STAFF_GROUP
            for t in c.texts
        ),
        30,
    )
    tracker = assistant.tracker(patient.user)
    assert tracker["paused"] is True
    pause = [e for e in tracker["events"] if e["event"] == "pause"][-1]
    assert pause["metadata"]["handoff"]["reason"] == "user_request"
    alert = [
        c
        for c in line_api.of_kind("push")
        if c.body["to"] == STAFF_GROUP and patient.user in c.texts[0]
    ][-1]
    assert alert.retry_key


def test_staff_reply_through_http_api_arrives_as_push(patient, assistant, line_api):
    patient.says("I want to talk to a human")
    patient.wait_received(1)
    staff_text = "สวัสดีค่ะ เจ้าหน้าที่ตอบแล้วค่ะ"
    assistant.append_events(
        patient.user,
        [
            {
                "event": "bot",
                "text": staff_text,
                "metadata": {
                    "staff": True,
                    "staff_user": "nurse",
                    "topic": "handoff.staff_reply",
                    "language": "th",
                },
            }
        ],
        output_channel="line",
    )
    calls = patient.wait_received(2)
    assert calls[-1].kind == "push" and calls[-1].texts == [staff_text]
    assert calls[-1].retry_key


@pytest.mark.parametrize("text", ["👍👍😊", "<script>alert('x')</script>", "   ", "ก" * 4999])
def test_odd_text_still_gets_a_clear_answer(patient, line_api, text):
    patient.says(text)
    (call,) = patient.wait_received(1)
    assert call.texts and all(t.strip() for t in call.texts)
    assert not line_api.rejected


def test_a_specific_answer_first_and_more_about_this_one_tap_away(patient, assistant, line_api):
    """A specific question gets its own short answer; the quick reply "อ่านเพิ่มเติม" (a
    postback within LINE's label limit) brings the topic's fuller explanation."""
    fever = CONTENT.questions["therapy.safety.fever"]
    patient.says(fever.examples["th"][0])
    (call,) = patient.wait_received(1)
    assert call.texts[0] == fever.messages["th"][0]
    items = call.body["messages"][-1]["quickReply"]["items"]
    more = [i["action"] for i in items if i["action"]["data"] == "/chat_more"]
    assert len(more) == 1 and more[0]["label"] == CONTENT.topic_labels["chat.more"]["th"]

    assert patient.send(postback_event(patient.user, "/chat_more")).status_code == 200
    _, overview = patient.wait_received(2)
    overview_texts = list(CONTENT.knowledge["therapy.safety"].messages["th"])
    assert overview.texts[: len(overview_texts)] == overview_texts
    assert topics(assistant.bot_events(patient.user))[-1] == "therapy.safety"
    assert not line_api.rejected
