"""Sequential REST reply time: start the stack, ask knowledge questions one after another.

    python -m bench.rest_latency [--messages 40]

Prints start-up time, then p50/p95 of the time from POST to the complete reply (a
knowledge answer involves the NLU pipeline, the rule policy and one action-server call
for the answer plus one for the language slot).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.load import percentile
from ops.stack import make_stack, private_overrides

QUESTIONS = [
    "what is uc-msc therapy",
    "สเต็มเซลล์คืออะไรคะ",
    "is it safe? any side effects",
    "มีผลข้างเคียงไหมครับ",
    "is it approved by the fda",
    "ราคาเท่าไหร่คะ",
    "how is it given, iv or injection",
    "ใช้รักษาสะเก็ดเงินได้ไหม",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = make_stack(
            private_overrides(f"sqlite:///{Path(tmp) / 'tracker.db'}"),
            log_dir=Path(tmp) / "logs",
        )
        try:
            started = stack.start()
            url = f"{stack.rasa_url}/webhooks/rest/webhook"
            sender = f"bench-{uuid.uuid4().hex[:8]}"
            for warmup in QUESTIONS[:2]:
                requests.post(url, json={"sender": sender, "message": warmup}, timeout=30)
            timings = []
            for i in range(args.messages):
                begin = time.perf_counter()
                reply = requests.post(
                    url,
                    json={"sender": sender, "message": QUESTIONS[i % len(QUESTIONS)]},
                    timeout=30,
                )
                timings.append((time.perf_counter() - begin) * 1000)
                assert reply.ok and reply.json(), reply.text
        finally:
            stack.stop()
    print(f"servers ready in {started:.1f} s")
    print(
        f"sequential REST replies: n={len(timings)} p50={statistics.median(timings):.0f} ms "
        f"p95={percentile(timings, 0.95):.0f} ms max={max(timings):.0f} ms"
    )


if __name__ == "__main__":
    main()
