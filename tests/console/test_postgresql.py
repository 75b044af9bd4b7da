"""The same console tests against the PostgreSQL server on the machine (CI has one).

Runs tests/console in a child pytest with ``CONSOLE_TEST_DB=postgresql``: Django creates
uniquely named test databases for our tables and for the tracker store, and drops them.
"""

import os
import subprocess
import sys
import uuid

import pytest

from assistant.paths import ROOT
from tests.console.settings import PG_URL

pytestmark = pytest.mark.slow


def postgresql_reachable() -> str:
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        psycopg2.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            connect_timeout=3,
        ).close()
    except psycopg2.Error as error:
        return str(error).strip() or type(error).__name__
    return ""


@pytest.mark.skipif(
    os.environ.get("CONSOLE_TEST_DB") == "postgresql", reason="already the PostgreSQL run"
)
def test_console_tests_pass_on_postgresql():
    problem = postgresql_reachable()
    if problem:
        pytest.skip(f"no PostgreSQL at {PG_URL}: {problem}")
    env = {
        **os.environ,
        "CONSOLE_TEST_DB": "postgresql",
        "CONSOLE_TEST_DB_SUFFIX": uuid.uuid4().hex[:10],
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/console",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not e2e",
            "--create-db",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
