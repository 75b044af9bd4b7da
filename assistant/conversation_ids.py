"""Which channel a conversation belongs to: the one that started it, told by its id's shape.

Rasa keys a conversation by its sender id alone, so any channel that accepted any id could
write into another channel's conversation (issue 18). The channels' ids have disjoint
shapes, and each channel accepts only its own:

- LINE: the LINE user id, ``U`` + 32 hex digits (LINE's documented format; it comes from a
  webhook signed by LINE, so nobody else can pick it);
- website widget (socket.io): an id the server issued, 32 hex digits (uuid4);
- REST (tests, tools; off in production): any other id. An id shaped like a LINE or
  website id is refused, whether or not such a conversation exists yet, so REST can
  neither write into one nor take one over before its patient arrives.

Ids already stored keep working: LINE and website conversations already have these shapes;
a REST conversation stored under a LINE- or website-shaped id (possible before this rule)
can no longer be written over REST, and a page gets it only if the widget started it.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Optional

LINE = "line"
WEB = "socketio"
REST = "rest"

LINE_USER_ID = re.compile(r"U[0-9a-f]{32}", re.IGNORECASE)
WEB_SESSION_ID = re.compile(r"[0-9a-f]{32}", re.IGNORECASE)
_SHAPES = ((LINE, LINE_USER_ID), (WEB, WEB_SESSION_ID))


def channel_of_id(sender_id: str) -> Optional[str]:
    """The channel whose id shape ``sender_id`` has (``None``: no channel's, so REST's).

    >>> channel_of_id("U" + "4af49806" * 4), channel_of_id("9f1c" * 8), channel_of_id("me")
    ('line', 'socketio', None)
    """
    for channel, shape in _SHAPES:
        if shape.fullmatch(sender_id):
            return channel
    return None


def rest_may_use(sender_id: str) -> bool:
    """Whether the REST channel may write to the conversation ``sender_id``.

    >>> rest_may_use("test-1"), rest_may_use("U" + "0" * 32), rest_may_use("0" * 32)
    (True, False, False)
    """
    return channel_of_id(sender_id) is None


def started_by(events: Iterable[Mapping[str, object]]) -> Optional[str]:
    """The channel of a conversation's first patient message (``None`` before any)."""
    for event in events:
        if event.get("event") == "user":
            channel = event.get("input_channel")
            return channel if isinstance(channel, str) else None
    return None
