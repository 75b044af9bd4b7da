"""Load harness: simulated patients talk to a running assistant; figures and a consistency check.

    python -m bench.load --url http://127.0.0.1:5005 --patients 100 --concurrency 20 \
        --channel rest|socketio|line|mixed --tracker-url sqlite:///var/tracker.db

Each patient sends its messages one after another, waiting for each answer (as a person
does); ``concurrency`` patients talk at the same time. Reports p50/p95/p99 reply latency,
throughput (replies per second) and errors, then reads every conversation back from the
tracker store and checks that it holds exactly the user messages sent, in order, each
followed by its answers, with no duplicates and no interleaving.

Channels (``mixed``: the patients take turns, rest, socketio, line, rest, ...):

- ``rest``: POST ``/webhooks/rest/webhook``; latency = until the HTTP answer (all of the
  turn's messages). Conversation id = the patient id.
- ``socketio``: one socket per patient (websocket transport), ``session_request`` with its
  own session id (the conversation id), ``user_uttered`` with
  ``{"message", "session_id", "metadata": {"language"}}`` as the widget sends it. Latency =
  until the first ``bot_uttered``. The turn is complete when the channel's acknowledgement
  (sent once the server has processed the turn, ``{"bot_messages": n}``) has come and ``n``
  ``bot_uttered`` have arrived (through Redis they may come after the acknowledgement);
  only against a server whose acknowledgement has no count does the harness fall back to
  waiting for ``--quiet`` seconds without a message. Each socket connects from its own
  loopback address (127.0.N.1), as patients on different networks do, so nginx's sticky
  ``ip_hash`` spreads them over the instances.
- ``line``: signed webhook POSTs (``X-Line-Signature`` with ``LINE_CHANNEL_SECRET``) to
  ``/webhooks/line/webhook``; the server must talk to the fake LINE API this harness runs
  (``--line-api-port``, access token ``LINE_CHANNEL_ACCESS_TOKEN``), which records the reply
  calls. Latency = webhook POST to the reply call arriving at the fake. Conversation id =
  the LINE user id (``U`` + 32 hex digits); the profile gives the patient's language. A
  webhook answered with an error (or a dropped connection) is redelivered, as LINE does.

A turn fails on a non-200 answer, no answer within the timeout, or the "cannot answer right
now" apology; the patient then stops (later messages are not sent).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Optional

import aiohttp
import socketio
import sqlalchemy

from assistant.language import LANGUAGES
from assistant.settings import environment
from assistant.texts import ChannelTexts
from bench.patients import Patient, patients
from harness.fake_line_api import Call, FakeLineApi
from harness.line_webhook import body_of, text_event
from line_api.signature import sign

CHANNELS = ("rest", "socketio", "line")
REDELIVERIES = 5  # LINE: webhook redelivery of an event not answered with 200
REDELIVERY_PAUSE_S = 1.0

# python-engineio 4.15 (locked with Rasa's python-socketio 5.18) builds its WebSocket
# options with aiohttp >= 3.10's ClientWSTimeout; the lock has aiohttp 3.9.5, whose
# ws_connect takes the same close timeout as a plain number. Only this client needs it.
if not hasattr(aiohttp, "ClientWSTimeout"):
    aiohttp.ClientWSTimeout = lambda ws_close=10.0, **_: ws_close  # type: ignore[attr-defined]


@dataclass
class LoadResult:
    """What one load run measured."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sent: dict[str, list[str]] = field(
        default_factory=dict
    )  # conversation id -> acknowledged messages
    channel_latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, channel: str, latency_ms: float) -> None:
        self.latencies_ms.append(latency_ms)
        self.channel_latencies_ms[channel].append(latency_ms)

    def percentile(self, share: float, channel: Optional[str] = None) -> float:
        return percentile(
            self.channel_latencies_ms.get(channel, []) if channel else self.latencies_ms, share
        )

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        lines = [
            f"replies={len(self.latencies_ms)} errors={len(self.errors)} "
            f"p50={self.percentile(0.5):.0f} ms p95={self.percentile(0.95):.0f} ms "
            f"p99={self.percentile(0.99):.0f} ms throughput={self.throughput:.1f}/s"
        ]
        if len(self.channel_latencies_ms) > 1:
            lines += [
                f"  {channel}: replies={len(values)} p50={percentile(values, 0.5):.0f} ms "
                f"p95={percentile(values, 0.95):.0f} ms p99={percentile(values, 0.99):.0f} ms"
                for channel, values in sorted(self.channel_latencies_ms.items())
            ]
        return "\n".join(lines)


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@lru_cache(maxsize=1)
def apologies() -> frozenset[str]:
    """The "cannot answer right now" texts: a reply made of one of them is a failure."""
    texts = ChannelTexts()
    return frozenset(texts.text("service.unavailable", lang) for lang in LANGUAGES)


