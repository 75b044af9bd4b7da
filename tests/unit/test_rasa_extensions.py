"""Each change in rasa_extensions/ still works, and (where stock Rasa can run beside it) is
still needed: the validation keeps Rasa's contract, the tracker store refuses instead of
answering a stranger, event classes and connections are reused, a wrong Rasa is refused."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_extensions import (
    action_response_validation,
    action_server_connections,
    event_class_cache,
    tracker_store_errors,
    version_guard,
)


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", action_response_validation.validate_action_result
    )
    return RemoteAction("action_answer", None)


def test_a_valid_action_response_passes(patched):
    response = {
        "events": [{"event": "slot", "name": "language", "value": "th", "timestamp": None}],
        "responses": [{"text": "สวัสดีค่ะ", "metadata": {"topic": "chat.greet"}}],
    }
    assert patched._validate_action_result(response) is True


@pytest.mark.parametrize(
    "response",
    [
        {"events": [{"event": "no_such_event"}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_an_invalid_action_response_raises_rasas_error(patched, response):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        patched._validate_action_result(response)


def test_the_fix_agrees_with_rasas_own_validation():
    original = RemoteAction("action_answer", None)
    bad = {"events": [{"event": "slot"}], "responses": []}  # a slot event without a name
    with pytest.raises(ValidationError) as theirs:
        original._validate_action_result(bad)
    with pytest.raises(ValidationError) as ours:
        action_response_validation.validate_action_result(original, bad)
    assert ours.value.message == theirs.value.message


def test_a_failing_tracker_store_raises_instead_of_answering_a_stranger(monkeypatch):
    """Fix 3: no FailSafeTrackerStore, so a database that is down refuses the message."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    class DatabaseDown(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise ConnectionError("database down")

    stock = Agent(domain=Domain.empty(), tracker_store=DatabaseDown(Domain.empty()))
    assert asyncio.run(stock.tracker_store.retrieve("patient")) is None  # Rasa's: a stranger
    monkeypatch.setattr(
        Agent,
        "_create_tracker_store",
        staticmethod(tracker_store_errors.tracker_store_without_fallback),
    )
    ours = Agent(domain=Domain.empty(), tracker_store=DatabaseDown(Domain.empty()))
    with pytest.raises(ConnectionError):
        asyncio.run(ours.tracker_store.retrieve("patient"))


def test_event_names_resolve_to_rasas_classes_and_unknown_names_still_fail(monkeypatch):
    """Fix 6: remembered lookups answer exactly as Rasa's walk over Event's subclasses."""
    from rasa.shared.core.events import Event, UserUttered
    from rasa.shared.utils.common import all_subclasses

    rasas = Event.__dict__["resolve_by_type"].__func__
    monkeypatch.setattr(event_class_cache, "_rasa_resolve_event_type", rasas)
    monkeypatch.setattr(event_class_cache, "_EVENT_CLASSES", {})
    for cls in all_subclasses(Event):
        assert event_class_cache.resolve_event_type(cls.type_name) is rasas(cls.type_name)
        assert event_class_cache.resolve_event_type(cls.type_name) is rasas(
            cls.type_name
        )  # remembered
    assert event_class_cache.resolve_event_type("no_such_event", UserUttered) is UserUttered
    assert event_class_cache.resolve_event_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        event_class_cache.resolve_event_type("no_such_event")


