"""Start and stop the assistant's processes: the action server and the Rasa server.

Used by ``make run`` (ops/run.py) and by the end-to-end tests, so the tests exercise the
same start-up as a person does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Mapping, Optional, Sequence

import requests

from assistant.paths import MODEL_PATH, ROOT, VAR_DIR
from assistant.settings import environment
from ops.config_files import credentials_file, endpoints_file

START_TIMEOUT_SECONDS = 120.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_overrides(tracker_store_url: str, **more: str) -> dict[str, str]:
    """Settings for a stack of its own (tests, benchmarks): free ports, its own tracker store
    and tokens, so that it never meets ``make run`` or another test's servers."""
    action_port = str(free_port())
    return {
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": action_port,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_STORE_URL": tracker_store_url,
        "RASA_API_TOKEN": uuid.uuid4().hex,
        "ACTION_SERVER_TOKEN": uuid.uuid4().hex,
        **more,
    }


@dataclass
class Service:
    """A child process and how to tell that it is ready."""

    name: str
    command: Sequence[str]
    ready_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None

    def start(self, env: Mapping[str, str], log: Optional[IO[bytes]]) -> None:
        self.process = subprocess.Popen(
            list(self.command),
            cwd=ROOT,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,  # its own process group: stop() ends its children too
        )

    def is_ready(self) -> bool:
        try:
            response = requests.get(self.ready_url, headers=self.headers, timeout=2)
        except requests.RequestException:
            return False
        if response.status_code != 200:
            return False
        # Rasa answers /status before a model is loaded; wait for the model.
        return not self.name.startswith("rasa") or bool(response.json().get("model_file"))

    def stop(self, timeout: float = 15.0) -> None:
        if not self.process or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


@dataclass
class Stack:
    """The running assistant: ports, token, processes."""

    env: dict[str, str]
    services: list[Service] = field(default_factory=list)
    log_dir: Optional[Path] = None
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['RASA_PORT']}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ACTION_PORT']}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.env['WEB_PORT']}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.env['CONSOLE_PORT']}"

    @property
    def token(self) -> str:
        return self.env["RASA_API_TOKEN"]

    def start(self, which: Sequence[str] = ("actions", "rasa")) -> float:
        """Starts the services and waits until all are ready; returns the seconds it took."""
        return self.start_services(self._build(which))

    def start_services(self, services: Sequence[Service]) -> float:
        """Starts ``services`` and waits until all are ready; returns the seconds it took."""
        started = time.monotonic()
        for service in services:
            log = None
            if self.log_dir:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                log = open(self.log_dir / f"{service.name}.log", "ab")
                self._logs.append(log)
            service.start(self.env, log)
            self.services.append(service)
        self.wait_ready()
        return time.monotonic() - started

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        for service in self.services:
            while not service.is_ready():
                if service.process and service.process.poll() is not None:
                    raise RuntimeError(
                        f"{service.name} exited with {service.process.returncode}{self._log_hint(service)}"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{service.name} not ready after {timeout:.0f} s{self._log_hint(service)}"
                    )
                time.sleep(0.25)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        for log in self._logs:
            log.close()
        self.services.clear()
        self._logs.clear()

    def _log_hint(self, service: Service) -> str:
        return f" (log: {self.log_dir / (service.name + '.log')})" if self.log_dir else ""

    def _build(self, which: Sequence[str]) -> list[Service]:
        python = sys.executable
        catalogue = {
            "actions": Service(
                "actions",
                [
                    python,
                    "-m",
                    "rasa_sdk",
                    "--actions",
                    "actions",
                    "--port",
                    self.env["ACTION_PORT"],
                ],
                f"{self.action_url}/health",
            ),
            "rasa": self.rasa_service("rasa", self.env["RASA_PORT"]),
            # The demo clinic pages and the chat widget's files (web/serve.py).
            "web": Service(
                "web", [python, "-m", "web.serve"], f"{self.web_url}/widget/config.json"
            ),
            # The staff console (Django): migrates, refreshes its index, then serves.
            "console": Service(
                "console", [python, "-m", "console.serve"], f"{self.console_url}/login/"
            ),
        }
        return [catalogue[name] for name in which]

    def rasa_service(self, name: str, port: str, module: str = "rasa_extensions") -> Service:
        """A ``rasa run`` process on ``port`` (several of them at scale).

        ``module`` is ``rasa_extensions`` (Rasa with our changes, see there) or ``rasa`` (stock).
        """
        return Service(
            name,
            [
                sys.executable,
                "-m",
                module,
                "run",
                "--model",
                self.env.get("RASA_MODEL", str(MODEL_PATH)),
                "--endpoints",
                endpoints_file(self.env),
                "--credentials",
                credentials_file(self.env),
                "--port",
                port,
                "--enable-api",
                # One argument: a token may start with "-" (secrets.token_urlsafe does one
                # time in 64), which argparse would take for an option.
                f"--auth-token={self.token}",
                "--cors",
                *self.env["CORS_ORIGINS"].split(),
            ],
            f"http://127.0.0.1:{port}/status?token={self.token}",
        )


def make_stack(
    overrides: Optional[Mapping[str, str]] = None, log_dir: Optional[Path] = None
) -> Stack:
    """A stack configured from the environment (plus ``overrides``)."""
    VAR_DIR.mkdir(exist_ok=True)
    return Stack(env=environment(overrides), log_dir=log_dir)