def answer_problem(texts: list[str]) -> Optional[str]:
    """Why the bot messages of a turn are not an answer, or None when they are one.

    A channel may merge messages (LINE), so an apology inside a longer text counts too.
    """
    if not texts:
        return "no answer"
    if any(apology in text for text in texts for apology in apologies()):
        return "apology (service unavailable)"
    return None


def failure(status: int, replies: Any) -> Optional[str]:
    """Why a REST answer counts as failed, or None when the patient got an answer."""
    if status != 200:
        return f"HTTP {status}"
    return answer_problem([r.get("text") or "" for r in replies or []])


class TurnFailed(Exception):
    """The patient did not get an answer (the reason is the message)."""


def conversation_id(patient: Patient, channel: str) -> str:
    """The id the channel gives the patient's conversation (what the tracker store keys on).

    socket.io accepts only the 32-hex session ids it issues; LINE user ids are "U" + 32 hex.
    Derived from the patient id, so a run can be read back without a mapping.
    """
    if channel == "rest":
        return patient.sender_id
    digest = hashlib.md5(patient.sender_id.encode()).hexdigest()
    return digest if channel == "socketio" else "U" + digest


@dataclass
class Target:
    """Where the patients talk to, shared by their conversations."""

    url: str
    session: aiohttp.ClientSession
    timeout_s: float
    line: Optional["LinePlatform"] = None
    quiet_s: float = 0.5


class Conversation:
    """One patient's conversation over one channel: ``async with``, then ``turn()`` per message."""

    channel = ""

    def __init__(self, target: Target, patient: Patient, index: int) -> None:
        self.target = target
        self.patient = patient
        self.index = index
        self.sender_id = conversation_id(patient, self.channel)

    async def __aenter__(self) -> "Conversation":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        pass

    async def turn(self, message: str) -> float:
        """Sends ``message``; returns the reply latency in ms once the turn is complete."""
        raise NotImplementedError


class RestConversation(Conversation):
    channel = "rest"

    async def turn(self, message: str) -> float:
        started = time.perf_counter()
        async with self.target.session.post(
            f"{self.target.url}/webhooks/rest/webhook",
            json={"sender": self.sender_id, "message": message},
        ) as response:
            body = await response.read()
            problem = failure(response.status, json.loads(body) if response.status == 200 else None)
        if problem:
            raise TurnFailed(problem)
        return (time.perf_counter() - started) * 1000