def test_action_server_calls_reuse_one_connection_and_survive_a_restart(monkeypatch):
    """Fix 5: one kept-alive connection for successive calls; a restarted server is reached again."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from ops.stack import free_port

    peers: list = []

    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": []})

    async def start(port):
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner

    async def scenario(endpoint):
        port = int(endpoint.url.rsplit(":", 1)[1].split("/")[0])
        server = await start(port)
        for _ in range(3):
            assert await endpoint.request(json={}, method="post", subpath="webhook") == {
                "events": [],
                "responses": [],
            }
        await server.cleanup()  # the action server restarts
        server = await start(port)
        assert await endpoint.request(json={}, method="post", subpath="webhook") == {
            "events": [],
            "responses": [],
        }
        await server.cleanup()

    url = f"http://127.0.0.1:{free_port()}"
    asyncio.run(scenario(EndpointConfig(url)))  # Rasa's: a new connection each call
    assert len(set(peers[:3])) == 3

    peers.clear()
    monkeypatch.setattr(EndpointConfig, "session", action_server_connections.shared_session)
    asyncio.run(scenario(EndpointConfig(f"http://127.0.0.1:{free_port()}")))
    assert len(peers) == 4
    assert len(set(peers[:3])) == 1


def _responses_to_check() -> list:
    """Valid responses of every kind our actions send, and mutations of them."""
    import copy
    import random

    valid = [
        {"events": [], "responses": []},
        {
            "events": [{"event": "slot", "name": "language", "value": "th", "timestamp": None}],
            "responses": [
                {
                    "text": "สวัสดีค่ะ",
                    "buttons": [{"title": "ราคา", "payload": "/therapy_cost"}],
                    "custom": {"topic": "chat.greet"},
                }
            ],
        },
        {
            "events": [
                {"event": "pause"},
                {"event": "slot", "name": "handoff", "value": True},
                {"event": "followup", "name": "action_listen"},
                {"event": "resume"},
            ],
            "responses": [],
        },
        {
            "events": [
                {"event": "bot", "text": "hi", "metadata": {"topic": "x"}},
                {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
                {
                    "event": "user",
                    "text": "hello",
                    "parse_data": {"intent": {"name": "greet", "confidence": 0.9}},
                },
                {"event": "restart"},
                {"event": "session_started"},
                {"event": "reset_slots"},
            ],
            "responses": [{"text": "a"}],
        },
    ]
    rng = random.Random(7)
    cases = list(valid)
    junk = [None, 1, "x", [], {}, {"event": "slot"}, True, -1.5]
    for _ in range(300):
        case = copy.deepcopy(rng.choice(valid))
        events = case["events"]
        kind = rng.randrange(6)
        if kind == 0 and events:
            event = rng.choice(events)
            event[rng.choice(list(event))] = rng.choice(junk)
        elif kind == 1 and events:
            rng.choice(events)["event"] = rng.choice(
                ["slot", "bot", "user", "nonsense", "SLOT", "pause"]
            )
        elif kind == 2 and events:
            event = rng.choice(events)
            event.pop(rng.choice(list(event)))
        elif kind == 3:
            case[rng.choice(["events", "responses"])] = rng.choice(junk)
        elif kind == 4:
            events.append(rng.choice(junk))
        else:
            case["responses"].append(rng.choice(junk))
        cases.append(case)
    return cases


def test_the_quick_check_accepts_exactly_what_rasas_schema_accepts():
    """Fix 2: every response the per-event check accepts is valid under Rasa's full schema,
    and every valid one is accepted (so the quick path never changes an outcome)."""
    from jsonschema import validators

    schema = RemoteAction.action_response_format_spec()
    full = validators.validator_for(schema)(schema)
    outcomes = {"valid": 0, "invalid": 0}
    for response in _responses_to_check():
        is_valid = full.is_valid(response)
        assert action_response_validation.accepted_quickly(response) == is_valid, response
        outcomes["valid" if is_valid else "invalid"] += 1
    assert outcomes["valid"] >= 20 and outcomes["invalid"] >= 100, outcomes


def test_the_pinned_rasa_is_the_locked_one_and_any_other_is_refused():
    from assistant.paths import ROOT

    locked = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.startswith("rasa==")
    ]
    assert locked == [f"rasa=={version_guard.PINNED_RASA}"]
    version_guard.check()  # the installed one
    with pytest.raises(version_guard.WrongRasaVersion, match="3.6.22 is installed"):
        version_guard.check("3.6.22")


def test_a_wrong_rasa_stops_the_server_with_a_clear_message(monkeypatch):
    import subprocess
    import sys

    code = (
        "import rasa.version; rasa.version.__version__ = '3.7.0'; "
        "import runpy, sys; sys.argv = ['rasa_extensions', '--version']; "
        "runpy.run_module('rasa_extensions', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "Rasa 3.7.0 is installed, but rasa_extensions/ patches Rasa 3.6.21" in result.stderr


def test_install_applies_every_change_once():
    from rasa.core.agent import Agent
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    import rasa_extensions

    rasa_extensions.install()
    run, handle = RemoteAction.run, Agent.handle_message
    rasa_extensions.install()  # idempotent: nothing wrapped twice
    assert RemoteAction.run is run and Agent.handle_message is handle
    assert RemoteAction._validate_action_result is action_response_validation.validate_action_result
    assert EndpointConfig.session is action_server_connections.shared_session
    assert Event.resolve_by_type is event_class_cache.resolve_event_type
