"""A patient's rating of the latest knowledge answer ("Was this helpful?")."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import CONTENT, language_of, latest_intent, render, send
from assistant.feedback import HELPFUL, RATING_INTENTS, RATING_TOPICS, rated_answer


class ActionRateAnswer(Action):
    """Thanks for a "helpful"; after a "not helpful", offers to rephrase or talk to staff.

    The reply records the rating (``metadata.rating = {value, topic, question}`` of the
    answer rated, ``assistant/feedback.py``); a rating with no knowledge answer just before
    it gets the same reply and records nothing.
    """

    def name(self) -> Text:
        return "action_rate_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        value = RATING_INTENTS.get(latest_intent(tracker), HELPFUL)
        language = language_of(tracker)
        reply = CONTENT.reply(RATING_TOPICS[value])
        rated = rated_answer(tracker.events)
        messages = render(reply, language)
        if rated:
            messages[0].metadata["rating"] = {"value": value, **rated}
        send(dispatcher, messages, language, CONTENT.buttons(reply.follow_up, language))
        return []
