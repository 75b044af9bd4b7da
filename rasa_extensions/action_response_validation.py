"""The action-server response schema is checked once, not on every call.

Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``,
which also re-checks the large, constant schema against JSON Schema's meta-schema on every
call. Profiled with py-spy (2026-11-25, ``bench/rest_latency.py``), that was about half of
the Rasa server's CPU time per message: each message makes two action-server calls (the
language slot and the answer). Here the schema is checked once and its validator reused;
responses are validated exactly as before and raise the same error.

Within it, each event is checked against a ``oneOf`` of Rasa's 23 event schemas, so
jsonschema tries all 23 and builds (deep-copying) an error for each of the 22 that do not
fit, for every event: still ~0.45 ms per call, 9% of the server's CPU under load
(2026-12-05). The 23 schemas are told apart by a constant ``event`` name, so an event fits
the ``oneOf`` exactly when it fits the one schema its name picks: that is checked first,
and a response this quick check does not accept goes through the full schema, so what is
accepted and every error message are Rasa's.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import exceptions, validators
from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction


@lru_cache(maxsize=None)
def _action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@lru_cache(maxsize=None)
def _per_event_validators() -> tuple[Any, Dict[Text, Any]]:
    """The response schema without the events' ``oneOf``, and a validator per event name."""
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    validator_class = validators.validator_for(schema)
    items = schema["properties"]["events"]["items"]
    by_name = {
        alternative["properties"]["event"]["const"]: validator_class(alternative)
        for alternative in items["oneOf"]
    }
    if len(by_name) != len(items.pop("oneOf")):  # names must tell the schemas apart
        raise RuntimeError("Rasa's event schemas are no longer told apart by their event name")
    return validator_class(schema), by_name


def accepted_quickly(result: Any) -> bool:
    """True only for responses Rasa's schema accepts; False means "check fully"."""
    outer, by_name = _per_event_validators()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        name = event["event"]  # the outer schema requires a string here
        if name not in by_name or not by_name[name].is_valid(event):
            return False
    return True


def validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same contract as ``RemoteAction._validate_action_result``, with a reused validator."""
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


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
