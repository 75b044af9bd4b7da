"""The real assistant (action server, Rasa, static web server) and a real browser.

Chromium is Debian's (``scripts/system_deps.sh``), driven by Playwright; nothing is
downloaded. Each test gets a fresh browser context, so its own localStorage and session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

import pytest

from assistant.paths import ROOT
from harness.assistant_client import AssistantClient
from harness.webhook_receiver import WebhookReceiver
from ops.stack import Stack, free_port, make_stack, private_overrides
from tests.trained_model import require_trained_model
from tests.web.chat_page import ChatPage

ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory) -> Iterator[Stack]:
    require_trained_model()
    db = tmp_path_factory.mktemp("tracker") / "tracker.db"
    with WebhookReceiver() as staff_hook:
        running = make_stack(
            private_overrides(
                f"sqlite:///{db}", WEB_PORT=str(free_port()), STAFF_WEBHOOK_URL=staff_hook.url
            ),
            log_dir=ARTIFACTS / "logs" / "web",
        )
        try:
            running.start(("actions", "rasa", "web"))
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="session")
def assistant(web_stack) -> AssistantClient:
    return AssistantClient(web_stack.rasa_url, web_stack.token)


@pytest.fixture(scope="session")
def timings() -> Iterator[list[dict]]:
    """Seconds from pressing send to the first answer in the browser, per question."""
    measured: list[dict] = []
    yield measured
    if measured:
        ARTIFACTS.mkdir(exist_ok=True)
        seconds = sorted(m["seconds"] for m in measured)
        summary = {
            "questions": measured,
            "median_seconds": seconds[len(seconds) // 2],
            "max_seconds": seconds[-1],
        }
        (ARTIFACTS / "web-timings.json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False)
        )


@pytest.fixture
def open_chat(browser, web_stack, timings) -> Iterator[Callable[..., ChatPage]]:
    """``open_chat("en", PHONE)``: a new browser context on the demo page, chat opened."""
    contexts = []

    def open_(language: str = "en", viewport: dict = DESKTOP) -> ChatPage:
        context = browser.new_context(
            viewport=viewport, locale="th-TH" if language == "th" else "en-US"
        )
        contexts.append(context)
        page = context.new_page()
        chat = ChatPage(page, web_stack.web_url, timings)
        chat.goto(language)
        chat.open()
        return chat

    yield open_
    for context in contexts:
        context.close()


def screenshot(chat: ChatPage, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    chat.page.screenshot(path=str(path))
    return path
