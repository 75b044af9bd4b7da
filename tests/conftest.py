"""Fixtures shared by several test folders."""

from __future__ import annotations

import pytest

from harness.browser import chromium


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module, closed at its end: while Playwright's sync API runs, its
    event loop is the thread's running loop, so a second instance or any later test that calls
    ``asyncio.run`` would fail."""
    with chromium() as launched:
        yield launched
