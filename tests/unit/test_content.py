"""The content files: the real content loads and behaves, and every kind of broken
content is refused with a problem that names the file."""

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.content import (
    CONTENT_DIR,
    ContentError,
    KnowledgeEntry,
    load_content,
    topic_to_intent,
)

TOPICS_MD = Path(__file__).resolve().parents[3] / "shared" / "design" / "topics.md"
PLACEHOLDER_VALUES = {
    "retention_days": "90",
    "max_chars": "1000",
    "office_hours": "Mon-Fri 9:00-17:00",
    "reply_time": "2 hours",
    "next_open": "Monday 9:00",
}


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture
def root(tmp_path):
    """A copy of the real content to break."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


REMOVE = object()


def change(path: Path, keys: list, value) -> None:
    """Set the value at `keys` in a YAML file: a function of the old value, or REMOVE it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    *parents, last = keys
    target = data
    for key in parents:
        target = target[key]
    if value is REMOVE:
        del target[last]
    else:
        target[last] = value(target[last]) if callable(value) else value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return list(caught.value.problems)


def assert_reported(root: Path, file_name: str, *fragments: str) -> None:
    """load_content fails with a problem in `file_name` that contains every fragment."""
    problems = problems_of(root)
    assert any(
        p.startswith(f"content/{file_name}:") and all(f in p for f in fragments) for p in problems
    ), problems


# --- the real content ---------------------------------------------------------------


def test_knowledge_covers_every_topic_of_the_contract(content):
    if not TOPICS_MD.exists():
        pytest.skip("topics.md is not next to the repository")
    text = TOPICS_MD.read_text(encoding="utf-8")
    section = text.split("## Knowledge topics")[1].split("\n## ")[0]
    assert set(re.findall(r"^\| `(therapy\.\w+)`", section, re.MULTILINE)) == set(content.knowledge)


def test_every_reply_is_bilingual_and_fits_a_phone_screen(content):
    for reply in [*content.knowledge.values(), *content.messages.values()]:
        en, th = reply.messages["en"], reply.messages["th"]
        assert 1 <= len(en) == len(th) <= 3, reply.key
        assert all(len(text) <= 450 for text in en + th), reply.key
        assert not any(re.search("[\u0e00-\u0e7f]", text) for text in en), reply.key
        assert all(re.search("[\u0e00-\u0e7f]", text) for text in th), reply.key


def test_knowledge_entries_are_sourced_and_reviewed(content):
    for entry in content.knowledge.values():
        assert entry.sources and all(s.title for s in entry.sources), entry.topic
        assert all(s.url is None or s.url.startswith("https://") for s in entry.sources)
        assert isinstance(entry.last_reviewed, date) and entry.last_reviewed <= date.today()
        assert entry.intent == topic_to_intent(entry.topic)


def test_every_placeholder_can_be_filled(content):
    from assistant.clinic import clinic
    from assistant.placeholders import (
        ANSWER_PLACEHOLDERS,
        BOOKING_PLACEHOLDERS,
        placeholder_values,
    )
    from assistant.settings import settings

    for language in ("en", "th"):
        values = placeholder_values(language, clinic(), settings())
        values |= {name: "x" for name in BOOKING_PLACEHOLDERS + ANSWER_PLACEHOLDERS}
        for reply in content.messages.values():
            for text in reply.messages[language]:
                filled = text.format_map(values)
                assert "{" not in filled and "}" not in filled, reply.key


def test_safety_replies_give_the_emergency_numbers(content):
    for language in ("en", "th"):

        def text(key, language=language):
            return " ".join(content.reply(key).messages[language])

        for hours in ("in_hours", "out_of_hours"):
            assert "1669" in text(f"safety.emergency.{hours}")
            assert "1323" in text(f"safety.distress.{hours}") and "1669" in text(
                f"safety.distress.{hours}"
            )
        assert "1669" in text("handoff.request.in_hours")
        assert "1669" in text("handoff.request.out_of_hours")
        assert "{retention_days}" in text("chat.greet")
        assert content.reply("safety.emergency.in_hours").follow_up == ("handoff.request",)


def test_reply_finds_knowledge_and_messages(content):
    assert isinstance(content.reply("therapy.safety"), KnowledgeEntry)
    assert content.reply("handoff.request.out_of_hours").topic == "handoff.request"
    assert content.reply("chat.language.th").topic == "chat.language"
    assert content.reply("chat.too_long").topic == "chat.input_error"
    with pytest.raises(KeyError):
        content.reply("therapy.unknown")


