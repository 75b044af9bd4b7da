"""Talk to a running assistant the way channels and staff tools do: REST + HTTP API."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Optional

import requests


@dataclass
class AssistantClient:
    """A client for one running Rasa server."""

    rasa_url: str
    token: str
    rest_token: str = ""  # REST_CHANNEL_TOKEN, when the REST channel wants one

    def say(self, sender: str, text: str, metadata: Optional[dict] = None) -> list[dict[str, Any]]:
        """Sends a message over the REST channel; returns the bot's replies."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        headers = {"Authorization": f"Bearer {self.rest_token}"} if self.rest_token else {}
        response = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json=body, headers=headers, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def bot_events(self, sender: str) -> list[dict[str, Any]]:
        return [e for e in self.tracker(sender)["events"] if e["event"] == "bot"]

    def user_events(self, sender: str) -> list[dict[str, Any]]:
        return [e for e in self.tracker(sender)["events"] if e["event"] == "user"]

    def append_events(
        self, sender: str, events: list[dict[str, Any]], output_channel: Optional[str] = None
    ) -> dict[str, Any]:
        """What the staff console does: add events (a staff ``bot`` message, ``resume``)."""
        params: dict[str, str] = {"token": self.token}
        if output_channel:
            params.update(execute_side_effects="true", output_channel=output_channel)
        response = requests.post(
            f"{self.rasa_url}/conversations/{sender}/tracker/events",
            params=params,
            json=events,
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def topics(bot_events: list[dict[str, Any]]) -> list[str]:
    """The topic of each bot message (flat or Rasa's nested ``metadata.metadata``)."""
    found = []
    for event in bot_events:
        metadata = event.get("metadata") or {}
        found.append(metadata.get("topic") or (metadata.get("metadata") or {}).get("topic"))
    return found


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.1) -> bool:
    """Polls ``predicate`` until true or timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
