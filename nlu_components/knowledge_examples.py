"""The specific questions' phrasings, read into Rasa's NLU training data.

A content author adds a specific question in one place, its topic's knowledge file
(``content/knowledge/<topic>.yml``: the answer, its sources and the ways patients ask it).
``config.yml`` names this importer next to Rasa's own file importer, so ``rasa train`` and
``rasa data validate`` see each phrasing as an example of the topic's intent (the intent
classifier learns from it too) carrying the question id in the ``question`` attribute (the
question classifier learns from that). The content is validated while it is read: a broken
knowledge file stops training with every problem listed.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.content import Content, load_content, topic_to_intent
from assistant.language import LANGUAGES

QUESTION = "question"
"""Message attribute (training) and parse-data key (prediction): the specific question id."""


def question_examples(content: Content) -> TrainingData:
    """Every phrasing of every specific question, as an example of its topic's intent."""
    return TrainingData(
        [
            Message(
                {TEXT: example, INTENT: topic_to_intent(question.topic), QUESTION: question.key}
            )
            for question in content.questions.values()
            for language in LANGUAGES
            for example in question.examples[language]
        ]
    )


class KnowledgeExamplesImporter(TrainingDataImporter):
    """Imports only NLU data: the specific questions' phrasings from the knowledge files."""

    def __init__(
        self,
        config_file: Optional[Text] = None,
        domain_path: Optional[Text] = None,
        training_data_paths: Optional[Any] = None,
    ) -> None:
        """Rasa passes the project's paths; the knowledge files are found from the content."""

    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        return question_examples(load_content())

    def get_domain(self) -> Domain:
        return Domain.empty()

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return StoryGraph([])

    def get_conversation_tests(self) -> StoryGraph:
        return StoryGraph([])

    def get_config(self) -> Dict[Text, Any]:
        return {}

    def get_config_file_for_auto_config(self) -> Optional[Text]:
        return None
