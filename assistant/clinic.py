"""The clinic's own settings (``content/clinic.yml``): who and where it is, when staff are in.

The one file a clinic edits. It is checked against ``content/schema/clinic.schema.json``
and for what a schema cannot say (a valid time zone, real dates, opening before closing)
when a process loads it; a broken file stops the action server with every problem listed,
like the content files. Opening hours and holidays answer "are you open now?" (in the
clinic's time zone, whatever the server's), the handoff and safety messages' "staff reply
from ..." and the demo web pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema
import yaml

from assistant.paths import CONTENT_DIR

CLINIC_FILE = CONTENT_DIR / "clinic.yml"
SCHEMA_FILE = CONTENT_DIR / "schema" / "clinic.schema.json"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ClinicSettingsError(Exception):
    """``content/clinic.yml`` must not be used. ``problems`` lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "invalid clinic settings:\n" + "\n".join(f"- {problem}" for problem in problems)
        )


@dataclass(frozen=True)
class Holiday:
    day: date
    name: Mapping[str, str]


@dataclass(frozen=True)
class ServiceStatus:
    """What the clinic states about its own UC-MSC service (None: not stated)."""

    approved_research: Optional[bool]
    ethics_committee: Optional[Mapping[str, str]]
    registration: Optional[str]
    patients_pay: Optional[bool]


