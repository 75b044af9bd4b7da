"""Handoff alerts for clinic staff, pushed to a LINE group or user (LINE Notify is gone).

``actions/staff_notifier.py`` builds this notifier with ``LineStaffNotifier.from_env``
when ``LINE_STAFF_TO`` and ``LINE_CHANNEL_ACCESS_TOKEN`` are set. The bot must be a
member of the staff group (or a friend of the staff member) for LINE to deliver.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import yaml

from channels.line.client import DEFAULT_API_BASE_URL, LineClient
from channels.line.messages import MAX_TEXT, shorten

if TYPE_CHECKING:
    from actions.staff_notifier import HandoffAlert

TEMPLATES = Path(__file__).with_name("staff_alert.yml")
ALERT_NAMESPACE = uuid.UUID("5b0e4a52-7d4a-4c39-9f0e-3d1c8a6f2b11")


@dataclass
class LineStaffNotifier:
    """Pushes a handoff alert to ``to`` (a staff group id ``C...`` or user id ``U...``)."""

    to: str
    access_token: str
    api_base_url: str = DEFAULT_API_BASE_URL
    language: str = "th"
    include_summary: bool = True
    name: str = "line"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "LineStaffNotifier":
        return cls(
            to=env["LINE_STAFF_TO"],
            access_token=env["LINE_CHANNEL_ACCESS_TOKEN"],
            api_base_url=env.get("LINE_API_BASE_URL") or DEFAULT_API_BASE_URL,
            language=env.get("LINE_STAFF_LANGUAGE") or "th",
            include_summary=(env.get("LINE_STAFF_ALERT_SUMMARY") or "true").lower() != "false",
        )

    def text(self, alert: "HandoffAlert") -> str:
        """The alert as staff read it."""
        with open(TEMPLATES, encoding="utf-8") as handle:
            templates: dict[str, Any] = yaml.safe_load(handle)
        words = templates.get(self.language) or templates["th"]
        text = words["template"].format(
            reason=words["reasons"].get(alert.reason, alert.reason),
            channel=alert.channel or "-",
            conversation_id=alert.conversation_id,
            summary=alert.summary if self.include_summary else words["summary_hidden"],
        )
        return shorten(text, MAX_TEXT)

    async def send(self, alert: "HandoffAlert") -> None:
        # One retry key per alert: the notifier's own retry cannot deliver it twice.
        retry_key = str(uuid.uuid5(ALERT_NAMESPACE, f"{alert.conversation_id}:{alert.created_at}"))
        async with LineClient(self.access_token, self.api_base_url) as client:
            await client.push(self.to, [{"type": "text", "text": self.text(alert)}], retry_key)
