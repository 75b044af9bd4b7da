"""The forbidden-claims check: marketing promises are caught in both languages, while the
honest sentences that deny them are allowed."""

import pytest

from assistant.claims import compile_rules, find_forbidden_claims

MARKETING = {
    "en": [
        "UC-MSC therapy cures eczema.",
        "Guaranteed results in 2 weeks",
        "It is 100% safe.",
        "A permanent cure for psoriasis!",
        "This treatment is risk-free.",
        "There are no side effects.",
        "It is approved for psoriasis by the Thai FDA.",
        "The FDA approved it to treat eczema.",
        "Stem cells reverse ageing.",
        "It works for everyone.",
        "Clinically proven.",
        "Don't worry, it cures eczema.",
    ],
    "th": [
        "ไม่มีผลข้างเคียง 100%",
        "หายขาดแน่นอนค่ะ",
        "รับประกันผล",
        "ปลอดภัย 100% ค่ะ",
        "ได้รับการรับรองให้รักษาโรคสะเก็ดเงินแล้วค่ะ",
        "อย. อนุมัติสำหรับโรคผิวหนังแล้วค่ะ",
        "ผ่าน อย. แล้วค่ะ",
        "ช่วยย้อนวัยให้ผิวค่ะ",
        "ได้ผลกับทุกคนค่ะ",
        "ทำแล้วโรคไม่กลับมาเป็นอีกค่ะ",
    ],
}

HONEST = {
    "en": [
        "There is no guarantee.",
        "It is not a cure.",
        "We cannot promise it has no side effects.",
        "We can't guarantee results.",
        "It isn't approved for eczema or psoriasis.",
        "There is no evidence that it reverses ageing.",
        "It does not work for everyone.",
        "No treatment is risk-free.",
    ],
    "th": [
        "ไม่ได้แปลว่าไม่มีผลข้างเคียงค่ะ",
        "ไม่ใช่การรักษาให้หายขาดค่ะ",
        "การรักษาด้วย UC-MSC ไม่ใช่การรักษาให้หายขาดค่ะ",
        "เราไม่สามารถรับประกันผลได้ค่ะ",
        "ยังไม่ได้รับการรับรองให้รักษาโรคผิวหนังค่ะ",
        "ไม่มีหลักฐานว่าช่วยย้อนวัยได้ค่ะ",
        "ยังไม่มีการรับประกันใด ๆ ค่ะ",
    ],
}


def _cases(sentences):
    return [
        pytest.param(lang, text, id=f"{lang}:{text}")
        for lang, texts in sentences.items()
        for text in texts
    ]


@pytest.mark.parametrize("language,text", _cases(MARKETING))
def test_marketing_claims_are_caught(language, text):
    found = find_forbidden_claims(text, language)
    assert found, text
    assert all(claim in text for claim in found)


@pytest.mark.parametrize("language,text", _cases(HONEST))
def test_honest_negated_sentences_are_allowed(language, text):
    assert find_forbidden_claims(text, language) == []


def test_returns_every_claim_in_order_of_appearance():
    text = "Guaranteed: it cures eczema and has no side effects."
    assert find_forbidden_claims(text, "en") == ["Guaranteed", "cures", "no side effects"]


def test_a_negation_in_an_earlier_sentence_does_not_count():
    assert find_forbidden_claims("It is not cheap. It cures eczema.", "en") == ["cures"]


def test_a_negation_in_an_earlier_thai_clause_does_not_count():
    # Thai separates clauses with a space: "not expensive" does not negate "cured for good".
    assert find_forbidden_claims("ราคาไม่แพง หายขาดแน่นอนค่ะ", "th") == ["หายขาด"]


def test_a_negation_long_before_the_claim_does_not_count():
    text = "There is no doubt that after a few months of weekly sessions with us it cures eczema"
    assert find_forbidden_claims(text, "en") == ["cures"]


def test_thai_spacing_around_english_words_keeps_the_sentence_together():
    assert find_forbidden_claims("ยังไม่มีหลักฐานว่า UC-MSC ทำให้หายขาด", "th") == []


def _rules(claims):
    """One language's rules in the form of forbidden_claims.yml."""
    return {
        "negation_window": 20,
        "sentence_break": r"[.]",
        "negations": [r"\bnot\b"],
        "claims": claims,
    }


def test_rules_come_from_data():
    rules = compile_rules({"en": _rules(claims=[r"\bmagic\b"])})
    assert find_forbidden_claims("It is magic.", "en", rules) == ["magic"]
    assert find_forbidden_claims("It is not magic.", "en", rules) == []
    assert find_forbidden_claims("It cures eczema.", "en", rules) == []


def test_an_invalid_pattern_is_named():
    with pytest.raises(ValueError, match=r"en\.claims: '\(unclosed'"):
        compile_rules({"en": _rules(claims=["(unclosed"])})


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="de"):
        find_forbidden_claims("Heilt Ekzeme.", "de")
