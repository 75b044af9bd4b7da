"""The language slot's logic: script, no-letter messages, hints, switch requests."""

import pytest

from assistant.language import LanguageRules, choose_language, requested_language, script_language

RULES = LanguageRules.load()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("สเต็มเซลล์คืออะไรคะ", "th"),
        ("what is uc-msc therapy", "en"),
        ("สเต็มเซลล์ MSC จาก umbilical cord คืออะไร", "th"),  # Thai sentence, English terms
        ("Is it approved by อย.?", "en"),  # English sentence quoting a Thai abbreviation
        ("sawasdee krub", "th"),  # romanised Thai
        ("raka tao rai ka", "th"),
        ("do you have a khaki sofa", "en"),  # "kha" only as a whole word
        ("👍", None),
        ("555 😂", None),
        ("", None),
        ("/therapy_safety", None),  # a button payload is not words
        ("<img src=x onerror=alert(1)>", "en"),
    ],
)
def test_script_language(text, expected):
    assert script_language(text, RULES) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("English please", "en"),
        ("ภาษาไทยได้ไหม", "th"),
        ("can you answer in thai", "th"),
        ("พูดอังกฤษได้ไหมคะ", "en"),
        ("other language please", None),
    ],
)
def test_requested_language(text, expected):
    assert requested_language(text, RULES) == expected


def test_no_letters_keep_the_previous_language():
    assert choose_language("👍", "en", None, False, RULES) == "en"
    assert choose_language("12345", "th", {"language": "en"}, False, RULES) == "th"


def test_first_message_hint_is_used_when_script_cannot_tell():
    assert choose_language("😊", None, {"language": "en"}, False, RULES) == "en"
    assert choose_language("/chat_greet", None, {"language": "en-US"}, False, RULES) == "en"


def test_script_beats_the_hint():
    assert choose_language("สวัสดีค่ะ", None, {"language": "en"}, False, RULES) == "th"


def test_switch_request_names_its_target():
    assert choose_language("can you speak thai?", "en", None, True, RULES) == "th"
    assert choose_language("ขอเป็นภาษาอังกฤษได้ไหม", "th", None, True, RULES) == "en"


def test_nothing_known_falls_back_to_the_default():
    assert choose_language("🙏", None, None, False, RULES) == RULES.default
    assert choose_language("🙏", None, {"language": "fr"}, False, RULES) == RULES.default
