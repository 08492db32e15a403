#!/usr/bin/env bash
# Set up cachekit in .venv and run it on the bundled example repository.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
example=examples/classic-python
echo "\$ cachekit hash --root $example --files -- 'setup.py' 'requirements.txt'"
.venv/bin/cachekit hash --root "$example" --files -- 'setup.py' 'requirements.txt'
echo
echo "\$ cachekit hash --root $example --files -- '**/requirements*.txt'"
.venv/bin/cachekit hash --root "$example" --files -- '**/requirements*.txt'
