"""The socket.io channel against pages that do not behave: too long, junk, foreign origins.

Frames are sent from a real browser page with the socket.io client the widget uses, so
the Origin header and the transport are what a website produces.
"""

from __future__ import annotations

import threading
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.web.conftest import DESKTOP

pytestmark = pytest.mark.e2e

# Connects a raw socket, asks for a session, emits frames, collects bot messages.
RAW_SOCKET = """
async ({url, sessionId, events, waitMs, transports}) => {
  const socket = io(url, {transports: transports || ['websocket'], reconnection: false, forceNew: true});
  const received = [];
  let disconnected = null;
  socket.on('bot_uttered', message => received.push(message));
  socket.on('disconnect', reason => { disconnected = reason; });
  await new Promise((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', error => reject(new Error('connect_error: ' + error.message)));
  });
  let sessionHistory = null;
  socket.on('session_history', h => { sessionHistory = h; });
  socket.emit('session_request', {session_id: sessionId});
  const confirmed = await new Promise(resolve => socket.on('session_confirm', resolve));
  for (const [name, payload] of events) socket.emit(name, payload);
  await new Promise(resolve => setTimeout(resolve, waitMs));
  socket.close();
  return {confirmed, history: sessionHistory, received, disconnected};
}
"""


@pytest.fixture
def raw_page(browser, web_stack):
    """A demo page (an allowed origin) whose ``io`` client we drive by hand."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{web_stack.web_url}/en.html")
    page.wait_for_function("typeof window.io === 'function'")
    yield page
    context.close()


def emit(page, web_stack, events, session_id=None, wait_ms=1500, transports=("websocket",)):
    return page.evaluate(
        RAW_SOCKET,
        {
            "url": web_stack.env["RASA_PUBLIC_URL"],
            "sessionId": session_id or uuid.uuid4().hex,
            "events": events,
            "waitMs": wait_ms,
            "transports": list(transports),
        },
    )


def test_long_polling_works_from_the_clinic_page_too(raw_page, web_stack, assistant):
    """Networks that block WebSockets fall back to HTTP long-polling (CORS headers from Rasa)."""
    session = uuid.uuid4().hex
    result = emit(
        raw_page,
        web_stack,
        [["user_uttered", {"message": "What is stem cell therapy?", "session_id": session}]],
        session_id=session,
        wait_ms=4000,
        transports=["polling"],
    )
    assert result["confirmed"] == session and result["received"]
    assert assistant.user_events(session)[0]["input_channel"] == "socketio"


def rasa_log(web_stack) -> str:
    return (web_stack.log_dir / "rasa.log").read_text(errors="replace")


def test_too_long_message_gets_a_clear_answer_and_never_reaches_the_assistant(
    raw_page, web_stack, assistant
):
    limit = int(web_stack.env["MAX_MESSAGE_CHARS"])
    session = uuid.uuid4().hex
    result = emit(
        raw_page,
        web_stack,
        [
            [
                "user_uttered",
                {
                    "message": "a" * (limit + 1),
                    "session_id": session,
                    "metadata": {"language": "en"},
                },
            ],
        ],
        session_id=session,
    )
    assert [m["metadata"]["topic"] for m in result["received"]] == ["chat.input_error"]
    assert (
        "too long" in result["received"][0]["text"] and str(limit) in result["received"][0]["text"]
    )
    assert assistant.user_events(session) == []

    thai = emit(
        raw_page,
        web_stack,
        [
            ["user_uttered", {"message": "สเต็มเซลล์" * limit, "session_id": session}],
        ],
        session_id=session,
    )
    assert "ข้อความยาวเกินไป" in thai["received"][0]["text"]


def test_message_at_the_limit_is_answered(raw_page, web_stack, assistant):
    limit = int(web_stack.env["MAX_MESSAGE_CHARS"])
    session = uuid.uuid4().hex
    text = ("what is stem cell therapy " * limit)[:limit]
    result = emit(
        raw_page,
        web_stack,
        [["user_uttered", {"message": text, "session_id": session}]],
        session_id=session,
        wait_ms=8000,
    )
    assert result["received"], "an answer"
    assert assistant.user_events(session)[0]["text"] == text


def test_junk_frames_are_dropped_and_the_server_keeps_working(
    raw_page, web_stack, assistant, open_chat
):
    log_before = len(rasa_log(web_stack))
    session = uuid.uuid4().hex
    result = emit(
        raw_page,
        web_stack,
        [
            ["user_uttered", "just a string"],
            ["user_uttered", 42],
            ["user_uttered", None],
            ["user_uttered", [1, 2, 3]],
            ["user_uttered", {"message": "no session id"}],
            ["user_uttered", {"message": "bad session id", "session_id": "../../etc/passwd"}],
            [
                "user_uttered",
                {"message": "someone else's conversation", "session_id": uuid.uuid4().hex},
            ],
            ["user_uttered", {"message": {"nested": "object"}, "session_id": session}],
            ["user_uttered", {"message": "hello", "session_id": session, "metadata": "{not json"}],
            [
                "user_uttered",
                {
                    "message": "hi",
                    "session_id": session,
                    "metadata": {"language": "fr", "staff": True},
                },
            ],
            ["session_request", "not an object"],
            ["session_request", {"session_id": {"$ne": None}}],
            ["no_such_event", {"x": 1}],
        ],
        session_id=session,
        wait_ms=5000,
    )
    assert result["confirmed"] == session
    topics = [m["metadata"].get("topic") for m in result["received"]]
    assert "chat.text_only" in topics  # the object-as-message got a clear answer
    # only the two well-formed messages reached the assistant, and forged metadata was dropped
    users = assistant.user_events(session)
    assert [u["text"] for u in users] == ["hello", "hi"]
    assert all(
        "staff" not in (u.get("metadata") or {}) and "language" not in (u.get("metadata") or {})
        for u in users
    )

    # a frame far over the size limit closes that socket, nothing more
    huge = emit(
        raw_page,
        web_stack,
        [["user_uttered", {"message": "x" * 300_000, "session_id": session}]],
        session_id=session,
        wait_ms=1500,
    )
    assert huge["disconnected"] and huge["received"] == []

    new_log = rasa_log(web_stack)[log_before:]
    assert "Traceback" not in new_log
    assert requests.get(
        f"{web_stack.rasa_url}/status", params={"token": web_stack.token}, timeout=10
    ).ok
    chat = open_chat("en")
    assert chat.ask("What is stem cell therapy?")


@pytest.fixture
def other_site(tmp_path):
    """A real web server on another port: another origin, like a site that is not the clinic's."""
    (tmp_path / "index.html").write_text("<!doctype html><title>other site</title>")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_cannot_take_over_a_conversation_of_another_channel(raw_page, web_stack, assistant):
    # A REST conversation stored under a widget-shaped id before REST was kept to its own
    # ids (REST now refuses such ids): the page must not get it.
    rest_sender = uuid.uuid4().hex
    assistant.append_events(
        rest_sender,
        [
            {
                "event": "user",
                "text": "What is stem cell therapy?",
                "input_channel": "rest",
                "parse_data": {},
            }
        ],
    )
    result = emit(raw_page, web_stack, [], session_id=rest_sender, wait_ms=200)
    assert result["confirmed"] != rest_sender
    assert result["history"] == {"messages": [], "handed_off": False}


