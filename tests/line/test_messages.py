"""Rasa bot messages -> LINE message objects within LINE's limits, nothing dropped."""

from __future__ import annotations

import pytest

from channels.line.messages import (
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    line_length,
    quick_replies,
    shorten,
    split_text,
    to_line_batches,
)
from harness.fake_line_api import message_problems


def texts_of(batches):
    return [m["text"] for batch in batches for m in batch if m["type"] == "text"]


def words(texts):
    return " ".join(texts).split()


def test_a_normal_turn_is_one_batch_with_quick_replies_on_the_last_message():
    turn = [
        {"text": "UC-MSC therapy uses cells from donated umbilical cords."},
        {
            "text": "This is general information, not medical advice.",
            "buttons": [
                {"title": "Is it safe?", "payload": "/therapy_safety"},
                {"title": "Cost", "payload": "/therapy_cost"},
            ],
        },
    ]
    (batch,) = to_line_batches(turn)
    assert [m["text"] for m in batch] == [turn[0]["text"], turn[1]["text"]]
    items = batch[-1]["quickReply"]["items"]
    assert [i["action"] for i in items] == [
        {
            "type": "postback",
            "label": "Is it safe?",
            "data": "/therapy_safety",
            "displayText": "Is it safe?",
        },
        {"type": "postback", "label": "Cost", "data": "/therapy_cost", "displayText": "Cost"},
    ]
    assert "quickReply" not in batch[0]
    assert message_problems(batch) == []


def test_more_than_five_messages_are_merged_into_five_keeping_every_word_in_order():
    turn = [{"text": f"paragraph {i} " + "word " * i} for i in range(9)]
    (batch,) = to_line_batches(turn)
    assert len(batch) == MAX_MESSAGES
    assert words(texts_of([batch])) == words(m["text"] for m in turn)
    assert message_problems(batch) == []


def test_a_text_longer_than_5000_is_split_at_paragraphs_without_loss():
    paragraphs = [("สเต็มเซลล์ " * 150).strip() for _ in range(6)]  # ~1650 chars each
    (batch,) = to_line_batches([{"text": "\n\n".join(paragraphs)}])
    assert all(line_length(m["text"]) <= MAX_TEXT for m in batch)
    assert len(batch) >= 2
    assert words(texts_of([batch])) == words(paragraphs)
    assert message_problems(batch) == []


def test_a_huge_turn_goes_out_in_several_batches_never_dropping_text():
    turn = [{"text": "x" * 4900} for _ in range(7)]  # no two fit into one message
    batches = to_line_batches(turn)
    assert [len(b) for b in batches] == [5, 2]
    assert texts_of(batches) == [m["text"] for m in turn]
    assert all(message_problems(b) == [] for b in batches)


def test_a_single_unbroken_text_is_cut_hard():
    assert [len(p) for p in split_text("a" * 12_000)] == [5000, 5000, 2000]


def test_emoji_count_double_like_line_counts_them():
    pieces = split_text("😀" * 3000)
    assert all(line_length(p) <= MAX_TEXT for p in pieces) and "".join(pieces) == "😀" * 3000


def test_at_most_13_quick_replies_and_the_rest_kept_in_the_text():
    buttons = [{"title": f"Topic {i}", "payload": f"/topic_{i}"} for i in range(16)]
    (batch,) = to_line_batches([{"text": "Choose:", "buttons": buttons}])
    assert len(batch[-1]["quickReply"]["items"]) == MAX_QUICK_REPLIES
    shown = "\n".join(texts_of([batch]))
    assert all(f"Topic {i}" in shown for i in (13, 14, 15))
    assert message_problems(batch) == []


def test_long_labels_are_shortened_and_the_full_title_is_kept():
    title = "ความปลอดภัยและผลข้างเคียงที่อาจเกิดขึ้น"
    replies = quick_replies([{"title": title, "payload": "/therapy_safety"}])
    action = replies.items[0]["action"]
    assert line_length(action["label"]) <= MAX_LABEL and action["label"].endswith("…")
    assert action["displayText"] == title
    assert title in replies.note


def test_button_payloads_never_show_as_labels_and_duplicates_are_dropped():
    replies = quick_replies(
        [
            {"title": "Cost", "payload": "/therapy_cost"},
            {"title": "Cost again", "payload": "/therapy_cost"},
        ]
    )
    assert [i["action"]["label"] for i in replies.items] == ["Cost"]


def test_a_payload_too_long_for_postback_data_sends_the_title_instead():
    (item,) = quick_replies([{"title": "Ask", "payload": "/x" + "y" * 400}]).items
    assert item["action"] == {"type": "message", "label": "Ask", "text": "Ask"}


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_texts_send_nothing(text):
    assert to_line_batches([{"text": text}]) == []


def test_images_need_https_else_the_link_is_sent_as_text():
    (batch,) = to_line_batches(
        [{"image": "https://clinic.example/a.png"}, {"image": "http://x/a.png"}]
    )
    assert batch[0] == {
        "type": "image",
        "originalContentUrl": "https://clinic.example/a.png",
        "previewImageUrl": "https://clinic.example/a.png",
    }
    assert batch[1] == {"type": "text", "text": "http://x/a.png"}


def test_html_and_script_are_sent_as_plain_text():
    (batch,) = to_line_batches([{"text": "<script>alert(1)</script>"}])
    assert batch == [{"type": "text", "text": "<script>alert(1)</script>"}]


def test_shorten_keeps_thai_vowels_with_their_letters():
    assert shorten("ที่นี่ที่นี่ที่นี่ที่นี่ที่นี่", 20) == "ที่นี่ที่นี่ที่นี่…"
