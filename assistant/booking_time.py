"""When a patient would like to come: day and time as patients write them, Thai and English.

``read_requested_time("พรุ่งนี้บ่ายสอง", now)`` gives the day and time in the clinic's time
zone, or None when the message is too vague or too unusual to be sure: the booking form
then asks again. Never guessing is the point: every piece of the message that looks like
a day or a time must be understood and agree with the rest (a weekday that is not the
date's weekday, two dates, a number left over), otherwise the answer is None.

Hand-written rules, not a library: ``dateparser`` (the only release that installs beside
Rasa 3.6's pins is 1.2.0) reads none of "บ่ายสอง", "วันเสาร์หน้า", "10 โมง", "next Tuesday",
takes 2569 as a Christian year, and its ``search_dates`` turned "Saturday 10am" into a
date ten months away; PyThaiNLP's ``thaiword_to_time`` reads "สิบโมง" as 22:00. The
measurements are in docs/booking.md. PyThaiNLP still converts Thai digits.

Conventions (the held-out sets in tests/unit/ state them too): a weekday alone or
with "this"/"นี้" is its next occurrence after today; "next <weekday>" / "<weekday>หน้า" is
that weekday of next week (weeks start on Monday); a day of the month alone is the next
such day (today included); a date without a year is the next one not in the past;
numeric dates are day/month; years from 2400 are Buddhist era, two-digit years whichever
era is this year or next; a bare hour 1-6 is afternoon (the clinic's day), 7-12 morning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Optional

from pythainlp.util import thai_digit_to_arabic_digit

MAX_CHARS = 200
"""A day and a time fit in far less; a longer message is not an answer to "when?"."""
PERIODS = ("morning", "afternoon", "evening")
"""A part of the day a patient may ask for instead of a time."""
PERIOD_SPANS = {"morning": (time(8), time(12)), "afternoon": (time(12), time(17))}
PERIOD_SPANS["evening"] = (time(17), time(21))

_WEEKDAYS_EN = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
# Longest first, so that พฤหัสบดี is not read as พฤหัส + บดี.
_WEEKDAYS_TH = {
    "พฤหัสบดี": 3, "พฤหัส": 3, "จันทร์": 0, "อังคาร": 1, "พุธ": 2, "ศุกร์": 4,
    "เสาร์": 5, "อาทิตย์": 6,
}  # fmt: skip
_MONTHS_EN = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTHS_TH = {
    "มกราคม": 1, "ม.ค.": 1, "มค": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "กพ": 2, "มีนาคม": 3,
    "มี.ค.": 3, "มีค": 3, "เมษายน": 4, "เม.ย.": 4, "เมย": 4, "พฤษภาคม": 5, "พ.ค.": 5,
    "พค": 5, "มิถุนายน": 6, "มิ.ย.": 6, "มิย": 6, "กรกฎาคม": 7, "ก.ค.": 7, "กค": 7,
    "สิงหาคม": 8, "ส.ค.": 8, "สค": 8, "กันยายน": 9, "ก.ย.": 9, "กย": 9, "ตุลาคม": 10,
    "ต.ค.": 10, "ตค": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "พย": 11, "ธันวาคม": 12,
    "ธ.ค.": 12, "ธค": 12,
}  # fmt: skip
_NUMBERS_EN = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_NUMBERS_TH = {
    "สิบเอ็ด": 11, "สิบสอง": 12, "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
    "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10,
}  # fmt: skip


def _alternatives(words: dict[str, int]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_EN_WEEKDAY = _alternatives(_WEEKDAYS_EN)
_TH_WEEKDAY = _alternatives(_WEEKDAYS_TH)
_EN_MONTH = _alternatives(_MONTHS_EN)
_TH_MONTH = _alternatives(_MONTHS_TH)
_EN_NUMBER = _alternatives(_NUMBERS_EN)
_TH_NUMBER = _alternatives(_NUMBERS_TH)
_NUM = rf"(?:\d{{1,2}}|{_EN_NUMBER}|{_TH_NUMBER})"
# Not part of a longer number, nor a time ("13.00", "10:30").
_DAY = r"(?<![\d.:/])(\d{1,2})(?:st|nd|rd|th)?(?![\d:/]|\.\d)"
_YEAR_AFTER = r"(?:,?\s*(\d{4}|\d{2}(?!\s*(?:โมง|ทุ่ม|น\.|:|\.\d|am|pm|a\.m|p\.m|o'clock))))?"


def _number(word: str) -> int:
    if word.isdigit():
        return int(word)
    return _NUMBERS_EN.get(word) or _NUMBERS_TH[word]


@dataclass(frozen=True)
class RequestedTime:
    """What a patient asked for: a day, a time of day or a part of the day, or some of them."""

    day: Optional[date] = None
    at: Optional[time] = None
    period: Optional[str] = None

    def label(self) -> str:
        """ "2026-12-08 14:00", "2026-12-15 morning", "2026-12-15", "14:00", "morning"."""
        parts = [self.day.isoformat()] if self.day else []
        if self.at:
            parts.append(f"{self.at:%H:%M}")
        elif self.period:
            parts.append(self.period)
        return " ".join(parts)

    @classmethod
    def from_label(cls, label: str) -> "RequestedTime":
        """The inverse of ``label()``: how a form keeps a wish between turns."""
        day: Optional[date] = None
        at: Optional[time] = None
        period: Optional[str] = None
        for part in label.split():
            if part in PERIODS:
                period = part
            elif ":" in part:
                at = time.fromisoformat(part)
            else:
                day = date.fromisoformat(part)
        return cls(day=day, at=at, period=period)

    def merged(self, earlier: Optional["RequestedTime"]) -> "RequestedTime":
        """This answer completed by an earlier one ("Tuesday", then "2pm")."""
        if earlier is None:
            return self
        has_time = self.at is not None or self.period is not None
        return RequestedTime(
            day=self.day or earlier.day,
            at=self.at if has_time else earlier.at,
            period=self.period if has_time else earlier.period,
        )


class _Unsure(Exception):
    """The message says something about the day or time that cannot be read for sure."""


@dataclass
class _Found:
    day: Optional[date] = None
    weekday: Optional[int] = None
    next_week: bool = False
    day_of_month: Optional[int] = None
    at: Optional[time] = None
    period: Optional[str] = None

    def set(self, name: str, value: object) -> None:
        if getattr(self, name) not in (None, False) and getattr(self, name) != value:
            raise _Unsure(f"two values for {name}")
        setattr(self, name, value)


def _normalise(text: str) -> str:
    text = thai_digit_to_arabic_digit(text).lower()
    text = text.replace("ๆ", " ").replace("’", "'")
    return re.sub(r"\s+", " ", text)


def _hour_of_day(hour: int) -> int:
    """A bare hour in the clinic's day: 1-6 are afternoon ("at 3"), 7-12 as they are."""
    return hour + 12 if 1 <= hour <= 6 else hour


