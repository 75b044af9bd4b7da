"""What staff see first, in a real browser (Debian's Chromium, headless, via Playwright):
an urgent conversation at the top of the queue with the count in the navigation, and the
"What we could not answer" page, in Thai and in English. Screenshots go to
test-artifacts/console/ (docs/images/ keeps copies)."""

from __future__ import annotations

import uuid

import pytest

from harness.assistant_client import AssistantClient
from tests.console.staff_session import STAFF_PASSWORD
from tests.console.test_browser import shot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UNCOVERED = {  # one question the content does not cover, asked in several ways
    "th": ["การรักษานี้ฮาลาลไหมคะ", "สเต็มเซลล์ฮาลาลหรือเปล่าคะ", "เซลล์ฮาลาลไหมครับ"],
    "en": ["is the treatment halal", "are the cells halal certified", "is UC-MSC halal"],
}


def goto(page, url: str) -> None:
    """Navigates, again if the queue page's own refresh (every 2 s here) got in the way."""
    for attempt in range(3):
        try:
            page.goto(url)
            return
        except Exception:  # net::ERR_ABORTED when the refresh navigates at the same moment
            if attempt == 2:
                raise


def test_urgent_first_and_what_we_could_not_answer_in_both_languages(console_stack, browser):
    assistant = AssistantClient(console_stack.rasa_url, console_stack.token)
    run = uuid.uuid4().hex[:6]
    ordinary = f"ordinary-{run}"
    assistant.say(ordinary, "ขอคุยกับเจ้าหน้าที่ค่ะ")
    urgent = f"urgent-{run}"
    assistant.say(urgent, "i want to hurt myself")  # distress: answered, handed off, urgent
    assert any(e["event"] == "pause" for e in assistant.tracker(urgent)["events"])
    for language, questions in UNCOVERED.items():
        for n, text in enumerate(questions):
            sender = f"uncovered-{language}-{n}-{run}"
            assistant.say(sender, text)
            assistant.say(sender, "/feedback_not_helpful")  # counts if it got an answer

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{console_stack.console_url}/login/")
        page.fill("#id_username", "nurse")
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/queue/")
        first = page.locator("#queue tbody tr").first
        assert first.get_attribute("data-urgent") == "safety.distress"
        assert "ด่วน" in first.inner_text()
        count = page.locator("#urgent-count")
        assert int(count.get_attribute("data-count")) >= 1 and "ด่วน" in count.inner_text()
        shot(page, "10-queue-urgent-th")

        goto(page, f"{console_stack.console_url}/analytics/unanswered/?days=7")
        assert "สิ่งที่ระบบยังตอบไม่ได้" in page.locator("h1").inner_text()
        assert page.locator("#urgent-count").count() == 1, "the count is on every page"
        shot(page, "11-could-not-answer-th")

        with page.expect_navigation():
            page.select_option("header select[name=language]", "en")
        page.locator("h1", has_text="What we could not answer").wait_for()
        assert "urgent" in page.locator("#urgent-count").inner_text()
        shot(page, "12-could-not-answer-en")
        goto(page, f"{console_stack.console_url}/queue/")
        assert "URGENT" in page.locator("#queue tbody tr").first.inner_text()
        shot(page, "13-queue-urgent-en")
        goto(page, f"{console_stack.console_url}/analytics/?days=7")
        page.locator("#weekly-table").wait_for()
        shot(page, "14-analytics-en")
    finally:
        context.close()
