"""Answers from the bilingual content, and the per-message language and safety step."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import alert_staff, consecutive_misses
from actions.replies import (
    CLINIC,
    CONTENT,
    in_office_hours_key,
    knowledge_answer,
    knowledge_buttons,
    language_of,
    latest_intent,
    render,
    send,
    send_reply,
)
from assistant.answer_choice import PatientContext, Previous, choose
from assistant.conversation import REPORTED_SYMPTOM_KEY, bot_metadata, current_session, newest_first
from assistant.feedback import should_ask as should_ask_rating
from assistant.handoff import EMERGENCY
from assistant.language import choose_language, language_or_default

SAFETY_INTENTS = {"safety_emergency": "safety.emergency", "safety_distress": "safety.distress"}
CLINIC_INTENTS = {"clinic_location", "clinic_hours", "clinic_contact"}
CONDITIONS_INTENT = "therapy_conditions"
PATIENT_SLOTS = ("condition", "population")
FORMS_KEEPING_LANGUAGE = ("booking_form", "booking_change_form")


def intent_to_topic(intent: str) -> str:
    """The topic id an intent is named after (``chat_greet`` -> ``chat.greet``)."""
    return intent.replace("_", ".", 1)


def patient_context(tracker: Tracker) -> PatientContext:
    """The condition and kind of patient: remembered in slots, and whether named just now."""
    named = {e.get("entity") for e in (tracker.latest_message or {}).get("entities") or []}
    return PatientContext(
        condition=tracker.get_slot("condition"),
        population=tracker.get_slot("population"),
        condition_named_now="condition" in named,
        population_named_now="population" in named,
    )


def previous_answer(tracker: Tracker) -> Previous:
    """The latest knowledge answer of this session (what a follow-up refers to)."""
    for event in newest_first(current_session(tracker.events), "bot"):
        metadata = bot_metadata(event)
        if metadata.get("topic") in CONTENT.knowledge:
            return Previous(metadata["topic"], metadata.get("question"))
    return Previous()


class ActionReadMessage(Action):
    """Runs on every patient message, even while the conversation is paused.

    Rasa runs ``action_validate_slot_mappings`` from ``action_extract_slots`` on every
    user message before it predicts anything, and also while a conversation is paused
    for staff (when it predicts nothing at all). It is also the one slot action whose bot
    messages Rasa delivers (a custom mapping's own action may only set slots). That
    makes it the place to (1) set the ``language`` slot for the message and (2) give the
    emergency or distress answer at once during a handoff: staff may be slow to reply.
    """

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = latest_intent(tracker)
        language = choose_language(
            message.get("text") or "",
            tracker.get_slot("language"),
            message.get("metadata"),
            intent == "chat_language",
        )
        if tracker.active_loop_name in FORMS_KEEPING_LANGUAGE and intent != "chat_language":
            # A form's answers (a name in Latin letters, "0812345678") do not switch it.
            language = language_or_default(tracker.get_slot("language"))
        if tracker.is_paused() and intent in SAFETY_INTENTS:
            key = in_office_hours_key(SAFETY_INTENTS[intent])
            send_reply(dispatcher, key, language, while_paused=True)
            alert_staff(tracker, f"{SAFETY_INTENTS[intent]}_while_paused")
        return [SlotSet("language", language)]


class ActionAnswer(Action):
    """Answers the latest intent from the content files.

    Knowledge messages get the specific answer (or a topic's overview) with the safety
    disclaimer (``assistant/answer_choice.py`` says which); clinic questions are answered
    from the clinic's settings; an emergency also alerts staff.
    """

    def name(self) -> Text:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answer_intent(dispatcher, tracker, latest_intent(tracker), language_of(tracker))
        return []


class ActionFallback(Action):
    """Not understood: a message that names a condition gets what is known about that
    condition ("psoriasis?", "seborrheic dermatitis?"); otherwise ask to rephrase, and the
    second time in a row offer staff."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        if patient_context(tracker).condition_named_now:
            answer_intent(dispatcher, tracker, CONDITIONS_INTENT, language)
            return []
        key = "handoff.offer" if consecutive_misses(tracker) >= 2 else "chat.fallback"
        send_reply(dispatcher, key, language)
        return []


def answer_intent(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, language: str
) -> None:
    """Sends the answer to ``intent`` (also used by the booking form for a question mid-form)."""
    choice = choose(
        CONTENT,
        intent,
        tracker.latest_message or {},
        patient_context(tracker),
        previous_answer(tracker),
    )
    if choice:
        messages, reply = knowledge_answer(choice, language, tracker)
        reported = (tracker.latest_message or {}).get(REPORTED_SYMPTOM_KEY)
        if reported:
            # Before the disclaimer: the answer first, then what to do if it is happening
            # now. It carries the answer's topic: not an emergency answer, which would mark
            # the conversation urgent for staff (console/staff/conversation_events.py).
            note = render(
                CONTENT.reply("safety.reported_symptom"),
                language,
                {"symptom": str(reported.get("matched") or "")},
                topic=choice.topic,
                safety_note="reported_symptom",
            )
            messages[-1:-1] = note
        # Not while staff have the conversation, nor in the middle of the booking form.
        ask = (
            should_ask_rating(tracker.events)
            and not tracker.is_paused()
            and not tracker.active_loop_name
        )
        send(dispatcher, messages, language, knowledge_buttons(choice, reply, language, ask))
    elif intent in ("follow_up", "chat_more"):
        send_reply(dispatcher, "chat.fallback", language)
    elif intent == "chat_language":
        send_reply(dispatcher, f"chat.language.{language}", language)
    elif intent == "clinic_hours":
        send_reply(dispatcher, f"clinic.hours.{'open' if CLINIC.is_open() else 'closed'}", language)
    elif intent == "safety_emergency":
        send_reply(dispatcher, in_office_hours_key("safety.emergency"), language)
        alert_staff(tracker, EMERGENCY)
    else:
        send_reply(dispatcher, intent_to_topic(intent), language)