class SocketIOConversation(Conversation):
    channel = "socketio"

    def __init__(self, target: Target, patient: Patient, index: int) -> None:
        super().__init__(target, patient, index)
        self.received: list[tuple[float, dict]] = []
        self.arrived = asyncio.Event()
        # Its own source address: nginx's ip_hash keys on the first three octets.
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(local_addr=(f"127.0.{index % 250 + 1}.1", 0))
        )
        self.client = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.client.on("bot_uttered", self._on_bot_uttered)

    def _on_bot_uttered(self, message: Any) -> None:
        self.received.append((time.perf_counter(), message if isinstance(message, dict) else {}))
        self.arrived.set()

    async def __aenter__(self) -> "SocketIOConversation":
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        try:
            await self.client.connect(
                self.target.url, transports=["websocket"], wait_timeout=self.target.timeout_s
            )
            await self.client.emit("session_request", {"session_id": self.sender_id})
            if await asyncio.wait_for(confirmed, self.target.timeout_s) != self.sender_id:
                raise TurnFailed("session id refused")
        except socketio.exceptions.ConnectionError as error:
            await self.http.close()
            raise TurnFailed(f"socket.io connection failed ({error})") from error
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.client.disconnect()
        await self.http.close()

    async def turn(self, message: str) -> float:
        self.received.clear()
        acknowledged: asyncio.Future = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        await self.client.emit(
            "user_uttered",
            {
                "message": message,
                "session_id": self.sender_id,
                "metadata": {"language": self.patient.language},
            },
            callback=lambda *data: acknowledged.done() or acknowledged.set_result(data),
        )
        deadline = started + self.target.timeout_s
        ack = await asyncio.wait_for(acknowledged, self.target.timeout_s)
        expected = ack[0].get("bot_messages") if ack and isinstance(ack[0], dict) else None
        if expected is not None:
            while len(self.received) < expected:
                await self._wait_arrival(deadline - time.perf_counter())
        else:  # a server without the count: the turn ends after a quiet period
            while True:
                count = len(self.received)
                try:
                    await self._wait_arrival(
                        min(self.target.quiet_s, deadline - time.perf_counter())
                    )
                except asyncio.TimeoutError:
                    if len(self.received) == count:
                        break
        problem = answer_problem([m.get("text") or "" for _, m in self.received])
        if problem:
            raise TurnFailed(problem)
        return (self.received[0][0] - started) * 1000

    async def _wait_arrival(self, seconds: float) -> None:
        self.arrived.clear()
        await asyncio.wait_for(self.arrived.wait(), max(seconds, 0.0))


class LinePlatform:
    """The fake LINE Messaging API the server replies to, and the channel secret to sign with.

    Reply (and push, should a reply fail) calls are matched to the waiting turns as they
    arrive, from the fake's server thread.
    """

    def __init__(self, channel_secret: str, access_token: str, port: int = 0) -> None:
        self.channel_secret = channel_secret
        self.api = FakeLineApi(token=access_token, port=port)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._waiting: dict[str, asyncio.Future] = {}  # reply token -> (arrival time, texts)
        self._token_of_user: dict[str, str] = {}
        self._reply_failed: set[str] = set()
        self.api.add_listener(self._on_call)

    @property
    def url(self) -> str:
        return self.api.url

    def __enter__(self) -> "LinePlatform":
        self.api.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.api.__exit__(*exc)

    def expect_reply(self, user: str, reply_token: str) -> asyncio.Future:
        self._loop = asyncio.get_running_loop()
        future = self._loop.create_future()
        self._waiting[reply_token] = future
        self._token_of_user[user] = reply_token
        self.api.reply_token_owner(reply_token, user)
        return future

    def forget(self, user: str, reply_token: str) -> None:
        self._waiting.pop(reply_token, None)
        self._token_of_user.pop(user, None)
        self._reply_failed.discard(reply_token)

    def _on_call(self, call: Call) -> None:
        if self._loop is None or call.kind not in ("reply", "push"):
            return
        if call.kind == "reply":
            token = call.body.get("replyToken")
            if call.status != 200:  # expired or refused: the channel pushes the answer instead
                self._reply_failed.add(token)
                return
        else:
            # A push answers the turn only when its reply failed (a long turn's further
            # messages are pushed too, after the reply that answered it).
            token = self._token_of_user.get(call.body.get("to"))
            if call.status != 200 or token not in self._reply_failed:
                return
        future = self._waiting.get(token)
        if future is not None:
            arrived = time.perf_counter()
            self._loop.call_soon_threadsafe(
                lambda: future.done() or future.set_result((arrived, call.texts))
            )


