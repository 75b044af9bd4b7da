"""Load harness: simulated patients talk to a running assistant; figures and a consistency check.

    python -m bench.load --url http://127.0.0.1:5005 --patients 100 --concurrency 20 \
        --tracker-url sqlite:///var/tracker.db

Each patient sends its messages one after another, waiting for each answer (as a person
does); ``concurrency`` patients talk at the same time. Reports p50/p95/p99 reply latency,
throughput (replies per second) and errors, then reads every conversation back from the
tracker store and checks that it holds exactly the user messages sent, in order, each
followed by its answers, with no duplicates and no interleaving.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

import aiohttp
import sqlalchemy

from bench.patients import Patient, patients


@dataclass
class LoadResult:
    """What one load run measured."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender -> acknowledged messages

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"replies={len(self.latencies_ms)} errors={len(self.errors)} "
            f"p50={self.percentile(0.5):.0f} ms p95={self.percentile(0.95):.0f} ms "
            f"p99={self.percentile(0.99):.0f} ms throughput={self.throughput:.1f}/s"
        )


@lru_cache(maxsize=1)
def apologies() -> frozenset[str]:
    """The "cannot answer right now" texts: a reply made of one of them is a failure."""
    from channels.texts import ChannelTexts

    texts = ChannelTexts()
    return frozenset("\n\n".join(texts.texts("service.unavailable", lang)) for lang in ("th", "en"))


def failure(status: int, replies: Any) -> Optional[str]:
    """Why a REST answer counts as failed, or None when the patient got an answer."""
    if status != 200:
        return f"HTTP {status}"
    if not replies:
        return "no answer"
    if any(r.get("text") in apologies() for r in replies):
        return "apology (service unavailable)"
    return None


async def _talk_rest(
    session: aiohttp.ClientSession, url: str, patient: Patient, result: LoadResult, think_s: float = 0.0
) -> None:
    acknowledged = result.sent.setdefault(patient.sender_id, [])
    pause = random.Random(patient.sender_id)
    for message in patient.messages:
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": patient.sender_id, "message": message}
            ) as response:
                body = await response.read()
                replies = json.loads(body) if response.status == 200 else None
                problem = failure(response.status, replies)
                if problem:
                    result.errors.append(f"{patient.sender_id}: {problem}")
                    return  # a person would stop here too; later messages are not sent
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            result.errors.append(f"{patient.sender_id}: {type(error).__name__}")
            return
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        acknowledged.append(message)
        if think_s:  # reading the answer and typing the next question
            await asyncio.sleep(think_s * pause.uniform(0.5, 1.5))


async def run_load(
    url: str, crowd: list[Patient], concurrency: int, timeout_s: float = 60,
    result: Optional[LoadResult] = None, think_s: float = 0.0,
) -> LoadResult:
    """Lets ``crowd`` talk to ``url`` over REST, ``concurrency`` conversations at a time.

    ``think_s`` is the mean pause between an answer and the patient's next message (0: the
    next message goes at once, which measures throughput). Pass ``result`` to watch the
    figures grow while the run goes on (fault tests do).
    """
    result = result if result is not None else LoadResult()
    queue: asyncio.Queue[Patient] = asyncio.Queue()
    for patient in crowd:
        queue.put_nowait(patient)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            await _talk_rest(session, url, queue.get_nowait(), result, think_s)

    timeout = aiohttp.ClientTimeout(total=timeout_s)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


def check_consistency(tracker_url: str, sent: dict[str, list[str]]) -> list[str]:
    """Problems found reading the conversations back from the tracker store ([] = none).

    An acknowledged message must be stored exactly once, in the order sent, and be
    followed by at least one bot message before the next user message (the handoff
    answer included). A message that got no HTTP answer may or may not be stored (the
    server may have died after storing it), so it is allowed only at the end.
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
            problems.extend(_check_conversation(sender, messages, [(t, json.loads(d)) for t, d in rows]))
    engine.dispose()
    return problems


def _check_conversation(sender: str, messages: list[str], events: list[tuple[str, dict]]) -> list[str]:
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
                problems.append(f"{sender}: user message at event {position} follows an unanswered one")
            answered = False
        else:
            answered = True
    return problems


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between answer and next message")
    parser.add_argument("--tracker-url", help="SQLAlchemy URL of the tracker store, for the consistency check")
    args = parser.parse_args(argv)
    crowd = patients(args.patients, run_id=f"load-{uuid.uuid4().hex[:6]}")
    result = asyncio.run(run_load(args.url, crowd, args.concurrency, think_s=args.think))
    print(result.summary())
    if args.tracker_url:
        problems = check_consistency(args.tracker_url, result.sent)
        print(f"consistency: {len(result.sent)} conversations, {len(problems)} problems")
        for problem in problems[:20]:
            print("  " + problem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
