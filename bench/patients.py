"""Simulated patients: multi-turn conversations in Thai and English for the load harness.

Each patient greets, asks a few questions on mixed topics, sometimes writes something the
assistant cannot understand, and sometimes ends by asking for a human (a handoff pauses
the conversation, so it is always the last turn). Seeded, so two runs send the same
conversations and their figures compare.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

QUESTIONS = {
    "en": [
        "what is uc-msc therapy",
        "how do the cells calm the skin",
        "is there any proof it works for eczema",
        "any side effects?",
        "how is it given, iv drip?",
        "who can have it, i am pregnant",
        "where do the cells come from",
        "is it better than dupilumab",
        "is it legal in thailand",
        "how much does it cost",
        "what should i do after the treatment",
        "can it remove wrinkles",
        "will my psoriasis be cured",
    ],
    "th": [
        "สเต็มเซลล์จากสายสะดือคืออะไรคะ",
        "เซลล์ช่วยผิวอักเสบได้ยังไง",
        "มีงานวิจัยรองรับไหมครับ",
        "มีผลข้างเคียงอะไรบ้างคะ",
        "ต้องฉีดกี่ครั้ง ใช้เวลานานไหม",
        "คนท้องทำได้ไหมคะ",
        "เซลล์มาจากไหนครับ",
        "ดีกว่ายาทาสเตียรอยด์ไหม",
        "ถูกกฎหมายไหมคะ แพทยสภาว่ายังไง",
        "ราคาเท่าไหร่คะ",
        "หลังทำต้องดูแลตัวเองยังไง",
        "ช่วยให้หน้าใสขึ้นไหม",
        "รักษาสะเก็ดเงินหายขาดไหมคะ",
    ],
}
GREETINGS = {"en": ["hello", "hi there", "good morning"], "th": ["สวัสดีค่ะ", "สวัสดีครับ", "หวัดดีจ้า"]}
NOT_UNDERSTOOD = {"en": ["qwerty zxcv", "blorp fnord"], "th": ["กขคงจฉ", "ฮ่าๆๆๆ อิอิ"]}
HANDOFF = {"en": "can i talk to a real person please", "th": "ขอคุยกับเจ้าหน้าที่หน่อยค่ะ"}


@dataclass(frozen=True)
class Patient:
    """One conversation: who, in which language, and the messages they send in order."""

    sender_id: str
    language: str
    messages: tuple[str, ...]


def patients(count: int, run_id: str, turns: int = 5, seed: int = 7) -> list[Patient]:
    """``count`` patients, half Thai and half English, about ``turns`` messages each."""
    rng = random.Random(seed)
    result = []
    for index in range(count):
        language = "th" if index % 2 == 0 else "en"
        messages = [rng.choice(GREETINGS[language])]
        messages += rng.sample(QUESTIONS[language], k=max(1, turns - 2))
        if rng.random() < 0.2:
            messages.insert(
                rng.randrange(1, len(messages) + 1), rng.choice(NOT_UNDERSTOOD[language])
            )
        if rng.random() < 0.1:
            messages.append(HANDOFF[language])
        result.append(Patient(f"{run_id}-{index:05d}", language, tuple(messages)))
    return result
