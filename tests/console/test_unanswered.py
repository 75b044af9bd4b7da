"""What we could not answer: grouping planted paraphrases, the export, masking."""

from __future__ import annotations

import json
import time

import jsonschema
import pytest
import yaml
from django.urls import reverse

from assistant.paths import CONTENT_DIR
from console.staff import conversation_index
from console.staff.models import AuditEntry, Conversation, Flag, TrackerEvent
from tests.console.rasa_events import Conversation as Events

pytestmark = pytest.mark.django_db(databases=["default", "tracker"])

# One question the content does not cover (is the treatment halal?), asked in many ways.
HALAL_EN = [
    "is the treatment halal",
    "Is this stem cell therapy halal?",
    "are the cells halal certified",
    "halal or not? I'm muslim",
    "is UC-MSC halal for muslims",
]
HALAL_TH = [
    "การรักษานี้ฮาลาลไหมคะ",
    "สเต็มเซลล์ฮาลาลหรือเปล่าคะ",
    "มุสลิมรักษาได้ไหม ฮาลาลไหม",
    "เซลล์ฮาลาลไหมครับ",
    "ฮาลาลไหมคะ โทร 081-234-5678",  # personal data: masked for reviewers and in exports
]
OTHER_EN = [  # other things patients ask that the content does not cover either
    "asdfgh",
    "what's the weather tomorrow",
    "is the treatment painful for kids with asthma and allergies",
    "can I bring my dog",
    "can the treatment fix my hair loss",
    "stem cell for knee pain?",
    "do stem cells help diabetes",
    "is the therapy covered by AIA insurance",
    "can I pay by bitcoin",
    "do you sell the cream online",
    "what is the wifi password at the clinic",
    "treatment package discount for two people",
    "can my husband come in with me",
    "my cat has eczema too, can you treat cats",
    "do you do botox",
]
OTHER_TH = [
    "ขอสูตรต้มยำกุ้ง",
    "พรุ่งนี้ฝนตกไหม",
    "รถติดไหมคะแถวนั้น",
    "ห้องน้ำอยู่ไหน",
    "555",
    "สเต็มเซลล์รักษาเข่าเสื่อมได้ไหม",
    "รักษาผมร่วงได้ไหมคะ",
    "ผ่อนบัตรเครดิตได้ไหมคะ",
    "มีโปรโมชั่นไหมคะ",
    "แมวเป็นผื่นรักษาได้ไหม",
    "ฉีดโบท็อกซ์ด้วยไหมคะ",
    "พาลูกไปด้วยได้ไหม",
    "มีที่จอดรถมอไซค์ไหม",
    "สเต็มเซลล์ช่วยเบาหวานไหมคะ",
    "ใช้ประกันสังคมได้ไหม",
]


@pytest.fixture
def planted(db):
    """Halal questions and others: fallbacks, a "not helpful" rating, a staff flag."""
    now = time.time()
    n = 0

    def fallback(text: str, language: str) -> None:
        nonlocal n
        n += 1
        Events(f"fb-{n}", "line", start=now - 3600 + n).user(
            text, "nlu_fallback", language=language, confidence=0.2
        ).bot("ขอโทษค่ะ" if language == "th" else "Sorry?", "chat.fallback", language).save()

    for text in HALAL_EN[:3] + OTHER_EN:
        fallback(text, "en")
    for text in HALAL_TH[:3] + OTHER_TH:
        fallback(text, "th")
    # Answered, but rated not helpful.
    Events("rated", "socketio", start=now - 1000).user(
        HALAL_EN[3], "therapy_cell_source", "en"
    ).answer(
        "Cells come from donated cords.", "therapy.cell_source", "therapy.cell_source.where", "en"
    ).rate("not_helpful", "therapy.cell_source", "therapy.cell_source.where", "en").save()
    Events("rated-th", "line", start=now - 900).user(HALAL_TH[3], "therapy_cell_source").answer(
        "เซลล์มาจากสายสะดือที่ได้รับบริจาคค่ะ", "therapy.cell_source", "therapy.cell_source.where"
    ).rate("not_helpful", "therapy.cell_source", "therapy.cell_source.where").save()
    # Answered; staff flagged the answer as wrong.
    for sender, text, language in (("flag-en", HALAL_EN[4], "en"), ("flag-th", HALAL_TH[4], "th")):
        Events(sender, "rest", start=now - 800).user(text, "therapy_what_is", language).bot(
            "...", "therapy.what_is", language
        ).save()
        event = TrackerEvent.objects.filter(sender_id=sender, type_name="user").get()
        Flag.objects.create(
            sender_id=sender, user_event_id=event.pk, corrected_intent="chat_out_of_scope"
        )
    conversation_index.refresh_index()


