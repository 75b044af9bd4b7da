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


def test_finish_waits_for_queued_and_newly_submitted_jobs_and_reports_a_timeout():
    done: list[str] = []

    async def scenario() -> tuple[bool, bool]:
        queues = ConversationQueues()

        def job(name: str, pause: float, then=None):
            async def run():
                await asyncio.sleep(pause)
                done.append(name)
                if then:
                    then()

            return run

        queues.submit("a", job("a1", 0.05, then=lambda: queues.submit("b", job("b1", 0.05))))
        queues.submit("a", job("a2", 0.0))
        finished = await queues.finish(timeout=5)
        queues.submit("c", job("slow", 1.0))
        timed_out = await queues.finish(timeout=0.1)
        return finished, timed_out

    finished, timed_out = asyncio.run(scenario())
    assert finished is True
    assert done == ["a1", "a2", "b1"]
    assert timed_out is False
