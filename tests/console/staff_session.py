"""A clinician using the running console over HTTP, as a browser would (cookies, CSRF)."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from typing import Mapping

import requests

from assistant.paths import ROOT
from harness.assistant_client import AssistantClient, topics

STAFF_PASSWORD = "nurse-Passphrase-2026"
THAI_REPLY = "สวัสดีค่ะ ดิฉันเป็นพยาบาลของคลินิก ยินดีตอบคำถามค่ะ"


@dataclass
class StaffSession:
    base_url: str
    http: requests.Session = field(default_factory=requests.Session)

    def sign_in(self, username: str, password: str) -> None:
        self.http.headers["Accept-Language"] = "en"
        self.http.get(f"{self.base_url}/login/", timeout=30)
        response = self.post("/login/", {"username": username, "password": password})
        assert response.url.rstrip("/") != f"{self.base_url}/login", "sign-in failed"

    def get(self, path: str) -> str:
        response = self.http.get(self.base_url + path, timeout=30)
        response.raise_for_status()
        return response.text

    def post(self, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        response = self.http.post(
            self.base_url + path, data=data, timeout=60, headers={"Referer": self.base_url + path}
        )
        response.raise_for_status()
        return response

    def queue_ids(self) -> list[int]:
        """Conversation ids in the handoff queue, in the queue's order."""
        table = self.get("/queue/").split('id="queue"', 1)[1]
        return [int(n) for n in re.findall(r'href="/conversations/(\d+)/"', table)]


def conversation_pk(session: StaffSession, sender: str) -> int:
    for pk in session.queue_ids():
        if sender in session.get(f"/conversations/{pk}/"):
            return pk
    raise AssertionError(f"{sender} is not in the queue")


def handoff_round_trip(assistant: AssistantClient, nurse: StaffSession, rasa_token: str) -> None:
    """A REST patient asks for a person; the clinician finds them in the queue, claims, answers
    in Thai (stored in the tracker with staff metadata), the assistant stays quiet, the
    clinician hands back, and the assistant answers again."""
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "สเต็มเซลล์คืออะไรคะ")
    replies = assistant.say(sender, "ขอคุยกับเจ้าหน้าที่ค่ะ")
    assert replies, "the assistant answers the handoff request"
    assert any(e["event"] == "pause" for e in assistant.tracker(sender)["events"])

    pk = conversation_pk(nurse, sender)
    page = nurse.get(f"/conversations/{pk}/")
    assert "user_request" in page and rasa_token not in page
    nurse.post(f"/conversations/{pk}/claim/", {})
    nurse.post(f"/conversations/{pk}/reply/", {"text": THAI_REPLY})

    staff = [e for e in assistant.bot_events(sender) if (e.get("metadata") or {}).get("staff")]
    assert [e["text"] for e in staff] == [THAI_REPLY]
    assert (
        staff[0]["metadata"]["staff_user"] == "nurse" and staff[0]["metadata"]["language"] == "th"
    )
    assert THAI_REPLY in nurse.get(f"/conversations/{pk}/")

    assert assistant.say(sender, "ยังอยู่ไหมคะ") == [], "paused: the assistant stays quiet"
    nurse.post(f"/conversations/{pk}/hand-back/", {})
    assert pk not in nurse.queue_ids()
    answer = assistant.say(sender, "สเต็มเซลล์มีความเสี่ยงอะไรบ้างคะ")
    assert answer and topics(assistant.bot_events(sender))[-1] != "handoff.staff_reply"
    assert assistant.tracker(sender)["events"][-1]["event"] != "pause"


def create_staff_user(
    env: Mapping[str, str], name: str, role: str, password: str = STAFF_PASSWORD
) -> None:
    """Creates a console account the way the README says, in the running console's database."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "console.manage",
            "create_staff_user",
            name,
            "--role",
            role,
            "--password-stdin",
        ],
        input=password + "\n",
        text=True,
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "console.settings"},  # not this test run's settings
    )
