"""Sends the day-before reminders of confirmed consultations to LINE patients, once each."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Optional

from django.core.management.base import BaseCommand

from console.staff import reminders

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Plans and sends the LINE reminders due (the day before a confirmed consultation, "
        "from the clinic's reminder_time). --loop SECONDS: keep doing it (the run stack's way)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="run every SECONDS, forever")
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            default=None,
            help="plan as at this ISO moment (catching up after an outage; tests)",
        )

    def handle(self, loop: float, now: Optional[datetime], **options) -> None:
        while True:
            try:
                planned = reminders.plan(now)
                sent = reminders.deliver()
            except Exception:  # a loop must outlive a database or network hiccup
                if not loop:
                    raise
                logger.exception("Booking reminders failed; trying again in %s s", loop)
            else:
                if planned or sent or not loop:
                    self.stdout.write(f"Reminders: {planned} planned, {sent} sent.")
            if not loop:
                return
            time.sleep(loop)
