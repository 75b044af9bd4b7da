"""Every URL: signed-out people get nothing; reviewers see masked data and cannot act."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from console.staff import conversation_index
from console.staff.models import AuditEntry, Conversation, Flag
from tests.console.rasa_events import Conversation as Events

pytestmark = pytest.mark.django_db(databases=["default", "tracker"])

PHONE = "081-234-5678"
EMAIL = "somchai@example.com"
NATIONAL_ID = "1234567890123"
LINE_USER = "U4af4980629ae1b2c3d4e5f6a7b8c9d0e"
SECRETS = (PHONE, EMAIL, NATIONAL_ID, LINE_USER)
# Open without signing in, and showing no data: the sign-in page and the language switch.
PUBLIC = {"staff:login", "set_language", "logout"}


@pytest.fixture
def conversation(db):
    (
        Events(LINE_USER, "line")
        .user(f"ขอคุยกับคน โทร {PHONE} อีเมล {EMAIL} บัตร {NATIONAL_ID}", "handoff_request")
        .bot("เจ้าหน้าที่จะติดต่อกลับ", "handoff.request.in_hours")
        .pause("user_request", f"Recent messages: “โทร {PHONE}”")
        .save()
    )
    conversation_index.refresh_index()
    row = Conversation.objects.get()
    return row


def all_urls(pk: int) -> list[tuple[str, str]]:
    """(name, path) of every URL the console serves, with a real conversation id."""
    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    found.append(("admin:index", reverse("admin:index")))
                    continue
                walk(
                    pattern.url_patterns,
                    f"{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = namespace + pattern.name
                kwargs = {"pk": pk} if "pk" in pattern.pattern.converters else {}
                found.append((name, reverse(name, kwargs=kwargs)))

    walk(get_resolver().url_patterns)
    return found


def test_the_url_list_is_complete(conversation):
    names = {name for name, _ in all_urls(conversation.pk)}
    assert {
        "staff:conversations",
        "staff:conversation",
        "staff:queue",
        "staff:reply",
        "staff:hand_back",
        "staff:claim",
        "staff:export_nlu",
        "staff:analytics",
        "staff:delete",
        "staff:audit",
        "staff:flag",
        "staff:add_note",
        "staff:mark_reviewed",
        "admin:index",
    } <= names


@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_gets_nothing_anywhere(client, conversation, method):
    for name, path in all_urls(conversation.pk):
        if name in PUBLIC:
            continue
        response = getattr(client, method)(path, {"text": "hi", "confirm": "yes"})
        assert response.status_code in (302, 403, 405), (name, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"], name
        body = response.content.decode()
        assert "ขอคุยกับคน" not in body and not any(secret in body for secret in SECRETS), name
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_public_urls_show_no_data(client, conversation):
    for name, path in all_urls(conversation.pk):
        if name in PUBLIC:
            body = client.get(path).content.decode()
            assert "ขอคุยกับคน" not in body and not any(secret in body for secret in SECRETS), name


def test_an_account_without_a_role_is_refused(client_as, conversation):
    client = client_as("nobody")
    for name, path in all_urls(conversation.pk):
        if name in PUBLIC or name == "staff:home":
            continue
        response = client.get(path)
        assert response.status_code in (302, 403, 405), (name, response.status_code)
        assert not any(secret in response.content.decode() for secret in SECRETS), name


def test_reviewer_sees_masked_data_on_every_page(client_as, conversation):
    client = client_as("reviewer")
    for name, path in all_urls(conversation.pk):
        response = client.get(path, follow=True)
        body = response.content.decode()
        assert not any(secret in body for secret in SECRETS), name
    detail = client.get(reverse("staff:conversation", args=[conversation.pk])).content.decode()
    assert "[phone]" in detail and "[email]" in detail and "[national ID]" in detail
    queue = client.get(reverse("staff:queue")).content.decode()
    assert "[phone]" in queue


def test_reviewer_search_cannot_find_personal_data(client_as, conversation):
    client = client_as("reviewer")
    body = client.get(reverse("staff:conversations"), {"q": "5678"}).content.decode()
    assert f"#{conversation.pk}<" not in body
    assert "[phone]" in (
        client.get(reverse("staff:conversations"), {"q": "[phone]"}).content.decode()
    )


def test_clinician_sees_the_full_text(client_as, conversation):
    client = client_as("clinician")
    detail = client.get(reverse("staff:conversation", args=[conversation.pk])).content.decode()
    assert PHONE in detail and EMAIL in detail and LINE_USER in detail


def test_reviewer_cannot_claim_reply_hand_back_or_delete(client_as, conversation, settings):
    settings.RASA_URL = "http://127.0.0.1:9"  # would fail loudly if a call got through
    client = client_as("reviewer")
    for name in ("staff:claim", "staff:reply", "staff:hand_back", "staff:delete"):
        response = client.post(
            reverse(name, args=[conversation.pk]), {"text": "hi", "confirm": "yes"}
        )
        assert response.status_code == 403, name
    assert Conversation.objects.filter(pk=conversation.pk).exists()
    assert not AuditEntry.objects.filter(action__in=["reply", "delete", "claim"]).exists()


def test_clinician_cannot_delete_or_read_the_audit_log(client_as, conversation):
    client = client_as("clinician")
    assert (
        client.post(reverse("staff:delete", args=[conversation.pk]), {"confirm": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("staff:audit")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302  # not staff: sent to sign in


def test_reviewer_export_is_masked(client_as, conversation, users):
    from console.staff.models import TrackerEvent

    event = TrackerEvent.objects.get(type_name="user")
    Flag.objects.create(
        sender_id=conversation.sender_id, user_event_id=event.id, corrected_intent="handoff_request"
    )
    masked = client_as("reviewer").get(reverse("staff:export_nlu")).content.decode()
    assert "[phone]" in masked and PHONE not in masked and EMAIL not in masked
    full = client_as("clinician").get(reverse("staff:export_nlu")).content.decode()
    assert PHONE in full
    assert AuditEntry.objects.filter(action="export").count() == 2
