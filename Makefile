# The project's vocabulary. `make run` and `make test` are the two README commands.
PY := .venv/bin/python
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test test-fast check setup train validate nlu-eval answer-eval scaled bench lock clean

setup:
	@scripts/bootstrap.sh

run: setup
	@$(PY) -m ops.run

# Everything CI runs: the checks, a trained model, then the whole suite (real servers too).
test: setup check
	@scripts/system_deps.sh
	@$(PY) -m ops.train
	@$(PY) -m pytest

# The edit-test loop: the checks and the tests that start no server (about a minute).
test-fast: setup check
	@$(PY) -m pytest -m "not e2e and not slow" --ignore=tests/rasa -q

# What a tool can check: lint, formatting, the import layers, types of the core.
check: setup
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/lint-imports --no-cache
	@.venv/bin/mypy

# Only when its inputs changed (ops/train.py); `make train` after editing data or content.
train: setup
	@$(PY) -m ops.train

validate: setup
	@$(PY) -m rasa data validate --fail-on-warnings

nlu-eval: setup train
	@$(PY) -m ops.nlu_eval

# Does the first bubble answer the specific question? (held-out sets, real servers, REST)
answer-eval: setup train
	@$(PY) -m ops.answer_eval

scaled: setup
	@$(PY) -m ops.scaled

bench: setup
	@$(PY) -m bench.compare

lock:
	@scripts/lock.sh

clean:
	rm -rf models/*.tar.gz models/*.fingerprint var .pytest_cache .mypy_cache .ruff_cache
