"""Brings the console's conversation index up to date with the tracker store."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from console.staff.conversation_index import refresh_index
from console.staff.models import Conversation, IndexState


class Command(BaseCommand):
    help = "Reads new tracker-store events into the conversation index (--rebuild: from scratch)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="drop the index and read every event again"
        )

    def handle(self, rebuild: bool, **options) -> None:
        started = time.monotonic()
        if rebuild:
            Conversation.objects.all().delete()
            IndexState.objects.all().delete()

        def progress(last_id: int, rebuilt: int) -> None:
            self.stdout.write(
                f"  events up to id {last_id}, {rebuilt} conversations ({time.monotonic() - started:.0f} s)"
            )

        rebuilt = refresh_index(progress=progress)
        self.stdout.write(
            f"Index up to date: {rebuilt} conversations rebuilt in {time.monotonic() - started:.1f} s."
        )
