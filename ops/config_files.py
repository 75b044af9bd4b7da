"""The configuration files Rasa starts with: base files plus the optional sections switched on.

``credentials.yml`` holds the channel that always runs (socketio); when ``REST_CHANNEL``
is on, the REST section (``channels/rest/credentials.yml``) is added, and when
``LINE_CHANNEL_SECRET`` is set, the LINE section (``channels/line/credentials.yml``). ``endpoints.yml`` holds the action server, tracker store and lock store; when
``EVENT_BROKER_URL`` is set, the event broker section (``ops/event_broker.yml``) is added.
A YAML file cannot hold an optional section whose presence depends on a ``${VAR}``, so the
effective file is the base plus the sections, written under ``var/``. Secrets stay in the
environment: every file only names variables, which Rasa expands when it reads the file.
``RASA_CREDENTIALS`` / ``RASA_ENDPOINTS`` name files of your own instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from assistant.paths import ROOT, VAR_DIR

CREDENTIALS = ROOT / "credentials.yml"
LINE_SECTION = ROOT / "channels" / "line" / "credentials.yml"
REST_SECTION = ROOT / "channels" / "rest" / "credentials.yml"
ENDPOINTS = ROOT / "endpoints.yml"
EVENT_BROKER_SECTION = ROOT / "ops" / "event_broker.yml"


def effective_file(base: Path, sections: Sequence[Path], name: str) -> str:
    """``base`` when no section is switched on, else ``base`` + ``sections`` as ``var/<name>``."""
    if not sections:
        return str(base)
    parts = [base.read_text(encoding="utf-8").rstrip()] + [
        s.read_text(encoding="utf-8").rstrip() for s in sections
    ]
    VAR_DIR.mkdir(exist_ok=True)
    target = VAR_DIR / name
    # Written atomically: stacks started side by side (tests) write the same text.
    with tempfile.NamedTemporaryFile("w", dir=VAR_DIR, delete=False, encoding="utf-8") as handle:
        handle.write("\n\n".join(parts) + "\n")
    os.replace(handle.name, target)
    return str(target)


def rest_channel_on(env: Mapping[str, str]) -> bool:
    return env.get("REST_CHANNEL", "").strip().lower() in {"1", "true", "yes", "on"}


def credentials_file(env: Mapping[str, str]) -> str:
    """The credentials file for ``rasa run --credentials``: REST on when ``REST_CHANNEL`` says
    so, LINE when its secret is set."""
    if env.get("RASA_CREDENTIALS"):
        return env["RASA_CREDENTIALS"]
    sections = [REST_SECTION] if rest_channel_on(env) else []
    sections += [LINE_SECTION] if env.get("LINE_CHANNEL_SECRET") else []
    # One file per combination of sections: stacks started side by side with other
    # channels switched on (tests) never overwrite each other's file.
    switched_on = "+".join(section.parent.name for section in sections)
    return effective_file(CREDENTIALS, sections, f"credentials.effective.{switched_on}.yml")


def endpoints_file(env: Mapping[str, str]) -> str:
    """The endpoints file for ``rasa run --endpoints``: the event broker on when its URL is set."""
    if env.get("RASA_ENDPOINTS"):
        return env["RASA_ENDPOINTS"]
    sections = [EVENT_BROKER_SECTION] if env.get("EVENT_BROKER_URL") else []
    return effective_file(ENDPOINTS, sections, "endpoints.effective.yml")
