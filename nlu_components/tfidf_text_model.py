"""TF-IDF word and character n-grams into logistic regression: the model both classifiers use.

The intent classifier (``TfidfIntentClassifier``: which topic or conversation move) and the
question classifier (``QuestionClassifier``: which specific question of a topic) are the
same model over different labels. Words come from the tokenizer (PyThaiNLP for Thai runs,
spaCy's rules for Latin runs); character n-grams carry Thai misspellings and English typos.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Text

import numpy as np
import numpy.typing as npt
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import hstack
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

FloatArray = npt.NDArray[np.float64]

# What a stored model may contain; skops refuses anything else when loading.
TRUSTED_TYPES = [
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.float64",
    "numpy.int64",
    "builtins.getattr",
    "numpy.dtype",
    "scipy.sparse._csr.csr_matrix",
]

DEFAULT_CONFIG: Dict[Text, Any] = {
    # Longest word n-gram (1 = single words, 2 = also word pairs).
    "word_max_ngram": 2,
    # Character n-gram lengths, within word boundaries.
    "char_min_ngram": 2,
    "char_max_ngram": 5,
    # Inverse regularisation strength of the logistic regression.
    "C": 30.0,
    "max_iter": 3000,
    # Stopping tolerance of the solver (scikit-learn's default: 1e-4).
    "tol": 1e-4,
    # "balanced": each label weighs the same in the fit however many examples it has.
    "class_weight": None,
}


def words_of(message: Message) -> str:
    """The tokenizer's words, lower case, one space apart."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(token.text.lower() for token in tokens)


def characters_of(message: Message) -> str:
    return str(message.get(TEXT) or "").lower()


def _store_weights_for_fast_scoring(classifier: LogisticRegression) -> None:
    """Stores the weights column-major, so that scoring does not copy them.

    scikit-learn scores with ``features @ coef_.T``. With ``coef_`` row-major (as fitted and
    as loaded), ``coef_.T`` is not contiguous and SciPy's sparse product copies the whole
    matrix (26 intents x ~150,000 n-grams) for every message: 5 ms per message, a fifth of
    the Rasa server's CPU under load (py-spy, 2026-12-05). Column-major, the same product
    reads the weights in place: 0.05 ms, identical probabilities.
    """
    classifier.coef_ = np.asfortranarray(classifier.coef_)


def tfidf_features(vectorizer: TfidfVectorizer, idf: FloatArray, texts: List[str]) -> Any:
    """``vectorizer.transform(texts)``, the same numbers, without its per-call overhead.

    scikit-learn 1.1 (the version Rasa 3.6 allows) rebuilds the IDF vector from a diagonal
    matrix over all ~150,000 n-grams twice per call and multiplies by that matrix: 0.8 ms of
    the 0.9 ms a message took. Here the n-grams are counted by the vectorizer itself
    (``CountVectorizer.transform``) and weighted with ``idf`` (``vectorizer.idf_``, read
    once) exactly as ``TfidfTransformer`` does: sublinear term frequency, IDF, L2 norm.
    """
    counts = CountVectorizer.transform(vectorizer, texts).astype(np.float64)
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1
    counts.data *= idf[counts.indices]
    return normalize(counts, norm=vectorizer.norm, copy=False) if vectorizer.norm else counts


class TfidfTextModel:
    """Fitted vectorizers and classifier, ready to score messages."""

    def __init__(self, parts: Dict[Text, Any]) -> None:
        self.parts = parts
        _store_weights_for_fast_scoring(parts["classifier"])
        self._idf = {name: parts[name].idf_ for name in ("words", "characters")}

    @property
    def labels(self) -> List[str]:
        return [str(label) for label in self.parts["classifier"].classes_]

    @classmethod
    def fit(
        cls, config: Mapping[Text, Any], messages: Sequence[Message], labels: Sequence[str]
    ) -> "TfidfTextModel":
        """Fits vectorizers and classifier on ``messages`` (tokenized) and their labels."""
        words = [words_of(m) for m in messages]
        characters = [characters_of(m) for m in messages]
        vectorizers = {
            # Tokens are already split by the tokenizer: one token per whitespace field.
            "words": TfidfVectorizer(
                token_pattern=r"\S+",
                ngram_range=(1, config["word_max_ngram"]),
                sublinear_tf=True,
            ).fit(words),
            "characters": TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(config["char_min_ngram"], config["char_max_ngram"]),
                sublinear_tf=True,
            ).fit(characters),
        }
        idf = {name: vectorizer.idf_ for name, vectorizer in vectorizers.items()}
        features = cls._stack(vectorizers, idf, words, characters)
        classifier = LogisticRegression(
            C=config["C"],
            max_iter=config["max_iter"],
            tol=config["tol"],
            class_weight=config.get("class_weight"),
            random_state=42,
        )
        with warnings.catch_warnings():
            # A low max_iter is a deliberate early stop (config.yml says why), not a failure.
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(features, list(labels))
        return cls({**vectorizers, "classifier": classifier})

    @staticmethod
    def _stack(
        vectorizers: Mapping[Text, Any],
        idf: Mapping[Text, FloatArray],
        words: List[str],
        characters: List[str],
    ) -> Any:
        return hstack(
            [
                tfidf_features(vectorizers["words"], idf["words"], words),
                tfidf_features(vectorizers["characters"], idf["characters"], characters),
            ]
        ).tocsr()

    def features(self, messages: Sequence[Message]) -> Any:
        """The TF-IDF feature rows of ``messages`` (words, then characters)."""
        return self._stack(
            self.parts,
            self._idf,
            [words_of(m) for m in messages],
            [characters_of(m) for m in messages],
        )

    def probabilities(self, messages: Sequence[Message]) -> FloatArray:
        """One row of label probabilities per message, columns in ``labels`` order."""
        result: FloatArray = self.parts["classifier"].predict_proba(self.features(messages))
        return result


def dump_models(models: Mapping[str, TfidfTextModel], path: Path) -> None:
    """Writes named models to one file."""
    import skops.io as sio  # skops is slow to import; only training and loading need it

    sio.dump({name: model.parts for name, model in models.items()}, path)


def load_models(path: Path) -> Dict[str, TfidfTextModel]:
    """Reads what ``dump_models`` wrote; refuses types outside ``TRUSTED_TYPES``."""
    import skops.io as sio

    return {
        name: TfidfTextModel(parts) for name, parts in sio.load(path, trusted=TRUSTED_TYPES).items()
    }


def ranking(labels: Sequence[str], row: FloatArray, limit: int) -> List[Dict[Text, Any]]:
    """``[{name, confidence}]`` best first, at most ``limit`` (0: all)."""
    order = np.argsort(-row)[: limit or len(labels)]
    return [{"name": labels[i], "confidence": float(row[i])} for i in order]
