"""Handing a conversation to clinic staff: the reasons, the summary, the staff alert.

The action server pauses the conversation (Rasa's ``ConversationPaused``) and sends a
``HandoffAlert`` to the configured notifiers (``actions/staff_notifier.py``); the staff
console reads the reason and summary from the pause event. The alert is built here, the
same way for every notifier (docs/security.md, "The staff alert"):

- **urgency first**: a distress or emergency handoff is urgent (``is_urgent``, the one
  rule); the alert's first line says so, and the webhook JSON's first key is ``urgent``;
- **the patient's words are untrusted**: only under their own label, one quoted line per
  message, each cut to ``PATIENT_WORDS_CHARS``, at most ``PATIENT_MESSAGES`` of them, with
  line breaks, control and invisible formatting characters removed, so nothing a patient
  types can start a line of its own or look like the system's part of the alert. The
  conversation id and channel are cleaned the same way (a REST sender id is typed by the
  caller too).

The words of the alert are in ``content/staff_alert.yml``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Sequence

import yaml

from assistant.conversation import Event, bot_metadata, current_session
from assistant.paths import CONTENT_DIR

USER_REQUEST = "user_request"
DISTRESS = "distress"
OFFER_ACCEPTED = "offer_accepted"
EMERGENCY = "emergency"
BOOKING_REQUEST = "booking_request"
BOOKING_CANCELLED = "booking_cancelled"
BOOKING_CHANGE = "booking_change"
DISTRESS_WHILE_PAUSED = "safety.distress_while_paused"
EMERGENCY_WHILE_PAUSED = "safety.emergency_while_paused"
# Handoffs for safety.distress or safety.emergency: staff should see these first.
URGENT_REASONS = frozenset({DISTRESS, EMERGENCY, DISTRESS_WHILE_PAUSED, EMERGENCY_WHILE_PAUSED})

SUMMARY_MESSAGES = 3
SUMMARY_CHARS = 120
PATIENT_MESSAGES = 3
PATIENT_WORDS_CHARS = 160
DETAILS_CHARS = 300
ID_CHARS = 80
QUOTE = "> "
ALERT_TEMPLATES = CONTENT_DIR / "staff_alert.yml"
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def is_urgent(reason: str) -> bool:
    """Whether a handoff for ``reason`` is urgent (distress or emergency).

    >>> is_urgent("distress"), is_urgent("safety.emergency_while_paused"), is_urgent("user_request")
    (True, True, False)
    """
    return reason in URGENT_REASONS


def one_line(text: str, limit: int) -> str:
    """``text`` as one plain line of at most ``limit`` characters (``…`` when cut).

    Line breaks and other whitespace become single spaces; control characters and
    invisible formatting (zero-width, bidirectional overrides) are dropped; a cut never
    separates a Thai letter from its vowel or tone mark.

    >>> one_line("ผื่นขึ้น\\n\\nคันมาก\\u202e", 40)
    'ผื่นขึ้น คันมาก'
    >>> one_line("ค่าใช้จ่ายเท่าไหร่", 6)
    'ค่าใช…'
    """
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in _DROPPED_CATEGORIES:
            kept.append(char)
    line = " ".join("".join(kept).split())
    if len(line) <= limit:
        return line
    cut = max(limit - 1, 1)
    while cut > 1 and unicodedata.category(line[cut]) == "Mn":
        cut -= 1
    return line[:cut].rstrip() + "…"


@dataclass(frozen=True)
class HandoffAlert:
    """What staff need to pick up a conversation.

    ``patient_messages`` are the patient's latest messages as typed: untrusted text,
    rendered only by ``alert_text`` / ``alert_payload``.
    """

    conversation_id: str
    reason: str
    language: str
    channel: Optional[str]
    created_at: float
    topics: tuple[str, ...] = ()
    patient_messages: tuple[str, ...] = ()
    # What a form collected (a booking's reference and fields): partly typed by the
    # patient, so cleaned and labelled like their words.
    details: str = ""

    @property
    def urgent(self) -> bool:
        return is_urgent(self.reason)


def session_facts(events: Sequence[Event]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The topics answered in this session and every patient message of it, oldest first."""
    topics: list[str] = []
    texts: list[str] = []
    for event in current_session(events):
        if event.get("event") == "bot":
            topic = bot_metadata(event).get("topic")
            if topic and topic not in topics:
                topics.append(topic)
        elif event.get("event") == "user" and event.get("text"):
            texts.append(event["text"])
    return tuple(topics), tuple(texts)


