"""Which bot-message metadata the widget may see."""
from __future__ import annotations

from typing import Any, Dict, Text

# What the widget uses; anything else (summaries for staff, staff user names) stays in the
# tracker store.
WIDGET_METADATA_KEYS = ("topic", "language", "disclaimer", "evidence_level", "staff", "while_paused")


def widget_metadata(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """The part of a bot message's metadata the widget uses.

    Rasa flattens ``BotUttered.metadata`` into the message; a ``metadata`` key nested
    inside (as some HTTP API callers send it) is read too.

    >>> widget_metadata({"topic": "handoff.request", "handoff": {"reason": "user_request", "summary": "..."}})
    {'topic': 'handoff.request', 'handoff': {'reason': 'user_request'}}
    """
    nested = message.get("metadata")
    flat = {**(nested if isinstance(nested, dict) else {}), **message}
    public = {key: flat[key] for key in WIDGET_METADATA_KEYS if flat.get(key) is not None}
    handoff = flat.get("handoff")
    if handoff:
        public["handoff"] = {"reason": handoff.get("reason")} if isinstance(handoff, dict) else {"reason": None}
    return public
