"""The consultation request form end to end over REST, against the real Rasa and action
servers, in Thai and English: a full booking, a correction at the summary, cancel, a
question, an emergency and a handoff mid-form, a bad phone number, consent refused, a time
outside the clinic's hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assistant.booking_slots import problem_with
from assistant.booking_time import RequestedTime
from assistant.clinic import clinic
from harness.assistant_client import topics, wait_until

pytestmark = pytest.mark.e2e

CLINIC = clinic()
NO_NOTE = '/chat_deny{"booking_field": "no_note"}'


def open_day(after_days: int = 2) -> date:
    """A day the clinic is open at 10:00 and 14:00, at least ``after_days`` ahead."""
    day = CLINIC.local().date() + timedelta(days=after_days)
    while (
        any(
            problem_with(RequestedTime(day=day, period=p), CLINIC, CLINIC.local())
            for p in ("morning", "afternoon")
        )
        or (CLINIC.hours_on(day) or (None, None))[1].hour < 15
    ):
        day += timedelta(days=1)
    return day


def closed_day() -> date:
    day = CLINIC.local().date() + timedelta(days=2)
    while CLINIC.hours_on(day) is not None:
        day += timedelta(days=1)
    return day


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def prompt(assistant, sender) -> str | None:
    """The slot the form is asking for now (None when no form is active)."""
    tracker = assistant.tracker(sender)
    if not (tracker.get("active_loop") or {}).get("name"):
        return None
    return tracker["slots"].get("requested_slot")


def submitted(assistant, sender) -> list[dict]:
    return [
        (b.get("metadata") or {})["booking"]
        for b in assistant.bot_events(sender)
        if "booking" in (b.get("metadata") or {})
    ]


def test_full_booking_in_english_takes_eight_messages_and_alerts_staff(
    assistant, sender, staff_hook
):
    day = open_day()
    replies = assistant.say(sender, "I'd like to book a consultation with the doctor")
    assert "PDPA" in texts(replies)
    assert [b["payload"] for b in buttons(replies)] == ["/chat_affirm", "/chat_deny"]
    assert prompt(assistant, sender) == "booking_consent"
    steps = [
        ("/chat_affirm", "booking_name", "name"),
        ("Jane Doe", "booking_phone", "phone"),
        ("081-234-5678", "booking_time", "come"),
        (f"{day:%d/%m/%Y} at 10am", "booking_condition", "condition"),
        ("Psoriasis", "booking_note", "doctor"),
        (NO_NOTE, "booking_confirmed", "Jane Doe"),
    ]
    for text, slot, expected in steps:
        replies = assistant.say(sender, text)
        assert prompt(assistant, sender) == slot, (text, texts(replies))
        assert expected in texts(replies)
    summary = texts(replies)
    assert "081-234-5678" in summary and "Psoriasis" in summary
    assert f"{day.day} {CLINIC.month_names['en'][day.month - 1]}, 10:00" in summary
    replies = assistant.say(sender, "/chat_affirm")
    assert prompt(assistant, sender) is None
    [request] = submitted(assistant, sender)
    assert request["reference"] in texts(replies)
    assert request | {"reference": "", "submitted_at": 0} == {
        "reference": "",
        "status": "requested",
        "name": "Jane Doe",
        "phone": "+66812345678",
        "wish": f"{day.isoformat()} 10:00",
        "wish_text": f"{day:%d/%m/%Y} at 10am",
        "condition": "psoriasis",
        "note": "-",
        "language": "en",
        "channel": "rest",
        "submitted_at": 0,
    }
    assert len(assistant.user_events(sender)) == 8  # request, consent, 5 answers, confirm
    assert wait_until(
        lambda: any(
            a["conversation_id"] == sender and a["reason"] == "booking_request"
            and request["reference"] in a["details"]
            for a in staff_hook.received
        )
    )  # fmt: skip
    slots = assistant.tracker(sender)["slots"]
    assert all(slots.get(s) is None for s in slots if s.startswith("booking_"))


def test_full_booking_in_thai_with_the_condition_already_known(assistant, sender):
    day = open_day()
    be_date = f"{day.day}/{day.month}/{day.year + 543}"
    replies = assistant.say(sender, "เป็นสะเก็ดเงินมาหลายปีค่ะ อยากนัดปรึกษาแพทย์")
    assert "PDPA" in texts(replies) and prompt(assistant, sender) == "booking_consent"
    for text in ["ยินยอม", "สมหญิง ใจดี", "๐๘๑ ๒๓๔ ๕๖๗๘", f"{be_date} บ่ายสอง"]:
        replies = assistant.say(sender, "/chat_affirm" if text == "ยินยอม" else text)
    # The condition came from the conversation: the note is next.
    assert prompt(assistant, sender) == "booking_note", texts(replies)
    replies = assistant.say(sender, "แพ้ยาเพนิซิลลินค่ะ")
    summary = texts(replies)
    assert prompt(assistant, sender) == "booking_confirmed"
    assert "สมหญิง ใจดี" in summary and "081-234-5678" in summary and "สะเก็ดเงิน" in summary
    assert f"{day.day} {CLINIC.month_names['th'][day.month - 1]} 14:00 น." in summary
    assert "แพ้ยาเพนิซิลลิน" in summary
    assert [b["title"] for b in buttons(replies)][0] == "ยืนยัน"
    replies = assistant.say(sender, "/chat_affirm")
    [request] = submitted(assistant, sender)
    assert request["wish"] == f"{day.isoformat()} 14:00" and request["language"] == "th"
    assert request["reference"] in texts(replies) and "1669" in texts(replies)
    assert len(assistant.user_events(sender)) == 7


def _to_summary(assistant, sender, first: str, name: str, phone: str, time_text: str) -> list:
    assistant.say(sender, first)
    assert prompt(assistant, sender) == "booking_consent", first
    assistant.say(sender, "/chat_affirm")
    assistant.say(sender, name)
    assistant.say(sender, phone)
    assistant.say(sender, time_text)
    assert prompt(assistant, sender) in ("booking_condition", "booking_note"), time_text
    if prompt(assistant, sender) == "booking_condition":
        assistant.say(sender, "psoriasis")
    return assistant.say(sender, NO_NOTE)


def test_a_correction_at_the_summary_changes_only_that_field(assistant, sender):
    day = open_day()
    replies = _to_summary(
        assistant, sender, "book a consultation please", "Tom Lee", "0812345678",
        f"{day:%d/%m/%Y} 2pm",
    )  # fmt: skip
    change = [b["payload"] for b in buttons(replies) if b["title"] == "Change phone"]
    replies = assistant.say(sender, change[0])
    assert prompt(assistant, sender) == "booking_phone"
    replies = assistant.say(sender, "+66 2 123 4567")
    assert prompt(assistant, sender) == "booking_confirmed"
    assert "02-123-4567" in texts(replies) and "Tom Lee" in texts(replies)
    assistant.say(sender, "/chat_affirm")
    [request] = submitted(assistant, sender)
    assert request["phone"] == "+6621234567" and request["name"] == "Tom Lee"


@pytest.mark.parametrize(
    ("start", "cancel", "expected"),
    [("I want to make an appointment", "cancel", "stopped"),
     ("อยากนัดปรึกษาแพทย์ค่ะ", "ยกเลิกค่ะ", "ยกเลิกคำขอนัดแล้ว")],
)  # fmt: skip
def test_cancel_mid_form_stops_it_and_keeps_nothing(assistant, sender, start, cancel, expected):
    assistant.say(sender, start)
    assistant.say(sender, "/chat_affirm")
    assistant.say(sender, "Anna")
    replies = assistant.say(sender, cancel)
    assert expected in texts(replies)
    assert prompt(assistant, sender) is None
    slots = assistant.tracker(sender)["slots"]
    assert slots["booking_name"] is None and slots["booking_consent"] is None
    assert not submitted(assistant, sender)
    assert assistant.say(sender, "what is uc-msc?"), "the assistant answers as usual afterwards"


@pytest.mark.parametrize(
    ("start", "question", "topic"),
    [("I'd like to book a consultation", "is it safe? what are the side effects?",
      "therapy.safety"),
     ("อยากนัดปรึกษาแพทย์ค่ะ", "ผลข้างเคียงมีอะไรบ้างคะ", "therapy.safety")],
)  # fmt: skip
def test_a_question_mid_form_is_answered_then_the_form_resumes(
    assistant, sender, start, question, topic
):
    assistant.say(sender, start)
    assistant.say(sender, "/chat_affirm")
    assistant.say(sender, "Nok")
    assert prompt(assistant, sender) == "booking_phone"
    before = len(assistant.bot_events(sender))
    replies = assistant.say(sender, question)
    new = assistant.bot_events(sender)[before:]
    assert topic in topics(new), texts(replies)
    assert (new[-1].get("metadata") or {}).get("booking_prompt") == "booking_phone"
    assert prompt(assistant, sender) == "booking_phone"
    assistant.say(sender, "0898765432")
    assert prompt(assistant, sender) == "booking_time"


@pytest.mark.parametrize(
    ("start", "red_flag"),
    [("I'd like to book a consultation",
      "I can't breathe and my face is swelling after the infusion"),
     ("อยากนัดปรึกษาแพทย์ค่ะ", "ฉีดเมื่อวาน ตอนนี้หายใจไม่ออก แน่นหน้าอกค่ะ")],
)  # fmt: skip
def test_a_red_flag_mid_form_gets_the_emergency_answer_at_once(
    assistant, sender, staff_hook, start, red_flag
):
    assistant.say(sender, start)
    assistant.say(sender, "/chat_affirm")
    replies = assistant.say(sender, red_flag)
    assert "1669" in texts(replies)
    assert prompt(assistant, sender) is None
    assert assistant.tracker(sender)["slots"]["booking_consent"] is None
    assert wait_until(
        lambda: any(
            a["conversation_id"] == sender and a["reason"] == "emergency"
            for a in staff_hook.received
        )
    )


def test_a_request_for_staff_mid_form_hands_off_with_what_was_collected(assistant, sender):
    assistant.say(sender, "I'd like to book a consultation")
    assistant.say(sender, "/chat_affirm")
    assistant.say(sender, "Somchai Jaidee")
    assistant.say(sender, "0812345678")
    assistant.say(sender, "I want to talk to a real person")
    tracker = assistant.tracker(sender)
    assert prompt(assistant, sender) is None
    pauses = [e for e in tracker["events"] if e["event"] == "pause"]
    assert pauses, "the conversation is handed to staff"
    summary = pauses[-1]["metadata"]["handoff"]["summary"]
    assert "name=Somchai Jaidee" in summary and "phone=+66812345678" in summary


@pytest.mark.parametrize(
    ("start", "bad", "expected"),
    [("I'd like to book a consultation", "12345", "doesn't look like a Thai phone number"),
     ("อยากนัดปรึกษาแพทย์ค่ะ", "081-234-567", "ดูไม่ใช่เบอร์โทรศัพท์ในไทย")],
)  # fmt: skip
def test_a_bad_phone_number_is_asked_again_clearly(assistant, sender, start, bad, expected):
    assistant.say(sender, start)
    assistant.say(sender, "/chat_affirm")
    assistant.say(sender, "Ploy")
    replies = assistant.say(sender, bad)
    assert expected in texts(replies)
    assert len(replies) == 1, "the clear re-ask replaces the form's question"
    assert prompt(assistant, sender) == "booking_phone"
    assistant.say(sender, "+66812345678")
    assert prompt(assistant, sender) == "booking_time"


@pytest.mark.parametrize(
    ("start", "expected"),
    [("I'd like to book a consultation", "Talk to staff"),
     ("อยากนัดปรึกษาแพทย์ค่ะ", "คุยกับเจ้าหน้าที่")],
)  # fmt: skip
def test_consent_refused_ends_politely_and_offers_staff(assistant, sender, start, expected):
    assistant.say(sender, start)
    replies = assistant.say(sender, "/chat_deny")
    assert expected in [b["title"] for b in buttons(replies)]
    assert prompt(assistant, sender) is None
    assert not submitted(assistant, sender)


def test_a_time_when_the_clinic_is_closed_offers_the_nearest_open_times(assistant, sender):
    day = closed_day()
    assistant.say(sender, "I'd like to book a consultation")
    assistant.say(sender, "/chat_affirm")
    assistant.say(sender, "Lek")
    assistant.say(sender, "0812345678")
    replies = assistant.say(sender, f"{day:%d/%m/%Y} 10am")
    offered = buttons(replies)
    assert "closed" in texts(replies) and len(offered) == 3
    assert prompt(assistant, sender) == "booking_time"
    assistant.say(sender, offered[0]["payload"])
    assert prompt(assistant, sender) == "booking_condition"


def _book(assistant, sender, day: date) -> dict:
    _to_summary(assistant, sender, "I'd like to book a consultation", "Mali", "0812345678",
                f"{day:%d/%m/%Y} 10am")  # fmt: skip
    assistant.say(sender, "/chat_affirm")
    [request] = submitted(assistant, sender)
    return request


def updates(assistant, sender) -> list[dict]:
    return [
        (b.get("metadata") or {})["booking_update"]
        for b in assistant.bot_events(sender)
        if "booking_update" in (b.get("metadata") or {})
    ]


def test_booking_manage_without_a_request_offers_to_book(assistant, sender):
    replies = assistant.say(sender, "did you get my booking?")
    assert "Book a consultation" in [b["title"] for b in buttons(replies)]


def test_booking_manage_shows_the_status_and_cancels(assistant, sender, staff_hook):
    request = _book(assistant, sender, open_day())
    replies = assistant.say(sender, "did you get my booking?")
    assert request["reference"] in texts(replies) and "waiting for staff" in texts(replies)
    cancel = [b["payload"] for b in buttons(replies) if b["title"] == "Cancel my request"]
    replies = assistant.say(sender, cancel[0])
    assert "cancelled" in texts(replies)
    assert updates(assistant, sender) == [
        {"reference": request["reference"], "status": "cancelled", "by": "patient"}
    ]
    assert wait_until(
        lambda: any(a["reason"] == "booking_cancelled" and a["conversation_id"] == sender
                    for a in staff_hook.received)
    )  # fmt: skip
    replies = assistant.say(sender, "cancel my appointment")
    assert "can't find" in texts(replies), "a cancelled request is no longer open"


def test_booking_manage_in_thai_asks_for_another_time(assistant, sender):
    request = _book(assistant, sender, open_day())
    later = open_day(after_days=4)
    replies = assistant.say(sender, "ขอเลื่อนนัดค่ะ")
    assert request["reference"] in texts(replies) and "สถานะ" in texts(replies)
    change = [b["payload"] for b in buttons(replies) if b["title"] == "ขอเลื่อนนัด"]
    replies = assistant.say(sender, change[0])
    assert prompt(assistant, sender) == "booking_time"
    replies = assistant.say(sender, f"{later.day}/{later.month}/{later.year + 543} บ่ายสอง")
    assert prompt(assistant, sender) is None
    assert request["reference"] in texts(replies) and "เลื่อน" in texts(replies)
    [update] = updates(assistant, sender)
    assert update["status"] == "change_requested" and update["wish"] == f"{later} 14:00"
