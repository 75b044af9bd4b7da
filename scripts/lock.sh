#!/usr/bin/env bash
# Regenerate requirements.lock: install requirements.in into a throwaway venv built from
# the same Python 3.10 as .venv, and freeze it.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.venv/bin/python -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.0"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.in
{
  echo "# Generated from requirements.in by 'make lock' (pip freeze of a clean venv). Do not edit."
  "$tmp/venv/bin/python" -m pip freeze --disable-pip-version-check | sort -f
} > requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
