"""What we could not answer: patient messages that got a fallback, a "not helpful" rating
or a staff "wrong answer" flag, grouped by similar wording, per language.

Grouping is scikit-learn's, not hand-written: TF-IDF over words (PyThaiNLP's ``newmm``
for Thai, as the NLU does; stop words and polite particles left out), then agglomerative
clustering with average linkage on cosine distance, cut at ``DISTANCE`` (no number of
groups to guess). The word weights (IDF) are learnt from the assistant's own training
phrasings as well as the messages: words the content already uses everywhere
("stem cell", "treatment", "รักษา") weigh little, words it never uses ("halal") weigh
most, which is what a question the content does not cover looks like. Clustering compares
every pair, so at most ``MAX_MESSAGES`` messages per language are grouped: the most recent
of the period.

Each group exports as the starting file of a new specific question
(``content/knowledge/<topic>.yml`` ``questions:`` entry; docs/content.md): the group's
messages as its examples, an empty bilingual answer to write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

import numpy as np
import yaml
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_distances

from assistant.language import LANGUAGES, script_language
from assistant.paths import CONTENT_DIR, ROOT, VAR_DIR
from console.staff.masking import mask_personal_data, shown
from console.staff.models import Flag, TrackerEvent, UnansweredMessage
from console.staff.wording import wording

MAX_MESSAGES = 2000  # per language and period: the most recent
DISTANCE = 0.8  # average cosine distance (1 - similarity) under which groups merge
TOP_GROUPS = 10
EXPORTED_PHRASINGS = 30  # at most, per exported question: the most central first
FLAGGED = "flagged"
MIN_EXAMPLES = 8  # content/schema/knowledge.schema.json: phrasings per language


@dataclass
class Message:
    event_id: int
    conversation_id: Optional[int]
    language: str
    reason: str  # fallback, not_helpful, flagged
    text: str  # as the viewer may see it
    masked: str  # always masked: what goes into an exported file
    words: list[str] = field(default_factory=list)  # ``wording`` of the masked text


@dataclass
class Group:
    language: str
    messages: list[Message] = field(default_factory=list)
    representative: Optional[Message] = None  # the message closest to all the others

    @property
    def key(self) -> int:
        return self.representative.event_id if self.representative else 0

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(m.reason for m in self.messages))

    @property
    def examples(self) -> list[Message]:
        seen: set[str] = set()
        unique = []
        for message in [self.representative, *self.messages]:
            if message is not None and message.text.lower() not in seen:
                seen.add(message.text.lower())
                unique.append(message)
        return unique


def _flagged(start: dt.date, end: dt.date, unmasked: bool) -> list[Message]:
    """Messages staff flagged as wrongly answered in the period (read from the tracker)."""
    flags = dict(
        Flag.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        .order_by("-id")
        .values_list("user_event_id", "sender_id")[: MAX_MESSAGES * len(LANGUAGES)]
    )
    found = []
    for event in TrackerEvent.objects.filter(id__in=list(flags)):
        text = " ".join((event.as_dict().get("text") or "").split())
        language = script_language(text)
        if text and language:
            found.append(
                Message(
                    event.id,
                    None,
                    language,
                    FLAGGED,
                    shown(text, unmasked),
                    mask_personal_data(text),
                    wording(mask_personal_data(text)),
                )
            )
    return found


def messages(start: dt.date, end: dt.date, language: str, unmasked: bool) -> list[Message]:
    """The period's unanswered messages in ``language``, newest first, one per event."""
    rows = (
        UnansweredMessage.objects.filter(language=language, day__gte=start, day__lte=end)
        .order_by("-day", "-event_id")
        .values_list("event_id", "conversation_id", "reason", "text", "text_masked", "wording")[
            :MAX_MESSAGES
        ]
    )
    found = {
        event_id: Message(
            event_id, pk, language, reason, text if unmasked else masked, masked, words.split()
        )
        for event_id, pk, reason, text, masked, words in rows
    }
    for message in _flagged(start, end, unmasked):
        if message.language == language:
            found.setdefault(message.event_id, message)
    return list(found.values())[:MAX_MESSAGES]


