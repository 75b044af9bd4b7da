"""Train the model only when its inputs changed.

Rasa's own check ("Nothing changed") still loads the whole project and takes tens of
seconds; hashing the inputs takes milliseconds, so a second ``make run`` starts at once.
The tokenizer's dictionary and the red-flag lists are inputs too: Rasa copies them into
the model but does not fingerprint them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable

from assistant.content import load_content
from assistant.paths import MODEL_PATH, ROOT
from assistant.settings import environment

INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "nlu_components",
    "content/thai_domain_words.txt",
    "content/red_flags.yml",
    "content/patient_context.yml",
)
FINGERPRINT_PATH = MODEL_PATH.with_suffix("").with_suffix(".fingerprint")


def _files(paths: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = ROOT / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.exists():
            files.append(path)
    return sorted(files)


def fingerprint(config: str = "config.yml") -> str:
    """A hash of everything the model is trained from.

    Of the knowledge files only the questions' phrasings count (they are training data):
    correcting an answer's wording needs no new model.
    """
    digest = hashlib.sha256()
    for path in _files([config, *INPUTS[1:]]):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for question in sorted(load_content().questions.values(), key=lambda q: q.key):
        digest.update(json.dumps([question.key, dict(question.examples)], sort_keys=True).encode())
    return digest.hexdigest()


def model_is_current(model: Path = MODEL_PATH, config: str = "config.yml") -> bool:
    """Whether ``model`` was trained from the current inputs."""
    stamp = model.with_suffix("").with_suffix(".fingerprint")
    return model.exists() and stamp.exists() and stamp.read_text() == fingerprint(config)


def train(model: Path = MODEL_PATH, config: str = "config.yml", force: bool = False) -> float:
    """Trains ``model`` if needed; returns the seconds spent (0 when it was current)."""
    if not force and model_is_current(model, config):
        return 0.0
    started = time.monotonic()
    model.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(model.parent),
        "--fixed-model-name",
        model.name.removesuffix(".tar.gz"),
        "--force",
        # Rasa's data validation took about 25 of the 184 s of a training here; the test
        # suite runs it on its own (`rasa data validate --fail-on-warnings`,
        # tests/rasa/test_rasa_project.py), as does `make validate`.
        "--skip-validation",
    ]
    subprocess.run(command, cwd=ROOT, env=environment(), check=True)
    model.with_suffix("").with_suffix(".fingerprint").write_text(fingerprint(config))
    return time.monotonic() - started


if __name__ == "__main__":
    seconds = train(force="--force" in sys.argv)
    print(f"Model {'trained in %.0f s' % seconds if seconds else 'is up to date'}: {MODEL_PATH}")
