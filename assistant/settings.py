"""The one configuration of every process: defaults in one place, read typed.

Precedence: the process environment, then the untracked ``.env`` file, then the defaults
below. ``environment()`` gives the whole configuration as strings (what child processes
and Rasa's ``${VARIABLE}`` expansion need); ``settings()`` gives the same values typed,
for code to read. The README's configuration table lists every variable.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional
from urllib.parse import urlsplit

from dotenv import dotenv_values

from assistant.paths import ROOT, VAR_DIR

ENV_FILE = ROOT / ".env"


def defaults(values: Mapping[str, str]) -> dict[str, str]:
    """Default settings; some derive from others (ports -> URLs)."""
    action_port = values.get("ACTION_PORT", "5055")
    rasa_port = values.get("RASA_PORT", "5005")
    web_port = values.get("WEB_PORT", "8080")
    broker = urlsplit(values.get("EVENT_BROKER_URL") or "amqp://127.0.0.1")
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_PORT": rasa_port,
        "ACTION_PORT": action_port,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        # The action server's listening address: loopback unless it runs on its own machine
        # (then a private interface; docs/security.md).
        "ACTION_HOST": "127.0.0.1",
        # Shared secret Rasa sends with every action call (endpoints.yml); generated into
        # .env by `make run` / `make scaled`. Empty: the action server refuses to start.
        "ACTION_SERVER_TOKEN": "",
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_URL": f"sqlite:///{VAR_DIR / 'tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "1",
        # Browser origins allowed to call Rasa (socket.io widget, HTTP API): the demo page.
        "CORS_ORIGINS": f"http://localhost:{web_port} http://127.0.0.1:{web_port}",
        "WEB_PORT": web_port,  # demo page + widget files (web/serve.py)
        "WEB_HOST": "127.0.0.1",
        # Where browsers reach Rasa's socket.io endpoint (the widget's socket URL).
        "RASA_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
        # Several Rasa instances: share socket.io rooms through Redis (empty: one process).
        "SOCKETIO_REDIS_URL": "",
        # The REST channel (tests, tools): on here, off in `make scaled` and production unless
        # switched on; with a token, callers must send `Authorization: Bearer <token>`.
        "REST_CHANNEL": "on",
        "REST_CHANNEL_TOKEN": "",
        "RETENTION_DAYS": "365",
        "MAX_MESSAGE_CHARS": "2000",
        "STAFF_WEBHOOK_URL": "",
        "STAFF_WEBHOOK_TOKEN": "",
        # Event broker (RabbitMQ, Rasa's pika broker): off when empty, e.g.
        # amqp://guest:guest@127.0.0.1:5672. Rasa's broker wants the parts separately.
        "EVENT_BROKER_URL": "",
        "EVENT_BROKER_QUEUE": "rasa_events",
        "EVENT_BROKER_USERNAME": broker.username or "guest",
        "EVENT_BROKER_PASSWORD": broker.password or "guest",
        "EVENT_BROKER_PORT": str(broker.port or 5672),
        # The scaled topology (`make scaled`, ops/scaled.py); see the README.
        "RASA_INSTANCES": "2",
        "PUBLIC_PORT": "8088",
        "SCALED_TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/rasa",
        "SCALED_ACTION_WORKERS": "2",
        "SCALED_CONSOLE_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/console",
        # LINE channel (channels/line): on when LINE_CHANNEL_SECRET is set.
        "LINE_CHANNEL_SECRET": "",
        "LINE_CHANNEL_ACCESS_TOKEN": "",
        "LINE_API_BASE_URL": "https://api.line.me",
        "LINE_LOADING_AFTER_SECONDS": "0.5",
        "LINE_STAFF_TO": "",
        "LINE_STAFF_LANGUAGE": "th",
        "LINE_STAFF_ALERT_SUMMARY": "true",
        # The console's loop sending day-before booking reminders by LINE (0: off).
        "BOOKING_REMINDER_SECONDS": "60",
        # Stored LINE events (channels/line/event_store.py): a worker's lease on the event
        # it answers, and how long answered events' ids are kept to recognise redeliveries.
        "LINE_EVENT_LEASE_SECONDS": "10",
        "LINE_EVENT_RETENTION_DAYS": "7",
        # Staff console (console/, Django); see "For clinic staff" in the README.
        "CONSOLE_PORT": values.get("CONSOLE_PORT", "8000"),
        "CONSOLE_HOST": "127.0.0.1",
        "CONSOLE_DATABASE_URL": f"sqlite:///{VAR_DIR / 'console.db'}",
        "CONSOLE_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "CONSOLE_PRODUCTION": "false",  # true: HTTPS-only cookies, HSTS, SSL redirect
        "CONSOLE_DEBUG": "false",  # Django's DEBUG (never on with CONSOLE_PRODUCTION)
        "CONSOLE_ALLOWED_HOSTS": "localhost 127.0.0.1 [::1]",
        "CONSOLE_CSRF_TRUSTED_ORIGINS": "",
        "CONSOLE_TIME_ZONE": "Asia/Bangkok",
        "CONSOLE_LOGIN_FAILURES": "5",  # failed sign-ins per account or address ...
        "CONSOLE_LOGIN_WINDOW_SECONDS": "900",  # ... within this window lock it out
        "CONSOLE_QUEUE_REFRESH_SECONDS": "10",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def configured(overrides: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The settings set explicitly (``.env``, the process environment, ``overrides``)."""
    values: dict[str, str] = {}
    if ENV_FILE.exists():
        values.update({k: v for k, v in dotenv_values(ENV_FILE).items() if v is not None})
    values.update(os.environ)
    values.update(overrides or {})
    return values


