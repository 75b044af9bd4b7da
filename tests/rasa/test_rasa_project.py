"""Rasa's own checks on the project and the held-out NLU evaluation."""

import subprocess
import sys

import pytest

from assistant.paths import MODEL_PATH, ROOT
from assistant.settings import environment
from ops.nlu_eval import ADDED_THRESHOLD, THRESHOLD, evaluate, report


def rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_rasa_data_validate_has_no_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_predict_every_action(tmp_path):
    result = rasa(
        "test",
        "core",
        "--model",
        str(MODEL_PATH),
        "--stories",
        "tests/test_stories.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def heldout_results():
    results = evaluate(MODEL_PATH, "heldout")
    print("\n" + report(results))
    return {r.language: r for r in results}


@pytest.mark.parametrize("language", ["en", "th"])
def test_heldout_intent_accuracy_meets_the_target(heldout_results, language):
    result = heldout_results[language]
    assert result.total >= 26 * 8
    assert result.accuracy >= THRESHOLD, report([result])


@pytest.fixture(scope="module")
def added_results():
    results = evaluate(MODEL_PATH, "added")
    print("\n" + report(results))
    return {r.language: r for r in results}


@pytest.mark.parametrize("language", ["en", "th"])
def test_the_added_intents_meet_their_target(added_results, language):
    result = added_results[language]
    assert result.total >= 6 * 8
    assert result.accuracy >= ADDED_THRESHOLD, report([result])
