"""The one check every test that starts the real servers makes first."""

import pytest

from assistant.paths import MODEL_PATH


def require_trained_model() -> None:
    """Fails the test with what to do when there is no trained model."""
    if not MODEL_PATH.exists():
        pytest.fail(f"No trained model at {MODEL_PATH}: run `make test` (it trains first).")
