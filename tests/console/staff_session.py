"""A clinician using the running console over HTTP, as a browser would (cookies, CSRF)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests


@dataclass
class StaffSession:
    base_url: str
    http: requests.Session = field(default_factory=requests.Session)

    def sign_in(self, username: str, password: str) -> None:
        self.http.headers["Accept-Language"] = "en"
        self.http.get(f"{self.base_url}/login/", timeout=30)
        response = self.post("/login/", {"username": username, "password": password})
        assert response.url.rstrip("/") != f"{self.base_url}/login", "sign-in failed"

    def get(self, path: str) -> str:
        response = self.http.get(self.base_url + path, timeout=30)
        response.raise_for_status()
        return response.text

    def post(self, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        response = self.http.post(self.base_url + path, data=data, timeout=60,
                                  headers={"Referer": self.base_url + path})
        response.raise_for_status()
        return response

    def queue_ids(self) -> list[int]:
        """Conversation ids in the handoff queue, in the queue's order."""
        table = self.get("/queue/").split('id="queue"', 1)[1]
        return [int(n) for n in re.findall(r'href="/conversations/(\d+)/"', table)]
