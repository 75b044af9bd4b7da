"""What a conversation's Rasa events mean to staff: pure functions, no database.

The event shapes and the helpers that read them are the contract in
``assistant/conversation.py`` (``docs/design.md``); this module turns a conversation into
what the console's list, queue, charts and transcript show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional
from zoneinfo import ZoneInfo

from assistant.conversation import (
    FALLBACK_INTENT,
    SAFETY_TOPICS,
    STAFF_REPLY_TOPIC,
    bot_metadata,
    handoff_of,
    intent_of,
    rating_of,
    safety_net_of,
)
from assistant.feedback import NOT_HELPFUL, RATING_TOPICS, is_knowledge_answer
from assistant.handoff import EMERGENCY, URGENT_REASONS

CHANNEL_NAMES = {"socketio": "web", "line": "LINE", "rest": "rest"}
# A handoff for an urgent reason (assistant.handoff, the one rule) comes first in the queue,
# marked with the safety topic it is about.
URGENT_HANDOFF_REASONS = {
    reason: "safety.emergency" if EMERGENCY in reason else "safety.distress"
    for reason in URGENT_REASONS
}
# Bot messages that are not answers to a question: left out of the topics counted.
NOT_ANSWERS = {STAFF_REPLY_TOPIC, *RATING_TOPICS.values()}
SAFETY_NET_TOPICS = {"distress": "safety.distress", "emergency": "safety.emergency"}


def when(timestamp: Optional[float]) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp or 0, tz=dt.timezone.utc)


def is_safety_user(event: Mapping[str, Any]) -> bool:
    return bool(safety_net_of(event))


def safety_topic_of(event: Mapping[str, Any]) -> str:
    """``safety.distress`` / ``safety.emergency`` when a user or bot event signals one, else ''.

    A user event signals it through the intent (the classifier's or the safety net's), a
    bot event through its topic (the safety answer, during a handoff too).
    """
    kind = event.get("event")
    if kind == "bot":
        topic = bot_metadata(event).get("topic") or ""
        return topic if topic in SAFETY_TOPICS else ""
    if kind == "user":
        net = SAFETY_NET_TOPICS.get(safety_net_of(event).get("kind") or "")
        intent = intent_of(event)[0].replace("_", ".", 1)
        return net or (intent if intent in SAFETY_TOPICS else "")
    return ""


@dataclass
class DayCounts:
    user_messages: int = 0
    bot_messages: int = 0
    fallbacks: int = 0
    safety_events: int = 0
    topics: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # one per specific answer


@dataclass
class HandoffFacts:
    paused_at: dt.datetime
    reason: str
    answered_at: Optional[dt.datetime] = None
    resumed_at: Optional[dt.datetime] = None


@dataclass
class RatingFacts:
    """A patient's rating of one knowledge answer (the latest, if they rated it twice)."""

    day: dt.date
    language: str
    topic: str
    question: str  # empty for a topic's overview
    value: str  # helpful, not_helpful
    answer_event_id: int  # the answer's last message (its disclaimer)
    asked_event_id: Optional[int]  # the patient message that answer answered


@dataclass
class UnansweredFacts:
    """A patient message the assistant could not answer: a fallback, or the question whose
    answer the patient rated not helpful."""

    event_id: int
    day: dt.date
    language: str
    reason: str  # fallback, not_helpful
    text: str


@dataclass
class ConversationFacts:
    """Everything the list, the queue and the charts need about one conversation."""

    sender_id: str
    channel: str = ""
    language: str = ""
    languages: list[str] = field(default_factory=list)
    first_question: str = ""
    topics: list[str] = field(default_factory=list)
    handed_off: bool = False
    safety: bool = False
    fallback: bool = False
    paused: bool = False
    paused_at: Optional[dt.datetime] = None
    handoff_reason: str = ""
    handoff_summary: str = ""
    urgent: str = ""  # while paused: the safety topic that makes the handoff urgent
    started_at: Optional[dt.datetime] = None
    last_activity: Optional[dt.datetime] = None
    user_messages: int = 0
    search_lines: list[str] = field(default_factory=list)
    days: dict[tuple[dt.date, str, str], DayCounts] = field(default_factory=dict)
    handoffs: list[HandoffFacts] = field(default_factory=list)
    ratings: dict[int, RatingFacts] = field(default_factory=dict)  # by answer_event_id
    unanswered: dict[int, UnansweredFacts] = field(default_factory=dict)  # by event id


def is_typed(event: Mapping[str, Any]) -> bool:
    """Whether a user event is a message the patient wrote (not a button's ``/intent``)."""
    return not (event.get("text") or "").startswith("/")


