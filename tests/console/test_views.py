"""Pages and staff actions through Django's test client (Rasa's HTTP API faked on loopback)."""

import datetime as dt
import time

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from console.staff import conversation_index
from console.staff.models import AuditEntry, Claim, Conversation, Flag, Note, Review, TrackerEvent
from console.staff.views.conversations import PAGE_SIZE
from tests.console.rasa_events import Conversation as Events

pytestmark = pytest.mark.django_db(databases=["default", "tracker"])
DAY = 86400


@pytest.fixture
def sample(db):
    """Five conversations of different kinds, the newest last."""
    now = time.time()
    made = {
        "web_en": Events("web-en", "socketio", start=now - 5 * DAY)
        .user("What are stem cells?", "therapy_what_is", language="en")
        .bot("Stem cells are ...", "therapy.what_is", language="en", disclaimer="full"),
        "line_safety": Events("line-safety", "line", start=now - 3 * DAY)
        .user(
            "หายใจไม่ออกค่ะ",
            "safety_emergency",
            safety_net={"kind": "emergency", "matched": "หายใจไม่ออก"},
        )
        .bot("โทร 1669 ทันที", "safety.emergency"),
        "rest_fallback": Events("rest-fallback", "rest", start=now - 2 * DAY)
        .user("qwerty", "nlu_fallback", language="en", confidence=0.1)
        .bot("Sorry, could you rephrase?", "chat.fallback", language="en"),
        "waiting_old": Events("waiting-old", "socketio", start=now - 1 * DAY)
        .user("ราคาเท่าไหร่คะ", "therapy_cost")
        .bot("ราคา ...", "therapy.cost")
        .user("ขอคุยกับเจ้าหน้าที่", "handoff_request")
        .bot("รอสักครู่", "handoff.request.in_hours")
        .pause("user_request", "Topics: therapy.cost."),
        "waiting_new": Events("waiting-new", "line", start=now - 3600)
        .user("ขอคุยกับคนค่ะ", "handoff_request")
        .bot("รอสักครู่", "handoff.request.in_hours")
        .pause("offer_accepted", "Topics: -."),
    }
    for events in made.values():
        events.save()
    conversation_index.refresh_index()
    return made


def listed(client, **params) -> list[str]:
    response = client.get(reverse("staff:conversations"), params)
    assert response.status_code == 200
    return [c.sender_id for c in response.context["page"]]


def test_list_is_newest_first_and_filters(client_as, sample):
    client = client_as("clinician")
    assert listed(client) == [
        "waiting-new",
        "waiting-old",
        "rest-fallback",
        "line-safety",
        "web-en",
    ]
    assert listed(client, channel="line") == ["waiting-new", "line-safety"]
    assert listed(client, channel="socketio") == ["waiting-old", "web-en"]
    assert listed(client, language="en") == ["rest-fallback", "web-en"]
    assert listed(client, handed_off="yes") == ["waiting-new", "waiting-old"]
    assert listed(client, handed_off="no") == ["rest-fallback", "line-safety", "web-en"]
    assert listed(client, safety="yes") == ["line-safety"]
    assert listed(client, fallback="yes") == ["rest-fallback"]
    assert listed(client, topic="therapy.cost") == ["waiting-old"]
    assert listed(client, q="ราคา") == ["waiting-old"]
    assert listed(client, q="STEM CELLS") == ["web-en"]
    today = dt.date.today()
    assert listed(client, date_from=(today - dt.timedelta(days=2)).isoformat()) == [
        "waiting-new",
        "waiting-old",
        "rest-fallback",
    ]
    assert listed(client, date_to=(today - dt.timedelta(days=3)).isoformat()) == [
        "line-safety",
        "web-en",
    ]
    assert AuditEntry.objects.filter(action="search").count() == 2


def test_list_is_paginated(client_as, db):
    for n in range(55):
        Events(f"c{n:02d}", start=time.time() - 1000 + n).user(f"q{n}", "chat_greet").save()
    client = client_as("reviewer")
    first = client.get(reverse("staff:conversations"))
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("staff:conversations"), {"page": 2})
    assert [c.sender_id for c in second.context["page"]] == [f"c{n:02d}" for n in range(4, -1, -1)]


def test_list_shows_the_columns(client_as, sample):
    body = client_as("reviewer").get(reverse("staff:conversations")).content.decode()
    for text in (
        "What are stem cells?",
        "หายใจไม่ออกค่ะ",
        "therapy.cost",
        "LINE",
        "web",
        "safety",
        "fallback",
    ):
        assert text in body


