"""The condition, kind of patient and age a message names (content/patient_context.yml),
matched on the real tokenizer's tokens."""

import pytest

from assistant.paths import CONTENT_DIR
from nlu_components.patient_context import PatientContextMatcher, TokenSpan
from nlu_components.thai_english_segmenter import ThaiEnglishSegmenter, read_word_list

MATCHER = PatientContextMatcher.from_file(CONTENT_DIR / "patient_context.yml")
SEGMENTER = ThaiEnglishSegmenter(read_word_list(CONTENT_DIR / "thai_domain_words.txt"))


def named(text: str) -> dict[str, str]:
    tokens = [TokenSpan(w.text, w.start, w.end) for w in SEGMENTER.segment(text)]
    return {found.kind: found.value for found in MATCHER.find(text, tokens)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("เป็นสะเก็ดเงินมา 5 ปีค่ะ สเต็มเซลล์ช่วยได้ไหม", {"condition": "psoriasis"}),
        ("เป็นสะเก็ตเงินค่ะ", {"condition": "psoriasis"}),  # a common misspelling
        ("เป็น psoriasis มานานแล้วค่ะ", {"condition": "psoriasis"}),  # English inside Thai
        (
            "My daughter is 6 and has bad eczema",
            {"condition": "atopic_dermatitis", "population": "child", "age": "6"},
        ),
        ("ลูกอายุ 8 ขวบ ทำได้ไหมครับ", {"population": "child", "age": "8"}),
        (
            "แม่อายุ 70 เป็นผื่นภูมิแพ้ผิวหนัง",
            {"condition": "atopic_dermatitis", "population": "older", "age": "70"},
        ),
        ("my son is 15, can he have it", {"population": "teen", "age": "15"}),
        ("I'm pregnant, is it safe for me?", {"population": "pregnant"}),
        ("can I do it while breastfeeding", {"population": "breastfeeding"}),
        ("does it help vitiligo", {"condition": "vitiligo"}),
        ("I have hand eczema", {"condition": "other_dermatitis"}),  # the longest word wins
        ("acne scars on my cheeks", {"condition": "scars"}),
        # her baby is not who the question is about
        ("ให้นมลูกอยู่ค่ะ ลูก 3 เดือน ทำได้ไหม", {"population": "breastfeeding"}),
        ("pregnant with my second child, is it safe", {"population": "pregnant"}),
        # since childhood names nobody; the condition is still named
        ("เป็นผื่นภูมิแพ้ตั้งแต่เด็ก ทำได้ไหม", {"condition": "atopic_dermatitis"}),
        ("I've had eczema since I was a kid", {"condition": "atopic_dermatitis"}),
        ("my childhood eczema came back", {"condition": "atopic_dermatitis"}),
        ("my kid has eczema", {"population": "child", "condition": "atopic_dermatitis"}),
        # ages said in passing; an age wins over "daughter", not over pregnancy
        ("my girl just turned 16, can she do it", {"population": "teen", "age": "16"}),
        ("I'm 35 and pregnant, is it safe", {"population": "pregnant", "age": "35"}),
        ("I'm 16 and pregnant", {"population": "pregnant", "age": "16"}),
        ("I'm 2 weeks pregnant", {"population": "pregnant"}),
        (
            "my dad (81) has psoriasis",
            {"population": "older", "age": "81", "condition": "psoriasis"},
        ),
        ("she's only 9", {"population": "child", "age": "9"}),
        ("ลูกสาว 16 ปี ทำได้ไหมคะ", {"population": "teen", "age": "16"}),
        ("พ่อ 72 เป็นสะเก็ดเงิน", {"population": "older", "age": "72", "condition": "psoriasis"}),
        ("มีลูก 2 คน ให้นมลูกอยู่", {"population": "breastfeeding"}),
        ("เป็นเรื้อนกวางมานาน", {"condition": "psoriasis"}),  # the older Thai name
        ("เป็นผื่นแพ้ที่ข้อพับค่ะ", {"condition": "atopic_dermatitis"}),
    ],
)
def test_what_a_message_names(text, expected):
    assert named(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared of needles",  # "scar" inside "scared"
        "ลูกค้าถามว่าราคาเท่าไหร่",  # ลูก (child) inside ลูกค้า (customer)
        "what are the side effects",
        "เป็นมา 5 ปีแล้ว",  # how long, not an age
        "เคยเป็นผื่นแพ้ยา",  # a drug rash is not eczema
    ],
)
def test_words_inside_other_words_and_durations_name_nothing(text):
    assert named(text) == {}


def test_the_age_decides_the_kind_of_patient():
    assert [MATCHER.population_of_age(a) for a in (4, 12, 13, 17, 18, 64, 65)] == [
        "child",
        "child",
        "teen",
        "teen",
        None,
        None,
        "older",
    ]
