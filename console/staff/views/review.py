"""Reviewing: mark reviewed, notes, flags, the NLU export; deletion and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.staff import audit, deletion
from console.staff.forms import FlagForm, NoteForm
from console.staff.masking import shown
from console.staff.models import AuditEntry, Conversation, Flag, Note, Review, TrackerEvent
from console.staff.nlu_export import flagged_examples, nlu_yaml
from console.staff.roles import ADMIN, REVIEWER, role_required, sees_personal_data


@require_POST
@role_required(REVIEWER)
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    Review.objects.create(sender_id=conversation.sender_id, user=request.user)
    audit.record(AuditEntry.Action.REVIEW, conversation.sender_id, request=request)
    return redirect("staff:conversation", pk=pk)


@require_POST
@role_required(REVIEWER)
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        Note.objects.create(
            sender_id=conversation.sender_id, user=request.user, text=form.cleaned_data["text"]
        )
        audit.record(AuditEntry.Action.NOTE, conversation.sender_id, request=request)
    return redirect("staff:conversation", pk=pk)


@require_POST
@role_required(REVIEWER)
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = FlagForm(request.POST)
    event_id = form.data.get("user_event_id")
    if (
        not form.is_valid()
        or not TrackerEvent.objects.filter(
            id=form.cleaned_data["user_event_id"],
            sender_id=conversation.sender_id,
            type_name="user",
        ).exists()
    ):
        messages.error(
            request, _("Choose the correct intent for a patient message of this conversation.")
        )
        return redirect("staff:conversation", pk=pk)
    Flag.objects.update_or_create(
        user_event_id=form.cleaned_data["user_event_id"],
        defaults={
            "sender_id": conversation.sender_id,
            "corrected_intent": form.cleaned_data["corrected_intent"],
            "note": form.cleaned_data["note"],
            "user": request.user,
        },
    )
    audit.record(
        AuditEntry.Action.FLAG,
        conversation.sender_id,
        f"event {event_id} -> {form.cleaned_data['corrected_intent']}",
        request=request,
    )
    messages.success(request, _("Flagged: it will be in the next training-data export."))
    return redirect("staff:conversation", pk=pk)


@role_required(REVIEWER)
def export_nlu(request: HttpRequest) -> HttpResponse:
    unmasked = sees_personal_data(request.user)
    examples = flagged_examples(unmasked)
    count = sum(len(texts) for texts in examples.values())
    audit.record(
        AuditEntry.Action.EXPORT,
        "flagged-nlu.yml",
        f"{count} examples, {'unmasked' if unmasked else 'masked'}",
        request=request,
    )
    response = HttpResponse(nlu_yaml(examples), content_type="application/x-yaml; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="flagged-nlu-{stamp}.yml"'
    return response


@require_POST
@role_required(ADMIN)
def delete_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the deletion."))
        return redirect("staff:conversation", pk=pk)
    deleted = deletion.delete_conversations(
        [conversation.sender_id], "deleted on request (console)", request=request
    )
    messages.success(request, _("Conversation deleted (%(count)d events).") % {"count": deleted})
    return redirect("staff:conversations")


@role_required(ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(AuditEntry.objects.all(), 100).get_page(request.GET.get("page"))
    for entry in page:
        entry.detail = shown(entry.detail, sees_personal_data(request.user))
    return render(request, "staff/audit_log.html", {"page": page})
