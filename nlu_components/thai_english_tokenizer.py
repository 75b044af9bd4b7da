"""Rasa tokenizer for mixed Thai/English messages.

Rasa's WhitespaceTokenizer refuses Thai (Thai has no spaces between words). This
component wraps :class:`ThaiEnglishSegmenter` and, like Rasa's JiebaTokenizer, copies its
domain dictionary into the model at training time and reads it back from there at load
time, so a trained model never depends on files outside it.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.thai_english_segmenter import ThaiEnglishSegmenter, read_word_list

logger = logging.getLogger(__name__)

DICTIONARY_FILE = "domain_words.txt"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class ThaiEnglishTokenizer(Tokenizer):
    """PyThaiNLP ``newmm`` for Thai runs, spaCy's English rules for the rest."""

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """Any pipeline language: the component handles Thai and English itself."""
        return None

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages this component imports."""
        return ["pythainlp", "spacy"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config; each option is documented inline."""
        return {
            # File with one Thai domain word per line (e.g. สะเก็ดเงิน); these words
            # are never split. Copied into the model when training.
            "dictionary_path": None,
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        domain_words: List[Text],
    ) -> None:
        """Creates the tokenizer with its domain dictionary."""
        super().__init__(config)
        self._model_storage = model_storage
        self._resource = resource
        self._domain_words = domain_words
        self._segmenter = ThaiEnglishSegmenter(domain_words)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiEnglishTokenizer:
        """Creates an untrained component that reads the dictionary from its path."""
        path = config["dictionary_path"]
        words = read_word_list(path) if path else []
        return cls(config, model_storage, resource, words)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ThaiEnglishTokenizer:
        """Loads the dictionary persisted in the model (not the file on disk)."""
        words: List[Text] = []
        try:
            with model_storage.read_from(resource) as directory:
                stored = Path(directory) / DICTIONARY_FILE
                if stored.exists():
                    words = read_word_list(str(stored))
        except ValueError:
            logger.debug(f"No stored dictionary for resource '{resource.name}'.")
        return cls(config, model_storage, resource, words)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the domain dictionary into the model."""
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Writes the domain dictionary to model storage."""
        with self._model_storage.write_to(self._resource) as directory:
            path = self._config["dictionary_path"]
            if path:
                shutil.copyfile(path, Path(directory) / DICTIONARY_FILE)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the attribute's text; offsets point into the original text."""
        text = message.get(attribute)
        tokens = [Token(word.text, word.start, word.end) for word in self._segmenter.segment(text)]
        return self._apply_token_pattern(tokens)
