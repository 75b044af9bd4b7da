"""The staff console at scale: 100,000 conversations / 2,000,000 events shaped like Rasa's.

Fills a tracker store (SQLite by default; ``--postgresql URL`` for PostgreSQL), builds the
console's index once, then times the pages staff use most (Django's test client, signed
in, so the whole view + template runs): the list's first page, a filtered page, a
free-text search (clinician and reviewer), the queue, analytics, and an incremental
refresh after new messages. Not part of the test suite.

    .venv/bin/python -m bench.console_scale [--conversations 100000] [--postgresql postgresql://postgres@127.0.0.1:5432/console_bench]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

TOPICS = [
    "therapy.what_is",
    "therapy.cost",
    "therapy.safety",
    "therapy.evidence",
    "therapy.procedure",
    "therapy.eligibility",
    "therapy.conditions",
    "therapy.aftercare",
    "chat.greet",
]
QUESTIONS = {
    "th": [
        "สเต็มเซลล์คืออะไรคะ",
        "ราคาเท่าไหร่ครับ",
        "มีผลข้างเคียงไหม",
        "รักษาสะเก็ดเงินได้ไหมคะ",
        "ต้องฉีดกี่ครั้ง",
    ],
    "en": [
        "What are stem cells?",
        "How much does it cost?",
        "Is it safe?",
        "Can it treat eczema?",
        "How many sessions?",
    ],
}
CHANNELS = ["socketio", "line", "rest"]
# Questions the content does not cover, in several wordings: fallbacks and "not helpful"
# ratings that the "What we could not answer" page groups.
UNCOVERED = {
    "th": [
        "การรักษานี้ฮาลาลไหมคะ",
        "เซลล์ฮาลาลหรือเปล่า",
        "รักษาผมร่วงได้ไหมคะ",
        "ผมร่วงเยอะมาก ช่วยได้ไหม",
        "ใช้ประกันสังคมได้ไหม",
        "เบิกประกันสังคมได้หรือเปล่าคะ",
        "มีที่จอดรถมอไซค์ไหม",
        "พาลูกไปด้วยได้ไหม",
    ],
    "en": [
        "is the treatment halal",
        "are the cells halal certified",
        "can it fix hair loss",
        "does it help with hair loss",
        "can I use social security",
        "is it covered by social security",
        "can I bring my kids along",
        "where do I park my motorbike",
    ],
}


def conversation_events(n: int, start: float, rng: random.Random) -> Iterator[dict[str, Any]]:
    """About 20 events: session start, three or four turns, sometimes a handoff."""
    language = "th" if rng.random() < 0.7 else "en"
    channel = rng.choices(CHANNELS, weights=[5, 4, 1])[0]
    clock = start

    def at() -> float:
        nonlocal clock
        clock += rng.uniform(0.2, 20)
        return clock

    yield {"event": "action", "name": "action_session_start", "timestamp": at()}
    yield {"event": "session_started", "timestamp": at()}
    yield {"event": "action", "name": "action_listen", "timestamp": at()}
    answers = 0
    for turn in range(rng.choice([3, 3, 4])):
        fallback = rng.random() < 0.03
        safety = rng.random() < 0.01
        asked = rng.choice(UNCOVERED[language] if fallback else QUESTIONS[language])
        text = asked + (
            f" โทร 08{n % 10}-{n % 1000:03d}-{n % 10000:04d}" if turn == 2 and n % 50 == 0 else ""
        )
        intent = "nlu_fallback" if fallback else ("safety_emergency" if safety else "therapy_cost")
        parse = {
            "text": text,
            "intent": {"name": intent, "confidence": round(rng.uniform(0.3, 1), 3)},
            "entities": [],
            "intent_ranking": [],
        }
        if safety:
            parse["safety_net"] = {"kind": "emergency", "matched": "x"}
        yield {
            "event": "user",
            "text": text,
            "parse_data": parse,
            "input_channel": channel,
            "message_id": f"{n}-{turn}",
            "metadata": {},
            "timestamp": at(),
        }
        yield {"event": "slot", "name": "language", "value": language, "timestamp": at()}
        yield {"event": "action", "name": "action_answer", "timestamp": at()}
        topic = (
            "safety.emergency" if safety else ("chat.fallback" if fallback else rng.choice(TOPICS))
        )
        knowledge = topic.startswith("therapy.")
        question = f"{topic}.q{rng.randrange(8)}" if knowledge else None
        metadata = {"topic": topic, "language": language}
        yield {
            "event": "bot",
            "text": "คำตอบ ... " * 8,
            "data": {},
            "metadata": {**metadata, **({"question": question} if question else {})},
            "timestamp": at(),
        }
        if knowledge:  # the disclaimer ends a knowledge answer; the first asks for a rating
            buttons = [{"title": "👍", "payload": "/feedback_helpful"}] if not answers else []
            yield {
                "event": "bot",
                "text": "ข้อมูลทั่วไป",
                "data": {"buttons": buttons},
                "metadata": {**metadata, "question": question, "disclaimer": "short"},
                "timestamp": at(),
            }
            answers += 1
        yield {"event": "action", "name": "action_listen", "timestamp": at()}
        if knowledge and answers == 1 and rng.random() < 0.15:  # the patient rates it
            value = "helpful" if rng.random() < 0.75 else "not_helpful"
            yield {
                "event": "user",
                "text": f"/feedback_{value}",
                "parse_data": {"intent": {"name": f"feedback_{value}", "confidence": 1.0}},
                "input_channel": channel,
                "message_id": f"{n}-{turn}-rating",
                "metadata": {},
                "timestamp": at(),
            }
            yield {"event": "slot", "name": "language", "value": language, "timestamp": at()}
            yield {
                "event": "bot",
                "text": "ขอบคุณค่ะ",
                "data": {},
                "metadata": {
                    "topic": f"feedback.{value}",
                    "language": language,
                    "rating": {"value": value, "topic": topic, "question": question},
                },
                "timestamp": at(),
            }
    if rng.random() < 0.08:
        distress = rng.random() < 0.05  # some handoffs are urgent
        reason = "distress" if distress else "user_request"
        yield {
            "event": "pause",
            "metadata": {"handoff": {"reason": reason, "summary": "Topics: therapy.cost."}},
            "timestamp": at(),
        }
        if rng.random() < 0.9:
            yield {
                "event": "bot",
                "text": "สวัสดีค่ะ",
                "metadata": {
                    "staff": True,
                    "staff_user": "nurse",
                    "topic": "handoff.staff_reply",
                    "language": language,
                },
                "timestamp": at(),
            }
            yield {"event": "resume", "metadata": {"staff_user": "nurse"}, "timestamp": at()}


def rows(conversations: int, days: int, seed: int = 7) -> Iterator[tuple]:
    rng = random.Random(seed)
    now = time.time()
    for n in range(conversations):
        start = now - days * 86400 * (1 - n / conversations)
        sender = f"bench-{n:06d}"
        for event in conversation_events(n, start, rng):
            yield (
                sender,
                event["event"],
                event["timestamp"],
                (event.get("parse_data") or {}).get("intent", {}).get("name"),
                event.get("name") if event["event"] == "action" else None,
                json.dumps(event, ensure_ascii=False),
            )


def create_tracker_schema(url: str) -> None:
    """Rasa's own SQLTrackerStore creates the table, exactly as in production."""
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        SQLTrackerStore(dialect="sqlite", db=parsed.database)
    else:
        SQLTrackerStore(
            dialect="postgresql",
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
        )


