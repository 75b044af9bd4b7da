"""The clinic's settings: opening hours in clinic time (Asia/Bangkok) whatever the
server's time zone, holidays, and a broken settings file refused with every problem."""

import shutil
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from assistant.clinic import Clinic, ClinicSettingsError
from assistant.paths import CONTENT_DIR

BKK = ZoneInfo("Asia/Bangkok")
HOURS = Clinic.load()


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


def test_a_public_holiday_is_closed_and_skipped_to_the_next_opening():
    constitution_day = datetime(2026, 12, 10, 11, 0, tzinfo=BKK)  # a Thursday, in the demo file
    assert not HOURS.is_open(constitution_day)
    assert HOURS.next_opening(constitution_day) == datetime(2026, 12, 11, 9, 0, tzinfo=BKK)
    assert HOURS.closing_today(datetime(2026, 12, 9, 11, 0, tzinfo=BKK)).hour == 18


def test_closed_weekdays_are_named():
    assert HOURS.describe_closed_days("en") == "Sun"
    assert HOURS.describe_closed_days("th") == "อาทิตย์"


@pytest.fixture
def settings_file(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    return root


def edit(root, **changes):
    path = root / "clinic.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = data
        for key in parents:
            target = target[key]
        target[last] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Clinic.load(path, root / "schema" / "clinic.schema.json")


def test_an_approved_project_must_name_its_committee_and_registration(settings_file):
    with pytest.raises(ClinicSettingsError, match="uc_msc_service"):
        edit(settings_file, uc_msc_service__approved_research=True)
    stated = edit(
        settings_file,
        uc_msc_service__approved_research=True,
        uc_msc_service__ethics_committee={
            "en": "Example Ethics Committee",
            "th": "คณะกรรมการจริยธรรมตัวอย่าง",
        },
        uc_msc_service__registration="TCTR20260101001",
    )
    assert stated.service.approved_research is True


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"uc_msc_service__registration": "12345"}, "registration"),
        ({"hours__mon": ["18:00", "09:00"]}, "opens at 18:00 but closes at 09:00"),
        ({"timezone": "Asia/Nowhere"}, "not a known time zone"),
        ({"holidays": [{"date": "2026-02-30", "name": {"en": "x", "th": "x"}}]}, "is not a date"),
        ({"map_url": "http://maps.example.com"}, "map_url"),
    ],
)
def test_a_broken_settings_file_is_refused(settings_file, changes, problem):
    with pytest.raises(ClinicSettingsError, match=problem):
        edit(settings_file, **changes)
