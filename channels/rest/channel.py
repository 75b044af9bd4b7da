"""Rasa's REST channel, kept to REST's own conversations (docs/security.md).

Registered as ``channels.rest.channel.RestInput`` (``channels/rest/credentials.yml``); its
name stays ``rest``, so user events keep ``input_channel: rest``. What it changes against
Rasa 3.6.21's ``RestInput``, all checked before the message reaches the assistant:

- a sender id shaped like a LINE user id or a website session id gets **403**: REST cannot
  write into (or start) a LINE or website conversation (``assistant/conversation_ids.py``);
- the caller cannot choose the message's ``input_channel`` (Rasa's takes it from the body,
  so a REST message could pass for a LINE one); it is always ``rest``;
- with ``REST_CHANNEL_TOKEN`` set, a request without ``Authorization: Bearer <token>``
  gets **401**;
- a body that is not a JSON object with a text ``sender`` and ``message`` gets **400**
  (Rasa's would fail inside and answer 200 with nothing).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.conversation_ids import REST, rest_may_use

logger = logging.getLogger(__name__)


def bearer_token(request: Request) -> Optional[str]:
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def refusal(request: Request, token: str) -> Optional[HTTPResponse]:
    """Why this request may not reach the assistant, as the answer to give (None: it may)."""
    if token:
        given = bearer_token(request) or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "unauthorised: REST_CHANNEL_TOKEN needed"}, 401)
    try:
        body = request.json
    except Exception:  # Sanic raises on a body that is not JSON
        body = None
    if not isinstance(body, dict):
        return response.json({"error": "the body must be a JSON object"}, 400)
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender or not isinstance(message, str):
        return response.json({"error": "'sender' and 'message' must be text"}, 400)
    if not rest_may_use(sender):
        logger.warning("REST message refused: %r is another channel's conversation id", sender)
        return response.json(
            {"error": "this conversation id belongs to another channel (LINE or the website)"},
            403,
        )
    return None


class RestInput(RasaRestInput):
    """The REST channel (see the module docstring)."""

    def __init__(self, token: str = "") -> None:
        self.token = token

    @classmethod
    def name(cls) -> Text:
        return REST

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(str((credentials or {}).get("token") or ""))

    def _extract_input_channel(self, req: Request) -> Text:
        return REST

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def check(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None  # the GET health check
            return refusal(request, self.token)

        return blueprint
