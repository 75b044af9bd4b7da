"""Figures for the analytics page, from the derived index (one period at a time)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional

from django.db.models import Count, Q, Sum
from django.utils import timezone

from console.staff.models import Conversation, ConversationDay, Handoff, Rating


@dataclass
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def datetimes(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        return start, dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


@dataclass
class RatingRow:
    """How patients rated the answers to one specific question (or a topic's overview)."""

    topic: str
    question: str
    language: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_percent(self) -> int:
        return round(100 * self.helpful / self.total) if self.total else 0


def rating_rows(period: Period, top: int = 25) -> list[RatingRow]:
    """Ratings per topic, specific question and language: the most rated first."""
    rows = (
        Rating.objects.filter(day__gte=period.start, day__lte=period.end)
        .values("topic", "question", "language")
        .annotate(
            n_helpful=Count("pk", filter=Q(helpful=True)),
            n_not_helpful=Count("pk", filter=Q(helpful=False)),
            total=Count("pk"),
        )
        .order_by("-total", "-n_not_helpful", "topic", "question", "language")[:top]
    )
    return [
        RatingRow(r["topic"], r["question"], r["language"], r["n_helpful"], r["n_not_helpful"])
        for r in rows
    ]


@dataclass
class WeekRow:
    """One week in one language: what the clinic asks of the assistant."""

    week: dt.date  # its Monday
    language: str
    conversations: int = 0  # started that week
    without_handoff: int = 0
    messages: int = 0
    fallbacks: int = 0
    rated: int = 0
    helpful: int = 0

    @staticmethod
    def _percent(part: int, whole: int) -> Optional[int]:
        return round(100 * part / whole) if whole else None

    @property
    def without_handoff_percent(self) -> Optional[int]:
        return self._percent(self.without_handoff, self.conversations)

    @property
    def fallback_percent(self) -> Optional[int]:
        return self._percent(self.fallbacks, self.messages)

    @property
    def helpful_percent(self) -> Optional[int]:
        return self._percent(self.helpful, self.rated)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly(period: Period) -> list[WeekRow]:
    """Per week and language: conversations handled without a handoff, fallback rate,
    helpful rate. Weeks start on Monday; the first and last may be partial.

    Counted per day in SQL and added up per week here: grouping by week in SQL needs the
    database's time-zone functions, which SQLite runs in Python (several times slower).
    """
    rows: dict[tuple[dt.date, str], WeekRow] = {}

    def row(day: dt.date, language: str) -> WeekRow:
        key = (_monday(day), language or "?")
        return rows.setdefault(key, WeekRow(*key))

    zone = timezone.get_current_timezone()
    week = _monday(period.start)
    while week <= period.end:
        start = dt.datetime.combine(max(week, period.start), dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(
            min(week + dt.timedelta(days=7), period.end + dt.timedelta(days=1)),
            dt.time.min,
            tzinfo=zone,
        )
        for found in (
            Conversation.objects.filter(started_at__gte=start, started_at__lt=end)
            .values("language")
            .annotate(n=Count("pk"), without=Count("pk", filter=Q(handed_off=False)))
            .order_by()
        ):
            target = row(week, found["language"])
            target.conversations += found["n"]
            target.without_handoff += found["without"]
        week += dt.timedelta(days=7)
    for found in (
        ConversationDay.objects.filter(day__gte=period.start, day__lte=period.end)
        .values("day", "language")
        .annotate(n=Sum("user_messages"), fallbacks=Sum("fallbacks"))
        .order_by()
    ):
        target = row(found["day"], found["language"])
        target.messages += found["n"] or 0
        target.fallbacks += found["fallbacks"] or 0
    for found in (
        Rating.objects.filter(day__gte=period.start, day__lte=period.end)
        .values("day", "language")
        .annotate(n=Count("pk"), n_helpful=Count("pk", filter=Q(helpful=True)))
        .order_by()
    ):
        target = row(found["day"], found["language"])
        target.rated += found["n"]
        target.helpful += found["n_helpful"]
    return sorted(rows.values(), key=lambda r: (r.week, r.language))


WEEKDAYS = range(7)  # Monday first, as datetime.weekday()


def first_reply_by_weekday(period: Period) -> list[tuple[int, Optional[float], int]]:
    """(weekday, median minutes from handoff to the first staff reply, handoffs answered),
    by the weekday the patient was handed off, in the clinic's time zone."""
    zone = timezone.get_current_timezone()
    start, end = period.datetimes()
    waits: dict[int, list[float]] = defaultdict(list)
    for paused, answered in (
        Handoff.objects.filter(paused_at__gte=start, paused_at__lt=end)
        .exclude(answered_at=None)
        .values_list("paused_at", "answered_at")
        .iterator(5000)
    ):
        waits[paused.astimezone(zone).weekday()].append((answered - paused).total_seconds() / 60)
    return [
        (day, statistics.median(waits[day]) if waits[day] else None, len(waits[day]))
        for day in WEEKDAYS
    ]


@dataclass
class Figures:
    period: Period
    by_language: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    by_channel: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    safety_by_day: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    top_topics: list[tuple[str, int]] = field(default_factory=list)
    user_messages: int = 0
    fallbacks: int = 0
    conversations: int = 0
    handed_off: int = 0
    handoffs: int = 0
    waiting_median_minutes: Optional[float] = None
    waiting_p90_minutes: Optional[float] = None
    still_waiting: int = 0
    ratings: list[RatingRow] = field(default_factory=list)
    top_questions: list[tuple[str, int]] = field(default_factory=list)
    weeks: list[WeekRow] = field(default_factory=list)
    first_reply: list[tuple[int, Optional[float], int]] = field(default_factory=list)
    helpful_by_language: dict[str, tuple[int, int]] = field(default_factory=dict)  # helpful, all

    @property
    def fallback_rate(self) -> Optional[float]:
        return self.fallbacks / self.user_messages if self.user_messages else None

    @property
    def handoff_rate(self) -> Optional[float]:
        return self.handed_off / self.conversations if self.conversations else None


def _series(rows, key: str, value: str) -> dict[str, dict[dt.date, int]]:
    series: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        if row[value]:
            series[row[key] or "?"][row["day"]] = row[value]
    return dict(series)


def figures(period: Period, top: int = 10) -> Figures:
    days = ConversationDay.objects.filter(day__gte=period.start, day__lte=period.end)
    result = Figures(period)
    result.by_language = _series(
        days.values("day", "language").annotate(n=Sum("user_messages")), "language", "n"
    )
    result.by_channel = _series(
        days.values("day", "channel").annotate(n=Sum("user_messages")), "channel", "n"
    )
    safety = days.values("day").annotate(n=Sum("safety_events"))
    result.safety_by_day = {"safety": {row["day"]: row["n"] for row in safety if row["n"]}}
    totals = days.aggregate(messages=Sum("user_messages"), fallbacks=Sum("fallbacks"))
    result.user_messages = totals["messages"] or 0
    result.fallbacks = totals["fallbacks"] or 0
    topics: Counter[str] = Counter()
    for joined in days.exclude(topics="").values_list("topics", flat=True).iterator(5000):
        topics.update(t for t in joined.split(",") if t)
    result.top_topics = topics.most_common(top)
    questions: Counter[str] = Counter()
    for joined in days.exclude(questions="").values_list("questions", flat=True).iterator(5000):
        questions.update(q for q in joined.split(",") if q)
    result.top_questions = questions.most_common(top)
    result.weeks = weekly(period)
    result.first_reply = first_reply_by_weekday(period)
    result.conversations = days.values("conversation").distinct().count()
    start, end = period.datetimes()
    handoffs = Handoff.objects.filter(paused_at__gte=start, paused_at__lt=end)
    result.handoffs = handoffs.count()
    result.handed_off = handoffs.values("conversation").distinct().count()
    waits = sorted(
        (answered - paused).total_seconds() / 60
        for paused, answered in handoffs.exclude(answered_at=None).values_list(
            "paused_at", "answered_at"
        )
    )
    result.still_waiting = handoffs.filter(answered_at=None).count()
    result.ratings = rating_rows(period)
    for row in (
        Rating.objects.filter(day__gte=period.start, day__lte=period.end)
        .values("language")
        .annotate(n_helpful=Count("pk", filter=Q(helpful=True)), total=Count("pk"))
        .order_by("language")
    ):
        result.helpful_by_language[row["language"]] = (row["n_helpful"], row["total"])
    if waits:
        result.waiting_median_minutes = statistics.median(waits)
        result.waiting_p90_minutes = waits[min(len(waits) - 1, int(len(waits) * 0.9))]
    return result
