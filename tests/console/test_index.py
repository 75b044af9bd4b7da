"""The derived conversation index: what it records, incremental refresh, deletion."""

import time

import pytest

from console.staff import conversation_index, tracker_store
from console.staff.conversation_events import summarise, transcript
from console.staff.models import Conversation, ConversationDay, Handoff, IndexState, TrackerEvent
from tests.console.rasa_events import Conversation as Events

pytestmark = pytest.mark.django_db(databases=["default", "tracker"])


def handed_off_conversation(sender="line-U1", channel="line"):
    return (
        Events(sender, channel)
        .user("สเต็มเซลล์คืออะไรคะ", "therapy_what_is")
        .bot("สเต็มเซลล์คือ ...", "therapy.what_is", disclaimer="full")
        .user("ขอคุยกับเจ้าหน้าที่ เบอร์ 081-234-5678", "handoff_request")
        .bot("เจ้าหน้าที่จะติดต่อกลับ", "handoff.request.in_hours", handoff={"reason": "user_request"})
        .pause("user_request", "Topics: therapy.what_is. Recent messages: “เบอร์ 081-234-5678”")
    )


def test_summary_of_a_handed_off_conversation():
    events = handed_off_conversation().events
    from zoneinfo import ZoneInfo

    facts = summarise("line-U1", events, ZoneInfo("Asia/Bangkok"))
    assert facts.channel == "line" and facts.language == "th" and facts.languages == ["th"]
    assert facts.first_question == "สเต็มเซลล์คืออะไรคะ"
    assert facts.topics == ["therapy.what_is", "handoff.request.in_hours"]
    assert facts.handed_off and facts.paused and facts.handoff_reason == "user_request"
    assert not facts.safety and not facts.fallback
    assert facts.user_messages == 2
    (day,) = facts.days.values()
    assert (day.user_messages, day.bot_messages) == (2, 2)


def test_safety_fallback_and_languages():
    from zoneinfo import ZoneInfo

    events = (
        Events("web-1", "socketio")
        .user("asdfgh", "nlu_fallback", language="en", confidence=0.2)
        .bot("Sorry?", "chat.fallback", language="en")
        .user(
            "ฉันหายใจไม่ออก",
            "safety_emergency",
            safety_net={"kind": "emergency", "matched": "หายใจไม่ออก"},
        )
        .bot("โทร 1669", "safety.emergency")
    ).events
    facts = summarise("web-1", events, ZoneInfo("UTC"))
    assert facts.fallback and facts.safety
    assert facts.languages == ["en", "th"] and facts.language == "th"
    counts = {key[1]: value for key, value in facts.days.items()}
    assert counts["en"].fallbacks == 1 and counts["th"].safety_events == 1


def test_transcript_marks_staff_pause_resume_and_safety():
    events = handed_off_conversation().staff("สวัสดีค่ะ หมอเองค่ะ", user="dr_a").resume("dr_a").events
    for number, event in enumerate(events, 1):
        event["_id"] = number
    lines = transcript(events)
    kinds = [line.kind for line in lines]
    assert kinds == ["user", "bot", "user", "bot", "pause", "staff", "resume"]
    assert (
        lines[0].intent == "therapy_what_is"
        and lines[0].confidence == 0.9
        and lines[0].language == "th"
    )
    assert lines[1].disclaimer == "full" and lines[1].topic == "therapy.what_is"
    assert lines[4].reason == "user_request"
    assert lines[5].staff_user == "dr_a"
    assert lines[6].staff_user == "dr_a"


def test_refresh_builds_and_updates_incrementally():
    conversation = handed_off_conversation().save()
    Events("web-2", "socketio").user("hello", "chat_greet", language="en").bot(
        "Hi", "chat.greet", language="en"
    ).save()
    assert conversation_index.refresh_index() == 2
    row = Conversation.objects.get(sender_id="line-U1")
    assert row.paused and row.handed_off and row.channel == "line"
    assert row.topics == ",therapy.what_is,handoff.request.in_hours,"
    assert "081-234-5678" in row.search_text and "[phone]" in row.search_text_masked
    assert "081-234-5678" not in row.search_text_masked
    assert Handoff.objects.get(conversation=row).answered_at is None
    pk = row.pk

    conversation.staff("ดิฉันเป็นพยาบาลค่ะ").resume().save()
    conversation_index.refresh_index()
    row = Conversation.objects.get(sender_id="line-U1")
    assert row.pk == pk, "rows keep their id: links stay valid"
    assert not row.paused and row.handed_off
    handoff = Handoff.objects.get(conversation=row)
    assert handoff.answered_at is not None and handoff.resumed_at is not None
    assert IndexState.objects.get().last_event_id == tracker_store.last_event_id()


def test_refresh_is_idempotent():
    handed_off_conversation().save()
    conversation_index.refresh_index()
    before = list(
        ConversationDay.objects.values_list("day", "language", "user_messages", "bot_messages")
    )
    IndexState.objects.update(last_event_id=0)  # read every event again
    conversation_index.refresh_index()
    conversation_index.refresh_index()
    assert Conversation.objects.count() == 1
    after = list(
        ConversationDay.objects.values_list("day", "language", "user_messages", "bot_messages")
    )
    assert after == before


def test_refresh_in_small_batches_reads_everything():
    for n in range(7):
        Events(f"c{n}").user(f"question {n}", "therapy_cost", language="en").bot(
            "answer", "therapy.cost", language="en"
        ).save()
    conversation_index.refresh_index(batch=3)
    assert Conversation.objects.count() == 7


def test_late_commit_within_the_overlap_is_not_missed():
    Events("early").user("one", "chat_greet").save()
    conversation_index.refresh_index()
    state = IndexState.objects.get()
    # An event with a lower id than the watermark appears (another writer committed late).
    late = Events("late").user("two", "chat_greet")
    late.save()
    IndexState.objects.update(last_event_id=TrackerEvent.objects.order_by("-id").first().id + 5)
    conversation_index.refresh_index()
    assert Conversation.objects.filter(sender_id="late").exists()
    assert state.pk == 1


def test_a_conversation_deleted_from_the_tracker_leaves_the_index():
    handed_off_conversation().save()
    conversation_index.refresh_index()
    tracker_store.delete_conversations(["line-U1"])
    conversation_index.rebuild(["line-U1"])
    assert not Conversation.objects.exists()


def test_no_events_table_yet_is_an_empty_index(monkeypatch):
    monkeypatch.setattr(tracker_store, "exists", lambda: False)
    assert conversation_index.refresh_index() == 0


def test_days_follow_the_clinic_time_zone(settings):
    settings.TIME_ZONE = "Asia/Bangkok"
    # 18:30 UTC is 01:30 the next day in Bangkok.
    start = time.mktime((2026, 3, 1, 18, 29, 0, 0, 0, 0)) - time.timezone
    Events("tz", start=start).user("hi", "chat_greet").save()
    conversation_index.refresh_index()
    assert ConversationDay.objects.get().day.isoformat() == "2026-03-02"
