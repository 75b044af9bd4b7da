"""The Rasa input channel for the LINE Messaging API: ``LineInput`` (name ``line``).

Webhook: ``POST /webhooks/line/webhook``. The signature is checked on the raw body before
anything else; a valid request's events are written to the event store
(``channels/line/event_store.py``, the tracker store's database) and only then
acknowledged with 200; a failed write answers 503, so LINE redelivers. Workers
(``channels/line/event_workers.py``) answer the stored events in the background, one
conversation at a time, in the order they arrived, across every instance; events left by a
process that died are answered by the next one alive. Redelivered events (same
``webhookEventId``) are stored, so answered, once. On shutdown (SIGTERM, e.g. a rolling
restart) the server first finishes the events it is answering, for up to
``SHUTDOWN_DRAIN_SECONDS``; what is left stays stored for another instance or the next start.

One-to-one chats (conversation id = LINE user id):
- text -> the assistant; postback -> its ``data`` (an intent payload) as the message;
- follow -> the assistant's greeting with the privacy notice (``/chat_greet``), in the
  language of the user's LINE profile;
- unfollow -> logged only;
- sticker, image, video, audio, file, location -> ``chat.text_only`` in the user's language.
Groups and rooms: the bot declines politely (``line.group_decline``, both languages) when
it joins or is mentioned, and ignores the rest: patients' questions belong in private.

A turn's bot messages are collected and sent in one reply call; if the reply token no
longer works, they are pushed instead (with a retry key). Out-of-turn messages (staff
replies through the HTTP API with ``output_channel=line``) are pushed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Sequence, Text

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError

from assistant.language import LANGUAGES, requested_language
from assistant.rich_menu import menu_name
from assistant.texts import ChannelTexts
from channels.line.event_store import (
    ClaimedEvent,
    LineEventStore,
    NewEvent,
    StoreUnavailable,
    event_key,
)
from channels.line.event_workers import EventWorkers
from channels.line.messages import text_messages, to_line_batches
from channels.line.webhook import LineEvent, WebhookError, parse_webhook
from line_api import signature
from line_api.client import DEFAULT_API_BASE_URL, LineApiError, LineClient

logger = logging.getLogger(__name__)

CHANNEL_NAME = "line"
GREETING_PAYLOAD = "/chat_greet"
NOT_TEXT = {"sticker", "image", "video", "audio", "file", "location"}
REMEMBERED_PROFILES = 10_000
LOADING_AFTER_SECONDS = 0.5
SHUTDOWN_DRAIN_SECONDS = 20.0
EVENT_LEASE_SECONDS = 10.0
SWEEP_SECONDS = 1.0
MEMORY_STORE = "sqlite://"  # no event_store_url given: a database in memory (tests of parts)
RETRY_KEYS = uuid.UUID("5b0c6f52-4f1e-4c36-9a3e-3f4f1d6c2a10")  # namespace of push retry keys


@dataclass
class Answering:
    """The stored event a worker task is answering (``ANSWERING``, a context variable, so
    ``_send`` knows it without threading it through every handler)."""

    event: ClaimedEvent
    marked_replying: bool = False


ANSWERING: ContextVar[Optional[Answering]] = ContextVar("line_answering", default=None)


class LoadingAnimation:
    """Shows LINE's loading animation if a turn takes longer than ``after`` seconds.

    ``stop()`` waits for a request already on its way: an animation that started after
    the answer would spin on for its full time.
    """

    def __init__(self, client: LineClient, user_id: str, after: float) -> None:
        self.client = client
        self.user_id = user_id
        self.request: Optional[asyncio.Task] = None
        self.timer = asyncio.get_running_loop().call_later(after, self._start)

    def _start(self) -> None:
        self.request = asyncio.get_running_loop().create_task(self._show())

    async def _show(self) -> None:
        try:
            await self.client.show_loading(self.user_id)
        except LineApiError as error:
            logger.info("LINE loading animation not shown: %s", error)

    async def stop(self) -> None:
        self.timer.cancel()
        if self.request:
            await self.request


class LineTurnCollector(CollectingOutputChannel):
    """Collects one turn's bot messages; named ``line`` so LINE-specific responses apply.

    Unlike Rasa's collector it keeps a text whole: paragraphs are merged or split later
    within LINE's limits.
    """

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class LinePushOutput(OutputChannel):
    """Out-of-turn messages (staff replies): pushed to the user."""

    def __init__(self, client: LineClient) -> None:
        self.client = client

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        for batch in to_line_batches([message]):
            await self.client.push(recipient_id, batch)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class LineInput(InputChannel):
    """LINE Messaging API webhook channel (``credentials.yml``: ``channels.line.channel.LineInput``)."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "LineInput":
        if not credentials or not credentials.get("channel_secret"):
            cls.raise_missing_credentials_exception()
        if not credentials.get("channel_access_token"):
            logger.warning("LINE_CHANNEL_ACCESS_TOKEN is empty: LINE will refuse every reply.")
        return cls(
            channel_secret=str(credentials["channel_secret"]),
            channel_access_token=str(credentials.get("channel_access_token") or ""),
            api_base_url=str(credentials.get("api_base_url") or DEFAULT_API_BASE_URL),
            loading_after_seconds=_seconds(
                credentials.get("loading_after_seconds"), LOADING_AFTER_SECONDS
            ),
            event_store_url=str(credentials.get("event_store_url") or MEMORY_STORE),
            event_lease_seconds=_seconds(
                credentials.get("event_lease_seconds"), EVENT_LEASE_SECONDS
            ),
        )

    def __init__(
        self,
        channel_secret: str,
        channel_access_token: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        loading_after_seconds: float = LOADING_AFTER_SECONDS,
        event_store_url: str = MEMORY_STORE,
        event_lease_seconds: float = EVENT_LEASE_SECONDS,
    ) -> None:
        # Rasa sets the level of its own "rasa" logger only (LOG_LEVEL, --debug): follow it,
        # so that the channel's INFO lines (joins, unfollows, redeliveries) are logged too.
        logging.getLogger("channels.line").setLevel(logging.getLogger("rasa").getEffectiveLevel())
        self.channel_secret = channel_secret
        self.client = LineClient(channel_access_token, api_base_url)
        self.loading_after_seconds = loading_after_seconds
        self.texts = ChannelTexts()
        if event_store_url == MEMORY_STORE:
            logger.warning("LINE events kept in memory only (no event_store_url): lost on a crash.")
        self.store = LineEventStore(event_store_url, max(1.0, event_lease_seconds))
        self.workers = EventWorkers(self.store, self._handle_stored, SWEEP_SECONDS)
        self._on_new_message: Optional[Callable[[UserMessage], Awaitable[Any]]] = None
        self._agent: Any = None
        self._profile_languages: "OrderedDict[str, Optional[str]]" = OrderedDict()
        self._menu_ids: Dict[str, str] = {}  # rich menu name -> id

    def get_output_channel(self) -> OutputChannel:
        return LinePushOutput(self.client)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        line_webhook = Blueprint("line_webhook", __name__)
        self._on_new_message = on_new_message

        @line_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @line_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request)

        @line_webhook.listener("after_server_start")
        async def answer_stored_events(app: Any, *_: Any) -> None:
            # The agent is loaded by now: answer what earlier processes left, then keep
            # sweeping for events whose worker died.
            self._agent = getattr(app.ctx, "agent", None)
            self.workers.start_sweeping()

        @line_webhook.listener("before_server_stop")
        async def finish_acknowledged_events(*_: Any) -> None:
            if self.workers.busy:
                logger.info(
                    "Stopping: finishing LINE events of %d conversations first.",
                    self.workers.busy,
                )
            if not await self.workers.finish(SHUTDOWN_DRAIN_SECONDS):
                logger.error(
                    "Stopped with LINE events of %d conversations unanswered (they stay "
                    "stored: the next start or another instance answers them).",
                    self.workers.busy,
                )

        @line_webhook.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await self.client.close()
            self.store.close()

        return line_webhook

    # --- receiving -------------------------------------------------------------------

    async def _receive(self, request: Request) -> HTTPResponse:
        body: bytes = request.body or b""
        given = request.headers.get("X-Line-Signature")
        if not given:
            logger.warning("LINE webhook without X-Line-Signature from %s: rejected.", request.ip)
            return response.json({"error": "missing signature"}, status=401)
        if not signature.is_valid(self.channel_secret, body, given):
            logger.warning("LINE webhook with a wrong signature from %s: rejected.", request.ip)
            return response.json({"error": "invalid signature"}, status=403)
        try:
            events = parse_webhook(body)
        except WebhookError as error:
            logger.warning("LINE webhook rejected: %s", error)
            return response.json({"error": str(error)}, status=400)
        if self._agent is None:
            self._agent = getattr(request.app.ctx, "agent", None)
        if not events:  # LINE's verification request
            return response.json({})
        stored = [_to_store(event) for event in events]
        try:
            # On a thread: the event loop answers other patients while the disk syncs.
            new = set(await asyncio.to_thread(self.store.add, stored))
        except StoreUnavailable as error:
            # Nothing acknowledged that was not stored: LINE redelivers after an error.
            logger.error("LINE events not stored, answered 503 for redelivery: %s", error)
            return response.json({"error": "try again later"}, status=503)
        for event in stored:
            if event.event_id in new:
                self.workers.wake(event.conversation)
            else:
                logger.info("LINE event %s delivered again: already stored.", event.event_id)
        return response.json({})

    async def _handle_stored(self, stored: ClaimedEvent) -> None:
        """Answers one stored event (a worker holds its lease)."""
        assert self._on_new_message is not None, "blueprint() not called"
        ANSWERING.set(Answering(stored))  # this worker task's own context
        event = LineEvent(stored.raw)
        if stored.attempts > 1 and await self._resend_if_processed(event, stored):
            return
        await self._handle_event(event, self._on_new_message, self._agent)

    async def _resend_if_processed(self, event: LineEvent, stored: ClaimedEvent) -> bool:
        """An event taken again after its worker died: if the assistant had already
        handled it (its message is in the tracker), send that turn's answer instead of
        handling the message a second time. True when it was found.

        If the dead worker had made the reply call, LINE may or may not have received it: the
        reply is made again with the same token; LINE accepts it only if the first never
        arrived (``_send``). Pushes carry retry keys derived from the event, so LINE drops
        those it had delivered already.
        """
        if not (event.event_id and event.user_id and self._agent):
            return False
        tracker = await self._agent.tracker_store.retrieve(event.user_id)
        answer = turn_answer(tracker.events if tracker else [], event.event_id)
        if answer is None:
            return False
        logger.info(
            "LINE event %s was handled before a restart: sending its answer%s.",
            event.event_id,
            " (its reply call was made: the same token again)" if stored.replied_before else "",
        )
        for index, batch in enumerate(to_line_batches(answer)):
            await self._send(event.user_id, event.reply_token if index == 0 else None, batch, index)
        return True

    async def _handle_event(
        self,
        event: LineEvent,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any,
    ) -> None:
        if event.is_standby:
            return
        if not event.is_one_to_one:
            await self._handle_group_event(event)
            return
        user_id = event.user_id
        if not user_id:
            return
        if event.type == "message" and event.text is not None:
            await self._converse(event, user_id, event.text, on_new_message)
            if requested_language(event.text):
                await self._link_menu(user_id, await self._conversation_language(user_id, agent))
        elif event.type == "postback" and event.postback_data:
            await self._converse(event, user_id, event.postback_data, on_new_message)
        elif event.type == "follow":
            await self._converse(event, user_id, GREETING_PAYLOAD, on_new_message)
        elif event.type == "unfollow":
            logger.info("LINE user %s unfollowed (blocked) the account.", user_id)
        elif event.type == "message" and event.message_type in NOT_TEXT:
            language = await self._conversation_language(user_id, agent)
            await self._send(
                user_id,
                event.reply_token,
                text_messages(self.texts.texts("chat.text_only", language)),
            )
        else:
            logger.info("LINE event %s (%s) ignored.", event.type, event.message_type or "-")

    async def _handle_group_event(self, event: LineEvent) -> None:
        """Groups and rooms are not private: decline on joining and when mentioned."""
        if event.type in ("join", "leave"):
            logger.info("LINE event %s: %s %s", event.type, event.source_type, event.chat_id)
        if event.type == "join" or (event.type == "message" and event.mentions_bot):
            if event.reply_token:
                decline = text_messages(self.texts.both_languages("line.group_decline"))
                try:
                    await self.client.reply(event.reply_token, decline)
                except LineApiError as error:
                    logger.warning("LINE group decline not delivered: %s", error)

    async def _converse(
        self,
        event: LineEvent,
        user_id: str,
        text: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        collector = LineTurnCollector()
        metadata: Dict[str, Any] = {"channel": CHANNEL_NAME}
        language = await self._profile_language(user_id)
        if language:
            metadata["language"] = language
        if event.event_id:
            metadata["line_event_id"] = event.event_id
        loading = LoadingAnimation(self.client, user_id, self.loading_after_seconds)
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    user_id,
                    input_channel=CHANNEL_NAME,
                    metadata=metadata,
                )
            )
        except Exception:  # the assistant failed: say so rather than leave the user waiting
            logger.exception("The assistant could not handle a LINE message of %s.", user_id)
            fallback = self.texts.texts(
                "service.unavailable", language or self.texts.default_language
            )
            collector.messages = [{"text": text} for text in fallback]
        finally:
            await loading.stop()
        batches = to_line_batches(collector.messages)
        for index, batch in enumerate(batches):
            await self._send(user_id, event.reply_token if index == 0 else None, batch, index)

    async def _send(
        self,
        user_id: str,
        reply_token: Optional[str],
        messages: Sequence[Mapping[str, Any]],
        batch: int = 0,
    ) -> None:
        """Reply if the token still works, else push (LINE delivers a push once per key).

        ``batch``: which batch of the event's answer this is; with the event's id it makes
        the push's retry key, so the same batch pushed again after a restart is dropped.
        """
        if not messages:
            return
        answering = ANSWERING.get()
        again = bool(answering and answering.event.replied_before)
        if reply_token:
            if answering and not again and not answering.marked_replying:
                answering.marked_replying = True
                try:
                    await asyncio.to_thread(self.store.mark_replying, answering.event)
                except SQLAlchemyError as error:  # answer anyway
                    logger.warning(
                        "LINE event %s: reply not noted: %s", answering.event.event_id, error
                    )
            try:
                await self.client.reply(reply_token, messages)
                return
            except LineApiError as error:
                if again and error.status == 400:
                    # The reply call made before the restart used the token: LINE showed
                    # that answer then (an expired token looks the same: see docs/line.md).
                    logger.info("LINE reply token already used: the answer was delivered.")
                    return
                logger.warning("LINE reply failed (%s): pushing instead.", error)
        retry_key = (
            str(uuid.uuid5(RETRY_KEYS, f"{answering.event.event_id}/{batch}"))
            if answering
            else None
        )
        await self.client.push(user_id, messages, retry_key=retry_key)

    async def _link_menu(self, user_id: str, language: str) -> None:
        """Shows the user the rich menu of ``language`` (after a language switch).

        The menus are found by name (``ops/line_rich_menu.py`` creates them); none yet, or
        LINE refusing, only leaves the default menu in place.
        """
        try:
            if menu_name(language) not in self._menu_ids:
                menus = await self.client.rich_menus()
                self._menu_ids = {
                    str(m.get("name")): str(m.get("richMenuId")) for m in menus if m.get("name")
                }
            menu_id = self._menu_ids.get(menu_name(language))
            if menu_id:
                await self.client.link_rich_menu(user_id, menu_id)
        except LineApiError as error:
            self._menu_ids = {}
            logger.info("LINE rich menu not linked for %s: %s", user_id, error)

    async def _profile_language(self, user_id: str) -> Optional[str]:
        """The language of the user's LINE profile (``th``/``en``), fetched once per user.

        A hint for the first message only: the assistant prefers the script of the
        message and then the conversation's language.
        """
        if user_id in self._profile_languages:
            return self._profile_languages[user_id]
        try:
            profile = await self.client.profile(user_id)
        except LineApiError as error:
            # Remembered as unknown too: a LINE outage must not slow every message.
            logger.info("LINE profile of %s not available: %s", user_id, error)
            profile = {}
        language = str(profile.get("language") or "")[:2].lower()
        found = language if language in LANGUAGES else None
        self._profile_languages[user_id] = found
        if len(self._profile_languages) > REMEMBERED_PROFILES:
            self._profile_languages.popitem(last=False)
        return found

    async def _conversation_language(self, user_id: str, agent: Any) -> str:
        """The conversation's language slot, else the profile's, else the default."""
        try:
            tracker = await agent.tracker_store.retrieve(user_id) if agent else None
        except Exception as error:  # the notice still goes out, in a guessed language
            logger.warning("Tracker of %s not readable: %r", user_id, error)
            tracker = None
        slot = tracker.get_slot("language") if tracker else None
        if slot in LANGUAGES:
            return slot
        return await self._profile_language(user_id) or self.texts.default_language


def _to_store(event: LineEvent) -> NewEvent:
    key = event_key(event.event_id)
    return NewEvent(key, event.chat_id or key, event.user_id, event.raw)


def turn_answer(events: Sequence[Any], line_event_id: str) -> Optional[list[Dict[str, Any]]]:
    """The bot messages that followed the user message of LINE event ``line_event_id``
    in a conversation's events (Rasa ``Event`` objects), as the turn's collector held
    them; None when that message is not there."""
    answer: Optional[list[Dict[str, Any]]] = None
    for event in events:
        name = getattr(event, "type_name", "")
        if name == "user":
            if answer is not None:
                break
            if (getattr(event, "metadata", None) or {}).get("line_event_id") == line_event_id:
                answer = []
        elif name == "bot" and answer is not None:
            answer.append({"text": event.text, **(event.data or {})})
    return answer


def _seconds(value: Any, default: float) -> float:
    """A number of seconds from the credentials file (empty: ``default``)."""
    if value is None or str(value).strip() == "":
        return default
    return max(0.0, float(value))