def fill(url: str, conversations: int, days: int) -> int:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    insert = "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES "
    count = 0
    batch: list[tuple] = []
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        connection = sqlite3.connect(parsed.database)
        flush = lambda: connection.executemany(insert + "(?, ?, ?, ?, ?, ?)", batch)  # noqa: E731
    else:
        import psycopg2
        from psycopg2.extras import execute_values

        connection = psycopg2.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
        )
        cursor = connection.cursor()
        flush = lambda: execute_values(cursor, insert + "%s", batch, page_size=5000)  # noqa: E731
    for row in rows(conversations, days):
        batch.append(row)
        if len(batch) == 50_000:
            flush()
            count += len(batch)
            batch.clear()
    flush()
    count += len(batch)
    connection.commit()
    connection.close()
    return count


def timed(action: Callable[[], Any], repeat: int = 5) -> tuple[float, float]:
    """Median and max milliseconds of ``repeat`` runs."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append((time.perf_counter() - started) * 1000)
    return statistics.median(seconds), max(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument(
        "--postgresql",
        help="tracker store and console tables in this PostgreSQL database (created)",
    )
    parser.add_argument(
        "--dir", default=None, help="where the SQLite files go (default: a temporary directory)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the pages on the stores a previous run left in --dir (no filling, the index"
        " migrated and refreshed incrementally)",
    )
    args = parser.parse_args()

    if args.postgresql:
        from ops.scaled import ensure_database

        tracker_url = args.postgresql
        console_url = (
            args.postgresql.rsplit("/", 1)[0] + "/" + args.postgresql.rsplit("/", 1)[1] + "_console"
        )
        for url in (tracker_url, console_url):
            ensure_database(url)
    else:
        folder = Path(args.dir or tempfile.mkdtemp(prefix="console-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        tracker_url = f"sqlite:///{folder / 'tracker.db'}"
        console_url = f"sqlite:///{folder / 'console.db'}"
    os.environ.update(
        {
            "TRACKER_STORE_URL": tracker_url,
            "CONSOLE_DATABASE_URL": console_url,
            "CONSOLE_SECRET_KEY": "bench-only",
            "CONSOLE_ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "console.settings",
        }
    )
    print(f"tracker store: {tracker_url}\nconsole tables: {console_url}")

    started = time.monotonic()
    if not args.reuse:
        create_tracker_schema(tracker_url)
        events = fill(tracker_url, args.conversations, args.days)
        print(
            f"filled {args.conversations:,} conversations / {events:,} events in {time.monotonic() - started:.0f} s"
        )

    import django
    from django.core.management import call_command

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from console.staff import conversation_index
    from console.staff.models import Conversation

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    conversation_index.refresh_index()
    build = time.monotonic() - started
    print(
        f"index built: {Conversation.objects.count():,} conversations in {build:.0f} s (once; then incremental)"
    )

    clients = {}
    for role in ("clinician", "reviewer"):
        user, _ = User.objects.get_or_create(username=f"bench-{role}")
        user.groups.set([Group.objects.get(name=role)])
        clients[role] = Client()
        clients[role].force_login(user)

    def page(role: str, path: str) -> Callable[[], None]:
        def get() -> None:
            response = clients[role].get(path)
            assert response.status_code == 200, (path, response.status_code)

        return get

    results = [
        ("list, first page (newest 50)", page("clinician", "/conversations/")),
        ("list, page 1000", page("clinician", "/conversations/?page=1000")),
        (
            "list, filtered: LINE + handed off",
            page("clinician", "/conversations/?channel=line&handed_off=yes"),
        ),
        (
            "list, filtered: English + fallback + 30 days",
            page(
                "clinician",
                "/conversations/?language=en&fallback=yes&date_from="
                + time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400)),
            ),
        ),
        (
            "search 'สะเก็ดเงิน' (clinician)",
            page(
                "clinician",
                "/conversations/?q=%E0%B8%AA%E0%B8%B0%E0%B9%80%E0%B8%81%E0%B9%87%E0%B8%94%E0%B9%80%E0%B8%87%E0%B8%B4%E0%B8%99",
            ),
        ),
        ("search a phone number (clinician)", page("clinician", "/conversations/?q=080-000-0000")),
        ("search 'eczema' (reviewer, masked text)", page("reviewer", "/conversations/?q=eczema")),
        ("handoff queue (urgent first)", page("clinician", "/queue/")),
        ("analytics, 30 days (with ratings)", page("clinician", "/analytics/?days=30")),
        ("could not answer, 30 days (clinician)", page("clinician", "/analytics/unanswered/")),
        (
            "could not answer, 90 days (reviewer, masked)",
            page("reviewer", "/analytics/unanswered/?days=90"),
        ),
    ]
    from console.staff.models import Rating, UnansweredMessage

    print(
        f"index holds {Conversation.objects.filter(paused=True).exclude(urgent='').count():,}"
        f" urgent of {Conversation.objects.filter(paused=True).count():,} waiting,"
        f" {Rating.objects.count():,} ratings, {UnansweredMessage.objects.count():,}"
        " unanswered messages"
    )
    print(f"\n{'page':48} {'median ms':>10} {'max ms':>8}")
    for name, action in results:
        median, worst = timed(action)
        print(f"{name:48} {median:10.0f} {worst:8.0f}")
    import re

    body = clients["clinician"].get("/analytics/unanswered/").content.decode()
    export = re.search(r'href="(/analytics/unanswered/new-question\.yml\?[^"]+)"', body)
    if export:
        median, worst = timed(page("clinician", export.group(1).replace("&amp;", "&")))
        print(f"{'export a group as a new question':48} {median:10.0f} {worst:8.0f}")
    sizes = re.findall(r'data-language="(\w+)"|data-size="(\d+)"', body)
    print("group sizes:", " ".join(lang or size for lang, size in sizes))

    fill_more = list(rows(10, 1, seed=99))
    from console.staff.models import TrackerEvent

    TrackerEvent.objects.bulk_create(
        [
            TrackerEvent(
                sender_id="new-" + r[0],
                type_name=r[1],
                timestamp=r[2],
                intent_name=r[3],
                action_name=r[4],
                data=r[5],
            )
            for r in fill_more
        ]
    )
    median, worst = timed(lambda: conversation_index.refresh_index(), repeat=1)
    print(f"{'incremental refresh after 10 new conversations':48} {median:10.0f} {worst:8.0f}")
    median, worst = timed(lambda: conversation_index.refresh_index())
    print(f"{'refresh with nothing new (every list/queue load)':48} {median:10.0f} {worst:8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
