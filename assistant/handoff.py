"""Handing a conversation to clinic staff: the reasons, the summary, the staff alert.

The action server pauses the conversation (Rasa's ``ConversationPaused``) and sends a
``HandoffAlert`` to the configured notifiers (``actions/staff_notifier.py``); the staff
console reads the same reason and summary from the pause event. The alert's text for staff
(a LINE push) is built here from ``content/staff_alert.yml``.
"""

from __future__ import annotations

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

SUMMARY_MESSAGES = 3
SUMMARY_CHARS = 120
ALERT_TEMPLATES = CONTENT_DIR / "staff_alert.yml"


@dataclass(frozen=True)
class HandoffAlert:
    """What staff need to pick up a conversation."""

    conversation_id: str
    reason: str
    summary: str
    language: str
    channel: Optional[str]
    created_at: float


def summarise(events: Sequence[Event]) -> str:
    """A few lines for staff: topics answered in this session and the latest patient messages."""
    topics: list[str] = []
    texts: list[str] = []
    for event in current_session(events):
        if event.get("event") == "bot":
            topic = bot_metadata(event).get("topic")
            if topic and topic not in topics:
                topics.append(topic)
        elif event.get("event") == "user" and event.get("text"):
            text = " ".join(event["text"].split())
            texts.append(text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else ""))
    recent = " | ".join(f"“{t}”" for t in texts[-SUMMARY_MESSAGES:])
    return f"Topics: {', '.join(topics) or '-'}. Recent messages: {recent or '-'}"


@lru_cache(maxsize=4)
def _templates(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def alert_text(
    alert: HandoffAlert, language: str, include_summary: bool = True, path: Path = ALERT_TEMPLATES
) -> str:
    """The alert as staff read it, in ``language`` (``th`` when there is no such template)."""
    templates = _templates(path)
    words = templates.get(language) or templates["th"]
    return str(
        words["template"].format(
            reason=words["reasons"].get(alert.reason, alert.reason),
            channel=alert.channel or "-",
            conversation_id=alert.conversation_id,
            summary=alert.summary if include_summary else words["summary_hidden"],
        )
    )