def page_groups(response, language: str) -> list[list[str]]:
    groups = dict((lang, g) for lang, g, _ in response.context["by_language"])[language]
    return [[m.text for m in g.messages] for g in groups]


@pytest.mark.parametrize("language, halal", [("en", HALAL_EN), ("th", HALAL_TH)])
def test_paraphrases_of_one_missing_question_are_grouped_together(
    client_as, planted, language, halal
):
    response = client_as("clinician").get(reverse("staff:unanswered"))
    groups = page_groups(response, language)
    assert sorted(groups[0]) == sorted(halal), groups  # the largest group, and nothing else in it
    assert all(len(g) < len(halal) for g in groups[1:])
    reasons = dict((lang, g) for lang, g, _ in response.context["by_language"])[language][0].reasons
    assert reasons == {"fallback": 3, "not_helpful": 1, "flagged": 1}


def test_a_group_exports_as_a_question_the_content_schema_accepts(client_as, planted):
    client = client_as("clinician")
    response = client.get(reverse("staff:unanswered"))
    group = dict((lang, g) for lang, g, _ in response.context["by_language"])["th"][0]
    body = response.content.decode()
    link = f"language=th&amp;group={group.key}"
    assert link in body
    exported = client.get(reverse("staff:export_question"), {"language": "th", "group": group.key})
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith('attachment; filename="new-question-th-')
    document = yaml.safe_load(exported.content.decode())
    entry = document["new_question"]
    schema = json.loads((CONTENT_DIR / "schema" / "knowledge.schema.json").read_text())
    jsonschema.validate(entry, {**schema["$defs"]["question"], "$defs": schema["$defs"]})
    # and as a question of a real topic file, with the checks the content loader makes
    topic = yaml.safe_load((CONTENT_DIR / "knowledge" / "therapy.cell_source.yml").read_text())
    topic["questions"]["halal"] = entry
    jsonschema.validate(topic, schema)
    assert set(entry["examples"]["th"][:5]) == {
        "การรักษานี้ฮาลาลไหมคะ",
        "สเต็มเซลล์ฮาลาลหรือเปล่าคะ",
        "มุสลิมรักษาได้ไหม ฮาลาลไหม",
        "เซลล์ฮาลาลไหมครับ",
        "ฮาลาลไหมคะ โทร [phone]",
    }
    assert "081-234-5678" not in exported.content.decode(), "exports are always masked"
    assert entry["answer"] == {"th": ["TODO"], "en": ["TODO"]}
    assert AuditEntry.objects.filter(action="export", target__startswith="new-question-th").exists()
    missing = client.get(reverse("staff:export_question"), {"language": "th", "group": 999999})
    assert missing.status_code == 404
    bad = client.get(reverse("staff:export_question"), {"language": "xx", "group": "a"})
    assert bad.status_code == 404


def test_reviewers_see_masked_text_clinicians_the_text(client_as, planted):
    reviewer = client_as("reviewer").get(reverse("staff:unanswered")).content.decode()
    assert "081-234-5678" not in reviewer and "ฮาลาลไหมคะ โทร [phone]" in reviewer
    clinician = client_as("clinician").get(reverse("staff:unanswered")).content.decode()
    assert "081-234-5678" in clinician


def test_the_page_speaks_thai_and_english_and_handles_nothing(client_as, db):
    client = client_as("reviewer")
    empty = client.get(reverse("staff:unanswered"), HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200 and "No group of two or more" in empty.content.decode()
    thai = client.get(reverse("staff:unanswered"), HTTP_ACCEPT_LANGUAGE="th")
    assert "สิ่งที่ระบบยังตอบไม่ได้" in thai.content.decode()
    assert Conversation.objects.count() == 0
