# The project's vocabulary. `make run` and `make test` are the two README commands.
PY := .venv/bin/python
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test setup train validate nlu-eval scaled bench lock clean

setup:
	@scripts/bootstrap.sh

run: setup
	@$(PY) -m ops.run

train: setup
	@$(PY) -m ops.train

test: setup
	@scripts/system_deps.sh
	@$(PY) -m ops.train
	@$(PY) -m pytest

validate: setup
	@$(PY) -m rasa data validate --fail-on-warnings

nlu-eval: setup train
	@$(PY) -m ops.nlu_eval

scaled: setup
	@$(PY) -m ops.scaled

bench: setup
	@$(PY) -m bench.compare

lock:
	@scripts/lock.sh

clean:
	rm -rf models/*.tar.gz models/*.fingerprint var .pytest_cache
