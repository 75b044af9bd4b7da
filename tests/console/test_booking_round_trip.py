"""The booking round trip through the real servers: a web patient books over socket.io, a
clinician confirms on the console's Consultation requests page, the patient receives the
confirmation live on their socket; a reviewer sees the request masked."""

from __future__ import annotations

import re

import pytest

from harness.assistant_client import AssistantClient, wait_until
from harness.socket_patient import SocketPatient
from tests.clinic_days import open_weekday
from tests.console.staff_session import STAFF_PASSWORD, StaffSession

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_web_patient_books_staff_confirm_patient_told_live(console_stack):
    assistant = AssistantClient(console_stack.rasa_url, console_stack.token)

    day = open_weekday()
    with SocketPatient(console_stack.rasa_url) as patient:
        session = {"id": patient.session_id}
        received = patient.received

        def say(text: str, users: int) -> None:
            patient.say(text)
            assert wait_until(
                lambda: (
                    len(assistant.user_events(session["id"])) == users
                    and assistant.tracker(session["id"])["latest_action_name"] == "action_listen"
                ),
                timeout=30,
            ), text

        answers = ["I'd like to book a consultation", "/chat_affirm", "Somchai Jaidee",
                   "0812345678", f"{day:%d/%m/%Y} 10am", "Psoriasis",
                   '/chat_deny{"booking_field": "no_note"}', "/chat_affirm"]  # fmt: skip
        for count, text in enumerate(answers, start=1):
            say(text, count)
        bots = assistant.bot_events(session["id"])
        [reference] = [
            b["metadata"]["booking"]["reference"] for b in bots if "booking" in b["metadata"]
        ]
        assert any(reference in (m.get("text") or "") for m in received)

        nurse = StaffSession(console_stack.console_url)
        nurse.sign_in("nurse", STAFF_PASSWORD)
        page = nurse.get("/bookings/")
        assert reference in page and "Somchai Jaidee" in page
        [act] = re.findall(rf"{reference}.*?/bookings/(\d+)/act/", page, re.S)[:1]
        nurse.post(
            f"/bookings/{act}/act/", {"op": "confirm", "date": day.isoformat(), "time": "10:30"}
        )
        assert wait_until(
            lambda: any(
                reference in (m.get("text") or "")
                and "10:30" in (m.get("text") or "")
                and (m.get("metadata") or {}).get("staff")
                for m in received
            ),
            timeout=20,
        ), "the confirmation reaches the patient's socket"
        [update] = [b["metadata"]["booking_update"] for b in assistant.bot_events(session["id"])
                    if "booking_update" in b["metadata"]]  # fmt: skip
        assert update["status"] == "confirmed" and update["final_time"].endswith("10:30")
        assert "confirmed" in nurse.get("/bookings/")

        reviewer = StaffSession(console_stack.console_url)
        reviewer.sign_in("reviewer1", STAFF_PASSWORD)
        masked = reviewer.get("/bookings/")
        assert reference in masked and "Somchai" not in masked and "081-234-5678" not in masked
        assert "booking-decision" not in masked