def _training_phrasings() -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*/*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            texts += [
                line[2:].strip()
                for line in str(item.get("examples") or "").splitlines()
                if line.startswith("- ")
            ]
    for path in sorted((CONTENT_DIR / "knowledge").glob("*.yml")):
        questions = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("questions")
        for question in (questions or {}).values():
            for examples in (question.get("examples") or {}).values():
                texts += list(examples)
    return texts


@lru_cache(maxsize=1)
def covered_wording() -> tuple[tuple[str, ...], ...]:
    """The assistant's training phrasings (~15,000) as words: what the content covers.

    Cutting them into words takes seconds, so the result is kept in ``var/`` keyed by the
    phrasings' digest (recomputed when the training data changes) and in memory.
    """
    texts = _training_phrasings()
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    cache = VAR_DIR / "covered-wording.json"
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("digest") == digest:
            return tuple(tuple(words) for words in stored["documents"])
    except (OSError, ValueError, KeyError):
        pass
    documents = [wording(text) for text in texts]
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"digest": digest, "documents": documents}), encoding="utf-8")
    except OSError:
        pass  # a read-only checkout: recomputed once per process
    return tuple(tuple(words) for words in documents)


def group(found: list[Message], language: str) -> list[Group]:
    """Groups of similar wording, the largest first (single messages are groups of one);
    each group's messages the closest to the others first."""
    words = [m.words for m in found]
    with_words = [i for i, w in enumerate(words) if w]
    groups = [Group(language, [found[i]], found[i]) for i, w in enumerate(words) if not w]
    if len(with_words) == 1:
        groups.append(Group(language, [found[with_words[0]]], found[with_words[0]]))
    elif with_words:
        vectorizer = TfidfVectorizer(analyzer=lambda tokens: tokens, sublinear_tf=True)
        vectorizer.fit([*covered_wording(), *(words[i] for i in with_words)])
        vectors = vectorizer.transform([words[i] for i in with_words])
        distances = cosine_distances(vectors)
        labels = AgglomerativeClustering(
            n_clusters=None,
            affinity="precomputed",
            linkage="average",
            distance_threshold=DISTANCE,
        ).fit_predict(distances)
        for label in sorted(set(labels)):
            members = np.flatnonzero(labels == label)
            closeness = distances[np.ix_(members, members)].mean(axis=1)
            ordered = members[np.argsort(closeness, kind="stable")]
            messages_in = [found[with_words[i]] for i in ordered]
            groups.append(Group(language, messages_in, messages_in[0]))
    groups.sort(key=lambda g: (-len(g.messages), -g.key))
    return groups


def top_groups(
    start: dt.date, end: dt.date, unmasked: bool, top: int = TOP_GROUPS
) -> dict[str, tuple[list[Group], int]]:
    """Per language: the largest groups of two or more messages, and how many messages."""
    result = {}
    for language in LANGUAGES:
        found = messages(start, end, language, unmasked)
        groups = [g for g in group(found, language) if len(g.messages) > 1]
        result[language] = (groups[:top], len(found))
    return result


def find_group(start: dt.date, end: dt.date, language: str, key: int) -> Optional[Group]:
    """The group (as grouped now) that holds the message ``key``."""
    for candidate in group(messages(start, end, language, unmasked=False), language):
        if any(m.event_id == key for m in candidate.messages):
            return candidate
    return None


def question_file(found: Group, exported: dt.date) -> str:
    """A starting file for a new specific question: the group's messages as phrasings.

    Schema-valid as it stands (``$defs/question`` of content/schema/knowledge.schema.json),
    so the content checks run on it at once; every ``TODO`` is for the author to replace.
    Phrasings are always masked (they become training data in the repository).
    """
    phrasings: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for message in found.examples:
        texts = phrasings[found.language]
        if message.masked not in texts and len(texts) < EXPORTED_PHRASINGS:
            texts.append(message.masked)
    for language, texts in phrasings.items():
        missing = MIN_EXAMPLES - len(texts)
        texts += [f"TODO {language} phrasing {n}" for n in range(1, missing + 1)]
    entry = {
        "asks": "TODO: the question in one English sentence",
        "evidence_level": "general_care",
        "sources": [{"title": "TODO: a source from ../shared/medical/facts.md"}],
        "answer": {language: ["TODO"] for language in LANGUAGES},
        "examples": phrasings,
    }
    reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(found.reasons.items()))
    header = [
        "# Starting file for a new specific question, from the staff console's",
        f'# "What we could not answer" page ({exported.isoformat()}): {len(found.messages)}'
        f" {found.language} patient messages grouped together ({reasons}).",
        "# 1. Choose the topic and a name: paste the entry under `questions:` in",
        "#    content/knowledge/<topic>.yml and rename `new_question` (docs/content.md).",
        "# 2. Write `asks`, the answer in both languages and the sources from facts.md;",
        "#    set evidence_level. 3. Keep the phrasings that ask this question, replace",
        "#    every TODO phrasing (8 per language at least), then `make test-fast`.",
    ]
    body = yaml.safe_dump({"new_question": entry}, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body
