"""Split mixed Thai/English text into words with exact character offsets.

Pure Python (no Rasa imports) so the tokenizer component, the benchmarks and the tests
share one implementation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from pythainlp.corpus import thai_words
from pythainlp.tokenize.newmm import segment as newmm_segment
from pythainlp.util import Trie, dict_trie

# The Thai Unicode block. Thai is written without spaces between words, so a run of
# these characters needs a dictionary segmenter; everything else follows English rules.
THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


@dataclass(frozen=True)
class Word:
    """A word and where it sits in the original text (``text[start:end] == word``)."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@lru_cache(maxsize=1)
def _english_tokenizer() -> spacy.tokenizer.Tokenizer:
    # spacy.blank ships the English rules in the package: no model download.
    return spacy.blank("en").tokenizer


def read_word_list(path: str) -> list[str]:
    """Read a dictionary file: one word per line, blank lines and ``#`` comments skipped."""
    with open(path, encoding="utf-8") as handle:
        return [
            line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")
        ]


class ThaiEnglishSegmenter:
    """Segment text: PyThaiNLP ``newmm`` for Thai runs, spaCy's English rules otherwise.

    Domain words (e.g. สะเก็ดเงิน) are cut out of a Thai run before ``newmm`` sees it:
    maximal matching alone may prefer another split with the same number of words
    (สะเก็ด|เงินได้|ไหม instead of สะเก็ดเงิน|ได้|ไหม).

    >>> seg = ThaiEnglishSegmenter(["สะเก็ดเงิน"])
    >>> [w.text for w in seg.segment("stem cell รักษาสะเก็ดเงินได้ไหม")]
    ['stem', 'cell', 'รักษา', 'สะเก็ดเงิน', 'ได้', 'ไหม']
    """

    def __init__(self, domain_words: Iterable[str] = ()) -> None:
        self.domain_words = sorted({w for w in domain_words if w}, key=len, reverse=True)
        self._trie: Trie = dict_trie(set(thai_words()) | set(self.domain_words))
        self._domain_pattern = (
            re.compile("|".join(map(re.escape, self.domain_words))) if self.domain_words else None
        )

    def segment(self, text: str) -> list[Word]:
        """Words of ``text`` in order; whitespace is dropped, offsets are exact."""
        words: list[Word] = []
        position = 0
        for match in THAI_RUN.finditer(text):
            words.extend(self._segment_other(text[position : match.start()], position))
            words.extend(self._segment_thai(match.group(), match.start()))
            position = match.end()
        words.extend(self._segment_other(text[position:], position))
        return words

    def _segment_thai(self, run: str, offset: int) -> Iterator[Word]:
        position = 0
        matches = self._domain_pattern.finditer(run) if self._domain_pattern else ()
        for match in matches:
            yield from self._newmm(run[position : match.start()], offset + position)
            yield Word(match.group(), offset + match.start())
            position = match.end()
        yield from self._newmm(run[position:], offset + position)

    def _newmm(self, piece: str, offset: int) -> Iterator[Word]:
        # safe_mode bounds the time newmm spends on very long ambiguous input.
        for token in newmm_segment(piece, custom_dict=self._trie, safe_mode=True):
            if not token.isspace():
                yield Word(token, offset)
            offset += len(token)

    @staticmethod
    def _segment_other(piece: str, offset: int) -> Iterator[Word]:
        if not piece or piece.isspace():
            return
        for token in _english_tokenizer()(piece):
            if not token.is_space and token.text.strip():
                yield Word(token.text, offset + token.idx)
