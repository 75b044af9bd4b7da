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

from assistant.conversation import REPORTED_SYMPTOM_KEY, SAFETY_NET_KEY
from assistant.paths import ROOT
from nlu_components.red_flag_override import RedFlagOverride
from nlu_components.thai_english_tokenizer import ThaiEnglishTokenizer


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
    history = _classified(
        "I fainted last time I had blood taken, does it hurt?", "therapy_procedure", 0.6
    )
    history_unclear = _classified("I fainted last time I had blood taken, ok?", "nlu_fallback", 0.1)
    component.process([emergency, distress, ordinary, history, history_unclear])

    assert emergency.get(INTENT) == {"name": "safety_emergency", "confidence": 1.0}
    assert emergency.get(INTENT_RANKING_KEY)[0]["name"] == "safety_emergency"
    assert emergency.get(SAFETY_NET_KEY) == {"kind": "emergency", "matched": "หายใจไม่ออก"}
    assert distress.get(INTENT)["name"] == "safety_distress"
    assert ordinary.get(INTENT) == {"name": "therapy_safety", "confidence": 0.91}
    assert ordinary.get(SAFETY_NET_KEY) is None
    # the forced property reaches the parse data Rasa stores in the tracker
    assert SAFETY_NET_KEY in emergency.as_dict(only_output_properties=True)
    # a symptom told as history keeps a knowledge question, marked for the emergency line
    assert history.get(INTENT) == {"name": "therapy_procedure", "confidence": 0.6}
    assert history.get(REPORTED_SYMPTOM_KEY) == {"matched": "fainted"}
    assert REPORTED_SYMPTOM_KEY in history.as_dict(only_output_properties=True)
    assert history.get(SAFETY_NET_KEY) is None
    # ... but with no knowledge question to answer it is the emergency, as before
    assert history_unclear.get(INTENT)["name"] == "safety_emergency"
    assert history_unclear.get(REPORTED_SYMPTOM_KEY) is None


@pytest.mark.slow  # builds the tokenizer with its dictionary (about 9 s)
def test_intent_classifier_scores_with_weights_in_place_after_load(storage, context):
    """The loaded classifier keeps its weights column-major (a row-major copy per message
    cost 5 ms) and gives the same probabilities as scikit-learn on the fitted weights."""
    import numpy as np

    from nlu_components.tfidf_intent_classifier import TfidfIntentClassifier

    tokenizer = ThaiEnglishTokenizer.create(
        {
            **ThaiEnglishTokenizer.get_default_config(),
            "dictionary_path": str(ROOT / "content" / "thai_domain_words.txt"),
        },
        storage,
        Resource("tokenizer"),
        context,
    )
    examples = {
        "therapy_cost": [
            "how much does it cost",
            "price of stem cell therapy",
            "ราคาเท่าไหร่คะ",
            "ค่าใช้จ่าย",
        ],
        "therapy_safety": ["is it safe", "side effects?", "ปลอดภัยไหม", "ผลข้างเคียงมีอะไรบ้าง"],
        "greet": ["hello", "hi there", "สวัสดีค่ะ", "หวัดดี"],
    }
    data = TrainingData(
        [Message({TEXT: t, INTENT: i}) for i, texts in examples.items() for t in texts]
    )
    tokenizer.process_training_data(data)
    config = TfidfIntentClassifier.get_default_config()
    resource = Resource("classifier")
    TfidfIntentClassifier.create(config, storage, resource, context).train(data)
    loaded = TfidfIntentClassifier.load(config, storage, resource, context)

    classifier = loaded._model.parts["classifier"]
    assert classifier.coef_.T.flags.c_contiguous
    message = Message({TEXT: "ราคาสเตมเซลเท่าไหร่"})
    tokenizer.process([message])
    loaded.process([message])
    assert message.get(INTENT)["name"] == "therapy_cost"
    features = loaded._model.features([message])
    row_major = features @ np.ascontiguousarray(classifier.coef_).T + classifier.intercept_
    expected = np.exp(row_major - row_major.max())
    expected /= expected.sum()
    ranking = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY)}
    for index, name in enumerate(classifier.classes_):
        assert ranking[name] == pytest.approx(expected[0, index], rel=1e-9)


@pytest.mark.parametrize("analyzer, ngrams", [("word", (1, 2)), ("char_wb", (2, 5))])
def test_tfidf_features_equal_scikit_learns_transform(analyzer, ngrams):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlu_components.tfidf_text_model import tfidf_features

    corpus = [
        "stem cell cost",
        "is it safe is it",
        "ราคา สเตมเซล เท่าไหร่",
        "ผล ข้างเคียง",
        "hello hello hello",
    ]
    words = {"token_pattern": r"\S+"} if analyzer == "word" else {}
    vectorizer = TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, **words
    ).fit(corpus)
    texts = ["cost of stem cell stem cell", "ผล ข้างเคียง ราคา", "", "🙂🙂", "unseen words only"]
    ours = tfidf_features(vectorizer, vectorizer.idf_, texts)
    theirs = vectorizer.transform(texts)
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-12
    assert ours.nnz == theirs.nnz
