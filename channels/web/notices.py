"""Texts the web channel sends by itself, before a message reaches Rasa.

They come from ``content/messages.yml`` through the shared ``ChannelTexts`` (the same
validated content as the actions' replies); the channel only picks the language (the one
language rule, ``assistant.language``) and fills ``{max_chars}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from assistant.language import message_language
from assistant.texts import ChannelTexts


@dataclass(frozen=True)
class Notice:
    """One text to send, with the metadata the widget expects on bot messages."""

    text: str
    topic: str
    language: str


class Notices:
    """The channel's notices (``chat.too_long``, ``chat.text_only``)."""

    def __init__(self, max_chars: int, texts: Optional[ChannelTexts] = None) -> None:
        self.texts = texts or ChannelTexts()
        self.max_chars = max_chars

    def get(self, key: str, text: str, hint: Optional[str]) -> Notice:
        """The notice ``key`` for a refused message ``text`` (in its language, else the hint's)."""
        language = message_language(text[:500], hint)
        body = self.texts.text(key, language).replace("{max_chars}", str(self.max_chars))
        return Notice(text=body.strip(), topic=self.texts.topic(key), language=language)
