"""Compare intent-classifier set-ups on the dev and held-out sets, in seconds, not minutes.

    python -m bench.nlu_pipelines

Trains each candidate on data/nlu/**, segmented by our own tokenizer's segmenter, and
prints intent accuracy per language with the FallbackClassifier rule applied (top
confidence below ``threshold`` or the top two closer than ``ambiguity`` -> nlu_fallback).
A full `rasa train` takes about two minutes; this loop takes seconds per candidate, which
is what tuning needs. The numbers match `python -m ops.nlu_eval` for the same settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from assistant.paths import ROOT
from nlu_components.thai_english_segmenter import ThaiEnglishSegmenter, read_word_list
from ops.nlu_eval import SETS, load_examples

LANGUAGES = ("en", "th")


@lru_cache(maxsize=1)
def segmenter() -> ThaiEnglishSegmenter:
    return ThaiEnglishSegmenter(read_word_list(str(ROOT / "content/thai_domain_words.txt")))


def words(text: str) -> str:
    return " ".join(w.text.lower() for w in segmenter().segment(text))


def training_examples() -> list[tuple[str, str]]:
    examples = []
    for path in sorted((ROOT / "data/nlu").glob("*/*.yml")):
        examples.extend(load_examples(path))
    return examples


@dataclass
class Candidate:
    name: str
    fit: Callable[[list[str], list[str], list[str]], Callable[[list[str], list[str]], np.ndarray]]
    threshold: float = 0.2
    ambiguity: float = 0.1


def tfidf_lr(c: float = 30.0, char_analyzer: str = "char_wb", char_range=(2, 5), word_range=(1, 2)):
    def fit(texts, segmented, intents):
        word_vec = TfidfVectorizer(
            token_pattern=r"\S+", ngram_range=word_range, sublinear_tf=True
        ).fit(segmented)
        char_vec = TfidfVectorizer(
            analyzer=char_analyzer, ngram_range=char_range, sublinear_tf=True
        ).fit([t.lower() for t in texts])

        def features(t, s):
            return hstack(
                [word_vec.transform(s), char_vec.transform([x.lower() for x in t])]
            ).tocsr()

        model = LogisticRegression(C=c, max_iter=3000, random_state=42).fit(
            features(texts, segmented), intents
        )

        def predict(t, s):
            return model.classes_, model.predict_proba(features(t, s))

        return predict

    return fit


def decide(classes, probabilities, threshold: float, ambiguity: float) -> list[str]:
    labels = []
    for row in probabilities:
        order = np.argsort(-row)
        top, second = row[order[0]], row[order[1]]
        fallback = top < threshold or (top - second) < ambiguity
        labels.append("nlu_fallback" if fallback else str(classes[order[0]]))
    return labels


def evaluate(
    candidate: Candidate, train: list[tuple[str, str]], show_mistakes: bool = False
) -> dict:
    texts = [t for t, _ in train]
    started = time.perf_counter()
    predict = candidate.fit(texts, [words(t) for t in texts], [i for _, i in train])
    seconds = time.perf_counter() - started
    scores = {}
    for set_name, files in SETS.items():
        for language in LANGUAGES:
            examples = load_examples(files[language])
            ex_texts = [t for t, _ in examples]
            classes, probabilities = predict(ex_texts, [words(t) for t in ex_texts])
            labels = decide(classes, probabilities, candidate.threshold, candidate.ambiguity)
            correct = sum(p == e for p, (_, e) in zip(labels, examples))
            scores[f"{set_name}_{language}"] = correct / len(examples)
            if show_mistakes and set_name == "dev":
                for p, (t, e) in zip(labels, examples):
                    if p != e:
                        print(f"  [{language}] {e} -> {p}: {t}")
    scores["train_s"] = seconds
    return scores


CANDIDATES = [
    Candidate("words 1-2 + char_wb 2-5, LR C=30, no ambiguity", tfidf_lr(), ambiguity=0.0),
    Candidate("current: words 1-2 + char_wb 2-5, LR C=30", tfidf_lr()),
    Candidate("same, no ambiguity rule", tfidf_lr(), ambiguity=0.0),
    Candidate("same, threshold 0.12, no ambiguity rule", tfidf_lr(), threshold=0.12, ambiguity=0.0),
    Candidate(
        "char 1-4 (across words)", tfidf_lr(char_analyzer="char", char_range=(1, 4)), ambiguity=0.0
    ),
    Candidate("C=100", tfidf_lr(c=100.0), threshold=0.15, ambiguity=0.0),
]


def main() -> None:
    train = training_examples()
    print(f"training examples: {len(train)}")
    header = (
        f"{'candidate':48} {'dev_en':>7} {'dev_th':>7} {'held_en':>7} {'held_th':>7} {'train_s':>7}"
    )
    print(header)
    for candidate in CANDIDATES:
        s = evaluate(candidate, train)
        print(
            f"{candidate.name:48} {s['dev_en']:7.3f} {s['dev_th']:7.3f} "
            f"{s['heldout_en']:7.3f} {s['heldout_th']:7.3f} {s['train_s']:7.1f}"
        )


if __name__ == "__main__":
    main()
