"""The handoff queue and what clinicians do with a handed-off conversation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.staff import audit, conversation_index, rasa_api, tracker_store, triage
from console.staff.conversation_events import CHANNEL_NAMES, summarise
from console.staff.forms import ReplyForm
from console.staff.masking import shown
from console.staff.models import AuditEntry, Claim, Conversation
from console.staff.roles import CLINICIAN, REVIEWER, role_required, sees_personal_data
from console.staff.views.conversations import PAGE_SIZE


@role_required(REVIEWER)
def queue(request: HttpRequest) -> HttpResponse:
    conversation_index.refresh_index()
    unmasked = sees_personal_data(request.user)
    page = Paginator(triage.waiting(), PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = list(page)
    claims = {
        c.sender_id: c
        for c in Claim.objects.filter(sender_id__in=[w.sender_id for w in waiting]).select_related(
            "user"
        )
    }
    now = timezone.now()
    for conversation in waiting:
        conversation.waiting_minutes = int((now - conversation.paused_at).total_seconds() // 60)
        conversation.handoff_summary = shown(conversation.handoff_summary, unmasked)
        conversation.claim = claims.get(conversation.sender_id)
        conversation.channel_name = CHANNEL_NAMES.get(conversation.channel, conversation.channel)
    return render(
        request,
        "staff/queue.html",
        {
            "waiting": waiting,
            "page": page,
            "refresh_seconds": settings.QUEUE_REFRESH_SECONDS,
        },
    )


@require_POST
@role_required(CLINICIAN)
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    Claim.objects.update_or_create(
        sender_id=conversation.sender_id, defaults={"user": request.user}
    )
    audit.record(AuditEntry.Action.CLAIM, conversation.sender_id, request=request)
    return redirect("staff:conversation", pk=pk)


@require_POST
@role_required(CLINICIAN)
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = ReplyForm(request.POST)
    facts = summarise(
        conversation.sender_id,
        tracker_store.conversation_events(conversation.sender_id),
        timezone.get_current_timezone(),
    )
    claimed = Claim.objects.filter(sender_id=conversation.sender_id, user=request.user).exists()
    if not facts.paused:
        messages.error(
            request, _("This conversation is not handed off: the assistant is answering it.")
        )
    elif not claimed:
        messages.error(request, _("Claim the conversation before replying."))
    elif not form.is_valid():
        messages.error(request, _("Write a reply first."))
    else:
        try:
            rasa_api.send_staff_reply(
                conversation.sender_id,
                form.cleaned_data["text"],
                facts.channel,
                request.user.get_username(),
                facts.language,
            )
        except rasa_api.RasaUnavailable as error:
            messages.error(
                request,
                _("The assistant did not accept the reply (%(error)s). Try again.")
                % {"error": error},
            )
        else:
            audit.record(AuditEntry.Action.REPLY, conversation.sender_id, request=request)
            conversation_index.rebuild([conversation.sender_id])
            messages.success(request, _("Reply sent."))
    return redirect("staff:conversation", pk=pk)


@require_POST
@role_required(CLINICIAN)
def hand_back(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        rasa_api.hand_back(conversation.sender_id, request.user.get_username())
    except rasa_api.RasaUnavailable as error:
        messages.error(
            request,
            _("The assistant did not accept the hand-back (%(error)s). Try again.")
            % {"error": error},
        )
        return redirect("staff:conversation", pk=pk)
    Claim.objects.filter(sender_id=conversation.sender_id).delete()
    audit.record(AuditEntry.Action.HAND_BACK, conversation.sender_id, request=request)
    conversation_index.rebuild([conversation.sender_id])
    messages.success(request, _("Handed back to the assistant."))
    return redirect("staff:queue")
