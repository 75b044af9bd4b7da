"""Thai/English segmentation: words, exact offsets, the domain dictionary."""

import pytest

from assistant.paths import ROOT
from nlu_components.thai_english_segmenter import ThaiEnglishSegmenter, read_word_list

DOMAIN_WORDS = read_word_list(str(ROOT / "content" / "thai_domain_words.txt"))
SEGMENTER = ThaiEnglishSegmenter(DOMAIN_WORDS)


def words(text: str) -> list[str]:
    return [w.text for w in SEGMENTER.segment(text)]


def assert_offsets_exact(text: str) -> None:
    for word in SEGMENTER.segment(text):
        assert text[word.start : word.end] == word.text


def test_thai_sentence_is_split_into_words():
    assert words("ราคาเท่าไหร่ครับ") == ["ราคา", "เท่าไหร่", "ครับ"]


def test_english_follows_spacy_rules():
    assert words("can't breathe, it's bad!") == [
        "ca",
        "n't",
        "breathe",
        ",",
        "it",
        "'s",
        "bad",
        "!",
    ]


def test_mixed_script_keeps_both():
    assert words("stem cell รักษาสะเก็ดเงินได้ไหม") == ["stem", "cell", "รักษา", "สะเก็ดเงิน", "ได้", "ไหม"]


@pytest.mark.parametrize("term", ["สเต็มเซลล์", "สายสะดือ", "สะเก็ดเงิน", "ผื่นภูมิแพ้ผิวหนัง"])
def test_domain_terms_stay_whole(term):
    assert term in words(f"อยากรู้เรื่อง{term}ได้ไหมคะ")


def test_without_the_dictionary_a_domain_term_is_split():
    # Shows the dictionary is what keeps the term whole (newmm alone splits it).
    plain = [w.text for w in ThaiEnglishSegmenter().segment("สเตมเซลมีผลข้างเคียงไหม")]
    assert "สเตมเซล" not in plain
    assert "สเตมเซล" in words("สเตมเซลมีผลข้างเคียงไหม")


@pytest.mark.parametrize(
    "text",
    [
        "  สเต็มเซลล์   คืออะไร  ",
        "UC-MSC คือ อะไร?? 😊😊",
        "ผื่นภูมิแพ้ผิวหนัง\nและ\tสะเก็ดเงิน",
        "ค่าใช้จ่าย 150,000 บาท ไหม",
        "<script>alert(1)</script> สวัสดี",
        "x\x00y\x07z สวัสดี",
    ],
)
def test_offsets_are_exact_and_whitespace_is_dropped(text):
    assert_offsets_exact(text)
    assert all(w.text.strip() == w.text and w.text for w in SEGMENTER.segment(text))


def test_empty_and_emoji_only():
    assert words("") == []
    assert words("   ") == []
    assert words("👍👍") != []


def test_long_input_is_segmented():
    text = "สเต็มเซลล์รักษาสะเก็ดเงินได้ไหม" * 300
    result = SEGMENTER.segment(text)
    assert len(result) >= 300 * 4
    assert_offsets_exact(text)
