"""Faults in the scaled topology: an instance killed, PostgreSQL restarted, Redis down."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import uuid

import pytest
import requests

from bench.load import LoadResult, check_consistency, failure, run_load
from bench.patients import patients
from harness.line_webhook import LineWebhookSender, text_event
from tests.scale.conftest import DATABASE, REDIS_START, pg_ctl, postgres_up, redis_up, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def say(url: str, sender: str, text: str, timeout: float = 30) -> requests.Response:
    return requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )


def answers_again(url: str, timeout: float = 60) -> bool:
    sender = f"probe-{uuid.uuid4().hex[:6]}"

    def ok() -> bool:
        try:
            response = say(url, sender, "hello", timeout=10)
        except requests.RequestException:
            return False
        return response.status_code == 200 and bool(response.json())

    return wait_for(ok, timeout)


def load_with_fault(
    url: str,
    fault,
    patients_count: int = 40,
    concurrency: int = 8,
    channel: str = "rest",
    line=None,
    timeout_s: float = 30,
) -> tuple[LoadResult, int]:
    """Runs a load and calls ``fault()`` (in a thread) once a quarter of its messages are
    answered, whatever the machine's speed; returns the result and the number of replies
    received before the fault began."""
    result = LoadResult()
    turns = 6
    crowd = patients(patients_count, run_id=f"fault-{uuid.uuid4().hex[:6]}", turns=turns)

    async def scenario() -> int:
        load = asyncio.create_task(
            run_load(
                url,
                crowd,
                concurrency,
                timeout_s=timeout_s,
                result=result,
                channel=channel,
                line=line,
            )
        )
        while len(result.latencies_ms) < patients_count * turns // 4 and not load.done():
            await asyncio.sleep(0.05)
        before = len(result.latencies_ms)
        await asyncio.get_running_loop().run_in_executor(None, fault)
        await load
        return before

    before = asyncio.run(scenario())
    return result, before


@pytest.mark.parametrize("channel", ["rest", "socketio", "line"])
def test_killing_one_instance_mid_load_keeps_serving_and_loses_nothing(
    scaled, line_platform, channel
):
    victim = scaled.rasa_services()[0]
    try:
        result, before = load_with_fault(
            scaled.url,
            lambda: os.killpg(victim.process.pid, signal.SIGKILL),
            channel=channel,
            line=line_platform,
            # LINE: an event the killed instance was answering waits for its lease (10 s)
            # and for Rasa's Redis lock on the conversation, which the dead instance held
            # (its lifetime: 60 s); then the other instance answers it
            timeout_s=100 if channel == "line" else 30,
        )
        print(f"\n{channel}: killed after {before} replies; {result.summary()}")
        # the other instance kept serving after the kill
        assert len(result.latencies_ms) - before >= 40, result.summary()
        if channel == "line":
            # every event was stored before it was acknowledged (one the killed instance
            # did not acknowledge is redelivered, as LINE does): the other instance answers
            # what the killed one had taken, once the lease expires
            assert result.errors == []
            # the patients of this run are new: every delivery to them is of this run
            deliveries = {u: len(line_platform.api.delivered_to(u)) for u in result.sent}
            twice = {u: n for u, n in deliveries.items() if n != len(result.sent[u])}
            print(
                f"line: {sum(deliveries.values())} deliveries for {sum(map(len, result.sent.values()))} events"
            )
            assert twice == {}
        else:
            # only turns in flight on the killed instance may fail (at most one per
            # conversation talking at the time); socket.io: the sockets connected to it
            assert len(result.errors) <= 8, result.errors
        assert check_consistency(DATABASE, result.sent) == []
    finally:
        if victim.process.poll() is not None:  # killed: bring it back for the next tests
            victim.start(scaled.env, None)
        scaled.stack.wait_ready()
    assert answers_again(scaled.url)


def line_sender(scaled, line_platform, port: str) -> LineWebhookSender:
    return LineWebhookSender(f"http://127.0.0.1:{port}", line_platform.channel_secret)


def test_line_redelivery_to_the_other_instance_is_not_answered_again(scaled, line_platform):
    first, second = (line_sender(scaled, line_platform, p) for p in scaled.rasa_ports)
    user = "U" + uuid.uuid4().hex
    event = text_event(user, "what is uc-msc therapy")
    line_platform.api.reply_token_owner(event["replyToken"], user)
    assert first.send(event).status_code == 200
    assert line_platform.api.wait_for(lambda api: len(api.delivered_to(user)) == 1, 60)
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    assert second.send(again).status_code == 200
    time.sleep(3)  # anything answered twice would arrive by now
    assert len(line_platform.api.delivered_to(user)) == 1


def test_line_events_refused_while_postgresql_is_down_are_answered_once_redelivered(
    scaled, line_platform
):
    webhook = LineWebhookSender(scaled.url, line_platform.channel_secret)
    user = "U" + uuid.uuid4().hex
    event = text_event(user, "what is uc-msc therapy")
    line_platform.api.reply_token_owner(event["replyToken"], user)
    pg_ctl("stop")
    try:
        started = time.monotonic()
        response = webhook.send(event)
        # not stored, so not acknowledged: LINE will redeliver it
        assert response.status_code == 503
        assert time.monotonic() - started < 30
    finally:
        pg_ctl("start")
        assert wait_for(postgres_up)
    time.sleep(2)
    assert line_platform.api.delivered_to(user) == []
    again = {**event, "deliveryContext": {"isRedelivery": True}}

    def redelivered() -> bool:  # the instances' connections come back within a few tries
        return webhook.send(again).status_code == 200

    assert wait_for(redelivered, 60)
    assert line_platform.api.wait_for(lambda api: len(api.delivered_to(user)) == 1, 60)
    assert webhook.send(again).status_code == 200
    time.sleep(3)
    assert len(line_platform.api.delivered_to(user)) == 1


def test_postgresql_restart_fails_cleanly_and_recovers_without_losing_messages(scaled):
    def restart() -> None:
        pg_ctl("stop")
        time.sleep(4)
        started = time.monotonic()
        # while it is down a request gets the apology quickly, it does not hang
        response = say(scaled.url, f"down-{uuid.uuid4().hex[:6]}", "hello", timeout=30)
        assert failure(response.status_code, response.json()) == "apology (service unavailable)"
        assert time.monotonic() - started < 30
        pg_ctl("start")
        assert wait_for(postgres_up)

    result, _ = load_with_fault(scaled.url, restart)
    assert answers_again(scaled.url), "no answers after PostgreSQL came back"
    # every acknowledged message is stored exactly once and in order
    assert check_consistency(DATABASE, result.sent) == []


def test_redis_lock_store_down_gives_clear_errors_and_recovers(scaled):
    sender = f"redis-{uuid.uuid4().hex[:6]}"
    assert say(scaled.url, sender, "hello").status_code == 200
    subprocess.run(
        ["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True, timeout=30
    )
    try:
        assert wait_for(lambda: not redis_up(), 10)
        started = time.monotonic()
        response = say(scaled.url, sender, "what is uc-msc therapy")
        # the patient is told, in their language, instead of getting silence
        assert failure(response.status_code, response.json()) == "apology (service unavailable)"
        assert "Sorry" in response.json()[0]["text"]
        assert time.monotonic() - started < 30
    finally:
        subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
        assert wait_for(redis_up, 30)
    assert answers_again(scaled.url)
    assert say(scaled.url, sender, "what is uc-msc therapy").status_code == 200
    stored = [
        e["text"]
        for e in requests.get(
            f"{scaled.url}/conversations/{sender}/tracker",
            params={"token": scaled.stack.token},
            timeout=30,
        ).json()["events"]
        if e["event"] == "user"
    ]
    # the refused message was never processed, so it is not in the record
    assert stored == ["hello", "what is uc-msc therapy"]
