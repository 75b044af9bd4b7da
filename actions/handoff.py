"""Handing a conversation to clinic staff: pause it, tell the patient, alert staff.

Handoff is Rasa's ``ConversationPaused`` event: while paused, Rasa records what the
patient writes but predicts no action, so the bot stays quiet until staff send a
``resume`` event. The pause event's metadata holds the reason and a short summary; the
staff console reads them from the tracker store (the single record of a conversation).
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import in_office_hours_key, language_of, latest_intent, send_reply
from actions.staff_notifier import notify_staff_soon
from assistant.conversation import (
    FALLBACK_INTENT,
    current_session,
    intent_of,
    last_bot_metadata,
    newest_first,
)
from assistant.handoff import (
    DISTRESS,
    OFFER_ACCEPTED,
    USER_REQUEST,
    handoff_alert,
    summarise,
)

# Answers that end by offering staff contact: a "yes" after one of them accepts it.
OFFERS_STAFF = {
    "handoff.offer",
    "safety.personal_advice",
    "therapy.cost",
    "chat.bot_challenge",
    "feedback.not_helpful",
}


def alert_staff(tracker: Tracker, reason: str, details: str = "") -> None:
    """Sends a staff alert in the background (a failure never reaches the patient).

    ``details``: what a form collected (a booking's reference and fields), shown labelled."""
    notify_staff_soon(
        handoff_alert(
            tracker.events,
            conversation_id=tracker.sender_id,
            reason=reason,
            language=language_of(tracker),
            channel=tracker.get_latest_input_channel(),
            created_at=time.time(),
            details=details,
        )
    )


def hand_off(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    reply: str = "handoff.request",
    collected: str = "",
) -> List[EventType]:
    """Tells the patient what happens next (``reply``, as the clinic's hours stand now),
    alerts staff, pauses the conversation. ``collected`` (what a form had gathered) is
    added to the summary staff read."""
    reply_key = in_office_hours_key(reply)
    summary = summarise(tracker.events) + (f" {collected}" if collected else "")
    handoff = {"reason": reason, "summary": summary}
    send_reply(dispatcher, reply_key, language_of(tracker), handoff=handoff)
    alert_staff(tracker, reason, collected)
    return [{"event": "pause", "timestamp": None, "metadata": {"handoff": handoff}}]


class ActionHandoff(Action):
    """The patient asked for a person, or wrote in distress."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = latest_intent(tracker)
        if intent == "safety_distress":
            return hand_off(dispatcher, tracker, DISTRESS, reply="safety.distress")
        return hand_off(dispatcher, tracker, USER_REQUEST)


def consecutive_misses(tracker: Tracker) -> int:
    """How many patient messages in a row, up to the latest, were not understood."""
    misses = 0
    for event in newest_first(current_session(tracker.events), "user"):
        if intent_of(event)[0] != FALLBACK_INTENT:
            break
        misses += 1
    return misses


class ActionAffirmDeny(Action):
    """A yes or no: accepts or declines staff contact if the bot just offered it."""

    def name(self) -> Text:
        return "action_affirm_deny"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        offered = last_bot_metadata(tracker.events).get("topic") in OFFERS_STAFF
        affirmed = latest_intent(tracker) == "chat_affirm"
        if offered and affirmed:
            return hand_off(dispatcher, tracker, OFFER_ACCEPTED)
        key = "handoff.declined" if offered else "chat.acknowledge"
        send_reply(dispatcher, key, language_of(tracker))
        return []
