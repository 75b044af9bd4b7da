"""The event broker section is in the endpoints file exactly when EVENT_BROKER_URL is set."""

from __future__ import annotations

import yaml

from assistant.settings import environment
from ops.config_files import endpoints_file


def test_without_a_broker_url_the_plain_endpoints_file():
    path = endpoints_file({"EVENT_BROKER_URL": ""})
    assert path.endswith("endpoints.yml")
    assert "event_broker" not in yaml.safe_load(open(path))


def test_with_a_broker_url_the_pika_section_is_added_and_names_only_variables():
    path = endpoints_file({"EVENT_BROKER_URL": "amqp://user:pa55word@mq:5673"})
    text = open(path).read()
    data = yaml.safe_load(text)
    assert {"action_endpoint", "tracker_store", "lock_store", "event_broker"} <= set(data)
    assert data["event_broker"]["type"] == "pika"
    assert data["event_broker"]["queues"] == ["${EVENT_BROKER_QUEUE}"]
    assert "pa55word" not in text


def test_the_broker_parts_come_from_the_url():
    env = environment({"EVENT_BROKER_URL": "amqp://user:pa55word@mq:5673"})
    assert (
        env["EVENT_BROKER_USERNAME"],
        env["EVENT_BROKER_PASSWORD"],
        env["EVENT_BROKER_PORT"],
    ) == (
        "user",
        "pa55word",
        "5673",
    )
    plain = environment({"EVENT_BROKER_URL": "amqp://127.0.0.1"})
    assert (plain["EVENT_BROKER_USERNAME"], plain["EVENT_BROKER_PORT"]) == ("guest", "5672")


def test_an_explicit_endpoints_file_wins():
    assert (
        endpoints_file({"EVENT_BROKER_URL": "amqp://x", "RASA_ENDPOINTS": "/etc/mine.yml"})
        == "/etc/mine.yml"
    )


def test_the_action_endpoint_sends_the_shared_token():
    data = yaml.safe_load(open(endpoints_file({"EVENT_BROKER_URL": ""})))
    assert data["action_endpoint"]["token"] == "${ACTION_SERVER_TOKEN}"


def test_production_topology_has_no_rest_channel_unless_switched_on():
    from ops.scaled import scaled_overrides

    env = environment({})
    assert env["REST_CHANNEL"] == "on"  # the embedded default: tests, tools
    assert scaled_overrides(env)["REST_CHANNEL"] == "off"
    assert scaled_overrides(env, {"REST_CHANNEL": "on"})["REST_CHANNEL"] == "on"
