"""Rasa's socket.io channel, hardened for a public website.

Registered in ``credentials.yml`` as ``channels.web.socketio_channel.WebSocketIOInput``; its
name stays ``socketio``, so user events keep ``input_channel: socketio`` and staff replies
use ``output_channel=socketio`` (docs/design.md). What it changes against Rasa 3.6.21's
``SocketIOInput``:

- ``session_request`` awaits ``enter_room``. Rasa 3.6.21 calls it without ``await`` while
  python-socketio 5 made it a coroutine, so with ``session_persistence`` the socket never
  joins its session room and no reply (bot or staff) reaches the browser
  (RasaHQ/rasa#13027).
- A page that comes back with its session id gets the conversation so far from the tracker
  store (``session_history``), including staff replies sent while it was closed, and
  whether staff have it; the browser keeps only the id. Only ids this channel issued, for
  conversations of this channel, are accepted, and a socket can only write to its own.
- Bot messages carry the metadata the widget shows (``disclaimer``, ``handoff``,
  ``staff``, ...); Rasa's output sends the text alone.
- Connections from browser origins outside ``CORS_ORIGINS`` are refused.
- Messages longer than ``MAX_MESSAGE_CHARS`` get a clear answer (``chat.too_long``) and do
  not reach the assistant; frames of the wrong shape are dropped and logged, never raised.
- Only the page language is kept from the metadata a page sends.
- With ``SOCKETIO_REDIS_URL`` set, several Rasa instances share socket.io rooms through
  Redis, so a staff reply posted to any instance reaches the instance holding the
  patient's socket (Rasa's own channel warns that this case does not work).
- A client that asks for an acknowledgement of ``user_uttered`` gets it once the turn is
  processed, with ``{"bot_messages": n}``: how many ``bot_uttered`` the turn sent. Through
  Redis those can arrive after the acknowledgement, so a client (the load harness) waits
  for ``n`` of them instead of guessing when the answer is complete. The widget does not
  ask for it.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from assistant.conversation import widget_metadata
from assistant.conversation_ids import started_by
from assistant.language import LANGUAGES
from assistant.settings import Settings
from channels.web.history import conversation_history
from channels.web.notices import Notice, Notices

logger = logging.getLogger(__name__)

# Session ids this channel issues (uuid4 hex). Only these are accepted back, so a page
# cannot pick the id of a LINE or REST conversation and read or write it; REST refuses
# them (assistant/conversation_ids.py).
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_MAX_FRAME_BYTES = 100_000


def allowed_origins(setting: str) -> Optional[List[str]]:
    """The browser origins allowed to connect; ``None`` means any.

    >>> allowed_origins("http://localhost:8080 https://clinic.example/")
    ['http://localhost:8080', 'https://clinic.example']
    >>> allowed_origins("*") is None
    True
    """
    origins = [origin.rstrip("/") for origin in setting.split()]
    return None if "*" in origins else origins


class AppAwareBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint, remembering the app to reach its tracker store."""

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)

    async def full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        app = getattr(self.ctx, "app", None)
        agent = getattr(app.ctx, "agent", None) if app else None
        if agent is None or agent.tracker_store is None:
            return None
        try:
            return await agent.tracker_store.retrieve_full_tracker(sender_id)
        except Exception:  # the store is down: the page works, without its history
            logger.exception("could not read the history of %s", sender_id)
            return None


