"""Values for the ``{placeholders}`` in ``content/messages.yml``: one place computes them.

They come from the settings (retention, message length) and the clinic's own settings
(hours, contact, the status of its UC-MSC service), in the patient's language, at a moment
in the clinic's time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from assistant.clinic import Clinic
from assistant.settings import Settings

NOT_STATED = "-"
# Filled by the booking form from the patient's own answers (actions/booking.py), not here.
BOOKING_PLACEHOLDERS = (
    "patient_name",
    "patient_phone",
    "wish",
    "condition",
    "note",
    "reference",
    "status",
    "reason",
    "name_max",
    "mobile_example",
    "landline_example",
    "international_example",
)
# Filled by the answer action: the symptom a patient told as history (safety.reported_symptom).
ANSWER_PLACEHOLDERS = ("symptom",)


def placeholder_values(
    language: str, clinic: Clinic, settings: Settings, moment: Optional[datetime] = None
) -> dict[str, str]:
    """Every placeholder's value for ``language`` at ``moment`` (default: now)."""
    closes = clinic.closing_today(moment)
    upcoming = clinic.upcoming_holidays(moment)
    committee = clinic.service.ethics_committee
    return {
        "retention_days": str(settings.retention_days),
        "max_chars": str(settings.max_message_chars),
        "office_hours": clinic.describe(language),
        "closed_days": clinic.describe_closed_days(language),
        "reply_time": clinic.expected_reply[language],
        "next_open": clinic.describe_moment(clinic.next_opening(moment), language),
        "closes_at": clinic.describe_time(closes, language) if closes else NOT_STATED,
        "holidays": ", ".join(
            f"{clinic.describe_date(h.day, language)} {h.name[language]}" for h in upcoming
        )
        or NOT_STATED,
        "clinic_name": clinic.name[language],
        "address": clinic.address[language],
        "directions": clinic.directions[language],
        "map_url": clinic.map_url,
        "phone": clinic.phone,
        "line_id": clinic.line_id,
        "email": clinic.email,
        "ethics_committee": committee[language] if committee else NOT_STATED,
        "registration": clinic.service.registration or NOT_STATED,
    }
