"""The day-before reminder of a confirmed consultation, by LINE push, sent exactly once.

Chosen scheduler: a periodic command in the run stack (``send_booking_reminders --loop``),
over rows in the console's database. Not Rasa's reminders: they live in the tracker's
memory of scheduled jobs and are lost when the Rasa process restarts (the default
APScheduler job store is in memory). Not a job queue (Celery, RQ): none is in the lock and
a broker would be one more service for one query a minute.

Exactly once: ``plan`` writes a ``BookingReminder`` row (unique per request, with a fresh
LINE retry key) and commits before anything is sent; ``deliver`` pushes every row without
``sent_at`` using that row's retry key, then sets ``sent_at``. If the process stops after
planning, the next run sends; if it stops after LINE accepted the push but before
``sent_at`` was saved, the next run pushes again with the same key and LINE answers 409
(already accepted) instead of delivering twice. The reminder is then recorded in the
conversation through Rasa's HTTP API (stored, not sent again).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta
from typing import Optional

from django.db import IntegrityError, transaction
from django.utils import timezone

from assistant.booking_slots import describe_requested
from assistant.booking_time import RequestedTime
from assistant.clinic import clinic
from assistant.content import load_content
from assistant.placeholders import placeholder_values
from assistant.settings import Settings
from assistant.settings import settings as assistant_settings
from console.staff import conversation_index, rasa_api
from console.staff.models import BookingReminder, BookingRequest
from line_api.client import LineApiError, LineClient

logger = logging.getLogger(__name__)
LINE_CHANNEL = "line"


def due(now: Optional[datetime] = None) -> list[BookingRequest]:
    """Confirmed LINE consultations tomorrow (clinic time), once the reminder time is past."""
    place = clinic()
    local = place.local(now)
    if local.time() < place.reminder_time:
        return []
    tomorrow = (local + timedelta(days=1)).date().isoformat()
    return list(
        BookingRequest.objects.filter(
            status="confirmed", channel=LINE_CHANNEL, final_time__startswith=tomorrow
        ).select_related("conversation")
    )


def plan(now: Optional[datetime] = None) -> int:
    """Writes a reminder row for every request due (once each); returns how many are new."""
    conversation_index.refresh_index()
    planned = 0
    for request in due(now):
        try:
            with transaction.atomic():
                BookingReminder.objects.create(
                    reference=request.reference,
                    sender_id=request.conversation.sender_id,
                    appointment=request.final_time,
                    retry_key=str(uuid.uuid4()),
                )
            planned += 1
        except IntegrityError:
            pass  # planned before: one row per request
    return planned


def reminder_texts(reminder: BookingReminder, language: str) -> list[str]:
    place = clinic()
    values = {
        **placeholder_values(language, place, assistant_settings()),
        "reference": reminder.reference,
        "wish": describe_requested(RequestedTime.from_label(reminder.appointment), place, language),
    }
    reply = load_content().messages["booking.reminder"]
    return [text.format_map(values) for text in reply.messages[language]]


async def _push_all(pending: list[BookingReminder], languages: dict[str, str]) -> list[int]:
    env = Settings.load().env
    sent = []
    async with LineClient(env["LINE_CHANNEL_ACCESS_TOKEN"], env["LINE_API_BASE_URL"]) as client:
        for reminder in pending:
            texts = reminder_texts(reminder, languages.get(reminder.reference, "th"))
            try:
                await client.push(
                    reminder.sender_id,
                    [{"type": "text", "text": text} for text in texts],
                    retry_key=reminder.retry_key,
                )
            except LineApiError as error:
                logger.warning("Reminder %s not sent yet: %s", reminder.reference, error)
                continue
            sent.append(reminder.pk)
    return sent


def deliver() -> int:
    """Pushes every planned reminder not yet sent; returns how many were sent now."""
    pending = list(BookingReminder.objects.filter(sent_at__isnull=True).order_by("pk"))
    if not pending:
        return 0
    languages = dict(
        BookingRequest.objects.filter(reference__in=[r.reference for r in pending]).values_list(
            "reference", "language"
        )
    )
    sent = asyncio.run(_push_all(pending, languages))
    for reminder in pending:
        if reminder.pk not in sent:
            continue
        language = languages.get(reminder.reference, "th")
        try:
            rasa_api.record_bot_message(
                reminder.sender_id,
                reminder_texts(reminder, language),
                language,
                {"booking_reminder": reminder.reference},
            )
        except rasa_api.RasaUnavailable as error:
            logger.warning("Reminder %s sent but not recorded: %s", reminder.reference, error)
        BookingReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return len(sent)
