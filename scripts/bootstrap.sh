#!/usr/bin/env bash
# Find a Python 3.10, create .venv, install the locked dependencies. Idempotent: when the
# lock file has not changed since the last install, this takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

LOCK=requirements.lock
STAMP=.venv/.installed-lock

is_py310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

find_python() {
  local candidate version
  for candidate in "${PYTHON:-}" python3.10; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && is_py310 "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv's shim for python3.10 fails unless 3.10 is the active version: ask pyenv directly.
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
      candidate="$(pyenv root)/versions/$version/bin/python3.10"
      if is_py310 "$candidate"; then echo "$candidate"; return 0; fi
    done
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    if [ -x "$candidate" ] && is_py310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! is_py310 .venv/bin/python; then
  if ! PY=$(find_python); then
    cat >&2 <<'MSG'
error: Python 3.10 is needed (Rasa 3.6 does not run on 3.11 or newer) and none was found.
Install one, then run this command again, for example:
  pyenv install 3.10.13            (with pyenv: https://github.com/pyenv/pyenv)
  sudo apt-get install python3.10 python3.10-venv   (Debian/Ubuntu with 3.10 packages)
Or point to one: PYTHON=/path/to/python3.10 make run
MSG
    exit 1
  fi
  echo "Creating .venv with $PY"
  rm -rf .venv
  "$PY" -m venv .venv
fi

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "Installing locked dependencies (first time: a few minutes) ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$LOCK"
  echo "$want" > "$STAMP"
fi

# The website widget's browser code (socket.io client) from web/package-lock.json, served by
# web/serve.py from our own files. Same idea: reinstall only when the lock file changed.
WEB_LOCK=web/package-lock.json
WEB_STAMP=web/node_modules/.installed-lock
web_want=$(sha256sum "$WEB_LOCK" | cut -d' ' -f1)
if [ "$(cat "$WEB_STAMP" 2>/dev/null)" != "$web_want" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm (Node.js 18 or newer) is needed to install the chat widget's files (web/)." >&2
    echo "Install Node.js, e.g. sudo apt-get install nodejs npm, then run this command again." >&2
    exit 1
  fi
  echo "Installing the chat widget's locked npm packages ..."
  (cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$web_want" > "$WEB_STAMP"
fi
