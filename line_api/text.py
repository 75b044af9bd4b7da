"""LINE's limits on messages, and text measured, shortened and split the way LINE counts it.

LINE counts text length in UTF-16 code units (an emoji counts 2) and takes at most 5
message objects per call, text up to 5,000 characters, 13 quick-reply items with labels up
to 20 characters.
"""

from __future__ import annotations

import re

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_DISPLAY_TEXT = 300
MAX_POSTBACK_DATA = 300
ELLIPSIS = "…"
PARAGRAPH = "\n\n"
_THAI_MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def line_length(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units: an emoji counts 2).

    >>> line_length("สเต็มเซลล์"), line_length("👍")
    (10, 2)
    """
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` LINE characters, with an ellipsis if cut.

    >>> shorten("ค่าใช้จ่ายและการนัดหมายล่วงหน้า", 20)
    'ค่าใช้จ่ายและการนัด…'
    """
    if line_length(text) <= limit:
        return text
    cut = _prefix_within(text, limit - 1)
    # Never separate a Thai letter from its vowel or tone mark: that changes the word.
    while cut > 1 and _THAI_MARK.match(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces of at most ``limit``: at paragraphs, then lines, then spaces.

    >>> split_text("aaa bbb ccc", 7)
    ['aaa bbb', 'ccc']
    """
    text = text.strip()
    if not text:
        return []
    if line_length(text) <= limit:
        return [text]
    for separator in (PARAGRAPH, "\n", " "):
        cut = _last_separator_within(text, separator, limit)
        if cut > 0:
            return [text[:cut].strip(), *split_text(text[cut:], limit)]
    cut = _prefix_within(text, limit)
    return [text[:cut], *split_text(text[cut:], limit)]


def _prefix_within(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` LINE characters (at least 1)."""
    length = 0
    for index, char in enumerate(text):
        length += line_length(char)
        if length > limit:
            return max(index, 1)
    return len(text)


def _last_separator_within(text: str, separator: str, limit: int) -> int:
    return text.rfind(separator, 0, _prefix_within(text, limit) + 1)