def _make_time(hour: int, minute: int = 0) -> time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise _Unsure("not a time of day")
    return time(hour, minute)


def _minutes(text: Optional[str]) -> int:
    return int(text) if text else 0


def _ampm(hour: int, minute: int, suffix: str) -> time:
    if not 1 <= hour <= 12:
        raise _Unsure("am/pm with an hour outside 1-12")
    if suffix.startswith("p"):
        return _make_time(hour % 12 + 12, minute)
    return _make_time(hour % 12, minute)


def _resolve_day_month(now: date, day: int, month: int, year: Optional[int]) -> date:
    if year is None:
        for candidate_year in (now.year, now.year + 1):
            try:
                candidate = date(candidate_year, month, day)
            except ValueError:
                continue
            if candidate >= now:
                return candidate
        raise _Unsure("no such date ahead")
    try:
        return date(year, month, day)
    except ValueError:
        raise _Unsure("no such date") from None


def _resolve_year(text: Optional[str], today: date) -> Optional[int]:
    if not text:
        return None
    year = int(text)
    if year >= 2400:
        return year - 543
    if year >= 1900:
        return year
    # Two digits: the era in which it is this year or next ("69" in 2026 is BE 2569).
    for full in (2500 + year - 543, 2000 + year):
        if today.year - 1 <= full <= today.year + 1:
            return full
    raise _Unsure("a two-digit year that is neither era's this year")


