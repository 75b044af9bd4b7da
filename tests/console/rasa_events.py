"""Rasa-shaped events for the console's tests, written into the tracker store's table.

Shapes follow docs/design.md and what Rasa 3.6's SQLTrackerStore stores (``data`` is the
event's JSON; ``type_name``, ``intent_name``, ``action_name`` and ``timestamp`` are
copied into their columns).
"""

from __future__ import annotations

import json
import time
from typing import Any, Optional


class Conversation:
    """Builds one conversation's events with increasing timestamps."""

    def __init__(
        self, sender_id: str, channel: str = "rest", start: Optional[float] = None
    ) -> None:
        self.sender_id = sender_id
        self.channel = channel
        self.clock = start if start is not None else time.time() - 600
        self.events: list[dict[str, Any]] = []

    def _add(self, event: dict[str, Any]) -> "Conversation":
        self.clock += 1.0
        event.setdefault("timestamp", self.clock)
        self.events.append(event)
        return self

    def user(
        self,
        text: str,
        intent: str,
        language: str = "th",
        confidence: float = 0.9,
        safety_net: Optional[dict] = None,
    ) -> "Conversation":
        parse_data: dict[str, Any] = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "intent_ranking": [],
        }
        if safety_net:
            parse_data["safety_net"] = safety_net
        self._add(
            {
                "event": "user",
                "text": text,
                "parse_data": parse_data,
                "input_channel": self.channel,
                "message_id": f"m{len(self.events)}",
                "metadata": {},
            }
        )
        self._add({"event": "action", "name": "action_extract_slots"})
        return self._add({"event": "slot", "name": "language", "value": language})

    def bot(self, text: str, topic: str, language: str = "th", **metadata: Any) -> "Conversation":
        self._add({"event": "action", "name": "action_answer"})
        return self._add(
            {
                "event": "bot",
                "text": text,
                "data": {},
                "metadata": {"topic": topic, "language": language, **metadata},
            }
        )

    def answer(
        self, text: str, topic: str, question: Optional[str], language: str = "th"
    ) -> "Conversation":
        """A knowledge answer: its message, then the disclaimer message that ends it."""
        extra = {"question": question} if question else {}
        self.bot(text, topic, language, evidence_level="low", **extra)
        self._add(
            {
                "event": "bot",
                "text": "ข้อมูลทั่วไป ไม่ใช่คำแนะนำทางการแพทย์"
                if language == "th"
                else "General information.",
                "data": {"buttons": [{"title": "👍", "payload": "/feedback_helpful"}]},
                "metadata": {"topic": topic, "language": language, "disclaimer": "short", **extra},
            }
        )
        return self

    def rate(
        self, value: str, topic: str, question: Optional[str], language: str = "th"
    ) -> "Conversation":
        """The patient taps helpful / not helpful; the assistant's reply records the rating."""
        self.user(f"/feedback_{value}", f"feedback_{value}", language=language)
        return self.bot(
            "ขอบคุณค่ะ" if language == "th" else "Thank you!",
            f"feedback.{value}",
            language,
            rating={"value": value, "topic": topic, "question": question},
        )

    def staff(self, text: str, user: str = "clinician", language: str = "th") -> "Conversation":
        return self._add(
            {
                "event": "bot",
                "text": text,
                "data": {},
                "metadata": {
                    "staff": True,
                    "staff_user": user,
                    "topic": "handoff.staff_reply",
                    "language": language,
                },
            }
        )

    def pause(self, reason: str = "user_request", summary: str = "Topics: -.") -> "Conversation":
        return self._add(
            {"event": "pause", "metadata": {"handoff": {"reason": reason, "summary": summary}}}
        )

    def resume(self, user: str = "clinician") -> "Conversation":
        return self._add({"event": "resume", "metadata": {"staff_user": user}})

    def save(self) -> "Conversation":
        """Writes the events not yet written into the tracker store's ``events`` table."""
        from console.staff.models import TrackerEvent

        rows = [
            TrackerEvent(
                sender_id=self.sender_id,
                type_name=e["event"],
                timestamp=e["timestamp"],
                intent_name=(e.get("parse_data") or {}).get("intent", {}).get("name"),
                action_name=e.get("name") if e["event"] == "action" else None,
                data=json.dumps(e, ensure_ascii=False),
            )
            for e in self.events
            if not e.get("_saved")
        ]
        TrackerEvent.objects.bulk_create(rows)
        for e in self.events:
            e["_saved"] = True
        return self
