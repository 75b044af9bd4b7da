"""Each stored event name's class is looked up once.

Reading a conversation turns each stored event into its class by walking all of Event's
subclasses (27 us per event, so ~1.5 ms for a 60-event conversation, on every message;
py-spy, 2026-12-05). Here each event name's class is looked up once and remembered;
unknown names still go through Rasa's lookup (and its error).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.shared.core.events import Event

_EVENT_CLASSES: Dict[Text, Any] = {}
_rasa_resolve_event_type: Optional[Any] = None


def resolve_event_type(type_name: Text, default: Any = None) -> Any:
    """``Event.resolve_by_type`` with the answers for known event names remembered."""
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        assert _rasa_resolve_event_type is not None, "install() first"
        found = _rasa_resolve_event_type(type_name, default)
        if found is not None and found is not default:
            _EVENT_CLASSES[type_name] = found
    return found


def install() -> None:
    global _rasa_resolve_event_type
    if Event.resolve_by_type is not resolve_event_type:
        _rasa_resolve_event_type = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign,assignment]
