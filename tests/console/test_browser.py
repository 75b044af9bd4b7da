"""A clinician in a real browser (Debian's Chromium, headless, via Playwright).

Signs in, opens the queue, claims the waiting conversation, replies in Thai and sees the
transcript update. Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

import uuid

import pytest

from assistant.paths import ROOT
from harness.assistant_client import AssistantClient
from tests.console.staff_session import STAFF_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SCREENSHOTS = ROOT / "test-artifacts" / "console"
THAI_REPLY = "สวัสดีค่ะ พยาบาลรับเรื่องแล้ว ขอเบอร์โทรกลับได้ไหมคะ"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_clinician_replies_from_the_browser(console_stack, browser):
    assistant = AssistantClient(console_stack.rasa_url, console_stack.token)
    sender = f"browser-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "สเต็มเซลล์รักษาสะเก็ดเงินได้ไหมคะ")
    assistant.say(sender, "ขอคุยกับเจ้าหน้าที่ได้ไหมคะ เบอร์ 081-234-5678")
    assistant.say("browser-en-" + sender, "What does the treatment cost?")

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="th-TH")
    page = context.new_page()
    try:
        page.goto(f"{console_stack.console_url}/queue/")
        assert "/login/" in page.url
        shot(page, "01-sign-in")
        page.fill("#id_username", "nurse")
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/queue/")
        assert page.locator("#queue tbody tr").count() >= 1
        assert "คิวรอเจ้าหน้าที่" in page.content()  # Thai by the browser's language
        shot(page, "02-queue")

        page.locator("#queue tbody tr").last.locator("a").first.click()
        page.wait_for_selector("#transcript")
        assert sender in page.content()
        page.click("#handoff button[type=submit]")  # claim
        page.fill("#handoff textarea", THAI_REPLY)
        page.click("#handoff form >> nth=0 >> button")
        staff_turn = page.locator(".turn.staff")
        staff_turn.last.wait_for()
        assert THAI_REPLY in staff_turn.last.inner_text()
        shot(page, "03-transcript-after-reply")
        assert any(e.get("text") == THAI_REPLY for e in assistant.bot_events(sender))

        page.goto(f"{console_stack.console_url}/conversations/")
        shot(page, "04-conversations")
        page.goto(f"{console_stack.console_url}/analytics/?days=7")
        assert page.locator("svg.chart").count() == 5
        shot(page, "05-analytics")
        with page.expect_navigation():
            page.select_option("header select[name=language]", "en")
        page.locator("h1", has_text="Analytics").wait_for()
        shot(page, "06-analytics-english")
    finally:
        context.close()
