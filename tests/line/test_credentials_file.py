"""The LINE channel is on exactly when LINE_CHANNEL_SECRET is set."""

from __future__ import annotations

import yaml

from ops.config_files import credentials_file


def test_without_secret_the_plain_credentials_file():
    path = credentials_file({"LINE_CHANNEL_SECRET": "", "REST_CHANNEL": "off"})
    assert path.endswith("credentials.yml")
    assert "channels.line.channel.LineInput" not in yaml.safe_load(open(path))


def test_the_rest_channel_is_on_exactly_when_rest_channel_says_so():
    on = yaml.safe_load(open(credentials_file({"REST_CHANNEL": "on"})))
    assert on["channels.rest.channel.RestInput"] == {"token": "${REST_CHANNEL_TOKEN}"}
    for off in ("off", "false", ""):
        data = yaml.safe_load(open(credentials_file({"REST_CHANNEL": off})))
        assert "channels.rest.channel.RestInput" not in data and "rest" not in data


def test_with_secret_the_line_section_is_added_and_names_only_variables():
    path = credentials_file({"LINE_CHANNEL_SECRET": "s3cret-value", "REST_CHANNEL": "on"})
    text = open(path).read()
    data = yaml.safe_load(text)
    assert {
        "channels.rest.channel.RestInput",
        "channels.web.socketio_channel.WebSocketIOInput",
        "channels.line.channel.LineInput",
    } <= set(data)
    assert data["channels.line.channel.LineInput"]["channel_secret"] == "${LINE_CHANNEL_SECRET}"
    assert "s3cret-value" not in text


def test_an_explicit_credentials_file_wins():
    assert (
        credentials_file({"LINE_CHANNEL_SECRET": "x", "RASA_CREDENTIALS": "/etc/mine.yml"})
        == "/etc/mine.yml"
    )


def test_the_channel_refuses_to_start_without_a_secret():
    import pytest
    from rasa.shared.exceptions import RasaException

    from channels.line.channel import LOADING_AFTER_SECONDS, LineInput

    with pytest.raises(RasaException):
        LineInput.from_credentials({"channel_secret": "", "channel_access_token": "t"})
    channel = LineInput.from_credentials(
        {
            "channel_secret": "s",
            "channel_access_token": "t",
            "api_base_url": "",
            "loading_after_seconds": "",
        }
    )
    assert channel.name() == "line" and channel.client.base_url == "https://api.line.me"
    assert channel.loading_after_seconds == LOADING_AFTER_SECONDS
