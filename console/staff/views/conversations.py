"""The conversation list and the transcript."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from console.staff import audit, tracker_store
from console.staff.conversation_events import CHANNEL_NAMES, summarise, transcript
from console.staff.conversation_index import refresh_index
from console.staff.forms import ConversationFilterForm, FlagForm, NoteForm, ReplyForm
from console.staff.masking import shown
from console.staff.models import AuditEntry, Claim, Conversation, Flag, Note, Review
from console.staff.roles import REVIEWER, role_required, sees_personal_data

PAGE_SIZE = 50
LIST_FIELDS = [
    "pk",
    "sender_id",
    "channel",
    "language",
    "first_question",
    "topics",
    "handed_off",
    "safety",
    "fallback",
    "paused",
    "last_activity",
    "user_messages",
]


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def filtered(form: ConversationFilterForm, unmasked: bool) -> QuerySet[Conversation]:
    """The conversations matching the list's filters, newest first."""
    found = Conversation.objects.order_by("-last_activity", "-pk")
    if not form.is_valid():
        return found
    data = form.cleaned_data
    if data["channel"]:
        found = found.filter(channel=data["channel"])
    if data["language"]:
        found = found.filter(languages__contains=f",{data['language']},")
    for flag in ("handed_off", "safety", "fallback"):
        if data[flag]:
            found = found.filter(**{flag: data[flag] == "yes"})
    if data["topic"]:
        found = found.filter(topics__contains=f",{data['topic'].strip()},")
    if data["date_from"]:
        found = found.filter(last_activity__gte=_local_start(data["date_from"]))
    if data["date_to"]:
        found = found.filter(started_at__lt=_local_start(data["date_to"] + dt.timedelta(days=1)))
    if data["q"].strip():
        column = "search_text" if unmasked else "search_text_masked"
        found = found.filter(**{f"{column}__icontains": data["q"].strip()})
    return found


@role_required(REVIEWER)
def conversation_list(request: HttpRequest) -> HttpResponse:
    refresh_index()
    unmasked = sees_personal_data(request.user)
    form = ConversationFilterForm(request.GET or None)
    page = Paginator(filtered(form, unmasked).only(*LIST_FIELDS[1:]), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if form.is_valid() and form.cleaned_data["q"].strip():
        audit.record(
            AuditEntry.Action.SEARCH,
            detail=shown(form.cleaned_data["q"], unmasked),
            request=request,
        )
    for conversation in page:
        conversation.first_question = shown(conversation.first_question, unmasked)
        conversation.channel_name = CHANNEL_NAMES.get(conversation.channel, conversation.channel)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/conversation_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(REVIEWER)
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    unmasked = sees_personal_data(request.user)
    events = tracker_store.conversation_events(conversation.sender_id)
    facts = summarise(conversation.sender_id, events, timezone.get_current_timezone())
    lines = transcript(events)
    flags = {f.user_event_id: f for f in Flag.objects.filter(sender_id=conversation.sender_id)}
    for line in lines:
        line.text = shown(line.text, unmasked)
        line.summary = shown(line.summary, unmasked)
        line.flag = flags.get(line.event_id)
    notes = list(
        Note.objects.filter(sender_id=conversation.sender_id)
        .select_related("user")
        .order_by("created_at")
    )
    for note in notes:
        note.text = shown(note.text, unmasked)
    audit.record(AuditEntry.Action.VIEW, conversation.sender_id, request=request)
    return render(
        request,
        "staff/conversation_detail.html",
        {
            "conversation": conversation,
            "identity": conversation.sender_id if unmasked else f"#{conversation.pk}",
            "channel_name": CHANNEL_NAMES.get(facts.channel, facts.channel),
            "facts": facts,
            "lines": lines,
            "claim": Claim.objects.filter(sender_id=conversation.sender_id)
            .select_related("user")
            .first(),
            "reviews": Review.objects.filter(sender_id=conversation.sender_id)
            .select_related("user")
            .order_by("created_at"),
            "notes": notes,
            "flag_form": FlagForm(),
            "note_form": NoteForm(),
            "reply_form": ReplyForm(),
        },
    )
