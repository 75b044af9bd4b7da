"""The held-out NLU sets: big enough, every intent covered, not copies of training data."""

import difflib
import re
from collections import Counter

import pytest
import yaml

from assistant.paths import ROOT
from ops.nlu_eval import HELDOUT, load_examples

DOMAIN_INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
# A held-out example at least this similar to a training example is a copy, not a test.
TOO_SIMILAR = 0.8


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def training_examples(language: str) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "nlu" / language).glob("*.yml")):
        texts.extend(normalise(t) for t, _ in load_examples(path))
    return texts


@pytest.mark.parametrize("language", ["en", "th"])
def test_every_intent_has_enough_heldout_examples(language):
    counts = Counter(intent for _, intent in load_examples(HELDOUT[language]))
    for intent in DOMAIN_INTENTS:
        minimum = 8
        assert counts[intent] >= minimum, (
            f"{language}: {intent} has {counts[intent]} held-out examples"
        )


@pytest.mark.parametrize("language", ["en", "th"])
def test_heldout_examples_are_not_copies_of_training_examples(language):
    training = training_examples(language)
    too_close = []
    for text, _intent in load_examples(HELDOUT[language]):
        candidate = normalise(text)
        matcher = difflib.SequenceMatcher(None, "", candidate)  # b is cached: the held-out text
        for seen in training:
            matcher.set_seq1(seen)
            if (
                matcher.real_quick_ratio() >= TOO_SIMILAR
                and matcher.quick_ratio() >= TOO_SIMILAR
                and matcher.ratio() >= TOO_SIMILAR
            ):
                too_close.append((text, seen))
                break
    assert not too_close, too_close[:10]


def test_the_similarity_check_catches_a_light_edit():
    original = normalise("how much does the stem cell treatment cost")
    edited = normalise("how much does the stem cell treatment cost?")
    assert difflib.SequenceMatcher(None, original, edited).ratio() >= TOO_SIMILAR
