"""Which answer a knowledge message gets: a specific question, or a topic's overview.

The NLU gives the topic (the intent), the best question of that topic (``question``), a
ranking of questions of all topics (``question_ranking``) and the condition, kind of
patient and age the message names (entities, kept in slots for the conversation). The
rules, in order:

1. A knowledge intent: its best question, answered for the patient. A kind of patient
   named in this message takes the topic's ``for_population`` route ("could it help my
   6-year-old?" is the children's answer; topics whose answers do not depend on who asks,
   such as the procedure, have none). A *general* question of the topic (flagged in the
   knowledge file: "is it safe?", "is it proven?") takes the ``for_condition`` route of
   the patient's condition, named now or earlier ("will it work?" after "I have
   psoriasis" is the psoriasis evidence).
2. A follow-up ("and long term?", "แล้วเด็กล่ะ"): the previous answer's topic. A kind of
   patient or a condition named in it takes that topic's route for it (or, when the topic
   has none, eligibility's for a kind of patient and conditions' for a condition);
   otherwise the best-ranked question of the previous topic; failing that, the previous
   topic's overview. With no previous answer ("psoriasis?" as a first message), the
   eligibility or conditions answer for what it names, if it names anything.
3. "Tell me more" (``chat_more``): the previous topic's overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from assistant.content import Content, KnowledgeEntry

FOLLOW_UP_INTENT = "follow_up"
MORE_INTENT = "chat_more"
# Where a follow-up naming a kind of patient or a condition goes when the previous topic
# has no answer for it ("and for kids?" after "does it hurt?").
POPULATION_TOPIC = "therapy.eligibility"
CONDITION_TOPIC = "therapy.conditions"
# A follow-up that names no condition or kind of patient gets the previous topic's best
# question when the question classifier gives it at least this confidence within the
# topic; otherwise the topic's overview.
FOLLOW_UP_MIN_CONFIDENCE = 0.35
# Below this confidence within its topic, the question classifier's pick is not trusted and
# the topic's general question answers ("is it safe?"), routed for the patient as below.
QUESTION_MIN_CONFIDENCE = 0.25
# A kind of patient named now takes the topic's route for them, unless the classifier is at
# least this sure of a specific question that is not about a kind of patient: "my mum (74)
# takes Olumiant, can she have it while on it?" is the medicines answer, not older age.
# Chosen on the dev sets (patients' messages, en/th answered first: 0.4 -> 133/132 of 140,
# 0.6 and 0.8 -> 133/131, always routing as before -> 131/131); docs/answers.md.
SPECIFIC_KEEPS_POPULATION_ROUTE = 0.4


@dataclass(frozen=True)
class PatientContext:
    """What the conversation knows about the patient, and what this message named."""

    condition: Optional[str] = None  # remembered (the slot), including one named now
    population: Optional[str] = None
    condition_named_now: bool = False
    population_named_now: bool = False


@dataclass(frozen=True)
class Previous:
    """The knowledge answer the bot gave last (from its message metadata)."""

    topic: Optional[str] = None
    question: Optional[str] = None


@dataclass(frozen=True)
class Choice:
    """The answer: a question of ``topic``, or its overview when ``question`` is None."""

    topic: str
    question: Optional[str]

    @property
    def is_overview(self) -> bool:
        return self.question is None


def choose(
    content: Content,
    intent: str,
    parse_data: Mapping[str, Any],
    patient: PatientContext,
    previous: Previous,
) -> Optional[Choice]:
    """The knowledge answer for this message, or None when it is not a knowledge message."""
    if intent == MORE_INTENT:
        if previous.topic is None or previous.topic not in content.knowledge:
            return None
        return Choice(previous.topic, None)
    if intent == FOLLOW_UP_INTENT:
        return _follow_up(content, parse_data, patient, previous)
    entry = content.knowledge_for_intent(intent)
    if entry is None:
        return None
    question, confidence = _best_question(entry, parse_data)
    if question is None:
        return Choice(entry.topic, None)
    return _for_patient(content, question, confidence, patient)


def _best_question(
    entry: KnowledgeEntry, parse_data: Mapping[str, Any]
) -> tuple[Optional[str], float]:
    """The question classifier's pick and its confidence, or the topic's general question
    (confidence 0) when it is unsure."""
    picked = parse_data.get("question") or {}
    name, confidence = picked.get("name"), float(picked.get("confidence") or 0.0)
    if name in entry.questions and confidence >= QUESTION_MIN_CONFIDENCE:
        return str(name), confidence
    general = [key for key, question in entry.questions.items() if question.general]
    return (general[0] if general else (str(name) if name in entry.questions else None)), 0.0


def _for_patient(
    content: Content, question_id: str, confidence: float, patient: PatientContext
) -> Choice:
    """``question_id``, or the question that answers it for this patient (rule 1)."""
    question = content.questions[question_id]
    entry = content.knowledge[question.topic]
    population, condition = patient.population or "", patient.condition or ""
    population_routes = set(entry.for_population.values())
    sure_of_other_question = (
        not question.general
        and question_id not in population_routes
        and confidence >= SPECIFIC_KEEPS_POPULATION_ROUTE
    )
    if (
        patient.population_named_now
        and population in entry.for_population
        and not sure_of_other_question
    ):
        return _choice(content, entry.for_population[population])
    if question.general and condition in entry.for_condition:
        return _choice(content, entry.for_condition[condition])
    return Choice(question.topic, question.key)


def _choice(content: Content, question_id: str) -> Choice:
    return Choice(content.questions[question_id].topic, question_id)


def _follow_up(
    content: Content, parse_data: Mapping[str, Any], patient: PatientContext, previous: Previous
) -> Optional[Choice]:
    if previous.topic is None or previous.topic not in content.knowledge:
        # Nothing to follow ("psoriasis?", "and for kids?" as a first message): what is
        # known for the kind of patient or condition named, if any.
        return _for_named(content, None, patient)
    routed = _for_named(content, previous.topic, patient)
    if routed:
        return routed
    ranked = _ranked_in_topic(parse_data.get("question_ranking") or [], previous.topic)
    if ranked:
        return _choice(content, ranked[0])
    return Choice(previous.topic, None)


def _for_named(content: Content, topic: Optional[str], patient: PatientContext) -> Optional[Choice]:
    """The answer for the kind of patient, else the condition, named in this message:
    ``topic``'s route for it, else eligibility's or conditions' (None: no route)."""
    for named, field, default_topic, key in (
        (patient.population_named_now, "for_population", POPULATION_TOPIC, patient.population),
        (patient.condition_named_now, "for_condition", CONDITION_TOPIC, patient.condition),
    ):
        if not named:
            continue
        for candidate in (topic, default_topic):
            entry = content.knowledge.get(candidate or "")
            if entry and key in getattr(entry, field):
                return _choice(content, getattr(entry, field)[key])
    return None


def _ranked_in_topic(ranking: Sequence[Mapping[str, Any]], topic: str) -> list[str]:
    """The question of ``topic`` the ranking gives enough confidence (none or one)."""
    return [
        str(item["name"])
        for item in ranking
        if str(item.get("name", "")).startswith(topic + ".")
        and float(item.get("confidence") or 0.0) >= FOLLOW_UP_MIN_CONFIDENCE
    ]
