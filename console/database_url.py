"""Django database settings from the SQLAlchemy-style URLs the rest of the project uses.

``TRACKER_STORE_URL`` is written for Rasa (SQLAlchemy); the console reads the same value,
so one setting names the tracker store for both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ops.settings import ROOT


def database_from_url(url: str) -> dict[str, Any]:
    """``sqlite:///var/x.db`` or ``postgresql://user:pw@host:5432/db`` -> ``DATABASES`` entry.

    >>> database_from_url("postgresql://postgres@127.0.0.1:5432/rasa")["NAME"]
    'rasa'
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = Path(parsed.database or ":memory:")
        name = str(path if path.is_absolute() or str(path) == ":memory:" else ROOT / path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Rasa writes to the same file: wait for its lock instead of failing at once;
            # IMMEDIATE makes writers queue up front (the index refresh relies on it).
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    if backend == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.database,
            "USER": parsed.username or "",
            "PASSWORD": parsed.password or "",
            "HOST": parsed.host or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"unsupported database URL (sqlite or postgresql): {parsed.drivername}")
