"""A real HTTP endpoint on loopback that records JSON POSTs (a stand-in staff webhook).

It can be told to fail (HTTP status) or to be slow, to test what happens when the
clinic's alert endpoint misbehaves.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional


class WebhookReceiver:
    """``with WebhookReceiver() as hook: ... hook.url ... hook.wait_for(1)``"""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.delay)
                with receiver._changed:
                    receiver.received.append(json.loads(body or b"null"))
                    receiver.headers.append(dict(self.headers))
                    receiver._changed.notify_all()
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Waits until ``count`` requests arrived; returns them (fewer on timeout)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc: Optional[BaseException]) -> None:
        self._server.shutdown()
        self._server.server_close()
