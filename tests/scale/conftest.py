"""The scaled topology against the machine's real PostgreSQL, Redis and nginx.

These tests stop and restart those services (the commands are the machine's own, see the
README), so they skip cleanly where the services or the rights to restart them are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import redis

from bench.compare import fresh_database, line_overrides
from bench.load import LinePlatform
from ops.scaled import ScaledStack
from ops.stack import free_port, private_overrides
from tests.e2e.conftest import ARTIFACTS
from tests.trained_model import require_trained_model

DATABASE = "postgresql://postgres@127.0.0.1:5432/rasa_faults"
CONSOLE_DATABASE = "postgresql://postgres@127.0.0.1:5432/rasa_faults_console"
PG_CLUSTER = sorted(os.listdir("/etc/postgresql"))[-1] if os.path.isdir("/etc/postgresql") else ""
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def postgres_up() -> bool:
    try:
        psycopg2.connect(
            host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=2
        ).close()
        return True
    except psycopg2.OperationalError:
        return False


def redis_up() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def pg_ctl(command: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_CLUSTER, "main", command],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def line_platform():
    """The fake LINE API the scaled instances reply to (LINE load in the fault tests)."""
    with LinePlatform(uuid.uuid4().hex, uuid.uuid4().hex) as platform:
        yield platform


@pytest.fixture(scope="session")
def scaled(tmp_path_factory, line_platform):
    missing = [
        name
        for name, ok in (
            ("PostgreSQL on 127.0.0.1:5432", postgres_up()),
            ("Redis on 127.0.0.1:6379", redis_up()),
            ("nginx", shutil.which("nginx")),
        )
        if not ok
    ]
    if missing:
        pytest.skip("scaled topology needs " + ", ".join(missing))
    require_trained_model()
    fresh_database(DATABASE)
    fresh_database(CONSOLE_DATABASE)
    topology = ScaledStack(
        private_overrides(
            DATABASE,
            SCALED_TRACKER_STORE_URL=DATABASE,
            SCALED_CONSOLE_DATABASE_URL=CONSOLE_DATABASE,
            PUBLIC_PORT=str(free_port()),
            CONSOLE_PORT=str(free_port()),
            CONSOLE_SECRET_KEY=uuid.uuid4().hex,
            REST_CHANNEL="on",  # off in production unless switched on; the fault tests use it
            **line_overrides(line_platform),
        ),
        log_dir=ARTIFACTS / "logs" / "scaled",
        run_dir=Path(tmp_path_factory.mktemp("nginx")),
        rasa_ports=[str(free_port()), str(free_port())],
    )
    try:
        topology.start()
        yield topology
    finally:
        topology.stop()
        # leave the machine's services running, whatever a test did
        if PG_CLUSTER and not postgres_up():
            pg_ctl("start")
        if not redis_up():
            subprocess.run(REDIS_START, check=False)
