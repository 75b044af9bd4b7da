"""The one masking function: what reviewers see instead of personal data."""

import pytest

from console.staff.masking import mask_personal_data, shown

CASES = [
    ("โทร 081-234-5678 นะคะ", "โทร [phone] นะคะ"),
    ("เบอร์ 0812345678", "เบอร์ [phone]"),
    ("call me on +66 81 234 5678", "call me on [phone]"),
    ("office 02-123-4567", "office [phone]"),
    ("อีเมล somchai.j@example.co.th ค่ะ", "อีเมล [email] ค่ะ"),
    ("เลขบัตรประชาชน 1-2345-67890-12-3", "เลขบัตรประชาชน [national ID]"),
    ("id 1234567890123 ok", "id [national ID] ok"),
    ("ไลน์ไอดี: nok.123", "ไลน์ไอดี: [LINE ID]"),
    ("ไลน์ @somchai", "ไลน์ [LINE ID]"),
    ("my LINE id is somchai_88", "my LINE id is [LINE ID]"),
    ("line: my_id", "line: [LINE ID]"),
    ("add me @nok99", "add me [LINE ID]"),
    ("U4af4980629ae1b2c3d4e5f6a7b8c9d0e wrote", "[LINE ID] wrote"),
]

KEPT = [
    "โทร 1669 ทันทีค่ะ",  # the emergency number is not personal data
    "ราคา 150,000 บาท",
    "ปี 2567 อายุ 35 ปี",
    "a line of treatment",
    "online consultation",
    "สเต็มเซลล์คืออะไรคะ",
]


@pytest.mark.parametrize("text,masked", CASES)
def test_personal_data_is_masked(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_kept(text):
    assert mask_personal_data(text) == text


def test_masking_is_stable():
    for _text, masked in CASES:
        assert mask_personal_data(masked) == masked


def test_shown_masks_only_for_reviewers():
    assert shown("0812345678", unmasked=True) == "0812345678"
    assert shown("0812345678", unmasked=False) == "[phone]"
