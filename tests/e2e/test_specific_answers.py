"""The first bubble answers the question asked: specific answers, the patient's condition
and situation, follow-ups, "More about this" and clinic questions, against the real
servers over REST (the examples are the ones the answer-precision issue reported)."""

from __future__ import annotations

import pytest

from assistant.content import load_content
from assistant.conversation import bot_metadata

pytestmark = pytest.mark.e2e

CONTENT = load_content()
MORE_PAYLOAD = "/chat_more"


def answers(assistant, sender, *texts) -> list[list[dict]]:
    """The bot events that followed each message."""
    for text in texts:
        assistant.say(sender, text)
    turns: list[list[dict]] = []
    for event in assistant.tracker(sender)["events"]:
        if event["event"] == "user":
            turns.append([])
        elif event["event"] == "bot" and turns:
            turns[-1].append(event)
    return turns[-len(texts) :]


def first(turn: list[dict]) -> dict:
    return bot_metadata(turn[0])


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "เป็นสะเก็ดเงินมา 5 ปีค่ะ สเต็มเซลล์ช่วยได้ไหม",
            {"therapy.evidence.psoriasis", "therapy.conditions.psoriasis"},
        ),
        (
            "My daughter is 6 and has bad eczema, steroid creams only help a bit. Could stem cells help her?",
            {"therapy.eligibility.children"},
        ),
        ("does the injection hurt?", {"therapy.procedure.pain"}),
        ("how long does one treatment session take", {"therapy.procedure.session_length"}),
        ("I'm pregnant, is it safe for me?", {"therapy.eligibility.pregnancy"}),
        ("can I do it while breastfeeding", {"therapy.eligibility.breastfeeding"}),
        ("ลูกอายุ 8 ขวบ ทำได้ไหมครับ", {"therapy.eligibility.children"}),
        ("can it give me a fever?", {"therapy.safety.fever"}),
        ("สเต็มเซลล์ทำให้เป็นมะเร็งได้ไหม", {"therapy.safety.tumour"}),
        ("can it treat acne", {"therapy.conditions.acne"}),
        ("does it help vitiligo", {"therapy.conditions.vitiligo"}),
        # a condition alone, as the first message (taken for a follow-up or not understood)
        ("psoriasis?", {"therapy.conditions.psoriasis", "therapy.evidence.psoriasis"}),
    ],
)
def test_the_first_bubble_answers_the_specific_question(assistant, sender, text, expected):
    [turn] = answers(assistant, sender, text)
    assert first(turn).get("question") in expected, [bot_metadata(b) for b in turn]
    assert len(turn[0]["text"]) <= 300
    # The disclaimer still follows, and "More about this" is one tap away.
    assert bot_metadata(turn[-1]).get("disclaimer") == "full"
    assert MORE_PAYLOAD in [b["payload"] for b in turn[-1]["data"]["buttons"]]


@pytest.mark.parametrize(
    "text, topic",
    [
        ("what are your opening hours", "clinic.hours"),
        ("คลินิกเปิดกี่โมง", "clinic.hours"),
        ("where is your clinic located", "clinic.location"),
        ("คลินิกอยู่ที่ไหนคะ", "clinic.location"),
        ("what's your phone number", "clinic.contact"),
    ],
)
def test_clinic_questions_are_answered_from_the_clinic_settings(assistant, sender, text, topic):
    [turn] = answers(assistant, sender, text)
    assert first(turn)["topic"] == topic
    assert not any(bot_metadata(b).get("disclaimer") for b in turn)  # not medical
    clinic_words = {
        "clinic.hours": "09:00",
        "clinic.location": "99",
        "clinic.contact": "02-000-0000",
    }
    assert clinic_words[topic] in " ".join(b["text"] for b in turn)


def test_a_thai_safety_question_then_children(assistant, sender):
    safety, children = answers(assistant, sender, "ปลอดภัยไหมคะ", "แล้วเด็กล่ะ")
    assert first(safety)["topic"] == "therapy.safety"
    assert first(children)["question"] == "therapy.eligibility.children"
    assert first(children)["language"] == "th"


def test_side_effects_then_long_term_keeps_the_safety_thread(assistant, sender):
    _, long_term = answers(assistant, sender, "what are the side effects", "and long term?")
    assert first(long_term)["question"] == "therapy.safety.long_term"


def test_a_condition_named_early_shapes_a_later_general_question(assistant, sender):
    _, later = answers(
        assistant, sender, "I have psoriasis, how many sessions would I need?", "will it work?"
    )
    assert first(later)["question"] in {
        "therapy.evidence.psoriasis",
        "therapy.expectations.psoriasis",
    }
    assert assistant.tracker(sender)["slots"]["condition"] == "psoriasis"


def test_more_about_this_gives_the_topics_overview(assistant, sender):
    specific, more = answers(assistant, sender, "does it hurt?", MORE_PAYLOAD)
    assert first(specific)["question"] == "therapy.procedure.pain"
    overview = [bot_metadata(b) for b in more if not bot_metadata(b).get("disclaimer")]
    assert {m["topic"] for m in overview} == {"therapy.procedure"}
    assert not any(m.get("question") for m in overview)
    texts = [b["text"] for b in more]
    assert texts[: len(overview)] == list(CONTENT.knowledge["therapy.procedure"].messages["en"])


def test_a_red_flag_in_the_middle_of_a_chain_gets_the_emergency_answer(assistant, sender):
    turns = answers(
        assistant,
        sender,
        "what are the side effects",
        "I had the drip yesterday and now my throat is swelling and I can't breathe",
        "and long term?",
    )
    assert first(turns[1])["topic"] == "safety.emergency"
    assert "1669" in turns[1][0]["text"]
    assert first(turns[2])["question"] == "therapy.safety.long_term"


def test_a_follow_up_is_never_taken_for_goodbye_or_out_of_scope(assistant, sender):
    turns = answers(assistant, sender, "ค่าใช้จ่ายเท่าไหร่คะ", "แล้วประกันล่ะคะ", "ถ้าใช้นานๆ ล่ะ")
    for turn in turns[1:]:
        assert first(turn)["topic"] not in {"chat.goodbye", "chat.thanks", "chat.out_of_scope"}


@pytest.mark.parametrize(
    "text, language",
    [
        ("I passed out once when they took my blood. Does the treatment hurt?", "en"),
        ("เจาะเลือดทีไรเป็นลมทุกที ทำสเต็มเซลล์เจ็บไหมคะ", "th"),
    ],
)
def test_a_symptom_told_as_history_gets_the_answer_then_the_emergency_line(
    assistant, sender, text, language
):
    [turn] = answers(assistant, sender, text)
    metadata = [bot_metadata(b) for b in turn]
    assert metadata[0].get("question") == "therapy.procedure.pain", metadata
    [note] = [b for b in turn if bot_metadata(b).get("safety_note") == "reported_symptom"]
    assert "1669" in note["text"] and bot_metadata(note)["language"] == language
    assert turn.index(note) == len(turn) - 2  # after the answer, before the disclaimer
    # not the emergency answer (which would also mark the conversation urgent for staff)
    assert all(m.get("topic") == "therapy.procedure" for m in metadata), metadata


def test_the_same_symptom_happening_now_is_still_the_emergency(assistant, sender):
    [turn] = answers(
        assistant, sender, "I passed out once before, and I just fainted again now. Does it hurt?"
    )
    assert first(turn)["topic"] == "safety.emergency"
