"""Start the real action server and Rasa server once for the end-to-end tests."""

from __future__ import annotations

import uuid

import pytest

from assistant.paths import ROOT
from harness.assistant_client import AssistantClient
from harness.webhook_receiver import WebhookReceiver
from ops.stack import Stack, make_stack, private_overrides
from tests.trained_model import require_trained_model

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def staff_hook():
    with WebhookReceiver() as hook:
        yield hook


@pytest.fixture(scope="session")
def stack(tmp_path_factory, staff_hook) -> Stack:
    require_trained_model()
    db = tmp_path_factory.mktemp("tracker") / "tracker.db"
    running = make_stack(
        private_overrides(f"sqlite:///{db}", STAFF_WEBHOOK_URL=staff_hook.url),
        log_dir=ARTIFACTS / "logs" / "e2e",
    )
    running.env["TRACKER_DB_PATH"] = str(db)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def assistant(stack) -> AssistantClient:
    return AssistantClient(stack.rasa_url, stack.token)


@pytest.fixture
def sender() -> str:
    """A fresh conversation id per test."""
    return f"test-{uuid.uuid4().hex[:12]}"
