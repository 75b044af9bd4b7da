"""Office hours of the clinic's staff: are they in now, and when do they open next.

Configuration: ``content/office_hours.yml`` (times in the clinic's time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Mapping, Optional
from zoneinfo import ZoneInfo

import yaml

from assistant.paths import CONTENT_DIR

CONFIG_PATH = CONTENT_DIR / "office_hours.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OfficeHours:
    """Weekly opening hours and how to describe them in each language."""

    timezone: ZoneInfo
    hours: Mapping[str, tuple[time, time]]
    expected_reply: Mapping[str, str]
    day_names: Mapping[str, Mapping[str, str]]
    time_suffix: Mapping[str, str]

    @classmethod
    def load(cls, path: Path = CONFIG_PATH) -> "OfficeHours":
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        hours = {
            day: (time.fromisoformat(opens), time.fromisoformat(closes))
            for day, (opens, closes) in data["office_hours"].items()
        }
        return cls(
            timezone=ZoneInfo(data["timezone"]),
            hours=hours,
            expected_reply=data["expected_reply"],
            day_names=data["day_names"],
            time_suffix=data["time_suffix"],
        )

    def local(self, moment: Optional[datetime] = None) -> datetime:
        """``moment`` (default: now) in the clinic's time zone."""
        return (moment or datetime.now(self.timezone)).astimezone(self.timezone)

    def is_open(self, moment: Optional[datetime] = None) -> bool:
        """Whether staff are in at ``moment``."""
        now = self.local(moment)
        span = self.hours.get(WEEKDAYS[now.weekday()])
        return span is not None and span[0] <= now.time() < span[1]

    def next_opening(self, moment: Optional[datetime] = None) -> datetime:
        """The next time staff come in after ``moment`` (local time)."""
        now = self.local(moment)
        for days_ahead in range(8):
            day = now + timedelta(days=days_ahead)
            span = self.hours.get(WEEKDAYS[day.weekday()])
            if not span:
                continue
            opening = day.replace(hour=span[0].hour, minute=span[0].minute, second=0, microsecond=0)
            if opening > now:
                return opening
        raise ValueError("office_hours lists no opening time")

    def describe(self, language: str) -> str:
        """The weekly hours as a patient reads them: "Mon 09:00–18:00, ..."."""
        names, suffix = self.day_names[language], self.time_suffix[language]
        groups: list[tuple[list[str], tuple[time, time]]] = []
        for day in WEEKDAYS:
            span = self.hours.get(day)
            if span is None:
                continue
            if (
                groups
                and groups[-1][1] == span
                and WEEKDAYS.index(groups[-1][0][-1]) + 1 == WEEKDAYS.index(day)
            ):
                groups[-1][0].append(day)
            else:
                groups.append(([day], span))
        parts = []
        for days, (opens, closes) in groups:
            label = names[days[0]] if len(days) == 1 else f"{names[days[0]]}–{names[days[-1]]}"
            parts.append(f"{label} {opens:%H:%M}–{closes:%H:%M}{suffix}")
        return ", ".join(parts)

    def describe_moment(self, moment: datetime, language: str) -> str:
        """A time as a patient reads it: "Mon 09:00" / "จันทร์ 09:00 น."."""
        local = self.local(moment)
        day = self.day_names[language][WEEKDAYS[local.weekday()]]
        return f"{day} {local:%H:%M}{self.time_suffix[language]}"
