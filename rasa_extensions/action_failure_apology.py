"""When an action-server call fails, the patient gets an apology instead of silence.

Stock Rasa logs the failed ``RemoteAction`` and the patient gets no answer at all. Here the
failed action is answered with the ``service.unavailable`` text in the conversation's
language (an apology and the way to reach staff), and the conversation goes on: once the
action server is back, answers resume. The slot-filling call is left alone (Rasa already
tolerates its failure), so a turn gets one apology, not two.

Found: the "action server down" fault test (``tests/e2e/test_action_server_down.py``).
Rasa issue: https://github.com/RasaHQ/rasa/issues/7630 ("Action server failure handling",
open): Rasa has no way to answer the user when the action server fails.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.exceptions import RasaException

from rasa_extensions.apology import apology_event

logger = logging.getLogger(__name__)

SLOT_ACTION = "action_validate_slot_mappings"
_MARK = "__wrapped_by_rasa_extensions__"


def with_apology(original_run: Callable[..., Any]) -> Callable[..., Any]:
    """``RemoteAction.run`` that answers a failure with the apology."""

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException:
            if self.name() == SLOT_ACTION:
                raise
            logger.error("Action '%s' failed; the patient gets the apology instead.", self.name())
            return [apology_event(tracker)]

    setattr(run, _MARK, True)
    return run


def install() -> None:
    if not getattr(RemoteAction.run, _MARK, False):
        RemoteAction.run = with_apology(RemoteAction.run)  # type: ignore[method-assign]
