"""Retention: deletes conversations whose last event is older than N days, and the ids of
LINE events answered more than ``LINE_EVENT_RETENTION_DAYS`` ago."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.staff import tracker_store
from console.staff.deletion import delete_conversations

ACTOR = "retention (purge_old_conversations)"


class Command(BaseCommand):
    help = (
        "Deletes conversations inactive for more than --days days from the tracker store "
        "(audited), and LINE events answered more than --line-event-days days ago."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.RETENTION_DAYS,
            help="keep conversations active within this many days (default RETENTION_DAYS)",
        )
        parser.add_argument(
            "--line-event-days",
            type=int,
            default=settings.LINE_EVENT_RETENTION_DAYS,
            help="keep the ids of answered LINE events this many days, to recognise LINE's "
            "redeliveries (default LINE_EVENT_RETENTION_DAYS)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only say what would be deleted")

    def handle(self, days: int, line_event_days: int, dry_run: bool, **options) -> None:
        if days < 1 or line_event_days < 1:
            raise CommandError("--days and --line-event-days must be at least 1")
        senders = tracker_store.senders_inactive_before(time.time() - days * 86400)
        events = tracker_store.count_events(senders)
        if dry_run:
            self.stdout.write(
                f"Would delete {len(senders)} conversations ({events} events) inactive for over {days} days."
            )
            return
        deleted = delete_conversations(
            senders, f"retention: inactive for over {days} days", username=ACTOR
        )
        self.stdout.write(
            f"Deleted {len(senders)} conversations ({deleted} events) inactive for over {days} days."
        )
        answered = tracker_store.purge_answered_line_events(time.time() - line_event_days * 86400)
        self.stdout.write(
            f"Deleted {answered} LINE events answered over {line_event_days} days ago."
        )
