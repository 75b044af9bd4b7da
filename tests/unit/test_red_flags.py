"""The rule-based safety net: full recall on our red-flag list, no false alarm on
general questions."""

import re
from pathlib import Path

import pytest
import yaml

from assistant.paths import ROOT
from nlu_components.red_flags import DISTRESS, EMERGENCY, RedFlagMatcher, normalise

CASES = yaml.safe_load((Path(__file__).with_name("red_flag_cases.yml")).read_text(encoding="utf-8"))
MATCHER = RedFlagMatcher.from_file(ROOT / "content" / "red_flags.yml")


def _cases(kind: str):
    return [
        pytest.param(lang, text, id=f"{lang}:{text}")
        for lang in ("en", "th")
        for text in CASES[kind][lang]
    ]


@pytest.mark.parametrize("language,text", _cases("emergency"))
def test_every_emergency_is_caught(language, text):
    found = MATCHER.match(text)
    assert found is not None and found.kind == EMERGENCY, found


@pytest.mark.parametrize("language,text", _cases("distress"))
def test_every_distress_message_is_caught(language, text):
    found = MATCHER.match(text)
    assert found is not None and found.kind == DISTRESS, found


@pytest.mark.parametrize("language,text", _cases("not_emergency"))
def test_general_questions_are_not_emergencies(language, text):
    assert MATCHER.match(text) is None


@pytest.mark.parametrize("language,text", _cases("history"))
def test_a_symptom_told_as_history_beside_a_question_is_not_an_emergency_now(language, text):
    found = MATCHER.match(text)
    # (None: a general question, "มีคน...ไหม", which the older rule already lets through)
    assert found is None or (found.kind == EMERGENCY and not found.current), found


@pytest.mark.parametrize("language,text", _cases("history_but_now"))
def test_history_words_do_not_hide_a_symptom_happening_now(language, text):
    found = MATCHER.match(text)
    assert found is not None and found.kind == EMERGENCY and found.current, found


def test_a_skin_condition_spreading_is_not_redness_spreading_from_the_injection():
    assert MATCHER.match("ด่างขาวลามขึ้นเรื่อยๆ ช่วยได้ไหมคะ") is None
    assert MATCHER.match("ผื่นลามออกไปทั้งแขน สเต็มเซลล์ช่วยได้ไหม") is None
    assert MATCHER.match("ที่ฉีดแดงลามค่ะ").current
    assert MATCHER.match("รอยแดงเริ่มลามจากจุดที่ฉีด").current


def test_list_is_big_enough_to_mean_something():
    for kind in ("emergency", "distress"):
        for language in ("en", "th"):
            assert len(CASES[kind][language]) >= 12, (kind, language)


def test_distress_wins_over_emergency_in_one_message():
    assert MATCHER.match("I can't breathe and I want to die").kind == DISTRESS


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("หายใจ  ไม่ออกกกก ค่ะ", "หายใจไม่ออกค่ะ"),
        ("I CAN\u2019T   breeeeathe", "i can't breeathe"),
        ("แน่น\u200bหน้าอก", "แน่นหน้าอก"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_lists_of_a_broken_file_fail_loudly(tmp_path):
    bad = tmp_path / "red_flags.yml"
    bad.write_text(
        "emergency:\n  en: ['(unclosed']\ndistress: {en: [], th: []}\n", encoding="utf-8"
    )
    with pytest.raises(re.error):
        RedFlagMatcher.from_file(bad)
