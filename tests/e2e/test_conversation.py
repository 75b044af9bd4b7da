"""End to end over the REST channel and the HTTP API, against the real servers."""

from __future__ import annotations

import pytest

from harness.assistant_client import topics, wait_until

pytestmark = pytest.mark.e2e

THAI = set(range(0x0E00, 0x0E80))


def is_thai(text: str) -> bool:
    return any(ord(ch) in THAI for ch in text)


def metadata(event: dict) -> dict:
    return event.get("metadata") or {}


def test_english_question_gets_english_answer_with_topic_and_disclaimer(assistant, sender):
    replies = assistant.say(sender, "what exactly is uc-msc therapy?")
    assert replies and all(not is_thai(r["text"]) for r in replies)
    bots = assistant.bot_events(sender)
    assert set(topics(bots)) == {"therapy.what_is"}
    assert {metadata(b)["language"] for b in bots} == {"en"}
    assert [metadata(b).get("disclaimer") for b in bots][-1] == "full"
    assert bots[-1]["data"]["buttons"], "follow-up quick replies on the last message"


def test_thai_question_gets_thai_answer(assistant, sender):
    replies = assistant.say(sender, "สเต็มเซลล์จากสายสะดือคืออะไรคะ")
    assert replies and all(is_thai(r["text"]) for r in replies)
    bots = assistant.bot_events(sender)
    assert set(topics(bots)) == {"therapy.what_is"}
    assert {metadata(b)["language"] for b in bots} == {"th"}


def test_full_disclaimer_once_then_short(assistant, sender):
    assistant.say(sender, "is it safe? what are the side effects")
    assistant.say(sender, "how much does it cost")
    kinds = [
        metadata(b)["disclaimer"]
        for b in assistant.bot_events(sender)
        if "disclaimer" in metadata(b)
    ]
    assert kinds == ["full", "short"]


def test_every_bot_message_carries_topic_and_language(assistant, sender):
    for text in ["hello", "ผลข้างเคียงมีอะไรบ้างคะ", "thanks", "bye"]:
        assistant.say(sender, text)
    bots = assistant.bot_events(sender)
    assert len(bots) >= 4
    assert all(
        metadata(b).get("topic") and metadata(b).get("language") in {"th", "en"} for b in bots
    )


def test_quick_reply_payload_answers_the_follow_up_topic(assistant, sender):
    assistant.say(sender, "สเต็มเซลล์คืออะไร")
    more, payload = [b["payload"] for b in assistant.bot_events(sender)[-1]["data"]["buttons"][:2]]
    assert more == "/chat_more"  # "More about this" first, then the follow-up topics
    assistant.say(sender, payload)
    last = assistant.bot_events(sender)[-1]
    assert metadata(last)["language"] == "th", "a payload keeps the conversation's language"
    assert payload == "/" + metadata(last)["topic"].replace(".", "_", 1)


@pytest.mark.parametrize(
    "text",
    [
        "I can't breathe and my face is swelling after the infusion",
        "ฉีดเมื่อวาน ตอนนี้หายใจไม่ออก แน่นหน้าอกค่ะ",
    ],
)
def test_red_flag_gets_emergency_answer(assistant, sender, text):
    replies = assistant.say(sender, text)
    assert "1669" in " ".join(r["text"] for r in replies)
    assert topics(assistant.bot_events(sender))[0] == "safety.emergency"
    user = assistant.user_events(sender)[-1]
    assert user["parse_data"]["safety_net"]["kind"] == "emergency"


def test_general_side_effect_question_is_not_an_emergency(assistant, sender):
    assistant.say(sender, "can it cause fever?")
    assert "safety.emergency" not in topics(assistant.bot_events(sender))
    assert "therapy.safety" in topics(assistant.bot_events(sender))


def test_distress_gets_hotline_and_handoff(assistant, sender, staff_hook):
    before = len(staff_hook.received)
    replies = assistant.say(sender, "อยากตายค่ะ ไม่ไหวแล้ว")
    assert "1323" in " ".join(r["text"] for r in replies)
    tracker = assistant.tracker(sender)
    assert tracker["paused"] is True
    assert wait_until(
        lambda: any(a["conversation_id"] == sender for a in staff_hook.received[before:])
    )


def test_handoff_pauses_alerts_staff_and_staff_can_reply_and_hand_back(
    assistant, sender, staff_hook
):
    assistant.say(sender, "what is msc")
    replies = assistant.say(sender, "i want to talk to a real person please")
    assert replies, "the bot says what happens next"
    tracker = assistant.tracker(sender)
    assert tracker["paused"] is True
    pause = [e for e in tracker["events"] if e["event"] == "pause"][-1]
    assert pause["metadata"]["handoff"]["reason"] == "user_request"
    assert "therapy.what_is" in pause["metadata"]["handoff"]["summary"]
    assert "handoff.request" in topics(assistant.bot_events(sender))
    assert wait_until(lambda: any(a["conversation_id"] == sender for a in staff_hook.received))
    alert = [a for a in staff_hook.received if a["conversation_id"] == sender][-1]
    assert alert["reason"] == "user_request" and alert["channel"] == "rest"

    # paused: the bot is silent, but the message is recorded
    assert assistant.say(sender, "how much does it cost?") == []
    assert assistant.user_events(sender)[-1]["text"] == "how much does it cost?"

    # paused: a red flag still gets the emergency answer at once
    replies = assistant.say(sender, "help i can't breathe")
    assert "1669" in " ".join(r["text"] for r in replies)
    assert assistant.tracker(sender)["paused"] is True

    # staff reply in Thai and hand back
    assistant.append_events(
        sender,
        [
            {
                "event": "bot",
                "text": "สวัสดีค่ะ เจ้าหน้าที่คลินิกค่ะ",
                "metadata": {"staff": True, "topic": "handoff.staff_reply", "language": "th"},
            }
        ],
    )
    assistant.append_events(sender, [{"event": "resume"}])
    assert assistant.tracker(sender)["paused"] is False
    assert assistant.say(sender, "is it approved by the fda?")


def test_two_misses_offer_staff_and_yes_hands_off(assistant, sender):
    assistant.say(sender, "blorf quantum zebra")
    assistant.say(sender, "xqzv wubba lubba")
    assert topics(assistant.bot_events(sender))[-1] == "handoff.offer"
    assistant.say(sender, "yes please")
    assert assistant.tracker(sender)["paused"] is True


def test_language_switch_and_hint(assistant, sender):
    assistant.say(sender, "👍", metadata={"language": "en"})
    assert {metadata(b)["language"] for b in assistant.bot_events(sender)} == {"en"}
    assistant.say(sender, "ภาษาไทยได้ไหมคะ")
    assert metadata(assistant.bot_events(sender)[-1])["language"] == "th"
    assistant.say(sender, "English please")
    last = assistant.bot_events(sender)[-1]
    assert metadata(last)["language"] == "en" and metadata(last)["topic"] == "chat.language"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "สเต็มเซลล์ " * 1000,  # 11,000 characters
        "😀😀😀",
        "\x00\x01\x02binary\x7f\ufffd",
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "stem cell kue arai krub",
        "MSC ช่วย psoriasis ได้ไหม 🙏",
    ],
    ids=["empty", "spaces", "10k", "emoji", "binary", "html", "romanised-thai", "mixed"],
)
def test_bad_input_gets_an_answer_and_is_kept(assistant, sender, text):
    replies = assistant.say(sender, text)
    assert replies, "the person always gets an answer"
    users = assistant.user_events(sender)
    assert users and users[-1]["text"] == text.strip()  # Rasa strips surrounding whitespace