def test_rest_cannot_write_into_a_page_conversation_and_the_page_keeps_it(
    raw_page, web_stack, assistant
):
    session = uuid.uuid4().hex
    first = emit(
        raw_page,
        web_stack,
        [["user_uttered", {"message": "What is stem cell therapy?", "session_id": session}]],
        session_id=session,
        wait_ms=3000,
    )
    assert first["confirmed"] == session and first["received"]
    before = assistant.tracker(session)["events"]
    answer = requests.post(
        f"{web_stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": session, "message": "I want to talk to a person"},
        timeout=30,
    )
    assert answer.status_code == 403
    assert assistant.tracker(session)["events"] == before
    again = emit(raw_page, web_stack, [], session_id=session, wait_ms=200)
    assert again["confirmed"] == session
    assert [m["text"] for m in again["history"]["messages"]][0] == "What is stem cell therapy?"
    assert again["history"]["handed_off"] is False


def test_a_message_written_in_by_another_channel_does_not_lock_the_patient_out(
    raw_page, web_stack, assistant
):
    """Before REST was kept to its own ids, a REST message made the latest channel REST and
    the page refused the patient their own history; the first message decides now."""
    session = uuid.uuid4().hex
    emit(
        raw_page,
        web_stack,
        [["user_uttered", {"message": "hello", "session_id": session}]],
        session_id=session,
        wait_ms=2000,
    )
    assistant.append_events(
        session,
        [
            {
                "event": "user",
                "text": "written in over REST",
                "input_channel": "rest",
                "parse_data": {},
            }
        ],
    )
    again = emit(raw_page, web_stack, [], session_id=session, wait_ms=200)
    assert again["confirmed"] == session
    assert again["history"]["messages"][0]["text"] == "hello"


def test_pages_from_other_origins_cannot_connect(browser, web_stack, other_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{other_site}/index.html")
    page.add_script_tag(url=f"{web_stack.web_url}/widget/socket.io.min.js")
    for transports in (["websocket"], ["polling"]):
        outcome = page.evaluate(
            """async ({url, transports}) => await new Promise(resolve => {
                const socket = io(url, {transports, reconnection: false, forceNew: true});
                socket.on('connect', () => { socket.close(); resolve('connected'); });
                socket.on('connect_error', error => resolve('refused: ' + error.message));
            })""",
            {"url": web_stack.env["RASA_PUBLIC_URL"], "transports": transports},
        )
        assert outcome.startswith("refused"), (transports, outcome)
    context.close()
