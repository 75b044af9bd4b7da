"""Personal data masked for reviewers: one function, used by every view and export."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13 digits, optionally grouped like the card: 1-2345-67890-12-3.
_NATIONAL_ID = re.compile(r"(?<!\d)\d(?:[ -]?\d){12}(?!\d)")
# Thai numbers: mobile 0X-XXXX-XXXX, landline 0X-XXX-XXXX, +66 forms, 1xxx hotlines excluded.
_PHONE = re.compile(r"(?<![\d+])(?:\+66[ -]?|0)\d{1,2}(?:[ -]?\d){6,7}(?!\d)")
# A LINE id after a label: "LINE id: somchai_88", "line @clinic", "ไลน์ abc", "ไอดีไลน์ abc".
_LINE_LABELLED = re.compile(
    r"(?i)((?<![a-z])(?:line(?:\s*id)?\s*[:：=]\s*|line\s*id\s+|line\s+(?=@)|id\s*line\s*[:：=]?\s*)"
    r"|(?:ไอดีไลน์|ไลน์)\s*(?:ไอดี|id)?\s*[:：=]?\s*)(?:is\s+|คือ\s*)?@?[a-z0-9._-]{3,}"
)
_LINE_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9._-]{3,20}")
_LINE_USER_ID = re.compile(r"\bU[0-9a-f]{32}\b")

# Placeholders that none of the patterns above match again.
EMAIL = "[email]"
NATIONAL_ID = "[national ID]"
PHONE = "[phone]"
LINE_ID = "[LINE ID]"


def _keep_label(match: re.Match) -> str:
    connector = re.match(r"(?:is\s+|คือ\s*)?", match.group(0)[len(match.group(1)) :]).group(0)
    return match.group(1) + connector + LINE_ID


def mask_personal_data(text: str) -> str:
    """Replaces phone numbers, emails, Thai national ids and LINE ids with placeholders.

    >>> mask_personal_data("โทร 081-234-5678 หรือไลน์ @somchai ค่ะ")
    'โทร [phone] หรือไลน์ [LINE ID] ค่ะ'
    """
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _LINE_USER_ID.sub(LINE_ID, text)
    text = _NATIONAL_ID.sub(NATIONAL_ID, text)
    text = _PHONE.sub(PHONE, text)
    text = _LINE_LABELLED.sub(_keep_label, text)
    return _LINE_HANDLE.sub(LINE_ID, text)


def shown(text: str, unmasked: bool) -> str:
    """What a viewer may see: the text itself, or masked for reviewers."""
    return text if unmasked else mask_personal_data(text)
