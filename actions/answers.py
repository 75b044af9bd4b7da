"""Answers from the bilingual content, and the per-message language and safety step."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import alert_staff
from actions.replies import (
    CONTENT,
    language_of,
    latest_intent,
    send,
    send_reply,
    with_disclaimer,
)
from assistant.handoff import EMERGENCY
from assistant.language import choose_language

SAFETY_INTENTS = {"safety_emergency": "safety.emergency", "safety_distress": "safety.distress"}


def intent_to_topic(intent: str) -> str:
    """The topic id an intent is named after (``chat_greet`` -> ``chat.greet``)."""
    return intent.replace("_", ".", 1)


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
        if tracker.is_paused() and intent in SAFETY_INTENTS:
            send_reply(dispatcher, SAFETY_INTENTS[intent], language, while_paused=True)
            alert_staff(tracker, f"{intent_to_topic(intent)}_while_paused")
        return [SlotSet("language", language)]


class ActionAnswer(Action):
    """Answers the latest intent from the content files.

    Knowledge topics get the safety disclaimer; an emergency also alerts staff.
    """

    def name(self) -> Text:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = latest_intent(tracker)
        language = language_of(tracker)
        entry = CONTENT.knowledge_for_intent(intent)
        if entry:
            send(dispatcher, with_disclaimer(entry, language, tracker), language, buttons_for=entry)
            return []
        if intent == "chat_language":
            send_reply(dispatcher, f"chat.language.{language}", language)
            return []
        send_reply(dispatcher, intent_to_topic(intent), language)
        if intent == "safety_emergency":
            alert_staff(tracker, EMERGENCY)
        return []
