"""The words of a patient message that say what it is about (for grouping similar ones)."""

from __future__ import annotations

import re

from pythainlp.corpus import thai_stopwords
from pythainlp.tokenize import word_tokenize
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = re.compile(r"[a-z0-9]+|[\u0e00-\u0e7f]+")
# Question particles and politeness say nothing about the question (PyThaiNLP's list has
# most; these are the spoken forms patients type).
_SPOKEN = {"ไหม", "มั้ย", "ไม๊", "เปล่า", "หรือเปล่า", "ป่าว", "คะ", "ค่ะ", "ครับ", "คับ", "นะ", "จ้า"}
STOP_WORDS = frozenset(thai_stopwords()) | ENGLISH_STOP_WORDS | _SPOKEN | {"ka", "krub"}


def wording(text: str) -> list[str]:
    """The words of ``text`` that say what it is about, lower case, in order.

    Thai is cut into words by PyThaiNLP's ``newmm`` (as the NLU's tokenizer does); stop
    words and polite particles are left out.

    >>> wording("การรักษานี้ฮาลาลไหมคะ")
    ['การรักษา', 'ฮาลาล']
    >>> wording("Is this therapy halal?")
    ['therapy', 'halal']
    """
    found = []
    for token in word_tokenize(text.lower(), engine="newmm", keep_whitespace=False):
        for word in _WORD.findall(token):
            if word not in STOP_WORDS and not word.isdigit():
                found.append(word)
    return found