class LineConversation(Conversation):
    channel = "line"

    async def __aenter__(self) -> "LineConversation":
        if self.target.line is None:
            raise TurnFailed("no fake LINE API (LinePlatform) given")
        self.target.line.api.profiles[self.sender_id] = {"language": self.patient.language}
        return self

    async def turn(self, message: str) -> float:
        line = self.target.line
        assert line is not None
        event = text_event(self.sender_id, message)
        reply = line.expect_reply(self.sender_id, event["replyToken"])
        try:
            started = time.perf_counter()
            await self._deliver(event)
            try:
                arrived, texts = await asyncio.wait_for(reply, self.target.timeout_s)
            except asyncio.TimeoutError:
                raise TurnFailed("no reply call") from None
        finally:
            line.forget(self.sender_id, event["replyToken"])
        problem = answer_problem(texts)
        if problem:
            raise TurnFailed(problem)
        return (arrived - started) * 1000

    async def _deliver(self, event: dict[str, Any]) -> None:
        """POSTs the webhook; after an error answer or a broken connection it redelivers the
        same event (same ``webhookEventId``, ``isRedelivery``), as LINE does when webhook
        redelivery is on, only sooner (LINE waits longer between attempts)."""
        line = self.target.line
        assert line is not None
        problem = ""
        for attempt in range(REDELIVERIES + 1):
            if attempt:
                await asyncio.sleep(REDELIVERY_PAUSE_S)
                event = {**event, "deliveryContext": {"isRedelivery": True}}
            body = body_of(event)
            try:
                async with self.target.session.post(
                    f"{self.target.url}/webhooks/line/webhook",
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Line-Signature": sign(line.channel_secret, body),
                    },
                ) as response:
                    await response.read()
                    if response.status == 200:
                        return
                    problem = f"HTTP {response.status}"
            except aiohttp.ClientError as error:
                problem = type(error).__name__
        raise TurnFailed(f"{problem} after {REDELIVERIES} redeliveries")


CONVERSATIONS: dict[str, type[Conversation]] = {
    "rest": RestConversation,
    "socketio": SocketIOConversation,
    "line": LineConversation,
}


def channel_of(channel: str, index: int) -> str:
    """The channel of the ``index``-th patient (``mixed``: round robin over all)."""
    return CHANNELS[index % len(CHANNELS)] if channel == "mixed" else channel


async def _talk(conversation: Conversation, result: LoadResult, think_s: float) -> None:
    acknowledged = result.sent.setdefault(conversation.sender_id, [])
    pause = random.Random(conversation.patient.sender_id)
    try:
        if think_s:  # patients arrive over time, not all in the same millisecond
            await asyncio.sleep(think_s * pause.uniform(0, 1))
        async with conversation:
            for message in conversation.patient.messages:
                latency_ms = await conversation.turn(message)
                result.record(conversation.channel, latency_ms)
                acknowledged.append(message)
                if think_s:  # reading the answer and typing the next question
                    await asyncio.sleep(think_s * pause.uniform(0.5, 1.5))
    # a person would stop here too; later messages are not sent
    except TurnFailed as problem:
        result.errors.append(f"{conversation.sender_id}: {problem}")
    except (aiohttp.ClientError, asyncio.TimeoutError, socketio.exceptions.SocketIOError) as error:
        result.errors.append(f"{conversation.sender_id}: {type(error).__name__}")


