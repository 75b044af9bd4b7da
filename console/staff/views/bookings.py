"""Consultation requests: the list beside the handoff queue, and staff decisions on them.

A decision (confirm with the final time, propose another time, decline with a reason) is
told to the patient on their own channel through Rasa's HTTP API, recorded in the
conversation like a staff reply with the ``booking_update`` the request's status is read
from, and audit-logged. Reviewers see the list with names and phones masked and cannot act.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any, Optional

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistant.booking import booking_words, display_phone
from assistant.booking_slots import describe_requested
from assistant.booking_time import RequestedTime
from assistant.clinic import clinic
from assistant.content import load_content
from assistant.placeholders import placeholder_values
from assistant.settings import settings as assistant_settings
from console.staff import audit, conversation_index, rasa_api, tracker_store
from console.staff.conversation_events import CHANNEL_NAMES, summarise
from console.staff.masking import mask_personal_data
from console.staff.models import AuditEntry, BookingRequest
from console.staff.roles import CLINICIAN, REVIEWER, role_required, sees_personal_data
from console.staff.views.conversations import PAGE_SIZE

WAITING = ("requested", "change_requested")
OPERATIONS = {
    "confirm": ("confirmed", "booking.staff.confirmed", AuditEntry.Action.BOOKING_CONFIRM),
    "propose": ("proposed", "booking.staff.proposed", AuditEntry.Action.BOOKING_PROPOSE),
    "decline": ("declined", "booking.staff.declined", AuditEntry.Action.BOOKING_DECLINE),
}


def masked_name(name: str) -> str:
    """A reviewer sees the first letter only: "Somchai Jaidee" -> "S••• J•••"."""
    return " ".join(part[:1] + "•••" for part in name.split()) or "-"


def wish_shown(label: str, language: str) -> str:
    if not label:
        return "-"
    try:
        return describe_requested(RequestedTime.from_label(label), clinic(), language)
    except ValueError:
        return label


@role_required(REVIEWER)
def booking_list(request: HttpRequest) -> HttpResponse:
    conversation_index.refresh_index()
    unmasked = sees_personal_data(request.user)
    waiting_first = Case(
        When(status__in=WAITING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = BookingRequest.objects.select_related("conversation").order_by(
        waiting_first, "-submitted_at", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown_rows = list(page)
    for row in shown_rows:
        phone = display_phone(row.phone) if row.phone.startswith("+66") else row.phone
        row.name_shown = row.name if unmasked else masked_name(row.name)
        row.phone_shown = phone if unmasked else mask_personal_data(phone)
        row.note_shown = row.note if unmasked else mask_personal_data(row.note)
        row.wish_shown = wish_shown(row.wish, "en")
        row.final_shown = wish_shown(row.final_time, "en") if row.final_time else ""
        row.channel_name = CHANNEL_NAMES.get(row.channel, row.channel)
        row.waiting = row.status in WAITING
    return render(
        request,
        "staff/bookings.html",
        {
            "rows": shown_rows,
            "page": page,
            "waiting_count": BookingRequest.objects.filter(status__in=WAITING).count(),
        },
    )


def _chosen_time(post: Any) -> Optional[RequestedTime]:
    try:
        day = date.fromisoformat(post.get("date", ""))
        at = time.fromisoformat(post.get("time", ""))
    except ValueError:
        return None
    return RequestedTime(day=day, at=at.replace(second=0, microsecond=0))


@require_POST
@role_required(CLINICIAN)
def booking_act(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(BookingRequest.objects.select_related("conversation"), pk=pk)
    operation = request.POST.get("op", "")
    reason = " ".join(request.POST.get("reason", "").split())[:300]
    chosen = _chosen_time(request.POST)
    if operation not in OPERATIONS:
        messages.error(request, _("Choose confirm, propose or decline."))
        return redirect("staff:bookings")
    if operation in ("confirm", "propose") and chosen is None:
        messages.error(request, _("Give the date and time."))
        return redirect("staff:bookings")
    if operation in ("propose", "decline") and not reason:
        messages.error(request, _("Give the reason the patient will read."))
        return redirect("staff:bookings")
    sender = row.conversation.sender_id
    facts = summarise(
        sender, tracker_store.conversation_events(sender), timezone.get_current_timezone()
    )
    language = facts.language or row.language or "th"
    status, key, audit_action = OPERATIONS[operation]
    label = chosen.label() if chosen else ""
    update: dict[str, Any] = {"reference": row.reference, "status": status, "by": "staff"}
    if operation == "confirm":
        update["final_time"] = label
    elif operation == "propose":
        update.update(wish=label, reason=reason)
    else:
        update["reason"] = reason
    values = {
        **placeholder_values(language, clinic(), assistant_settings()),
        "reference": row.reference,
        "wish": wish_shown(label, language),
        "reason": reason,
    }
    texts = [text.format_map(values) for text in load_content().messages[key].messages[language]]
    buttons = None
    if operation == "propose":
        words = booking_words()
        buttons = [
            {
                "title": words.buttons[name][language],
                "payload": '/booking_manage{"booking_field": "%s"}' % field,
            }
            for name, field in (
                ("accept_proposal", "accept_proposal"),
                ("change_request", "change_request"),
            )
        ]
    try:
        rasa_api.send_booking_update(
            sender, texts, facts.channel, request.user.get_username(), language, update, buttons
        )
    except rasa_api.RasaUnavailable as error:
        messages.error(
            request,
            _("The assistant did not accept the message (%(error)s). Try again.")
            % {"error": error},
        )
        return redirect("staff:bookings")
    audit.record(
        audit_action, sender, f"{row.reference} {status} {label} {reason}".strip(), request
    )
    conversation_index.rebuild([sender])
    messages.success(request, _("The patient has been told."))
    return redirect("staff:bookings")
