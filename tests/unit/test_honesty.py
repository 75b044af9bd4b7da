"""Honesty is testable: every figure comes from the medical fact sheet, the early 55% figure
never stands without the placebo-controlled phase 3 result, both languages state the same
figures, no answer claims an approval the clinic's settings do not state, and each check
fails on a planted bad answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.clinic import Clinic
from assistant.content import Content, ContentError, Reply, figures_in, load_content
from assistant.language import LANGUAGES
from assistant.paths import CONTENT_DIR, ROOT

FACT_SHEET = ROOT.parent / "shared" / "medical" / "facts.md"
EARLY_FIGURE = "55%"
PLACEBO = {"en": "placebo", "th": "ยาหลอก"}
PHASE3_FIGURES = ("31.8", "27.2")


def fact_sheet_figures() -> set[str]:
    if not FACT_SHEET.exists():
        pytest.fail(f"the medical fact sheet is missing: {FACT_SHEET}")
    return figures_in(FACT_SHEET.read_text(encoding="utf-8"))


def every_reply(content: Content) -> list[Reply]:
    return [*content.knowledge.values(), *content.questions.values(), *content.messages.values()]


def unsupported_figures(content: Content, known: set[str]) -> list[str]:
    """``key (language): figure`` for every figure an answer states that the sheet does not."""
    found = []
    for reply in every_reply(content):
        for language in LANGUAGES:
            for figure in sorted(figures_in(" ".join(reply.messages[language])) - known):
                found.append(f"{reply.key} ({language}): {figure}")
    for kind, texts in content.disclaimers.items():
        for language, text in texts.items():
            found.extend(
                f"disclaimer {kind} ({language}): {f}" for f in sorted(figures_in(text) - known)
            )
    return found


def early_figure_alone(content: Content) -> list[str]:
    """Answers quoting the 55% figure without the placebo group and the phase 3 result."""
    found = []
    for reply in every_reply(content):
        for language in LANGUAGES:
            text = " ".join(reply.messages[language])
            if EARLY_FIGURE not in text:
                continue
            if PLACEBO[language] not in text.lower() or not all(f in text for f in PHASE3_FIGURES):
                found.append(f"{reply.key} ({language})")
    return found


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def test_every_figure_in_every_answer_is_in_the_fact_sheet(content):
    assert unsupported_figures(content, fact_sheet_figures()) == []


def test_the_early_figure_always_comes_with_placebo_and_the_phase_3_result(content):
    assert early_figure_alone(content) == []
    quoting = [r.key for r in every_reply(content) if EARLY_FIGURE in " ".join(r.messages["en"])]
    assert quoting, "the evidence answers quote the early study (and must keep its context)"


def test_every_specific_answer_cites_a_source(content):
    assert all(question.sources for question in content.questions.values())


def test_every_bubble_fits_a_phone_screen(content):
    too_long = [
        (reply.key, language, len(text))
        for reply in every_reply(content)
        for language in LANGUAGES
        for text in reply.messages[language]
        if len(text) > 300
    ]
    assert too_long == []


# The same checks fail on planted bad answers.


@pytest.fixture
def planted(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    return root


def plant(root: Path, topic: str, question: str, language: str, text: str) -> None:
    path = root / "knowledge" / f"{topic}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][question]["answer"][language] = [text]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_invented_figure_is_caught(planted):
    invented = "In our experience 82% of patients improved a lot."
    plant(planted, "therapy.expectations", "success_rate", "en", invented)
    plant(planted, "therapy.expectations", "success_rate", "th", "จากประสบการณ์ 82% ของผู้ป่วยดีขึ้นมากค่ะ")
    found = unsupported_figures(load_content(planted), fact_sheet_figures())
    assert sorted(found) == [
        "therapy.expectations.success_rate (en): 82",
        "therapy.expectations.success_rate (th): 82",
    ]


def test_the_early_figure_alone_is_caught(planted):
    plant(
        planted,
        "therapy.evidence",
        "eczema",
        "en",
        "In a Korean study 55% of patients on the high dose improved.",
    )
    plant(planted, "therapy.evidence", "eczema", "th", "งานวิจัยในเกาหลีพบว่า 55% ของผู้ที่ได้ขนาดสูงดีขึ้นค่ะ")
    assert sorted(early_figure_alone(load_content(planted))) == [
        "therapy.evidence.eczema (en)",
        "therapy.evidence.eczema (th)",
    ]


def test_different_figures_in_thai_and_english_are_refused(planted):
    plant(planted, "therapy.evidence", "placebo_controlled", "en", "31.8% vs 27.2% on placebo.")
    plant(
        planted, "therapy.evidence", "placebo_controlled", "th", "31.8% เทียบกับ 21.2% ในกลุ่มยาหลอกค่ะ"
    )
    with pytest.raises(
        ContentError,
        match=r"states the figures \['21.2', '31.8'\] but en states \['27.2', '31.8'\]",
    ):
        load_content(planted)


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "This clinic's stem cell treatment is approved."),
        ("en", "UC-MSC therapy has been approved by the Thai FDA."),
        ("th", "การรักษานี้ได้รับการรับรองจากแพทยสภาแล้วค่ะ"),
        ("th", "คลินิกของเราได้รับอนุมัติให้รักษาด้วยสเต็มเซลล์ค่ะ"),
    ],
)
def test_an_approval_claim_is_refused(planted, language, text):
    other = "en" if language == "th" else "th"
    plant(planted, "therapy.regulation", "this_clinic_approved", language, text)
    plant(
        planted,
        "therapy.regulation",
        "this_clinic_approved",
        other,
        "Ask our staff." if other == "en" else "สอบถามเจ้าหน้าที่ได้ค่ะ",
    )
    with pytest.raises(ContentError, match="approval claim|forbidden claim"):
        load_content(planted)


def test_an_approval_is_only_said_where_the_clinic_states_it(content):
    """The one reply that says "approved" is the clinic's own statement, sent only when the
    clinic's settings say its treatment is an approved research project."""
    from actions import replies

    assert replies.clinic_status_key("service") is None  # the demo clinic states nothing
    stated = Clinic.load()
    approved = type(stated.service)(
        True, {"en": "X Ethics Committee", "th": "คณะกรรมการ X"}, "TCTR20260101001", None
    )
    original = replies.CLINIC
    try:
        replies.CLINIC = type(stated)(**{**stated.__dict__, "service": approved})
        assert replies.clinic_status_key("service") == "clinic.service_status.approved_research"
    finally:
        replies.CLINIC = original
