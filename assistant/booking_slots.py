"""Whether the clinic is open when a patient would like to come, and the nearest times it is.

A consultation request needs a day the clinic opens and a time inside its hours (or a
part of the day that overlaps them), far enough ahead for staff to confirm it. When the
wish is outside, ``nearest_open_times`` offers the open times closest to it: on the asked
day if it opens, otherwise the same time of day on the nearest open days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal, Optional

from assistant.booking_time import PERIOD_SPANS, RequestedTime
from assistant.clinic import WEEKDAYS, Clinic

Problem = Literal["no_day", "past", "holiday", "closed", "outside_hours"]
# A request needs this much notice; offered times are on the hour.
NOTICE = timedelta(hours=2)
# The time of day a part of the day stands for when offering other days.
_PERIOD_TARGET = {"morning": time(10), "afternoon": time(14), "evening": time(17)}


def problem_with(requested: RequestedTime, clinic: Clinic, now: datetime) -> Optional[Problem]:
    """Why the clinic cannot see the patient then (None: it can, as far as hours go)."""
    if requested.day is None:
        return "no_day"
    local_now = clinic.local(now)
    if requested.day < local_now.date():
        return "past"
    if clinic.holiday_on(requested.day):
        return "holiday"
    span = clinic.hours_on(requested.day)
    if span is None:
        return "closed"
    opens, closes = span
    if requested.at is not None:
        if not opens <= requested.at < closes:
            return "outside_hours"
        moment = datetime.combine(requested.day, requested.at, clinic.timezone)
        return "past" if moment < local_now + NOTICE else None
    if requested.period is not None:
        start, end = PERIOD_SPANS[requested.period]
        start, end = max(start, opens), min(end, closes)
        if start >= end:
            return "outside_hours"
        latest = datetime.combine(requested.day, end, clinic.timezone)
        return "past" if latest - timedelta(hours=1) < local_now + NOTICE else None
    closing = datetime.combine(requested.day, closes, clinic.timezone)
    return "past" if closing - timedelta(hours=1) < local_now + NOTICE else None


def _target(requested: RequestedTime) -> time:
    if requested.at is not None:
        return requested.at
    return _PERIOD_TARGET[requested.period] if requested.period else time(10)


def _slots_on(day: date, clinic: Clinic, earliest: datetime) -> list[datetime]:
    span = clinic.hours_on(day)
    if span is None:
        return []
    opens, closes = span
    slots = []
    moment = datetime.combine(day, time(opens.hour), clinic.timezone)
    if opens.minute:
        moment += timedelta(hours=1)
    last = datetime.combine(day, closes, clinic.timezone) - timedelta(hours=1)
    while moment <= last:
        if moment >= earliest:
            slots.append(moment)
        moment += timedelta(hours=1)
    return slots


def nearest_open_times(
    requested: RequestedTime, clinic: Clinic, now: datetime, count: int = 3
) -> list[datetime]:
    """Up to ``count`` bookable times nearest the wish, one per day, in time order.

    >>> from assistant.clinic import clinic
    >>> now = datetime(2026, 12, 7, 10, tzinfo=clinic().timezone)
    >>> sunday = RequestedTime(day=date(2026, 12, 13), at=time(10))
    >>> [f"{t:%a %H:%M}" for t in nearest_open_times(sunday, clinic(), now)]
    ['Sat 10:00', 'Mon 10:00', 'Tue 10:00']
    """
    local_now = clinic.local(now)
    earliest = local_now + NOTICE
    wished_day = max(requested.day or local_now.date(), local_now.date())
    target = _target(requested)
    days = sorted(
        (wished_day + timedelta(days=offset) for offset in range(-14, 30)),
        key=lambda day: (abs((day - wished_day).days), day < wished_day),
    )
    found: list[datetime] = []
    for day in days:
        slots = _slots_on(day, clinic, earliest)
        if not slots:
            continue
        wished_then = datetime.combine(day, target, clinic.timezone)
        found.append(min(slots, key=lambda slot: (abs(slot - wished_then), slot)))
        if len(found) == count:
            break
    return sorted(found)


def describe_requested(requested: RequestedTime, clinic: Clinic, language: str) -> str:
    """The wish as the patient reads it: "Tue 15 Dec, morning" / "อังคาร 15 ธ.ค. 14:00 น."."""
    parts = []
    if requested.day is not None:
        weekday = clinic.day_names[language][WEEKDAYS[requested.day.weekday()]]
        parts.append(f"{weekday} {clinic.describe_date(requested.day, language)}")
    if requested.at is not None:
        parts.append(f"{requested.at:%H:%M}{clinic.time_suffix[language]}")
    elif requested.period is not None:
        parts.append(clinic.period_names[language][requested.period])
    return (", " if language == "en" else " ").join(parts)


def describe_slot(moment: datetime, clinic: Clinic, language: str) -> str:
    """An offered time as a button shows it: "Fri 11 Dec 10:00" / "ศุกร์ 11 ธ.ค. 10:00 น."."""
    local = clinic.local(moment)
    return describe_requested(
        RequestedTime(day=local.date(), at=local.time().replace(second=0, microsecond=0)),
        clinic,
        language,
    ).replace(", ", " ")
