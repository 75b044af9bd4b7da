"""The "sorry, I can't answer right now" apology that the two apology changes send.

Its words are ``service.unavailable`` in ``content/messages.yml``; its language is the
conversation's (or, for a message that could not be handled, the message's own).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Optional

from rasa.shared.core.events import BotUttered

from assistant.language import language_or_default, message_language
from assistant.texts import ChannelTexts

APOLOGY_KEY = "service.unavailable"


@lru_cache(maxsize=1)
def _texts() -> ChannelTexts:
    return ChannelTexts()


def apology_event(tracker: Any) -> BotUttered:
    """The apology as a bot event, in the conversation's language."""
    language = language_or_default(tracker.get_slot("language") if tracker is not None else None)
    return BotUttered(
        _texts().text(APOLOGY_KEY, language),
        metadata={"topic": APOLOGY_KEY, "language": language},
    )


def apology_for_message(
    text: Optional[str], metadata: Optional[Mapping[str, Any]]
) -> tuple[str, str]:
    """(language, text) of the apology for a message that could not be handled."""
    language = message_language(text or "", (metadata or {}).get("language"))
    return language, _texts().text(APOLOGY_KEY, language)
