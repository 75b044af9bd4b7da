"""Our Rasa components through Rasa's own storage: train, persist, load, process."""
import shutil

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.red_flag_override import SAFETY_NET_KEY, RedFlagOverride
from nlu_components.thai_english_tokenizer import ThaiEnglishTokenizer
from ops.settings import ROOT


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "model").mkdir()
    return LocalModelStorage(tmp_path / "model")


@pytest.fixture
def context():
    return ExecutionContext(GraphSchema({}), "test")


def tokens_of(component, text):
    message = Message({TEXT: text})
    component.process([message])
    return [(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT])]


def test_tokenizer_dictionary_travels_with_the_model(tmp_path, storage, context):
    dictionary = tmp_path / "words.txt"
    dictionary.write_text("สเตมเซล\nสะเก็ดเงิน\n", encoding="utf-8")
    config = {**ThaiEnglishTokenizer.get_default_config(), "dictionary_path": str(dictionary)}
    resource = Resource("tokenizer")
    trained = ThaiEnglishTokenizer.create(config, storage, resource, context)
    trained.train(TrainingData())
    before = tokens_of(trained, "สเตมเซลรักษาสะเก็ดเงินได้ไหม")

    dictionary.unlink()  # loading must not need the file any more
    loaded = ThaiEnglishTokenizer.load(config, storage, resource, context)
    after = tokens_of(loaded, "สเตมเซลรักษาสะเก็ดเงินได้ไหม")

    assert after == before
    assert ("สเตมเซล", 0, 7) in after
    assert ("สะเก็ดเงิน", 12, 22) in after


def test_tokenizer_tokenizes_training_data_and_offsets_match(storage, context):
    config = {
        **ThaiEnglishTokenizer.get_default_config(),
        "dictionary_path": str(ROOT / "content" / "thai_domain_words.txt"),
    }
    tokenizer = ThaiEnglishTokenizer.create(config, storage, Resource("t"), context)
    text = "MSC จาก สายสะดือ ช่วย eczema ได้ไหมคะ"
    data = TrainingData([Message({TEXT: text, INTENT: "therapy_conditions"})])
    tokenizer.process_training_data(data)
    tokens = data.training_examples[0].get(TOKENS_NAMES[TEXT])
    assert [t.text for t in tokens] == ["MSC", "จาก", "สายสะดือ", "ช่วย", "eczema", "ได้", "ไหม", "คะ"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def _classified(text, intent, confidence):
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence}])
    return message


def test_red_flag_override_forces_intent_after_load(tmp_path, storage, context):
    lists = tmp_path / "red_flags.yml"
    shutil.copyfile(ROOT / "content" / "red_flags.yml", lists)
    config = {**RedFlagOverride.get_default_config(), "red_flags_path": str(lists)}
    resource = Resource("red_flags")
    RedFlagOverride.create(config, storage, resource, context).train(TrainingData())
    lists.unlink()
    component = RedFlagOverride.load(config, storage, resource, context)

    emergency = _classified("ฉีดเมื่อวาน ตอนนี้หายใจไม่ออกค่ะ", "therapy_safety", 0.97)
    distress = _classified("i want to die", "nlu_fallback", 0.3)
    ordinary = _classified("can it cause fever?", "therapy_safety", 0.91)
    component.process([emergency, distress, ordinary])

    assert emergency.get(INTENT) == {"name": "safety_emergency", "confidence": 1.0}
    assert emergency.get(INTENT_RANKING_KEY)[0]["name"] == "safety_emergency"
    assert emergency.get(SAFETY_NET_KEY) == {"kind": "emergency", "matched": "หายใจไม่ออก"}
    assert distress.get(INTENT)["name"] == "safety_distress"
    assert ordinary.get(INTENT) == {"name": "therapy_safety", "confidence": 0.91}
    assert ordinary.get(SAFETY_NET_KEY) is None
    # the forced property reaches the parse data Rasa stores in the tracker
    assert SAFETY_NET_KEY in emergency.as_dict(only_output_properties=True)
