"""Texts the web channel sends by itself, before a message reaches Rasa.

They come from ``content/messages.yml`` through the shared ``ChannelTexts`` (the same
validated content as the actions' replies); the channel only picks the language and fills
``{max_chars}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from channels.texts import ChannelTexts

LANGUAGES = ("th", "en")
_THAI = re.compile("[\u0e00-\u0e7f]")
_LATIN = re.compile("[A-Za-z]")


@dataclass(frozen=True)
class Notice:
    """One text to send, with the metadata the widget expects on bot messages."""

    text: str
    topic: str
    language: str


def notice_language(text: str, hint: Optional[str], default: str = "th") -> str:
    """The language to answer a message the channel refuses: its script, else the page's.

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
    return hint if hint in LANGUAGES else default


class Notices:
    """The channel's notices (``chat.too_long``, ``chat.text_only``)."""

    def __init__(self, max_chars: int, texts: Optional[ChannelTexts] = None) -> None:
        self.texts = texts or ChannelTexts()
        self.max_chars = max_chars

    @property
    def default_language(self) -> str:
        return self.texts.default_language

    def get(self, key: str, language: str) -> Notice:
        text = "\n\n".join(self.texts.texts(key, language)).replace("{max_chars}", str(self.max_chars))
        return Notice(text=text.strip(), topic=self.texts.content.messages[key].topic, language=language)
