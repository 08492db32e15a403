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
.venv/bin/ruff check cachekit tests benchmarks
.venv/bin/ruff format --check cachekit tests benchmarks
.venv/bin/mypy
.venv/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
.venv/bin/python -m pytest "$@"
