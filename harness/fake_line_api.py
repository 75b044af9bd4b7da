"""A fake LINE Messaging API on loopback (real HTTP) for tests and local runs.

It records reply, push and loading calls, checks the ``Authorization: Bearer`` token,
validates bodies against LINE's documented limits (answers 400 like LINE does, and keeps
the rejected call), treats a reply token as single-use, honours ``X-Line-Retry-Key``
(409 for a key already accepted), and can be told to fail: an expired reply token, a 500,
or a timeout (the call is carried out but answered later than the client waits).

    with FakeLineApi(token="t") as api:
        ... LINE_API_BASE_URL=api.url ...
        api.wait_for(lambda calls: len(calls) >= 1)
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_POSTBACK_DATA = 300
MESSAGE_TYPES = {
    "text",
    "image",
    "video",
    "audio",
    "location",
    "sticker",
    "imagemap",
    "template",
    "flex",
}
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def line_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the fake answered."""

    kind: str  # reply | push | loading | profile
    body: dict[str, Any]
    headers: dict[str, str]
    status: int
    at: float = field(default_factory=time.monotonic)

    @property
    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.body.get("messages", []) if m.get("type") == "text"]

    @property
    def retry_key(self) -> Optional[str]:
        return self.headers.get("X-Line-Retry-Key")


def rich_menu_problems(menu: Any) -> list[str]:
    """What LINE would refuse in a rich menu definition (the rules our menus touch)."""
    problems = []
    size = menu.get("size") or {}
    if size.get("width") != 2500 or size.get("height") not in (1686, 843):
        problems.append("size must be 2500x1686 or 2500x843")
    if not isinstance(menu.get("selected"), bool):
        problems.append("selected must be a boolean")
    if not 1 <= len(menu.get("name") or "") <= 300:
        problems.append("name: 1-300 characters")
    if not 1 <= line_length(menu.get("chatBarText") or "") <= 14:
        problems.append("chatBarText: 1-14 characters")
    areas = menu.get("areas") or []
    if not 1 <= len(areas) <= 20:
        problems.append("areas: 1-20")
    for index, area in enumerate(areas):
        bounds, action = area.get("bounds") or {}, area.get("action") or {}
        if bounds.get("x", -1) < 0 or bounds.get("y", -1) < 0:
            problems.append(f"areas[{index}].bounds outside the image")
        elif bounds["x"] + bounds.get("width", 0) > 2500 or bounds["y"] + bounds.get(
            "height", 0
        ) > size.get("height", 0):
            problems.append(f"areas[{index}].bounds outside the image")
        if action.get("type") == "postback":
            if not 1 <= line_length(action.get("data") or "") <= 300:
                problems.append(f"areas[{index}].action.data: 1-300 characters")
            if line_length(action.get("displayText") or "") > 300:
                problems.append(f"areas[{index}].action.displayText: up to 300 characters")
        elif action.get("type") == "message":
            if not 1 <= line_length(action.get("text") or "") <= 300:
                problems.append(f"areas[{index}].action.text: 1-300 characters")
        else:
            problems.append(f"areas[{index}].action.type: postback or message here")
    return problems


