"""The consultation request form (``booking_form``): its validation, questions and submission.

Rasa's form asks for each slot in turn (``domain.yml`` lists them; every answer is taken
from the text while its slot is requested) and calls ``validate_booking_form`` after each
patient message. The validation reads the answer (``assistant/booking.py``,
``assistant/booking_time.py``) and also handles what is not an answer, in this order: a
red flag gets the emergency answer and ends the form; distress or a request for a person
hands off with what the form had collected in the staff summary; "cancel"/"ยกเลิก" stops
it; a question is answered and the same slot asked again. Everything is decided here
rather than in rules, because a name or a phone number says nothing reliable to the
intent classifier: only the slot being asked for says how to read it.

``action_booking_submit`` runs when the form ends (rule in ``data/rules/booking.yml``): a
confirmed request becomes a message whose metadata holds the request (the tracker store
is its record; the console lists it), and staff are alerted. Any other ending clears the
slots.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer_intent
from actions.handoff import alert_staff, hand_off
from actions.replies import (
    CLINIC,
    CONTENT,
    in_office_hours_key,
    language_of,
    latest_intent,
    render,
    send,
    send_reply,
)
from assistant.booking import (
    FORM_SLOTS,
    MAX_NOTE_CHARS,
    NO_NOTE,
    BookingRequest,
    booking_words,
    display_phone,
    latest_open_booking,
    new_reference,
    patient_name,
    thai_phone,
)
from assistant.booking_slots import (
    describe_requested,
    describe_slot,
    nearest_open_times,
    problem_with,
)
from assistant.booking_time import RequestedTime, read_requested_time
from assistant.conversation import SAFETY_NET_KEY, bot_metadata
from assistant.handoff import (
    BOOKING_CANCELLED,
    BOOKING_CHANGE,
    BOOKING_REQUEST,
    DISTRESS,
    EMERGENCY,
    USER_REQUEST,
)

WORDS = booking_words()
REQUESTED_SLOT = "requested_slot"
# Kept between turns while the wish is incomplete ("Tuesday", then "2pm"), and the
# patient's own words for staff.
TIME_PARTIAL, TIME_TEXT = "booking_time_partial", "booking_time_text"
ALL_SLOTS = (*FORM_SLOTS, TIME_PARTIAL, TIME_TEXT)
FIELD_ENTITY = "booking_field"
# A message is taken as a question mid-form when the classifier is this sure of a
# question intent and the message is not an answer to the slot being asked.
QUESTION_CONFIDENCE = 0.5
# Where almost any text is an answer (a name, a note), only this sure a classifier interrupts.
SURE_CONFIDENCE = 0.8
_QUESTION_WORDS = ("?", "ไหม", "มั้ย", "อะไร", "ยังไง", "อย่างไร", "เท่าไร", "เท่าไหร่", "ทำไม")


def now() -> datetime:
    """The clinic's present moment (a function, so tests of the rules can move it)."""
    return CLINIC.local()


def payload(intent: str, field: Optional[str] = None) -> str:
    """A button payload: the intent, and which booking field the button is about."""
    return f"/{intent}" + (json.dumps({FIELD_ENTITY: field}) if field else "")


def button(key: str, language: str, intent: str, field: Optional[str] = None) -> Dict[str, str]:
    return {"title": WORDS.buttons[key][language], "payload": payload(intent, field)}


