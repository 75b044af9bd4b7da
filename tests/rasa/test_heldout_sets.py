"""The held-out NLU sets: big enough, every intent and specific question covered, not
copies of training data (data/nlu or the questions' phrasings in content/knowledge)."""

import difflib
import re
from collections import Counter

import pytest
import yaml

from assistant.content import load_content
from assistant.language import LANGUAGES
from assistant.paths import ROOT
from ops.answer_eval import load_turns
from ops.nlu_eval import ADDED, HELDOUT, load_examples

DOMAIN_INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
# A held-out example at least this similar to a training example is a copy, not a test.
TOO_SIMILAR = 0.8


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


CONTENT = load_content()


def training_examples(language: str) -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "nlu" / language).glob("*.yml")):
        texts.extend(normalise(t) for t, _ in load_examples(path))
    for question in CONTENT.questions.values():
        texts.extend(normalise(t) for t in question.examples[language])
    return texts


def heldout_texts(language: str) -> list[str]:
    """Every held-out message of ``language``: intents, specific questions, patients' messages."""
    texts = [
        text for path in (HELDOUT[language], ADDED[language]) for text, _ in load_examples(path)
    ]
    for name in ("questions", "patients"):
        texts.extend(turn.text for turn in load_turns(name, language))
    return texts


@pytest.mark.parametrize("language", ["en", "th"])
def test_every_intent_has_enough_heldout_examples(language):
    counts = Counter(
        intent for path in (HELDOUT[language], ADDED[language]) for _, intent in load_examples(path)
    )
    for intent in DOMAIN_INTENTS:
        minimum = 8
        assert counts[intent] >= minimum, (
            f"{language}: {intent} has {counts[intent]} held-out examples"
        )


@pytest.mark.parametrize("language", ["en", "th"])
def test_heldout_examples_are_not_copies_of_training_examples(language):
    training = training_examples(language)
    too_close = []
    for text in heldout_texts(language):
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


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_specific_question_has_four_heldout_phrasings(language):
    counts = Counter(
        expected for turn in load_turns("questions", language) for expected in turn.expected[:1]
    )
    short = {q: counts[q] for q in CONTENT.questions if counts[q] < 4}
    assert not short, short
    assert set(counts) <= set(CONTENT.questions), set(counts) - set(CONTENT.questions)


@pytest.mark.parametrize("language", LANGUAGES)
def test_patients_messages_are_forty_or_more(language):
    assert len(load_turns("patients", language)) >= 40
