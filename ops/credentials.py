"""Which credentials file Rasa starts with: the LINE channel is on when its secret is set.

``credentials.yml`` holds the channels that always run (rest, socketio). When
``LINE_CHANNEL_SECRET`` is set, the effective file is ``credentials.yml`` plus the LINE
section (``channels/line/credentials.yml``), written under ``var/``. Secrets stay in the
environment: both files only name variables, which Rasa expands when it reads the file.
``RASA_CREDENTIALS`` names a file of your own instead.
"""
from __future__ import annotations

import os
import tempfile
from typing import Mapping

from ops.settings import ROOT, VAR_DIR

BASE = ROOT / "credentials.yml"
LINE_SECTION = ROOT / "channels" / "line" / "credentials.yml"
EFFECTIVE = VAR_DIR / "credentials.effective.yml"


def credentials_file(env: Mapping[str, str]) -> str:
    """The credentials file for ``rasa run --credentials``."""
    if env.get("RASA_CREDENTIALS"):
        return env["RASA_CREDENTIALS"]
    if not env.get("LINE_CHANNEL_SECRET"):
        return str(BASE)
    text = BASE.read_text(encoding="utf-8").rstrip() + "\n\n" + LINE_SECTION.read_text(encoding="utf-8")
    VAR_DIR.mkdir(exist_ok=True)
    # Written atomically: stacks started side by side (tests) write the same text.
    with tempfile.NamedTemporaryFile("w", dir=VAR_DIR, delete=False, encoding="utf-8") as handle:
        handle.write(text)
    os.replace(handle.name, EFFECTIVE)
    return str(EFFECTIVE)
