"""Texts that the Rasa server itself sends (channel notices, the "cannot answer" apology).

They come from the same validated ``content/messages.yml`` as the actions' replies, so
every word a patient reads still lives in one place.
"""

from __future__ import annotations

from typing import Optional

from assistant.content import Content, load_content
from assistant.language import default_rules


class ChannelTexts:
    """The server's own texts, from ``content/messages.yml`` (validated on load)."""

    def __init__(self, content: Optional[Content] = None) -> None:
        self.content = content or load_content()
        self.default_language = default_rules().default

    def texts(self, key: str, language: str) -> list[str]:
        return list(self.content.messages[key].messages[language])

    def text(self, key: str, language: str) -> str:
        """The reply ``key`` as one text (its messages as paragraphs)."""
        return "\n\n".join(self.texts(key, language))

    def topic(self, key: str) -> str:
        return self.content.messages[key].topic

    def both_languages(self, key: str) -> list[str]:
        """Thai first, then English: for chats whose language nobody knows (groups)."""
        return ["\n\n".join(self.texts(key, "th") + self.texts(key, "en"))]
