"""Staff actions through Rasa's HTTP API (the token stays on the server).

A staff reply is a ``bot`` event posted with ``execute_side_effects=true`` and the
patient's ``output_channel``: Rasa stores it in the tracker and sends it through the
patient's own channel. Handing back is a ``resume`` event.
"""

from __future__ import annotations

from typing import Any, Optional

import requests
from django.conf import settings

from assistant.conversation import STAFF_REPLY_TOPIC
from assistant.language import message_language

TIMEOUT_SECONDS = 30
BOOKING_UPDATE_TOPIC = "booking.manage"


class RasaUnavailable(Exception):
    """Rasa did not accept the event (down, wrong token, ...)."""


def _post_events(sender_id: str, events: list[dict[str, Any]], output_channel: str = "") -> None:
    params = {"token": settings.RASA_API_TOKEN}
    if output_channel:
        params.update(execute_side_effects="true", output_channel=output_channel)
    url = f"{settings.RASA_URL}/conversations/{requests.utils.quote(sender_id, safe='')}/tracker/events"
    try:
        response = requests.post(url, params=params, json=events, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise RasaUnavailable(type(error).__name__) from None  # the URL holds the token
    if response.status_code != 200:
        raise RasaUnavailable(f"HTTP {response.status_code}")


def reply_language(text: str, fallback: str) -> str:
    """``th``/``en`` from the reply's script (the conversation's language without letters)."""
    return message_language(text, fallback)


def send_staff_reply(
    sender_id: str, text: str, channel: str, staff_user: str, language: str
) -> None:
    """Stores the reply in the tracker and delivers it on ``channel`` (rest, socketio, line)."""
    event = {
        "event": "bot",
        "text": text,
        "metadata": {
            "staff": True,
            "staff_user": staff_user,
            "topic": STAFF_REPLY_TOPIC,
            "language": reply_language(text, language),
        },
    }
    _post_events(sender_id, [event], output_channel=channel or "latest")


def hand_back(sender_id: str, staff_user: str) -> None:
    """Resumes the conversation: the assistant answers the patient's next message."""
    _post_events(sender_id, [{"event": "resume", "metadata": {"staff_user": staff_user}}])


def send_booking_update(
    sender_id: str,
    texts: list[str],
    channel: str,
    staff_user: str,
    language: str,
    update: dict[str, Any],
    buttons: Optional[list[dict[str, str]]] = None,
) -> None:
    """A staff decision on a consultation request, told to the patient on their channel.

    Recorded like a staff reply (``staff``, ``staff_user``), with topic ``booking.manage``
    and the ``booking_update`` the request's status is read from; the last message carries
    the buttons (accept a proposed time, ask for another).
    """
    events = []
    for index, text in enumerate(texts):
        event: dict[str, Any] = {
            "event": "bot",
            "text": text,
            "metadata": {
                "staff": True,
                "staff_user": staff_user,
                "topic": BOOKING_UPDATE_TOPIC,
                "language": language,
            },
        }
        if index == 0:
            event["metadata"]["booking_update"] = update
        if buttons and index == len(texts) - 1:
            event["data"] = {"buttons": buttons}
        events.append(event)
    _post_events(sender_id, events, output_channel=channel or "latest")


def record_bot_message(
    sender_id: str, texts: list[str], language: str, extra: dict[str, Any]
) -> None:
    """Stores messages the patient already received by another way (not sent again)."""
    events = [
        {
            "event": "bot",
            "text": text,
            "metadata": {"topic": BOOKING_UPDATE_TOPIC, "language": language, **extra},
        }
        for text in texts
    ]
    _post_events(sender_id, events)