# Each rule: a pattern and what a match means. The rules run in order; a match is blanked
# out so that a later rule does not read the same words again.
_Rule = tuple["re.Pattern[str]", Callable[["re.Match[str]", _Found, date], None]]


def _rule(pattern: str) -> Callable[[Callable[..., None]], _Rule]:
    def register(handler: Callable[..., None]) -> _Rule:
        return (re.compile(pattern), handler)

    return register


@_rule(r"(?<![\d.:/])(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})(?![\d:]|\.\d)")
def _numeric_date_with_year(match: "re.Match[str]", found: _Found, today: date) -> None:
    year = _resolve_year(match[3], today)
    found.set("day", _resolve_day_month(today, int(match[1]), int(match[2]), year))


@_rule(r"(?<![\d.:/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d:/]|\.\d)")
def _numeric_date(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day", _resolve_day_month(today, int(match[1]), int(match[2]), None))


@_rule(rf"(?:วันที่\s*)?{_DAY}\s*(?:of\s+)?({_EN_MONTH}|{_TH_MONTH})(?![a-z]){_YEAR_AFTER}")
def _day_month_name(match: "re.Match[str]", found: _Found, today: date) -> None:
    month = _MONTHS_EN.get(match[2]) or _MONTHS_TH[match[2]]
    year = _resolve_year(match[3], today)
    found.set("day", _resolve_day_month(today, int(match[1]), month, year))


@_rule(rf"(?<![a-z])({_EN_MONTH})\.?\s+{_DAY}(?:,?\s*(\d{{4}}))?")
def _month_name_day(match: "re.Match[str]", found: _Found, today: date) -> None:
    year = _resolve_year(match[3], today)
    found.set("day", _resolve_day_month(today, int(match[2]), _MONTHS_EN[match[1]], year))


@_rule(r"(?:the\s+)?day\s+after\s+tomorrow|มะรืน(?:นี้)?")
def _day_after_tomorrow(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day", today + timedelta(days=2))


@_rule(r"(?<![a-z])(?:tomorrow|tmrw?|tmw)(?![a-z])|พรุ่งนี้")
def _tomorrow(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day", today + timedelta(days=1))


@_rule(r"(?<![a-z])today(?![a-z])|วันนี้")
def _today(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day", today)


@_rule(r"(?<![a-z])this\s+(morning|afternoon|evening)")
def _this_period(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day", today)
    found.set("period", match[1])


@_rule(rf"(?<![a-z])in\s+({_NUM})\s+days?|อีก\s*({_NUM})\s*วัน")
def _in_days(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day", today + timedelta(days=_number(match[1] or match[2])))


@_rule(r"(?<![a-z])next\s+week|(?<!วัน)(?:อาทิตย์|สัปดาห์)\s*หน้า")
def _next_week(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("next_week", True)


@_rule(rf"(?<![a-z])(this\s+|next\s+)?({_EN_WEEKDAY})(?![a-z])")
def _weekday_en(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("weekday", _WEEKDAYS_EN[match[2]])
    if match[1] and match[1].startswith("next"):
        found.set("next_week", True)


@_rule(rf"(?:วัน)?({_TH_WEEKDAY})\s*(นี้|หน้า)?")
def _weekday_th(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("weekday", _WEEKDAYS_TH[match[1]])
    if match[2] == "หน้า":
        found.set("next_week", True)


@_rule(rf"(?:on\s+)?(?:the\s+){_DAY}|{_DAY}(?:st|nd|rd|th)|(?:วัน)?ที่\s*{_DAY}")
def _day_of_month(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("day_of_month", int(next(group for group in match.groups() if group)))


# Times, before the parts of the day, so that "บ่ายสอง" is 14:00 and not "afternoon".
@_rule(r"(?:ก่อน\s*เที่ยง|before\s+(?:lunch|noon|midday))")
def _before_noon(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("period", "morning")


@_rule(r"(?:หลัง\s*(?:เที่ยง|อาหารกลางวัน|ทานข้าวเที่ยง)|after\s+(?:lunch|noon|midday))")
def _after_noon(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("period", "afternoon")


@_rule(r"(?<![\d.])(\d{1,2})\s*[:.]\s*(\d{2})\s*(a\.?m\.?|p\.?m\.?)?(?:\s*น\.?)?(?!\d)")
def _clock(match: "re.Match[str]", found: _Found, today: date) -> None:
    hour, minute = int(match[1]), int(match[2])
    found.set("at", _ampm(hour, minute, match[3]) if match[3] else _make_time(hour, minute))


@_rule(rf"(?<![\d.])({_NUM})\s*(a\.?m\.?|p\.?m\.?)(?![a-z])")
def _hour_ampm(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("at", _ampm(_number(match[1]), 0, match[2]))


@_rule(rf"(half|quarter)\s+(past|to)\s+({_EN_NUMBER}|\d{{1,2}})")
def _half_quarter(match: "re.Match[str]", found: _Found, today: date) -> None:
    hour = _hour_of_day(_number(match[3]))
    minutes = 30 if match[1] == "half" else 15
    moment = datetime.combine(today, _make_time(hour))
    moment += timedelta(minutes=minutes if match[2] == "past" else -minutes)
    found.set("at", moment.time())


@_rule(r"(?<![a-z])(?:noon|midday)(?![a-z])")
def _noon_en(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("at", time(12))


@_rule(rf"(?<![a-z])(?:at|around|about|by)\s+({_NUM})(?:\s*o'?clock)?(?![\d:.a-z])")
def _at_hour(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("at", _make_time(_hour_of_day(_number(match[1]))))


@_rule(rf"(?<![\d.])({_NUM})\s*o'?clock")
def _oclock(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("at", _make_time(_hour_of_day(_number(match[1]))))


@_rule(rf"บ่าย\s*(?:({_NUM})\s*(?:โมง)?|โมง)\s*(ครึ่ง)?")
def _thai_afternoon_hour(match: "re.Match[str]", found: _Found, today: date) -> None:
    hour = _number(match[1]) if match[1] else 1
    if not 1 <= hour <= 5:
        raise _Unsure("บ่าย with an hour outside 1-5")
    found.set("at", _make_time(hour + 12, 30 if match[2] else 0))


@_rule(rf"(?<![\d.])({_NUM})\s*โมง\s*(เช้า|เย็น)?\s*(ครึ่ง)?\s*(เช้า|เย็น)?")
def _thai_hour(match: "re.Match[str]", found: _Found, today: date) -> None:
    hour = _number(match[1])
    part = match[2] or match[4]
    if part == "เช้า":
        if not 5 <= hour <= 12:
            raise _Unsure("เช้า with an afternoon hour")
    elif part == "เย็น":
        if not 1 <= hour <= 7:
            raise _Unsure("เย็น with a morning hour")
        hour += 12
    else:
        hour = _hour_of_day(hour)
    found.set("at", _make_time(hour, 30 if match[3] else 0))


@_rule(rf"({_NUM})\s*ทุ่ม\s*(ครึ่ง)?")
def _thai_evening_hour(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("at", _make_time(18 + _number(match[1]), 30 if match[2] else 0))


@_rule(r"เที่ยง\s*(ครึ่ง)?(?!คืน)")
def _noon_th(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("at", time(12, 30 if match[1] else 0))


@_rule(r"(?<![a-z])(?:in\s+the\s+|on\s+the\s+)?(morning|afternoon|evening)(?![a-z])")
def _period_en(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("period", match[1])


@_rule(r"(?:ช่วง|ตอน)?\s*(เช้า|บ่าย|เย็น)")
def _period_th(match: "re.Match[str]", found: _Found, today: date) -> None:
    found.set("period", {"เช้า": "morning", "บ่าย": "afternoon", "เย็น": "evening"}[match[1]])


_RULES: tuple[_Rule, ...] = (
    _numeric_date_with_year,
    _numeric_date,
    _day_month_name,
    _month_name_day,
    _day_after_tomorrow,
    _tomorrow,
    _today,
    _this_period,
    _in_days,
    _next_week,
    _weekday_en,
    _weekday_th,
    _before_noon,
    _after_noon,
    _clock,
    _hour_ampm,
    _half_quarter,
    _noon_en,
    _at_hour,
    _oclock,
    _thai_afternoon_hour,
    _thai_hour,
    _thai_evening_hour,
    _noon_th,
    _day_of_month,
    _period_en,
    _period_th,
)
# Words that say a time is wanted without saying which: the form asks again.
_VAGUE = re.compile(
    r"next\s+month|this\s+month|เดือนหน้า|เดือนนี้|ต้นเดือน|ปลายเดือน|กลางเดือน|"
    r"เที่ยงคืน|midnight|(?<![a-z])or(?![a-z])|หรือ|\d+\s*-\s*\d+\s*(?:โมง|pm|am)"
)


def _resolve_day(found: _Found, today: date) -> Optional[date]:
    day = found.day
    if found.weekday is not None:
        if found.next_week:
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            weekday_day = monday + timedelta(days=found.weekday)
        else:
            weekday_day = today + timedelta(days=(found.weekday - today.weekday() - 1) % 7 + 1)
        if found.day_of_month is None and day is None:
            return weekday_day
    elif found.next_week:
        if day is None:
            raise _Unsure("next week, but which day")
    if found.day_of_month is not None:
        if day is not None:
            raise _Unsure("a date and a day of the month")
        day = _next_day_of_month(today, found.day_of_month)
    if day is not None and found.weekday is not None and day.weekday() != found.weekday:
        raise _Unsure("the weekday is not the date's weekday")
    return day


def _next_day_of_month(today: date, number: int) -> date:
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = date(year, month, number)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise _Unsure("no such day of the month")


def read_requested_time(text: str, now: datetime) -> Optional[RequestedTime]:
    """The day and time in ``text`` for a patient writing at ``now`` (clinic time); None if unsure.

    >>> now = datetime(2026, 12, 7, 10, 0)  # a Monday
    >>> read_requested_time("พรุ่งนี้บ่ายสอง", now).label()
    '2026-12-08 14:00'
    >>> read_requested_time("next Tuesday morning", now).label()
    '2026-12-15 morning'
    >>> read_requested_time("sometime next week", now) is None
    True
    """
    if len(text) > MAX_CHARS:
        return None
    normalised = _normalise(text)
    if _VAGUE.search(normalised):
        return None
    found = _Found()
    today = now.date()
    remaining = normalised
    try:
        for pattern, handler in _RULES:
            while (match := pattern.search(remaining)) is not None:
                if not match.group(0).strip():
                    break
                handler(match, found, today)
                start, end = match.span()
                remaining = remaining[:start] + " " * (end - start) + remaining[end:]
        if re.search(r"\d", remaining):
            return None  # a number we did not understand: it may be the time
        day = _resolve_day(found, today)
    except _Unsure:
        return None
    period = None if found.at else found.period
    if found.at and found.period and not _fits(found.at, found.period):
        return None
    if day is None and found.at is None and period is None:
        return None
    return RequestedTime(day=day, at=found.at, period=period)


def _fits(at: time, period: str) -> bool:
    opens, closes = PERIOD_SPANS[period]
    return opens <= at <= closes
