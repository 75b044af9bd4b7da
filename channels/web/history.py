"""A conversation as the widget shows it, read back from the tracker store.

The tracker store is the record of a conversation (docs/design.md), so a reloaded page
asks the server for its history instead of keeping health questions in the browser; staff
replies sent while the page was closed appear when the patient comes back.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.core.trackers import DialogueStateTracker

from assistant.conversation import bot_metadata, widget_metadata

MAX_HISTORY_MESSAGES = 200


def bot_parts(text: str) -> List[str]:
    """A bot text split the way the live channel sends it (one bubble per paragraph)."""
    return [part for part in text.strip().split("\n\n") if part] or [text]


def conversation_history(
    tracker: Optional[DialogueStateTracker], limit: int = MAX_HISTORY_MESSAGES
) -> Dict[str, Any]:
    """``{"messages": [...], "handed_off": bool}`` for the ``session_history`` event.

    Each message is ``{"from": "user"|"bot"|"staff", "text", "metadata"}``; the last bot
    message keeps its quick replies when nothing followed it. A quick reply the patient
    clicked is shown with its button title, as it was on screen.
    """
    if tracker is None:
        return {"messages": [], "handed_off": False}
    messages: List[Dict[str, Any]] = []
    buttons: List[Dict[str, Any]] = []
    for event in (event.as_dict() for event in tracker.events):
        if event.get("event") == "user" and event.get("text") is not None:
            text = event["text"]
            titles = {b.get("payload"): b.get("title") for b in buttons if isinstance(b, dict)}
            messages.append({"from": "user", "text": titles.get(text) or text, "metadata": {}})
            buttons = []
        elif event.get("event") == "bot" and event.get("text"):
            metadata = widget_metadata(bot_metadata(event))
            sender = "staff" if metadata.get("staff") else "bot"
            for part in bot_parts(event["text"]):
                messages.append({"from": sender, "text": part, "metadata": metadata})
            buttons = (event.get("data") or {}).get("buttons") or []
    if messages and messages[-1]["from"] != "user" and buttons:
        messages[-1]["quick_replies"] = [
            {"title": b["title"], "payload": b["payload"]}
            for b in buttons
            if isinstance(b, dict)
            and isinstance(b.get("title"), str)
            and isinstance(b.get("payload"), str)
        ]
    return {"messages": messages[-limit:], "handed_off": tracker.is_paused()}
