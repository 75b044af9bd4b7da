"""Turn content entries into bot messages: one place for metadata, buttons and disclaimers.

Every message carries ``topic`` and ``language`` (they land in ``BotUttered.metadata``,
the contract of ``topics.md``). Quick-reply buttons go on the last message of a turn,
where chat widgets and LINE show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.content import Content, KnowledgeEntry, Reply, load_content
from assistant.conversation import current_session, newest_first
from assistant.language import language_or_default
from assistant.office_hours import OfficeHours
from assistant.settings import settings

CONTENT: Content = load_content()  # validated here: a bad file stops the action server
OFFICE_HOURS: OfficeHours = OfficeHours.load()

FULL, SHORT = "full", "short"


@dataclass
class Outgoing:
    """One bot message before it is sent."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)


def placeholder_values(language: str) -> dict[str, str]:
    """Values for the ``{placeholders}`` that content messages may use."""
    return {
        "retention_days": str(settings().retention_days),
        "max_chars": str(settings().max_message_chars),
        "office_hours": OFFICE_HOURS.describe(language),
        "reply_time": OFFICE_HOURS.expected_reply[language],
        "next_open": OFFICE_HOURS.describe_moment(OFFICE_HOURS.next_opening(), language),
    }


def render(reply: Reply, language: str, **metadata: Any) -> list[Outgoing]:
    """The messages of a content entry in one language, placeholders filled."""
    values = placeholder_values(language)
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


def with_disclaimer(entry: KnowledgeEntry, language: str, tracker: Tracker) -> list[Outgoing]:
    """A knowledge answer followed by the safety disclaimer."""
    kind = disclaimer_kind(tracker)
    messages = render(entry, language, evidence_level=entry.evidence_level)
    messages.append(
        Outgoing(CONTENT.disclaimers[kind][language], {"topic": entry.topic, "disclaimer": kind})
    )
    return messages


def send(
    dispatcher: CollectingDispatcher,
    messages: Iterable[Outgoing],
    language: str,
    buttons_for: Optional[Reply] = None,
) -> None:
    """Sends the messages; the buttons of ``buttons_for`` go on the last one."""
    messages = list(messages)
    buttons = CONTENT.buttons(buttons_for, language) if buttons_for else []
    for index, message in enumerate(messages):
        last = index == len(messages) - 1
        dispatcher.utter_message(
            text=message.text,
            buttons=buttons if last and buttons else None,
            language=language,
            **message.metadata,
        )


def send_reply(dispatcher: CollectingDispatcher, key: str, language: str, **metadata: Any) -> Reply:
    """Sends the content entry ``key`` with its follow-up buttons; returns the entry."""
    reply = CONTENT.reply(key)
    send(dispatcher, render(reply, language, **metadata), language, buttons_for=reply)
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
