"""How many specific-question phrasings should teach the topic? Fit time and dev accuracy.

    python -m bench.topic_examples [LIMIT[:SETTINGS] ...]    e.g. 6 12 "0:{'C': 10.0}"

Fits the intent classifier (``TfidfIntentClassifier``'s model) on the training data as
``rasa train`` reads it, with at most LIMIT phrasings per question and language (0: all),
and prints the fit's CPU seconds and, on the dev sets only, the intent accuracy and the
topic accuracy of the specific questions' and patients' messages. The held-out sets are
never read.
"""

from __future__ import annotations

import ast
import sys
import time
from typing import Any

import numpy as np
import yaml
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.language import LANGUAGES
from assistant.paths import CONTENT_DIR, ROOT
from nlu_components.tfidf_intent_classifier import TfidfIntentClassifier
from nlu_components.tfidf_text_model import DEFAULT_CONFIG, TfidfTextModel
from nlu_components.thai_english_segmenter import ThaiEnglishSegmenter, read_word_list
from ops.nlu_eval import SETS, load_examples

SEGMENTER = ThaiEnglishSegmenter(read_word_list(str(CONTENT_DIR / "thai_domain_words.txt")))


def tokenized(message: Message) -> Message:
    tokens = [Token(w.text, w.start) for w in SEGMENTER.segment(message.get(TEXT))]
    message.set(TOKENS_NAMES[TEXT], tokens)
    return message


def topic_intent(case: dict[str, Any]) -> str:
    """``therapy.safety.fever`` -> ``therapy_safety``."""
    key = str(case.get("question") or case.get("topic"))
    return key.rsplit(".", 1)[0].replace(".", "_", 1)


def dev_sets() -> dict[str, list[tuple[Message, str]]]:
    sets: dict[str, list[tuple[Message, str]]] = {}
    for language in LANGUAGES:
        sets[f"intents {language}"] = [
            (tokenized(Message({TEXT: text})), intent)
            for text, intent in load_examples(SETS["dev"][language])
            if intent != "nlu_fallback"
        ]
        for name in ("questions", "patients"):
            cases = yaml.safe_load((ROOT / f"tests/nlu/dev_{name}_{language}.yml").read_text())
            sets[f"{name}' topic {language}"] = [
                (tokenized(Message({TEXT: case["text"]})), topic_intent(case))
                for case in cases
                if str(case.get("question") or case.get("topic") or "").startswith("therapy.")
            ]
    return sets


def main() -> None:
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    training = importer.get_nlu_data()
    for message in training.intent_examples:
        tokenized(message)
    sets = dev_sets()
    for spec in sys.argv[1:] or ["6", "0"]:
        limit, _, settings = spec.partition(":")
        classifier = TfidfIntentClassifier.__new__(TfidfIntentClassifier)
        classifier._config = {
            **TfidfIntentClassifier.get_default_config(),
            "question_examples_per_language": int(limit),
        }
        examples = classifier._examples(training)
        config = {**DEFAULT_CONFIG, **(ast.literal_eval(settings) if settings else {})}
        started = time.process_time()
        model = TfidfTextModel.fit(config, examples, [m.get(INTENT) for m in examples])
        seconds = time.process_time() - started
        scores = []
        for name, items in sets.items():
            best = model.probabilities([m for m, _ in items]).argmax(axis=1)
            right = np.mean([model.labels[b] == want for b, (_, want) in zip(best, items)])
            scores.append(f"{name} {right:.1%}")
        print(f"{spec}: {len(examples)} examples, fit {seconds:.0f} s CPU; " + "; ".join(scores))


if __name__ == "__main__":
    main()
