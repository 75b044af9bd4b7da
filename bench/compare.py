"""``make bench``: our configuration, the scaled topology and Rasa's defaults, side by side.

    python -m bench.compare [--patients 80] [--concurrency 20] [--skip-default | --default-epochs N]

(a) embedded: one Rasa process with our pipeline (SQLite tracker, in-memory lock store);
(b) scaled:   the same model on ``RASA_INSTANCES`` Rasa processes behind nginx, PostgreSQL
              tracker store, Redis lock store (ops/scaled.py);
(c) default:  one stock ``rasa run`` process with the model trained from Rasa's default
              configuration (bench/rasa_default_config.yml: only our tokenizer swapped in).

For each: held-out NLU accuracy per language, start-up time, sequential median reply time,
then simulated patients at a fixed concurrency (bench/load.py: p50/p95/p99, throughput,
errors and the tracker-store consistency check), and memory per process. (a) and (b) are
loaded over each of ``--channels`` in turn (REST, socket.io, signed LINE webhooks answered
to a fake LINE API run here); (c) over REST only. The last line reads
``throughput ratio ours/default: X.XX`` ((a) over (c), REST: same topology, different
configuration). Not part of the test suite; it starts and stops everything it needs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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

from assistant.paths import MODEL_PATH, ROOT, VAR_DIR
from bench.load import CHANNELS, LinePlatform, LoadResult, check_consistency, run_load
from bench.patients import QUESTIONS, patients
from ops.nlu_eval import evaluate
from ops.scaled import ScaledStack, ensure_database
from ops.stack import Service, Stack, free_port, make_stack, private_overrides
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
    loads: dict[str, LoadResult] = field(default_factory=dict)  # channel -> its load run
    consistency_problems: dict[str, int] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)

    @property
    def load(self) -> LoadResult:
        """The REST load: what the throughput ratios compare."""
        return self.loads["rest"]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(row.split()[1]) for row in status.splitlines() if row.startswith("VmRSS:")
            )
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
    requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": "hello"}, timeout=60
    )
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


def measure(
    row: Row,
    url: str,
    tracker_url: str,
    services: list[Service],
    args: argparse.Namespace,
    channels: tuple[str, ...] = ("rest",),
    line: Optional[LinePlatform] = None,
) -> Row:
    row.sequential_p50_ms = sequential_median_ms(url)
    for channel in channels:
        crowd = patients(args.patients, run_id=f"bench-{channel}-{uuid.uuid4().hex[:6]}")
        load = asyncio.run(
            run_load(url, crowd, args.concurrency, channel=channel, line=line, think_s=args.think)
        )
        row.loads[channel] = load
        row.consistency_problems[channel] = len(check_consistency(tracker_url, load.sent))
    row.memory_mb = {s.name: rss_mb(s.process.pid) for s in services if s.process}
    return row


def line_overrides(line: Optional[LinePlatform]) -> dict[str, str]:
    """The LINE channel switched on, replying to the fake LINE API of this run."""
    if line is None:
        return {}
    return {
        "LINE_CHANNEL_SECRET": line.channel_secret,
        "LINE_CHANNEL_ACCESS_TOKEN": line.api.token,
        "LINE_API_BASE_URL": line.url,
    }


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    connection = psycopg2.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        # FORCE: a process left over from an interrupted run must not block a fresh start
        cursor.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    connection.close()
    ensure_database(url)


def embedded_overrides(tmp: Path, model: Path) -> dict[str, str]:
    return {
        **private_overrides(f"sqlite:///{tmp / (model.stem + '-tracker.db')}"),
        "RASA_MODEL": str(model),
    }


def stock_endpoints(tmp: Path) -> str:
    """``endpoints.yml`` with Rasa's own ``type: SQL`` store instead of ours."""
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    stock = tmp / "endpoints.stock.yml"
    stock.write_text(
        text.replace("type: rasa_extensions.sql_tracker_store.TunedSQLTrackerStore", "type: SQL")
    )
    return str(stock)


def run_embedded(
    name: str,
    model: Path,
    module: str,
    tmp: Path,
    args: argparse.Namespace,
    channels: tuple[str, ...] = ("rest",),
    line: Optional[LinePlatform] = None,
) -> Row:
    row = Row(name, accuracy={r.language: r.accuracy for r in evaluate(model, "heldout")})
    overrides = {**embedded_overrides(tmp, model), **line_overrides(line)}
    if module == "rasa":  # stock Rasa: Rasa's own SQL tracker store too
        overrides["RASA_ENDPOINTS"] = stock_endpoints(tmp)
    stack: Stack = make_stack(overrides, log_dir=tmp / f"logs-{model.stem}")
    try:
        row.ready_s = stack.start_services(
            stack._build(["actions"])
            + [stack.rasa_service("rasa", stack.env["RASA_PORT"], module=module)]
        )
        return measure(
            row,
            stack.rasa_url,
            stack.env["TRACKER_STORE_URL"],
            stack.services,
            args,
            channels,
            line,
        )
    finally:
        stack.stop()


def run_scaled(
    accuracy: dict[str, float],
    tmp: Path,
    args: argparse.Namespace,
    channels: tuple[str, ...] = ("rest",),
    line: Optional[LinePlatform] = None,
) -> Row:
    row = Row("(b) scaled, ours", accuracy=accuracy)
    fresh_database(BENCH_DATABASE)
    scaled = ScaledStack(
        {
            **private_overrides(
                BENCH_DATABASE,
                SCALED_TRACKER_STORE_URL=BENCH_DATABASE,
                PUBLIC_PORT=str(free_port()),
                REST_CHANNEL="on",  # off in production unless switched on; REST load
            ),
            **line_overrides(line),
        },
        log_dir=tmp / "logs-scaled",
        run_dir=tmp / "nginx",
        rasa_ports=[str(free_port()) for _ in range(args.instances)],
    )
    try:
        row.ready_s = scaled.start(with_console=False)  # the chat path only
        return measure(
            row,
            scaled.url,
            scaled.env["TRACKER_STORE_URL"],
            scaled.stack.services,
            args,
            channels,
            line,
        )
    finally:
        scaled.stop()


