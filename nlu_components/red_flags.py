"""The rule-based safety net: find red-flag symptoms and distress in a message.

The lists live in ``content/red_flags.yml``; this module only normalises text and applies
them. Pure Python, so tests and the NLU component share it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional

import yaml
from pythainlp.util import normalize as thai_normalize

EMERGENCY = "emergency"
DISTRESS = "distress"
LANGUAGES = ("en", "th")

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CURLY_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_THAI_REPEAT = re.compile(r"([\u0E00-\u0E7F])\1{2,}")
_LATIN_REPEAT = re.compile(r"([a-z])\1{2,}")
_SPACE_BETWEEN_THAI = re.compile(r"(?<=[\u0E00-\u0E7F])\s+(?=[\u0E00-\u0E7F])")
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Normalise a message for rule matching.

    >>> normalise("หายใจ  ไม่ออกกกก ค่ะ")
    'หายใจไม่ออกค่ะ'
    >>> normalise("I CAN\u2019T breeeeathe")
    "i can't breeathe"
    """
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text).translate(_CURLY_QUOTES).lower()
    text = thai_normalize(text)
    text = _THAI_REPEAT.sub(r"\1", text)
    text = _LATIN_REPEAT.sub(r"\1\1", text)
    text = _SPACE_BETWEEN_THAI.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


_SENTENCE_END = re.compile(r"[.!?;\n]")


def _sentence_around(text: str, found: re.Match[str]) -> str:
    """The sentence of ``text`` that holds ``found`` (Thai runs on: its spaces are gone)."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, found.start())), default=0)
    end = _SENTENCE_END.search(text, found.end())
    return text[start : end.start() if end else len(text)]


@dataclass(frozen=True)
class RedFlag:
    """What the safety net found: ``kind`` is ``emergency`` or ``distress``.

    ``current`` is False for an emergency symptom told as history or hearsay in a message
    that asks a question ("I fainted last time I had blood taken, does it hurt?"): the
    question is answered, followed by the emergency line, instead of the emergency answer.
    """

    kind: str
    matched: str
    current: bool = True


def _compile(patterns: Mapping[str, Iterable[str]]) -> list[re.Pattern[str]]:
    compiled = []
    for language in LANGUAGES:
        for pattern in patterns.get(language, ()):
            # English phrases are whole words; Thai has no word boundaries to anchor on.
            source = rf"\b(?:{pattern})\b" if language == "en" else pattern
            compiled.append(re.compile(source))
    return compiled


class RedFlagMatcher:
    """Applies the red-flag lists. Distress is checked first: it also hands off."""

    def __init__(self, lists: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self._distress = _compile(lists[DISTRESS])
        self._emergency = _compile(lists[EMERGENCY])
        self._general_question = _compile(lists.get("general_question", {}))
        self._personal_now = _compile(lists.get("personal_now", {}))
        self._history = _compile(lists.get("history", {}))
        self._now = _compile(lists.get("now", {}))
        self._asks_what_to_do = _compile(lists.get("asks_what_to_do", {}))
        self._resolved = _compile(lists.get("resolved", {}))
        self._asks = _compile(lists.get("asks_a_question", {}))

    @classmethod
    def from_file(cls, path: str | Path) -> "RedFlagMatcher":
        """Builds a matcher from a YAML file shaped like ``content/red_flags.yml``."""
        with open(path, encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle))

    def match(self, text: str) -> Optional[RedFlag]:
        """The red flag in ``text``, or None.

        >>> matcher = RedFlagMatcher.from_file("content/red_flags.yml")
        >>> matcher.match("ฉีดเมื่อวาน ตอนนี้ไข้สูงหนาวสั่นค่ะ").kind
        'emergency'
        >>> matcher.match("can it cause a high fever?") is None
        True
        """
        normalised = normalise(text)
        for pattern in self._distress:
            found = pattern.search(normalised)
            if found:
                return RedFlag(DISTRESS, found.group())
        symptoms = [
            found
            for pattern in self._emergency
            for found in pattern.finditer(normalised)
            if not self._is_general_question(normalised, found)
        ]
        if not symptoms:
            return None
        current = not (
            self._asks_a_question_only(normalised)
            and all(self._told_as_history(normalised, symptom) for symptom in symptoms)
        )
        return RedFlag(EMERGENCY, symptoms[0].group(), current)

    def _asks_a_question_only(self, text: str) -> bool:
        """Asks a question, and not what to do or for help."""
        asks = "?" in text or any(p.search(text) for p in self._asks)
        return asks and not any(p.search(text) for p in self._asks_what_to_do)

    def _told_as_history(self, text: str, symptom: re.Match[str]) -> bool:
        """Told as history or hearsay, with nothing saying it is happening now (see the
        ``history`` list's comment in content/red_flags.yml)."""
        sentence = _sentence_around(text, symptom)
        for pattern in self._resolved:
            sentence = pattern.sub(" ", sentence)
        if any(p.search(sentence) for p in self._now):
            return False
        return any(p.search(sentence) for p in self._history)

    def _is_general_question(self, text: str, symptom: re.Match[str]) -> bool:
        if any(p.search(text) for p in self._personal_now):
            return False
        return any(
            clause.start() <= symptom.start() and clause.end() >= symptom.end()
            for pattern in self._general_question
            for clause in pattern.finditer(text)
        )
