"""Which answer a knowledge message gets (assistant/answer_choice.py), on the real content."""

import pytest

from assistant.answer_choice import Choice, PatientContext, Previous, choose
from assistant.content import load_content

CONTENT = load_content()
NOBODY = PatientContext()


def parsed(question=None, ranking=()):
    data = {"question_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
    if question:
        data["question"] = {"name": question, "confidence": 0.8}
    return data


def test_a_specific_question_gets_its_own_answer():
    choice = choose(CONTENT, "therapy_safety", parsed("therapy.safety.fever"), NOBODY, Previous())
    assert choice == Choice("therapy.safety", "therapy.safety.fever")


def test_a_question_of_another_topic_is_not_taken_for_this_one():
    choice = choose(CONTENT, "therapy_safety", parsed("therapy.cost.price"), NOBODY, Previous())
    assert choice == Choice("therapy.safety", "therapy.safety.is_it_safe")  # the general one


def test_a_general_question_is_answered_for_the_condition_named_earlier():
    patient = PatientContext(condition="psoriasis")
    choice = choose(
        CONTENT, "therapy_evidence", parsed("therapy.evidence.is_it_proven"), patient, Previous()
    )
    assert choice.question == "therapy.evidence.psoriasis"


def test_a_specific_question_is_not_rerouted_by_the_condition():
    patient = PatientContext(condition="psoriasis", condition_named_now=True)
    choice = choose(
        CONTENT, "therapy_procedure", parsed("therapy.procedure.pain"), patient, Previous()
    )
    assert choice.question == "therapy.procedure.pain"


def test_a_child_named_in_the_message_gets_the_childrens_answer_before_the_condition():
    patient = PatientContext(
        condition="atopic_dermatitis",
        population="child",
        condition_named_now=True,
        population_named_now=True,
    )
    choice = choose(
        CONTENT, "therapy_evidence", parsed("therapy.evidence.is_it_proven"), patient, Previous()
    )
    assert choice.question == "therapy.eligibility.children"


def _older_patient_asks(question, confidence):
    patient = PatientContext(population="older", population_named_now=True)
    data = {"question": {"name": question, "confidence": confidence}}
    return choose(CONTENT, "therapy_eligibility", data, patient, Previous())


def test_a_sure_specific_question_keeps_its_answer_when_a_kind_of_patient_is_named():
    # "my mum (74) takes Olumiant, can she have it while on it?"
    choice = _older_patient_asks("therapy.eligibility.current_medicines", 0.7)
    assert choice.question == "therapy.eligibility.current_medicines"


def test_an_unsure_or_general_question_takes_the_route_for_the_kind_of_patient_named():
    unsure = _older_patient_asks("therapy.eligibility.current_medicines", 0.3)
    general = _older_patient_asks("therapy.eligibility.am_i_suitable", 0.9)
    other_population = _older_patient_asks("therapy.eligibility.children", 0.9)
    assert unsure.question == general.question == other_population.question
    assert general.question == "therapy.eligibility.older_age"


def test_a_kind_of_patient_named_only_earlier_does_not_reroute_a_new_general_question():
    patient = PatientContext(population="child")
    choice = choose(
        CONTENT, "therapy_safety", parsed("therapy.safety.is_it_safe"), patient, Previous()
    )
    assert choice.question == "therapy.safety.is_it_safe"


@pytest.mark.parametrize(
    "previous, patient, expected",
    [
        # "ปลอดภัยไหมคะ" -> "แล้วเด็กล่ะ"
        (
            Previous("therapy.safety", "therapy.safety.is_it_safe"),
            PatientContext(population="child", population_named_now=True),
            "therapy.eligibility.children",
        ),
        # eczema evidence -> "and what about psoriasis?"
        (
            Previous("therapy.evidence", "therapy.evidence.eczema"),
            PatientContext(condition="psoriasis", condition_named_now=True),
            "therapy.evidence.psoriasis",
        ),
        # "does it hurt?" -> "and for kids?": the procedure has no children's answer
        (
            Previous("therapy.procedure", "therapy.procedure.pain"),
            PatientContext(population="child", population_named_now=True),
            "therapy.eligibility.children",
        ),
        # "how many sessions?" -> "and for vitiligo?"
        (
            Previous("therapy.procedure", "therapy.procedure.number_of_sessions"),
            PatientContext(condition="vitiligo", condition_named_now=True),
            "therapy.conditions.vitiligo",
        ),
    ],
)
def test_a_follow_up_naming_someone_or_something_keeps_the_thread(previous, patient, expected):
    assert choose(CONTENT, "follow_up", parsed(), patient, previous).question == expected


def test_a_follow_up_naming_nothing_takes_the_best_question_of_the_previous_topic():
    ranking = [("therapy.expectations.how_long_lasts", 0.5), ("therapy.safety.long_term", 0.4)]
    previous = Previous("therapy.safety", "therapy.safety.common_side_effects")
    choice = choose(CONTENT, "follow_up", parsed(ranking=ranking), NOBODY, previous)
    assert choice == Choice("therapy.safety", "therapy.safety.long_term")


def test_a_follow_up_the_ranking_cannot_place_gets_the_previous_topics_overview():
    ranking = [("therapy.cost.price", 0.9), ("therapy.safety.long_term", 0.2)]
    previous = Previous("therapy.safety", "therapy.safety.fever")
    assert choose(CONTENT, "follow_up", parsed(ranking=ranking), NOBODY, previous) == Choice(
        "therapy.safety", None
    )


def test_a_follow_up_with_nothing_before_it_answers_for_what_it_names():
    condition = PatientContext(condition="psoriasis", condition_named_now=True)
    child = PatientContext(population="child", population_named_now=True)
    assert choose(CONTENT, "follow_up", parsed(), condition, Previous()) == Choice(
        "therapy.conditions", "therapy.conditions.psoriasis"
    )
    assert choose(CONTENT, "follow_up", parsed(), child, Previous()) == Choice(
        "therapy.eligibility", "therapy.eligibility.children"
    )
    assert choose(CONTENT, "follow_up", parsed(), NOBODY, Previous()) is None


def test_more_gives_the_previous_topics_overview_and_nothing_without_one():
    previous = Previous("therapy.procedure", "therapy.procedure.pain")
    assert choose(CONTENT, "chat_more", parsed(), NOBODY, previous) == Choice(
        "therapy.procedure", None
    )
    assert choose(CONTENT, "chat_more", parsed(), NOBODY, Previous()) is None
    assert choose(CONTENT, "follow_up", parsed(), NOBODY, Previous()) is None


def test_other_intents_are_not_knowledge_answers():
    assert choose(CONTENT, "chat_greet", parsed(), NOBODY, Previous()) is None


def test_every_route_ends_at_a_question_and_every_topic_has_a_general_question():
    for entry in CONTENT.knowledge.values():
        assert any(q.general for q in entry.questions.values()), entry.topic
        for target in [*entry.for_condition.values(), *entry.for_population.values()]:
            assert target in CONTENT.questions
