"""Fixtures shared by several test folders."""
from __future__ import annotations

import pytest

from tests.support.browser import chromium


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API allows one running instance per
    thread, so the widget tests and the console tests must share it."""
    with chromium() as launched:
        yield launched
