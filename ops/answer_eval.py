"""Does the first bubble answer what was asked? Measured against the running assistant.

    python -m ops.answer_eval [--url http://127.0.0.1:5005] [--threshold 0.9] [--json out.json]

Without ``--url`` it starts its own action server and Rasa server (temporary tracker
store) and stops them afterwards. Every held-out message is sent over REST in a
conversation of its own (the follow-up sets as whole conversations); the tracker is then
read back over the HTTP API, and the FIRST bot message after the patient's message must
carry the expected ``metadata.question`` (or ``metadata.topic`` for clinic, booking and
safety turns). Reports, per language:

- specific questions (``tests/nlu/heldout_questions_<lang>.yml``, written apart from the
  training data): the share answered first;
- patients' messages (``heldout_patients_<lang>.yml``: several clauses, context, brand
  names, typos): the same, and whether the condition and kind of patient were recognised;
- follow-up conversations (``heldout_followups.yml``): per turn;
- answer length: bubbles and characters of the first answer before the disclaimer
  (median), which works against a server without question ids too (before/after).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from assistant.conversation import bot_metadata
from assistant.language import LANGUAGES, script_language
from assistant.paths import ROOT
from harness.assistant_client import AssistantClient
from ops.stack import make_stack, private_overrides

NLU_DIR = ROOT / "tests" / "nlu"
TARGET = 0.9


@dataclass
class Score:
    """Answered-first counts of one set in one language."""

    total: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.correct += ok
        if not ok:
            self.misses.append(miss)


@dataclass
class Turn:
    """A patient message and the answer it must get."""

    text: str
    expected: tuple[str, ...]  # question ids (or topic ids), any of which is right
    by_topic: bool  # compare with metadata.topic instead of metadata.question
    condition: Optional[str] = None
    population: Optional[str] = None


def _turn(case: dict[str, Any]) -> Turn:
    by_topic = "question" not in case or not str(case["question"]).startswith("therapy.")
    expected = case.get("question") or case.get("topic")
    return Turn(
        text=str(case["text"]),
        expected=(str(expected), *case.get("also", [])),
        by_topic=by_topic,
        condition=case.get("condition"),
        population=case.get("population"),
    )


def load_turns(name: str, language: str, which: str = "heldout") -> list[Turn]:
    path = NLU_DIR / f"{which}_{name}_{language}.yml"
    return [_turn(c) for c in yaml.safe_load(path.read_text("utf-8"))]


def first_answers(
    client: AssistantClient, sender: str, texts: Iterable[str]
) -> list[list[dict[str, Any]]]:
    """Sends ``texts`` one after another; returns, per message, the bot events that followed it."""
    texts = list(texts)
    for text in texts:
        client.say(sender, text)
    answers: list[list[dict[str, Any]]] = []
    for event in client.tracker(sender)["events"]:
        if event["event"] == "user":
            answers.append([])
        elif event["event"] == "bot" and answers:
            answers[-1].append(event)
    return answers[-len(texts) :]


def matches(turn: Turn, bots: list[dict[str, Any]]) -> bool:
    if not bots:
        return False
    metadata = bot_metadata(bots[0])
    got = metadata.get("topic") if turn.by_topic else metadata.get("question")
    return got in turn.expected


def describe(turn: Turn, bots: list[dict[str, Any]]) -> str:
    got = bot_metadata(bots[0]) if bots else {}
    return f"[{' | '.join(turn.expected)} <- {got.get('question') or got.get('topic')}] {turn.text}"


def answer_length(bots: list[dict[str, Any]]) -> tuple[int, int]:
    """Bubbles and characters of an answer before its disclaimer."""
    body = [b for b in bots if not bot_metadata(b).get("disclaimer")]
    return len(body), sum(len(b.get("text") or "") for b in body)


def evaluate(client: AssistantClient, which: str = "heldout") -> dict[str, Any]:
    scores: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    context: dict[str, Counter] = defaultdict(Counter)
    lengths: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for language in LANGUAGES:
        for name in ("questions", "patients"):
            for turn in load_turns(name, language, which):
                sender = f"eval-{uuid.uuid4().hex[:12]}"
                [bots] = first_answers(client, sender, [turn.text])
                scores[name][language].add(matches(turn, bots), describe(turn, bots))
                if any(bot_metadata(b).get("disclaimer") for b in bots):
                    lengths[language].append(answer_length(bots))
                if name == "patients":
                    slots = client.tracker(sender).get("slots") or {}
                    for kind in ("condition", "population"):
                        expected = getattr(turn, kind)
                        if expected:
                            context[language][f"{kind} named"] += 1
                            context[language][f"{kind} recognised"] += slots.get(kind) == expected
    followups = NLU_DIR / f"{which}_followups.yml"
    conversations = yaml.safe_load(followups.read_text("utf-8")) if followups.exists() else []
    for conversation in conversations:
        turns = [_turn(t) for t in conversation["turns"]]
        sender = f"eval-{uuid.uuid4().hex[:12]}"
        for index, (turn, bots) in enumerate(
            zip(turns, first_answers(client, sender, [t.text for t in turns]))
        ):
            language = script_language(turn.text) or "th"
            score = scores["follow-up turns" if index else "conversation openings"][language]
            score.add(matches(turn, bots), f"{conversation['name']}: {describe(turn, bots)}")
    return {"scores": scores, "context": context, "lengths": lengths}


def report(result: dict[str, Any], show_misses: bool) -> str:
    lines = []
    for name, by_language in result["scores"].items():
        for language, score in sorted(by_language.items()):
            lines.append(
                f"{name:22} {language}: first bubble answers {score.share:6.1%} ({score.correct}/{score.total})"
            )
            if show_misses:
                lines.extend(f"      {miss}" for miss in score.misses)
    for language, counts in sorted(result["context"].items()):
        parts = [
            f"{kind} {counts[kind + ' recognised']}/{counts[kind + ' named']}"
            for kind in ("condition", "population")
        ]
        lines.append(f"patients {language}: recognised {', '.join(parts)}")
    for language, pairs in sorted(result["lengths"].items()):
        if pairs:
            bubbles = statistics.median(p[0] for p in pairs)
            chars = statistics.median(p[1] for p in pairs)
            lines.append(
                f"first answer {language}: median {bubbles:g} bubbles, {chars:g} characters before the disclaimer (n={len(pairs)})"
            )
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running assistant (default: start one)")
    parser.add_argument("--token", default="", help="its RASA_API_TOKEN (with --url)")
    parser.add_argument("--threshold", type=float, default=TARGET)
    parser.add_argument("--misses", action="store_true", help="list every message answered wrongly")
    parser.add_argument("--json", type=Path, help="also write the shares here")
    parser.add_argument(
        "--set",
        choices=["heldout", "dev"],
        default="heldout",
        help="heldout measures; dev (tests/nlu/dev_*) is for finding and fixing mistakes",
    )
    args = parser.parse_args(argv)
    if args.url:
        result = evaluate(AssistantClient(args.url, args.token), args.set)
    else:
        with tempfile.TemporaryDirectory() as directory:
            stack = make_stack(
                private_overrides(f"sqlite:///{directory}/eval.db"),
                log_dir=Path(directory) / "logs",
            )
            try:
                stack.start()
                result = evaluate(AssistantClient(stack.rasa_url, stack.token), args.set)
            finally:
                stack.stop()
    print(report(result, args.misses))
    shares = {
        f"{name}.{language}": score.share
        for name, by_language in result["scores"].items()
        for language, score in by_language.items()
    }
    if args.json:
        args.json.write_text(json.dumps(shares, indent=2))
    met = all(
        shares[f"{name}.{language}"] >= args.threshold
        for name in ("questions", "patients")
        for language in LANGUAGES
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
