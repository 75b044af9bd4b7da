"""Django settings for tests/console: the console's settings with test databases.

``CONSOLE_TEST_DB=postgresql`` runs the same tests against the PostgreSQL server at
``CONSOLE_TEST_PG_URL`` (default 127.0.0.1:5432, user postgres), in uniquely named
databases that Django creates and drops (``test_postgresql.py`` does this).
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("CONSOLE_SECRET_KEY", "tests-only-not-a-secret")

from console.database_url import database_from_url  # noqa: E402
from console.settings import *  # noqa: E402,F401,F403

PG_URL = os.environ.get("CONSOLE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

if os.environ.get("CONSOLE_TEST_DB") == "postgresql":
    _suffix = os.environ.get("CONSOLE_TEST_DB_SUFFIX") or uuid.uuid4().hex[:8]
    DATABASES = {
        alias: {
            **database_from_url(PG_URL),
            "CONN_MAX_AGE": 0,
            "TEST": {"NAME": f"test_console_{alias}_{_suffix}"},
        }
        for alias in ("default", "tracker")
    }
else:
    DATABASES = {
        alias: {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
        }
        for alias in ("default", "tracker")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
RASA_URL = "http://127.0.0.1:9"  # tests that talk to Rasa set their own
RASA_API_TOKEN = "test-token"
LOGIN_FAILURES = 3