def test_transcript_shows_turns_and_markers(client_as, sample):
    row = Conversation.objects.get(sender_id="line-safety")
    response = client_as("reviewer").get(reverse("staff:conversation", args=[row.pk]))
    body = response.content.decode()
    assert "หายใจไม่ออกค่ะ" in body and "safety_emergency" in body and "0.90" in body
    assert "safety.emergency" in body
    assert AuditEntry.objects.filter(action="view", target="line-safety").exists()


def test_queue_lists_waiting_conversations_oldest_first(client_as, sample):
    response = client_as("clinician").get(reverse("staff:queue"))
    assert [c.sender_id for c in response.context["waiting"]] == ["waiting-old", "waiting-new"]
    body = response.content.decode()
    assert 'http-equiv="refresh"' in body
    assert "user_request" in body and "offer_accepted" in body and "Topics: therapy.cost." in body
    assert response.context["waiting"][0].waiting_minutes >= 24 * 60 - 5


def test_queue_pages_a_long_queue_oldest_first(client_as, db):
    now = time.time()
    for index in range(PAGE_SIZE + 5):
        Events(f"queued-{index:03d}", "line", start=now - 7200 + index).user(
            "ขอคุยกับคนค่ะ", "handoff_request"
        ).bot("รอสักครู่", "handoff.request.in_hours").pause("user_request", "Topics: -.").save()
    client = client_as("clinician")
    first = client.get(reverse("staff:queue"))
    second = client.get(reverse("staff:queue"), {"page": 2})
    assert [c.sender_id for c in first.context["waiting"]] == [
        f"queued-{i:03d}" for i in range(PAGE_SIZE)
    ]
    assert [c.sender_id for c in second.context["waiting"]] == [
        f"queued-{i:03d}" for i in range(PAGE_SIZE, PAGE_SIZE + 5)
    ]
    body = first.content.decode()
    assert f'<span class="badge">{PAGE_SIZE + 5}</span>' in body and "?page=2" in body


def test_claim_reply_in_thai_and_hand_back(client_as, sample, fake_rasa, users):
    client = client_as("clinician")
    row = Conversation.objects.get(sender_id="waiting-new")
    page = client.get(reverse("staff:conversation", args=[row.pk])).content.decode()
    assert reverse("staff:claim", args=[row.pk]) in page and "the-token" not in page

    # Replying before claiming is refused.
    client.post(reverse("staff:reply", args=[row.pk]), {"text": "สวัสดีค่ะ"})
    assert fake_rasa.calls == []

    client.post(reverse("staff:claim", args=[row.pk]))
    assert Claim.objects.get(sender_id="waiting-new").user == users["clinician"]
    response = client.post(
        reverse("staff:reply", args=[row.pk]), {"text": "สวัสดีค่ะ พยาบาลรับเรื่องแล้วนะคะ"}
    )
    assert response.status_code == 302
    (call,) = fake_rasa.calls
    assert call["path"] == "/conversations/waiting-new/tracker/events"
    assert call["query"] == {
        "token": "the-token",
        "execute_side_effects": "true",
        "output_channel": "line",
    }
    (event,) = call["body"]
    assert event == {
        "event": "bot",
        "text": "สวัสดีค่ะ พยาบาลรับเรื่องแล้วนะคะ",
        "metadata": {
            "staff": True,
            "staff_user": "clinician",
            "topic": "handoff.staff_reply",
            "language": "th",
        },
    }

    client.post(reverse("staff:hand_back", args=[row.pk]))
    resume = fake_rasa.calls[-1]
    assert resume["body"] == [{"event": "resume", "metadata": {"staff_user": "clinician"}}]
    assert "output_channel" not in resume["query"]
    assert not Claim.objects.filter(sender_id="waiting-new").exists()
    assert list(
        AuditEntry.objects.filter(target="waiting-new")
        .values_list("action", flat=True)
        .order_by("at", "id")
    ) == ["view", "claim", "reply", "hand_back"]


def test_reply_when_rasa_is_down_says_so(client_as, sample, settings):
    settings.RASA_URL = "http://127.0.0.1:9"
    client = client_as("clinician")
    row = Conversation.objects.get(sender_id="waiting-new")
    client.post(reverse("staff:claim", args=[row.pk]))
    client.cookies["django_language"] = "en"
    response = client.post(reverse("staff:reply", args=[row.pk]), {"text": "hello"}, follow=True)
    assert "did not accept the reply (ConnectionError)" in response.content.decode()
    assert not AuditEntry.objects.filter(action="reply").exists()


