"""Forbidden-claims check: marketing promises the assistant must never make.

The patterns live in `content/forbidden_claims.yml` so that clinic staff can extend them.
Honest content has to be able to name a claim in order to deny it ("it is not a cure",
"ไม่ใช่การรักษาให้หายขาด"), so a match is allowed when a negation comes shortly before it
in the same sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import yaml

from assistant.paths import CONTENT_DIR

RULES_FILE = "forbidden_claims.yml"


@dataclass(frozen=True)
class LanguageRules:
    """The compiled rules of one language."""

    claims: tuple[re.Pattern[str], ...]
    approval_claims: tuple[re.Pattern[str], ...]  # "this therapy/clinic is approved"
    approval_hedge: re.Pattern[str] | None  # "whether" / "หรือไม่": asking, not claiming
    negation: re.Pattern[str]
    sentence_break: re.Pattern[str]
    negation_window: int


ClaimRules = Mapping[str, LanguageRules]  # language -> rules


def compile_rules(data: Mapping[str, Any]) -> dict[str, LanguageRules]:
    """Compile the rules read from `forbidden_claims.yml` (already checked against its schema).

    Raises ValueError naming every pattern that is not a valid regular expression.
    """
    errors: list[str] = []

    def compiled(where: str, pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            errors.append(f"{where}: {pattern!r} is not a valid regular expression ({exc})")
            return re.compile("(?!)")  # never matches; the ValueError below stops its use

    rules = {}
    for language, spec in data.items():
        negations = [compiled(f"{language}.negations", p) for p in spec["negations"]]
        rules[language] = LanguageRules(
            claims=tuple(compiled(f"{language}.claims", p) for p in spec["claims"]),
            approval_claims=tuple(
                compiled(f"{language}.approval_claims", p) for p in spec.get("approval_claims", [])
            ),
            approval_hedge=_joined(
                [
                    compiled(f"{language}.approval_hedges", p)
                    for p in spec.get("approval_hedges", [])
                ]
            ),
            negation=re.compile("|".join(f"(?:{n.pattern})" for n in negations), re.IGNORECASE),
            sentence_break=compiled(f"{language}.sentence_break", spec["sentence_break"]),
            negation_window=spec["negation_window"],
        )
    if errors:
        raise ValueError("; ".join(errors))
    return rules


def _joined(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


@lru_cache(maxsize=None)
def default_rules() -> ClaimRules:
    """The rules of the content directory the assistant runs with (read once)."""
    with open(CONTENT_DIR / RULES_FILE, encoding="utf-8") as rules_file:
        return compile_rules(yaml.safe_load(rules_file))


def find_approval_claims(text: str, language: str, rules: ClaimRules | None = None) -> list[str]:
    """Statements that this therapy or this clinic is approved ([] when there are none).

    >>> find_approval_claims("This clinic's treatment is approved.", "en")
    ["This clinic's treatment is approved"]
    >>> find_approval_claims("It is not approved for any skin disease.", "en")
    []
    """
    return _find(text, language, rules, approval=True)


def find_forbidden_claims(text: str, language: str, rules: ClaimRules | None = None) -> list[str]:
    """Return the forbidden claims in `text`, in order of appearance ([] when it is clean).

    `rules` defaults to the assistant's own `content/forbidden_claims.yml`.

    >>> find_forbidden_claims("UC-MSC therapy cures eczema.", "en")
    ['cures']
    >>> find_forbidden_claims("It is not a cure, and there is no guarantee.", "en")
    []
    >>> find_forbidden_claims("หายขาดแน่นอนค่ะ", "th")
    ['หายขาด']
    >>> find_forbidden_claims("การรักษานี้ไม่ใช่การรักษาให้หายขาดค่ะ", "th")
    []
    """
    return _find(text, language, rules, approval=False)


def _find(text: str, language: str, rules: ClaimRules | None, approval: bool) -> list[str]:
    try:
        language_rules = (default_rules() if rules is None else rules)[language]
    except KeyError:
        raise ValueError(f"no forbidden-claims rules for language {language!r}") from None
    breaks = [match.end() for match in language_rules.sentence_break.finditer(text)]
    patterns = language_rules.approval_claims if approval else language_rules.claims
    found = [
        match
        for claim in patterns
        for match in claim.finditer(text)
        if not _is_negated(text, match.start(), language_rules, breaks)
        and not (approval and _is_hedged(text, match, language_rules, breaks))
    ]
    return [match.group(0) for match in sorted(found, key=lambda match: match.start())]


HEDGE_AFTER = 20  # characters after an approval match searched for "whether" (Thai: หรือไม่)


def _is_hedged(text: str, match: re.Match[str], rules: LanguageRules, breaks: list[int]) -> bool:
    """An approval match that negates itself ("is not approved") or asks ("whether ...")."""
    if rules.negation.search(match.group(0)):
        return True
    if rules.approval_hedge is None:
        return False
    earlier_breaks = bisect_right(breaks, match.start())
    sentence_start = breaks[earlier_breaks - 1] if earlier_breaks else 0
    window_start = max(sentence_start, match.start() - rules.negation_window)
    before = rules.approval_hedge.search(text, window_start, match.start())
    after = rules.approval_hedge.search(text, match.end(), match.end() + HEDGE_AFTER)
    return before is not None or after is not None


def _is_negated(text: str, start: int, rules: LanguageRules, breaks: list[int]) -> bool:
    """Whether a negation stands in the window before `start`, within its sentence."""
    earlier_breaks = bisect_right(breaks, start)
    sentence_start = breaks[earlier_breaks - 1] if earlier_breaks else 0
    window_start = max(sentence_start, start - rules.negation_window)
    return rules.negation.search(text, window_start, start) is not None
