"""The real round trip: Rasa, the action server and the console running as `make run` starts them.

A patient asks for a person, the conversation shows up in the console's queue, a clinician
claims it and answers in Thai (delivered on the patient's own channel and stored in the
tracker), hands back, and the assistant answers the patient again.
"""

from __future__ import annotations

import pytest
import requests

from harness.assistant_client import AssistantClient, wait_until
from harness.socket_patient import SocketPatient
from tests.console.staff_session import (
    STAFF_PASSWORD,
    THAI_REPLY,
    StaffSession,
    conversation_pk,
    handoff_round_trip,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def assistant(console_stack) -> AssistantClient:
    return AssistantClient(console_stack.rasa_url, console_stack.token)


@pytest.fixture
def nurse(console_stack) -> StaffSession:
    session = StaffSession(console_stack.console_url)
    session.sign_in("nurse", STAFF_PASSWORD)
    return session


def test_rest_patient_handoff_thai_reply_hand_back(console_stack, assistant, nurse):
    handoff_round_trip(assistant, nurse, console_stack.token)


def test_web_patient_gets_the_staff_reply_on_their_socket(console_stack, assistant, nurse):
    with SocketPatient(console_stack.rasa_url) as patient:
        patient.say("ขอคุยกับเจ้าหน้าที่ค่ะ", {"language": "th"})
        received = patient.received
        assert wait_until(lambda: received, timeout=30), "the handoff answer reaches the socket"
        assert wait_until(
            lambda: any(
                e["event"] == "pause" for e in assistant.tracker(patient.session_id)["events"]
            ),
            10,
        )
        pk = conversation_pk(nurse, patient.session_id)
        nurse.post(f"/conversations/{pk}/claim/", {})
        nurse.post(f"/conversations/{pk}/reply/", {"text": THAI_REPLY})
        assert wait_until(lambda: THAI_REPLY in patient.texts(), timeout=20)
        delivered = next(m for m in received if m.get("text") == THAI_REPLY)
        assert (delivered.get("metadata") or {}).get("staff") is True
        nurse.post(f"/conversations/{pk}/hand-back/", {})


def test_signed_out_and_reviewer_get_nothing_from_the_running_console(console_stack):
    response = requests.get(
        f"{console_stack.console_url}/queue/", timeout=30, allow_redirects=False
    )
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    reviewer = StaffSession(console_stack.console_url)
    reviewer.sign_in("reviewer1", STAFF_PASSWORD)
    response = reviewer.http.post(
        f"{console_stack.console_url}/conversations/1/reply/",
        data={"text": "x", "csrfmiddlewaretoken": reviewer.http.cookies.get("csrftoken")},
        timeout=30,
    )
    assert response.status_code in (403, 404)


def test_a_deleted_conversation_leaves_no_trace_in_the_sqlite_files(console_stack):
    """PDPA: after a person's conversation is deleted, what they wrote is in neither the
    tracker database file nor its write-ahead log (Rasa's store writes through one)."""
    import glob
    import subprocess
    import sys
    import uuid

    import requests

    from assistant.paths import ROOT

    marker = "deleteme" + uuid.uuid4().hex[:12]
    sender = f"pdpa-{uuid.uuid4().hex[:8]}"
    for text in (f"my email is {marker}@example.com", "is it safe?"):
        reply = requests.post(
            f"{console_stack.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=30,
        )
        assert reply.status_code == 200 and reply.json()
    database = console_stack.env["TRACKER_STORE_URL"].removeprefix("sqlite:///")
    files = [database, database + "-wal"]

    def found() -> list[str]:
        return [f for f in glob.glob(database + "*") if marker.encode() in open(f, "rb").read()]

    assert found(), "the marker was never written: the test shows nothing"
    subprocess.run(
        [sys.executable, "-m", "console.manage", "delete_conversation", sender, "--by", "test"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**console_stack.env, "DJANGO_SETTINGS_MODULE": "console.settings"},
    )
    assert found() == [], files
