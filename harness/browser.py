"""Debian's Chromium driven by Playwright, headless; nothing is downloaded.

Installed by ``scripts/system_deps.sh`` (``make test`` runs it). The flags keep Chromium
from calling Google's hosts, which this machine's closed network refuses.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator["object"]:
    """A launched Playwright ``Browser``; fails the test with a hint when Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is needed: run scripts/system_deps.sh (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()
