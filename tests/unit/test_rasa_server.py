"""The action-response validation fix keeps Rasa's contract: valid passes, invalid raises."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from ops import rasa_server


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_server._validate_action_result)
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
        rasa_server._validate_action_result(original, bad)
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
    monkeypatch.setattr(Agent, "_create_tracker_store", staticmethod(rasa_server._tracker_store_without_fallback))
    ours = Agent(domain=Domain.empty(), tracker_store=DatabaseDown(Domain.empty()))
    with pytest.raises(ConnectionError):
        asyncio.run(ours.tracker_store.retrieve("patient"))
