"""A website patient over socket.io without a browser: connects as the widget does (a
session request, then ``user_uttered`` with the session id) and keeps every message the
assistant or staff send to its socket."""

from __future__ import annotations

import threading
from typing import Any, Optional


class SocketPatient:
    """``with SocketPatient(rasa_url) as patient: patient.say("hello")``."""

    def __init__(self, url: str, timeout: float = 20.0) -> None:
        import socketio  # python-socketio: only the tests and benches that use it load it

        self.url = url
        self.timeout = timeout
        self.received: list[dict[str, Any]] = []
        self.session_id = ""
        self._confirmed = threading.Event()
        self._client = socketio.Client(reconnection=False)
        self._client.on("session_confirm", self._on_confirm)
        self._client.on("bot_uttered", self.received.append)

    def _on_confirm(self, session: Any) -> None:
        self.session_id = session if isinstance(session, str) else session.get("session_id")
        self._confirmed.set()

    def __enter__(self) -> "SocketPatient":
        self._client.connect(self.url, transports=["polling"], socketio_path="/socket.io")
        self._client.emit("session_request", {"session_id": None})
        if not self._confirmed.wait(self.timeout):
            self._client.disconnect()
            raise TimeoutError("no session_confirm from the socket.io channel")
        return self

    def __exit__(self, *exc: Any) -> None:
        self._client.disconnect()

    def say(self, text: str, metadata: Optional[dict[str, Any]] = None) -> None:
        message: dict[str, Any] = {"message": text, "session_id": self.session_id}
        if metadata:
            message["metadata"] = metadata
        self._client.emit("user_uttered", message)

    def texts(self) -> list[str]:
        return [str(m.get("text") or "") for m in self.received]
