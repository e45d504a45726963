#!/usr/bin/env bash
# Make sure uv is available (a private copy in .tools/ when it is not on PATH) and the
# project's virtual environment matches uv.lock. Uses the machine's Python 3.11 only.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
elif [ -x .tools/bin/uv ]; then
  UV=.tools/bin/uv
else
  PY=$(command -v python3.11 || command -v python3)
  if ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
    echo "Loket needs Python 3.11 (found: $("$PY" --version 2>&1))." >&2
    exit 1
  fi
  if ! "$PY" -m venv .tools >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Installing python3-venv (Debian) to create a private tool environment..." >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf .tools && "$PY" -m venv .tools
    else
      echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2
      exit 1
    fi
  fi
  .tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5,<1"
  UV=.tools/bin/uv
fi
PY=$(command -v python3.11 || command -v python3)
"$UV" sync --frozen --python "$PY" --quiet "$@"
