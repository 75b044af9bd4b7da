"""Where the project's files are. ``CONTENT_DIR`` may be moved by the environment (tests)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR: Path = Path(os.environ.get("CONTENT_DIR") or ROOT / "content")
VAR_DIR = ROOT / "var"  # databases and logs of the embedded setup (untracked)
MODEL_PATH = ROOT / "models" / "current.tar.gz"
