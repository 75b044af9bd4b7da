"""Optional event broker: with EVENT_BROKER_URL set, Rasa publishes every conversation event
to RabbitMQ (Rasa's ``pika`` broker), read back here from the queue."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import aio_pika
import pytest

from harness.assistant_client import AssistantClient
from ops.stack import make_stack, private_overrides
from tests.e2e.conftest import ARTIFACTS
from tests.trained_model import require_trained_model

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BROKER_URL = "amqp://guest:guest@127.0.0.1:5672"


async def _connect() -> aio_pika.abc.AbstractConnection:
    # aio_pika (Rasa's own RabbitMQ client), not pika: that one is not in the lock.
    return await asyncio.wait_for(aio_pika.connect(BROKER_URL), 5)


async def _reachable() -> None:
    connection = await _connect()
    await connection.close()


async def _delete_queue(name: str) -> None:
    connection = await _connect()
    async with connection:
        await (await connection.channel()).queue_delete(name)


async def _events_in(name: str, sender: str, timeout: float) -> list[dict]:
    found: list[dict] = []
    deadline = time.monotonic() + timeout
    connection = await _connect()
    async with connection:
        queue = await (await connection.channel()).get_queue(name)
        while time.monotonic() < deadline and not answered(found):
            message = await queue.get(no_ack=True, fail=False)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            event = json.loads(message.body)
            if event.get("sender_id") == sender:
                found.append(event)
    return found


@pytest.fixture
def queue():
    """A queue name of our own on the machine's RabbitMQ (the queue is deleted afterwards)."""
    try:
        asyncio.run(_reachable())
    except (OSError, asyncio.TimeoutError, aio_pika.exceptions.AMQPError) as error:
        pytest.skip(
            f"RabbitMQ is not reachable at 127.0.0.1:5672 ({type(error).__name__}); "
            "start it with `rabbitmq-server -detached`"
        )
    name = f"rasa_events_test_{uuid.uuid4().hex[:8]}"
    yield name
    asyncio.run(_delete_queue(name))


def answered(events: list[dict]) -> bool:
    """A user message and a bot message after it."""
    kinds = [e["event"] for e in events]
    return "user" in kinds and "bot" in kinds[kinds.index("user") :]


def events_in(name: str, sender: str, timeout: float = 30.0) -> list[dict]:
    """The events of ``sender`` taken from the queue until the first message was answered."""
    return asyncio.run(_events_in(name, sender, timeout))


def test_with_a_broker_url_every_event_reaches_the_rabbitmq_queue(tmp_path, queue):
    require_trained_model()
    stack = make_stack(
        {
            **private_overrides(f"sqlite:///{tmp_path / 'tracker.db'}"),
            "EVENT_BROKER_URL": BROKER_URL,
            "EVENT_BROKER_QUEUE": queue,
        },
        log_dir=ARTIFACTS / "logs" / "event-broker",
    )
    try:
        stack.start()
        sender = f"broker-{uuid.uuid4().hex[:8]}"
        assistant = AssistantClient(stack.rasa_url, stack.token)
        assert assistant.say(sender, "what is uc-msc therapy")
        events = events_in(queue, sender)
    finally:
        stack.stop()
    user = [e for e in events if e["event"] == "user"]
    assert [e["text"] for e in user] == ["what is uc-msc therapy"]
    assert user[0]["parse_data"]["intent"]["name"]
    assert answered(events)  # the answer follows, as in the tracker store
