"""Turn content entries into bot messages: one place for metadata, buttons and disclaimers.

Every message carries ``topic`` and ``language`` (they land in ``BotUttered.metadata``,
the contract of ``topics.md``), and ``question`` when it answers a specific question.
Quick-reply buttons go on the last message of a turn, where chat widgets and LINE show
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.answer_choice import Choice
from assistant.clinic import Clinic, clinic
from assistant.content import Content, Reply, load_content
from assistant.conversation import current_session, newest_first
from assistant.feedback import RATING_TOPICS
from assistant.language import language_or_default
from assistant.placeholders import placeholder_values
from assistant.settings import settings

CONTENT: Content = load_content()  # validated here: a bad file stops the action server
CLINIC: Clinic = clinic()  # likewise the clinic's settings

FULL, SHORT = "full", "short"
MORE = "chat.more"  # the "More about this" quick reply (payload /chat_more)
FOLLOW_UPS_AFTER_A_QUESTION = 2  # topics offered beside "More about this"


@dataclass
class Outgoing:
    """One bot message before it is sent."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def render(
    reply: Reply, language: str, values: Optional[dict[str, str]] = None, **metadata: Any
) -> list[Outgoing]:
    """The messages of a content entry in one language, placeholders filled (``values``
    adds the ones only the caller knows, such as a booking's details)."""
    values = {**placeholder_values(language, CLINIC, settings()), **(values or {})}
    return [
        Outgoing(text.format_map(values), {"topic": reply.topic, **metadata})
        for text in reply.messages[language]
    ]


def disclaimer_kind(tracker: Tracker) -> str:
    """``full`` for the first medical answer of a conversation, ``short`` afterwards."""
    for event in newest_first(current_session(tracker.events), "bot"):
        if (event.get("metadata") or {}).get("disclaimer") == FULL:
            return SHORT
    return FULL


def clinic_status_key(kind: str) -> Optional[str]:
    """The ``messages.yml`` reply stating the clinic's own status, when it has stated it.

    ``kind`` is ``service`` (is its UC-MSC treatment an approved research project?) or
    ``payment`` (do patients pay?); None when the clinic's settings leave it unstated.
    """
    status = CLINIC.service
    if kind == "service" and status.approved_research is not None:
        approved = "approved_research" if status.approved_research else "not_research"
        return f"clinic.service_status.{approved}"
    if kind == "payment" and status.patients_pay is not None:
        return f"clinic.payment.{'patient_pays' if status.patients_pay else 'no_charge'}"
    return None


def knowledge_answer(
    choice: Choice, language: str, tracker: Tracker
) -> tuple[list[Outgoing], Reply]:
    """A knowledge answer (a specific question's, or a topic's overview) with its disclaimer.

    Returns the messages and the reply whose follow-ups become the quick replies. What the
    clinic's settings state about its own service comes first where the entry asks for it.
    """
    entry = CONTENT.knowledge[choice.topic]
    reply: Reply = entry if choice.question is None else CONTENT.questions[choice.question]
    metadata: dict[str, Any] = {
        "evidence_level": getattr(reply, "evidence_level", entry.evidence_level)
    }
    if choice.question:
        metadata["question"] = choice.question
    messages = render(reply, language, **metadata)
    status_key = clinic_status_key(reply.clinic_status) if reply.clinic_status else None
    if status_key:
        status = render(CONTENT.messages[status_key], language, **metadata)
        messages = [
            Outgoing(m.text, {**m.metadata, "topic": entry.topic}) for m in status
        ] + messages
    kind = disclaimer_kind(tracker)
    disclaimer_metadata = {k: v for k, v in metadata.items() if k == "question"}
    messages.append(
        Outgoing(
            CONTENT.disclaimers[kind][language],
            {"topic": entry.topic, "disclaimer": kind, **disclaimer_metadata},
        )
    )
    return messages, reply


def knowledge_buttons(
    choice: Choice, reply: Reply, language: str, ask_rating: bool = False
) -> list[dict[str, Any]]:
    """After a specific answer: "More about this" and two of the topic's follow-ups; after an
    overview, its follow-ups. ``ask_rating`` adds "helpful" / "not helpful" last (at most 6
    quick replies: LINE takes 13)."""
    if choice.question is None:
        topics = list(reply.follow_up)
    else:
        topics = [MORE, *reply.follow_up[:FOLLOW_UPS_AFTER_A_QUESTION]]
    if ask_rating:
        topics += list(RATING_TOPICS.values())
    return CONTENT.buttons(topics, language)


def send(
    dispatcher: CollectingDispatcher,
    messages: Iterable[Outgoing],
    language: str,
    buttons: Optional[list[dict[str, Any]]] = None,
) -> None:
    """Sends the messages; ``buttons`` go on the last one."""
    messages = list(messages)
    for index, message in enumerate(messages):
        last = index == len(messages) - 1
        dispatcher.utter_message(
            text=message.text,
            buttons=buttons if last and buttons else None,
            language=language,
            **message.metadata,
        )


def send_reply(
    dispatcher: CollectingDispatcher,
    key: str,
    language: str,
    values: Optional[dict[str, str]] = None,
    buttons: Optional[list[dict[str, Any]]] = None,
    **metadata: Any,
) -> Reply:
    """Sends the content entry ``key`` with its follow-up buttons (or ``buttons``)."""
    reply = CONTENT.reply(key)
    send(
        dispatcher,
        render(reply, language, values, **metadata),
        language,
        buttons if buttons is not None else CONTENT.buttons(reply.follow_up, language),
    )
    return reply


def language_of(tracker: Tracker) -> str:
    """The conversation's language (the slot, set on every user message)."""
    return language_or_default(tracker.get_slot("language"))


def latest_intent(tracker: Tracker) -> str:
    """The intent of the latest user message as Rasa decided it (``nlu_fallback`` too).

    rasa_sdk's ``get_intent_of_latest_message`` reads the ranking and skips
    ``nlu_fallback``; the actions need the decided intent.
    """
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def in_office_hours_key(base: str) -> str:
    """``base.in_hours`` or ``base.out_of_hours``, as the clinic's hours stand now."""
    return f"{base}.{'in_hours' if CLINIC.is_open() else 'out_of_hours'}"
