"""Day and time of a consultation request: the held-out sets' accuracy per language (never
silently wrong), the clinic's hours and holidays, the nearest open times offered instead."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from assistant.booking_slots import (
    describe_requested,
    describe_slot,
    nearest_open_times,
    problem_with,
)
from assistant.booking_time import RequestedTime, read_requested_time
from assistant.clinic import Clinic

HERE = Path(__file__).parent
BKK = ZoneInfo("Asia/Bangkok")
CLINIC = Clinic.load()
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=BKK)


def _cases(path: Path, language: str | None = None) -> tuple[datetime, list[dict[str, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = data["expressions"] if language is None else data["expressions"][language]
    return datetime.fromisoformat(data["now"]), cases


def _read(text: str, now: datetime) -> str:
    requested = read_requested_time(text, now)
    return requested.label() if requested else "ask"


@pytest.mark.parametrize("language", ["th", "en"])
def test_heldout_expressions_understood_exactly_or_asked_again(language: str) -> None:
    now, cases = _cases(HERE / f"booking_times_heldout_{language}.yml")
    assert len(cases) >= 60
    results = [(case, _read(case["text"], now)) for case in cases]
    exact = [case for case, got in results if got == case["expected"]]
    wrong = [(case["text"], got) for case, got in results if got not in (case["expected"], "ask")]
    print(f"{language}: {len(exact)}/{len(cases)} exact ({len(exact) / len(cases):.1%})")
    assert not wrong, f"silently wrong: {wrong}"
    assert len(exact) / len(cases) >= 0.95


@pytest.mark.parametrize("language", ["th", "en"])
def test_development_expressions(language: str) -> None:
    now, cases = _cases(HERE / "booking_times_dev.yml", language)
    assert [(c["text"], _read(c["text"], now)) for c in cases] == [
        (c["text"], c["expected"]) for c in cases
    ]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🙂", "<b>tomorrow</b><script>x</script> 99", "\x00\x01\xff", "ก" * 5000,
     "tomorrow " * 2000, "Tuesday or Wednesday", "บ่าย 2-4 โมง", "32/13/2026", "the 31st of Feb",
     "25:00", "13pm"],
    ids=lambda text: repr(text[:20]),
)  # fmt: skip
def test_bad_or_vague_input_is_asked_again_not_guessed(text: str) -> None:
    assert read_requested_time(text, MONDAY) is None


def test_a_weekday_that_is_not_the_dates_weekday_is_asked_again() -> None:
    assert read_requested_time("Monday 15 Dec", MONDAY) is None
    assert read_requested_time("วันจันทร์ที่ 15 ธ.ค.", MONDAY) is None
    assert read_requested_time("Tuesday 15 Dec", MONDAY) == RequestedTime(day=date(2026, 12, 15))


def test_now_in_another_time_zone_counts_in_bangkok_days() -> None:
    # 20:00 UTC on Sunday 6 Dec is 03:00 on Monday 7 Dec in Bangkok: "tomorrow" is Tuesday.
    late_sunday_utc = datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc)
    requested = read_requested_time("tomorrow 2pm", late_sunday_utc.astimezone(BKK))
    assert requested == RequestedTime(day=date(2026, 12, 8), at=time(14))


def test_a_later_answer_completes_an_earlier_one() -> None:
    day_only = read_requested_time("วันอังคารหน้า", MONDAY)
    time_only = read_requested_time("บ่ายสอง", MONDAY)
    assert time_only is not None and day_only is not None
    assert time_only.merged(day_only).label() == "2026-12-15 14:00"
    assert day_only.merged(time_only).label() == "2026-12-15 14:00"
    other_day = read_requested_time("Wednesday", MONDAY)
    assert other_day is not None
    assert other_day.merged(time_only.merged(day_only)).label() == "2026-12-09 14:00"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tomorrow 2pm", None),
        ("tomorrow morning", None),
        ("Thursday 10am", "holiday"),  # 10 Dec: Constitution Day
        ("Sunday 10am", "closed"),
        ("tomorrow 7pm", "outside_hours"),
        ("tomorrow 8am", "outside_hours"),
        ("Saturday 4pm", "outside_hours"),  # Saturdays close at 15:00
        ("Saturday evening", "outside_hours"),
        ("tomorrow evening", None),  # 17:00-18:00 is open
        ("today 11am", "past"),  # less than two hours ahead
        ("5 Dec", "closed"),  # this year's is past: 5 Dec 2027, a Sunday
        ("2pm", "no_day"),
    ],
)
def test_problem_with_the_requested_time(text: str, problem: str | None) -> None:
    requested = read_requested_time(text, MONDAY)
    assert requested is not None
    assert problem_with(requested, CLINIC, MONDAY) == problem


def test_nearest_open_times_on_a_holiday_are_the_same_hour_on_the_nearest_open_days() -> None:
    holiday = RequestedTime(day=date(2026, 12, 10), at=time(14))
    offered = nearest_open_times(holiday, CLINIC, MONDAY)
    assert [f"{t:%a %d %H:%M}" for t in offered] == ["Wed 09 14:00", "Fri 11 14:00", "Sat 12 14:00"]
    assert all(
        problem_with(RequestedTime(t.date(), t.time()), CLINIC, MONDAY) is None for t in offered
    )


def test_nearest_open_times_after_closing_start_on_the_same_day() -> None:
    evening = RequestedTime(day=date(2026, 12, 8), at=time(19, 30))
    offered = nearest_open_times(evening, CLINIC, MONDAY)
    assert [f"{t:%a %d %H:%M}" for t in offered] == ["Mon 07 17:00", "Tue 08 17:00", "Wed 09 17:00"]


def test_nearest_open_times_never_offer_the_past_or_too_soon() -> None:
    offered = nearest_open_times(RequestedTime(day=date(2026, 12, 7), at=time(9)), CLINIC, MONDAY)
    assert offered[0] == datetime(2026, 12, 7, 12, 0, tzinfo=BKK)
    assert all(t.astimezone(BKK) >= datetime(2026, 12, 7, 12, 0, tzinfo=BKK) for t in offered)


def test_the_summary_shows_the_wish_in_the_patients_language() -> None:
    wish = RequestedTime(day=date(2026, 12, 15), period="morning")
    assert describe_requested(wish, CLINIC, "en") == "Tue 15 Dec, morning"
    assert describe_requested(wish, CLINIC, "th") == "อังคาร 15 ธ.ค. ช่วงเช้า"
    slot = datetime(2026, 12, 11, 3, 0, tzinfo=timezone.utc)  # 10:00 in Bangkok
    assert describe_slot(slot, CLINIC, "en") == "Fri 11 Dec 10:00"
    assert describe_slot(slot, CLINIC, "th") == "ศุกร์ 11 ธ.ค. 10:00 น."
