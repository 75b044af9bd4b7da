"""Question classifier configurations compared: accuracy within the topic, training time.

    python -m bench.question_pipelines

Measured by 5-fold cross-validation on the questions' training phrasings
(``content/knowledge``): the held-out sets are never used to choose anything. Each
configuration is the model ``nlu_components/tfidf_text_model.py`` fits, with one
classifier per topic (``grouped``) or one over all questions (``flat``, scored within the
true topic as the component does).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from sklearn.model_selection import StratifiedKFold

from assistant.content import load_content
from assistant.language import LANGUAGES
from assistant.paths import CONTENT_DIR
from nlu_components.tfidf_text_model import DEFAULT_CONFIG, TfidfTextModel
from nlu_components.thai_english_segmenter import ThaiEnglishSegmenter, read_word_list


@dataclass(frozen=True)
class Candidate:
    name: str
    grouped: bool = True
    config: Any = None


def messages() -> tuple[list[Message], list[str]]:
    segmenter = ThaiEnglishSegmenter(read_word_list(str(CONTENT_DIR / "thai_domain_words.txt")))
    found, labels = [], []
    for question in load_content().questions.values():
        for language in LANGUAGES:
            for text in question.examples[language]:
                message = Message({TEXT: text})
                message.set(
                    TOKENS_NAMES[TEXT], [Token(w.text, w.start) for w in segmenter.segment(text)]
                )
                found.append(message)
                labels.append(question.key)
    return found, labels


def topic_of(label: str) -> str:
    return label.rsplit(".", 1)[0]


def cross_validate(
    candidate: Candidate, data: list[Message], labels: list[str]
) -> tuple[float, float]:
    """(accuracy within the true topic, mean seconds to fit)."""
    config = {**DEFAULT_CONFIG, **(candidate.config or {})}
    correct, seconds = 0, []
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    for train, test in folds.split(np.zeros(len(labels)), labels):
        train_labels = [labels[i] for i in train]
        started = time.monotonic()
        groups = [topic_of(label) for label in train_labels] if candidate.grouped else None
        model = TfidfTextModel.fit(config, [data[i] for i in train], train_labels, groups)
        seconds.append(time.monotonic() - started)
        features = model.features([data[i] for i in test])
        for row, index in enumerate(test):
            topic = topic_of(labels[index])
            group = topic if candidate.grouped else ""
            names = model.labels(group)
            scores = model.probabilities(features[row], group)[0]
            allowed = [(s, n) for s, n in zip(scores, names) if topic_of(n) == topic]
            correct += max(allowed)[1] == labels[index]
    return correct / len(labels), statistics.mean(seconds)


def main() -> None:
    data, labels = messages()
    print(f"{len(labels)} phrasings of {len(set(labels))} questions, 5-fold cross-validation")
    base = Candidate("grouped, C=30, chars 2-5")
    candidates = [
        base,
        replace(base, name="grouped, C=10, chars 2-5", config={"C": 10.0}),
        replace(base, name="grouped, C=10, chars 2-4", config={"C": 10.0, "char_max_ngram": 4}),
        replace(base, name="grouped, C=3, chars 2-4", config={"C": 3.0, "char_max_ngram": 4}),
        replace(
            base,
            name="grouped, C=10, words only 1-2",
            config={"C": 10.0, "char_max_ngram": 1, "char_min_ngram": 1},
        ),
    ]
    for candidate in candidates:
        accuracy, seconds = cross_validate(candidate, data, labels)
        print(f"{candidate.name:34} within-topic accuracy {accuracy:6.1%}   fit {seconds:6.1f} s")


if __name__ == "__main__":
    main()