@dataclass(frozen=True)
class Clinic:
    """The clinic: contact details, opening hours, holidays, its own service's status."""

    name: Mapping[str, str]
    address: Mapping[str, str]
    directions: Mapping[str, str]
    map_url: str
    phone: str
    line_id: str
    email: str
    timezone: ZoneInfo
    hours: Mapping[str, tuple[time, time]]
    holidays: tuple[Holiday, ...]
    expected_reply: Mapping[str, str]
    day_names: Mapping[str, Mapping[str, str]]
    month_names: Mapping[str, tuple[str, ...]]
    time_suffix: Mapping[str, str]
    period_names: Mapping[str, Mapping[str, str]]
    reminder_time: time
    service: ServiceStatus

    @classmethod
    def load(cls, path: Path = CLINIC_FILE, schema_path: Path = SCHEMA_FILE) -> "Clinic":
        """Reads and checks the file; raises ``ClinicSettingsError`` listing every problem."""
        where = path.name
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise ClinicSettingsError([f"{where}: cannot be read: {error}"]) from None
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        validator = jsonschema.validators.validator_for(schema)(schema)
        problems = [
            f"{where}: {'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
            for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
        ]
        if problems:
            raise ClinicSettingsError(problems)
        return cls._from_valid(data, where)

    @classmethod
    def _from_valid(cls, data: dict[str, Any], where: str) -> "Clinic":
        problems: list[str] = []
        try:
            zone = ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"{where}: timezone: {data['timezone']!r} is not a known time zone")
            zone = ZoneInfo("UTC")
        hours = {}
        for day, (opens, closes) in data["hours"].items():
            span = (time.fromisoformat(opens), time.fromisoformat(closes))
            if span[0] >= span[1]:
                problems.append(f"{where}: hours.{day}: opens at {opens} but closes at {closes}")
            hours[day] = span
        holidays = []
        for index, holiday in enumerate(data["holidays"]):
            try:
                holidays.append(Holiday(date.fromisoformat(holiday["date"]), holiday["name"]))
            except ValueError:
                problems.append(
                    f"{where}: holidays[{index}].date: {holiday['date']!r} is not a date"
                )
        if problems:
            raise ClinicSettingsError(problems)
        service = data["uc_msc_service"]
        return cls(
            name=data["name"],
            address=data["address"],
            directions=data["directions"],
            map_url=data["map_url"],
            phone=data["phone"],
            line_id=data["line_id"],
            email=data["email"],
            timezone=zone,
            hours=hours,
            holidays=tuple(sorted(holidays, key=lambda h: h.day)),
            expected_reply=data["expected_reply"],
            day_names=data["day_names"],
            month_names={lang: tuple(names) for lang, names in data["month_names"].items()},
            time_suffix=data["time_suffix"],
            period_names=data["period_names"],
            reminder_time=time.fromisoformat(data["reminder_time"]),
            service=ServiceStatus(
                approved_research=service["approved_research"],
                ethics_committee=service["ethics_committee"],
                registration=service["registration"],
                patients_pay=service["patients_pay"],
            ),
        )

    def local(self, moment: Optional[datetime] = None) -> datetime:
        """``moment`` (default: now) in the clinic's time zone."""
        return (moment or datetime.now(self.timezone)).astimezone(self.timezone)

    def holiday_on(self, day: date) -> Optional[Holiday]:
        return next((holiday for holiday in self.holidays if holiday.day == day), None)

    def hours_on(self, day: date) -> Optional[tuple[time, time]]:
        """Opening and closing time on ``day``; None when closed (weekday off or holiday)."""
        if self.holiday_on(day):
            return None
        return self.hours.get(WEEKDAYS[day.weekday()])

    def is_open(self, moment: Optional[datetime] = None) -> bool:
        """Whether the clinic (and its staff) are in at ``moment``."""
        now = self.local(moment)
        span = self.hours_on(now.date())
        return span is not None and span[0] <= now.time() < span[1]

    def next_opening(self, moment: Optional[datetime] = None) -> datetime:
        """The next time the clinic opens after ``moment`` (local time)."""
        now = self.local(moment)
        for days_ahead in range(60):
            day = now + timedelta(days=days_ahead)
            span = self.hours_on(day.date())
            if span is None:
                continue
            opening = day.replace(hour=span[0].hour, minute=span[0].minute, second=0, microsecond=0)
            if opening > now:
                return opening
        raise ValueError("the clinic does not open in the next 60 days")

    def closing_today(self, moment: Optional[datetime] = None) -> Optional[datetime]:
        """When the clinic closes today, if it is open at ``moment``."""
        now = self.local(moment)
        span = self.hours_on(now.date())
        if span is None or not span[0] <= now.time() < span[1]:
            return None
        return now.replace(hour=span[1].hour, minute=span[1].minute, second=0, microsecond=0)

    def describe(self, language: str) -> str:
        """The weekly hours as a patient reads them: "Mon–Fri 09:00–18:00, Sat 09:00–15:00"."""
        names, suffix = self.day_names[language], self.time_suffix[language]
        groups: list[tuple[list[str], tuple[time, time]]] = []
        for day in WEEKDAYS:
            span = self.hours.get(day)
            if span is None:
                continue
            follows = groups and WEEKDAYS.index(groups[-1][0][-1]) + 1 == WEEKDAYS.index(day)
            if groups and follows and groups[-1][1] == span:
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

    def describe_time(self, moment: datetime, language: str) -> str:
        """A time of day as a patient reads it: "18:00" / "18:00 น."."""
        return f"{self.local(moment):%H:%M}{self.time_suffix[language]}"

    def describe_closed_days(self, language: str) -> str:
        """The weekdays the clinic is always closed: "Sun" / "อาทิตย์" ("" when none)."""
        names = self.day_names[language]
        return ", ".join(names[day] for day in WEEKDAYS if day not in self.hours)

    def describe_date(self, day: date, language: str) -> str:
        """A date as a patient reads it: "10 Dec" / "10 ธ.ค."."""
        return f"{day.day} {self.month_names[language][day.month - 1]}"

    def upcoming_holidays(self, moment: Optional[datetime] = None, days: int = 30) -> list[Holiday]:
        """Holidays from today to ``days`` ahead."""
        today = self.local(moment).date()
        return [h for h in self.holidays if today <= h.day <= today + timedelta(days=days)]


@lru_cache(maxsize=1)
def clinic() -> Clinic:
    """The clinic settings the assistant runs with (read and checked once)."""
    return Clinic.load()
