"""Everything the assistant says: load and validate the files under `content/`.

Clinic staff correct wording in these files without retraining the model, so the action
server validates them when it starts and refuses to run with a broken file; the test suite
runs the same checks. Structure is checked against the JSON Schemas in `content/schema/`;
what a schema cannot express (file names, Thai/English parity, scripts, references between
files, forbidden claims) is checked here. All problems are reported at once, each with the
file it is in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Sequence

import jsonschema
import yaml

from assistant import claims
from assistant.language import LANGUAGES, script_language
from assistant.paths import CONTENT_DIR

_THAI = re.compile("[\u0e00-\u0e7f]")
# The clinic's own statement that its treatment is an approved research project: the one
# text that may say "approved" about this clinic's treatment, because the action server
# sends it only when content/clinic.yml states it (actions/replies.py, clinic_status_key).
APPROVAL_STATED_BY_CLINIC = frozenset({"clinic.service_status.approved_research"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
# The assistant speaks in one polite voice ending with ค่ะ (docs/content.md).
_OTHER_VOICE = "ครับ"
_PREVIEW_CHARS = 60


class ContentError(Exception):
    """The content must not be served. `problems` lists every problem, each naming its file."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "invalid content:\n" + "\n".join(f"- {problem}" for problem in self.problems)
        )


@dataclass(frozen=True)
class Source:
    """Where a knowledge entry's statements come from (the medical fact sheet's sources)."""

    title: str
    url: str | None


@dataclass(frozen=True)
class Reply:
    """One reply in both languages."""

    key: str  # e.g. "therapy.what_is" or "handoff.request.in_hours"
    topic: str  # the topic id put into message metadata
    messages: Mapping[str, tuple[str, ...]]  # "en"/"th" -> messages
    follow_up: tuple[str, ...]  # topic ids offered as quick-reply buttons
    # "service" / "payment": what the clinic's settings state about its own UC-MSC service
    # (approved research? do patients pay?) comes first, when stated (knowledge only).
    clinic_status: str | None


@dataclass(frozen=True)
class Question(Reply):
    """One specific question of a knowledge topic and its short answer.

    ``key`` is the question id (``therapy.safety.fever``), ``topic`` its topic, ``messages``
    the answer (the first message answers the question), ``examples`` the phrasings the
    NLU learns it from.
    """

    asks: str
    evidence_level: str
    sources: tuple[Source, ...]
    general: bool
    examples: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class KnowledgeEntry(Reply):
    """A knowledge topic: its overview (``messages``), its questions, and what a reviewer
    needs to trust them. ``for_condition`` / ``for_population`` name the question that
    answers the topic's general questions for a condition or a kind of patient."""

    intent: str
    evidence_level: str
    last_reviewed: date
    sources: tuple[Source, ...]
    questions: Mapping[str, Question]  # by question id
    for_condition: Mapping[str, str]  # condition -> question id
    for_population: Mapping[str, str]  # population -> question id


@dataclass(frozen=True)
class Content:
    """All validated content, read-only."""

    knowledge: Mapping[str, KnowledgeEntry]  # by topic
    messages: Mapping[str, Reply]  # by key
    disclaimers: Mapping[str, Mapping[str, str]]  # "full"/"short" -> language -> text
    topic_labels: Mapping[str, Mapping[str, str]]  # topic -> language -> label
    questions: Mapping[str, Question]  # every knowledge topic's questions, by id

    def reply(self, key: str) -> Reply:
        """The knowledge entry, question or message called `key`; KeyError if there is none."""
        if key in self.knowledge:
            return self.knowledge[key]
        if key in self.questions:
            return self.questions[key]
        return self.messages[key]

    def knowledge_for_intent(self, intent: str) -> KnowledgeEntry | None:
        """The knowledge entry that answers `intent`, or None for other intents."""
        return next((e for e in self.knowledge.values() if e.intent == intent), None)

    def buttons(self, topics: Sequence[str], language: str) -> list[dict[str, Any]]:
        """Quick-reply buttons for ``topics``, labelled in `language`."""
        return [
            {"title": self.topic_labels[topic][language], "payload": "/" + topic_to_intent(topic)}
            for topic in topics
        ]


def topic_to_intent(topic: str) -> str:
    """The intent a topic's button triggers: `therapy.what_is` -> `therapy_what_is`."""
    if "." not in topic:
        raise ValueError(f"not a topic id: {topic!r}")
    return topic.replace(".", "_", 1)


