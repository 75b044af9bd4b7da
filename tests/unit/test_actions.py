"""Each custom action, run on tracker fixtures with a CollectingDispatcher."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any, Optional
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff as handoff_module
from actions.answers import ActionAnswer, ActionFallback, ActionReadMessage
from actions.feedback import ActionRateAnswer
from actions.handoff import ActionAffirmDeny, ActionHandoff, consecutive_misses
from actions.replies import CLINIC, CONTENT
from assistant.handoff import summarise

BKK = ZoneInfo("Asia/Bangkok")


def user(
    text: str,
    intent: str,
    confidence: float = 0.9,
    metadata: Optional[dict] = None,
    question: Optional[str] = None,
    entities: Optional[list] = None,
) -> dict[str, Any]:
    parse_data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
    }
    if question:
        parse_data["question"] = {"name": question, "confidence": 0.8}
    return {
        "event": "user",
        "text": text,
        "parse_data": parse_data,
        "metadata": metadata or {},
        "input_channel": "rest",
    }


def bot(text: str, **metadata: Any) -> dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": metadata, "data": {}}


def tracker(
    events: list[dict], language: Optional[str] = "en", paused: bool = False, **slots: Any
) -> Tracker:
    latest = next((e for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(
        sender_id="patient-1",
        slots={"language": language, **slots},
        latest_message={**latest.get("parse_data", {}), "metadata": latest.get("metadata", {})},
        events=events,
        paused=paused,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action, t: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


@pytest.fixture
def alerts(monkeypatch):
    """Records staff alerts instead of sending them."""
    sent: list = []
    monkeypatch.setattr(handoff_module, "notify_staff_soon", sent.append)
    return sent


# --- ActionAnswer -----------------------------------------------------------------------


def test_a_specific_question_gets_its_answer_then_the_full_disclaimer_and_buttons():
    asked = user("does it hurt?", "therapy_procedure", question="therapy.procedure.pain")
    messages, events = run(ActionAnswer(), tracker([asked], "en"))
    question = CONTENT.questions["therapy.procedure.pain"]
    assert [m["text"] for m in messages[:-1]] == list(question.messages["en"])
    assert messages[-1]["text"] == CONTENT.disclaimers["full"]["en"]
    assert messages[-1]["disclaimer"] == "full"
    assert all(m["question"] == "therapy.procedure.pain" for m in messages)
    assert all(m["topic"] == "therapy.procedure" and m["language"] == "en" for m in messages)
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    entry = CONTENT.knowledge["therapy.procedure"]
    assert payloads == ["/chat_more"] + [
        "/" + t.replace(".", "_", 1) for t in entry.follow_up[:2]
    ] + ["/feedback_helpful", "/feedback_not_helpful"], "the first answer asks for a rating"
    assert not any(m["buttons"] for m in messages[:-1])
    assert events == []


def test_more_about_this_gives_the_overview_of_the_previous_topic():
    history = [
        user("does it hurt?", "therapy_procedure", question="therapy.procedure.pain"),
        bot("...", topic="therapy.procedure", question="therapy.procedure.pain", language="en"),
        user("/chat_more", "chat_more"),
    ]
    messages, _ = run(ActionAnswer(), tracker(history))
    entry = CONTENT.knowledge["therapy.procedure"]
    assert [m["text"] for m in messages[:-1]] == list(entry.messages["en"])
    assert not any(m.get("question") for m in messages)


def test_a_follow_up_naming_a_child_after_a_safety_answer(alerts):
    history = [
        user("ปลอดภัยไหม", "therapy_safety", question="therapy.safety.is_it_safe"),
        bot("...", topic="therapy.safety", question="therapy.safety.is_it_safe", language="th"),
        user("แล้วเด็กล่ะ", "follow_up", entities=[{"entity": "population", "value": "child"}]),
    ]
    messages, _ = run(ActionAnswer(), tracker(history, "th", population="child"))
    assert messages[0]["question"] == "therapy.eligibility.children"
    assert (
        messages[0]["text"] == CONTENT.questions["therapy.eligibility.children"].messages["th"][0]
    )


def test_a_follow_up_without_an_earlier_answer_asks_to_rephrase():
    messages, _ = run(ActionAnswer(), tracker([user("and long term?", "follow_up")]))
    assert messages[0]["topic"] == "chat.fallback"


@pytest.mark.parametrize(
    "opened, key", [(True, "clinic.hours.open"), (False, "clinic.hours.closed")]
)
def test_opening_hours_say_whether_the_clinic_is_open_now(monkeypatch, opened, key):
    monkeypatch.setattr(CLINIC.__class__, "is_open", lambda self, moment=None: opened)
    messages, _ = run(ActionAnswer(), tracker([user("are you open now", "clinic_hours")]))
    assert messages[0]["topic"] == "clinic.hours"
    assert messages[0]["text"].startswith(CONTENT.messages[key].messages["en"][0][:15])
    assert "{" not in " ".join(m["text"] for m in messages)
    assert not any("disclaimer" in m for m in messages)


def test_the_cost_answer_states_what_the_clinic_says_about_payment(monkeypatch):
    from actions import replies

    stated = replace(CLINIC, service=replace(CLINIC.service, patients_pay=False))
    monkeypatch.setattr(replies, "CLINIC", stated)
    asked = user("how much is it", "therapy_cost", question="therapy.cost.price")
    messages, _ = run(ActionAnswer(), tracker([asked]))
    assert messages[0]["text"] == CONTENT.messages["clinic.payment.no_charge"].messages["en"][0]
    assert (
        messages[0]["topic"] == "therapy.cost" and messages[0]["question"] == "therapy.cost.price"
    )
    monkeypatch.setattr(replies, "CLINIC", CLINIC)  # nothing stated: the answer alone
    messages, _ = run(ActionAnswer(), tracker([asked]))
    assert messages[0]["text"] == CONTENT.questions["therapy.cost.price"].messages["en"][0]


def test_knowledge_answer_in_thai_gets_short_disclaimer_after_a_full_one():
    history = [
        user("คืออะไร", "therapy_what_is"),
        bot("...", topic="therapy.what_is", disclaimer="full", language="th"),
        user("ปลอดภัยไหม", "therapy_safety"),
    ]
    messages, _ = run(ActionAnswer(), tracker(history, "th"))
    assert messages[-1]["text"] == CONTENT.disclaimers["short"]["th"]
    assert messages[-1]["disclaimer"] == "short"
    assert all(m["topic"] == "therapy.safety" and m["language"] == "th" for m in messages)
    assert messages[0]["question"] == "therapy.safety.is_it_safe"  # the topic's general question


def test_a_new_session_gets_the_full_disclaimer_again():
    history = [
        bot("...", topic="therapy.what_is", disclaimer="full", language="en"),
        {"event": "session_started"},
        user("is it safe", "therapy_safety"),
    ]
    messages, _ = run(ActionAnswer(), tracker(history))
    assert messages[-1]["disclaimer"] == "full"


def test_chat_answer_has_its_topic_and_no_disclaimer():
    messages, _ = run(ActionAnswer(), tracker([user("hello", "chat_greet")]))
    assert {m["topic"] for m in messages} == {"chat.greet"}
    assert not any("disclaimer" in m for m in messages)
    assert "{retention_days}" not in " ".join(m["text"] for m in messages)


def test_language_switch_confirms_in_the_new_language():
    messages, _ = run(ActionAnswer(), tracker([user("ภาษาไทยได้ไหม", "chat_language")], "th"))
    assert messages[0]["text"] == CONTENT.messages["chat.language.th"].messages["th"][0]
    assert messages[0]["topic"] == "chat.language"


def test_emergency_answer_gives_1669_and_alerts_staff(alerts):
    messages, _ = run(ActionAnswer(), tracker([user("หายใจไม่ออก", "safety_emergency")], "th"))
    assert "1669" in " ".join(m["text"] for m in messages)
    assert messages[0]["topic"] == "safety.emergency"
    assert [a.reason for a in alerts] == ["emergency"]


# --- ActionReadMessage --------------------------------------------------------------------


def test_read_message_sets_language_from_script():
    _, events = run(
        ActionReadMessage(), tracker([user("ราคาเท่าไหร่", "therapy_cost")], language="en")
    )
    assert events == [{"event": "slot", "timestamp": None, "name": "language", "value": "th"}]


def test_read_message_keeps_language_for_emoji_and_uses_hint_first():
    _, events = run(ActionReadMessage(), tracker([user("👍", "chat_affirm")], language="th"))
    assert events[0]["value"] == "th"
    _, events = run(
        ActionReadMessage(),
        tracker([user("👍", "chat_affirm", metadata={"language": "en"})], language=None),
    )
    assert events[0]["value"] == "en"


def test_read_message_is_silent_when_not_paused():
    messages, _ = run(ActionReadMessage(), tracker([user("i can't breathe", "safety_emergency")]))
    assert messages == []


def test_read_message_answers_a_red_flag_while_paused(alerts):
    history = [
        user("human please", "handoff_request"),
        {"event": "pause"},
        user("i can't breathe", "safety_emergency"),
    ]
    messages, events = run(ActionReadMessage(), tracker(history, paused=True))
    assert (
        messages
        and messages[0]["topic"] == "safety.emergency"
        and messages[0]["while_paused"] is True
    )
    assert "1669" in " ".join(m["text"] for m in messages)
    assert events[0]["name"] == "language"
    assert [a.reason for a in alerts] == ["safety.emergency_while_paused"]


def test_read_message_stays_silent_for_ordinary_messages_while_paused(alerts):
    history = [{"event": "pause"}, user("hello?", "chat_greet")]
    messages, _ = run(ActionReadMessage(), tracker(history, paused=True))
    assert messages == [] and alerts == []


# --- Handoff, fallback, yes/no ------------------------------------------------------------


def test_handoff_pauses_records_reason_and_summary_and_alerts(alerts):
    history = [
        user("what is msc", "therapy_what_is"),
        bot("...", topic="therapy.what_is", language="en"),
        user("can i talk to a person", "handoff_request"),
    ]
    messages, events = run(ActionHandoff(), tracker(history))
    assert events[-1]["event"] == "pause"
    handoff = events[-1]["metadata"]["handoff"]
    assert handoff["reason"] == "user_request"
    assert (
        "therapy.what_is" in handoff["summary"] and "can i talk to a person" in handoff["summary"]
    )
    assert messages[0]["topic"] == "handoff.request" and messages[0]["handoff"] == handoff
    assert alerts[0].conversation_id == "patient-1" and alerts[0].channel == "rest"


@pytest.mark.parametrize(
    "opened,key", [(True, "handoff.request.in_hours"), (False, "handoff.request.out_of_hours")]
)
def test_handoff_message_depends_on_office_hours(alerts, monkeypatch, opened, key):
    monkeypatch.setattr(CLINIC.__class__, "is_open", lambda self, moment=None: opened)
    messages, _ = run(ActionHandoff(), tracker([user("staff please", "handoff_request")]))
    expected = CONTENT.messages[key].messages["en"][0].split("{")[0]
    assert messages[0]["text"].startswith(expected)
    assert "{" not in " ".join(m["text"] for m in messages)


def test_distress_gets_hotline_and_is_handed_off(alerts):
    messages, events = run(ActionHandoff(), tracker([user("อยากตาย", "safety_distress")], "th"))
    assert "1323" in " ".join(m["text"] for m in messages)
    assert messages[0]["topic"] == "safety.distress"
    assert events[-1]["metadata"]["handoff"]["reason"] == "distress"
    assert alerts[0].reason == "distress"


def test_a_message_not_understood_that_names_a_condition_gets_that_condition():
    entity = {"entity": "condition", "value": "psoriasis", "start": 0, "end": 9}
    named = [user("psoriasis?", "nlu_fallback", 0.1, entities=[entity])]
    messages, _ = run(ActionFallback(), tracker(named, condition="psoriasis"))
    assert messages[0]["question"] == "therapy.conditions.psoriasis"


def test_first_miss_asks_to_rephrase_second_offers_staff():
    one = [user("blah", "nlu_fallback", 0.2)]
    messages, _ = run(ActionFallback(), tracker(one))
    assert messages[0]["topic"] == "chat.fallback" and messages[-1]["buttons"]
    two = one + [bot("...", topic="chat.fallback"), user("blah blah", "nlu_fallback", 0.1)]
    messages, _ = run(ActionFallback(), tracker(two))
    assert messages[0]["topic"] == "handoff.offer"
    assert "/handoff_request" in [b["payload"] for b in messages[-1]["buttons"]]


def test_misses_are_counted_only_in_a_row():
    events = [
        user("x", "nlu_fallback"),
        user("what is it", "therapy_what_is"),
        user("y", "nlu_fallback"),
    ]
    assert consecutive_misses(tracker(events)) == 1


def test_yes_after_an_offer_hands_off(alerts):
    history = [bot("Shall I connect you?", topic="handoff.offer"), user("yes", "chat_affirm")]
    messages, events = run(ActionAffirmDeny(), tracker(history))
    assert (
        events[-1]["event"] == "pause"
        and events[-1]["metadata"]["handoff"]["reason"] == "offer_accepted"
    )


def test_no_after_an_offer_declines_and_yes_without_offer_acknowledges(alerts):
    messages, events = run(
        ActionAffirmDeny(), tracker([bot("?", topic="handoff.offer"), user("no", "chat_deny")])
    )
    assert messages[0]["topic"] == "handoff.declined" and events == []
    messages, events = run(
        ActionAffirmDeny(), tracker([bot("hi", topic="chat.greet"), user("ok", "chat_affirm")])
    )
    assert messages[0]["topic"] == "chat.acknowledge" and events == [] and alerts == []


def test_summary_is_short_and_recent():
    events = [user(f"message number {i} " + "x" * 300, "therapy_cost") for i in range(6)]
    summary = summarise(tracker(events).events)
    assert "message number 5" in summary and "message number 2" not in summary
    assert len(summary) < 600


# --- Was this helpful? -------------------------------------------------------------------


def answered(question: str, topic: str, ask: bool, language: str = "en") -> list[dict]:
    """One knowledge answer as the tracker holds it: answer, then the disclaimer message."""
    disclaimer = bot("...", topic=topic, question=question, language=language, disclaimer="short")
    if ask:
        disclaimer["data"] = {"buttons": [{"title": "x", "payload": "/feedback_helpful"}]}
    return [
        user("q", topic.replace(".", "_", 1), question=question),
        bot("...", topic=topic, question=question, language=language),
        disclaimer,
    ]


def rating_buttons(messages: list[dict]) -> list[str]:
    return [b["payload"] for b in messages[-1]["buttons"] if "feedback" in b["payload"]]


def test_the_rating_is_asked_first_then_every_third_answer_and_not_after_two_ratings():
    asked = user("does it hurt?", "therapy_procedure", question="therapy.procedure.pain")
    history: list[dict] = []
    offered = []
    for _turn in range(7):
        messages, _ = run(ActionAnswer(), tracker(history + [asked]))
        offered.append(bool(rating_buttons(messages)))
        history += answered("therapy.procedure.pain", "therapy.procedure", offered[-1])
    assert offered == [True, False, False, True, False, False, True]
    rated = [bot("Thank you!", topic="feedback.helpful", rating={"value": "helpful"})] * 2
    messages, _ = run(ActionAnswer(), tracker(history + rated + [asked]))
    assert rating_buttons(messages) == [], "two ratings in this session: no more asking"
    messages, _ = run(ActionAnswer(), tracker([asked], paused=True))
    assert rating_buttons(messages) == []


@pytest.mark.parametrize("language", ["en", "th"])
def test_a_rating_is_recorded_on_the_reply_with_the_answer_it_rates(language):
    history = answered("therapy.procedure.pain", "therapy.procedure", True, language)
    messages, _ = run(
        ActionRateAnswer(),
        tracker(history + [user("/feedback_helpful", "feedback_helpful")], language),
    )
    assert [m["text"] for m in messages] == list(
        CONTENT.messages["feedback.helpful"].messages[language]
    )
    assert messages[0]["rating"] == {
        "value": "helpful",
        "topic": "therapy.procedure",
        "question": "therapy.procedure.pain",
    }
    assert messages[0]["topic"] == "feedback.helpful" and messages[0]["language"] == language

    messages, _ = run(
        ActionRateAnswer(),
        tracker(history + [user("/feedback_not_helpful", "feedback_not_helpful")], language),
    )
    assert messages[0]["rating"]["value"] == "not_helpful"
    assert messages[0]["topic"] == "feedback.not_helpful"
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/handoff_request"]


def test_a_rating_without_an_answer_just_before_records_nothing():
    history = [user("hi", "chat_greet"), bot("Hello", topic="chat.greet", language="en")]
    messages, _ = run(
        ActionRateAnswer(), tracker(history + [user("not helpful", "feedback_not_helpful")])
    )
    assert "rating" not in messages[0] and messages[0]["topic"] == "feedback.not_helpful"


def test_yes_after_not_helpful_hands_off(alerts):
    history = answered("therapy.procedure.pain", "therapy.procedure", True) + [
        user("/feedback_not_helpful", "feedback_not_helpful"),
        bot("Sorry ...", topic="feedback.not_helpful", language="en"),
        user("yes", "chat_affirm"),
    ]
    _, events = run(ActionAffirmDeny(), tracker(history))
    assert events[0]["event"] == "pause"
    assert events[0]["metadata"]["handoff"]["reason"] == "offer_accepted"
