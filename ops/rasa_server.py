"""``python -m ops.rasa_server run ...``: Rasa's own command line, with fixes applied first.

1. When the action server cannot be reached or fails, stock Rasa logs the error and the
   patient gets no answer at all. Here the failed action is answered with the
   ``service.unavailable`` text from content/messages.yml in the conversation's language
   (an apology and the way to reach staff), and the conversation goes on: once the action
   server is back, answers resume. The slot-filling call is left alone (Rasa already
   tolerates its failure), so a turn gets one apology, not two.

   When a message cannot be handled at all (the tracker store or the lock store is down),
   stock Rasa's channels answer nothing (REST: 200 with an empty list). Here the patient
   gets the same apology, in the language of their message; the message itself was not
   processed or recorded, and the error is logged.

2. Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``,
which also re-checks the large, constant schema against JSON Schema's meta-schema on every
call. Profiled with py-spy (2026-11-25, bench/rest_latency.py), that was about half of the
Rasa server's CPU time per message: each message makes two action-server calls (the
language slot and the answer). Here the schema is checked once and its validator reused;
responses are validated exactly as before and raise the same error.
   Within it, each event is checked against a ``oneOf`` of Rasa's 23 event schemas, so
jsonschema tries all 23 and builds (deep-copying) an error for each of the 22 that do not
fit, for every event: still ~0.45 ms per call, 9% of the server's CPU under load
(2026-12-05). The 23 schemas are told apart by a constant ``event`` name, so an event
fits the ``oneOf`` exactly when it fits the one schema its name picks: that is checked
first, and a response this quick check does not accept goes through the full schema, so
what is accepted and every error message are Rasa's.

3. Rasa wraps the tracker store in a ``FailSafeTrackerStore``: when the store fails (PostgreSQL
down or restarting), reading a conversation answers "no such conversation" and saving writes
to process memory instead. The patient is then answered as a stranger (the conversation so far
ignored) and the message is acknowledged but never reaches the database: lost. Found by the
PostgreSQL-restart fault test (2026-12-05). Here the store's error goes through, so the message
is refused with the apology of fix 1 and not recorded (the patient can send it again), and the
HTTP API answers an error instead of an empty conversation. Once the database is back, Rasa's
connection pool reconnects by itself.

4. The SQL tracker store reads and saves each conversation with less work per message (a
``COUNT`` query skipped; SQLite pooled and on a write-ahead log): ``ops/sql_tracker_store.py``
says what and why.

5. Rasa opens a new HTTP session, so a new TCP connection, for every action-server call (two
per message); under load, connecting was about 8% of the server's CPU. Here each endpoint
keeps one session whose connections are reused, and an idle connection is let go after
``KEEP_ALIVE_SECONDS``, before the action server's own limit (Sanic: 5 s), so a request is
never sent on a connection the server is closing. Timeouts, headers and errors are Rasa's.

6. Reading a conversation turns each stored event into its class by walking all of Event's
subclasses (27 us per event, so ~1.5 ms for a 60-event conversation, on every message).
Here each event name's class is looked up once and remembered; unknown names still go
through Rasa's lookup (and its error).

Everything else is unchanged Rasa: this module only patches, then calls ``rasa``'s main.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, Optional, Text

from jsonschema import exceptions, validators

logger = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _action_response_validator() -> Any:
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@lru_cache(maxsize=None)
def _per_event_validators() -> tuple[Any, Dict[Text, Any]]:
    """The response schema without the events' ``oneOf``, and a validator per event name."""
    import copy

    from rasa.core.actions.action import RemoteAction

    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    validator_class = validators.validator_for(schema)
    items = schema["properties"]["events"]["items"]
    by_name = {alternative["properties"]["event"]["const"]: validator_class(alternative) for alternative in items["oneOf"]}
    if len(by_name) != len(items.pop("oneOf")):  # names must tell the schemas apart
        raise RuntimeError("Rasa's event schemas are no longer told apart by their event name")
    return validator_class(schema), by_name