CHANNEL_NAMES = {"rest": "REST", "socketio": "socket.io", "line": "LINE"}


def load_columns(load: LoadResult, problems: int) -> str:
    consistency = "ok" if not problems else f"{problems} bad"
    return (
        f"{load.percentile(0.5):6.0f} {load.percentile(0.95):6.0f} {load.percentile(0.99):6.0f} "
        f"{load.throughput:6.1f} {len(load.errors):6d} {consistency:>8}"
    )


def table(rows: list[Row]) -> str:
    """One line per configuration and channel; latencies in ms (socket.io: to the first
    message, LINE: webhook to the reply call at the fake API)."""
    lines = [
        f"{'configuration':25} {'channel':9} {'NLU en':>7} {'NLU th':>7} {'ready s':>7} {'seq p50':>8} "
        f"{'p50':>6} {'p95':>6} {'p99':>6} {'msg/s':>6} {'errors':>6} {'consist.':>8}  memory MB",
    ]
    for row in rows:
        memory = ", ".join(f"{k} {v:.0f}" for k, v in row.memory_mb.items())
        for index, (channel, load) in enumerate(row.loads.items()):
            columns = load_columns(load, row.consistency_problems[channel])
            if index == 0:
                lines.append(
                    f"{row.name:25} {CHANNEL_NAMES[channel]:9} {row.accuracy.get('en', 0):7.1%} "
                    f"{row.accuracy.get('th', 0):7.1%} {row.ready_s:7.1f} {row.sequential_p50_ms:6.0f}ms "
                    f"{columns}  {memory}"
                )
            else:
                lines.append(
                    f"{'':25} {CHANNEL_NAMES[channel]:9} {'':7} {'':7} {'':7} {'':8} {columns}"
                )
    return "\n".join(lines)


def default_configuration(epochs: Optional[int]) -> tuple[Path, str]:
    """The model and config file of (c): Rasa's defaults, or the same with ``epochs`` instead
    of 100 for each trained component (training all 100 takes over an hour on 2 shared cores;
    the network sizes, so the cost per message, stay the same; the accuracy differs)."""
    if not epochs:
        return DEFAULT_MODEL, DEFAULT_CONFIG
    text = (ROOT / DEFAULT_CONFIG).read_text(encoding="utf-8")
    text = text.replace("epochs: 100", f"epochs: {epochs}").replace(
        "-rasa-default\n", f"-rasa-default-e{epochs}\n"
    )
    config = VAR_DIR / "bench" / f"rasa_default_e{epochs}.yml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    return ROOT / "models" / f"rasa-default-e{epochs}.tar.gz", str(config.relative_to(ROOT))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=80)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument(
        "--skip-default", action="store_true", help="leave out (c) (its training takes long)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a patient reads and types between messages (0: at once, for throughput)",
    )
    parser.add_argument(
        "--default-epochs",
        type=int,
        help="train (c) with this many epochs instead of 100 (quicker)",
    )
    parser.add_argument(
        "--channels",
        default=",".join(CHANNELS),
        help="channels that load (a) and (b), comma-separated (REST always; (c) only REST)",
    )
    args = parser.parse_args(argv)
    channels = ("rest",) + tuple(c for c in args.channels.split(",") if c and c != "rest")
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        parser.error(f"unknown channels: {', '.join(sorted(unknown))}")

    train()
    default_model, default_config = default_configuration(args.default_epochs)
    if not args.skip_default:
        seconds = train(default_model, default_config)
        if seconds:
            print(f"trained Rasa's default configuration ({default_config}) in {seconds:.0f} s")
    print(
        f"{args.patients} simulated patients per channel, {args.concurrency} at a time"
        f"{f', {args.think:g} s think time' if args.think else ', no think time'}, over "
        f"{', '.join(CHANNEL_NAMES[c] for c in channels)}; 2 cores shared by everything\n"
    )
    rows = []
    line = LinePlatform(uuid.uuid4().hex, uuid.uuid4().hex) if "line" in channels else None
    with tempfile.TemporaryDirectory() as directory, line or contextlib.nullcontext():
        tmp = Path(directory)
        ours = run_embedded(
            "(a) embedded, ours", MODEL_PATH, "rasa_extensions", tmp, args, channels, line
        )
        rows.append(ours)
        rows.append(run_scaled(ours.accuracy, tmp, args, channels, line))
        if not args.skip_default:
            name = (
                f"(c) Rasa default{f' ({args.default_epochs} ep.)' if args.default_epochs else ''}"
            )
            rows.append(run_embedded(name, default_model, "rasa", tmp, args))
    print(table(rows))
    base = rows[0].load.throughput
    print(
        "\nscaled/embedded throughput: "
        + ", ".join(
            f"{CHANNEL_NAMES[c]} {rows[1].loads[c].throughput / rows[0].loads[c].throughput:.2f}"
            for c in channels
            if rows[0].loads[c].throughput
        )
    )
    if len(rows) > 2:
        print(f"throughput ratio ours/default: {base / rows[2].load.throughput:.2f}")
    else:
        print("throughput ratio ours/default: n/a (--skip-default)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
