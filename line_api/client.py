"""The Messaging API calls the channel makes, on aiohttp (never blocking Rasa's loop).

Only what we need: reply, push (with ``X-Line-Retry-Key``), get profile, and the loading
animation. ``LINE_API_BASE_URL`` points the client at a fake for tests and local runs.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Mapping, Optional, Sequence

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.line.me"
DEFAULT_DATA_BASE_URL = "https://api-data.line.me"
TIMEOUT_SECONDS = 10.0
# A profile (a language hint) and the loading animation are not worth holding up an answer.
SIDE_CALL_TIMEOUT_SECONDS = 3.0
PUSH_ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 0.5
LOADING_SECONDS = 20  # LINE: a multiple of 5, at most 60; a message ends it earlier


class LineApiError(Exception):
    """The LINE API refused a request or could not be reached."""

    def __init__(self, status: Optional[int], message: str) -> None:
        self.status = status  # None: no answer (timeout, connection refused)
        self.message = message
        super().__init__(f"LINE API {status if status is not None else 'unreachable'}: {message}")

    @property
    def retryable(self) -> bool:
        """LINE's advice: retry on 5xx and timeouts (with the same retry key)."""
        return self.status is None or self.status >= 500


class LineClient:
    """``async with LineClient(token) as client: await client.push(user_id, messages)``

    One aiohttp session per client, opened on first use inside the running loop.
    """

    def __init__(
        self,
        access_token: str,
        base_url: str = DEFAULT_API_BASE_URL,
        timeout: float = TIMEOUT_SECONDS,
        push_attempts: int = PUSH_ATTEMPTS,
    ) -> None:
        self.access_token = access_token
        self.base_url = (base_url or DEFAULT_API_BASE_URL).rstrip("/")
        self.timeout = timeout
        self.push_attempts = push_attempts
        self._session: Optional[aiohttp.ClientSession] = None

    async def __aenter__(self) -> "LineClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session and not self._session.closed:
            await self._session.close()
        self._session = None

    async def reply(self, reply_token: str, messages: Sequence[Mapping[str, Any]]) -> None:
        """Answers a webhook event; a reply token works once, for about a minute."""
        await self._request(
            "POST", "/v2/bot/message/reply", {"replyToken": reply_token, "messages": list(messages)}
        )

    async def push(
        self, to: str, messages: Sequence[Mapping[str, Any]], retry_key: Optional[str] = None
    ) -> None:
        """Sends messages at any time; retried with one retry key, so LINE delivers once.

        A 409 on a retry means LINE had already accepted an earlier attempt.
        """
        retry_key = retry_key or str(uuid.uuid4())
        body = {"to": to, "messages": list(messages)}
        for attempt in range(1, self.push_attempts + 1):
            try:
                await self._request(
                    "POST", "/v2/bot/message/push", body, headers={"X-Line-Retry-Key": retry_key}
                )
                return
            except LineApiError as error:
                if error.status == 409:
                    logger.info("LINE push %s was already accepted (409).", retry_key)
                    return
                if not error.retryable or attempt == self.push_attempts:
                    raise
                logger.warning(
                    "LINE push failed (attempt %d/%d): %s; retrying with the same retry key.",
                    attempt,
                    self.push_attempts,
                    error,
                )
                await asyncio.sleep(RETRY_PAUSE_SECONDS * attempt)

    async def profile(self, user_id: str) -> dict[str, Any]:
        """The user's profile: ``displayName``, ``language`` (may be absent), ..."""
        return await self._request(
            "GET",
            f"/v2/bot/profile/{user_id}",
            timeout=min(self.timeout, SIDE_CALL_TIMEOUT_SECONDS),
        )

    async def show_loading(self, chat_id: str, seconds: int = LOADING_SECONDS) -> None:
        """Shows the loading animation in a one-to-one chat (not in groups)."""
        await self._request(
            "POST",
            "/v2/bot/chat/loading/start",
            {"chatId": chat_id, "loadingSeconds": seconds},
            timeout=min(self.timeout, SIDE_CALL_TIMEOUT_SECONDS),
        )

    # --- rich menus (ops/line_rich_menu.py creates them; the channel links them) ---------

    async def rich_menus(self) -> list[dict[str, Any]]:
        return list((await self._request("GET", "/v2/bot/richmenu/list")).get("richmenus") or [])

    async def create_rich_menu(self, menu: Mapping[str, Any]) -> str:
        return str((await self._request("POST", "/v2/bot/richmenu", menu))["richMenuId"])

    async def upload_rich_menu_image(self, menu_id: str, png: bytes) -> None:
        """The image goes to LINE's data host (a fake serves both hosts)."""
        await self._request(
            "POST",
            f"/v2/bot/richmenu/{menu_id}/content",
            data=png,
            headers={"Content-Type": "image/png"},
            base_url=self.data_base_url,
        )

    async def delete_rich_menu(self, menu_id: str) -> None:
        await self._request("DELETE", f"/v2/bot/richmenu/{menu_id}")

    async def set_default_rich_menu(self, menu_id: str) -> None:
        await self._request("POST", f"/v2/bot/user/all/richmenu/{menu_id}")

    async def link_rich_menu(self, user_id: str, menu_id: str) -> None:
        await self._request(
            "POST",
            f"/v2/bot/user/{user_id}/richmenu/{menu_id}",
            timeout=min(self.timeout, SIDE_CALL_TIMEOUT_SECONDS),
        )

    @property
    def data_base_url(self) -> str:
        """LINE serves uploads from api-data.line.me; a test's fake serves both."""
        return DEFAULT_DATA_BASE_URL if self.base_url == DEFAULT_API_BASE_URL else self.base_url

    async def _request(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        data: Optional[bytes] = None,
        base_url: Optional[str] = None,
    ) -> dict[str, Any]:
        session = self._ensure_session()
        seconds = timeout or self.timeout
        try:
            async with session.request(
                method,
                (base_url or self.base_url) + path,
                json=body if data is None else None,
                data=data,
                headers={"Authorization": f"Bearer {self.access_token}", **(headers or {})},
                timeout=aiohttp.ClientTimeout(total=seconds),
            ) as response:
                payload = await _json_or_empty(response)
                if response.status >= 400:
                    raise LineApiError(
                        response.status, str(payload.get("message") or response.reason)
                    )
                return payload
        except asyncio.TimeoutError as error:
            raise LineApiError(None, f"timeout after {seconds} s") from error
        except aiohttp.ClientError as error:
            raise LineApiError(None, repr(error)) from error

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session


async def _json_or_empty(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        payload = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return payload if isinstance(payload, dict) else {}
