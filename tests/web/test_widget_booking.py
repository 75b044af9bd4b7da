"""A consultation request in the chat widget, in Debian's Chromium: a Thai patient books
with the quick replies and typed answers, sees the summary and the reference."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.clinic import clinic
from tests.web.conftest import PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_thai_patient_books_in_the_widget(open_chat, assistant):
    place = clinic()
    day = place.local().date() + timedelta(days=2)
    while place.hours_on(day) is None or place.hours_on(day)[1].hour < 15:
        day += timedelta(days=1)
    chat = open_chat("th", PHONE)
    consent = chat.ask("อยากนัดปรึกษาแพทย์ค่ะ")
    assert any("PDPA" in r["text"] for r in consent)
    chat.click_quick_reply("ยินยอม")
    chat.ask("สมหญิง ใจดี")
    chat.ask("081-234-5678")
    chat.ask(f"{day.day}/{day.month}/{day.year + 543} บ่ายสอง")
    chat.click_quick_reply("สะเก็ดเงิน")
    summary = chat.click_quick_reply("ไม่มีข้อความเพิ่ม")
    assert any("สมหญิง ใจดี" in r["text"] and "081-234-5678" in r["text"] for r in summary)
    screenshot(chat, "widget-booking-summary-th")
    done = chat.click_quick_reply("ยืนยัน")
    [request] = [
        b["metadata"]["booking"]
        for b in assistant.bot_events(chat.session_id())
        if "booking" in (b.get("metadata") or {})
    ]
    assert any(request["reference"] in r["text"] for r in done)
    assert request["channel"] == "socketio" and request["wish"] == f"{day.isoformat()} 14:00"
    screenshot(chat, "widget-booking-sent-th")
