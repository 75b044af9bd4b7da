"""Webhook payloads shaped like the examples in LINE's Messaging API reference, signed
like LINE signs them, and a sender that POSTs them to a running channel.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import uuid
from typing import Any, Optional

import requests

from assistant.settings import environment
from line_api.signature import sign

DESTINATION = "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
_counter = itertools.count(1)


def user_id() -> str:
    """A LINE user id: "U" + 32 hex digits."""
    return "U" + uuid.uuid4().hex


def _common(
    event_type: str,
    source: dict[str, Any],
    reply: bool = True,
    redelivery: bool = False,
    event_id: Optional[str] = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": event_type,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": source,
        "webhookEventId": event_id or "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply:
        event["replyToken"] = f"rt{next(_counter)}{uuid.uuid4().hex}"
    return event


def user_source(user: str) -> dict[str, Any]:
    return {"type": "user", "userId": user}


def group_source(user: str, group: str = "Ca56f94637c" + "0" * 22) -> dict[str, Any]:
    return {"type": "group", "groupId": group, "userId": user}


def room_source(user: str, room: str = "Ra8dbf4673c" + "0" * 22) -> dict[str, Any]:
    return {"type": "room", "roomId": room, "userId": user}


def text_event(
    user: str, text: str, source: Optional[dict] = None, mention_self: bool = False, **options: Any
) -> dict[str, Any]:
    event = _common("message", source or user_source(user), **options)
    message: dict[str, Any] = {
        "id": str(444573844083572737 + next(_counter)),
        "type": "text",
        "quoteToken": "q3Plxr4AgKd" + uuid.uuid4().hex[:12],
        "text": text,
    }
    if mention_self:
        message["mention"] = {
            "mentionees": [
                {"index": 0, "length": 6, "type": "user", "userId": DESTINATION, "isSelf": True}
            ]
        }
    event["message"] = message
    return event


def postback_event(user: str, data: str, **options: Any) -> dict[str, Any]:
    event = _common("postback", user_source(user), **options)
    event["postback"] = {"data": data}
    return event


def follow_event(user: str, **options: Any) -> dict[str, Any]:
    event = _common("follow", user_source(user), **options)
    event["follow"] = {"isUnblocked": False}
    return event


def unfollow_event(user: str, **options: Any) -> dict[str, Any]:
    return _common("unfollow", user_source(user), reply=False, **options)


def join_event(user: str, source: Optional[dict] = None) -> dict[str, Any]:
    source = dict(source or group_source(user))
    source.pop("userId", None)  # LINE: join events name the group, not a user
    return _common("join", source)


def media_event(user: str, kind: str, **options: Any) -> dict[str, Any]:
    """Sticker, image, video, audio, file or location message, as in LINE's examples."""
    event = _common("message", user_source(user), **options)
    message_id = str(325708 + next(_counter))
    examples: dict[str, dict[str, Any]] = {
        "sticker": {
            "type": "sticker",
            "stickerId": "52002738",
            "packageId": "11537",
            "stickerResourceType": "ANIMATION",
            "keywords": ["cony", "sally", "Staring"],
        },
        "image": {
            "type": "image",
            "contentProvider": {"type": "line"},
            "imageSet": {
                "id": "E005D41A7288F41B65593ED38FF6E9834B046AB36A37921A56BC236F13A91855",
                "index": 1,
                "total": 2,
            },
        },
        "video": {
            "type": "video",
            "duration": 60000,
            "contentProvider": {
                "type": "external",
                "originalContentUrl": "https://example.com/original.mp4",
                "previewImageUrl": "https://example.com/preview.jpg",
            },
        },
        "audio": {"type": "audio", "duration": 60000, "contentProvider": {"type": "line"}},
        "file": {"type": "file", "fileName": "file.txt", "fileSize": 2138},
        "location": {
            "type": "location",
            "title": "my location",
            "address": "1-3 Kioicho, Chiyoda-ku, Tokyo, 102-8282, Japan",
            "latitude": 35.67966,
            "longitude": 139.73669,
        },
    }
    event["message"] = {
        "id": message_id,
        "quoteToken": "q3Plxr4AgKd" + message_id,
        **examples[kind],
    }
    return event


def body_of(*events: dict[str, Any]) -> bytes:
    """A webhook body as LINE sends it (compact JSON, UTF-8)."""
    return json.dumps(
        {"destination": DESTINATION, "events": list(events)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


class LineWebhookSender:
    """POSTs signed webhook bodies to a running Rasa server's LINE channel."""

    def __init__(self, rasa_url: str, channel_secret: str) -> None:
        self.url = f"{rasa_url}/webhooks/line/webhook"
        self.channel_secret = channel_secret
        self.session = requests.Session()

    def post(
        self,
        body: bytes,
        signature: Optional[str] = "sign",
        session: Optional[requests.Session] = None,
    ) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["X-Line-Signature"] = sign(self.channel_secret, body)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        return (session or self.session).post(self.url, data=body, headers=headers, timeout=30)

    def send(
        self, *events: dict[str, Any], session: Optional[requests.Session] = None
    ) -> requests.Response:
        return self.post(body_of(*events), session=session)


def main() -> None:
    """``python -m harness.line_webhook "สเต็มเซลล์คืออะไรคะ"``: sends one signed
    text event to a running assistant (LINE_CHANNEL_SECRET from the environment/.env)."""
    env = environment()
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("text")
    parser.add_argument("--user", default="U" + "0" * 31 + "1")
    parser.add_argument("--rasa-url", default=f"http://127.0.0.1:{env['RASA_PORT']}")
    args = parser.parse_args()
    if not env.get("LINE_CHANNEL_SECRET"):
        raise SystemExit("Set LINE_CHANNEL_SECRET (the same value the assistant runs with).")
    response = LineWebhookSender(args.rasa_url, env["LINE_CHANNEL_SECRET"]).send(
        text_event(args.user, args.text)
    )
    print(response.status_code, response.text)


if __name__ == "__main__":
    main()
