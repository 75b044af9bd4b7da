"""Tell clinic staff that a conversation was handed to them.

Notifiers are configured by environment variables (see the README):
- ``STAFF_WEBHOOK_URL`` (+ optional ``STAFF_WEBHOOK_TOKEN``, sent as a Bearer token):
  a JSON POST of the alert to any URL (a chat tool, a ticket system, a relay).
- ``LINE_STAFF_TO`` with ``LINE_CHANNEL_ACCESS_TOKEN``: a LINE push message to the
  clinic's staff group or a staff member (see ``channels/line``).

A failing notifier never stops the handoff: the conversation is paused and its reason and
summary are in the tracker store, where the staff console's queue finds it whatever
happens to the alert. Failures are logged.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import asdict, dataclass
from typing import Mapping, Optional, Protocol, Sequence

import aiohttp

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3.0
ATTEMPTS = 2


@dataclass(frozen=True)
class HandoffAlert:
    """What staff need to pick up a conversation."""

    conversation_id: str
    reason: str
    summary: str
    language: str
    channel: Optional[str]
    created_at: float


class Notifier(Protocol):
    """Anything that can deliver an alert."""

    name: str

    async def send(self, alert: HandoffAlert) -> None:
        """Delivers the alert or raises."""


class WebhookNotifier:
    """POSTs the alert as JSON to a URL."""

    name = "webhook"

    def __init__(self, url: str, token: Optional[str] = None) -> None:
        self.url = url
        self.token = token

    async def send(self, alert: HandoffAlert) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(
                self.url, json={"type": "handoff", **asdict(alert)}, headers=headers
            ) as response:
                response.raise_for_status()


def notifiers_from_env(env: Mapping[str, str] = os.environ) -> list[Notifier]:
    """The notifiers the environment configures (none is a valid answer)."""
    notifiers: list[Notifier] = []
    if env.get("STAFF_WEBHOOK_URL"):
        notifiers.append(
            WebhookNotifier(env["STAFF_WEBHOOK_URL"], env.get("STAFF_WEBHOOK_TOKEN"))
        )
    line_notifier = _line_notifier_from_env(env)
    if line_notifier:
        notifiers.append(line_notifier)
    return notifiers


def _line_notifier_from_env(env: Mapping[str, str]) -> Optional[Notifier]:
    if not (env.get("LINE_STAFF_TO") and env.get("LINE_CHANNEL_ACCESS_TOKEN")):
        return None
    try:
        from channels.line.staff_alert import LineStaffNotifier
    except ImportError:  # the LINE channel package is optional
        logger.warning("LINE_STAFF_TO is set but the LINE channel package is missing.")
        return None
    return LineStaffNotifier.from_env(env)


async def _send_with_retry(notifier: Notifier, alert: HandoffAlert) -> bool:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            await notifier.send(alert)
            return True
        except Exception as error:  # any failure of a notifier is logged, never raised
            logger.error(
                "Staff alert via %s failed (attempt %d/%d) for conversation %s: %r",
                notifier.name, attempt, ATTEMPTS, alert.conversation_id, error,
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
