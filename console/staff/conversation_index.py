"""The derived conversation index: refreshed incrementally from the tracker store.

Each refresh reads the events added since the last one (plus a small overlap, so events
committed out of id order by concurrent Rasa processes are not missed), and rebuilds the
index rows of every conversation they belong to from *all* of that conversation's
events. Rebuilding is idempotent, so reading an event twice is harmless, and a
conversation whose events are gone is dropped. The tracker store stays the record.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Callable, Iterable, Optional
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assistant.booking import booking_states
from assistant.feedback import HELPFUL
from console.staff import tracker_store
from console.staff.conversation_events import ConversationFacts, summarise
from console.staff.masking import mask_personal_data
from console.staff.models import (
    BookingRequest,
    Conversation,
    ConversationDay,
    Handoff,
    IndexState,
    Rating,
    UnansweredMessage,
)
from console.staff.wording import wording

OVERLAP_EVENTS = (
    200  # re-read this many ids before the newest: concurrent writers commit out of order
)
BATCH_EVENTS = 20_000

FIELDS = [
    "channel",
    "language",
    "languages",
    "first_question",
    "topics",
    "handed_off",
    "safety",
    "fallback",
    "paused",
    "paused_at",
    "handoff_reason",
    "handoff_summary",
    "urgent",
    "started_at",
    "last_activity",
    "user_messages",
    "search_text",
    "search_text_masked",
]


def _joined(values: Iterable[str]) -> str:
    """ ",a,b," so a ``contains`` filter matches whole values."""
    values = list(values)
    return f",{','.join(values)}," if values else ""


def _apply(conversation: Conversation, facts: ConversationFacts) -> Conversation:
    search_text = "\n".join(facts.search_lines)
    values = {
        "channel": facts.channel,
        "language": facts.language,
        "languages": _joined(facts.languages),
        "first_question": facts.first_question,
        "topics": _joined(facts.topics),
        "handed_off": facts.handed_off,
        "safety": facts.safety,
        "fallback": facts.fallback,
        "paused": facts.paused,
        "paused_at": facts.paused_at if facts.paused else None,
        "handoff_reason": facts.handoff_reason,
        "handoff_summary": facts.handoff_summary,
        "urgent": facts.urgent if facts.paused else "",
        "started_at": facts.started_at,
        "last_activity": facts.last_activity,
        "user_messages": facts.user_messages,
        "search_text": search_text,
        "search_text_masked": mask_personal_data(search_text),
    }
    for name, value in values.items():
        setattr(conversation, name, value)
    return conversation


def rebuild(sender_ids: Iterable[str]) -> int:
    """Rebuilds the index rows of these conversations from the tracker store."""
    sender_ids = sorted(set(sender_ids))
    if not sender_ids:
        return 0
    zone = ZoneInfo(settings.TIME_ZONE)
    events = tracker_store.events_by_sender(sender_ids)
    existing = {c.sender_id: c for c in Conversation.objects.filter(sender_id__in=sender_ids)}
    gone = [sender for sender in sender_ids if sender not in events]
    facts = {sender: summarise(sender, events[sender], zone) for sender in events}
    updated, created = [], []
    for sender, fact in facts.items():
        if sender in existing:
            updated.append(_apply(existing[sender], fact))
        else:
            created.append(_apply(Conversation(sender_id=sender), fact))
    Conversation.objects.filter(sender_id__in=gone).delete()
    Conversation.objects.bulk_update(updated, FIELDS, batch_size=500)
    Conversation.objects.bulk_create(created, batch_size=500)
    if created and created[0].pk is None:  # SQLite before 3.35 returns no ids
        ids = dict(
            Conversation.objects.filter(sender_id__in=[c.sender_id for c in created]).values_list(
                "sender_id", "pk"
            )
        )
        for conversation in created:
            conversation.pk = ids[conversation.sender_id]
    rows = updated + created
    ConversationDay.objects.filter(conversation__in=[c.pk for c in updated]).delete()
    Handoff.objects.filter(conversation__in=[c.pk for c in updated]).delete()
    Rating.objects.filter(conversation__in=[c.pk for c in updated]).delete()
    UnansweredMessage.objects.filter(conversation__in=[c.pk for c in updated]).delete()
    BookingRequest.objects.filter(conversation__in=[c.pk for c in updated]).delete()
    BookingRequest.objects.bulk_create(
        [_booking_row(c, state) for c in rows for state in booking_states(events[c.sender_id])],
        batch_size=1000,
    )
    ConversationDay.objects.bulk_create(
        [
            ConversationDay(
                conversation=c,
                day=day,
                language=language,
                channel=channel,
                user_messages=n.user_messages,
                bot_messages=n.bot_messages,
                fallbacks=n.fallbacks,
                safety_events=n.safety_events,
                topics=_joined(n.topics),
                questions=_joined(n.questions),
            )
            for c in rows
            for (day, language, channel), n in facts[c.sender_id].days.items()
        ],
        batch_size=1000,
    )
    Handoff.objects.bulk_create(
        [
            Handoff(
                conversation=c,
                paused_at=h.paused_at,
                reason=h.reason,
                answered_at=h.answered_at,
                resumed_at=h.resumed_at,
            )
            for c in rows
            for h in facts[c.sender_id].handoffs
        ],
        batch_size=1000,
    )
    Rating.objects.bulk_create(
        [
            Rating(
                conversation=c,
                day=r.day,
                language=r.language,
                topic=r.topic,
                question=r.question,
                helpful=r.value == HELPFUL,
                answer_event_id=r.answer_event_id,
                asked_event_id=r.asked_event_id,
            )
            for c in rows
            for r in facts[c.sender_id].ratings.values()
        ],
        batch_size=1000,
    )
    UnansweredMessage.objects.bulk_create(
        [
            UnansweredMessage(
                conversation=c,
                event_id=u.event_id,
                day=u.day,
                language=u.language,
                reason=u.reason,
                text=u.text,
                text_masked=mask_personal_data(u.text),
                wording=" ".join(wording(mask_personal_data(u.text))),
            )
            for c in rows
            for u in facts[c.sender_id].unanswered.values()
        ],
        batch_size=1000,
    )
    return len(rows)


def _booking_row(conversation: Conversation, state) -> BookingRequest:
    request = state.request
    submitted = float(request.get("submitted_at") or 0)
    return BookingRequest(
        conversation=conversation,
        reference=state.reference,
        status=state.status,
        name=str(request.get("name") or "")[:128],
        phone=str(request.get("phone") or "")[:32],
        wish=state.wish[:64],
        wish_text=str(request.get("wish_text") or ""),
        final_time=(state.final_time or "")[:64],
        condition=str(request.get("condition") or "")[:128],
        note=str(request.get("note") or ""),
        language=str(request.get("language") or ""),
        channel=str(request.get("channel") or ""),
        reason=state.reason,
        submitted_at=datetime.fromtimestamp(submitted, dt_timezone.utc),
        updated_at=datetime.fromtimestamp(state.updated_at or submitted, dt_timezone.utc),
    )


def _locked_state() -> IndexState:
    """The single state row, locked until the transaction ends (refreshes queue up)."""
    state = IndexState.objects.select_for_update().filter(pk=1).first()
    return state or IndexState.objects.create(pk=1)


def refresh_index(
    batch: int = BATCH_EVENTS, progress: Optional[Callable[[int, int], None]] = None
) -> int:
    """Brings the index up to date with the tracker store; returns conversations rebuilt."""
    if not tracker_store.exists():
        return 0
    state = IndexState.objects.filter(pk=1).first()
    if state and state.last_event_id == tracker_store.last_event_id():
        return 0  # nothing new (a late commit inside the overlap is read with the next event)
    rebuilt = 0
    overlap = OVERLAP_EVENTS
    while True:
        with transaction.atomic():
            state = _locked_state()
            start = max(state.last_event_id - overlap, 0)
            senders, last_id, read = tracker_store.senders_after(start, batch)
            if last_id is None and state.last_event_id and not tracker_store.last_event_id():
                Conversation.objects.all().delete()  # the tracker store was emptied or replaced
                state.last_event_id = 0
            rebuilt += rebuild(senders)
            state.last_event_id = max(last_id or 0, state.last_event_id)
            state.refreshed_at = timezone.now()
            state.save()
        if progress:
            progress(state.last_event_id, rebuilt)
        if read < batch:
            return rebuilt
        overlap = 0


def drop(sender_ids: Iterable[str]) -> None:
    """Removes conversations from the index (after deleting them from the tracker store)."""
    Conversation.objects.filter(sender_id__in=list(sender_ids)).delete()
