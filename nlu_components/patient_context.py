"""Who and what a message is about: the condition named, the kind of patient, an age.

The words live in ``content/patient_context.yml`` (Thai, English, the misspellings patients
type, English terms inside Thai). A word matches a run of the tokenizer's tokens whose
letters, spaces left out, are the word's: "เป็นสะเก็ดเงินมา" (เป็น|สะเก็ดเงิน|มา) names
psoriasis, but "ลูกค้า" (one token) does not name a child the way "ลูก" does. Ages come
from patterns ("6 ขวบ", "อายุ 70", "my daughter is 6") and decide the kind of patient
(child, teen, older) when one is given.

Why not Rasa's ``RegexEntityExtractor`` with lookup tables: it matches on ``\\b`` word
boundaries, which Thai text does not have (no spaces between words), or, switched off,
inside any word ("scar" in "scared"); and it only extracts entities that are annotated in
the training examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

import yaml

MAX_TOKENS_PER_WORD = 8
CONDITION, POPULATION, AGE = "condition", "population", "age"
NOBODY = "nobody"  # a word of `not_about_the_patient`: matched, then dropped
MOTHERS = frozenset({"pregnant", "breastfeeding"})


@dataclass(frozen=True)
class Found:
    """One thing the message names: ``kind`` is condition, population or age."""

    kind: str
    value: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TokenSpan:
    """What the matcher needs of a token: its text and where it is in the message."""

    text: str
    start: int
    end: int


def _key(text: str) -> str:
    return re.sub(r"[\s\-_.]+", "", text.lower())


class PatientContextMatcher:
    """Finds conditions, populations and ages in a tokenized message."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._words: dict[str, tuple[str, str]] = {}
        for kind, section in ((CONDITION, "conditions"), (POPULATION, "populations")):
            for value, words in data[section].items():
                for word in [*words.get("en", []), *words.get("th", [])]:
                    self._words.setdefault(_key(word), (kind, value))
        ignored = data.get("not_about_the_patient") or {}
        for word in [*ignored.get("en", []), *ignored.get("th", [])]:
            self._words[_key(word)] = (NOBODY, "")
        ages = data["ages"]
        self._age_patterns = [re.compile(p, re.IGNORECASE) for p in ages["patterns"]]
        self._child_below = int(ages["child_below"])
        self._teen_below = int(ages["teen_below"])
        self._older_from = int(ages["older_from"])

    @classmethod
    def from_file(cls, path: str | Path) -> "PatientContextMatcher":
        with open(path, encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle))

    def find(self, text: str, tokens: Sequence[TokenSpan]) -> list[Found]:
        """Everything ``text`` names, in order; the longest word wins where words overlap.

        An age also names the population it falls in (a 6-year-old is a child), and then
        wins over a population word ("my son is 15": teen, not child). Pregnancy and
        breastfeeding win over a child named in the same message (her baby) and over an
        age.
        """
        found = [f for f in self._words_in(tokens) if f.kind != NOBODY]
        mother = any(f.kind == POPULATION and f.value in MOTHERS for f in found)
        ages = self._ages_in(text)
        if mother or ages:
            # A pregnant or breastfeeding patient asks about herself: the child she
            # mentions ("ลูก 2 เดือน", "the baby") is not who the question is about. An age
            # wins over the words that say how old someone is ("my daughter just turned
            # 15": teen), not over pregnancy or breastfeeding ("I'm 35 and pregnant").
            found = [f for f in found if f.kind != POPULATION or f.value in MOTHERS]
            for age in ages:
                found.append(age)
                population = self.population_of_age(int(age.value))
                if population and not mother:
                    found.append(Found(POPULATION, population, age.start, age.end, age.text))
        return sorted(found, key=lambda f: (f.start, f.kind))

    def population_of_age(self, age: int) -> Optional[str]:
        if age < self._child_below:
            return "child"
        if age < self._teen_below:
            return "teen"
        if age >= self._older_from:
            return "older"
        return None

    def _words_in(self, tokens: Sequence[TokenSpan]) -> list[Found]:
        found: list[Found] = []
        index = 0
        while index < len(tokens):
            match = self._longest_at(tokens, index)
            if match:
                found.append(match[0])
                index = match[1]
            else:
                index += 1
        return found

    def _longest_at(self, tokens: Sequence[TokenSpan], index: int) -> Optional[tuple[Found, int]]:
        best: Optional[tuple[Found, int]] = None
        joined = ""
        for end in range(index, min(len(tokens), index + MAX_TOKENS_PER_WORD)):
            joined += _key(tokens[end].text)
            hit = self._words.get(joined)
            if hit:
                kind, value = hit
                span = Found(kind, value, tokens[index].start, tokens[end].end, joined)
                best = (span, end + 1)
        return best

    def _ages_in(self, text: str) -> list[Found]:
        ages = []
        for pattern in self._age_patterns:
            for match in pattern.finditer(text):
                age = match.group("age")
                if age.isdigit() and 0 < int(age) < 120:
                    ages.append(
                        Found(AGE, str(int(age)), match.start(), match.end(), match.group(0))
                    )
        return _first_per_position(ages)


def _first_per_position(found: Iterable[Found]) -> list[Found]:
    """One age per place in the text (two patterns may match the same words)."""
    seen: set[int] = set()
    result = []
    for item in sorted(found, key=lambda f: f.start):
        if item.start not in seen and not any(item.start < s < item.end for s in seen):
            seen.add(item.start)
            result.append(item)
    return result
