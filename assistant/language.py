"""Which language to answer in: the language slot's logic.

The script of the message decides (Thai letters -> ``th``, Latin letters -> ``en``); a
message without letters (emoji, numbers, a button payload) keeps the previous language;
a first message may bring a hint in its metadata; a request to switch names its target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml

from assistant.paths import CONTENT_DIR

LANGUAGES = ("th", "en")
"""The languages the assistant speaks; every text in ``content/`` exists in each."""
_THAI_LETTER = re.compile(r"[\u0E01-\u0E2E\u0E30-\u0E3A\u0E40-\u0E4E]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# A share of Thai letters this large means a Thai sentence with English terms in it
# ("สเต็มเซลล์ MSC คืออะไร"); below it, an English sentence quoting a Thai word.
THAI_SHARE = 0.25


@dataclass(frozen=True)
class LanguageRules:
    """The word lists of ``content/language.yml``."""

    switch_to: Mapping[str, tuple[str, ...]]
    romanised_thai: tuple[str, ...]
    default: str

    @classmethod
    def load(cls, path: Path = CONTENT_DIR / "language.yml") -> "LanguageRules":
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        return cls(
            switch_to={lang: tuple(words) for lang, words in data["switch_to"].items()},
            romanised_thai=tuple(data["romanised_thai"]),
            default=data["default"],
        )


@lru_cache(maxsize=1)
def default_rules() -> LanguageRules:
    """The rules of ``content/language.yml`` (read once)."""
    return LanguageRules.load()


def _has_word(text: str, words: Iterable[str]) -> bool:
    lowered = text.lower()
    for word in words:
        if re.search(r"[\u0E00-\u0E7F]", word):
            if word in lowered:
                return True
        elif re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered):
            return True
    return False


def script_language(text: str, rules: Optional[LanguageRules] = None) -> Optional[str]:
    """The language a message is written in, or None when it has no letters.

    This is the one language rule: the action server, the channels' own notices, the
    apology and the content checks all use it.

    >>> script_language("สเต็มเซลล์ MSC คืออะไรคะ")
    'th'
    >>> script_language("sawasdee krub"), script_language("what is MSC")
    ('th', 'en')
    >>> script_language("👍 555") is None
    True
    """
    if text.lstrip().startswith("/"):  # an intent payload from a button, not words
        return None
    thai = len(_THAI_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if thai + latin == 0:
        return None
    if thai / (thai + latin) >= THAI_SHARE:
        return "th"
    return "th" if _has_word(text, (rules or default_rules()).romanised_thai) else "en"


def requested_language(text: str, rules: Optional[LanguageRules] = None) -> Optional[str]:
    """The language someone asks to switch to ("English please" -> ``en``).

    >>> requested_language("ภาษาไทยได้ไหม")
    'th'
    """
    rules = rules or default_rules()
    found = [lang for lang in LANGUAGES if _has_word(text, rules.switch_to.get(lang, ()))]
    return found[0] if len(found) == 1 else None


def choose_language(
    text: str,
    previous: Optional[str],
    metadata: Optional[Mapping[str, Any]],
    is_switch_request: bool,
    rules: Optional[LanguageRules] = None,
) -> str:
    """The language to answer this message in.

    >>> choose_language("😊", "en", None, False)
    'en'
    >>> choose_language("😊", None, {"language": "en"}, False)
    'en'
    >>> choose_language("can you answer in thai", "en", None, True)
    'th'
    """
    rules = rules or default_rules()
    if is_switch_request:
        target = requested_language(text, rules)
        if target:
            return target
    detected = script_language(text, rules)
    if detected:
        return detected
    if previous in LANGUAGES:
        return previous
    hint = (metadata or {}).get("language")
    if isinstance(hint, str) and hint[:2].lower() in LANGUAGES:
        return hint[:2].lower()
    return rules.default


def language_or_default(language: Any, rules: Optional[LanguageRules] = None) -> str:
    """``language`` when it is one of ours (``"th"``/``"en"``), else the default.

    >>> language_or_default("en"), language_or_default("fr")
    ('en', 'th')
    """
    return language if language in LANGUAGES else (rules or default_rules()).default


def message_language(text: str, hint: Any = None, rules: Optional[LanguageRules] = None) -> str:
    """The language of a single message seen outside a conversation (a refused message,
    the apology): its script, else the hint (a page's or profile's language), else the
    default.

    >>> message_language("สวัสดีค่ะ", "en"), message_language("12345", "en"), message_language("hi")
    ('th', 'en', 'en')
    """
    hint_language = hint[:2].lower() if isinstance(hint, str) else None
    return script_language(text, rules) or language_or_default(hint_language, rules)