def environment(overrides: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The full environment for a child process."""
    values = configured(overrides)
    return {**defaults(values), **values}


def ensure_secret(name: str) -> Optional[str]:
    """Creates the secret ``name`` in ``.env`` when none is set; returns a note to print."""
    if environment().get(name):
        return None
    value = secrets.token_urlsafe(32)
    with open(ENV_FILE, "a", encoding="utf-8") as handle:
        handle.write(f"{name}={value}\n")
    os.chmod(ENV_FILE, 0o600)
    return f"{name} was not set: generated one into {ENV_FILE} (untracked)."


def ensure_api_token() -> Optional[str]:
    """Creates ``RASA_API_TOKEN`` in ``.env`` when none is set; returns a note to print."""
    return ensure_secret("RASA_API_TOKEN")


def ensure_server_secrets() -> list[str]:
    """Creates the secrets Rasa and the action server share, when missing; notes to print."""
    notes = (ensure_api_token(), ensure_secret("ACTION_SERVER_TOKEN"))
    return [note for note in notes if note]


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """The configuration, typed: the values code reads (``environment()`` holds them all)."""

    env: Mapping[str, str]

    @classmethod
    def load(cls, overrides: Optional[Mapping[str, str]] = None) -> "Settings":
        """Read now (start-up code, tests); ``settings()`` is the cached copy for hot paths."""
        return cls(environment(overrides))

    @property
    def max_message_chars(self) -> int:
        """Longer patient messages get the polite "please shorten" answer."""
        return int(self.env["MAX_MESSAGE_CHARS"])

    @property
    def retention_days(self) -> int:
        """How long conversations are kept (quoted in the privacy notice)."""
        return int(self.env["RETENTION_DAYS"])

    @property
    def line_event_retention_days(self) -> int:
        """How long answered LINE events' ids (no message) are kept to spot redeliveries."""
        return int(self.env["LINE_EVENT_RETENTION_DAYS"])

    @property
    def rasa_public_url(self) -> str:
        return self.env["RASA_PUBLIC_URL"]

    @property
    def line_staff_alert_summary(self) -> bool:
        return _flag(self.env["LINE_STAFF_ALERT_SUMMARY"])

    @property
    def console_production(self) -> bool:
        return _flag(self.env["CONSOLE_PRODUCTION"])

    @property
    def console_debug(self) -> bool:
        return _flag(self.env["CONSOLE_DEBUG"])

    def integer(self, name: str) -> int:
        """Any numeric setting by name (``CONSOLE_LOGIN_FAILURES``)."""
        return int(self.env[name])

    def words(self, name: str) -> list[str]:
        """A space-separated setting as a list (``CORS_ORIGINS``)."""
        return self.env[name].split()


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process's configuration (read once; a process sees one configuration)."""
    return Settings.load()