def accepted_quickly(result: Any) -> bool:
    """True only for responses Rasa's schema accepts (fix 2); False means "check fully"."""
    outer, by_name = _per_event_validators()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        name = event["event"]  # the outer schema requires a string here
        if name not in by_name or not by_name[name].is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same contract as ``RemoteAction._validate_action_result``, with a reused validator."""
    from rasa.core.actions.action import DOCS_BASE_URL

    if accepted_quickly(result):
        return True
    error = exceptions.best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid. For more information about the "
            f"format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


SLOT_ACTION = "action_validate_slot_mappings"
APOLOGY_KEY = "service.unavailable"


@lru_cache(maxsize=None)
def _texts() -> Any:
    from channels.texts import ChannelTexts

    return ChannelTexts()


def apology_event(tracker: Any) -> Any:
    """The apology as a bot event, in the conversation's language (default: the rules')."""
    from rasa.shared.core.events import BotUttered

    texts = _texts()
    language = tracker.get_slot("language") if tracker is not None else None
    if language not in ("th", "en"):
        language = texts.default_language
    return BotUttered(
        "\n\n".join(texts.texts(APOLOGY_KEY, language)),
        metadata={"topic": APOLOGY_KEY, "language": language},
    )


def _with_apology(original_run: Any) -> Any:
    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        from rasa.core.actions.action import ActionExecutionRejection
        from rasa.shared.exceptions import RasaException

        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException:
            if self.name() == SLOT_ACTION:
                raise
            logger.error("Action '%s' failed; the patient gets the apology instead.", self.name())
            return [apology_event(tracker)]

    run.__wrapped_by_us__ = True  # type: ignore[attr-defined]
    return run


def apology_for_message(text: Optional[str], metadata: Optional[Dict[Text, Any]]) -> tuple[str, str]:
    """(language, text) of the apology for a message that could not be handled."""
    from actions.language import LanguageRules, script_language

    texts = _texts()
    hint = (metadata or {}).get("language")
    language = script_language(text or "", LanguageRules.load()) or (
        hint if hint in ("th", "en") else texts.default_language
    )
    return language, "\n\n".join(texts.texts(APOLOGY_KEY, language))


def _with_apology_when_unhandled(original_handle: Any) -> Any:
    async def handle_message(self: Any, message: Any) -> Any:
        try:
            return await original_handle(self, message)
        except Exception:
            logger.exception(
                "Could not handle a message of conversation %s (tracker or lock store "
                "unavailable?); the patient gets the apology.", message.sender_id,
            )
            _, text = apology_for_message(message.text, message.metadata)
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id, text)
            return None

    handle_message.__wrapped_by_us__ = True  # type: ignore[attr-defined]
    return handle_message


KEEP_ALIVE_SECONDS = 3.0
_SESSION_ATTRIBUTE = "_shared_session"


class _KeptSession:
    """``async with`` over a shared session that leaves it open (fix 5)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def _shared_session(self: Any) -> _KeptSession:
    """``EndpointConfig.session`` with one session per endpoint and event loop."""
    import asyncio

    import aiohttp
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    session_loop, session = getattr(self, _SESSION_ATTRIBUTE, (None, None))
    if session is None or session.closed or session_loop is not loop:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        )
        setattr(self, _SESSION_ATTRIBUTE, (loop, session))
    return _KeptSession(session)


_EVENT_CLASSES: Dict[Text, Any] = {}
_rasa_resolve_event_type: Any = None


def _resolve_event_type(type_name: Text, default: Any = None) -> Any:
    """``Event.resolve_by_type`` with the answers for known event names remembered (fix 6)."""
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = _rasa_resolve_event_type(type_name, default)
        if found is not None and found is not default:
            _EVENT_CLASSES[type_name] = found
    return found


def _tracker_store_without_fallback(store: Any, domain: Any) -> Any:
    """``Agent._create_tracker_store`` without the ``FailSafeTrackerStore`` wrapper (fix 3)."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    if store is None:
        return InMemoryTrackerStore(domain)
    store.domain = domain
    return store


def install() -> None:
    """Applies the fixes to the running process (idempotent)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    from ops import sql_tracker_store

    sql_tracker_store.install()
    Agent._create_tracker_store = staticmethod(_tracker_store_without_fallback)  # type: ignore[assignment]

    if not getattr(Agent.handle_message, "__wrapped_by_us__", False):
        Agent.handle_message = _with_apology_when_unhandled(Agent.handle_message)  # type: ignore[assignment]

    global _rasa_resolve_event_type
    if Event.resolve_by_type is not _resolve_event_type:
        _rasa_resolve_event_type = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(_resolve_event_type)  # type: ignore[assignment]
    EndpointConfig.session = _shared_session  # type: ignore[assignment]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    if not getattr(RemoteAction.run, "__wrapped_by_us__", False):
        RemoteAction.run = _with_apology(RemoteAction.run)  # type: ignore[assignment]


if __name__ == "__main__":
    install()
    from rasa.__main__ import main

    main()
