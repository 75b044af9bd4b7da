"""What the action server's token check costs (``actions/caller_check.py``).

    python -m bench.action_token_check [--calls 300]

(1) In process: the check itself (the request middleware on a real Sanic request), with
the right token and without one. (2) Over HTTP against the real action server: a cheap
action (``action_validate_slot_mappings``, run on every message) with the token, and the
401 a call without it gets, for scale.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests
from rasa_sdk.endpoint import create_app
from sanic.compat import Header
from sanic.request import Request

from actions.caller_check import guard
from bench.load import percentile
from ops.stack import make_stack, private_overrides

TOKEN = uuid.uuid4().hex


def check_microseconds(urls: list[bytes], rounds: int = 20_000) -> list[float]:
    """Mean time of the middleware for one request to each of ``urls``."""
    app = create_app("actions")
    guard(app, TOKEN)
    middleware = app.request_middleware[-1]

    async def run(url: bytes) -> float:
        request = Request(url, Header(), "1.1", "POST", None, app)
        started = time.perf_counter()
        for _ in range(rounds):
            await middleware(request)
        return (time.perf_counter() - started) / rounds * 1e6

    return [asyncio.run(run(url)) for url in urls]


def action_call(sender: str) -> dict:
    return {
        "next_action": "action_validate_slot_mappings",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {"language": "en"},
            "latest_message": {"text": "hello", "intent": {"name": "chat_greet"}},
            "events": [{"event": "user", "text": "hello"}],
            "paused": False,
        },
    }


def http_milliseconds(url: str, token: str, calls: int) -> tuple[float, float, int]:
    """p50, p95 (ms) and the status of ``calls`` sequential action calls with ``token``."""
    times, status = [], 0
    with requests.Session() as session:
        for i in range(calls):
            started = time.perf_counter()
            answer = session.post(url, params={"token": token}, json=action_call(f"b{i}"))
            times.append((time.perf_counter() - started) * 1000)
            status = answer.status_code
    return statistics.median(times), percentile(times, 0.95), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    right, missing = check_microseconds([f"/webhook?token={TOKEN}".encode(), b"/webhook"])
    print(f"check, right token: {right:.1f} µs; no token (401 built): {missing:.1f} µs")
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack(private_overrides(f"sqlite:///{Path(tmp) / 'tracker.db'}"))
        try:
            stack.start(("actions",))
            url = f"{stack.action_url}/webhook"
            for label, token in (
                ("with token", stack.env["ACTION_SERVER_TOKEN"]),
                ("wrong token", "wrong"),
            ):
                p50, p95, status = http_milliseconds(url, token, args.calls)
                print(
                    f"HTTP {label}: {status}, p50 {p50:.2f} ms, p95 {p95:.2f} ms (n={args.calls})"
                )
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