def load_content(root: Path = CONTENT_DIR) -> Content:
    """Load and validate the content under `root`; raise ContentError listing all problems."""
    files = _Files(Path(root))
    rules = _load_claim_rules(files)
    labels_data, bad_labels = files.read("topic_labels.yml", "topic_labels")
    disclaimers_data, bad_disclaimers = files.read("disclaimers.yml", "disclaimers")
    labels = _usable(labels_data, bad_labels)
    disclaimers = _usable(disclaimers_data, bad_disclaimers)
    knowledge = _load_knowledge(files)
    messages = _load_messages(files, knowledge)

    questions = {q.key: q for entry in knowledge.values() for q in entry.questions.values()}
    problems = files.problems
    problems.extend(_route_problems(files, knowledge, questions))
    problems.extend(_example_problems(files, questions))
    replies = [*knowledge.values(), *questions.values(), *messages.values()]
    for reply in replies:
        problems.extend(f"{files.where(reply, 'th')}: {p}" for p in _parity_problems(reply))
    for where, key, language, text in _texts(files, replies, labels, disclaimers):
        problems.extend(f"{where}: {p}" for p in _text_problems(text, language, rules))
        if rules is not None and key not in APPROVAL_STATED_BY_CLINIC:
            for claim in claims.find_approval_claims(text, language, rules):
                problems.append(
                    f"{where}: approval claim {claim!r}: only the clinic's settings may state an approval"
                )
    if isinstance(labels_data, dict):  # an invalid label still exists as a follow-up target
        problems.extend(_label_problems(files, replies, set(labels_data)))

    if problems:
        raise ContentError(problems)
    return Content(
        knowledge=MappingProxyType(knowledge),
        messages=MappingProxyType(messages),
        disclaimers=MappingProxyType(disclaimers),
        topic_labels=MappingProxyType(labels),
        questions=MappingProxyType(questions),
    )


