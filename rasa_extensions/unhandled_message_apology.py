"""A message Rasa cannot handle at all gets the apology, not an empty answer.

When the tracker store or the lock store is down, ``Agent.handle_message`` raises and stock
Rasa's channels answer nothing (REST: 200 with an empty list; socket.io and LINE: silence).
Here the patient gets the ``service.unavailable`` apology in the language of their message;
the message itself was not processed or recorded (they can send it again), and the error
is logged. Found by the PostgreSQL-restart and Redis-down fault tests
(``tests/scale/test_faults.py``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from rasa.core.agent import Agent

from rasa_extensions.apology import apology_for_message

logger = logging.getLogger(__name__)

_MARK = "__wrapped_by_rasa_extensions__"


def with_apology_when_unhandled(original_handle: Callable[..., Any]) -> Callable[..., Any]:
    async def handle_message(self: Any, message: Any) -> Any:
        try:
            return await original_handle(self, message)
        except Exception:
            logger.exception(
                "Could not handle a message of conversation %s (tracker or lock store "
                "unavailable?); the patient gets the apology.",
                message.sender_id,
            )
            _, text = apology_for_message(message.text, message.metadata)
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id, text)
            return None

    setattr(handle_message, _MARK, True)
    return handle_message


def install() -> None:
    if not getattr(Agent.handle_message, _MARK, False):
        Agent.handle_message = with_apology_when_unhandled(Agent.handle_message)  # type: ignore[method-assign]
