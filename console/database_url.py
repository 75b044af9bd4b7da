"""Django ``DATABASES`` entries from the SQLAlchemy-style URLs the rest of the project uses.

``TRACKER_STORE_URL`` is written for Rasa (SQLAlchemy); the console reads the same value,
so one setting names the tracker store for both. ``dj-database-url`` parses the URL; this
adds what the console needs on top: a relative SQLite path is taken from the project's
folder, and SQLite waits for Rasa's write lock instead of failing at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from assistant.paths import ROOT


def database_from_url(url: str) -> dict[str, Any]:
    """``sqlite:///var/x.db`` or ``postgresql://user:pw@host:5432/db`` -> ``DATABASES`` entry.

    >>> database_from_url("postgresql://postgres@127.0.0.1:5432/rasa")["NAME"]
    'rasa'
    >>> database_from_url("sqlite:///var/x.db")["NAME"] == str(ROOT / "var" / "x.db")
    True
    """
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        path = Path(config["NAME"])
        if str(path) != ":memory:" and not path.is_absolute():
            config["NAME"] = str(ROOT / path)
        config["CONN_MAX_AGE"] = 0
        # Rasa writes to the same file: wait for its lock instead of failing at once;
        # IMMEDIATE makes writers queue up front (the index refresh relies on it).
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    elif engine != "django.db.backends.postgresql":
        raise ValueError(f"unsupported database URL (sqlite or postgresql): {url.split(':', 1)[0]}")
    return config
