"""``make bench``: our configuration, the scaled topology and Rasa's defaults, side by side.

    python -m bench.compare [--patients 80] [--concurrency 20] [--skip-default]

(a) embedded: one Rasa process with our pipeline (SQLite tracker, in-memory lock store);
(b) scaled:   the same model on ``RASA_INSTANCES`` Rasa processes behind nginx, PostgreSQL
              tracker store, Redis lock store (ops/scaled.py);
(c) default:  one stock ``rasa run`` process with the model trained from Rasa's default
              configuration (bench/rasa_default_config.yml: only our tokenizer swapped in).

For each: held-out NLU accuracy per language, start-up time, sequential median reply time,
then simulated patients at a fixed concurrency (bench/load.py: p50/p95/p99, throughput,
errors and the tracker-store consistency check), and memory per process. The last line
reads ``throughput ratio ours/default: X.XX`` ((a) over (c): same topology, different
configuration). Not part of the test suite; it starts and stops everything it needs.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import psycopg2
import requests
from sqlalchemy.engine import make_url

from bench.load import LoadResult, check_consistency, run_load
from bench.patients import QUESTIONS, patients
from ops.nlu_eval import evaluate
from ops.scaled import ScaledStack, ensure_database
from ops.settings import MODEL_PATH, ROOT
from ops.stack import Service, Stack, free_port, make_stack
from ops.train import train

DEFAULT_MODEL = ROOT / "models" / "rasa-default.tar.gz"
DEFAULT_CONFIG = "bench/rasa_default_config.yml"
BENCH_DATABASE = "postgresql://postgres@127.0.0.1:5432/rasa_bench"


@dataclass
class Row:
    """One configuration's figures."""

    name: str
    accuracy: dict[str, float] = field(default_factory=dict)
    ready_s: float = 0.0
    sequential_p50_ms: float = 0.0
    load: Optional[LoadResult] = None
    consistency_problems: int = 0
    memory_mb: dict[str, float] = field(default_factory=dict)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS:"))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pids.extend(int(c) for c in children)
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total / 1024


def sequential_median_ms(url: str, count: int = 30) -> float:
    """Median time of knowledge answers sent one after another (one conversation per language)."""
    times = []
    questions = [q for pair in zip(QUESTIONS["en"], QUESTIONS["th"]) for q in pair]
    sender = f"seq-{uuid.uuid4().hex[:8]}"
    requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": "hello"}, timeout=60)
    for index in range(count):
        started = time.perf_counter()
        response = requests.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": f"{sender}-{index % 2}", "message": questions[index % len(questions)]},
            timeout=60,
        )
        response.raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(row: Row, url: str, tracker_url: str, services: list[Service], args: argparse.Namespace) -> Row:
    row.sequential_p50_ms = sequential_median_ms(url)
    crowd = patients(args.patients, run_id=f"bench-{uuid.uuid4().hex[:6]}")
    row.load = asyncio.run(run_load(url, crowd, args.concurrency))
    row.consistency_problems = len(check_consistency(tracker_url, row.load.sent))
    row.memory_mb = {s.name: rss_mb(s.process.pid) for s in services if s.process}
    return row


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    connection = psycopg2.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parsed.database}"')
    connection.close()
    ensure_database(url)


def embedded_overrides(tmp: Path, model: Path) -> dict[str, str]:
    action_port = str(free_port())
    return {
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": action_port,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_STORE_URL": f"sqlite:///{tmp / (model.stem + '-tracker.db')}",
        "RASA_API_TOKEN": uuid.uuid4().hex,
        "RASA_MODEL": str(model),
    }


def run_embedded(name: str, model: Path, module: str, tmp: Path, args: argparse.Namespace) -> Row:
    row = Row(name, accuracy={r.language: r.accuracy for r in evaluate(model, "heldout")})
    stack: Stack = make_stack(embedded_overrides(tmp, model), log_dir=tmp / f"logs-{model.stem}")
    try:
        row.ready_s = stack.start_services(
            stack._build(["actions"]) + [stack.rasa_service("rasa", stack.env["RASA_PORT"], module=module)]
        )
        return measure(row, stack.rasa_url, stack.env["TRACKER_STORE_URL"], stack.services, args)
    finally:
        stack.stop()


def run_scaled(accuracy: dict[str, float], tmp: Path, args: argparse.Namespace) -> Row:
    row = Row("(b) scaled, ours", accuracy=accuracy)
    fresh_database(BENCH_DATABASE)
    action_port = str(free_port())
    scaled = ScaledStack(
        {
            "ACTION_PORT": action_port,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "PUBLIC_PORT": str(free_port()),
            "RASA_API_TOKEN": uuid.uuid4().hex,
            "SCALED_TRACKER_STORE_URL": BENCH_DATABASE,
        },
        log_dir=tmp / "logs-scaled",
        run_dir=tmp / "nginx",
        rasa_ports=[str(free_port()) for _ in range(args.instances)],
    )
    try:
        row.ready_s = scaled.start()
        return measure(row, scaled.url, scaled.env["TRACKER_STORE_URL"], scaled.stack.services, args)
    finally:
        scaled.stop()


def table(rows: list[Row]) -> str:
    lines = [
        f"{'configuration':22} {'NLU en':>7} {'NLU th':>7} {'ready s':>7} {'seq p50':>8} "
        f"{'p50':>6} {'p95':>6} {'p99':>6} {'msg/s':>6} {'errors':>6} {'consist.':>8}  memory MB",
    ]
    for row in rows:
        load = row.load
        memory = ", ".join(f"{k} {v:.0f}" for k, v in row.memory_mb.items())
        lines.append(
            f"{row.name:22} {row.accuracy.get('en', 0):7.1%} {row.accuracy.get('th', 0):7.1%} "
            f"{row.ready_s:7.1f} {row.sequential_p50_ms:6.0f}ms "
            f"{load.percentile(0.5):6.0f} {load.percentile(0.95):6.0f} {load.percentile(0.99):6.0f} "
            f"{load.throughput:6.1f} {len(load.errors):6d} {('ok' if not row.consistency_problems else str(row.consistency_problems) + ' bad'):>8}  {memory}"
        )
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=80)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--skip-default", action="store_true", help="leave out (c) (its training takes long)")
    args = parser.parse_args(argv)

    train()
    if not args.skip_default:
        seconds = train(DEFAULT_MODEL, DEFAULT_CONFIG)
        if seconds:
            print(f"trained Rasa's default configuration in {seconds:.0f} s")
    print(f"{args.patients} simulated patients, {args.concurrency} at a time, REST; 2 cores shared by everything\n")
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        ours = run_embedded("(a) embedded, ours", MODEL_PATH, "ops.rasa_server", tmp, args)
        rows.append(ours)
        rows.append(run_scaled(ours.accuracy, tmp, args))
        if not args.skip_default:
            rows.append(run_embedded("(c) Rasa default", DEFAULT_MODEL, "rasa", tmp, args))
    print(table(rows))
    base = rows[0].load.throughput
    print(f"\nscaled/embedded throughput: {rows[1].load.throughput / base:.2f}")
    if len(rows) > 2:
        print(f"throughput ratio ours/default: {base / rows[2].load.throughput:.2f}")
    else:
        print("throughput ratio ours/default: n/a (--skip-default)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
