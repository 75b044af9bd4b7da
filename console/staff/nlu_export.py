"""Flagged patient messages with their corrected intents, as Rasa NLU training data."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import yaml

from assistant.paths import ROOT
from console.staff.masking import shown
from console.staff.models import Flag, TrackerEvent

CHUNK = 500


@lru_cache(maxsize=1)
def domain_intents() -> tuple[str, ...]:
    """The intents a message can be corrected to (``domain.yml``)."""
    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        return tuple(yaml.safe_load(handle)["intents"])


def flagged_examples(unmasked: bool) -> dict[str, list[str]]:
    """Corrected intent -> the flagged messages' texts (one line each, no duplicates)."""
    flags = list(
        Flag.objects.order_by("corrected_intent", "id").values_list(
            "user_event_id", "corrected_intent"
        )
    )
    texts: dict[int, str] = {}
    ids = [event_id for event_id, _ in flags]
    for start in range(0, len(ids), CHUNK):
        for event in TrackerEvent.objects.filter(id__in=ids[start : start + CHUNK]):
            texts[event.id] = " ".join((event.as_dict().get("text") or "").split())
    examples: dict[str, list[str]] = defaultdict(list)
    for event_id, intent in flags:
        text = shown(texts.get(event_id, ""), unmasked)
        if text and text not in examples[intent]:
            examples[intent].append(text)
    return dict(examples)


def nlu_yaml(examples: dict[str, list[str]]) -> str:
    """Rasa 3 NLU YAML, the format of ``data/nlu/``.

    >>> print(nlu_yaml({"therapy_cost": ["ราคาเท่าไหร่คะ"]}), end="")
    version: "3.1"
    nlu:
    - intent: therapy_cost
      examples: |
        - ราคาเท่าไหร่คะ
    """
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in examples[intent]]
    return "\n".join(lines) + "\n"
