"""The real round trip: Rasa, the action server and the console running as `make run` starts them.

A patient asks for a person, the conversation shows up in the console's queue, a clinician
claims it and answers in Thai (delivered on the patient's own channel and stored in the
tracker), hands back, and the assistant answers the patient again.
"""
from __future__ import annotations

import threading
import uuid

import pytest
import requests

from tests.console.conftest import STAFF_PASSWORD
from tests.console.staff_session import StaffSession
from tests.support.assistant_client import AssistantClient, topics, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
THAI_REPLY = "สวัสดีค่ะ ดิฉันเป็นพยาบาลของคลินิก ยินดีตอบคำถามค่ะ"


@pytest.fixture(scope="module")
def assistant(console_stack) -> AssistantClient:
    return AssistantClient(console_stack.rasa_url, console_stack.token)


@pytest.fixture
def nurse(console_stack) -> StaffSession:
    session = StaffSession(console_stack.console_url)
    session.sign_in("nurse", STAFF_PASSWORD)
    return session


def conversation_pk(session: StaffSession, sender: str) -> int:
    for pk in session.queue_ids():
        if sender in session.get(f"/conversations/{pk}/"):
            return pk
    raise AssertionError(f"{sender} is not in the queue")


def test_rest_patient_handoff_thai_reply_hand_back(console_stack, assistant, nurse):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "สเต็มเซลล์คืออะไรคะ")
    replies = assistant.say(sender, "ขอคุยกับเจ้าหน้าที่ค่ะ")
    assert replies, "the assistant answers the handoff request"
    assert any(e["event"] == "pause" for e in assistant.tracker(sender)["events"])

    pk = conversation_pk(nurse, sender)
    page = nurse.get(f"/conversations/{pk}/")
    assert "user_request" in page and console_stack.token not in page
    nurse.post(f"/conversations/{pk}/claim/", {})
    nurse.post(f"/conversations/{pk}/reply/", {"text": THAI_REPLY})

    staff = [e for e in assistant.bot_events(sender) if (e.get("metadata") or {}).get("staff")]
    assert [e["text"] for e in staff] == [THAI_REPLY]
    assert staff[0]["metadata"]["staff_user"] == "nurse" and staff[0]["metadata"]["language"] == "th"
    assert THAI_REPLY in nurse.get(f"/conversations/{pk}/")

    assert assistant.say(sender, "ยังอยู่ไหมคะ") == [], "paused: the assistant stays quiet"
    nurse.post(f"/conversations/{pk}/hand-back/", {})
    assert pk not in nurse.queue_ids()
    answer = assistant.say(sender, "สเต็มเซลล์มีความเสี่ยงอะไรบ้างคะ")
    assert answer and topics(assistant.bot_events(sender))[-1] != "handoff.staff_reply"
    assert assistant.tracker(sender)["events"][-1]["event"] != "pause"


def test_web_patient_gets_the_staff_reply_on_their_socket(console_stack, assistant, nurse):
    import socketio

    received: list[dict] = []
    confirmed = threading.Event()
    session: dict[str, str] = {}
    client = socketio.Client(reconnection=False)

    @client.on("session_confirm")
    def on_confirm(session_id):
        session["id"] = session_id if isinstance(session_id, str) else session_id.get("session_id")
        confirmed.set()

    @client.on("bot_uttered")
    def on_bot(message):
        received.append(message)

    client.connect(console_stack.rasa_url, transports=["polling"], socketio_path="/socket.io")
    try:
        client.emit("session_request", {"session_id": None})
        assert confirmed.wait(20)
        client.emit("user_uttered", {"message": "ขอคุยกับเจ้าหน้าที่ค่ะ", "session_id": session["id"],
                                     "metadata": {"language": "th"}})
        assert wait_until(lambda: received, timeout=30), "the handoff answer reaches the socket"
        assert wait_until(lambda: any(e["event"] == "pause" for e in assistant.tracker(session["id"])["events"]), 10)
        pk = conversation_pk(nurse, session["id"])
        nurse.post(f"/conversations/{pk}/claim/", {})
        nurse.post(f"/conversations/{pk}/reply/", {"text": THAI_REPLY})
        assert wait_until(lambda: any(m.get("text") == THAI_REPLY for m in received), timeout=20)
        delivered = next(m for m in received if m.get("text") == THAI_REPLY)
        assert (delivered.get("metadata") or {}).get("staff") is True
        nurse.post(f"/conversations/{pk}/hand-back/", {})
    finally:
        client.disconnect()


def test_signed_out_and_reviewer_get_nothing_from_the_running_console(console_stack):
    response = requests.get(f"{console_stack.console_url}/queue/", timeout=30, allow_redirects=False)
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    reviewer = StaffSession(console_stack.console_url)
    reviewer.sign_in("reviewer1", STAFF_PASSWORD)
    response = reviewer.http.post(f"{console_stack.console_url}/conversations/1/reply/",
                                  data={"text": "x", "csrfmiddlewaretoken": reviewer.http.cookies.get("csrftoken")},
                                  timeout=30)
    assert response.status_code in (403, 404)
