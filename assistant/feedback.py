"""Was this helpful? When the assistant asks, and which answer a patient's rating is about.

After a knowledge answer the assistant may add two quick replies, "helpful" and "not
helpful" (``content/topic_labels.yml``: ``feedback.helpful``, ``feedback.not_helpful``,
payloads ``/feedback_helpful`` and ``/feedback_not_helpful``; the same intents also take
typed feedback such as "that didn't answer my question"). Asking after every answer would
be tiresome and would crowd out the follow-up buttons, so it asks:

- on the first knowledge answer of a session (the answer most likely to show whether the
  assistant understood the question at all),
- then on every ``ASK_EVERY``-th knowledge answer after the last time it asked,
- and not again in a session once the patient has rated ``ENOUGH_RATINGS`` answers.

The rating is stored in the conversation like any event: the bot message that thanks the
patient (or offers to rephrase or talk to staff) carries ``metadata.rating = {value,
topic, question}``, copied from the metadata of the knowledge answer rated
(``assistant.conversation.rating_of`` reads it).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from assistant.conversation import Event, bot_metadata, current_session, newest_first

HELPFUL, NOT_HELPFUL = "helpful", "not_helpful"
RATING_INTENTS = {"feedback_helpful": HELPFUL, "feedback_not_helpful": NOT_HELPFUL}
RATING_TOPICS = {HELPFUL: "feedback.helpful", NOT_HELPFUL: "feedback.not_helpful"}
RATING_PAYLOADS = {f"/{intent}" for intent in RATING_INTENTS}
ASK_EVERY = 3  # knowledge answers
ENOUGH_RATINGS = 2  # per session


def is_knowledge_answer(event: Event) -> bool:
    """Whether a bot event ends a knowledge answer (its safety-disclaimer message)."""
    return event.get("event") == "bot" and bool(bot_metadata(event).get("disclaimer"))


def asked_for_rating(event: Event) -> bool:
    """Whether a bot event carried the helpful / not helpful quick replies."""
    buttons = (event.get("data") or {}).get("buttons") or []
    return any(str(button.get("payload")) in RATING_PAYLOADS for button in buttons)


def should_ask(events: Sequence[Event]) -> bool:
    """Whether the knowledge answer about to be sent gets the rating quick replies.

    >>> should_ask([])
    True
    >>> answered = {"event": "bot", "metadata": {"disclaimer": "full"},
    ...             "data": {"buttons": [{"payload": "/feedback_helpful"}]}}
    >>> plain = {**answered, "data": {}}
    >>> should_ask([answered]), should_ask([answered, plain]), should_ask([answered, plain, plain])
    (False, False, True)
    """
    answers_since_asked = 0
    ratings = 0
    asked = False
    for event in newest_first(current_session(events), "bot"):
        if bot_metadata(event).get("rating"):
            ratings += 1
        if not asked and is_knowledge_answer(event):
            if asked_for_rating(event):
                asked = True
            else:
                answers_since_asked += 1
    if ratings >= ENOUGH_RATINGS:
        return False
    return not asked or answers_since_asked >= ASK_EVERY - 1


def rated_answer(events: Sequence[Event]) -> Optional[dict[str, Any]]:
    """``{topic, question}`` of the answer a rating given now is about, or None.

    That is the latest bot turn of the session when it is a knowledge answer (replies to
    earlier ratings skipped); ``question`` is None for a topic's overview.
    """
    for event in newest_first(current_session(events), "bot"):
        metadata = bot_metadata(event)
        if metadata.get("rating") or metadata.get("topic") in RATING_TOPICS.values():
            continue
        if not is_knowledge_answer(event):
            return None
        return {"topic": metadata.get("topic"), "question": metadata.get("question")}
    return None
