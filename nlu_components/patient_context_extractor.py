"""Entities ``condition``, ``population`` and ``age``: who and what the message is about.

The slots of the same names take them from these entities and keep them for the
conversation (``domain.yml``), so a patient who said "I have psoriasis" gets the psoriasis
evidence when they later ask "will it work?". The word lists are copied into the model
when training, like the tokenizer's dictionary and the red-flag lists.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.patient_context import PatientContextMatcher, TokenSpan

LISTS_FILE = "patient_context.yml"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class PatientContextExtractor(GraphComponent, EntityExtractorMixin):
    """Adds the condition, population and age a message names as entities."""

    @classmethod
    def required_components(cls) -> List[Type[Any]]:
        """Needs tokens: words are matched on runs of tokens."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config; each option is documented inline."""
        return {
            # YAML file with the words and age patterns (see content/patient_context.yml).
            "patient_context_path": "content/patient_context.yml",
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        matcher: Optional[PatientContextMatcher],
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._matcher = matcher

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PatientContextExtractor:
        """Creates the component from the lists on disk (used while training)."""
        path = {**cls.get_default_config(), **config}["patient_context_path"]
        return cls(config, model_storage, resource, PatientContextMatcher.from_file(path))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> PatientContextExtractor:
        """Loads the lists stored in the model."""
        with model_storage.read_from(resource) as directory:
            matcher = PatientContextMatcher.from_file(Path(directory) / LISTS_FILE)
        return cls(config, model_storage, resource, matcher)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the lists into the model."""
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copyfile(self._config["patient_context_path"], Path(directory) / LISTS_FILE)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the entities found to each message (after any others already there)."""
        if self._matcher is None:
            return messages
        for message in messages:
            tokens = [
                TokenSpan(token.text, token.start, token.end)
                for token in message.get(TOKENS_NAMES[TEXT]) or []
            ]
            found = self._matcher.find(message.get(TEXT) or "", tokens)
            if not found:
                continue
            entities = self.add_extractor_name(
                [
                    {
                        ENTITY_ATTRIBUTE_TYPE: item.kind,
                        ENTITY_ATTRIBUTE_VALUE: item.value,
                        ENTITY_ATTRIBUTE_START: item.start,
                        ENTITY_ATTRIBUTE_END: item.end,
                    }
                    for item in found
                ]
            )
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), *entities], add_to_output=True)
        return messages
