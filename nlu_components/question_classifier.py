"""Which specific question of a topic the patient asked: ``QuestionClassifier``.

The intent classifier decides the topic (``therapy_safety``); this component decides the
question inside it (``therapy.safety.fever``), so that the first bubble answers what was
asked. It is the same TF-IDF model as the intent classifier, trained on the specific
questions' phrasings (``content/knowledge/<topic>.yml``, read into the training data by
``KnowledgeExamplesImporter``, each carrying its question id).

Parse data it adds (``docs/design.md``):
- ``question``: ``{name, confidence}``, the best question of the predicted intent's topic
  (absent for other intents);
- ``question_ranking``: the best questions of all topics, ``[{name, confidence}]``, which
  the actions use to answer a follow-up ("and long term?") within the previous topic.

Why not Rasa's ``ResponseSelector`` with retrieval intents: it is DIET (TensorFlow), which
trained for tens of minutes here and answers slower; and its data format splits a question
across the NLU data and the domain's responses, where a content author should edit one
place (docs/content.md measures and compares).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.knowledge_examples import QUESTION
from nlu_components.tfidf_text_model import DEFAULT_CONFIG, TfidfTextModel, ranking

logger = logging.getLogger(__name__)

MODEL_FILE = "question_classifier.skops"
QUESTION_RANKING = "question_ranking"


def topic_of_intent(intent: str) -> str:
    """``therapy_safety`` -> ``therapy.safety`` (the topic an intent answers)."""
    return intent.replace("_", ".", 1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class QuestionClassifier(GraphComponent):
    """Adds the specific question (and a ranking of questions) to each message."""

    @classmethod
    def required_components(cls) -> List[Type[Any]]:
        """Needs tokens (word n-grams are built from them)."""
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages this component imports."""
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config; each option is documented inline."""
        return {
            **DEFAULT_CONFIG,  # n-gram lengths and regularisation (tfidf_text_model.py)
            # How many questions ``question_ranking`` keeps (all topics).
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[TfidfTextModel] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionClassifier:
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fits the model on the examples that carry a question id, then persists it."""
        examples = [m for m in training_data.training_examples if m.get(QUESTION) and m.get(TEXT)]
        if len({m.get(QUESTION) for m in examples}) < 2:
            logger.warning("Fewer than two specific questions to learn: not trained.")
            return self._resource
        self._model = TfidfTextModel.fit(self._config, examples, [m.get(QUESTION) for m in examples])
        with self._model_storage.write_to(self._resource) as directory:
            self._model.dump(directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> QuestionClassifier:
        """Loads the fitted model."""
        try:
            with model_storage.read_from(resource) as directory:
                model: Optional[TfidfTextModel] = TfidfTextModel.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning(f"No trained question classifier in resource '{resource.name}'.")
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``question`` (within the intent's topic) and ``question_ranking``."""
        if not self._model or not messages:
            return messages
        labels = self._model.labels
        for message, row in zip(messages, self._model.probabilities(messages)):
            message.set(QUESTION_RANKING, ranking(labels, row, self._config["ranking_length"]), add_to_output=True)
            intent = (message.get(INTENT) or {}).get("name") or ""
            prefix = topic_of_intent(intent) + "."
            within = [(float(p), label) for label, p in zip(labels, row) if label.startswith(prefix)]
            if within:
                confidence, name = max(within)
                message.set(QUESTION, {"name": name, "confidence": confidence}, add_to_output=True)
        return messages
