"""The Rasa input channel for the LINE Messaging API: ``LineInput`` (name ``line``).

Webhook: ``POST /webhooks/line/webhook``. The signature is checked on the raw body before
anything else; a valid request is acknowledged with 200 at once and its events are
processed in the background (LINE retries slow webhooks), one conversation at a time, in
the order they arrived. Redelivered events (same ``webhookEventId``) are processed once.
On shutdown (SIGTERM, e.g. a rolling restart) the server first finishes the events it has
acknowledged, for up to ``SHUTDOWN_DRAIN_SECONDS``: LINE will not send them again.

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
from collections import OrderedDict, deque
from typing import Any, Awaitable, Callable, Deque, Dict, Mapping, Optional, Sequence, Text

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.language import LANGUAGES, requested_language
from assistant.rich_menu import menu_name
from assistant.texts import ChannelTexts
from channels.line.messages import text_messages, to_line_batches
from channels.line.webhook import LineEvent, WebhookError, parse_webhook
from line_api import signature
from line_api.client import DEFAULT_API_BASE_URL, LineApiError, LineClient

logger = logging.getLogger(__name__)

CHANNEL_NAME = "line"
GREETING_PAYLOAD = "/chat_greet"
NOT_TEXT = {"sticker", "image", "video", "audio", "file", "location"}
REMEMBERED_EVENTS = 10_000  # webhookEventIds kept to recognise redeliveries
REMEMBERED_PROFILES = 10_000
LOADING_AFTER_SECONDS = 0.5
SHUTDOWN_DRAIN_SECONDS = 20.0


class RecentIds:
    """A bounded set of recently seen ids (oldest forgotten first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._ids: "OrderedDict[str, None]" = OrderedDict()

    def add(self, key: str) -> bool:
        """Adds ``key``; False if it was already there."""
        if key in self._ids:
            self._ids.move_to_end(key)
            return False
        self._ids[key] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


Job = Callable[[], Awaitable[None]]


class ConversationQueues:
    """Runs jobs one at a time per conversation, in submission order; conversations in
    parallel. A job's failure is logged and does not stop the next one."""

    def __init__(self) -> None:
        self._queues: Dict[str, Deque[Job]] = {}
        self._tasks: set[asyncio.Task] = set()

    def submit(self, key: str, job: Job) -> None:
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._queues[key] = deque([job])
        task = asyncio.get_running_loop().create_task(self._drain(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> int:
        """Conversations with work in progress."""
        return len(self._queues)

    async def finish(self, timeout: float) -> bool:
        """Waits until every submitted job has run (or ``timeout`` passes); True if all have."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and loop.time() < deadline:
            await asyncio.wait(set(self._tasks), timeout=deadline - loop.time())
        return not self._tasks

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        while queue:
            job = queue.popleft()
            try:
                await job()
            except Exception:  # one failed event must not stop the conversation
                logger.exception("LINE event for conversation %s failed.", key)
        del self._queues[key]  # no await since the last check: nothing was added meanwhile


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
            loading_after_seconds=_seconds(credentials.get("loading_after_seconds")),
        )

    def __init__(
        self,
        channel_secret: str,
        channel_access_token: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        loading_after_seconds: float = LOADING_AFTER_SECONDS,
    ) -> None:
        # Rasa sets the level of its own "rasa" logger only (LOG_LEVEL, --debug): follow it,
        # so that the channel's INFO lines (joins, unfollows, redeliveries) are logged too.
        logging.getLogger("channels.line").setLevel(logging.getLogger("rasa").getEffectiveLevel())
        self.channel_secret = channel_secret
        self.client = LineClient(channel_access_token, api_base_url)
        self.loading_after_seconds = loading_after_seconds
        self.texts = ChannelTexts()
        self.seen_events = RecentIds(REMEMBERED_EVENTS)
        self.queues = ConversationQueues()
        self._profile_languages: "OrderedDict[str, Optional[str]]" = OrderedDict()
        self._menu_ids: Dict[str, str] = {}  # rich menu name -> id

    def get_output_channel(self) -> OutputChannel:
        return LinePushOutput(self.client)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        line_webhook = Blueprint("line_webhook", __name__)

        @line_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @line_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self._receive(request, on_new_message)

        @line_webhook.listener("before_server_stop")
        async def finish_acknowledged_events(*_: Any) -> None:
            if self.queues.busy:
                logger.info(
                    "Stopping: finishing LINE events of %d conversations first.", self.queues.busy
                )
            if not await self.queues.finish(SHUTDOWN_DRAIN_SECONDS):
                logger.error(
                    "Stopped with LINE events of %d conversations unanswered.", self.queues.busy
                )

        @line_webhook.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await self.client.close()

        return line_webhook

    # --- receiving -------------------------------------------------------------------

    def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
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
        agent = getattr(request.app.ctx, "agent", None)
        for event in events:
            if event.event_id and not self.seen_events.add(event.event_id):
                logger.info("LINE event %s delivered again: already handled.", event.event_id)
                continue
            key = event.chat_id or event.event_id or "unknown"
            self.queues.submit(key, _bind(self._handle_event, event, on_new_message, agent))
        return response.json({})

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
            await self._send(user_id, event.reply_token if index == 0 else None, batch)

    async def _send(
        self, user_id: str, reply_token: Optional[str], messages: Sequence[Mapping[str, Any]]
    ) -> None:
        """Reply if the token still works, else push (LINE delivers a push once per key)."""
        if not messages:
            return
        if reply_token:
            try:
                await self.client.reply(reply_token, messages)
                return
            except LineApiError as error:
                logger.warning("LINE reply failed (%s): pushing instead.", error)
        await self.client.push(user_id, messages)

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


def _seconds(value: Any) -> float:
    """``loading_after_seconds`` from the credentials file (empty: the default)."""
    if value is None or str(value).strip() == "":
        return LOADING_AFTER_SECONDS
    return max(0.0, float(value))


def _bind(handler: Callable[..., Awaitable[None]], *args: Any) -> Job:
    async def job() -> None:
        await handler(*args)

    return job
