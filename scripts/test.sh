#!/usr/bin/env bash
# `make test`: lint, types, the whole suite on SQLite, then again on a throwaway
# PostgreSQL 15. Prints which half ran and what passed.
set -uo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
UV=$(command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN="$UV run --frozen --no-sync"
status=0
summary=()

step() { printf '\n==== %s ====\n' "$*"; }

step "ruff (lint and format)"
if $RUN ruff check . && $RUN ruff format --check .; then summary+=("ruff: passed"); else summary+=("ruff: FAILED"); status=1; fi

step "mypy"
if $RUN mypy loket config capacity_sim; then summary+=("mypy: passed"); else summary+=("mypy: FAILED"); status=1; fi

step "browser for Playwright (the machine's Chromium)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install the Debian package chromium (sudo apt-get install chromium)." >&2
    exit 1
  fi
fi
chromium --version 2>/dev/null | head -1

step "test suite on SQLite"
unset DATABASE_URL
$RUN pytest -q -p no:cacheprovider
rc=$?
if [ $rc = 0 ]; then summary+=("tests on SQLite: passed"); else summary+=("tests on SQLite: FAILED (exit $rc)"); status=1; fi

step "test suite on PostgreSQL 15 (throwaway cluster on 127.0.0.1)"
if pg_env=$(bash scripts/pg_throwaway.sh start); then
  eval "$pg_env"
  trap 'bash scripts/pg_throwaway.sh stop "$PG_THROWAWAY_DIR"' EXIT
  echo "PostgreSQL at ${DATABASE_URL}"
  # capacity_sim/ imports no Django and touches no database: its tests ran in the first half.
  $RUN pytest -q -p no:cacheprovider loket tests
  rc=$?
  if [ $rc = 0 ]; then summary+=("tests on PostgreSQL: passed"); else summary+=("tests on PostgreSQL: FAILED (exit $rc)"); status=1; fi
else
  summary+=("tests on PostgreSQL: FAILED (could not start the cluster)")
  status=1
fi

step "summary"
for line in "${summary[@]}"; do echo "  $line"; done
exit $status
