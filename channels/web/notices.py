"""Texts the web channel sends by itself, before a message reaches Rasa.

They live in ``content/messages.yml`` next to everything else the assistant says; the
channel only picks the language and fills ``{max_chars}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

MESSAGES_FILE = Path(__file__).resolve().parents[2] / "content" / "messages.yml"
LANGUAGES = ("th", "en")
_THAI = re.compile("[\u0e00-\u0e7f]")
_LATIN = re.compile("[A-Za-z]")


@dataclass(frozen=True)
class Notice:
    """One text to send, with the metadata the widget expects on bot messages."""

    text: str
    topic: str
    language: str


def notice_language(text: str, hint: Optional[str]) -> str:
    """The language to answer a message the channel refuses.

    >>> notice_language("สวัสดีค่ะ" * 3, "en")
    'th'
    >>> notice_language("hello", None)
    'en'
    >>> notice_language("12345", "en")
    'en'
    """
    thai, latin = len(_THAI.findall(text)), len(_LATIN.findall(text))
    if thai or latin:
        return "th" if thai >= latin else "en"
    return hint if hint in LANGUAGES else "th"


class Notices:
    """The channel's notices, loaded once from the content file."""

    def __init__(self, entries: Mapping[str, Any], max_chars: int) -> None:
        self._entries = entries
        self._max_chars = max_chars

    @classmethod
    def load(cls, max_chars: int, path: Path = MESSAGES_FILE) -> "Notices":
        with open(path, encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle), max_chars)

    def get(self, key: str, language: str) -> Notice:
        entry = self._entries[key]
        text = "\n".join(entry[language]).format(max_chars=self._max_chars)
        return Notice(text=text.strip(), topic=entry["topic"], language=language)