def summarise(
    sender_id: str, events: Iterable[Mapping[str, Any]], zone: ZoneInfo
) -> ConversationFacts:
    """Reads one conversation's events, oldest first, into ``ConversationFacts``."""
    facts = ConversationFacts(sender_id)
    pending_user: Optional[Mapping[str, Any]] = None  # waits for its language slot
    session_safety = ""  # the latest safety topic of the current session
    languages: dict[int, str] = {}  # each user event's language (its slot event follows it)
    asked_events: dict[int, Mapping[str, Any]] = {}  # questions whose answers were rated
    asked: Optional[Mapping[str, Any]] = None  # the patient's latest typed message
    answer: Optional[tuple[Mapping[str, Any], Optional[Mapping[str, Any]]]] = (
        None  # and its question
    )

    def count_user(event: Mapping[str, Any], language: str) -> None:
        stamp = when(event.get("timestamp"))
        day = facts.days.setdefault(
            (stamp.astimezone(zone).date(), language, facts.channel), DayCounts()
        )
        day.user_messages += 1
        day.fallbacks += intent_of(event)[0] == FALLBACK_INTENT
        day.safety_events += is_safety_user(event)
        event_id = int(event.get("_id") or 0)
        languages[event_id] = language
        if intent_of(event)[0] == FALLBACK_INTENT and is_typed(event):
            facts.unanswered[event_id] = UnansweredFacts(
                event_id, stamp.astimezone(zone).date(), language, "fallback", _text(event)
            )

    for event in events:
        kind = event.get("event")
        stamp = when(event.get("timestamp"))
        facts.started_at = facts.started_at or stamp
        if kind in {"user", "bot", "pause", "resume"}:
            facts.last_activity = stamp
        if kind == "slot" and event.get("name") == "language" and event.get("value"):
            facts.language = event["value"]
            if facts.language not in facts.languages:
                facts.languages.append(facts.language)
            if pending_user is not None:
                count_user(pending_user, facts.language)
                pending_user = None
            continue
        if pending_user is not None and kind in {"user", "bot", "pause", "resume"}:
            count_user(pending_user, facts.language)
            pending_user = None
        session_safety = safety_topic_of(event) or session_safety
        if facts.paused and session_safety:
            facts.urgent = session_safety  # written in distress or an emergency while waiting
        if kind == "user":
            text = (event.get("text") or "").strip()
            facts.channel = event.get("input_channel") or facts.channel
            facts.user_messages += 1
            facts.first_question = facts.first_question or text
            if text:
                facts.search_lines.append(text)
            facts.fallback |= intent_of(event)[0] == FALLBACK_INTENT
            facts.safety |= is_safety_user(event)
            pending_user = event
            asked = event if is_typed(event) else asked
        elif kind == "bot":
            metadata = bot_metadata(event)
            if is_knowledge_answer(event):
                answer = (event, asked)
            rating = rating_of(event)
            if rating and answer is not None:
                rated, question = answer
                if question is not None:
                    asked_events[int(question.get("_id") or 0)] = question
                facts.ratings[int(rated.get("_id") or 0)] = RatingFacts(
                    stamp.astimezone(zone).date(),
                    metadata.get("language") or facts.language,
                    str(rating.get("topic") or ""),
                    str(rating.get("question") or ""),
                    str(rating["value"]),
                    int(rated.get("_id") or 0),
                    int(question["_id"]) if question and question.get("_id") else None,
                )
            topic = metadata.get("topic") or ""
            language = metadata.get("language") or facts.language
            day = facts.days.setdefault(
                (stamp.astimezone(zone).date(), language, facts.channel), DayCounts()
            )
            day.bot_messages += 1
            if is_knowledge_answer(event) and metadata.get("question"):
                day.questions.append(str(metadata["question"]))
            if topic and topic not in NOT_ANSWERS and not metadata.get("staff"):
                day.topics.append(topic)
                if topic not in facts.topics:
                    facts.topics.append(topic)
            facts.safety |= topic in SAFETY_TOPICS
            if metadata.get("staff"):
                facts.search_lines.append(event.get("text") or "")
                if facts.handoffs and facts.handoffs[-1].answered_at is None:
                    facts.handoffs[-1].answered_at = stamp
        elif kind == "pause":
            handoff = handoff_of(event)
            facts.paused, facts.paused_at = True, stamp
            facts.handoff_reason = handoff.get("reason") or ""
            facts.handoff_summary = handoff.get("summary") or ""
            facts.handed_off = True
            facts.urgent = URGENT_HANDOFF_REASONS.get(facts.handoff_reason) or session_safety
            facts.handoffs.append(HandoffFacts(stamp, facts.handoff_reason))
        elif kind in {"resume", "restart", "session_started"}:
            if facts.paused and facts.handoffs:
                last = facts.handoffs[-1]
                last.resumed_at = stamp
                last.answered_at = last.answered_at or stamp
            facts.paused, facts.urgent = False, ""
            session_safety = ""  # staff have seen it (resume) or a new session began
    if pending_user is not None:
        count_user(pending_user, facts.language)
    facts.last_activity = facts.last_activity or facts.started_at
    for rating in facts.ratings.values():
        question = asked_events.get(rating.asked_event_id or -1)
        if rating.value == NOT_HELPFUL and question is not None:
            facts.unanswered.setdefault(
                rating.asked_event_id or 0,
                UnansweredFacts(
                    rating.asked_event_id or 0,
                    when(question.get("timestamp")).astimezone(zone).date(),
                    languages.get(rating.asked_event_id or 0, rating.language),
                    NOT_HELPFUL,
                    _text(question),
                ),
            )
    return facts


