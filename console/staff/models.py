"""The console's tables, and Rasa's ``events`` table read from the tracker store.

The tracker store stays the single record of every conversation. ``Conversation``,
``ConversationDay`` and ``Handoff`` are a derived index of it (rebuilt from the events at
any time, ``refresh_conversation_index``) so lists and charts stay fast at 100,000
conversations; reviews, flags, notes, claims and the audit log are the console's own.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackerEvent(models.Model):
    """One row of Rasa's SQL tracker store (``rasa.core.tracker_store.SQLTrackerStore``)."""

    id = models.AutoField(primary_key=True)
    sender_id = models.CharField(max_length=255, db_index=True)
    type_name = models.CharField(max_length=255)
    timestamp = models.FloatField(null=True)
    intent_name = models.CharField(max_length=255, null=True)
    action_name = models.CharField(max_length=255, null=True)
    data = models.TextField(null=True)

    class Meta:
        managed = False  # Rasa creates and migrates it
        db_table = "events"

    def as_dict(self) -> dict[str, Any]:
        """The event as Rasa serialised it, plus our row id."""
        event = json.loads(self.data or "{}")
        event["_id"] = self.id
        return event


# ---- derived index of the tracker store -------------------------------------------------


class Conversation(models.Model):
    """One conversation (a Rasa ``sender_id``), summarised for the list and the queue."""

    sender_id = models.CharField(max_length=255, unique=True)
    channel = models.CharField(max_length=32, db_index=True)  # rest, socketio, line
    language = models.CharField(max_length=8, db_index=True)  # the latest turn's
    languages = models.CharField(max_length=32)  # ",th,en,": every language used
    first_question = models.TextField(blank=True)
    topics = models.TextField(blank=True)  # ",therapy.cost,handoff.offer,"
    handed_off = models.BooleanField(default=False)
    safety = models.BooleanField(default=False)
    fallback = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True)
    handoff_reason = models.CharField(max_length=64, blank=True)
    handoff_summary = models.TextField(blank=True)
    # While paused: the safety topic (safety.distress / safety.emergency) that puts the
    # conversation at the top of the queue; empty when the handoff is not urgent.
    urgent = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField()
    last_activity = models.DateTimeField()
    user_messages = models.IntegerField(default=0)
    search_text = models.TextField(blank=True)  # patient and staff messages
    search_text_masked = models.TextField(blank=True)  # the same for reviewers

    class Meta:
        indexes = [
            models.Index(fields=["-last_activity"], name="conv_last_activity"),
            models.Index(fields=["paused", "urgent", "paused_at"], name="conv_queue_urgent"),
            models.Index(fields=["started_at"], name="conv_started"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]


class ConversationDay(models.Model):
    """Messages of one conversation on one day in one language: the analytics' unit."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(db_index=True)
    language = models.CharField(max_length=8)
    channel = models.CharField(max_length=32)
    user_messages = models.IntegerField(default=0)
    bot_messages = models.IntegerField(default=0)
    fallbacks = models.IntegerField(default=0)
    safety_events = models.IntegerField(default=0)
    topics = models.TextField(blank=True)  # one entry per answer: ",therapy.cost,therapy.cost,"
    questions = models.TextField(blank=True)  # one entry per specific answer, the same way


class Handoff(models.Model):
    """One pause of a conversation for staff, with when staff first answered."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="handoffs"
    )
    paused_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=64, blank=True)
    answered_at = models.DateTimeField(null=True)  # first staff reply (or hand back)
    resumed_at = models.DateTimeField(null=True)


