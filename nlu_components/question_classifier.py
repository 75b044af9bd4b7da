"""Which specific question of a topic the patient asked: ``QuestionClassifier``.

The intent classifier decides the topic (``therapy_safety``); this component decides the
question inside it (``therapy.safety.fever``), so that the first bubble answers what was
asked. It is the same TF-IDF model as the intent classifier, trained on the specific
questions' phrasings (``content/knowledge/<topic>.yml``, read into the training data by
``KnowledgeExamplesImporter``, each carrying its question id).

Parse data it adds (``docs/design.md``):
- ``question``: ``{name, confidence}``, the best question of the predicted intent's topic
  (absent for other intents);
- ``question_ranking`` (follow-ups only): the best question of every topic with its
  confidence within its topic, ``[{name, confidence}]`` best first, which the actions use
  to answer a follow-up ("and long term?") within the previous topic.

One small model per topic (its own vocabulary, its own classifier): a topic's questions
are told apart from each other only, which is the decision this component makes. One
model over all 132 questions took 2.5 minutes to train here and made the model file
three times larger; 14 small ones train in seconds.

Why not Rasa's ``ResponseSelector`` with retrieval intents: it is DIET (TensorFlow), which
trained for tens of minutes here and answers slower; and its data format splits a question
across the NLU data and the domain's responses, where a content author should edit one
place (docs/answers.md compares).
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
from nlu_components.tfidf_text_model import (
    DEFAULT_CONFIG,
    TfidfTextModel,
    dump_models,
    load_models,
    ranking,
)

logger = logging.getLogger(__name__)

MODEL_FILE = "question_classifier.skops"
QUESTION_RANKING = "question_ranking"
FOLLOW_UP_INTENT = "follow_up"


def topic_of_intent(intent: str) -> str:
    """``therapy_safety`` -> ``therapy.safety`` (the topic an intent answers)."""
    return intent.replace("_", ".", 1)


def topic_of_question(question: str) -> str:
    """``therapy.safety.fever`` -> ``therapy.safety``."""
    return question.rsplit(".", 1)[0]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class QuestionClassifier(GraphComponent):
    """Adds the specific question (and, for a follow-up, a ranking of questions)."""

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
            # The intent whose messages get ``question_ranking`` over every topic.
            "follow_up_intent": FOLLOW_UP_INTENT,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: Optional[Dict[str, TfidfTextModel]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._models = models or {}  # topic -> model of its questions

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
        """Fits one model per topic on the examples that carry a question id; persists them."""
        by_topic: Dict[str, List[Message]] = {}
        for message in training_data.training_examples:
            if message.get(QUESTION) and message.get(TEXT):
                by_topic.setdefault(topic_of_question(message.get(QUESTION)), []).append(message)
        self._models = {
            topic: TfidfTextModel.fit(self._config, examples, [m.get(QUESTION) for m in examples])
            for topic, examples in sorted(by_topic.items())
            if len({m.get(QUESTION) for m in examples}) >= 2
        }
        if not self._models:
            logger.warning("No topic with two specific questions to learn: not trained.")
            return self._resource
        with self._model_storage.write_to(self._resource) as directory:
            dump_models(self._models, directory / MODEL_FILE)
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
        """Loads the fitted models."""
        try:
            with model_storage.read_from(resource) as directory:
                models = load_models(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning(f"No trained question classifier in resource '{resource.name}'.")
            models = {}
        return cls(config, model_storage, resource, models)

    def _best(self, topic: str, message: Message) -> Dict[Text, Any]:
        model = self._models[topic]
        return ranking(model.labels, model.probabilities([message])[0], 1)[0]

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets ``question`` for a knowledge intent; ``question_ranking`` for a follow-up.

        Only the models needed are run: the intent's topic's, or every topic's for a
        follow-up (whose topic is the previous answer's, which only the actions know).
        """
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name") or ""
            topic = topic_of_intent(intent)
            if topic in self._models:
                message.set(QUESTION, self._best(topic, message), add_to_output=True)
            elif intent == self._config["follow_up_intent"]:
                best = [self._best(name, message) for name in self._models]
                ranked = sorted(best, key=lambda question: -question["confidence"])
                message.set(QUESTION_RANKING, ranked, add_to_output=True)
        return messages