def field_of(tracker: Tracker) -> Optional[str]:
    """The booking field a tapped button named, if any."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == FIELD_ENTITY:
            return str(entity.get("value"))
    return None


def confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0)


def is_safety_net(tracker: Tracker) -> bool:
    """Whether the rule-based red-flag net (not the classifier) forced a safety intent."""
    return bool((tracker.latest_message or {}).get(SAFETY_NET_KEY))


def is_question(tracker: Tracker, strict: bool = False) -> bool:
    """Whether the latest message is a question to answer rather than an answer.

    ``strict`` (for free-text answers such as a name) also wants it to read as a
    question: a question word or mark, or a button.
    """
    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    name = intent.get("name") or ""
    asks = name.startswith(("therapy_", "clinic_")) or name in (
        "safety_personal_advice",
        "chat_bot_challenge",
    )
    if not asks or (intent.get("confidence") or 0) < QUESTION_CONFIDENCE:
        return False
    text = (message.get("text") or "").strip()
    return not strict or text.startswith("/") or any(w in text for w in _QUESTION_WORDS)


def collected(tracker: Tracker) -> str:
    """What the form has gathered so far, for the staff summary (empty when nothing)."""
    labels = {
        "booking_name": "name",
        "booking_phone": "phone",
        "booking_time": "time",
        TIME_TEXT: "as written",
        "booking_condition": "condition",
        "booking_note": "note",
    }
    parts = [
        f"{label}={tracker.get_slot(slot)}"
        for slot, label in labels.items()
        if tracker.get_slot(slot) not in (None, NO_NOTE)
    ]
    return f"Booking form: {', '.join(parts)}." if parts else ""


def cleared() -> List[EventType]:
    """Every booking slot emptied and the form told to stop."""
    return [SlotSet(slot, None) for slot in ALL_SLOTS] + [SlotSet(REQUESTED_SLOT, None)]


def reask(
    dispatcher: CollectingDispatcher,
    key: str,
    language: str,
    slot: str,
    values: Optional[Dict[str, str]] = None,
    **kw: Any,
) -> None:
    """A message that itself asks for ``slot`` again (the form's question is then skipped)."""
    values = {**WORDS.form_values(), **(values or {})}
    send_reply(dispatcher, key, language, values=values, booking_prompt=slot, **kw)


class ValidateBookingForm(Action):
    """Reads each answer of ``booking_form``; answers, hands off or stops when it is not one."""

    form = "booking_form"
    cancelled_key = "booking.form.cancelled"

    def name(self) -> Text:
        return "validate_booking_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        slot = tracker.get_slot(REQUESTED_SLOT)
        if slot is None or tracker.active_loop_name != self.form:
            # The form is starting: answers left from an earlier, unfinished request (a
            # session that expired mid-form) must not be reused, consent least of all.
            return [SlotSet(s, None) for s in ALL_SLOTS if tracker.get_slot(s) is not None]
        language = language_of(tracker)
        text = (tracker.latest_message or {}).get("text") or ""
        if is_safety_net(tracker):
            return self.interrupt(dispatcher, tracker)
        if WORDS.is_cancel(text) or field_of(tracker) == "cancel":
            send_reply(dispatcher, self.cancelled_key, language)
            return cleared()
        reader = getattr(self, f"read_{slot.removeprefix('booking_')}", None)
        if reader is None:
            return []
        return reader(dispatcher, tracker, text, language)

    def interrupt(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, strict: bool = False
    ) -> Optional[List[EventType]]:
        """What is not an answer to the slot: an emergency, distress, a request for a
        person, a question. None when the message is none of these (then re-ask).

        ``strict`` for free-text slots (a name, a note), where almost anything could be an
        answer: only a classifier that is sure, or the safety net, interrupts.
        """
        intent = latest_intent(tracker)
        language = language_of(tracker)
        sure = confidence(tracker) >= (SURE_CONFIDENCE if strict else QUESTION_CONFIDENCE)
        if intent == "safety_emergency" and (sure or is_safety_net(tracker)):
            send_reply(dispatcher, in_office_hours_key("safety.emergency"), language)
            alert_staff(tracker, EMERGENCY)
            return cleared()
        if intent == "safety_distress" and (sure or is_safety_net(tracker)):
            events = hand_off(dispatcher, tracker, DISTRESS, "safety.distress", collected(tracker))
            return cleared() + events
        if intent == "handoff_request" and sure:
            events = hand_off(dispatcher, tracker, USER_REQUEST, collected=collected(tracker))
            return cleared() + events
        if is_question(tracker, strict=strict):
            answer_intent(dispatcher, tracker, intent, language)
            return [SlotSet(tracker.get_slot(REQUESTED_SLOT), None)]
        return None

    def read_consent(self, dispatcher, tracker, text, language) -> List[EventType]:
        intent = latest_intent(tracker)
        if intent == "chat_affirm":
            events: List[EventType] = [SlotSet("booking_consent", True)]
            condition = tracker.get_slot("condition")
            if condition:
                events.append(SlotSet("booking_condition", condition))
            return events
        if intent == "chat_deny":
            send_reply(dispatcher, "booking.form.consent_declined", language)
            return cleared()
        return self.interrupt(dispatcher, tracker) or [SlotSet("booking_consent", None)]

    def read_name(self, dispatcher, tracker, text, language) -> List[EventType]:
        interrupted = self.interrupt(dispatcher, tracker, strict=True)
        if interrupted is not None:
            return interrupted
        name = patient_name(text)
        if name is None:
            reask(dispatcher, "booking.form.bad_name", language, "booking_name")
        return [SlotSet("booking_name", name)]

    def read_phone(self, dispatcher, tracker, text, language) -> List[EventType]:
        phone = thai_phone(text)
        if phone is not None:
            return [SlotSet("booking_phone", phone)]
        interrupted = self.interrupt(dispatcher, tracker)
        if interrupted is not None:
            return interrupted
        reask(dispatcher, "booking.form.bad_phone", language, "booking_phone")
        return [SlotSet("booking_phone", None)]

    def read_time(self, dispatcher, tracker, text, language) -> List[EventType]:
        moment = now()
        requested = read_requested_time(text, moment)
        if requested is None:
            interrupted = self.interrupt(dispatcher, tracker)
            if interrupted is not None:
                return interrupted
            reask(dispatcher, "booking.form.time_unclear", language, "booking_time")
            return [SlotSet("booking_time", None)]
        partial = tracker.get_slot(TIME_PARTIAL)
        wish = requested.merged(RequestedTime.from_label(partial) if partial else None)
        words = " / ".join(filter(None, [tracker.get_slot(TIME_TEXT), text.strip()]))[:200]
        values = {"wish": describe_requested(wish, CLINIC, language)}
        problem = problem_with(wish, CLINIC, moment)
        if problem == "no_day":
            reask(
                dispatcher, "booking.form.time_day_missing", language, "booking_time", values=values
            )
            return [SlotSet("booking_time", None), SlotSet(TIME_PARTIAL, wish.label()),
                    SlotSet(TIME_TEXT, words)]  # fmt: skip
        if problem is not None:
            key = {"holiday": "time_closed", "closed": "time_closed", "past": "time_past"}.get(
                problem, "time_outside_hours"
            )
            offered = [
                {
                    "title": describe_slot(slot, CLINIC, language),
                    "payload": f"{slot:%d/%m/%Y %H:%M}",
                }
                for slot in nearest_open_times(wish, CLINIC, moment)
            ]
            reask(dispatcher, f"booking.form.{key}", language, "booking_time", values=values,
                  buttons=offered)  # fmt: skip
            return [SlotSet("booking_time", None), SlotSet(TIME_PARTIAL, None),
                    SlotSet(TIME_TEXT, None)]  # fmt: skip
        return [SlotSet("booking_time", wish.label()), SlotSet(TIME_PARTIAL, None),
                SlotSet(TIME_TEXT, words)]  # fmt: skip

    def read_condition(self, dispatcher, tracker, text, language) -> List[EventType]:
        named = [
            e.get("value")
            for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == "condition"
        ]
        if named:
            return [SlotSet("booking_condition", named[0])]
        for condition in WORDS.offered_conditions:
            if text.strip() == WORDS.condition_name(condition, language):
                return [SlotSet("booking_condition", condition)]
        interrupted = self.interrupt(dispatcher, tracker, strict=True)
        if interrupted is not None:
            return interrupted
        answer = " ".join(text.split())[:100]
        return [SlotSet("booking_condition", answer or None)]

    def read_note(self, dispatcher, tracker, text, language) -> List[EventType]:
        if field_of(tracker) == "no_note" or WORDS.is_no_note(text):
            return [SlotSet("booking_note", NO_NOTE)]
        interrupted = self.interrupt(dispatcher, tracker, strict=True)
        if interrupted is not None:
            return interrupted
        note = " ".join(text.split())[:MAX_NOTE_CHARS]
        return [SlotSet("booking_note", note or NO_NOTE)]

    def read_confirmed(self, dispatcher, tracker, text, language) -> List[EventType]:
        field = field_of(tracker)
        if latest_intent(tracker) == "chat_affirm" and field is None:
            return [SlotSet("booking_confirmed", True)]
        if field in ("booking_name", "booking_phone", "booking_time", "booking_note"):
            return [SlotSet(field, None), SlotSet("booking_confirmed", None)]
        phone = thai_phone(text)
        if phone is not None:
            return [SlotSet("booking_phone", phone), SlotSet("booking_confirmed", None)]
        interrupted = self.interrupt(dispatcher, tracker)
        if interrupted is not None:
            return interrupted
        send_reply(dispatcher, "booking.form.change_which", language)
        return [SlotSet("booking_confirmed", None)]


def summary_values(tracker: Tracker, language: str) -> Dict[str, str]:
    """The patient's answers as the summary shows them."""
    label = tracker.get_slot("booking_time")
    note = tracker.get_slot("booking_note")
    condition = tracker.get_slot("booking_condition") or "-"
    phone = tracker.get_slot("booking_phone")
    return {
        "patient_name": tracker.get_slot("booking_name") or "-",
        "patient_phone": display_phone(phone) if phone else "-",
        "wish": describe_requested(RequestedTime.from_label(label), CLINIC, language)
        if label
        else "-",
        "condition": WORDS.condition_name(condition, language),
        "note": "-" if note in (None, NO_NOTE) else note,
    }


class AskBooking(Action, ABC):
    """Asks for one slot of the booking form, unless the validation has just asked for it."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked for (each subclass names it)."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def buttons(self, language: str) -> Optional[List[Dict[str, str]]]:
        return None

    def values(self, tracker: Tracker, language: str) -> Optional[Dict[str, str]]:
        return None

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if self._already_asked(tracker):
            return []
        language = language_of(tracker)
        key = f"booking.form.{self.slot.removeprefix('booking_')}"
        if self.slot == "booking_confirmed":
            key = "booking.form.summary"
        send_reply(
            dispatcher,
            key,
            language,
            values={**WORDS.form_values(), **(self.values(tracker, language) or {})},
            buttons=self.buttons(language) or [],
            booking_prompt=self.slot,
        )
        return []

    def _already_asked(self, tracker: Tracker) -> bool:
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                return False
            if (
                event.get("event") == "bot"
                and bot_metadata(event).get("booking_prompt") == self.slot
            ):
                return True
        return False


class AskBookingConsent(AskBooking):
    slot = "booking_consent"

    def buttons(self, language: str) -> Optional[List[Dict[str, str]]]:
        return [
            button("consent_yes", language, "chat_affirm"),
            button("consent_no", language, "chat_deny"),
        ]


class AskBookingName(AskBooking):
    slot = "booking_name"


class AskBookingPhone(AskBooking):
    slot = "booking_phone"


class AskBookingTime(AskBooking):
    slot = "booking_time"


class AskBookingCondition(AskBooking):
    slot = "booking_condition"

    def buttons(self, language: str) -> Optional[List[Dict[str, str]]]:
        names = [WORDS.condition_name(c, language) for c in WORDS.offered_conditions]
        return [{"title": name, "payload": name} for name in names]


class AskBookingNote(AskBooking):
    slot = "booking_note"

    def buttons(self, language: str) -> Optional[List[Dict[str, str]]]:
        return [button("no_note", language, "chat_deny", "no_note")]


class AskBookingConfirmed(AskBooking):
    slot = "booking_confirmed"

    def values(self, tracker: Tracker, language: str) -> Optional[Dict[str, str]]:
        return summary_values(tracker, language)

    def buttons(self, language: str) -> Optional[List[Dict[str, str]]]:
        return [
            button("confirm", language, "chat_affirm"),
            button("change_time", language, "chat_deny", "booking_time"),
            button("change_phone", language, "chat_deny", "booking_phone"),
            button("change_name", language, "chat_deny", "booking_name"),
            button("change_note", language, "chat_deny", "booking_note"),
            button("cancel", language, "chat_deny", "cancel"),
        ]


class ActionBookingSubmit(Action):
    """When the form ends: a confirmed request is recorded, the patient told, staff alerted."""

    def name(self) -> Text:
        return "action_booking_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if tracker.get_slot("booking_confirmed") is not True:
            return cleared()[:-1]
        language = language_of(tracker)
        request = BookingRequest(
            reference=new_reference(),
            status="requested",
            name=tracker.get_slot("booking_name"),
            phone=tracker.get_slot("booking_phone"),
            wish=tracker.get_slot("booking_time"),
            wish_text=tracker.get_slot(TIME_TEXT) or "",
            condition=tracker.get_slot("booking_condition") or "",
            note=tracker.get_slot("booking_note") or NO_NOTE,
            language=language,
            channel=tracker.get_latest_input_channel(),
            submitted_at=time.time(),
        )
        key = in_office_hours_key("booking.submitted")
        messages = render(CONTENT.reply(key), language, {"reference": request.reference})
        messages[0].metadata["booking"] = request.as_metadata()
        send(dispatcher, messages, language)
        alert_staff(tracker, BOOKING_REQUEST, f"{request.reference}. {collected(tracker)}")
        return cleared()[:-1]


class ValidateBookingChangeForm(ValidateBookingForm):
    """The one-question form for another time for a request already made (booking.manage)."""

    form = "booking_change_form"
    cancelled_key = "booking.manage.change_stopped"

    def name(self) -> Text:
        return "validate_booking_change_form"


class ActionBookingManage(Action):
    """booking.manage: the status of the latest request, cancel it, or ask for another time."""

    def name(self) -> Text:
        return "action_booking_manage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = language_of(tracker)
        state = latest_open_booking(tracker.events)
        if state is None:
            send_reply(dispatcher, "booking.manage.none", language)
            return []
        field = field_of(tracker)
        values = {
            "reference": state.reference,
            "wish": describe_requested(
                RequestedTime.from_label(state.final_time or state.wish), CLINIC, language
            ),
            "status": WORDS.status_name(state.status, language),
        }
        if field == "cancel_request":
            update = {"reference": state.reference, "status": "cancelled", "by": "patient"}
            send_reply(dispatcher, "booking.manage.cancelled", language, values=values,
                       booking_update=update)  # fmt: skip
            alert_staff(tracker, BOOKING_CANCELLED, f"{state.reference} cancelled by the patient.")
            return []
        if field == "accept_proposal" and state.status == "proposed":
            update = {"reference": state.reference, "status": "confirmed",
                      "final_time": state.wish, "by": "patient"}  # fmt: skip
            send_reply(dispatcher, "booking.manage.accepted", language, values=values,
                       booking_update=update)  # fmt: skip
            alert_staff(tracker, BOOKING_CHANGE, f"{state.reference}: proposed time accepted.")
            return []
        if field == "change_request":
            return [SlotSet("booking_time", None), SlotSet(TIME_PARTIAL, None),
                    SlotSet(TIME_TEXT, None), FollowupAction("booking_change_form")]  # fmt: skip
        buttons = [
            *(
                [button("accept_proposal", language, "booking_manage", "accept_proposal")]
                if state.status == "proposed"
                else []
            ),
            button("change_request", language, "booking_manage", "change_request"),
            button("cancel_request", language, "booking_manage", "cancel_request"),
        ]
        send_reply(dispatcher, "booking.manage.status", language, values=values, buttons=buttons)
        return []


class ActionBookingChangeSubmit(Action):
    """When the change form ends with a time: the request's new wish, recorded and alerted."""

    def name(self) -> Text:
        return "action_booking_change_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        label = tracker.get_slot("booking_time")
        state = latest_open_booking(tracker.events)
        if label and state is not None:
            language = language_of(tracker)
            wish = describe_requested(RequestedTime.from_label(label), CLINIC, language)
            update = {
                "reference": state.reference,
                "status": "change_requested",
                "wish": label,
                "wish_text": tracker.get_slot(TIME_TEXT) or "",
                "by": "patient",
            }
            send_reply(dispatcher, "booking.manage.change_sent", language,
                       values={"reference": state.reference, "wish": wish},
                       booking_update=update)  # fmt: skip
            alert_staff(tracker, BOOKING_CHANGE, f"{state.reference}: another time asked: {label}.")
        return cleared()[:-1]
