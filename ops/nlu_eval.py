"""Held-out NLU evaluation: intent accuracy per language and the confusions that remain.

    python -m ops.nlu_eval [--model models/current.tar.gz] [--set heldout|dev] [--threshold 0.95]

The held-out sets (tests/nlu/heldout_<lang>.yml) are written separately from the
training data; tests/rasa/test_heldout_sets.py checks they are not near copies of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.paths import MODEL_PATH, ROOT

# The held-out sets measure; the dev sets (which also hold nlu_fallback examples) tune.
# "added" holds the held-out examples of the intents added on 2026-12-06 (clinic topics,
# booking, follow-ups, "More about this"), kept apart so that the topic target below is
# measured on the same set as before.
SETS = {
    name: {lang: ROOT / f"tests/nlu/{prefix}_{lang}.yml" for lang in ("en", "th")}
    for name, prefix in (("heldout", "heldout"), ("added", "heldout_added"), ("dev", "dev"))
}
HELDOUT = SETS["heldout"]
ADDED = SETS["added"]
THRESHOLD = 0.95
ADDED_THRESHOLD = 0.85


@dataclass
class LanguageResult:
    """Accuracy and confusions for one language."""

    language: str
    total: int = 0
    correct: int = 0
    confusions: Counter = field(default_factory=Counter)  # (expected, predicted) -> count
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)  # text, expected, predicted

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def load_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


async def _evaluate(model: Path, files: dict[str, Path]) -> list[LanguageResult]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for language, path in files.items():
        result = LanguageResult(language)
        for text, expected in load_examples(path):
            predicted = (await agent.parse_message(text))["intent"]["name"]
            result.total += 1
            if predicted == expected:
                result.correct += 1
            else:
                result.confusions[(expected, predicted)] += 1
                result.mistakes.append((text, expected, predicted))
        results.append(result)
    return results


def evaluate(model: Path = MODEL_PATH, which: str = "heldout") -> list[LanguageResult]:
    """Parses every example of a set with the trained model."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # per-message debug lines would drown the report
    return asyncio.run(_evaluate(model, SETS[which]))


def report(results: list[LanguageResult]) -> str:
    lines = []
    for r in results:
        lines.append(f"{r.language}: intent accuracy {r.accuracy:.1%} ({r.correct}/{r.total})")
        for (expected, predicted), count in r.confusions.most_common():
            lines.append(f"    {count} x {expected} -> {predicted}")
        for text, expected, predicted in r.mistakes:
            lines.append(f"      [{expected} -> {predicted}] {text}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    parser.add_argument("--set", choices=sorted(SETS), default="heldout")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = evaluate(args.model, args.set)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps({r.language: r.accuracy for r in results}, indent=2))
    return 0 if all(r.accuracy >= args.threshold for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
