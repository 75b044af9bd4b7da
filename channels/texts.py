"""Texts that the Rasa server itself sends (channel notices, the "cannot answer" apology).

They come from the same validated ``content/messages.yml`` as the actions' replies, so
every word a patient reads still lives in one place.
"""
from __future__ import annotations


class ChannelTexts:
    """The channel's own notices, from ``content/messages.yml`` (validated on load)."""

    def __init__(self) -> None:
        from actions.content import load_content  # the same validated content as the actions
        from actions.language import LanguageRules

        self.content = load_content()
        self.default_language = LanguageRules.load().default

    def texts(self, key: str, language: str) -> list[str]:
        return list(self.content.messages[key].messages[language])

    def both_languages(self, key: str) -> list[str]:
        """Thai first, then English: for chats whose language nobody knows (groups)."""
        return ["\n\n".join(self.texts(key, "th") + self.texts(key, "en"))]
