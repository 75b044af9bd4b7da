"""Tell clinic staff that a conversation was handed to them.

Notifiers are configured by environment variables (see the README):
- ``STAFF_WEBHOOK_URL`` (+ optional ``STAFF_WEBHOOK_TOKEN``, sent as a Bearer token):
  a JSON POST of the alert to any URL (a chat tool, a ticket system, a relay).
- ``LINE_STAFF_TO`` with ``LINE_CHANNEL_ACCESS_TOKEN``: a LINE push message to the
  clinic's staff group or a staff member (LINE Notify is gone). The bot must be a member
  of the staff group (or a friend of the staff member) for LINE to deliver.

Both deliver the alert as ``assistant/handoff.py`` builds it: urgency first, the patient's
words only as labelled, cleaned, length-limited quotes (docs/security.md). ``LINE_STAFF_LANGUAGE``
is the language of both.

A failing notifier never stops the handoff: the conversation is paused and its reason and
summary are in the tracker store, where the staff console's queue finds it whatever
happens to the alert. Failures are logged.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Mapping, Optional, Protocol, Sequence

import aiohttp

from assistant.handoff import HandoffAlert, alert_payload, alert_text
from assistant.settings import settings
from line_api.client import DEFAULT_API_BASE_URL, LineClient
from line_api.text import MAX_TEXT, shorten

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3.0
ATTEMPTS = 2
ALERT_NAMESPACE = uuid.UUID("5b0e4a52-7d4a-4c39-9f0e-3d1c8a6f2b11")


class Notifier(Protocol):
    """Anything that can deliver an alert."""

    name: str

    async def send(self, alert: HandoffAlert) -> None:
        """Delivers the alert or raises."""


class WebhookNotifier:
    """POSTs the alert as JSON to a URL (``alert_payload``: urgency first, patient words apart)."""

    name = "webhook"

    def __init__(self, url: str, token: Optional[str] = None, language: str = "th") -> None:
        self.url = url
        self.token = token
        self.language = language

    async def send(self, alert: HandoffAlert) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(
                self.url, json=alert_payload(alert, self.language), headers=headers
            ) as response:
                response.raise_for_status()


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

    def text(self, alert: HandoffAlert) -> str:
        """The alert as staff read it (urgency first), within LINE's text limit."""
        return shorten(alert_text(alert, self.language, self.include_summary), MAX_TEXT)

    async def send(self, alert: HandoffAlert) -> None:
        # One retry key per alert: the notifier's own retry cannot deliver it twice.
        retry_key = str(uuid.uuid5(ALERT_NAMESPACE, f"{alert.conversation_id}:{alert.created_at}"))
        async with LineClient(self.access_token, self.api_base_url) as client:
            await client.push(self.to, [{"type": "text", "text": self.text(alert)}], retry_key)


def notifiers_from_env(env: Optional[Mapping[str, str]] = None) -> list[Notifier]:
    """The notifiers the settings (default: this process's) configure; none is a valid answer."""
    env = settings().env if env is None else env
    notifiers: list[Notifier] = []
    if env.get("STAFF_WEBHOOK_URL"):
        notifiers.append(
            WebhookNotifier(
                env["STAFF_WEBHOOK_URL"],
                env.get("STAFF_WEBHOOK_TOKEN"),
                env.get("LINE_STAFF_LANGUAGE") or "th",
            )
        )
    if env.get("LINE_STAFF_TO") and env.get("LINE_CHANNEL_ACCESS_TOKEN"):
        notifiers.append(LineStaffNotifier.from_env(env))
    return notifiers


async def _send_with_retry(notifier: Notifier, alert: HandoffAlert) -> bool:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            await notifier.send(alert)
            return True
        except Exception as error:  # any failure of a notifier is logged, never raised
            logger.error(
                "Staff alert via %s failed (attempt %d/%d) for conversation %s: %r",
                notifier.name,
                attempt,
                ATTEMPTS,
                alert.conversation_id,
                error,
            )
            if attempt < ATTEMPTS:
                await asyncio.sleep(0.5)
    return False


async def notify_staff(
    alert: HandoffAlert, notifiers: Optional[Sequence[Notifier]] = None
) -> dict[str, bool]:
    """Sends the alert through every notifier; returns which ones succeeded."""
    notifiers = notifiers_from_env() if notifiers is None else notifiers
    if not notifiers:
        logger.warning(
            "No staff notifier configured (STAFF_WEBHOOK_URL, LINE_STAFF_TO): "
            "conversation %s waits in the console's handoff queue only.",
            alert.conversation_id,
        )
        return {}
    results = await asyncio.gather(*(_send_with_retry(n, alert) for n in notifiers))
    return {n.name: ok for n, ok in zip(notifiers, results)}


_pending: set[asyncio.Task] = set()


def notify_staff_soon(alert: HandoffAlert) -> None:
    """Sends the alert in the background so the patient's reply is not held up.

    A slow or dead notifier costs the patient nothing; the task keeps a reference here
    until it finishes (asyncio holds only weak references to tasks).
    """
    task = asyncio.get_running_loop().create_task(notify_staff(alert))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
