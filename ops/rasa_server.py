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

3. Rasa wraps the tracker store in a ``FailSafeTrackerStore``: when the store fails (PostgreSQL
down or restarting), reading a conversation answers "no such conversation" and saving writes
to process memory instead. The patient is then answered as a stranger (the conversation so far
ignored) and the message is acknowledged but never reaches the database: lost. Found by the
PostgreSQL-restart fault test (2026-12-05). Here the store's error goes through, so the message
is refused with the apology of fix 1 and not recorded (the patient can send it again), and the
HTTP API answers an error instead of an empty conversation. Once the database is back, Rasa's
connection pool reconnects by itself.

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


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same contract as ``RemoteAction._validate_action_result``, with a reused validator."""
    from rasa.core.actions.action import DOCS_BASE_URL

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

    Agent._create_tracker_store = staticmethod(_tracker_store_without_fallback)  # type: ignore[assignment]

    if not getattr(Agent.handle_message, "__wrapped_by_us__", False):
        Agent.handle_message = _with_apology_when_unhandled(Agent.handle_message)  # type: ignore[assignment]

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    if not getattr(RemoteAction.run, "__wrapped_by_us__", False):
        RemoteAction.run = _with_apology(RemoteAction.run)  # type: ignore[assignment]


if __name__ == "__main__":
    install()
    from rasa.__main__ import main

    main()