def test_knowledge_for_intent(content):
    assert content.knowledge_for_intent("therapy_cost").topic == "therapy.cost"
    assert content.knowledge_for_intent("chat_greet") is None


def test_buttons_send_the_intent_of_each_follow_up(content):
    offer = content.reply("handoff.offer")
    buttons = content.buttons(offer.follow_up, "th")
    assert [b["payload"] for b in buttons] == ["/handoff_request", "/chat_deny"]
    assert [b["title"] for b in buttons] == [content.topic_labels[t]["th"] for t in offer.follow_up]
    for reply in [*content.knowledge.values(), *content.messages.values()]:
        for language in ("en", "th"):
            for button in content.buttons(reply.follow_up, language):
                assert 0 < len(button["title"]) <= 20
                assert re.fullmatch(r"/[a-z]+_[a-z_]+", button["payload"])


@pytest.mark.parametrize(
    "topic,intent",
    [
        ("therapy.what_is", "therapy_what_is"),
        ("handoff.request", "handoff_request"),
        ("chat.deny", "chat_deny"),
    ],
)
def test_topic_to_intent(topic, intent):
    assert topic_to_intent(topic) == intent


def test_topic_to_intent_refuses_a_non_topic():
    with pytest.raises(ValueError):
        topic_to_intent("greet")


def test_content_is_read_only(content):
    with pytest.raises(TypeError):
        content.knowledge["therapy.cost"] = content.knowledge["therapy.safety"]


