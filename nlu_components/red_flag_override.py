"""Force the safety intents when the rule-based safety net fires.

Placed after the classifiers (and after ``FallbackClassifier``) so that neither a
confident wrong guess nor low confidence can keep a red-flag message from the emergency
or distress answer. The lists are copied into the model when training, like the
tokenizer's dictionary, so a model behaves the same wherever it is loaded.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.conversation import REPORTED_SYMPTOM_KEY, SAFETY_NET_KEY
from nlu_components.red_flags import DISTRESS, EMERGENCY, RedFlagMatcher

logger = logging.getLogger(__name__)

LISTS_FILE = "red_flags.yml"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RedFlagOverride(GraphComponent):
    """Sets the intent to ``safety_emergency``/``safety_distress`` on a red flag."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config; each option is documented inline."""
        return {
            # YAML file with the red-flag lists (see content/red_flags.yml).
            "red_flags_path": "content/red_flags.yml",
            # Intent forced for each kind of red flag.
            "emergency_intent": "safety_emergency",
            "distress_intent": "safety_distress",
            # A symptom told as history or hearsay ("I fainted last time I had blood
            # taken, does it hurt?") keeps an intent with this prefix (a knowledge
            # question); with any other intent it is forced to the emergency like the rest.
            "history_keeps_intent_prefix": "therapy_",
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        matcher: Optional[RedFlagMatcher],
    ) -> None:
        """Creates the component around a matcher (None before training)."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._matcher = matcher
        self._intents = {
            EMERGENCY: config["emergency_intent"],
            DISTRESS: config["distress_intent"],
        }

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagOverride:
        """Creates the component from the lists on disk (used while training)."""
        matcher = RedFlagMatcher.from_file(config["red_flags_path"])
        return cls(config, model_storage, resource, matcher)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RedFlagOverride:
        """Loads the lists stored in the model."""
        with model_storage.read_from(resource) as directory:
            matcher = RedFlagMatcher.from_file(Path(directory) / LISTS_FILE)
        return cls(config, model_storage, resource, matcher)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the red-flag lists into the model."""
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copyfile(self._config["red_flags_path"], Path(directory) / LISTS_FILE)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of every message in which a red flag is found."""
        for message in messages:
            text = message.get(TEXT)
            found = self._matcher.match(text) if text and self._matcher else None
            if found and not found.current and self._keeps_intent(message):
                message.set(REPORTED_SYMPTOM_KEY, {"matched": found.matched}, add_to_output=True)
            elif found:
                self._force_intent(message, self._intents[found.kind])
                message.set(
                    SAFETY_NET_KEY,
                    {"kind": found.kind, "matched": found.matched},
                    add_to_output=True,
                )
        return messages

    def _keeps_intent(self, message: Message) -> bool:
        name = (message.get(INTENT) or {}).get("name") or ""
        return name.startswith(self._config["history_keeps_intent_prefix"])

    @staticmethod
    def _force_intent(message: Message, intent: Text) -> None:
        forced = {"name": intent, "confidence": 1.0}
        ranking = [
            entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get("name") != intent
        ]
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
