"""A consultation request: what the form collects and how each answer is read.

The Rasa form lives in ``actions/booking.py``; the reading of each answer (a Thai phone
number, a name, "cancel", "no note") and the record that is submitted live here, so that
the console and the tests read them the same way. The words come from
``content/booking.yml``; day and time from ``assistant/booking_time.py``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import yaml
from pythainlp.util import thai_digit_to_arabic_digit

from assistant.conversation import Event, bot_metadata
from assistant.language import LANGUAGES
from assistant.paths import CONTENT_DIR

BOOKING_FILE = CONTENT_DIR / "booking.yml"
# The form's slots, in the order it asks for them (domain.yml lists the same).
FORM_SLOTS = (
    "booking_consent",
    "booking_name",
    "booking_phone",
    "booking_time",
    "booking_condition",
    "booking_note",
    "booking_confirmed",
)
NO_NOTE = "-"
MAX_NAME_CHARS = 80
MAX_NOTE_CHARS = 300
# Polite particles and punctuation that do not change what a short answer means.
_PARTICLES = re.compile(r"(?:ค่ะ|คะ|ครับ|คับ|จ้า|จ้ะ|นะ|ค่า|please|thanks|thank you)\s*$")
_PUNCTUATION = re.compile(r"[\s.!?,。…]+$")


@dataclass(frozen=True)
class BookingWords:
    """``content/booking.yml``."""

    cancel_words: Mapping[str, tuple[str, ...]]
    no_note_words: Mapping[str, tuple[str, ...]]
    buttons: Mapping[str, Mapping[str, str]]
    offered_conditions: tuple[str, ...]
    condition_names: Mapping[str, Mapping[str, str]]
    status_names: Mapping[str, Mapping[str, str]]
    phone_examples: Mapping[str, str]

    @classmethod
    def load(cls, path: Path = BOOKING_FILE) -> "BookingWords":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        problems = [
            f"{path.name}: {section}.{key} has no {language} text"
            for section in ("buttons", "condition_names", "status_names")
            for key, texts in data[section].items()
            for language in LANGUAGES
            if not texts.get(language)
        ]
        problems += [
            f"{path.name}: buttons.{key}.{language} is longer than 20 characters"
            for key, texts in data["buttons"].items()
            for language, text in texts.items()
            if len(text) > 20
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return cls(
            cancel_words={
                lang: tuple(map(str, words)) for lang, words in data["cancel_words"].items()
            },
            no_note_words={
                lang: tuple(map(str, words)) for lang, words in data["no_note_words"].items()
            },
            buttons=data["buttons"],
            offered_conditions=tuple(data["offered_conditions"]),
            condition_names=data["condition_names"],
            status_names=data["status_names"],
            phone_examples={k: str(v) for k, v in data["phone_examples"].items()},
        )

    def form_values(self) -> dict[str, str]:
        """The form's own placeholders: the phone examples and the name's length limit."""
        return {
            "name_max": str(MAX_NAME_CHARS),
            **{f"{kind}_example": text for kind, text in self.phone_examples.items()},
        }

    def _is_one_of(self, text: str, words: Mapping[str, tuple[str, ...]]) -> bool:
        short = short_answer(text)
        return any(short == word.lower() for lang_words in words.values() for word in lang_words)

    def is_cancel(self, text: str) -> bool:
        """Whether the message asks to stop the form ("ยกเลิก", "cancel", "ไม่จองแล้วค่ะ")."""
        return self._is_one_of(text, self.cancel_words)

    def is_no_note(self, text: str) -> bool:
        return self._is_one_of(text, self.no_note_words)

    def status_name(self, status: str, language: str) -> str:
        return self.status_names[status][language]

    def condition_name(self, condition: str, language: str) -> str:
        names = self.condition_names.get(condition)
        return names[language] if names else condition


@lru_cache(maxsize=1)
def booking_words() -> BookingWords:
    """The words of ``content/booking.yml`` (read once)."""
    return BookingWords.load()


def short_answer(text: str) -> str:
    """A short answer without polite particles, closing punctuation or case.

    >>> short_answer("ยกเลิกค่ะ!!"), short_answer("Cancel please.")
    ('ยกเลิก', 'cancel')
    """
    answer = " ".join(text.lower().split())
    for _ in range(3):
        answer = _PUNCTUATION.sub("", answer)
        answer = _PARTICLES.sub("", answer).strip()
    return answer


def thai_phone(text: str) -> Optional[str]:
    """A Thai phone number in the form ``+66812345678``, or None when it is not one.

    Mobile numbers are 0 + 6/8/9 + 8 digits, landlines 0 + 2-7 + 7 digits; ``+66`` (or
    ``66``) replaces the leading 0. Hand-written rather than the ``phonenumbers`` package
    (not in requirements.lock): Thailand's plan is this small and stable.

    >>> thai_phone("081-234-5678"), thai_phone("+66 2 123 4567"), thai_phone("๐๘๑ ๒๓๔ ๕๖๗๘")
    ('+66812345678', '+6621234567', '+66812345678')
    >>> thai_phone("12345") is None, thai_phone("081-234-567") is None
    (True, True)
    """
    digits_text = thai_digit_to_arabic_digit(text).strip()
    if re.search(r"[^\d\s+\-().]", digits_text):
        return None
    digits = re.sub(r"\D", "", digits_text)
    if digits_text.lstrip("( ").startswith("+") or (digits.startswith("66") and len(digits) > 10):
        if not digits.startswith("66"):
            return None
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if re.fullmatch(r"[689]\d{8}", national) or re.fullmatch(r"[2-7]\d{7}", national):
        return "+66" + national
    return None


def display_phone(phone: str) -> str:
    """``+66812345678`` as Thai patients write it: ``081-234-5678`` / ``02-123-4567``.

    >>> display_phone("+66812345678"), display_phone("+6621234567")
    ('081-234-5678', '02-123-4567')
    """
    national = "0" + phone.removeprefix("+66")
    if len(national) == 10:
        return f"{national[:3]}-{national[3:6]}-{national[6:]}"
    if national.startswith("02"):
        return f"{national[:2]}-{national[2:5]}-{national[5:]}"
    return f"{national[:3]}-{national[3:6]}-{national[6:]}"


def patient_name(text: str) -> Optional[str]:
    """The name as the patient typed it, tidied; None when it cannot be a name.

    >>> patient_name("  Somchai   Jaidee "), patient_name("สมหญิง ใจดีค่ะ")
    ('Somchai Jaidee', 'สมหญิง ใจดี')
    >>> patient_name("0812345678") is None, patient_name("<b>x</b>") is None
    (True, True)
    """
    name = " ".join(text.split())
    name = _PARTICLES.sub("", name).strip() or name
    if not name or len(name) > MAX_NAME_CHARS or name.startswith("/"):
        return None
    if re.search(r"\d|[<>{}\[\]@#$%^*=_|\\]", name):
        return None
    if not re.search(r"[A-Za-z\u0E01-\u0E4E]", name):
        return None
    return name


def new_reference() -> str:
    """A short reference the patient and staff can quote ("BK-3F9A2C")."""
    return "BK-" + uuid.uuid4().hex[:6].upper()


@dataclass(frozen=True)
class BookingRequest:
    """A submitted consultation request, as the submit message's metadata stores it.

    The tracker store keeps it (the single record of a conversation), so retention and
    per-person deletion cover it like the rest of the conversation.
    """

    reference: str
    status: str
    name: str
    phone: str
    wish: str
    wish_text: str
    condition: str
    note: str
    language: str
    channel: Optional[str]
    submitted_at: float

    def as_metadata(self) -> dict[str, Any]:
        return asdict(self)


# What can happen to a request after it is submitted: the patient cancels or asks for
# another time; staff confirm (with the final time), propose another time, or decline.
STATUSES = ("requested", "change_requested", "confirmed", "proposed", "declined", "cancelled")
OPEN_STATUSES = ("requested", "change_requested", "confirmed", "proposed")


@dataclass(frozen=True)
class BookingState:
    """A request as it stands after every update recorded in its conversation."""

    request: Mapping[str, Any]
    status: str
    wish: str
    final_time: Optional[str]
    reason: str
    updated_at: float

    @property
    def reference(self) -> str:
        return str(self.request["reference"])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def booking_states(events: Sequence[Event]) -> list[BookingState]:
    """Every request of a conversation, oldest first, with its updates applied.

    A request is a bot message whose metadata has ``booking``; an update is a bot message
    (or any event) whose metadata has ``booking_update`` = {reference, status, and
    ``wish`` / ``final_time`` / ``reason`` where they apply}. Updates of an unknown
    reference are ignored.
    """
    states: dict[str, BookingState] = {}
    for event in events:
        metadata = bot_metadata(event) if event.get("event") == "bot" else {}
        request = metadata.get("booking")
        if isinstance(request, dict) and request.get("reference"):
            states[str(request["reference"])] = BookingState(
                request=request,
                status="requested",
                wish=str(request.get("wish") or ""),
                final_time=None,
                reason="",
                updated_at=float(request.get("submitted_at") or event.get("timestamp") or 0),
            )
        update = metadata.get("booking_update")
        if isinstance(update, dict) and str(update.get("reference")) in states:
            old = states[str(update["reference"])]
            status = str(update.get("status"))
            if status not in STATUSES:
                continue
            states[old.reference] = BookingState(
                request=old.request,
                status=status,
                wish=str(update.get("wish") or old.wish),
                final_time=update.get("final_time")
                or (None if status != "confirmed" else old.wish),
                reason=str(update.get("reason") or ""),
                updated_at=float(event.get("timestamp") or old.updated_at),
            )
    return list(states.values())


def latest_open_booking(events: Sequence[Event]) -> Optional[BookingState]:
    """The newest request that is not cancelled or declined (None when there is none)."""
    return next((s for s in reversed(booking_states(events)) if s.is_open), None)
