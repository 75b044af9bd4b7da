"""Events of one conversation run one at a time in arrival order; others run alongside."""
from __future__ import annotations

import asyncio

from channels.line.channel import ConversationQueues, RecentIds


def test_one_conversation_in_order_others_in_parallel():
    log: list[str] = []

    async def scenario():
        queues = ConversationQueues()

        def job(name: str, pause: float):
            async def run():
                log.append(f"start {name}")
                await asyncio.sleep(pause)
                log.append(f"end {name}")
            return run

        queues.submit("a", job("a1", 0.05))
        queues.submit("a", job("a2", 0.0))
        queues.submit("b", job("b1", 0.0))
        while queues.busy:
            await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert log.index("end a1") < log.index("start a2")
    assert log.index("end b1") < log.index("end a1")  # b did not wait for a


def test_a_failing_event_does_not_stop_the_next():
    done: list[str] = []

    async def scenario():
        queues = ConversationQueues()

        async def fail():
            raise RuntimeError("boom")

        async def ok():
            done.append("ok")

        queues.submit("a", fail)
        queues.submit("a", ok)
        while queues.busy:
            await asyncio.sleep(0.01)

    asyncio.run(scenario())
    assert done == ["ok"]


def test_recent_ids_remember_a_bounded_number():
    ids = RecentIds(2)
    assert ids.add("e1") and not ids.add("e1")
    ids.add("e2"), ids.add("e3")
    assert ids.add("e1")  # forgotten: the oldest goes first
