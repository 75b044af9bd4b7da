"""A LINE webhook body as events (after its signature was checked).

The body is ``{"destination": "U...", "events": [...]}``; LINE's verification request
has an empty ``events`` list. Anything else is rejected with ``WebhookError`` (HTTP 400).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional


class WebhookError(ValueError):
    """The body is not JSON, or not a LINE webhook."""


@dataclass(frozen=True)
class LineEvent:
    """One webhook event; the accessors read LINE's documented fields."""

    raw: Mapping[str, Any]

    @property
    def type(self) -> str:
        return str(self.raw.get("type") or "")

    @property
    def event_id(self) -> Optional[str]:
        value = self.raw.get("webhookEventId")
        return value if isinstance(value, str) and value else None

    @property
    def is_redelivery(self) -> bool:
        return bool(_mapping(self.raw.get("deliveryContext")).get("isRedelivery"))

    @property
    def reply_token(self) -> Optional[str]:
        value = self.raw.get("replyToken")
        return value if isinstance(value, str) and value else None

    @property
    def is_standby(self) -> bool:
        """Another module owns the chat right now: we must not answer."""
        return self.raw.get("mode") == "standby"

    @property
    def source_type(self) -> str:
        return str(_mapping(self.raw.get("source")).get("type") or "")

    @property
    def user_id(self) -> Optional[str]:
        value = _mapping(self.raw.get("source")).get("userId")
        return value if isinstance(value, str) and value else None

    @property
    def chat_id(self) -> Optional[str]:
        """Where an answer goes: the user, group or room id."""
        source = _mapping(self.raw.get("source"))
        value = {"group": source.get("groupId"), "room": source.get("roomId")}.get(
            self.source_type, source.get("userId")
        )
        return value if isinstance(value, str) and value else None

    @property
    def is_one_to_one(self) -> bool:
        return self.source_type == "user"

    @property
    def message(self) -> Mapping[str, Any]:
        return _mapping(self.raw.get("message"))

    @property
    def message_type(self) -> Optional[str]:
        value = self.message.get("type") if self.type == "message" else None
        return value if isinstance(value, str) else None

    @property
    def text(self) -> Optional[str]:
        value = self.message.get("text") if self.message_type == "text" else None
        return value if isinstance(value, str) else None

    @property
    def postback_data(self) -> Optional[str]:
        value = _mapping(self.raw.get("postback")).get("data") if self.type == "postback" else None
        return value if isinstance(value, str) else None

    @property
    def mentions_bot(self) -> bool:
        """The message @-mentions our bot (``mention.mentionees[].isSelf``)."""
        mentionees = _mapping(self.message.get("mention")).get("mentionees")
        return isinstance(mentionees, list) and any(
            isinstance(m, Mapping) and m.get("isSelf") is True for m in mentionees
        )


def parse_webhook(body: bytes) -> list[LineEvent]:
    """The events of a webhook body; ``WebhookError`` when it is not one."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise WebhookError(f"body is not JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("destination"), str):
        raise WebhookError("not a LINE webhook: no destination")
    events = data.get("events")
    if not isinstance(events, list):
        raise WebhookError("not a LINE webhook: no events list")
    if not all(isinstance(e, dict) and isinstance(e.get("type"), str) for e in events):
        raise WebhookError("not a LINE webhook: an event without a type")
    return [LineEvent(e) for e in events]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