class WebSocketIOOutput(SocketIOOutput):
    """Sends bot messages with their widget metadata to the session's room."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0  # bot_uttered emitted through this output (the turn's acknowledgement)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        metadata = widget_metadata(kwargs)
        for part in text.strip().split("\n\n"):
            await self._send_message(recipient_id, {"text": part, "metadata": metadata})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        metadata = widget_metadata(kwargs)
        parts = text.strip().split("\n\n") or [text]
        quick_replies = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]}
            for button in buttons
        ]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self._send_message(
                recipient_id,
                {
                    "text": part,
                    "metadata": metadata,
                    "quick_replies": quick_replies if last else [],
                },
            )

    async def send_notice(self, recipient_id: Text, notice: Notice) -> None:
        await self._send_message(
            recipient_id,
            {"text": notice.text, "metadata": {"topic": notice.topic, "language": notice.language}},
        )


class WebSocketIOInput(SocketIOInput):
    """The widget's channel (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        settings = Settings.load()
        channel.origins = allowed_origins(settings.env["CORS_ORIGINS"])
        channel.max_chars = settings.max_message_chars
        channel.max_frame_bytes = int(credentials.get("max_frame_bytes", DEFAULT_MAX_FRAME_BYTES))
        channel.redis_url = settings.env["SOCKETIO_REDIS_URL"]
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origins: Optional[List[str]] = []  # same-origin only until configured
        self.max_chars = Settings.load().max_message_chars
        self.max_frame_bytes = DEFAULT_MAX_FRAME_BYTES
        self.notices: Optional[Notices] = None
        self.redis_url = ""  # empty: rooms live in this process only

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output for messages sent through the HTTP API (staff replies)."""
        if self.sio is None:
            return super().get_output_channel()
        return WebSocketIOOutput(self.sio, self.bot_message_evt)

    def origin_allowed(self, origin: Optional[str]) -> bool:
        # Browsers always send Origin on cross-origin requests; tools without one are
        # not protected by CORS anyway.
        return not origin or self.origins is None or origin.rstrip("/") in self.origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # CORS headers for the polling transport come from Rasa's own --cors handling
        # (the same CORS_ORIGINS); engine.io's must stay off or responses get two.
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=[],
            max_http_buffer_size=self.max_frame_bytes,
            client_manager=AsyncRedisManager(self.redis_url) if self.redis_url else None,
        )
        blueprint = AppAwareBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        self.notices = Notices(self.max_chars)
        namespace = self.namespace

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not self.origin_allowed(origin):
                logger.warning(
                    "socket.io connection from origin %r refused (not in CORS_ORIGINS)", origin
                )
                return False
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            await self._start_session(sid, data, blueprint)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any = None) -> Optional[Dict[Text, int]]:
            return await self._handle_message(sid, data, on_new_message)

        return blueprint

    async def _start_session(self, sid: Text, data: Any, blueprint: "AppAwareBlueprint") -> None:
        """Joins the socket to its conversation (a known one, or a new id) and sends the history."""
        assert self.sio is not None
        requested = data.get("session_id") if isinstance(data, dict) else None
        session_id, history = None, conversation_history(None)
        if isinstance(requested, str) and SESSION_ID.match(requested):
            tracker = await blueprint.full_tracker(requested)
            # A conversation another channel started (a REST one stored under such an id
            # before REST was kept to its own) is not the page's to read. The first message
            # decides, not the latest: a message written in by another channel before that
            # rule must not lock the patient out of their own conversation.
            events = [e.as_dict() for e in tracker.events] if tracker else []
            if started_by(events) in (None, self.name()):
                session_id, history = requested, conversation_history(tracker)
        session_id = session_id or uuid.uuid4().hex
        previous = (await self.sio.get_session(sid, namespace=self.namespace)).get("session_id")
        if previous and previous != session_id:
            await self.sio.leave_room(sid, previous, namespace=self.namespace)
        await self.sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
        if self.session_persistence:
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.emit("session_history", history, room=sid, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    async def _handle_message(
        self, sid: Text, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Optional[Dict[Text, int]]:
        """Handles one frame; returns the acknowledgement (None for a dropped frame)."""
        assert self.sio is not None
        if not isinstance(data, dict):
            logger.warning(
                "socket.io frame from %s dropped: not an object (%s)", sid, type(data).__name__
            )
            return
        if self.session_persistence:
            # Only the conversation this socket was given: a frame cannot name another one.
            sender_id = (await self.sio.get_session(sid, namespace=self.namespace)).get(
                "session_id"
            )
            if not sender_id or data.get("session_id") != sender_id:
                logger.warning("socket.io frame from %s dropped: not its session_id", sid)
                return
        else:
            sender_id = sid
        output = WebSocketIOOutput(self.sio, self.bot_message_evt)
        language = page_language(data.get(self.metadata_key))
        text = data.get("message")
        if not isinstance(text, str):
            await output.send_notice(sender_id, self._notice("chat.text_only", "", language))
        elif len(text) > self.max_chars:
            logger.info(
                "message of %d characters from %s refused (limit %d)",
                len(text),
                sender_id,
                self.max_chars,
            )
            await output.send_notice(sender_id, self._notice("chat.too_long", text, language))
        else:
            metadata = {"language": language} if language else {}
            await on_new_message(
                UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)
            )
        return {"bot_messages": output.sent}

    def _notice(self, key: str, text: str, hint: Optional[str]) -> Notice:
        assert self.notices is not None
        return self.notices.get(key, text, hint)


def page_language(metadata: Any) -> Optional[str]:
    """The page language from the metadata a page sent, if it is one we speak.

    >>> page_language({"language": "th-TH", "anything": "else"})
    'th'
    >>> page_language('{"language": "en"}')
    'en'
    >>> page_language("not json") is None
    True
    """
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    if not isinstance(metadata, dict):
        return None
    language = metadata.get("language")
    if isinstance(language, str) and language[:2].lower() in LANGUAGES:
        return language[:2].lower()
    return None
