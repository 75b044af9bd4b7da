"""Only Rasa may run actions: every request but ``/health`` must carry the shared token.

Anyone who can reach the action server could otherwise run any action with a made-up
tracker: a forged ``action_handoff`` pauses nothing real but pushes its text to the
clinic's staff as a genuine alert (issue 18). Rasa sends the token that ``endpoints.yml``
names (``action_endpoint: token: ${ACTION_SERVER_TOKEN}``) as the ``?token=`` query
parameter of every call (``EndpointConfig.combine_parameters`` in Rasa 3.6.21).

rasa-sdk 3.6 checks nothing itself (its maintainers leave authentication to a proxy,
RasaHQ/rasa-sdk#56), but it calls the ``attach_sanic_app_extensions`` plugin hook on its
Sanic app before serving. This module implements that hook; ``actions/__init__.py``
registers it, so the guard is loaded with the actions themselves and the stock command
``python -m rasa_sdk --actions actions`` cannot serve them unguarded. A request without
the right token gets 401 from a request middleware, before any handler parses the body or
runs an action. The hook also sets the listening address (``ACTION_HOST``, loopback by
default): rasa-sdk reads it from ``SANIC_HOST`` right after the hook, else all interfaces.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Optional

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.settings import settings

logger = logging.getLogger(__name__)

hookimpl = pluggy.HookimplMarker("rasa_sdk")

TOKEN_SETTING = "ACTION_SERVER_TOKEN"
TOKEN_PARAMETER = "token"  # Rasa's EndpointConfig.token_name default
OPEN_PATHS = frozenset({"/health"})  # load balancers and `make run` poll it


def token_matches(given: Optional[str], expected: str) -> bool:
    """Constant-time comparison; an empty expected token matches nothing.

    >>> token_matches("s3cret", "s3cret"), token_matches("guess", "s3cret")
    (True, False)
    >>> token_matches("", ""), token_matches(None, "s3cret")
    (False, False)
    """
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def guard(app: Sanic, expected: str) -> None:
    """Adds the token check to ``app``: every path but ``/health`` needs ``?token=``."""

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        if token_matches(request.args.get(TOKEN_PARAMETER), expected):
            return None
        logger.warning(
            "action server: %s %s from %s refused (no or wrong %s)",
            request.method,
            request.path,
            request.ip,
            TOKEN_SETTING,
        )
        return response.json({"error": "unauthorised: this server runs actions for Rasa only"}, 401)


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    """rasa-sdk's hook: refuse to serve without a token, guard the app, pick the address."""
    env = settings().env
    expected = env.get(TOKEN_SETTING, "")
    if not expected:
        raise SystemExit(
            f"{TOKEN_SETTING} is not set: the action server would run actions for anyone. "
            "`make run` generates one into .env; Rasa must send the same (endpoints.yml)."
        )
    guard(app, expected)
    os.environ["SANIC_HOST"] = env["ACTION_HOST"]