class _Files:
    """Reads the YAML files under the content root and checks them against their schemas."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.schemas: dict[str, dict[str, Any] | None] = {}

    def name(self, path: Path) -> str:
        """The path as shown in problems: `content/knowledge/therapy.cost.yml`."""
        return str(Path(self.root.name) / path.relative_to(self.root))

    def where(self, reply: Reply, field: str) -> str:
        """Where a field of a reply is: `content/knowledge/therapy.cost.yml: answer.th[1]`."""
        in_text = field.split("[")[0] in LANGUAGES
        if isinstance(reply, Question):
            path = self.root / "knowledge" / f"{reply.topic}.yml"
            name = reply.key.removeprefix(reply.topic + ".")
            return f"{self.name(path)}: questions.{name}.{'answer.' if in_text else ''}{field}"
        if isinstance(reply, KnowledgeEntry):
            path = self.root / "knowledge" / f"{reply.key}.yml"
            return f"{self.name(path)}: {'overview.' if in_text else ''}{field}"
        return f"{self.name(self.root / 'messages.yml')}: {reply.key}.{field}"

    def schema(self, schema_name: str) -> dict[str, Any] | None:
        """`schema/<schema_name>.schema.json`, or None (problem noted) if it is unusable."""
        if schema_name not in self.schemas:
            path = self.root / "schema" / f"{schema_name}.schema.json"
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
                jsonschema.validators.validator_for(schema).check_schema(schema)
            except (OSError, ValueError, jsonschema.SchemaError) as exc:
                self.problems.append(f"{self.name(path)}: unusable schema: {exc}")
                schema = None
            self.schemas[schema_name] = schema
        return self.schemas[schema_name]

    def read(self, relative: str | Path, schema_name: str) -> tuple[Any, set[str]]:
        """The file's data, and the top-level keys whose entries break the schema.

        The data is None when the file cannot be read or its schema is unusable. An error
        about the file as a whole (say, a missing key) is noted as the key "".
        """
        path = self.root / relative
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except FileNotFoundError:
            self.problems.append(f"{self.name(path)}: file is missing")
            return None, set()
        except yaml.YAMLError as exc:
            self.problems.append(f"{self.name(path)}: not valid YAML: {exc}")
            return None, set()
        schema = self.schema(schema_name)
        if schema is None:
            return None, set()
        validator = jsonschema.validators.validator_for(schema)(schema)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        self.problems.extend(f"{self.name(path)}: {_describe(error)}" for error in errors)
        return data, {str(next(iter(error.absolute_path), "")) for error in errors}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys, which PyYAML would silently overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def _describe(error: jsonschema.ValidationError) -> str:
    """A schema error as a reviewer can act on it: where, what, and the rule in words."""
    location = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    ).lstrip(".")
    if error.validator == "pattern" and "description" in error.schema:
        message = f"{_preview(error.instance)!r}: {error.schema['description']}"
    else:
        shown = repr(error.instance)  # jsonschema quotes the whole value: shorten it
        message = error.message.replace(shown, _preview(shown))
        if error.validator == "type" and "description" in error.schema:
            message += f" ({error.schema['description']})"
    return f"{location or '(top level)'}: {message}"


def _preview(text: Any) -> Any:
    if isinstance(text, str) and len(text) > _PREVIEW_CHARS:
        return text[: _PREVIEW_CHARS - 1] + "…"
    return text


def _usable(data: Any, invalid: set[str]) -> dict[str, Any]:
    """The entries of a keyed file that match the schema ({} if the file is unusable)."""
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if key not in invalid}


def _load_claim_rules(files: _Files) -> claims.ClaimRules | None:
    data, invalid = files.read(claims.RULES_FILE, "forbidden_claims")
    if data is None or invalid:
        return None
    try:
        return claims.compile_rules(data)
    except ValueError as exc:
        files.problems.append(f"{files.name(files.root / claims.RULES_FILE)}: {exc}")
        return None


def _load_knowledge(files: _Files) -> dict[str, KnowledgeEntry]:
    """The knowledge files that match their schema, by file name; notes missing topics.

    Entries are keyed by file name rather than topic so that later problems name the
    right file; for valid content the two are the same.
    """
    schema = files.schema("knowledge")
    folder = files.root / "knowledge"
    paths = sorted(folder.glob("*.yml"))
    entries: dict[str, KnowledgeEntry] = {}
    for path in paths:
        data, invalid = files.read(path.relative_to(files.root), "knowledge")
        if data is None or invalid:
            continue
        where = files.name(path)
        topic = data["topic"]
        if path.stem != topic:
            files.problems.append(f"{where}: the file of topic {topic} must be named {topic}.yml")
        if data["intent"] != topic_to_intent(topic):
            files.problems.append(
                f"{where}: intent: {data['intent']!r} should be {topic_to_intent(topic)!r}"
            )
        try:
            reviewed = date.fromisoformat(data["last_reviewed"])
        except ValueError:
            problem = f"{data['last_reviewed']!r} is not a valid date"
            files.problems.append(f"{where}: last_reviewed: {problem}")
            reviewed = date.min  # never served: the problem stops loading
        follow_up = tuple(data["follow_up"])
        questions = {
            f"{topic}.{name}": _question(f"{topic}.{name}", topic, spec, follow_up)
            for name, spec in data["questions"].items()
        }
        entries[path.stem] = KnowledgeEntry(
            key=path.stem,
            topic=topic,
            messages=_by_language(data["overview"]),
            follow_up=follow_up,
            clinic_status=data.get("clinic_status"),
            intent=data["intent"],
            evidence_level=data["evidence_level"],
            last_reviewed=reviewed,
            sources=_sources(data["sources"]),
            questions=MappingProxyType(questions),
            for_condition=MappingProxyType(_routes(topic, data.get("for_condition") or {})),
            for_population=MappingProxyType(_routes(topic, data.get("for_population") or {})),
        )
    if schema is not None:
        present = {path.stem for path in paths}
        for topic in schema["properties"]["topic"]["enum"]:
            if topic not in present:
                files.problems.append(f"{files.name(folder)}: topic {topic} has no {topic}.yml")
    return entries


def _by_language(texts: Mapping[str, Any]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({lang: tuple(texts[lang]) for lang in LANGUAGES})


def _sources(data: Any) -> tuple[Source, ...]:
    return tuple(Source(s["title"], s.get("url")) for s in data)


def _question(
    key: str, topic: str, spec: Mapping[str, Any], follow_up: tuple[str, ...]
) -> Question:
    return Question(
        key=key,
        topic=topic,
        messages=_by_language(spec["answer"]),
        follow_up=tuple(spec.get("follow_up", follow_up)),
        clinic_status=spec.get("clinic_status"),
        asks=spec["asks"],
        evidence_level=spec["evidence_level"],
        sources=_sources(spec["sources"]),
        general=bool(spec.get("general", False)),
        examples=_by_language(spec["examples"]),
    )


def _routes(topic: str, routes: Mapping[str, str]) -> dict[str, str]:
    """Route targets as full question ids (a bare name is one of the topic's own questions)."""
    return {key: target if "." in target else f"{topic}.{target}" for key, target in routes.items()}


def _route_problems(
    files: _Files, knowledge: Mapping[str, KnowledgeEntry], questions: Mapping[str, Question]
) -> Iterator[str]:
    """Every for_condition / for_population target must be a question; its keys known words."""
    context, invalid = files.read("patient_context.yml", "patient_context")
    known = {
        "for_condition": set((_usable(context, invalid) or {}).get("conditions", {})),
        "for_population": set((_usable(context, invalid) or {}).get("populations", {})),
    }
    for entry in knowledge.values():
        where = files.name(files.root / "knowledge" / f"{entry.key}.yml")
        for field, routes in (
            ("for_condition", entry.for_condition),
            ("for_population", entry.for_population),
        ):
            for key, target in routes.items():
                if known[field] and key not in known[field]:
                    yield f"{where}: {field}: {key!r} is not named in patient_context.yml"
                if target not in questions:
                    yield f"{where}: {field}.{key}: {target} is not a question"


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def _example_problems(files: _Files, questions: Mapping[str, Question]) -> Iterator[str]:
    """A phrasing teaches one question only: the same example under two questions is a problem."""
    owner: dict[tuple[str, str], str] = {}
    for question in questions.values():
        for lang in LANGUAGES:
            for example in question.examples[lang]:
                key = (lang, _normalised(example))
                if key in owner and owner[key] != question.key:
                    where = files.where(question, "examples")
                    yield f"{where}: {example!r} is also an example of {owner[key]}"
                owner.setdefault(key, question.key)


def _load_messages(files: _Files, knowledge: Mapping[str, KnowledgeEntry]) -> dict[str, Reply]:
    """The replies of messages.yml that match the schema, by key."""
    data, invalid = files.read("messages.yml", "messages")
    where = files.name(files.root / "messages.yml")
    replies = {}
    for key, entry in _usable(data, invalid).items():
        topic = entry["topic"]
        if key in knowledge or topic in knowledge:
            files.problems.append(f"{where}: {key}: knowledge topics belong in knowledge/")
        replies[key] = Reply(
            key=key,
            topic=topic,
            messages=MappingProxyType({lang: tuple(entry[lang]) for lang in LANGUAGES}),
            follow_up=tuple(entry.get("follow_up", ())),
            clinic_status=None,
        )
    return replies


def _parity_problems(reply: Reply) -> Iterator[str]:
    """English and Thai must say the same things: same number of messages, same placeholders."""
    en, th = reply.messages["en"], reply.messages["th"]
    if len(en) != len(th):
        yield f"has {len(th)} messages but en has {len(en)}: both languages must say the same"
    used = {lang: set(_PLACEHOLDER.findall(" ".join(reply.messages[lang]))) for lang in LANGUAGES}
    if used["en"] != used["th"]:
        yield f"uses placeholders {sorted(used['th'])} but en uses {sorted(used['en'])}"
    figures = {lang: figures_in(" ".join(reply.messages[lang])) for lang in LANGUAGES}
    if figures["en"] != figures["th"]:
        yield f"states the figures {sorted(figures['th'])} but en states {sorted(figures['en'])}"


def figures_in(text: str) -> set[str]:
    """The numbers a text states (percentages, counts, years, doses), as written in digits.

    >>> sorted(figures_in("31.8% vs 27.2% on placebo, 197 adults, ปี 2024, 5.0x10^7"))
    ['10', '197', '2024', '27.2', '31.8', '5.0', '7']
    """
    return set(_FIGURE.findall(text.replace(",", "")))


def _texts(
    files: _Files,
    replies: Sequence[Reply],
    labels: Mapping[str, Mapping[str, str]],
    disclaimers: Mapping[str, Mapping[str, str]],
) -> Iterator[tuple[str, str, str, str]]:
    """Every text a person may read: (where, reply key, language, text)."""
    for reply in replies:
        for lang in LANGUAGES:
            for index, text in enumerate(reply.messages[lang]):
                yield files.where(reply, f"{lang}[{index}]"), reply.key, lang, text
    for file_name, entries in (("topic_labels.yml", labels), ("disclaimers.yml", disclaimers)):
        for key, texts in entries.items():
            for lang in LANGUAGES:
                yield f"{files.name(files.root / file_name)}: {key}.{lang}", key, lang, texts[lang]


def _text_problems(text: str, language: str, rules: claims.ClaimRules | None) -> Iterator[str]:
    """Problems of one text: wrong script, wrong voice, forbidden claims."""
    if language == "th" and script_language(text) != "th":
        yield f"{_preview(text)!r} is in the th field but is not Thai by the language rule"
    if language == "en" and _THAI.search(text):
        yield f"{_preview(text)!r} is in the en field but contains Thai script"
    if language == "th" and _OTHER_VOICE in text:
        yield f"{_preview(text)!r}: the assistant's voice ends with ค่ะ, not {_OTHER_VOICE}"
    if rules is not None:
        for claim in claims.find_forbidden_claims(text, language, rules):
            yield f"forbidden claim {claim!r} in {_preview(text)!r}"


def _label_problems(files: _Files, replies: Sequence[Reply], labelled: set[str]) -> Iterator[str]:
    """Every knowledge topic and every follow-up needs a button label; no reply offers itself."""
    labels_file = files.name(files.root / "topic_labels.yml")
    for reply in replies:
        if isinstance(reply, KnowledgeEntry) and reply.topic not in labelled:
            yield f"{labels_file}: no label for knowledge topic {reply.topic}"
        for topic in reply.follow_up:
            if topic == reply.topic:
                yield f"{files.where(reply, 'follow_up')}: {topic} is the reply's own topic"
            elif topic not in labelled:
                yield f"{files.where(reply, 'follow_up')}: {topic} has no label in {labels_file}"