def test_reply_to_a_conversation_the_bot_is_answering_is_refused(client_as, sample, fake_rasa):
    client = client_as("clinician")
    row = Conversation.objects.get(sender_id="web-en")
    client.post(reverse("staff:claim", args=[row.pk]))
    client.post(reverse("staff:reply", args=[row.pk]), {"text": "hello"})
    assert fake_rasa.calls == []


def test_review_note_flag_and_nlu_export(client_as, sample):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    client = client_as("reviewer")
    row = Conversation.objects.get(sender_id="rest-fallback")
    client.post(reverse("staff:mark_reviewed", args=[row.pk]))
    client.post(reverse("staff:add_note", args=[row.pk]), {"text": "typo; needs an example"})
    event = TrackerEvent.objects.get(sender_id="rest-fallback", type_name="user")
    client.post(
        reverse("staff:flag", args=[row.pk]),
        {"user_event_id": event.id, "corrected_intent": "chat_greet"},
    )
    other = TrackerEvent.objects.get(sender_id="web-en", type_name="user")
    client.post(
        reverse("staff:flag", args=[row.pk]),
        {"user_event_id": other.id, "corrected_intent": "chat_greet"},
    )
    client.post(
        reverse("staff:flag", args=[row.pk]),
        {"user_event_id": event.id, "corrected_intent": "no_such_intent"},
    )
    assert Review.objects.filter(sender_id="rest-fallback").count() == 1
    assert Note.objects.get().text == "typo; needs an example"
    assert list(Flag.objects.values_list("user_event_id", "corrected_intent")) == [
        (event.id, "chat_greet")
    ]

    response = client.get(reverse("staff:export_nlu"))
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert yaml.safe_load(text)["nlu"] == [{"intent": "chat_greet", "examples": "- qwerty\n"}]
    training = RasaYAMLReader().reads(text)
    assert [(m.get("text"), m.get("intent")) for m in training.intent_examples] == [
        ("qwerty", "chat_greet")
    ]


def test_admin_deletes_a_conversation(client_as, sample):
    client = client_as("admin")
    row = Conversation.objects.get(sender_id="web-en")
    client.post(reverse("staff:delete", args=[row.pk]))  # not confirmed
    assert TrackerEvent.objects.filter(sender_id="web-en").exists()
    client.post(reverse("staff:delete", args=[row.pk]), {"confirm": "yes"})
    assert not TrackerEvent.objects.filter(sender_id="web-en").exists()
    assert not Conversation.objects.filter(sender_id="web-en").exists()
    entry = AuditEntry.objects.get(action="delete")
    assert entry.target == "web-en" and entry.username == "admin"
    assert "web-en" in client.get(reverse("staff:audit")).content.decode()


def test_analytics_draws_charts(client_as, sample):
    response = client_as("reviewer").get(reverse("staff:analytics"), {"days": "7"})
    body = response.content.decode()
    figures = response.context["figures"]
    assert figures.conversations == 5 and figures.user_messages == 6 and figures.fallbacks == 1
    assert figures.handed_off == 2 and figures.still_waiting == 2
    assert dict(figures.top_topics)["handoff.request.in_hours"] == 2
    assert body.count("<svg") == 5 and "<rect" in body  # 4 charts + top specific questions
    assert sum(figures.by_language["th"].values()) == 4


