"""The LINE API client against the fake LINE API (real HTTP on loopback)."""

from __future__ import annotations

import asyncio
import time

import pytest

from harness.fake_line_api import FakeLineApi
from line_api.client import LineApiError, LineClient

TOKEN = "client-test-token"
HELLO = [{"type": "text", "text": "สวัสดีค่ะ"}]


@pytest.fixture
def api():
    with FakeLineApi(token=TOKEN) as fake:
        yield fake


def run(coroutine):
    return asyncio.run(coroutine)


async def with_client(api, action, **options):
    async with LineClient(TOKEN, api.url, **options) as client:
        return await action(client)


def test_reply_sends_bearer_token_and_messages(api):
    run(with_client(api, lambda c: c.reply("token-1", HELLO)))
    (call,) = api.of_kind("reply")
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.body == {"replyToken": "token-1", "messages": HELLO, "_user": None}


def test_wrong_access_token_is_an_error(api):
    with pytest.raises(LineApiError) as caught:
        run(_with_token(api, "wrong", lambda c: c.reply("t", HELLO)))
    assert caught.value.status == 401 and not caught.value.retryable


async def _with_token(api, token, action):
    async with LineClient(token, api.url) as client:
        return await action(client)


def test_expired_reply_token_raises_invalid_reply_token(api):
    api.expire_reply_token("old")
    with pytest.raises(LineApiError) as caught:
        run(with_client(api, lambda c: c.reply("old", HELLO)))
    assert caught.value.status == 400 and "Invalid reply token" in caught.value.message


def test_a_reply_token_works_once(api):
    run(with_client(api, lambda c: c.reply("once", HELLO)))
    with pytest.raises(LineApiError):
        run(with_client(api, lambda c: c.reply("once", HELLO)))


def test_push_carries_a_uuid_retry_key(api):
    run(with_client(api, lambda c: c.push("U1", HELLO)))
    (call,) = api.of_kind("push")
    assert call.body["to"] == "U1" and len(call.retry_key) == 36


def test_push_retries_5xx_with_the_same_key_and_delivers_once(api):
    api.fail_next("push", 500, 503)
    run(with_client(api, lambda c: c.push("U1", HELLO)))
    pushes = [c for c in api.calls if c.kind == "push"]
    assert [c.status for c in pushes] == [500, 503, 200]
    assert len({c.retry_key for c in pushes}) == 1


def test_push_accepted_but_answered_too_late_is_delivered_once(api):
    api.timeout_delay = 1.5
    api.fail_next("push", "timeout")  # LINE accepts the push but answers after 1.5 s
    run(with_client(api, lambda c: c.push("U1", HELLO), timeout=0.5))
    pushes = [c for c in api.calls if c.kind == "push"]
    assert [c.status for c in pushes] == [200, 409]  # the retry is recognised by its key
    assert pushes[0].retry_key == pushes[1].retry_key


def test_push_gives_up_after_its_attempts(api):
    api.fail_next("push", 500, 500, 500)
    with pytest.raises(LineApiError) as caught:
        run(with_client(api, lambda c: c.push("U1", HELLO)))
    assert caught.value.status == 500


def test_timeout_is_an_error_not_a_hang(api):
    api.timeout_delay = 2.0
    api.fail_next("reply", "timeout")
    started = time.monotonic()
    with pytest.raises(LineApiError) as caught:
        run(with_client(api, lambda c: c.reply("slow", HELLO), timeout=0.3))
    assert caught.value.status is None and time.monotonic() - started < 1.5


def test_unreachable_api_is_an_error():
    async def action(client):
        await client.reply("t", HELLO)

    with pytest.raises(LineApiError) as caught:
        run(_with_base("http://127.0.0.1:9", action))
    assert caught.value.status is None


async def _with_base(url, action):
    async with LineClient(TOKEN, url, timeout=2) as client:
        return await action(client)


def test_invalid_body_is_refused_like_line_does(api):
    too_many = [{"type": "text", "text": str(i)} for i in range(6)]
    with pytest.raises(LineApiError) as caught:
        run(with_client(api, lambda c: c.reply("t", too_many)))
    assert caught.value.status == 400 and api.rejected


def test_profile_and_loading(api):
    api.profiles["U42"] = {"language": "en"}

    async def action(client):
        profile = await client.profile("U42")
        await client.show_loading("U42")
        return profile

    assert run(with_client(api, action))["language"] == "en"
    (loading,) = api.of_kind("loading", 202)
    assert loading.body == {"chatId": "U42", "loadingSeconds": 20}
