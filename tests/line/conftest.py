"""A fake LINE API and the real assistant with the LINE channel switched on."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Optional

import pytest
import requests

from assistant.paths import ROOT
from harness.assistant_client import AssistantClient
from harness.fake_line_api import Call, FakeLineApi
from harness.line_webhook import LineWebhookSender, text_event, user_id
from ops.stack import Stack, make_stack, private_overrides
from tests.trained_model import require_trained_model

ARTIFACTS = ROOT / "test-artifacts"
CHANNEL_SECRET = "test-channel-secret-" + uuid.uuid4().hex
ACCESS_TOKEN = "test-access-token-" + uuid.uuid4().hex
STAFF_GROUP = "C" + uuid.uuid4().hex


@pytest.fixture(scope="session")
def line_api() -> FakeLineApi:
    with FakeLineApi(token=ACCESS_TOKEN) as api:
        yield api


def line_overrides(db: Path, line_api: FakeLineApi, **more: str) -> dict[str, str]:
    """A stack of its own with the LINE channel on, replying to ``line_api``."""
    return {
        **private_overrides(f"sqlite:///{db}"),
        "STAFF_WEBHOOK_URL": "",
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": line_api.url,
        **more,
    }


def own_line_stack(db: Path, line_api: FakeLineApi, name: str, **more: str) -> Stack:
    """A stack (not started) with the LINE channel on, its tracker in ``db``, logs under
    test-artifacts/logs/``name``."""
    require_trained_model()
    return make_stack(line_overrides(db, line_api, **more), log_dir=ARTIFACTS / "logs" / name)


@pytest.fixture(scope="session")
def line_stack(tmp_path_factory, line_api) -> Stack:
    running = own_line_stack(
        tmp_path_factory.mktemp("tracker") / "tracker.db",
        line_api,
        "line",
        LINE_STAFF_TO=STAFF_GROUP,
        LINE_LOADING_AFTER_SECONDS="0",
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def assistant(line_stack) -> AssistantClient:
    return AssistantClient(line_stack.rasa_url, line_stack.token)


@pytest.fixture(scope="session")
def webhook(line_stack) -> LineWebhookSender:
    return LineWebhookSender(line_stack.rasa_url, CHANNEL_SECRET)


class LinePatient:
    """One LINE user talking to the running assistant through the fake platform."""

    def __init__(
        self, webhook: LineWebhookSender, api: FakeLineApi, language: Optional[str] = "th"
    ) -> None:
        self.webhook = webhook
        self.api = api
        self.user = user_id()
        api.profiles[self.user] = {"language": language}

    def send(
        self, *events: dict[str, Any], session: Optional[requests.Session] = None
    ) -> requests.Response:
        for event in events:
            if event.get("replyToken"):
                self.api.reply_token_owner(event["replyToken"], self.user)
        return self.webhook.send(*events, session=session)

    def says(self, text: str) -> requests.Response:
        response = self.send(text_event(self.user, text))
        assert response.status_code == 200, response.text
        return response

    def received(self) -> list[Call]:
        return self.api.delivered_to(self.user)

    def wait_received(self, count: int = 1, timeout: float = 60.0) -> list[Call]:
        self.api.wait_for(lambda api: len(api.delivered_to(self.user)) >= count, timeout)
        received = self.received()
        assert len(received) >= count, f"{len(received)} of {count} deliveries to {self.user}"
        return received

    def texts(self) -> list[str]:
        return [text for call in self.received() for text in call.texts]


@pytest.fixture
def patient(webhook, line_api) -> LinePatient:
    return LinePatient(webhook, line_api)


@pytest.fixture
def make_patient(webhook, line_api):
    return lambda language="th": LinePatient(webhook, line_api, language)
