#!/usr/bin/env bash
# Set up cachekit in .venv and run its main job on the bundled example repository:
# explain every cache key of examples/classic-python, show which input changed a key
# between two commits (in a scratch git copy, outside this checkout), then check the keys
# against what the job installs and suggest the right cache step.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
example=examples/classic-python
echo "\$ cachekit explain $example"
.venv/bin/cachekit explain "$example"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R "$example/." "$scratch/"
git_() { git -C "$scratch" -c user.name=demo -c user.email=demo@example.com "$@"; }
git_ init -q -b main
git_ add -A
git_ commit -qm "classic CI"
sed -i.bak 's/requests==2.31.0/requests==2.32.3/' "$scratch/requirements.txt"
rm -f "$scratch/requirements.txt.bak"
git_ commit -qam "bump requests"
echo
echo "\$ cachekit explain --compare HEAD~1 HEAD   # in a git copy of the example"
.venv/bin/cachekit explain --compare HEAD~1 HEAD "$scratch"

echo
echo "\$ cachekit check $example   # does each key capture what the job installs?"
.venv/bin/cachekit check "$example" --fail-on none
echo
echo "\$ cachekit suggest $example  # the cache step that does"
.venv/bin/cachekit suggest "$example"
