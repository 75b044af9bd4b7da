"""Was this helpful? through the real servers: a rating given on REST, on LINE (fake LINE
platform) and in the web widget (Debian's Chromium) lands in the tracker, on the answer it
rates, and in the console's analytics and transcript.

One stack for the three channels: action server, Rasa (LINE channel on), the web pages and
the console, sharing a temporary SQLite tracker store.
"""

from __future__ import annotations

import re
import uuid

import pytest

from assistant.paths import ROOT
from harness.assistant_client import AssistantClient
from harness.fake_line_api import FakeLineApi
from harness.line_webhook import LineWebhookSender, postback_event
from ops.stack import free_port, make_stack, private_overrides
from tests.console.staff_session import STAFF_PASSWORD, StaffSession, create_staff_user
from tests.line.conftest import LinePatient
from tests.trained_model import require_trained_model
from tests.web.chat_page import ChatPage

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SECRET = "rating-secret-" + uuid.uuid4().hex
TOKEN = "rating-token-" + uuid.uuid4().hex
RATING_PAYLOADS = ["/feedback_helpful", "/feedback_not_helpful"]


@pytest.fixture(scope="module")
def line_api():
    with FakeLineApi(token=TOKEN) as api:
        yield api


@pytest.fixture(scope="module")
def stack(tmp_path_factory, line_api):
    require_trained_model()
    data = tmp_path_factory.mktemp("ratings")
    running = make_stack(
        {
            **private_overrides(f"sqlite:///{data / 'tracker.db'}"),
            "TRACKER_STORE_DIALECT": "sqlite",
            "WEB_PORT": str(free_port()),
            "CONSOLE_PORT": str(free_port()),
            "CONSOLE_DATABASE_URL": f"sqlite:///{data / 'console.db'}",
            "CONSOLE_SECRET_KEY": uuid.uuid4().hex,
            "STAFF_WEBHOOK_URL": "",
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "LINE_API_BASE_URL": line_api.url,
            "LINE_STAFF_TO": "",
            "LINE_LOADING_AFTER_SECONDS": "0",
        },
        log_dir=ROOT / "test-artifacts" / "logs" / "ratings",
    )
    running.env["CONSOLE_RASA_URL"] = running.rasa_url
    try:
        running.start(("actions", "rasa", "web", "console"))
        create_staff_user(running.env, "reviewer2", "reviewer")
        yield running
    finally:
        running.stop()


def rating_of(event: dict) -> dict:
    metadata = event.get("metadata") or {}
    return metadata.get("rating") or (metadata.get("metadata") or {}).get("rating") or {}


def button_payloads(event: dict) -> list[str]:
    return [b.get("payload") for b in (event.get("data") or {}).get("buttons") or []]


def assert_rated(assistant: AssistantClient, sender: str, value: str, language: str) -> dict:
    """The tracker holds the rating on the reply, naming the answer just before it."""
    bots = assistant.bot_events(sender)
    answer_end = next(e for e in reversed(bots) if (e.get("metadata") or {}).get("disclaimer"))
    assert button_payloads(answer_end)[-2:] == RATING_PAYLOADS
    reply = bots[-1]
    rating = rating_of(reply)
    assert rating == {
        "value": value,
        "topic": answer_end["metadata"]["topic"],
        "question": answer_end["metadata"].get("question"),
    }, reply
    assert reply["metadata"]["topic"] == f"feedback.{value}"
    assert reply["metadata"]["language"] == language
    return rating


def test_ratings_from_rest_line_and_the_widget_reach_the_tracker_and_the_console(
    stack, line_api, browser
):
    assistant = AssistantClient(stack.rasa_url, stack.token)
    rated = {}

    # REST, English, not helpful: the reply offers staff, a "yes" hands off.
    rest = f"rest-{uuid.uuid4().hex[:8]}"
    assistant.say(rest, "Does the treatment hurt?")
    replies = assistant.say(rest, "/feedback_not_helpful")
    assert [b["payload"] for b in replies[-1].get("buttons", [])] == ["/handoff_request"]
    rated["rest"] = assert_rated(assistant, rest, "not_helpful", "en")

    # LINE, Thai, helpful: the quick replies are LINE postbacks within LINE's limits.
    patient = LinePatient(LineWebhookSender(stack.rasa_url, SECRET), line_api, "th")
    patient.says("ฉีดสเต็มเซลล์เจ็บไหมคะ")
    last = patient.wait_received(1)[-1].body["messages"][-1]
    items = last["quickReply"]["items"]
    assert len(items) <= 13 and all(len(i["action"]["label"]) <= 20 for i in items)
    postbacks = [i["action"].get("data") for i in items]
    assert postbacks[-2:] == RATING_PAYLOADS and items[-2]["action"]["label"] == "👍 มีประโยชน์"
    assert patient.send(postback_event(patient.user, "/feedback_helpful")).status_code == 200
    patient.wait_received(2)
    rated["line"] = assert_rated(assistant, patient.user, "helpful", "th")

    # The web widget in a real browser, Thai: the patient taps the button.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="th-TH")
    try:
        chat = ChatPage(context.new_page(), stack.web_url, [])
        chat.goto("th")
        chat.open()
        chat.ask("สเต็มเซลล์มีผลข้างเคียงอะไรบ้างคะ")
        replies = chat.click_quick_reply("👎 ไม่ตรงคำถาม")
        assert "ขออภัย" in replies[0]["text"]
        web = chat.session_id()
    finally:
        context.close()
    rated["web"] = assert_rated(assistant, web, "not_helpful", "th")

    # The console: counted per question and language, shown beside the answer.
    reviewer = StaffSession(stack.console_url)
    reviewer.sign_in("reviewer2", STAFF_PASSWORD)
    page = reviewer.get("/analytics/?days=7")
    table = page.split('id="rating-table"', 1)[1].split("</table>", 1)[0]
    cells = [
        re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    counted = {(c[1], c[2]): (int(c[3]), int(c[4])) for c in cells if c}
    for channel, value, language in (
        ("rest", "not_helpful", "en"),
        ("line", "helpful", "th"),
        ("web", "not_helpful", "th"),
    ):
        helpful, not_helpful = counted[(rated[channel]["question"] or "—", language)]
        assert (helpful if value == "helpful" else not_helpful) >= 1, (channel, counted)
    conversations = reviewer.get("/conversations/?q=Does+the+treatment+hurt")
    pk = re.search(r'href="/conversations/(\d+)/"', conversations).group(1)
    assert 'data-rating="not_helpful"' in reviewer.get(f"/conversations/{pk}/")