def test_content_dir_can_be_overridden_by_the_environment(tmp_path):
    env = {**os.environ, "CONTENT_DIR": str(tmp_path), "RASA_TELEMETRY_ENABLED": "false"}
    printed = subprocess.run(
        [sys.executable, "-c", "from assistant.content import CONTENT_DIR; print(CONTENT_DIR)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=CONTENT_DIR.parent,
    ).stdout.strip()
    assert printed == str(tmp_path)


# --- broken content is refused --------------------------------------------------------


def test_a_copy_of_the_real_content_loads(root):
    assert set(load_content(root).knowledge) == set(load_content().knowledge)


def test_missing_thai_answer(root):
    change(root / "knowledge/therapy.safety.yml", ["overview", "th"], REMOVE)
    assert_reported(root, "knowledge/therapy.safety.yml", "overview", "'th' is a required property")


def test_extra_english_message_breaks_parity(root):
    change(root / "knowledge/therapy.cost.yml", ["overview", "en"], lambda en: en + ["One more."])
    assert_reported(
        root, "knowledge/therapy.cost.yml", "overview.th", "has 2 messages but en has 3"
    )


def test_more_than_four_overview_messages(root):
    cost = root / "knowledge/therapy.cost.yml"
    change(cost, ["overview", "en"], ["First.", "Second.", "Third.", "Fourth.", "Fifth."])
    change(cost, ["overview", "th"], ["หนึ่งค่ะ", "สองค่ะ", "สามค่ะ", "สี่ค่ะ", "ห้าค่ะ"])
    assert_reported(root, "knowledge/therapy.cost.yml", "overview.en", "too long")


def test_message_longer_than_a_phone_screen(root):
    change(root / "knowledge/therapy.cost.yml", ["overview", "th", 0], "ก" * 301)
    assert_reported(root, "knowledge/therapy.cost.yml", "overview.th[0]", "too long")


def test_a_specific_answer_of_three_messages(root):
    pain = ["questions", "pain", "answer"]
    change(root / "knowledge/therapy.procedure.yml", pain + ["en"], ["One.", "Two.", "Three."])
    change(root / "knowledge/therapy.procedure.yml", pain + ["th"], ["หนึ่งค่ะ", "สองค่ะ", "สามค่ะ"])
    assert_reported(root, "knowledge/therapy.procedure.yml", "questions.pain.answer.en", "too long")


def test_a_question_without_sources(root):
    change(root / "knowledge/therapy.procedure.yml", ["questions", "pain", "sources"], [])
    assert_reported(
        root, "knowledge/therapy.procedure.yml", "questions.pain.sources", "is too short"
    )


def test_a_phrasing_taught_for_two_questions(root):
    pain = ["questions", "pain", "examples", "en"]
    change(
        root / "knowledge/therapy.procedure.yml",
        pain,
        lambda ex: ex + ["how long does a session take"],
    )
    length = ["questions", "session_length", "examples", "en"]
    change(
        root / "knowledge/therapy.procedure.yml",
        length,
        lambda ex: ex + ["how long does a session take"],
    )
    assert_reported(root, "knowledge/therapy.procedure.yml", "is also an example of")


def test_a_route_to_a_question_that_does_not_exist(root):
    change(
        root / "knowledge/therapy.safety.yml",
        ["for_population", "child"],
        "therapy.eligibility.kids",
    )
    assert_reported(
        root, "knowledge/therapy.safety.yml", "for_population.child", "is not a question"
    )


def test_unknown_follow_up(root):
    change(root / "knowledge/therapy.cost.yml", ["follow_up"], lambda ids: ids + ["therapy.price"])
    assert_reported(root, "knowledge/therapy.cost.yml", "follow_up", "therapy.price has no label")


def test_follow_up_to_itself(root):
    change(root / "messages.yml", ["chat.fallback", "follow_up", 0], "chat.fallback")
    assert_reported(root, "messages.yml", "chat.fallback.follow_up", "own topic")


@pytest.mark.parametrize("bad_date", ["2026-02-30", "25/11/2026"])
def test_bad_review_date(root, bad_date):
    change(root / "knowledge/therapy.cost.yml", ["last_reviewed"], bad_date)
    assert_reported(root, "knowledge/therapy.cost.yml", "last_reviewed", bad_date)


def test_unquoted_review_date(root):
    path = root / "knowledge/therapy.cost.yml"
    unquoted = re.sub(r'last_reviewed: "(.*)"', r"last_reviewed: \1", path.read_text("utf-8"))
    path.write_text(unquoted, "utf-8")
    assert_reported(root, "knowledge/therapy.cost.yml", "last_reviewed", "date in quotes")


def test_missing_topic_file(root):
    (root / "knowledge/therapy.cost.yml").unlink()
    assert_reported(root, "knowledge", "therapy.cost has no therapy.cost.yml")


def test_file_named_after_another_topic(root):
    (root / "knowledge/therapy.cost.yml").rename(root / "knowledge/therapy.price.yml")
    assert_reported(root, "knowledge/therapy.price.yml", "must be named therapy.cost.yml")


def test_wrong_intent(root):
    change(root / "knowledge/therapy.cost.yml", ["intent"], "therapy_price")
    assert_reported(root, "knowledge/therapy.cost.yml", "'therapy_cost'")


def test_source_address_must_be_https(root):
    change(root / "knowledge/therapy.cost.yml", ["sources", 0, "url"], "www.fda.gov")
    assert_reported(root, "knowledge/therapy.cost.yml", "sources[0].url", "https://")


def test_thai_text_in_the_english_field(root):
    change(root / "knowledge/therapy.cost.yml", ["overview", "en", 0], "สอบถามราคากับเจ้าหน้าที่ค่ะ")
    assert_reported(root, "knowledge/therapy.cost.yml", "overview.en[0]", "contains Thai script")


def test_english_text_in_the_thai_field(root):
    change(root / "messages.yml", ["chat.thanks", "th", 0], "You're welcome ค่ะ")
    assert_reported(root, "messages.yml", "chat.thanks.th[0]", "not Thai by the language rule")


def test_other_polite_voice(root):
    change(root / "messages.yml", ["chat.thanks", "th", 0], "ยินดีครับ")
    assert_reported(root, "messages.yml", "chat.thanks.th[0]", "ค่ะ")


def test_placeholder_not_allowed_in_that_message(root):
    change(root / "messages.yml", ["chat.greet", "en", 1], "Hello {name}!")
    assert_reported(root, "messages.yml", "chat.greet.en[1]", "{retention_days}")


def test_placeholder_in_a_message_that_takes_none(root):
    change(root / "messages.yml", ["chat.text_only", "en", 0], "Text only, we open {office_hours}.")
    assert_reported(root, "messages.yml", "chat.text_only.en[0]", "may not use")


def test_placeholders_differ_between_languages(root):
    change(root / "messages.yml", ["handoff.request.in_hours", "th", 0], "ส่งต่อแล้วค่ะ")
    assert_reported(root, "messages.yml", "handoff.request.in_hours.th", "placeholders")


def test_missing_required_message(root):
    change(root / "messages.yml", ["safety.emergency.in_hours"], REMOVE)
    assert_reported(root, "messages.yml", "'safety.emergency.in_hours' is a required property")


def test_knowledge_topic_in_messages(root):
    thanks = yaml.safe_load((root / "messages.yml").read_text("utf-8"))["chat.thanks"]
    change(root / "messages.yml", ["therapy.cost"], thanks)
    assert_reported(root, "messages.yml", "therapy.cost", "belong in knowledge/")


def test_duplicate_key(root):
    with open(root / "messages.yml", "a", encoding="utf-8") as handle:
        handle.write("\nchat.thanks:\n  topic: chat.thanks\n  en: [Thanks]\n  th: [ขอบคุณค่ะ]\n")
    assert_reported(root, "messages.yml", "duplicate key 'chat.thanks'")


def test_invalid_yaml(root):
    (root / "disclaimers.yml").write_text("full: [unclosed\n", encoding="utf-8")
    assert_reported(root, "disclaimers.yml", "not valid YAML")


def test_label_too_long(root):
    change(root / "topic_labels.yml", ["therapy.cost", "en"], "How much will it cost me?")
    assert_reported(root, "topic_labels.yml", "therapy.cost.en", "too long")


def test_knowledge_topic_without_label(root):
    change(root / "topic_labels.yml", ["therapy.cosmetic"], REMOVE)
    assert_reported(root, "topic_labels.yml", "no label for knowledge topic therapy.cosmetic")


def test_disclaimer_missing_a_language(root):
    change(root / "disclaimers.yml", ["short", "th"], REMOVE)
    assert_reported(root, "disclaimers.yml", "short", "'th' is a required property")


def test_invalid_claim_pattern(root):
    change(root / "forbidden_claims.yml", ["en", "claims"], lambda claims: claims + ["(unclosed"])
    assert_reported(root, "forbidden_claims.yml", "not a valid regular expression")


# --- forbidden claims in content ------------------------------------------------------


def test_planted_english_claim_in_a_knowledge_file(root):
    what_is = "knowledge/therapy.what_is.yml"
    change(root / what_is, ["overview", "en", 1], "UC-MSC therapy cures eczema.")
    assert_reported(root, what_is, "overview.en[1]", "forbidden claim 'cures'")


def test_planted_thai_claim_in_a_knowledge_file(root):
    change(root / "knowledge/therapy.expectations.yml", ["overview", "th", 0], "หายขาดแน่นอนค่ะ")
    assert_reported(
        root, "knowledge/therapy.expectations.yml", "overview.th[0]", "forbidden claim 'หายขาด'"
    )


def test_planted_claims_in_labels_and_disclaimers(root):
    change(root / "topic_labels.yml", ["therapy.safety", "en"], "Risk-free!")
    change(root / "disclaimers.yml", ["short", "th"], "ปลอดภัย 100% ค่ะ")
    assert_reported(root, "topic_labels.yml", "therapy.safety.en", "forbidden claim 'Risk-free'")
    assert_reported(root, "disclaimers.yml", "short.th", "forbidden claim '100%'")


def test_claims_are_checked_with_the_rules_of_the_content_being_loaded(root):
    change(root / "forbidden_claims.yml", ["en", "claims"], lambda rules: rules + [r"\bresearch\b"])
    assert_reported(root, "knowledge/therapy.what_is.yml", "forbidden claim 'research'")


def test_every_problem_is_reported_at_once(root):
    change(root / "knowledge/therapy.cost.yml", ["overview", "th"], REMOVE)
    change(root / "messages.yml", ["chat.goodbye"], REMOVE)
    change(root / "messages.yml", ["chat.thanks", "th", 0], "ยินดีครับ")
    (root / "knowledge/therapy.aftercare.yml").unlink()
    problems = problems_of(root)
    assert any("knowledge/therapy.cost.yml" in p for p in problems)
    assert any("messages.yml" in p and "chat.goodbye" in p for p in problems)
    assert any("messages.yml: chat.thanks.th[0]" in p for p in problems)
    assert any("therapy.aftercare has no therapy.aftercare.yml" in p for p in problems)
    assert "content/messages.yml" in str(ContentError(problems))
