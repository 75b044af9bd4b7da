"""A conversation's events as every process reads them: the bot-message metadata contract.

The tracker store holds a conversation as Rasa events (dicts, as the tracker store, the
HTTP API and the action server's ``tracker.events`` give them; ``docs/design.md``):

- ``user`` events carry ``parse_data`` (intent, confidence, ``safety_net``) and
  ``input_channel``; a ``slot`` event ``language`` follows each user message;
- ``bot`` events carry ``metadata``: ``topic`` and ``language`` always (``topics.md``),
  ``question`` on a specific answer, ``disclaimer``, ``evidence_level``, ``staff`` and
  ``staff_user`` on staff replies, ``handoff`` on the handoff answer, ``rating = {value,
  topic, question}`` on the reply to a patient's rating (``assistant/feedback.py``). Metadata sent through
  the HTTP API or a ``domain.yml`` response may arrive one level deeper, under
  ``metadata``: ``bot_metadata`` reads both;
- a handoff is a ``pause`` event with ``metadata.handoff = {reason, summary}``; ``resume``
  ends it; ``session_started`` starts a new session.

Every walk over events in this project uses the helpers here.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

Event = Mapping[str, Any]

SAFETY_TOPICS = ("safety.emergency", "safety.distress")
FALLBACK_INTENT = "nlu_fallback"
STAFF_REPLY_TOPIC = "handoff.staff_reply"
# What a patient's client (the widget) may see; summaries and staff names stay in the store.
WIDGET_METADATA_KEYS = (
    "topic",
    "question",
    "language",
    "disclaimer",
    "evidence_level",
    "staff",
    "while_paused",
)


def current_session(events: Sequence[Event]) -> Sequence[Event]:
    """The events since the latest ``session_started`` (all of them when there is none).

    >>> [e["event"] for e in current_session([{"event": "user"}, {"event": "session_started"}, {"event": "bot"}])]
    ['session_started', 'bot']
    """
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "session_started":
            return events[index:]
    return events


def newest_first(events: Sequence[Event], kind: Optional[str] = None) -> Iterator[Event]:
    """The events from the latest back, only those of ``kind`` (``"user"``, ``"bot"``) if given."""
    for event in reversed(events):
        if kind is None or event.get("event") == kind:
            yield event


def flat_metadata(message: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata with a nested ``metadata`` block lifted to the top (the outer keys win).

    >>> flat_metadata({"topic": "a", "metadata": {"topic": "b", "language": "th"}})
    {'language': 'th', 'topic': 'a'}
    """
    nested = message.get("metadata")
    outer = {key: value for key, value in message.items() if key != "metadata"}
    return {**(nested if isinstance(nested, dict) else {}), **outer}


def bot_metadata(event: Event) -> dict[str, Any]:
    """A bot event's metadata, flat."""
    return flat_metadata(event.get("metadata") or {})


def widget_metadata(message: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a bot message's metadata a patient's client may see.

    ``message`` is a bot message as an output channel gets it (Rasa flattens
    ``BotUttered.metadata`` into it) or a bot event's metadata.

    >>> widget_metadata({"topic": "handoff.request", "handoff": {"reason": "user_request", "summary": "..."}})
    {'topic': 'handoff.request', 'handoff': {'reason': 'user_request'}}
    """
    flat = flat_metadata(message)
    public = {key: flat[key] for key in WIDGET_METADATA_KEYS if flat.get(key) is not None}
    handoff = flat.get("handoff")
    if handoff:
        public["handoff"] = {"reason": handoff.get("reason") if isinstance(handoff, dict) else None}
    return public


def last_bot_metadata(events: Sequence[Event]) -> dict[str, Any]:
    """Metadata of the latest bot message (empty if there is none)."""
    return next((bot_metadata(event) for event in newest_first(events, "bot")), {})


def intent_of(event: Event) -> tuple[str, Optional[float]]:
    """(intent name, confidence) of a user event as Rasa decided it (``nlu_fallback`` too)."""
    intent = (event.get("parse_data") or {}).get("intent") or {}
    return intent.get("name") or "", intent.get("confidence")


# Parse-data keys the safety net sets (nlu_components/red_flag_override.py): ``safety_net``
# when it forced the emergency or distress intent; ``reported_symptom`` when an emergency
# symptom was told as history or hearsay beside a knowledge question (answered, then the
# emergency line).
SAFETY_NET_KEY = "safety_net"
REPORTED_SYMPTOM_KEY = "reported_symptom"


def safety_net_of(event: Event) -> dict[str, Any]:
    """What the rule-based safety net recorded on a user event (empty when it did nothing)."""
    return (event.get("parse_data") or {}).get(SAFETY_NET_KEY) or {}


def handoff_of(event: Event) -> dict[str, Any]:
    """The ``handoff`` block of a pause event or a bot message (empty when none)."""
    return (event.get("metadata") or {}).get("handoff") or {}


def rating_of(event: Event) -> dict[str, Any]:
    """The patient's rating a bot event records (``{value, topic, question}``), or empty.

    >>> rating_of({"event": "bot", "metadata": {"rating": {"value": "helpful", "topic": "therapy.cost"}}})
    {'value': 'helpful', 'topic': 'therapy.cost'}
    """
    if event.get("event") != "bot":
        return {}
    rating = bot_metadata(event).get("rating")
    return dict(rating) if isinstance(rating, dict) and rating.get("value") else {}


def user_texts(events: Iterable[Event]) -> Iterator[str]:
    """The texts of the user messages, oldest first (empty messages left out)."""
    for event in events:
        if event.get("event") == "user" and event.get("text"):
            yield event["text"]
