"""Two Rasa instances (as behind the scaled nginx): a staff reply posted to the instance
that does not hold the patient's socket still reaches the open widget, through Redis."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis

from harness.assistant_client import AssistantClient
from ops.stack import free_port, make_stack, private_overrides
from tests.trained_model import require_trained_model
from tests.web.chat_page import ChatPage
from tests.web.conftest import ARTIFACTS, DESKTOP

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed (only the scaled set-up needs it)")
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path_factory.mktemp("redis")),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/2"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory, redis_url):
    require_trained_model()
    db = tmp_path_factory.mktemp("tracker") / "tracker.db"
    redis_port = redis_url.split(":")[2].split("/")[0]
    stack = make_stack(
        private_overrides(
            f"sqlite:///{db}",
            WEB_PORT=str(free_port()),
            LOCK_STORE_TYPE="redis",
            LOCK_STORE_PORT=redis_port,
            SOCKETIO_REDIS_URL=redis_url,
        ),
        log_dir=ARTIFACTS / "logs" / "web-two-instances",
    )
    second_port = str(free_port())
    try:
        stack.start(("actions", "rasa", "web"))
        stack.start_services([stack.rasa_service("rasa-b", second_port)])
        yield stack, AssistantClient(f"http://127.0.0.1:{second_port}", stack.token)
    finally:
        stack.stop()


def test_staff_reply_through_the_other_instance_reaches_the_widget(browser, two_instances):
    stack, other_instance = two_instances
    context = browser.new_context(viewport=DESKTOP)
    chat = ChatPage(context.new_page(), stack.web_url)
    chat.goto("en")
    chat.open()
    chat.ask("I want to talk to a human")
    assert chat.page.locator(".cc-status").is_visible()
    shown = len(chat.replies())
    other_instance.append_events(
        chat.session_id(),
        [
            {
                "event": "bot",
                "text": "Hello from the clinic, this is nurse Ploy.",
                "metadata": {
                    "staff": True,
                    "staff_user": "ploy",
                    "topic": "handoff.staff_reply",
                    "language": "en",
                },
            }
        ],
        output_channel="socketio",
    )
    chat.wait_for_replies(shown + 1, timeout_ms=10_000)
    assert chat.messages(".cc-staff")[-1]["text"] == "Hello from the clinic, this is nurse Ploy."
    context.close()