class Rating(models.Model):
    """A patient's rating of one knowledge answer ("Was this helpful?"), by day and language."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="ratings")
    day = models.DateField(db_index=True)
    language = models.CharField(max_length=8)
    topic = models.CharField(max_length=64)
    question = models.CharField(max_length=128, blank=True)  # empty: the topic's overview
    helpful = models.BooleanField()
    answer_event_id = models.BigIntegerField()  # tracker event of the answer rated
    asked_event_id = models.BigIntegerField(null=True)  # the patient message it answered


class UnansweredMessage(models.Model):
    """A patient message the assistant could not answer (a fallback, or a question whose
    answer was rated not helpful): the "What we could not answer" page groups them.

    A derived copy of the text, like the conversation's ``search_text``: deleted with the
    conversation, rebuilt from the tracker store.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="unanswered"
    )
    event_id = models.BigIntegerField()
    day = models.DateField()
    language = models.CharField(max_length=8)
    reason = models.CharField(max_length=16)  # fallback, not_helpful
    text = models.TextField()
    text_masked = models.TextField()
    wording = models.TextField(blank=True)  # console.staff.wording of the masked text, spaced

    class Meta:
        indexes = [models.Index(fields=["language", "day"], name="unanswered_language_day")]


class BookingRequest(models.Model):
    """A consultation request as it stands (assistant/booking.py ``booking_states``).

    Rebuilt from the conversation's events like the rest of the index, and deleted with
    the conversation: retention and per-person deletion cover it.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="booking_requests"
    )
    reference = models.CharField(max_length=32, db_index=True)
    status = models.CharField(max_length=32, db_index=True)
    name = models.CharField(max_length=128, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    wish = models.CharField(max_length=64, blank=True)  # "2026-12-15 14:00" / "... morning"
    wish_text = models.TextField(blank=True)  # the patient's own words
    final_time = models.CharField(max_length=64, blank=True)
    condition = models.CharField(max_length=128, blank=True)
    note = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    channel = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)  # why staff declined or proposed another time
    submitted_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]


class BookingReminder(models.Model):
    """The reminder of one confirmed consultation, the day before (console/staff/reminders.py).

    Written before the push, with the LINE retry key the push will use: a process that
    stops between writing and sending, or between sending and ``sent_at``, sends again
    with the same key on the next run, and LINE delivers a retried push only once.
    """

    reference = models.CharField(max_length=32, unique=True)
    sender_id = models.CharField(max_length=255)
    appointment = models.CharField(max_length=64)  # "2026-12-16 14:30"
    retry_key = models.CharField(max_length=36)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, db_index=True)


class IndexState(models.Model):
    """How far the index has read the tracker store (one row)."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True)


# ---- the console's own data ---------------------------------------------------------------


class Claim(models.Model):
    """Which clinician is handling a handed-off conversation."""

    sender_id = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    claimed_at = models.DateTimeField(auto_now=True)


class Review(models.Model):
    """A conversation marked reviewed."""

    sender_id = models.CharField(max_length=255, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Note(models.Model):
    """A staff note on a conversation."""

    sender_id = models.CharField(max_length=255, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)


class Flag(models.Model):
    """A bot answer marked wrong: the patient message it answered and the right intent.

    Holds the tracker's event id, not a copy of the text: deleting the conversation from
    the tracker store leaves no personal data here.
    """

    sender_id = models.CharField(max_length=255, db_index=True)
    user_event_id = models.BigIntegerField()
    corrected_intent = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_event_id"], name="one_flag_per_message")
        ]


class LoginFailure(models.Model):
    """A failed sign-in, for rate limiting (kept for the rate-limit window only)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class AuditEntry(models.Model):
    """Who viewed, replied, exported or deleted what."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        SEARCH = "search", _("searched")
        CLAIM = "claim", _("claimed")
        REPLY = "reply", _("replied")
        HAND_BACK = "hand_back", _("handed back")
        REVIEW = "review", _("reviewed")
        FLAG = "flag", _("flagged")
        NOTE = "note", _("added a note")
        EXPORT = "export", _("exported")
        DELETE = "delete", _("deleted")
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed to sign in")
        BOOKING_CONFIRM = "booking_confirm", _("confirmed a booking")
        BOOKING_PROPOSE = "booking_propose", _("proposed another booking time")
        BOOKING_DECLINE = "booking_decline", _("declined a booking")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    username = models.CharField(max_length=150)  # kept when the account is deleted
    action = models.CharField(max_length=16, choices=Action.choices)
    target = models.CharField(max_length=255, blank=True)  # a sender_id, a file, a command
    detail = models.TextField(blank=True)
    address = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
