"""A turn's Rasa bot messages as LINE message objects, within LINE's limits.

LINE takes at most 5 message objects per reply or push, text up to 5,000 characters, up
to 13 quick-reply items with labels up to 20 characters. Nothing is dropped: long texts
are split, surplus messages merged, and if a turn still needs more than 5 objects the
rest goes out in further batches (pushes). Buttons become quick replies with postback
actions, so the intent payload (``/therapy_cost``) never shows in the chat; the chat
shows the button's title instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

from line_api.text import (
    MAX_DISPLAY_TEXT,
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_POSTBACK_DATA,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    PARAGRAPH,
    line_length,
    shorten,
    split_text,
)


@dataclass
class QuickReplies:
    """Quick-reply items and what must go into the text so no button title is lost."""

    items: list[dict[str, Any]]
    note: str  # full titles of shortened or surplus buttons ("" when none)


def quick_replies(buttons: Sequence[Mapping[str, Any]]) -> QuickReplies:
    """Buttons (``{title, payload}``) as LINE quick-reply items with postback actions."""
    items: list[dict[str, Any]] = []
    noted: list[str] = []
    seen: set[str] = set()
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or title).strip()
        if not title or payload in seen:
            continue
        seen.add(payload)
        if len(items) == MAX_QUICK_REPLIES:
            noted.append(title)
            continue
        label = shorten(title, MAX_LABEL)
        if label != title:
            noted.append(title)
        items.append({"type": "action", "action": _action(label, title, payload)})
    note = "\n".join(f"• {title}" for title in noted)
    return QuickReplies(items, note)


def _action(label: str, title: str, payload: str) -> dict[str, Any]:
    if line_length(payload) <= MAX_POSTBACK_DATA:
        return {
            "type": "postback",
            "label": label,
            "data": payload,
            "displayText": shorten(title, MAX_DISPLAY_TEXT),
        }
    # Too long for postback data: send the title, which the assistant understands too.
    return {"type": "message", "label": label, "text": shorten(title, MAX_DISPLAY_TEXT)}


def to_line_batches(bot_messages: Iterable[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rasa bot messages -> batches of at most 5 LINE message objects (usually one).

    The first batch is the reply; any further batch is pushed. Quick replies go on the
    very last message object, where LINE shows them.
    """
    objects: list[dict[str, Any]] = []
    buttons: list[Mapping[str, Any]] = []
    for message in bot_messages:
        objects.extend(_objects_of(message))
        buttons.extend(message.get("buttons") or [])
        buttons.extend(message.get("quick_replies") or [])
    replies = quick_replies(buttons)
    if replies.note:
        objects.append({"type": "text", "text": replies.note})
    objects = _split_long_texts(objects)
    objects = _merge_texts_to_fit(objects, MAX_MESSAGES)
    if not objects:
        return []
    if replies.items:
        objects[-1] = {**objects[-1], "quickReply": {"items": replies.items}}
    return [objects[i : i + MAX_MESSAGES] for i in range(0, len(objects), MAX_MESSAGES)]


def _objects_of(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        objects.append({"type": "text", "text": text.strip()})
    image = message.get("image")
    if isinstance(image, str) and image:
        objects.append(_image(image))
    attachment = message.get("attachment")
    if isinstance(attachment, str) and attachment.strip():
        objects.append({"type": "text", "text": attachment.strip()})
    custom = message.get("custom")
    if isinstance(custom, Mapping) and isinstance(custom.get("type"), str):
        objects.append(dict(custom))  # a LINE message object written by the bot's author
    return objects


def _image(url: str) -> dict[str, Any]:
    if url.startswith("https://"):  # LINE only fetches images over HTTPS
        return {"type": "image", "originalContentUrl": url, "previewImageUrl": url}
    return {"type": "text", "text": url}


def _split_long_texts(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for obj in objects:
        if obj["type"] == "text":
            result.extend({"type": "text", "text": piece} for piece in split_text(obj["text"]))
        else:
            result.append(obj)
    return result


def _merge_texts_to_fit(objects: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Merges neighbouring texts, shortest pair first, until ``limit`` objects remain."""
    objects = list(objects)
    while len(objects) > limit:
        best: Optional[int] = None
        best_length = MAX_TEXT + 1
        for i in range(len(objects) - 1):
            a, b = objects[i], objects[i + 1]
            if a["type"] == b["type"] == "text":
                length = line_length(a["text"] + PARAGRAPH + b["text"])
                if length <= MAX_TEXT and length < best_length:
                    best, best_length = i, length
        if best is None:
            break  # nothing more fits together: the caller sends further batches
        merged = objects[best]["text"] + PARAGRAPH + objects[best + 1]["text"]
        objects[best : best + 2] = [{"type": "text", "text": merged}]
    return objects


def text_messages(texts: Iterable[str]) -> list[dict[str, Any]]:
    """Plain texts as LINE text objects (for the channel's own notices)."""
    return [{"type": "text", "text": piece} for text in texts for piece in split_text(text)]