async def run_load(
    url: str,
    crowd: list[Patient],
    concurrency: int,
    timeout_s: float = 60,
    result: Optional[LoadResult] = None,
    think_s: float = 0.0,
    channel: str = "rest",
    line: Optional[LinePlatform] = None,
    quiet_s: float = 0.5,
) -> LoadResult:
    """Lets ``crowd`` talk to ``url`` over ``channel``, ``concurrency`` conversations at a time.

    ``think_s`` is the mean pause between an answer and the patient's next message (0: the
    next message goes at once, which measures throughput). Pass ``result`` to watch the
    figures grow while the run goes on (fault tests do). ``line`` is the fake LINE API the
    server replies to (channels ``line`` and ``mixed``). ``quiet_s``: see ``--quiet``.
    """
    if channel not in (*CHANNELS, "mixed"):
        raise ValueError(f"unknown channel {channel!r}")
    result = result if result is not None else LoadResult()
    # Loaded before the clock starts: the first reply's check would otherwise load the
    # channel texts (about 2 s, blocking this loop) inside every in-flight measurement.
    apologies()
    queue: asyncio.Queue[tuple[int, Patient]] = asyncio.Queue()
    for index, patient in enumerate(crowd):
        queue.put_nowait((index, patient))

    async def worker(target: Target) -> None:
        while not queue.empty():
            index, patient = queue.get_nowait()
            conversation = CONVERSATIONS[channel_of(channel, index)](target, patient, index)
            await _talk(conversation, result, think_s)

    timeout = aiohttp.ClientTimeout(total=timeout_s)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        target = Target(url, session, timeout_s, line, quiet_s)
        started = time.perf_counter()
        await asyncio.gather(*(worker(target) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


def check_consistency(tracker_url: str, sent: dict[str, list[str]]) -> list[str]:
    """Problems found reading the conversations back from the tracker store ([] = none).

    An acknowledged message must be stored exactly once, in the order sent, and be
    followed by at least one bot message before the next user message (the handoff
    answer included). A message that got no answer may or may not be stored (the server
    may have died after storing it), so it is allowed only at the end. ``sent`` is keyed
    by conversation id as the channel names it (``conversation_id``).
    """
    problems = []
    engine = sqlalchemy.create_engine(tracker_url)
    with engine.connect() as connection:
        for sender, messages in sent.items():
            rows = connection.execute(
                sqlalchemy.text(
                    "SELECT type_name, data FROM events WHERE sender_id = :sender "
                    "AND type_name IN ('user', 'bot') ORDER BY id"
                ),
                {"sender": sender},
            ).fetchall()
            problems.extend(
                _check_conversation(sender, messages, [(t, json.loads(d)) for t, d in rows])
            )
    engine.dispose()
    return problems


def _check_conversation(
    sender: str, messages: list[str], events: list[tuple[str, dict]]
) -> list[str]:
    user_texts = [data.get("text") for kind, data in events if kind == "user"]
    stored = user_texts[: len(messages)]
    if stored != messages:
        return [f"{sender}: user messages stored {stored!r} != sent {messages!r}"]
    if len(user_texts) > len(messages) + 1:
        return [f"{sender}: {len(user_texts) - len(messages)} extra user messages stored"]
    problems = []
    answered = True
    for position, (kind, _) in enumerate(events):
        if kind == "user":
            if not answered:
                problems.append(
                    f"{sender}: user message at event {position} follows an unanswered one"
                )
            answered = False
        else:
            answered = True
    return problems


def main(argv: Optional[list[str]] = None) -> int:
    env = environment()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--channel", choices=[*CHANNELS, "mixed"], default="rest")
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds between answer and next message"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a patient waits for an answer"
    )
    parser.add_argument(
        "--quiet",
        type=float,
        default=0.5,
        help="socket.io against a server whose acknowledgement has no message count: "
        "the turn ends after this many seconds without a message",
    )
    parser.add_argument(
        "--line-api-port",
        type=int,
        default=8090,
        help="port of the fake LINE API run here (the server's LINE_API_BASE_URL)",
    )
    parser.add_argument(
        "--tracker-url", help="SQLAlchemy URL of the tracker store, for the consistency check"
    )
    args = parser.parse_args(argv)
    crowd = patients(args.patients, run_id=f"load-{uuid.uuid4().hex[:6]}")
    line = None
    if args.channel in ("line", "mixed"):
        if not env.get("LINE_CHANNEL_SECRET"):
            parser.error(
                "--channel line needs LINE_CHANNEL_SECRET (the value the server runs with)"
            )
        line = LinePlatform(
            env["LINE_CHANNEL_SECRET"], env["LINE_CHANNEL_ACCESS_TOKEN"], args.line_api_port
        )
    with line or contextlib.nullcontext():
        if line:
            print(
                f"fake LINE API on {line.url}: the server must run with LINE_API_BASE_URL={line.url}"
            )
        result = asyncio.run(
            run_load(
                args.url,
                crowd,
                args.concurrency,
                timeout_s=args.timeout,
                think_s=args.think,
                channel=args.channel,
                line=line,
                quiet_s=args.quiet,
            )
        )
    print(result.summary())
    for error in result.errors[:10]:
        print("  error: " + error)
    if args.tracker_url:
        problems = check_consistency(args.tracker_url, result.sent)
        print(f"consistency: {len(result.sent)} conversations, {len(problems)} problems")
        for problem in problems[:20]:
            print("  " + problem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
