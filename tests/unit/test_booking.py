"""Reading the booking form's answers: Thai phone numbers, names, cancel and "no note"."""

from __future__ import annotations

import pytest

from assistant.booking import (
    BookingWords,
    booking_words,
    display_phone,
    patient_name,
    short_answer,
    thai_phone,
)
from assistant.booking_time import RequestedTime


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0812345678", "+66812345678"),
        ("081-234-5678", "+66812345678"),
        ("081 234 5678", "+66812345678"),
        ("+66 81 234 5678", "+66812345678"),
        ("+66812345678", "+66812345678"),
        ("66812345678", "+66812345678"),
        ("(+66) 81-234-5678", "+66812345678"),
        ("๐๖๑๒๓๔๕๖๗๘", "+66612345678"),
        ("02-123-4567", "+6621234567"),
        ("053 123 456", "+6653123456"),
        ("+66 2 123 4567", "+6621234567"),
    ],
)
def test_thai_mobile_and_landline_numbers_in_the_ways_people_write_them(text, phone):
    assert thai_phone(text) == phone


@pytest.mark.parametrize(
    "text",
    ["", "12345", "081-234-567", "08123456789", "+1 415 555 0100", "+66 1 234 5678",
     "0123456789", "call me", "081-234-5678 or 02-123-4567", "☎️", "<b>0812345678</b>",
     "0" * 5000],
)  # fmt: skip
def test_what_is_not_a_thai_number_is_refused(text):
    assert thai_phone(text) is None


def test_numbers_are_shown_the_way_thai_patients_write_them():
    assert display_phone("+66812345678") == "081-234-5678"
    assert display_phone("+6621234567") == "02-123-4567"
    assert display_phone("+6653123456") == "053-123-456"


@pytest.mark.parametrize(
    ("text", "name"),
    [("Jane Doe", "Jane Doe"), ("  สมหญิง   ใจดี ", "สมหญิง ใจดี"), ("สมชาย ครับ", "สมชาย"),
     ("O'Brien-Smith", "O'Brien-Smith")],
)  # fmt: skip
def test_names_are_tidied(text, name):
    assert patient_name(text) == name


@pytest.mark.parametrize(
    "text", ["", "   ", "0812345678", "<script>", "🙂🙂", "x" * 81, "/chat_affirm", "a@b.c"]
)
def test_what_cannot_be_a_name_is_refused(text):
    assert patient_name(text) is None


@pytest.mark.parametrize("text", ["cancel", "Cancel please.", "ยกเลิก", "ยกเลิกค่ะ", "ไม่จองแล้วครับ"])
def test_cancel_words(text):
    assert booking_words().is_cancel(text)


@pytest.mark.parametrize("text", ["cancel my appointment on friday and book monday", "Anna"])
def test_longer_messages_that_mention_cancel_are_not_cancel(text):
    assert not booking_words().is_cancel(text)


def test_no_note_and_short_answers():
    assert booking_words().is_no_note("ไม่มีค่ะ") and booking_words().is_no_note("No thanks")
    assert short_answer("  ไม่มีครับ!! ") == "ไม่มี"


def test_every_button_label_fits_line_and_exists_in_both_languages(tmp_path):
    words = booking_words()
    assert all(len(t) <= 20 for texts in words.buttons.values() for t in texts.values())
    bad = tmp_path / "booking.yml"
    bad.write_text(
        "cancel_words: {en: [x], th: [y]}\nno_note_words: {en: [x], th: [y]}\n"
        "buttons: {confirm: {en: 'Confirm this request now please', th: ''}}\n"
        "offered_conditions: [other]\ncondition_names: {other: {en: Other}}\nstatus_names: {}\n"
        "phone_examples: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError) as error:
        BookingWords.load(bad)
    assert "buttons.confirm has no th text" in str(error.value)
    assert "condition_names.other has no th text" in str(error.value)
    assert "longer than 20 characters" in str(error.value)


@pytest.mark.parametrize(
    "label", ["2026-12-15 14:00", "2026-12-15 morning", "2026-12-15", "14:00", "evening"]
)
def test_a_wish_survives_between_turns_as_its_label(label):
    assert RequestedTime.from_label(label).label() == label


def _bot(metadata: dict, timestamp: float) -> dict:
    return {"event": "bot", "timestamp": timestamp, "metadata": metadata}


def test_a_requests_status_is_its_latest_update():
    from assistant.booking import booking_states, latest_open_booking

    request = {"reference": "BK-1", "wish": "2026-12-15 morning", "submitted_at": 1.0}
    events = [
        {"event": "user", "text": "hi"},
        _bot({"topic": "booking.request", "booking": request}, 1.0),
        _bot({"booking_update": {"reference": "BK-1", "status": "change_requested",
                                 "wish": "2026-12-16 14:00"}}, 2.0),
        _bot({"booking_update": {"reference": "BK-9", "status": "cancelled"}}, 3.0),
        _bot({"metadata": {"booking_update": {"reference": "BK-1", "status": "confirmed",
                                              "final_time": "2026-12-16 14:30"}}}, 4.0),
    ]  # fmt: skip
    [state] = booking_states(events)
    assert (state.status, state.wish, state.final_time) == (
        "confirmed",
        "2026-12-16 14:00",
        "2026-12-16 14:30",
    )
    assert latest_open_booking(events) == state
    cancelled = events + [_bot({"booking_update": {"reference": "BK-1", "status": "cancelled"}}, 5)]
    assert latest_open_booking(cancelled) is None
    bogus = events + [_bot({"booking_update": {"reference": "BK-1", "status": "hacked"}}, 6)]
    assert booking_states(bogus)[0].status == "confirmed"
