"""Question classifier configurations compared: accuracy within the topic, training time.

    python -m bench.question_pipelines [--flat]

Measured by 5-fold cross-validation on the questions' training phrasings
(``content/knowledge``): the held-out sets are never used to choose anything. Each
configuration is the model ``nlu_components/tfidf_text_model.py`` fits, with one
model per topic, as ``QuestionClassifier`` trains them, or one over all questions (scored
within the true topic). "fit" is the time to fit all the models once.
"""

from __future__ import annotations

import sys
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
    """(accuracy within the true topic, seconds to fit all the topics' models of one fold)."""
    config = {**DEFAULT_CONFIG, **(candidate.config or {})}
    correct, seconds = 0, 0.0
    groups = [topic_of(label) if candidate.grouped else "" for label in labels]
    for group in sorted(set(groups)):
        members = [i for i, g in enumerate(groups) if g == group]
        member_labels = [labels[i] for i in members]
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
        for train, test in folds.split(np.zeros(len(members)), member_labels):
            started = time.monotonic()
            model = TfidfTextModel.fit(
                config, [data[members[i]] for i in train], [member_labels[i] for i in train]
            )
            seconds += (time.monotonic() - started) / 5
            scores = model.probabilities([data[members[i]] for i in test])
            for row, i in enumerate(test):
                topic = topic_of(member_labels[i])
                allowed = [
                    (score, name)
                    for score, name in zip(scores[row], model.labels)
                    if topic_of(name) == topic
                ]
                correct += max(allowed)[1] == member_labels[i]
    return correct / len(labels), seconds


def main() -> None:
    data, labels = messages()
    print(f"{len(labels)} phrasings of {len(set(labels))} questions, 5-fold cross-validation")
    base = Candidate("per topic, C=30, chars 2-5")
    candidates = [
        base,
        replace(base, name="per topic, C=10, chars 2-5", config={"C": 10.0}),
        replace(base, name="per topic, C=10, chars 2-4", config={"C": 10.0, "char_max_ngram": 4}),
        replace(base, name="per topic, C=3, chars 2-4", config={"C": 3.0, "char_max_ngram": 4}),
        replace(
            base,
            name="per topic, C=10, words only 1-2",
            config={"C": 10.0, "char_max_ngram": 1, "char_min_ngram": 1},
        ),
    ]
    if "--flat" in sys.argv:  # one fit takes minutes here
        candidates.append(replace(base, name="one model for all questions, C=30", grouped=False))
    for candidate in candidates:
        accuracy, seconds = cross_validate(candidate, data, labels)
        print(f"{candidate.name:36} within-topic accuracy {accuracy:6.1%}   fit {seconds:6.1f} s")


if __name__ == "__main__":
    main()
