"""``make scaled``: the production topology on one machine.

Several ``rasa run`` instances behind nginx, a PostgreSQL tracker store and a Redis lock
store shared by all of them, the action server with several worker processes, and the
staff console (its tables on PostgreSQL too): Rasa's own scaling model. The same
endpoints.yml as the embedded default; only the environment differs (see
``scaled_overrides``). Ctrl-C stops everything it started.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from assistant.paths import ROOT, VAR_DIR
from assistant.settings import configured, ensure_server_secrets, environment
from ops.stack import Service, Stack, make_stack
from ops.train import train

TEMPLATE = ROOT / "ops" / "templates" / "nginx.conf"


def scaled_overrides(
    env: Mapping[str, str], explicit: Optional[Mapping[str, str]] = None
) -> dict[str, str]:
    """What turns the embedded settings into the scaled ones (``explicit``: the settings set
    by hand, which keep the REST channel on when they say so)."""
    return {
        # Production: no REST channel unless switched on (docs/security.md).
        "REST_CHANNEL": (explicit or {}).get("REST_CHANNEL", "off"),
        "TRACKER_STORE_DIALECT": "postgresql",
        "TRACKER_STORE_URL": env["SCALED_TRACKER_STORE_URL"],
        "LOCK_STORE_TYPE": "redis",
        # socket.io rooms shared by the instances: staff replies reach any patient's socket.
        "SOCKETIO_REDIS_URL": env.get("SOCKETIO_REDIS_URL")
        or f"redis://{env['LOCK_STORE_HOST']}:{env['LOCK_STORE_PORT']}/{int(env['LOCK_STORE_DB']) + 1}",
        "ACTION_SERVER_SANIC_WORKERS": env["SCALED_ACTION_WORKERS"],
        # The staff console: its own tables on PostgreSQL too, Rasa's API through nginx.
        "CONSOLE_DATABASE_URL": env["SCALED_CONSOLE_DATABASE_URL"],
        "CONSOLE_RASA_URL": f"http://127.0.0.1:{env['PUBLIC_PORT']}",
        # Rasa's own Sanic workers stay at 1: we scale with processes behind nginx.
        "SANIC_WORKERS": "1",
    }


def event_broker_summary(env: Mapping[str, str]) -> str:
    """Where events are published, without the password (EVENT_BROKER_URL)."""
    if not env.get("EVENT_BROKER_URL"):
        return "none (EVENT_BROKER_URL empty)"
    parsed = urlsplit(env["EVENT_BROKER_URL"])
    host = f"{parsed.hostname}:{parsed.port or env['EVENT_BROKER_PORT']}"
    return f"RabbitMQ {parsed.scheme}://{host}, queue {env['EVENT_BROKER_QUEUE']}"


def ensure_database(url: str) -> None:
    """Creates the tracker store's PostgreSQL database when it does not exist yet."""
    parsed = make_url(url)
    connection = psycopg2.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database)))
    connection.close()


def render_nginx(run_dir: Path, public_port: str, rasa_ports: list[str]) -> Path:
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in rasa_ports
    )
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    path = run_dir / "nginx.conf"
    path.write_text(
        TEMPLATE.read_text().format(run_dir=run_dir, public_port=public_port, servers=servers)
    )
    return path


class ScaledStack:
    """The scaled topology: action server, N Rasa instances, nginx in front."""

    def __init__(
        self,
        overrides: Optional[Mapping[str, str]] = None,
        log_dir: Optional[Path] = None,
        run_dir: Optional[Path] = None,
        rasa_ports: Optional[list[str]] = None,
    ) -> None:
        base = environment(overrides)
        self.stack: Stack = make_stack(
            {**scaled_overrides(base, configured(overrides)), **(overrides or {})},
            log_dir=log_dir,
        )
        self.run_dir = run_dir or VAR_DIR / "scaled"
        instances = int(self.stack.env["RASA_INSTANCES"])
        first = int(self.stack.env["RASA_PORT"])
        self.rasa_ports = rasa_ports or [str(first + i) for i in range(instances)]

    @property
    def env(self) -> dict[str, str]:
        return self.stack.env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PUBLIC_PORT']}"

    def rasa_services(self) -> list[Service]:
        return [s for s in self.stack.services if s.name.startswith("rasa")]

    def start(self, with_console: bool = True) -> float:
        ensure_database(self.env["TRACKER_STORE_URL"])
        if with_console:
            ensure_database(self.env["CONSOLE_DATABASE_URL"])
        conf = render_nginx(self.run_dir, self.env["PUBLIC_PORT"], self.rasa_ports)
        services = self.stack._build(["actions", "console"] if with_console else ["actions"]) + [
            self.stack.rasa_service(f"rasa-{i + 1}", port) for i, port in enumerate(self.rasa_ports)
        ]
        services.append(
            Service(
                "nginx",
                ["nginx", "-c", str(conf), "-p", str(self.run_dir)],
                f"{self.url}/status?token={self.stack.token}",
            )
        )
        return self.stack.start_services(services)

    def stop(self) -> None:
        self.stack.stop()


def main() -> int:
    for note in ensure_server_secrets():
        print(note)
    train()
    scaled = ScaledStack(log_dir=VAR_DIR / "logs" / "scaled")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        seconds = scaled.start()
        print(
            f"\nScaled topology ready in {seconds:.1f} s:\n"
            f"  public (nginx):  {scaled.url}  (socket.io, LINE webhook, HTTP API; REST "
            f"{scaled.env['REST_CHANNEL']}: REST_CHANNEL=on switches it on)\n"
            f"  rasa instances:  {', '.join('127.0.0.1:' + p for p in scaled.rasa_ports)}\n"
            f"  action server:   {scaled.stack.action_url} ({scaled.env['ACTION_SERVER_SANIC_WORKERS']} workers)\n"
            f"  staff console:   {scaled.stack.console_url}/ (tables on {make_url(scaled.env['CONSOLE_DATABASE_URL']).render_as_string(hide_password=True)})\n"
            f"  tracker store:   {make_url(scaled.env['TRACKER_STORE_URL']).render_as_string(hide_password=True)}\n"
            f"  lock store:      redis://{scaled.env['LOCK_STORE_HOST']}:{scaled.env['LOCK_STORE_PORT']}/{scaled.env['LOCK_STORE_DB']}\n"
            f"  event broker:    {event_broker_summary(scaled.env)}\n"
            "Press Ctrl-C to stop."
        )
        while all(s.process and s.process.poll() is None for s in scaled.stack.services):
            time.sleep(1)
        print("A process stopped; see the logs.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    finally:
        scaled.stop()


if __name__ == "__main__":
    sys.exit(main())
