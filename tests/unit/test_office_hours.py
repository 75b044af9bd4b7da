"""Office hours in clinic time (Asia/Bangkok), whatever the server's time zone."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from assistant.office_hours import OfficeHours

BKK = ZoneInfo("Asia/Bangkok")
HOURS = OfficeHours.load()


def test_open_on_a_weekday_morning_in_bangkok():
    assert HOURS.is_open(datetime(2026, 11, 25, 10, 0, tzinfo=BKK))  # Wednesday


def test_utc_moment_is_read_in_bangkok_time():
    # 02:30 UTC is 09:30 in Bangkok: open; 11:30 UTC is 18:30: closed.
    assert HOURS.is_open(datetime(2026, 11, 25, 2, 30, tzinfo=timezone.utc))
    assert not HOURS.is_open(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))


def test_closed_on_sunday_and_next_opening_is_monday_nine():
    sunday = datetime(2026, 11, 29, 11, 0, tzinfo=BKK)
    assert not HOURS.is_open(sunday)
    assert HOURS.next_opening(sunday) == datetime(2026, 11, 30, 9, 0, tzinfo=BKK)
    assert HOURS.describe_moment(HOURS.next_opening(sunday), "th") == "จันทร์ 09:00 น."
    assert HOURS.describe_moment(HOURS.next_opening(sunday), "en") == "Mon 09:00"


def test_saturday_afternoon_closes_early():
    assert not HOURS.is_open(datetime(2026, 11, 28, 16, 0, tzinfo=BKK))
    assert HOURS.next_opening(datetime(2026, 11, 28, 8, 0, tzinfo=BKK)).hour == 9


def test_description_groups_days():
    assert HOURS.describe("en") == "Mon–Fri 09:00–18:00, Sat 09:00–15:00"
    assert HOURS.describe("th") == "จันทร์–ศุกร์ 09:00–18:00 น., เสาร์ 09:00–15:00 น."