def message_problems(messages: Any) -> list[str]:
    """What LINE would reject in a ``messages`` array (the limits we rely on)."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        return [f"messages must be a list of 1 to {MAX_MESSAGES} objects"]
    problems = []
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
            problems.append(f"{where}.type is not a message type")
            continue
        if message["type"] == "text":
            text = message.get("text")
            if not isinstance(text, str) or not text or line_length(text) > MAX_TEXT:
                problems.append(f"{where}.text must be 1 to {MAX_TEXT} characters")
        if message["type"] == "image":
            for key in ("originalContentUrl", "previewImageUrl"):
                if not str(message.get(key, "")).startswith("https://"):
                    problems.append(f"{where}.{key} must be an https URL")
        quick = message.get("quickReply")
        if quick is not None:
            if index != len(messages) - 1:
                problems.append(f"{where}.quickReply: only the last message shows quick replies")
            problems.extend(_quick_reply_problems(quick, where))
    return problems


def _quick_reply_problems(quick: Any, where: str) -> list[str]:
    items = quick.get("items") if isinstance(quick, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_QUICK_REPLIES:
        return [f"{where}.quickReply.items must be 1 to {MAX_QUICK_REPLIES} items"]
    problems = []
    for index, item in enumerate(items):
        action = item.get("action") if isinstance(item, dict) else None
        at = f"{where}.quickReply.items[{index}].action"
        if not isinstance(action, dict):
            problems.append(f"{at} is missing")
            continue
        label = action.get("label")
        if not isinstance(label, str) or not label or line_length(label) > MAX_LABEL:
            problems.append(f"{at}.label must be 1 to {MAX_LABEL} characters")
        if action.get("type") == "postback":
            data = action.get("data")
            if not isinstance(data, str) or not data or line_length(data) > MAX_POSTBACK_DATA:
                problems.append(f"{at}.data must be 1 to {MAX_POSTBACK_DATA} characters")
            shown = action.get("displayText")
            if shown is not None and (not shown or line_length(shown) > MAX_DISPLAY_TEXT):
                problems.append(f"{at}.displayText must be 1 to {MAX_DISPLAY_TEXT} characters")
        elif action.get("type") == "message":
            if not action.get("text") or line_length(action["text"]) > MAX_DISPLAY_TEXT:
                problems.append(f"{at}.text must be 1 to {MAX_DISPLAY_TEXT} characters")
        else:
            problems.append(f"{at}.type {action.get('type')!r} is not used by this bot")
    return problems


class _Server(ThreadingHTTPServer):
    # http.server's default listen backlog is 5: under load (20 conversations replying at
    # once) further connections were dropped and retried by the kernel a second later,
    # which showed as 1.2-1.6 s reply latencies that LINE's real servers do not cause.
    request_queue_size = 128


class FakeLineApi:
    """The Messaging API endpoints the channel uses, on a free loopback port."""

    def __init__(
        self,
        token: str = "test-access-token",
        default_language: Optional[str] = "th",
        port: int = 0,
    ) -> None:
        self.token = token
        self.default_language = default_language
        self.profiles: dict[str, dict[str, Any]] = {}  # user id -> profile override
        self.calls: list[Call] = []
        self.rejected: list[Call] = []  # bodies LINE would refuse (400) or bad tokens (401)
        self.used_reply_tokens: set[str] = set()
        self.accepted_retry_keys: set[str] = set()
        # Rich menus: id -> definition (with "_image": the uploaded bytes, when uploaded).
        self.rich_menus: dict[str, dict[str, Any]] = {}
        self.default_rich_menu: Optional[str] = None
        self.user_rich_menus: dict[str, str] = {}  # user id -> rich menu id
        self.expired_reply_tokens: set[str] = set()
        self._owners: dict[
            str, str
        ] = {}  # reply token -> user id (LINE knows, the body does not say)
        self._failures: dict[str, list[Any]] = {}  # kind -> [status or "timeout", ...]
        self.timeout_delay = 3.0
        self._listeners: list[Callable[[Call], None]] = []
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                fake._handle(self, "GET")

            def do_DELETE(self) -> None:  # noqa: N802
                fake._handle(self, "DELETE")

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- controls --------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, kind: str, *outcomes: Any) -> None:
        """The next calls of ``kind`` fail: each outcome is a status code or "timeout"."""
        with self._changed:
            self._failures.setdefault(kind, []).extend(outcomes)

    def expire_reply_token(self, token: str) -> None:
        """This reply token is answered like an expired one (400 "Invalid reply token")."""
        with self._changed:
            self.expired_reply_tokens.add(token)

    def reset(self) -> None:
        with self._changed:
            self.calls.clear()
            self.rejected.clear()
            self._failures.clear()

    def of_kind(self, kind: str, status: int = 200) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.kind == kind and c.status == status]

    def delivered_to(self, user_id: str) -> list[Call]:
        """Accepted reply and push calls that reached ``user_id`` (replies by token owner)."""
        with self._changed:
            return [
                c
                for c in self.calls
                if c.status == 200
                and c.kind in ("reply", "push")
                and (c.body.get("to") == user_id or c.body.get("_user") == user_id)
            ]

    def wait_for(self, predicate: Callable[["FakeLineApi"], bool], timeout: float = 30.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)

    def add_listener(self, listener: Callable[[Call], None]) -> None:
        """``listener(call)`` runs (in the server's thread) as each call is recorded, before
        it is answered: the load harness times replies with it without polling."""
        with self._changed:
            self._listeners.append(listener)

    def reply_token_owner(self, token: str, user_id: str) -> None:
        """Tells the fake whose reply token this is."""
        with self._changed:
            self._owners[token] = user_id

    # --- the API ---------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        headers = dict(request.headers)
        path = request.path.split("?")[0]
        kind = self._kind(method, path)
        if kind is None:
            return self._answer(request, 404, {"message": "Not found"})
        try:
            if kind == "richmenu_content":
                body = {"_image": raw, "_type": request.headers.get("Content-Type")}
            else:
                body = json.loads(raw) if raw else {}
            if kind.startswith("richmenu_"):
                body["_path"] = path.split("/")
        except ValueError:
            return self._record_and_answer(
                request, kind, {}, headers, 400, {"message": "bad JSON"}, rejected=True
            )
        if kind == "profile":
            body = {"userId": path.rsplit("/", 1)[-1]}
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._record_and_answer(
                request,
                kind,
                body,
                headers,
                401,
                {
                    "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
                },
                rejected=True,
            )
        outcome = self._next_failure(kind)
        if isinstance(outcome, int):
            return self._record_and_answer(
                request, kind, body, headers, outcome, {"message": "Internal server error"}
            )
        handler = getattr(self, f"_{kind}")
        status, payload, rejected = handler(body, headers)
        # "timeout": LINE did the work but answers later than the client waits (so a
        # retried push must not deliver twice: the retry key makes it a 409).
        delay = self.timeout_delay if outcome == "timeout" else 0.0
        self._record_and_answer(
            request, kind, body, headers, status, payload, rejected=rejected, delay=delay
        )

    def _kind(self, method: str, path: str) -> Optional[str]:
        if method == "POST" and path == "/v2/bot/message/reply":
            return "reply"
        if method == "POST" and path == "/v2/bot/message/push":
            return "push"
        if method == "POST" and path == "/v2/bot/chat/loading/start":
            return "loading"
        if method == "GET" and path.startswith("/v2/bot/profile/"):
            return "profile"
        parts = path.split("/")  # "", "v2", "bot", ...
        if path == "/v2/bot/richmenu" and method == "POST":
            return "richmenu_create"
        if path == "/v2/bot/richmenu/list" and method == "GET":
            return "richmenu_list"
        if len(parts) == 5 and parts[3] == "richmenu" and method == "DELETE":
            return "richmenu_delete"
        if len(parts) == 6 and parts[3] == "richmenu" and parts[5] == "content":
            return "richmenu_content" if method == "POST" else None
        if len(parts) == 7 and parts[3] == "user" and parts[5] == "richmenu" and method == "POST":
            return "richmenu_default" if parts[4] == "all" else "richmenu_link"
        return None

    # --- rich menus (only what the rich menu command and the channel use) ------------

    def _richmenu_create(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        problems = rich_menu_problems(body)
        if problems:
            return 400, {"message": "The request body has errors", "details": problems}, True
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        with self._changed:
            self.rich_menus[menu_id] = {k: v for k, v in body.items() if k != "_path"}
        return 200, {"richMenuId": menu_id}, False

    def _richmenu_list(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        menus = [
            {"richMenuId": menu_id, **{k: v for k, v in menu.items() if not k.startswith("_")}}
            for menu_id, menu in self.rich_menus.items()
        ]
        return 200, {"richmenus": menus}, False

    def _richmenu_delete(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        menu_id = body["_path"][4]
        with self._changed:
            if self.rich_menus.pop(menu_id, None) is None:
                return 404, {"message": "Not found"}, False
            if self.default_rich_menu == menu_id:
                self.default_rich_menu = None
            for user, linked in list(self.user_rich_menus.items()):
                if linked == menu_id:
                    del self.user_rich_menus[user]
        return 200, {}, False

    def _richmenu_content(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        menu_id = body["_path"][4]
        image = body["_image"]
        menu = self.rich_menus.get(menu_id)
        if menu is None:
            return 404, {"message": "Not found"}, False
        if "_image" in menu:
            return 400, {"message": "An image has already been uploaded"}, True
        if body["_type"] not in ("image/png", "image/jpeg") or len(image) > 1024 * 1024:
            return 400, {"message": "PNG or JPEG up to 1 MB"}, True
        with self._changed:
            menu["_image"] = image
        return 200, {}, False

    def _richmenu_default(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        menu_id = body["_path"][6]
        if "_image" not in self.rich_menus.get(menu_id, {}):
            return 400, {"message": "Rich menu without an image cannot be set"}, True
        self.default_rich_menu = menu_id
        return 200, {}, False

    def _richmenu_link(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        user, menu_id = body["_path"][4], body["_path"][6]
        if "_image" not in self.rich_menus.get(menu_id, {}):
            return 400, {"message": "Rich menu without an image cannot be linked"}, True
        self.user_rich_menus[user] = menu_id
        return 200, {}, False

    def _reply(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        token = body.get("replyToken")
        if "X-Line-Retry-Key" in headers:
            return 400, {"message": "X-Line-Retry-Key is not supported for reply"}, True
        problems = message_problems(body.get("messages"))
        if not isinstance(token, str) or not token:
            problems.append("replyToken is required")
        if problems:
            return 400, {"message": "The request body has errors", "details": problems}, True
        with self._changed:
            if token in self.expired_reply_tokens or token in self.used_reply_tokens:
                return 400, {"message": "Invalid reply token"}, False
            self.used_reply_tokens.add(token)
            body["_user"] = self._owners.get(token)
        return 200, {"sentMessages": [{"id": str(i)} for i in range(len(body["messages"]))]}, False

    def _push(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        problems = message_problems(body.get("messages"))
        if not isinstance(body.get("to"), str) or not body.get("to"):
            problems.append("to is required")
        key = headers.get("X-Line-Retry-Key")
        if key is not None and not _UUID.match(key):
            problems.append("X-Line-Retry-Key must be a UUID")
        if problems:
            return 400, {"message": "The request body has errors", "details": problems}, True
        with self._changed:
            if key in self.accepted_retry_keys:
                return 409, {"message": "The retry key is already accepted"}, False
            if key:
                self.accepted_retry_keys.add(key)
        return 200, {"sentMessages": [{"id": str(i)} for i in range(len(body["messages"]))]}, False

    def _loading(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        chat = body.get("chatId")
        seconds = body.get("loadingSeconds", 20)
        if not isinstance(chat, str) or not chat.startswith("U"):
            return 400, {"message": "chatId must be a user id (no groups)"}, True
        if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
            return 400, {"message": "loadingSeconds must be a multiple of 5 from 5 to 60"}, True
        return 202, {}, False

    def _profile(self, body: dict, headers: dict) -> tuple[int, dict, bool]:
        user_id = body["userId"]
        profile = {
            "displayName": "Test patient",
            "userId": user_id,
            "pictureUrl": "https://example.invalid/p.png",
        }
        if self.default_language:
            profile["language"] = self.default_language
        profile.update(self.profiles.get(user_id, {}))
        if profile.get("language") is None:
            profile.pop("language", None)
        return 200, profile, False

    # --- plumbing --------------------------------------------------------------------

    def _next_failure(self, kind: str) -> Any:
        with self._changed:
            queue = self._failures.get(kind)
            return queue.pop(0) if queue else None

    def _record_and_answer(
        self,
        request: BaseHTTPRequestHandler,
        kind: str,
        body: dict,
        headers: dict,
        status: int,
        payload: dict,
        rejected: bool = False,
        delay: float = 0.0,
    ) -> None:
        call = Call(kind, body, headers, status)
        with self._changed:
            self.calls.append(call)
            if rejected:
                self.rejected.append(call)
            self._changed.notify_all()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(call)
        time.sleep(delay)
        self._answer(request, status, payload)

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass

    def __enter__(self) -> "FakeLineApi":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    """``python -m harness.fake_line_api --port 8090 --token dev``: prints each call."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="dev-access-token")
    args = parser.parse_args()
    with FakeLineApi(token=args.token, port=args.port) as api:
        print(
            f"Fake LINE API on {api.url} (access token {args.token!r}). Ctrl-C stops.", flush=True
        )
        shown = 0
        try:
            while True:
                api.wait_for(lambda a, seen=shown: len(a.calls) > seen, timeout=3600)
                for call in api.calls[shown:]:
                    body = {k: v for k, v in call.body.items() if k != "_user"}
                    print(call.status, call.kind, json.dumps(body, ensure_ascii=False), flush=True)
                shown = len(api.calls)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