def test_forms_carry_csrf_tokens_and_posts_need_them(users, sample):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["clinician"])
    row = Conversation.objects.get(sender_id="waiting-new")
    page = client.get(reverse("staff:conversation", args=[row.pk])).content.decode()
    assert page.count("<form") == page.count('name="csrfmiddlewaretoken"')
    assert client.post(reverse("staff:claim", args=[row.pk])).status_code == 403
    assert not Claim.objects.exists()
    login = Client(enforce_csrf_checks=True).get(reverse("staff:login")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in login


def test_sign_in_is_rate_limited(users, settings):
    client = Client()
    for _ in range(settings.LOGIN_FAILURES):
        response = client.post(
            reverse("staff:login"), {"username": "clinician", "password": "wrong"}
        )
        assert response.status_code == 200
    locked = client.post(
        reverse("staff:login"), {"username": "clinician", "password": "clinician-password-123"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed").count() == settings.LOGIN_FAILURES


def test_sign_in_works_and_is_audited(users):
    client = Client()
    response = client.post(
        reverse("staff:login"), {"username": "clinician", "password": "clinician-password-123"}
    )
    assert response.status_code == 302
    assert client.get(reverse("staff:home"))["Location"] == reverse("staff:queue")
    assert AuditEntry.objects.filter(action="login", username="clinician").exists()


def test_the_interface_speaks_thai_and_english(client_as, sample):
    client = client_as("reviewer")
    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert "บทสนทนา" in client.get(reverse("staff:conversations")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Conversations" in client.get(reverse("staff:conversations")).content.decode()


def test_passwords_are_hashed(users):
    assert users["clinician"].password.startswith(
        "md5$"
    )  # the tests' fast hasher; Django's default otherwise
    assert "clinician-password-123" not in users["clinician"].password


def test_queue_puts_urgent_handoffs_first_then_oldest(client_as, db):
    """A mixed queue: ordinary handoffs waiting for hours, urgent ones that came in since."""
    now = time.time()
    hour = 3600

    def ordinary(sender: str, start: float) -> Events:
        return (
            Events(sender, "line", start=start)
            .user("ขอนัดปรึกษาค่ะ", "booking_request")
            .bot("รอสักครู่", "booking.request")
            .pause("booking_request", "Topics: -.")
        )

    ordinary("booking-oldest", now - 5 * hour).save()
    ordinary("booking-middle", now - 3 * hour).save()
    Events("distress-new", "socketio", start=now - 60).user(
        "i want to hurt myself",
        "safety_distress",
        language="en",
        safety_net={"kind": "distress", "matched": "hurt myself"},
    ).bot("Please call 1323", "safety.distress", language="en").pause(
        "distress", "Recent messages: “i want to hurt myself”"
    ).save()
    # Waiting for an ordinary reason, then wrote an emergency while staff had not answered.
    Events("emergency-while-waiting", "line", start=now - 2 * hour).user(
        "ขอคุยกับคนค่ะ", "handoff_request"
    ).bot("รอสักครู่", "handoff.request").pause("user_request").user(
        "หายใจไม่ออกค่ะ",
        "safety_emergency",
        safety_net={"kind": "emergency", "matched": "หายใจไม่ออก"},
    ).bot("โทร 1669 ทันที", "safety.emergency", while_paused=True).save()
    # Urgent once, then handed back by staff and handed off again for an ordinary reason.
    Events("distress-resolved", "rest", start=now - 4 * hour).user(
        "อยากตาย", "safety_distress"
    ).bot("โทร 1323", "safety.distress").pause("distress").resume().user(
        "ขอนัดค่ะ", "booking_request"
    ).bot("รอสักครู่", "booking.request").pause("booking_request").save()

    client = client_as("reviewer")
    response = client.get(reverse("staff:queue"))
    order = [c.sender_id for c in response.context["waiting"]]
    assert order == [
        "emergency-while-waiting",  # urgent, waiting longest
        "distress-new",  # urgent, a minute ago
        "booking-oldest",
        "distress-resolved",
        "booking-middle",
    ]
    urgent = {c.sender_id: c.urgent for c in response.context["waiting"] if c.urgent}
    assert urgent == {
        "emergency-while-waiting": "safety.emergency",
        "distress-new": "safety.distress",
    }
    body = response.content.decode()
    assert body.count('class="urgent"') == 2 and 'data-urgent="safety.distress"' in body

    # The urgent count is in the navigation on every page, and follows the queue.
    distress = Conversation.objects.get(sender_id="distress-new")
    client = client_as("admin")
    for url in (
        reverse("staff:queue"),
        reverse("staff:conversations"),
        reverse("staff:conversation", args=[distress.pk]),
        reverse("staff:analytics"),
        reverse("staff:audit"),
    ):
        page = client.get(url).content.decode()
        assert 'id="urgent-count" data-count="2"' in page, url
    Events("distress-new", "socketio", start=now).resume().save()
    page = client.get(reverse("staff:conversations")).content.decode()
    assert 'id="urgent-count" data-count="1"' in page
    assert Conversation.objects.get(sender_id="distress-new").urgent == ""


def test_ratings_are_counted_per_question_and_language_and_shown_beside_the_answer(client_as, db):
    now = time.time()
    Events("rated-th", "line", start=now - 3600).user("เจ็บไหมคะ", "therapy_procedure").answer(
        "ไม่ค่อยเจ็บค่ะ", "therapy.procedure", "therapy.procedure.pain"
    ).rate("helpful", "therapy.procedure", "therapy.procedure.pain").user(
        "ราคาเท่าไหร่", "therapy_cost"
    ).answer("ราคาขึ้นกับคลินิก", "therapy.cost", "therapy.cost.price").rate(
        "not_helpful", "therapy.cost", "therapy.cost.price"
    ).save()
    Events("rated-en", "socketio", start=now - 1800).user(
        "does it hurt?", "therapy_procedure", language="en"
    ).answer("Not much.", "therapy.procedure", "therapy.procedure.pain", language="en").rate(
        "not_helpful", "therapy.procedure", "therapy.procedure.pain", language="en"
    ).rate(  # changed their mind: the latest rating of an answer counts
        "helpful", "therapy.procedure", "therapy.procedure.pain", language="en"
    ).save()
    client = client_as("reviewer")
    response = client.get(reverse("staff:analytics"))
    rows = {
        (r.question, r.language): (r.helpful, r.not_helpful)
        for r in response.context["figures"].ratings
    }
    assert rows == {
        ("therapy.procedure.pain", "th"): (1, 0),
        ("therapy.procedure.pain", "en"): (1, 0),
        ("therapy.cost.price", "th"): (0, 1),
    }
    assert response.context["figures"].helpful_by_language == {"en": (1, 1), "th": (1, 2)}
    body = response.content.decode()
    assert 'id="rating-table"' in body and "therapy.cost.price" in body

    from console.staff.models import Rating

    asked = Rating.objects.get(question="therapy.cost.price").asked_event_id
    assert TrackerEvent.objects.get(pk=asked).as_dict()["text"] == "ราคาเท่าไหร่"

    row = Conversation.objects.get(sender_id="rated-th")
    page = client.get(reverse("staff:conversation", args=[row.pk])).content.decode()
    assert page.count('data-rating="helpful"') == 1 and page.count('data-rating="not_helpful"') == 1
    # beside the answer: the badge sits in the answer's turn, before the rating's own turn
    assert page.index('data-rating="not_helpful"') < page.index("ราคาขึ้นกับคลินิก") + 2000
    assert page.index("ราคาขึ้นกับคลินิก") < page.index('data-rating="not_helpful"')


def test_analytics_answers_the_clinics_questions(client_as, db):
    """Weekly handled-without-handoff, fallback and helpful rates per language; top specific
    questions; staff's median first reply by weekday."""
    import datetime as dt2
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Bangkok")
    monday = dt2.datetime.combine(
        dt2.date.today() - dt2.timedelta(days=dt2.date.today().weekday() + 7),
        dt2.time(10),
        tzinfo=zone,
    ).timestamp()  # 10:00 on last week's Monday
    Events("wk-handled", "line", start=monday).user("เจ็บไหม", "therapy_procedure").answer(
        "ไม่ค่อยเจ็บ", "therapy.procedure", "therapy.procedure.pain"
    ).rate("helpful", "therapy.procedure", "therapy.procedure.pain").user(
        "qwerty", "nlu_fallback", confidence=0.1
    ).bot("ขอโทษค่ะ", "chat.fallback").save()
    Events("wk-handed", "line", start=monday + 60).user("เจ็บไหม", "therapy_procedure").answer(
        "ไม่ค่อยเจ็บ", "therapy.procedure", "therapy.procedure.pain"
    ).rate("not_helpful", "therapy.procedure", "therapy.procedure.pain").user(
        "ขอคุยกับคน", "handoff_request"
    ).bot("รอสักครู่", "handoff.request").pause().save()
    staff = Events("wk-handed", "line", start=monday + 60 + 30 * 60)  # 30 minutes later
    staff.staff("สวัสดีค่ะ").save()
    response = client_as("reviewer").get(reverse("staff:analytics"), {"days": "30"})
    figures = response.context["figures"]
    week = next(w for w in figures.weeks if w.language == "th" and w.conversations)
    assert (week.conversations, week.without_handoff_percent) == (2, 50)
    assert (week.messages, week.fallbacks, week.fallback_percent) == (6, 1, 17)
    assert (week.rated, week.helpful_percent) == (2, 50)
    assert figures.top_questions[0] == ("therapy.procedure.pain", 2)
    monday_reply = figures.first_reply[0]
    assert monday_reply[0] == 0 and 29 <= monday_reply[1] <= 31 and monday_reply[2] == 1
    body = response.content.decode()
    assert 'id="weekly-table"' in body and 'id="first-reply-table"' in body