def handoff_alert(
    events: Sequence[Event],
    conversation_id: str,
    reason: str,
    language: str,
    channel: Optional[str],
    created_at: float,
    details: str = "",
) -> HandoffAlert:
    """The alert for a handoff of the conversation whose events are ``events``."""
    topics, texts = session_facts(events)
    return HandoffAlert(
        conversation_id,
        reason,
        language,
        channel,
        created_at,
        topics,
        tuple(texts[-PATIENT_MESSAGES:]),
        details,
    )


def summarise(events: Sequence[Event]) -> str:
    """A few lines for staff: topics answered in this session and the latest patient messages.

    Kept in the pause event (``metadata.handoff.summary``), where the staff console shows it.
    """
    topics, texts = session_facts(events)
    recent = " | ".join(f"“{one_line(t, SUMMARY_CHARS)}”" for t in texts[-SUMMARY_MESSAGES:])
    return f"Topics: {', '.join(topics) or '-'}. Recent messages: {recent or '-'}"


@lru_cache(maxsize=4)
def _templates(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def _words(language: str, path: Path) -> dict[str, Any]:
    templates = _templates(path)
    return dict(templates.get(language) or templates["th"])


def patient_words(alert: HandoffAlert) -> list[str]:
    """The patient's latest messages, each one cleaned line (the only untrusted text)."""
    words = (one_line(text, PATIENT_WORDS_CHARS) for text in alert.patient_messages)
    return [line for line in words if line][-PATIENT_MESSAGES:]


def alert_text(
    alert: HandoffAlert, language: str, include_summary: bool = True, path: Path = ALERT_TEMPLATES
) -> str:
    """The alert as staff read it, in ``language`` (``th`` when there is no such template).

    The first line says whether it is urgent; the patient's words come last, under their
    label, one ``> `` line each.
    """
    words = _words(language, path)
    reason = words["reasons"].get(alert.reason, one_line(alert.reason, ID_CHARS))
    lines = [
        words["urgent"].format(reason=reason) if alert.urgent else words["normal"],
        words["reason"].format(reason=reason),
        words["channel"].format(channel=one_line(alert.channel or "-", ID_CHARS)),
        words["conversation"].format(conversation_id=one_line(alert.conversation_id, ID_CHARS)),
        words["topics"].format(topics=", ".join(alert.topics) or "-"),
    ]
    if alert.details:
        lines.append(words["details"].format(details=one_line(alert.details, DETAILS_CHARS)))
    if not include_summary:
        lines.append(words["patient_words_hidden"])
    else:
        quoted = patient_words(alert)
        lines.append(words["patient_words_label"] if quoted else words["patient_words_none"])
        lines.extend(QUOTE + line for line in quoted)
    return "\n".join(lines)


def alert_payload(alert: HandoffAlert, language: str) -> dict[str, Any]:
    """The alert as the staff webhook's JSON: urgency first, the patient's words apart.

    ``text`` is what a chat tool can post as is (the same text as the LINE push);
    ``patient_messages`` are the patient's words, cleaned and cut, marked as theirs.
    """
    return {
        "urgent": alert.urgent,
        "type": "handoff",
        "reason": alert.reason,
        "conversation_id": alert.conversation_id,
        "channel": alert.channel,
        "language": alert.language,
        "created_at": alert.created_at,
        "topics": list(alert.topics),
        "details": one_line(alert.details, DETAILS_CHARS),
        "patient_messages": [
            {"from": "patient", "verified": False, "text": line} for line in patient_words(alert)
        ],
        "text": alert_text(alert, language),
    }
