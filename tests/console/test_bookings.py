"""The consultation requests page: listed from the tracker store, new first; clinicians
confirm, propose another time or decline (the patient told through Rasa's HTTP API, on
their channel, audit-logged); reviewers see masked names and phones and cannot act;
deleting a conversation deletes its requests."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from console.staff import conversation_index
from console.staff.models import AuditEntry, BookingRequest, Conversation
from tests.console.rasa_events import Conversation as Events

pytestmark = pytest.mark.django_db(databases=["default", "tracker"])


def request_metadata(reference: str, name: str, phone: str, wish: str, language: str) -> dict:
    return {
        "reference": reference,
        "status": "requested",
        "name": name,
        "phone": phone,
        "wish": wish,
        "wish_text": "พรุ่งนี้บ่ายสอง",
        "condition": "psoriasis",
        "note": "แพ้ยา โทร 081-999-8888 ได้",
        "language": language,
        "channel": "line",
        "submitted_at": time.time() - 100,
    }


@pytest.fixture
def bookings(db):
    now = time.time()
    old = (
        Events("line-old", "line", start=now - 7200)
        .user("อยากนัดค่ะ", "booking_request")
        .bot("ส่งคำขอแล้ว", "booking.request",
             booking=request_metadata("BK-OLD001", "Anong Sukjai", "+66891112222",
                                      "2026-12-15 morning", "th") | {"submitted_at": now - 7000})
        .bot("ยกเลิกแล้ว", "booking.manage",
             booking_update={"reference": "BK-OLD001", "status": "cancelled"})
    )  # fmt: skip
    new = (
        Events("line-new", "line", start=now - 600)
        .user("อยากนัดปรึกษาแพทย์ค่ะ", "booking_request")
        .bot("ส่งคำขอแล้ว", "booking.request",
             booking=request_metadata("BK-NEW002", "Somchai Jaidee", "+66812345678",
                                      "2026-12-16 14:00", "th"))
    )  # fmt: skip
    old.save()
    new.save()
    conversation_index.refresh_index()
    return {"old": old, "new": new}


def test_requests_are_listed_waiting_first_with_the_conversation_one_click_away(
    client_as, bookings
):
    page = client_as("clinician").get(reverse("staff:bookings"))
    rows = list(page.context["rows"])
    assert [r.reference for r in rows] == ["BK-NEW002", "BK-OLD001"]
    assert [r.status for r in rows] == ["requested", "cancelled"]
    html = page.content.decode()
    conversation = Conversation.objects.get(sender_id="line-new")
    assert reverse("staff:conversation", args=[conversation.pk]) in html
    assert "Somchai Jaidee" in html and "081-234-5678" in html and "Wed 16 Dec, 14:00" in html
    assert reverse("staff:booking_act", args=[rows[0].pk]) in html


def test_a_reviewer_sees_masked_names_and_phones_and_cannot_act(client_as, bookings, fake_rasa):
    client = client_as("reviewer")
    html = client.get(reverse("staff:bookings")).content.decode()
    assert "Somchai" not in html and "081-234-5678" not in html and "081-999-8888" not in html
    assert "S••• J•••" in html and "[phone]" in html
    assert "booking-decision" not in html
    row = BookingRequest.objects.get(reference="BK-NEW002")
    response = client.post(
        reverse("staff:booking_act", args=[row.pk]),
        {"op": "confirm", "date": "2026-12-16", "time": "14:00"},
    )
    assert response.status_code == 403 and fake_rasa.calls == []


def test_confirm_tells_the_patient_on_their_channel_and_is_audited(client_as, bookings, fake_rasa):
    row = BookingRequest.objects.get(reference="BK-NEW002")
    client = client_as("clinician")
    client.post(
        reverse("staff:booking_act", args=[row.pk]),
        {"op": "confirm", "date": "2026-12-16", "time": "14:30"},
    )
    (call,) = fake_rasa.calls
    assert call["path"] == "/conversations/line-new/tracker/events"
    assert call["query"]["output_channel"] == "line"
    (event,) = call["body"]
    assert "16 ธ.ค. 14:30 น." in event["text"] and "BK-NEW002" in event["text"]
    assert event["metadata"] | {} == {
        "staff": True,
        "staff_user": "clinician",
        "topic": "booking.manage",
        "language": "th",
        "booking_update": {
            "reference": "BK-NEW002",
            "status": "confirmed",
            "by": "staff",
            "final_time": "2026-12-16 14:30",
        },
    }
    entry = AuditEntry.objects.get(action="booking_confirm")
    assert entry.target == "line-new" and "BK-NEW002" in entry.detail


def test_propose_needs_a_reason_and_offers_the_patient_buttons(client_as, bookings, fake_rasa):
    row = BookingRequest.objects.get(reference="BK-NEW002")
    client = client_as("clinician")
    act = reverse("staff:booking_act", args=[row.pk])
    client.post(act, {"op": "propose", "date": "2026-12-17", "time": "10:00"})
    assert fake_rasa.calls == [], "no reason: nothing sent"
    client.post(act, {"op": "propose", "date": "2026-12-17", "time": "10:00", "reason": "แพทย์ไม่อยู่"})
    (call,) = fake_rasa.calls
    first, last = call["body"]
    assert first["metadata"]["booking_update"]["status"] == "proposed"
    assert [b["payload"] for b in last["data"]["buttons"]] == [
        '/booking_manage{"booking_field": "accept_proposal"}',
        '/booking_manage{"booking_field": "change_request"}',
    ]


@pytest.mark.parametrize(
    "post",
    [{"op": "confirm"}, {"op": "confirm", "date": "someday", "time": "25:00"}, {"op": "decline"},
     {"op": "drop-tables"}],
)  # fmt: skip
def test_bad_decisions_are_refused_with_nothing_sent(client_as, bookings, fake_rasa, post):
    row = BookingRequest.objects.get(reference="BK-NEW002")
    response = client_as("clinician").post(reverse("staff:booking_act", args=[row.pk]), post)
    assert response.status_code == 302 and fake_rasa.calls == []
    assert not AuditEntry.objects.filter(action__startswith="booking").exists()


def test_deleting_a_conversation_deletes_its_requests(client_as, bookings):
    conversation = Conversation.objects.get(sender_id="line-new")
    client_as("admin").post(reverse("staff:delete", args=[conversation.pk]), {"confirm": "yes"})
    assert not BookingRequest.objects.filter(reference="BK-NEW002").exists()
