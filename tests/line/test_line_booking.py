"""Booking on LINE through the real servers and the fake LINE API: the form's buttons
arrive as postback quick replies, a full booking in Thai, a staff decision (posted to
Rasa's HTTP API as the console does) arrives as a push with its buttons, and a language
switch links the patient to the other language's rich menu."""

from __future__ import annotations

import asyncio

import pytest

from harness.line_webhook import postback_event
from line_api.client import LineClient
from ops.line_rich_menu import replace_menus
from tests.clinic_days import open_weekday
from tests.line.conftest import ACCESS_TOKEN

pytestmark = pytest.mark.e2e


def quick_replies(call) -> list[dict]:
    return [
        item["action"]
        for message in call.body["messages"]
        for item in (message.get("quickReply") or {}).get("items", [])
    ]


def test_a_thai_line_patient_books_and_staff_confirm_by_push(patient, assistant, line_api):
    day = open_weekday()
    patient.says("อยากนัดปรึกษาแพทย์ค่ะ")
    [consent] = patient.wait_received(1)[-1:]
    assert [a["data"] for a in quick_replies(consent)] == ["/chat_affirm", "/chat_deny"]
    assert [a["label"] for a in quick_replies(consent)] == ["ยินยอม", "ไม่ยินยอม"]
    steps = [("postback", "/chat_affirm"), ("text", "สมหญิง ใจดี"), ("text", "0812345678"),
             ("text", f"{day.day}/{day.month}/{day.year + 543} บ่ายสอง"),
             ("text", "สะเก็ดเงิน"),
             ("postback", '/chat_deny{"booking_field": "no_note"}'),
             ("postback", "/chat_affirm")]  # fmt: skip
    for count, (kind, value) in enumerate(steps, start=2):
        if kind == "postback":
            patient.send(postback_event(patient.user, value))
        else:
            patient.says(value)
        patient.wait_received(count)
    sent = [b for b in assistant.bot_events(patient.user) if "booking" in (b.get("metadata") or {})]
    [request] = [b["metadata"]["booking"] for b in sent]
    assert request["channel"] == "line" and request["wish"] == f"{day.isoformat()} 14:00"
    assert request["reference"] in " ".join(patient.texts())

    # What the console's "propose another time" sends (console/staff/rasa_api.py).
    assistant.append_events(
        patient.user,
        [
            {"event": "bot", "text": f"เจ้าหน้าที่เสนอเวลาใหม่ ({request['reference']})",
             "metadata": {"staff": True, "staff_user": "nurse", "topic": "booking.manage",
                          "language": "th",
                          "booking_update": {"reference": request["reference"],
                                             "status": "proposed",
                                             "wish": f"{day.isoformat()} 15:00",
                                             "reason": "แพทย์ไม่อยู่"}},
             "data": {"buttons": [
                 {"title": "ตกลงเวลานี้",
                  "payload": '/booking_manage{"booking_field": "accept_proposal"}'}]}},
        ],
        output_channel="line",
    )  # fmt: skip
    push = patient.wait_received(len(steps) + 2)[-1]
    assert push.kind == "push" and request["reference"] in push.texts[0]
    [accept] = quick_replies(push)
    patient.send(postback_event(patient.user, accept["data"]))
    patient.wait_received(len(steps) + 3)
    assert "ยืนยันนัดปรึกษาแพทย์" in patient.texts()[-1]
    updates = [
        b["metadata"]["booking_update"]
        for b in assistant.bot_events(patient.user)
        if "booking_update" in (b.get("metadata") or {})
    ]
    assert updates[-1]["status"] == "confirmed"
    assert updates[-1]["final_time"] == f"{day.isoformat()} 15:00"


def test_a_language_switch_links_the_other_languages_rich_menu(patient, line_api):
    async def make() -> dict[str, str]:
        async with LineClient(ACCESS_TOKEN, line_api.url) as client:
            return await replace_menus(client, "th")

    menus = asyncio.run(make())
    patient.says("สวัสดีค่ะ")
    patient.wait_received(1)
    patient.says("English please")
    patient.wait_received(2)
    assert line_api.wait_for(lambda api: api.user_rich_menus.get(patient.user) == menus["en"], 10)
    patient.says("ภาษาไทยค่ะ")
    patient.wait_received(3)
    assert line_api.wait_for(lambda api: api.user_rich_menus.get(patient.user) == menus["th"], 10)
