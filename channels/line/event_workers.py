"""Workers that answer the stored LINE events: one conversation at a time, in order.

``wake(conversation)`` (called by the webhook once the events are stored) starts a worker
for the conversation unless one runs in this process already. The worker claims the
conversation's oldest unanswered event from the store (``LineEventStore.claim``), answers
it, marks it finished, and goes on until none is left or another instance holds the next
one. While a turn runs its lease is renewed every third of the lease, so a slow turn keeps
it and a dead process loses it within ``lease_seconds``.

A sweep every ``sweep_seconds`` wakes the conversations whose unanswered events nobody
holds: events left by a process that died (their lease expired), events stored by an
instance that stopped before answering, and the rare event whose instance saw the
conversation busy elsewhere just before the other worker finished. So every stored event
is answered, by whichever instance is alive.

The store's calls run on threads (``asyncio.to_thread``): a PostgreSQL round trip or a
disk sync does not hold up the event loop, which goes on answering other patients.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Awaitable, Callable, Optional

from sqlalchemy.exc import SQLAlchemyError

from channels.line.event_store import ClaimedEvent, LineEventStore

logger = logging.getLogger(__name__)

Handler = Callable[[ClaimedEvent], Awaitable[None]]
FINISH_RETRY_SECONDS = 1.0


class EventWorkers:
    """The workers of one process over a shared ``LineEventStore``."""

    def __init__(self, store: LineEventStore, handle: Handler, sweep_seconds: float) -> None:
        self.store = store
        self.handle = handle
        self.sweep_seconds = sweep_seconds
        self._workers: dict[str, asyncio.Task] = {}
        self._sweeper: Optional[asyncio.Task] = None
        self._stopping = False

    @property
    def busy(self) -> int:
        """Conversations with a worker running in this process."""
        return len(self._workers)

    def wake(self, conversation: str) -> None:
        """Makes sure a worker of this process answers ``conversation``'s events."""
        if self._stopping or conversation in self._workers:
            return
        task = asyncio.get_running_loop().create_task(self._work(conversation))
        self._workers[conversation] = task

    def start_sweeping(self) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def finish(self, timeout: float) -> bool:
        """Stops sweeping, lets the running workers finish (or ``timeout`` pass); True if
        all did. Events left unanswered stay stored for the next start or another instance."""
        if self._sweeper:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._workers and loop.time() < deadline:
            await asyncio.wait(set(self._workers.values()), timeout=deadline - loop.time())
        self._stopping = True
        return not self._workers

    async def sweep(self) -> None:
        """Wakes every conversation with unanswered events nobody holds."""
        for conversation in await asyncio.to_thread(self.store.waiting_conversations):
            self.wake(conversation)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except SQLAlchemyError as error:
                logger.warning("LINE event store not readable: %s", error)
            await asyncio.sleep(self.sweep_seconds)

    async def _work(self, conversation: str) -> None:
        try:
            while True:
                claimed = await asyncio.to_thread(self.store.claim, conversation)
                if claimed is None:  # none left, or another instance is answering one
                    return
                await self._answer(claimed)
        except SQLAlchemyError as error:  # the sweep tries again once the database is back
            logger.warning("LINE events of %s wait: event store error %s", conversation, error)
        finally:
            del self._workers[conversation]

    async def _answer(self, event: ClaimedEvent) -> None:
        lease = asyncio.get_running_loop().create_task(self._keep_lease(event))
        try:
            try:
                await self.handle(event)
            except Exception:  # one failed event must not stop the conversation
                logger.exception("LINE event %s of %s failed.", event.event_id, event.conversation)
            await self._finish(event)
        finally:
            lease.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lease

    async def _finish(self, event: ClaimedEvent) -> None:
        """Marks the event done, retrying while the database is away (the lease is still
        renewed meanwhile): an answered event that stayed open would be answered again."""
        while True:
            try:
                finished = await asyncio.to_thread(self.store.finish, event)
                break
            except SQLAlchemyError as error:
                logger.warning("LINE event %s answered, not yet marked: %s", event.event_id, error)
                await asyncio.sleep(FINISH_RETRY_SECONDS)
        if not finished:
            logger.warning(
                "LINE event %s: lease lost before it was finished (the turn took longer than "
                "the lease and another worker may answer it too).",
                event.event_id,
            )

    async def _keep_lease(self, event: ClaimedEvent) -> None:
        while True:
            await asyncio.sleep(self.store.lease_seconds / 3)
            try:
                if not await asyncio.to_thread(self.store.renew, event):
                    logger.warning("LINE event %s: lease lost while answering.", event.event_id)
                    return
            except SQLAlchemyError as error:
                logger.warning("LINE event %s: lease not renewed: %s", event.event_id, error)
