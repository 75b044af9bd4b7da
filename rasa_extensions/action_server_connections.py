"""Kept-alive connections to the action server.

Rasa opens a new HTTP session, so a new TCP connection, for every action-server call (two
per message); under load, connecting was about 8% of the server's CPU (py-spy,
2026-12-05). Here each endpoint keeps one session whose connections are reused, and an
idle connection is let go after ``KEEP_ALIVE_SECONDS``, before the action server's own
limit (Sanic: 5 s), so a request is never sent on a connection the server is closing.
Timeouts, headers and errors are Rasa's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

KEEP_ALIVE_SECONDS = 3.0
_SESSION_ATTRIBUTE = "_shared_session"


class _KeptSession:
    """``async with`` over a shared session that leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def shared_session(self: EndpointConfig) -> _KeptSession:
    """``EndpointConfig.session`` with one session per endpoint and event loop."""
    loop = asyncio.get_running_loop()
    session_loop, session = getattr(self, _SESSION_ATTRIBUTE, (None, None))
    if session is None or session.closed or session_loop is not loop:
        auth = (
            aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth
            else None
        )
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        )
        setattr(self, _SESSION_ATTRIBUTE, (loop, session))
    return _KeptSession(session)


def install() -> None:
    EndpointConfig.session = shared_session  # type: ignore[method-assign,assignment]
