"""The chat widget as a test sees it: open, ask, read the messages, through the browser."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Optional

from playwright.sync_api import Page

ANSWER_TIMEOUT_MS = 60_000
QUIET_SECONDS = 0.8  # a turn's messages arrive together; this long without a new one ends it


@dataclass
class ChatPage:
    page: Page
    web_url: str
    timings: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on(
            "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def goto(self, language: str) -> None:
        self.page.goto(f"{self.web_url}/{'index.html' if language == 'th' else 'en.html'}")
        self.page.wait_for_selector(".cc-launcher", state="attached")

    def open(self) -> None:
        if self.page.get_attribute(".cc-launcher", "aria-expanded") != "true":
            self.page.click(".cc-launcher")
        self.wait_connected()

    def wait_connected(self) -> None:
        self.page.wait_for_selector(".cc-send:not([disabled])", timeout=15_000)

    def messages(self, selector: str = ".cc-msg") -> list[dict[str, Any]]:
        return self.page.eval_on_selector_all(
            selector,
            """nodes => nodes.map(n => ({
                classes: n.className,
                who: n.querySelector('.cc-who').textContent,
                text: n.querySelector('.cc-text').textContent,
            }))""",
        )

    def replies(self) -> list[dict[str, Any]]:
        return self.messages(".cc-bot, .cc-staff")

    def ask(self, text: str, label: Optional[str] = None) -> list[dict[str, Any]]:
        """Types ``text``, presses Enter, waits for the whole answer; returns the new replies."""
        self.page.fill("#cc-input", text)
        return self._send(lambda: self.page.press("#cc-input", "Enter"), label or text)

    def click_quick_reply(self, title: str) -> list[dict[str, Any]]:
        button = self.page.get_by_role("button", name=title, exact=True)
        return self._send(button.click, f"[quick reply] {title}")

    def wait_for_replies(self, count: int, timeout_ms: int = ANSWER_TIMEOUT_MS) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('.cc-bot, .cc-staff').length >= n",
            arg=count,
            timeout=timeout_ms,
        )

    def wait_quiet(self) -> None:
        seen, since = -1, time.monotonic()
        while time.monotonic() - since < QUIET_SECONDS:
            count = len(self.replies())
            if count != seen:
                seen, since = count, time.monotonic()
            time.sleep(0.1)

    def session_id(self) -> str:
        return self.page.evaluate("JSON.parse(localStorage.getItem('clinicChat.v1')).sessionId")

    def _send(self, action, label: str) -> list[dict[str, Any]]:
        before = len(self.replies())
        started = time.monotonic()
        action()
        self.wait_for_replies(before + 1)
        self.timings.append({"question": label, "seconds": round(time.monotonic() - started, 3)})
        self.wait_quiet()
        return self.replies()[before:]