def _text(event: Mapping[str, Any]) -> str:
    return " ".join((event.get("text") or "").split())


@dataclass
class TranscriptLine:
    """One line of the transcript as staff see it."""

    event_id: int
    kind: str  # user, bot, staff, pause, resume, session
    at: dt.datetime
    text: str = ""
    language: str = ""
    intent: str = ""
    confidence: Optional[float] = None
    topic: str = ""
    disclaimer: str = ""
    safety: str = ""  # the safety net's kind, or the safety topic answered
    staff_user: str = ""
    reason: str = ""
    summary: str = ""
    channel: str = ""
    buttons: list[str] = field(default_factory=list)
    question: str = ""
    rating: str = ""  # on an answer: the patient's rating of it (helpful, not_helpful)
    records_rating: str = ""  # on the reply to a rating: the rating it records


def transcript(events: Iterable[Mapping[str, Any]]) -> list[TranscriptLine]:
    """The turns and handoff events, oldest first (slots and actions left out)."""
    lines: list[TranscriptLine] = []
    last_user: Optional[TranscriptLine] = None
    last_answer: Optional[TranscriptLine] = None  # the end of the latest knowledge answer
    for event in events:
        kind = event.get("event")
        stamp = when(event.get("timestamp"))
        event_id = int(event.get("_id") or 0)
        if kind == "user":
            intent, confidence = intent_of(event)
            safety_net = safety_net_of(event)
            last_user = TranscriptLine(
                event_id,
                "user",
                stamp,
                text=event.get("text") or "",
                intent=intent,
                confidence=confidence,
                safety=safety_net.get("kind") or "",
                language=(event.get("metadata") or {}).get("language") or "",
                channel=event.get("input_channel") or "",
            )
            lines.append(last_user)
        elif kind == "slot" and event.get("name") == "language" and last_user is not None:
            last_user.language = event.get("value") or last_user.language
        elif kind == "bot":
            metadata = bot_metadata(event)
            topic = metadata.get("topic") or ""
            buttons = [b.get("title", "") for b in ((event.get("data") or {}).get("buttons") or [])]
            lines.append(
                TranscriptLine(
                    event_id,
                    "staff" if metadata.get("staff") else "bot",
                    stamp,
                    text=event.get("text") or "",
                    language=metadata.get("language") or "",
                    topic=topic,
                    disclaimer=metadata.get("disclaimer") or "",
                    safety=topic if topic in SAFETY_TOPICS else "",
                    staff_user=metadata.get("staff_user") or "",
                    buttons=buttons,
                    question=metadata.get("question") or "",
                )
            )
            rating = rating_of(event)
            if is_knowledge_answer(event):
                last_answer = lines[-1]
            elif rating:
                lines[-1].records_rating = str(rating["value"])
                if last_answer is not None:
                    last_answer.rating = str(rating["value"])
        elif kind == "pause":
            handoff = handoff_of(event)
            lines.append(
                TranscriptLine(
                    event_id,
                    "pause",
                    stamp,
                    reason=handoff.get("reason") or "",
                    summary=handoff.get("summary") or "",
                )
            )
        elif kind == "resume":
            lines.append(
                TranscriptLine(
                    event_id,
                    "resume",
                    stamp,
                    staff_user=(event.get("metadata") or {}).get("staff_user") or "",
                )
            )
        elif kind == "session_started":
            lines.append(TranscriptLine(event_id, "session", stamp))
    return lines
