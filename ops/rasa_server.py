"""``python -m ops.rasa_server run ...``: Rasa's own command line, with one fix applied first.

Rasa 3.6 checks every action-server response with ``jsonschema.validate(result, schema)``,
which also re-checks the large, constant schema against JSON Schema's meta-schema on every
call. Profiled with py-spy (2026-11-25, bench/rest_latency.py), that was about half of the
Rasa server's CPU time per message: each message makes two action-server calls (the
language slot and the answer). Here the schema is checked once and its validator reused;
responses are validated exactly as before and raise the same error.

Everything else is unchanged Rasa: this module only patches, then calls ``rasa``'s main.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import exceptions, validators


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


def install() -> None:
    """Applies the fix to the running process (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]


if __name__ == "__main__":
    install()
    from rasa.__main__ import main

    main()
