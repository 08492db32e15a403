#!/usr/bin/env bash
# Set up everything the tests need (Python and npm packages) and run the whole suite:
# lint, types, docs, then pytest (conformance against GitHub's npm components included).
# Extra arguments go to pytest, e.g. `scripts/test.sh --run-slow` for the long sweeps.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
npm ci --prefix tests/oracle --no-audit --no-fund --loglevel=error
# Wheels of cachekit and its dependencies (and the build backend), so the tests that install
# cachekit as the GitHub Action and the pre-commit hook do (tests/test_action.py) run offline.
.venv/bin/python -m pip wheel --quiet --wheel-dir .wheelhouse . "setuptools>=77"
rm -rf build
# Headless Chromium (Debian's package) renders the HTML report in a browser test.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium is not installed and cannot be (not root): the browser test will skip" >&2
  fi
fi
.venv/bin/ruff check cachekit tests benchmarks
.venv/bin/ruff format --check cachekit tests benchmarks
.venv/bin/mypy
.venv/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
.venv/bin/python -m pytest "$@"
