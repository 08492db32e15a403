"""Reading ``run:`` scripts: installer commands, their files and environments, and bash's quoting.

The fixtures under "Real-world shapes" are hand-written in the style of the workflows of
pip, poetry, pydantic, fastapi, aiohttp, black, networkx, webpack, actions/runner and others
(scripts seen while building this module; none copied).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cachekit.ecosystems.python.commands import _PIP, _PIP_COMPILE, _PIP_SYNC
from cachekit.environments.commands import Command, ScriptParse, ScriptProblem, parse_script
from cachekit.shell.bash import BashLexer as _BashLexer
from cachekit.shell.tokens import Lines as _Lines
from cachekit.shell.tokens import Word as _Word

BASH = shutil.which("bash")


def show(c: Command) -> str:
    """One compact line per command, so the tables read like the scripts."""
    text = f"{c.line}: {c.tool} {c.action}"
    text += "".join(f" -r {r}" for r in c.requirements)
    text += "".join(f" -c {r}" for r in c.constraints)
    text += "".join(f" -e {r}" for r in c.editables)
    text += "".join(f" {p}" for p in c.packages)
    text += "".join(f" {n}" + (f"={v}" if v is not None else "") for n, v in c.options)
    text += f" py={c.python}" if c.python else ""
    text += f" venv={c.venv}" if c.venv else ""
    text += f" conda={c.conda_env}" if c.conda_env else ""
    text += f" cwd={c.cwd}" if c.cwd else ""
    text += "".join(f" via={v}" for v in c.via)
    text += " tooling" if c.tooling else ""
    return text


def shown(script: str, shell: str | None = None) -> list[str]:
    result = parse_script(script, shell=shell)
    assert not [p for p in result.problems if "internal error" in p.message]
    return [show(c) for c in result.commands]


# ----------------------------------------------------------------------------------------------
# pip and its interpreter forms

PIP_CASES = [
    ("pip install requests", ["1: pip install requests"]),
    ("pip3 install 'django>=4' \"flask<3\"", ["1: pip install django>=4 flask<3"]),
    ("python -m pip install -U pip setuptools wheel",
     ["1: pip install pip setuptools wheel --upgrade py=python tooling"]),
    ("python3.11 -m pip install -r requirements.txt",
     ["1: pip install -r requirements.txt py=python3.11"]),
    ("py -3.12 -m pip install .", ["1: pip install . py=py"]),
    ("python -Im pip install -e .[dev]", ["1: pip install -e .[dev] py=python"]),
    ("python -X utf8 -m pip install -e '.[test,docs]'",
     ["1: pip install -e .[test,docs] py=python"]),
    (".venv/bin/python -m pip install -r req.txt",
     ["1: pip install -r req.txt py=.venv/bin/python venv=.venv"]),
    (".venv/bin/pip install x", ["1: pip install x venv=.venv"]),
    ("/usr/bin/python3 -m pip install --user x", ["1: pip install x --user py=/usr/bin/python3"]),
    ("pip install -rrequirements.txt --requirement=dev.txt -c c.txt --constraint=c2.txt",
     ["1: pip install -r requirements.txt -r dev.txt -c c.txt -c c2.txt"]),
    ("pip install -e . -e ./sub --editable=../other",
     ["1: pip install -e . -e ./sub -e ../other"]),
    ("pip install --force-r --no-cache --no-deps --pre --require-hashes x",
     ["1: pip install x --force-reinstall --no-cache-dir --no-deps --pre --require-hashes"]),
    ("pip install --upg x", ["1: pip install x --upg"]),  # ambiguous in pip too
    ("pip install -t lib --prefix /p -i https://i --extra-index-url https://e -f dist --no-index y",
     ["1: pip install y --target=lib --prefix=/p --index-url=https://i"
      " --extra-index-url=https://e --find-links=dist --no-index"]),
    ("pip install --only-binary :all: --cache-dir /c git+https://github.com/a/b.git@main",
     ["1: pip install git+https://github.com/a/b.git@main --only-binary=:all: --cache-dir=/c"]),
    ("pip install https://x/y-1.0-py3-none-any.whl ./dist/*.whl ../lib",
     ["1: pip install https://x/y-1.0-py3-none-any.whl ./dist/*.whl ../lib"]),
    ("pip download -d wheels -r r.txt", ["1: pip download -r r.txt --dest=wheels"]),
    ("pip wheel --no-deps -w dist .", ["1: pip wheel . --no-deps --wheel-dir=dist"]),
    ("pip -q --disable-pip-version-check install x",
     ["1: pip install x --quiet --disable-pip-version-check"]),
    ("pip uninstall -y a b", ["1: pip uninstall a b --yes"]),
    ("python -m ensurepip --upgrade", ["1: pip ensurepip py=python tooling"]),
    ("pip install --group tests --editable .[all]", ["1: pip install -e .[all] --group=tests"]),
    ("pip install -U pip twine -r lint.in", ["1: pip install -r lint.in pip twine --upgrade"]),
    ("pip --version", []),
    ("pip list && pip freeze > f.txt", []),
    ("python -c 'import pip'", []),
    ("python setup.py install", []),
    ("pip install", ["1: pip install"]),
]  # fmt: skip


@pytest.mark.parametrize(("script", "expected"), PIP_CASES)
def test_pip(script: str, expected: list[str]) -> None:
    assert shown(script) == expected


def test_pip_option_missing_its_value_is_a_problem() -> None:
    result = parse_script("pip install -r")
    assert [show(c) for c in result.commands] == ["1: pip install --requirement"]
    assert [str(p) for p in result.problems] == ["line 1: pip install: -r needs a value"]


def test_tooling_is_only_installers() -> None:
    assert parse_script("pip install -U pip").commands[0].tooling
    assert parse_script("pip install 'pip>=24' virtualenv tox nox uv").commands[0].tooling
    assert not parse_script("pip install -U pip requests").commands[0].tooling
    assert not parse_script("pip install -U pip -r r.txt").commands[0].tooling
    assert not parse_script("pip install -e .").commands[0].tooling
    assert not parse_script("pip install ${{ matrix.pkgs }}").commands[0].tooling


# ----------------------------------------------------------------------------------------------
# the other installers

OTHER_CASES = [
    ("pip-sync", ["1: pip-sync sync -r requirements.txt"]),
    ("pip-sync requirements/dev.txt requirements/test.txt --pip-args '--no-deps'",
     ["1: pip-sync sync -r requirements/dev.txt -r requirements/test.txt --pip-args=--no-deps"]),
    ("pip-compile -o requirements.txt pyproject.toml --extra dev -r",
     ["1: pip-compile compile -r pyproject.toml --output-file=requirements.txt --extra=dev"
      " --rebuild"]),
    ("python -m piptools compile --upgrade requirements.in",
     ["1: pip-compile compile -r requirements.in --upgrade py=python"]),
    ("python -m venv .venv", ["1: venv venv py=python venv=.venv"]),
    ("python3 -m venv --upgrade-deps env", ["1: venv venv --upgrade-deps py=python3 venv=env"]),
    ("virtualenv -p python3.9 venv", ["1: venv venv --python=python3.9 py=python3.9 venv=venv"]),
    ("uv venv", ["1: uv venv venv=.venv"]),
    ("uv venv --python 3.12 .env", ["1: uv venv --python=3.12 py=3.12 venv=.env"]),
    ("poetry install", ["1: poetry install"]),
    ("poetry install --with dev,docs --without lint --only main -E pdf --all-extras --no-root"
     " --sync --no-dev",
     ["1: poetry install --with=dev,docs --without=lint --only=main --extras=pdf --all-extras"
      " --no-root --sync --no-dev"]),
    ("poetry lock --no-update", ["1: poetry lock --no-update"]),
    ("poetry config virtualenvs.in-project true\npoetry install",
     ["1: poetry config virtualenvs.in-project=true", "2: poetry install venv=.venv"]),
    ("POETRY_VIRTUALENVS_IN_PROJECT=1 poetry install -C app",
     ["1: poetry install --directory=app venv=app/.venv"]),
    ("poetry config virtualenvs.create false\nsource venv/bin/activate\npoetry install",
     ["1: poetry config virtualenvs.create=false", "3: poetry install venv=venv"]),
    ("uv sync", ["1: uv sync venv=.venv"]),
    ("uv sync --extra pdf --all-extras --group docs --dev --no-dev --frozen --locked"
     " --python 3.12",
     ["1: uv sync --extra=pdf --all-extras --group=docs --dev --no-dev --frozen --locked"
      " --python=3.12 py=3.12 venv=.venv"]),
    ("UV_PROJECT_ENVIRONMENT=/opt/env uv sync", ["1: uv sync venv=/opt/env"]),
    ("uv sync --directory api", ["1: uv sync --directory=api venv=api/.venv"]),
    ("uv pip install -r requirements.txt -e .",
     ["1: uv pip-install -r requirements.txt -e . venv=.venv"]),
    ("uv pip install --system ruff", ["1: uv pip-install ruff --system"]),
    ("uv pip --directory api install -e ../lib",
     ["1: uv pip-install -e ../lib --directory=api venv=api/.venv"]),
    ("uv pip sync requirements.txt", ["1: uv pip-sync -r requirements.txt venv=.venv"]),
    ("uv pip compile pyproject.toml -o requirements.txt",
     ["1: uv pip-compile -r pyproject.toml --output-file=requirements.txt"]),
    ("uv tool install --with tox-uv tox", ["1: uv tool-install tox --with=tox-uv"]),
    ("uvx --with tox-uv tox -e py", ["1: uv tool-run tox --with=tox-uv"]),
    ("uvx --from 'black[d]' blackd", ["1: uv tool-run black[d] --from=black[d]"]),
    ("uv run --no-sync pytest", ["1: uv run --no-sync venv=.venv"]),
    ("uv run --group dev python -m pip install x",
     ["1: uv run --group=dev venv=.venv", "1: pip install x py=python venv=.venv via=uv run"]),
    ("python -m uv pip install x", ["1: uv pip-install x py=python venv=.venv"]),
    ("pipenv install --dev --deploy", ["1: pipenv install --dev --deploy"]),
    ("pipenv install --system --ignore-pipfile", ["1: pipenv install --system --ignore-pipfile"]),
    ("PIPENV_VENV_IN_PROJECT=1 pipenv sync", ["1: pipenv sync venv=.venv"]),
    ("pipenv install requests 'flask>=2'", ["1: pipenv install requests flask>=2"]),
    ("python -m pipenv install --python 3.11", ["1: pipenv install --python=3.11 py=3.11"]),
    ("conda install -y -c conda-forge numpy",
     ["1: conda install numpy --yes --channel=conda-forge"]),
    ("conda env create -f environment.yml -n test",
     ["1: conda env-create -r environment.yml --name=test conda=test"]),
    ("mamba env update -f env.yml --prune", ["1: conda env-update -r env.yml --prune"]),
    ("micromamba create -f env.yml -y", ["1: conda create -r env.yml --yes"]),
    ("conda activate test\npip install x", ["2: pip install x conda=test"]),
    ("conda run -n test pip install x", ["1: pip install x conda=test via=conda run"]),
    ("tox", ["1: tox run"]),
    ("tox -e py311,lint -p auto", ["1: tox run --envlist=py311,lint --parallel=auto"]),
    ("python -m tox --version", ["1: tox info --version py=python"]),
    ("nox -s tests-3.12", ["1: nox run --sessions=tests-3.12"]),
    ("npm ci", ["1: npm ci"]),
    ("npm install", ["1: npm install"]),
    ("npm i -D typescript@5", ["1: npm install typescript@5 --save-dev"]),
    ("npm run build -- --prod", ["1: npm run build"]),
    ("npm test", ["1: npm test"]),
    ("yarn", ["1: yarn install"]),
    ("yarn --frozen-lockfile", ["1: yarn install --frozen-lockfile"]),
    ("yarn install --immutable", ["1: yarn install --immutable"]),
    ("yarn add lodash", ["1: yarn add lodash"]),
    ("yarn lint --fix", ["1: yarn run lint"]),
    ("yarn --version", []),
    ("yarn cache clean", []),
    ("pnpm install --frozen-lockfile", ["1: pnpm install --frozen-lockfile"]),
    ("pnpm i", ["1: pnpm install"]),
    ("go mod download", ["1: go download"]),
    ("go build -o bin/app ./cmd/app", ["1: go build ./cmd/app -o=bin/app"]),
    ("go test -race ./...", ["1: go test ./... -race"]),
    ("go mod tidy", []),
    ("cargo build --release", ["1: cargo build --release"]),
    ("cargo +nightly test -p core", ["1: cargo test --package=core +toolchain=+nightly"]),
    ("cargo fetch --locked", ["1: cargo fetch --locked"]),
    ("mvn -B verify", ["1: maven build verify -B"]),
    ("./mvnw -Dmaven.repo.local=/r dependency:go-offline",
     ["1: maven download dependency:go-offline -Dmaven.repo.local=/r"]),
    ("mvn test", ["1: maven test test"]),
    ("./gradlew build --no-daemon", ["1: gradle build build --no-daemon"]),
    ("gradle test -g /gh", ["1: gradle test test -g=/gh"]),
    ("./gradlew --version", []),
]  # fmt: skip


@pytest.mark.parametrize(("script", "expected"), OTHER_CASES)
def test_other_installers(script: str, expected: list[str]) -> None:
    assert shown(script) == expected


def test_installs() -> None:
    def installs(script: str) -> list[bool]:
        return [c.installs for c in parse_script(script).commands]

    assert installs("pip install x; pip install --dry-run x; pip download x; pip wheel .") == [
        True,
        False,
        False,
        False,
    ]
    assert installs("python -m venv v; poetry lock; poetry install; uv sync") == [
        False,
        False,
        True,
        True,
    ]
    assert installs("uv run pytest; uv run --no-sync pytest; pip-compile; pip-sync") == [
        True,
        False,
        False,
        True,
    ]
    assert installs("npm ci; npm run build; yarn; go build ./...; tox; nox --no-install") == [
        True,
        False,
        True,
        True,
        True,
        False,
    ]


# ----------------------------------------------------------------------------------------------
# shell structure

STRUCTURE_CASES = [
    # separators, pipelines, comments
    ("pip install a && pip install b || pip install c; pip install d | tee log &\npip install e",
     ["1: pip install a", "1: pip install b", "1: pip install c", "1: pip install d",
      "2: pip install e"]),
    ("# pip install nope\npip install x # and not y\n  # indented comment",
     ["2: pip install x"]),
    ("pip install foo#egg=bar", ["1: pip install foo#egg=bar"]),
    # continuations: the command starts on its first line, text joins lines
    ("pip install \\\n    requests \\\n    flask\npip install z",
     ["1: pip install requests flask", "4: pip install z"]),
    ("pip ins\\\ntall x", ["1: pip install x"]),
    # prefixes
    ("PIP_NO_CACHE_DIR=1 FOO='a b' pip install x", ["1: pip install x"]),
    ("sudo -E -H pip install x", ["1: pip install x via=sudo"]),
    ("sudo -u runner PIP_USER=1 pip install x", ["1: pip install x via=sudo"]),
    ("time pip install x", ["1: pip install x"]),
    ("env -u FOO BAR=1 pip install x", ["1: pip install x"]),
    ("timeout 10m pip install x", ["1: pip install x"]),
    ("nice -n 5 nohup pip install x", ["1: pip install x"]),
    ("cat reqs | xargs -n1 pip install", ["1: pip install via=xargs"]),
    ("xargs -0 uv run --no-sync pytest -- < files", ["1: uv run --no-sync venv=.venv via=xargs"]),
    ("command -v pip", []),
    # control flow: every branch counts
    ("if [ -f requirements.txt ]; then pip install -r requirements.txt; fi",
     ["1: pip install -r requirements.txt"]),
    ("if ! pip install x; then\n  pip install y\nelif true; then npm ci\nelse yarn; fi",
     ["1: pip install x", "2: pip install y", "3: npm ci", "4: yarn install"]),
    ("for p in a b; do pip install \"$p\"; done", ["1: pip install $p"]),
    ("for ((i=0; i<3; i++)); do npm ci; done", ["1: npm ci"]),
    ("while read -r line; do pip install \"$line\"; done < reqs.txt", ["1: pip install $line"]),
    ("until pip install x; do sleep 1; done", ["1: pip install x"]),
    ('case "$OS" in\n  linux|darwin) pip install a ;;\n  *) pip install b ;;\nesac',
     ["2: pip install a", "3: pip install b"]),
    ('case $x in (a) npm ci;; esac; pnpm i', ["1: npm ci", "1: pnpm install"]),
    ("[[ -n $X && $Y == z ]] && pip install x", ["1: pip install x"]),
    ("(( n > 1 )) && pip install x", ["1: pip install x"]),
    ("{ pip install a; pip install b; }", ["1: pip install a", "1: pip install b"]),
    ("install() { pip install \"$@\"; }\ninstall x", ["1: pip install $@"]),
    ("function setup { npm ci; }", ["1: npm ci"]),
    # substitutions: commands inside count, before the command holding them
    ('echo "v=$(uv run python -V)" >> "$GITHUB_OUTPUT"', ["1: uv run venv=.venv"]),
    ("echo `pip install x`", ["1: pip install x"]),
    ("diff <(pip freeze) <(cat f)", []),
    ("X=$(pip install y)", ["1: pip install y"]),
    ('pip install "$(cat req | head -1)"', ["1: pip install $(cat req | head -1)"]),
    # here-documents: bodies are not commands
    ("cat <<EOF > f\npip install nope\nEOF\npip install yes", ["4: pip install yes"]),
    ("cat <<-'END'\n\tnpm ci\n\tEND\nnpm install", ["4: npm install"]),
    ("python - <<EOF\nimport os\nEOF\npython -m pip install x", ["4: pip install x py=python"]),
    ("cat <<A <<B\na\nA\nb\nB\nyarn", ["6: yarn install"]),
    ("python <<< 'print(1)'; pip install x", ["1: pip install x"]),
    # redirections are not arguments
    ("pip install x > log 2>&1 < /dev/null", ["1: pip install x"]),
    ("pip install x &> log; pip install y 2> err", ["1: pip install x", "1: pip install y"]),
    # ${{ }} is one opaque word, even with spaces, quotes and }} inside strings
    ("pip install ${{ matrix.deps }}", ["1: pip install ${{ matrix.deps }}"]),
    ("pip install -r ${{ format('req-{0}.txt', matrix.kind) }}",
     ["1: pip install -r ${{ format('req-{0}.txt', matrix.kind) }}"]),
    ("pip install ${{ 'a }} b' }} c", ["1: pip install ${{ 'a }} b' }} c"]),
    ("pip install '${{ inputs.x || 'y' }}'", ["1: pip install ${{ inputs.x || 'y' }}"]),
    ("${{ matrix.setup-cmd }}\npip install .", ["2: pip install ."]),
    ("pip install ${{ matrix.a }}${{ matrix.b }}.txt",
     ["1: pip install ${{ matrix.a }}${{ matrix.b }}.txt"]),
]  # fmt: skip


@pytest.mark.parametrize(("script", "expected"), STRUCTURE_CASES)
def test_structure(script: str, expected: list[str]) -> None:
    assert shown(script) == expected


def test_text_joins_continuations_and_keeps_prefixes() -> None:
    (c,) = parse_script("  sudo PIP_X=1 pip install \\\n     a \\\n     b  # note\n").commands
    assert c.text == "sudo PIP_X=1 pip install a b"
    assert c.argv == ("pip", "install", "a", "b")
    assert c.env == (("PIP_X", "1"),)
    assert c.line == 1


STATE_CASES = [
    # cd is tracked, relative as written; subshells and substitutions don't leak it
    ("cd backend\npip install -r requirements.txt\ncd ..\npip install x",
     ["2: pip install -r requirements.txt cwd=backend", "4: pip install x"]),
    ("cd a && cd b/c && npm ci", ["1: npm ci cwd=a/b/c"]),
    ("(cd docs && pip install -r r.txt)\npip install y",
     ["1: pip install -r r.txt cwd=docs", "2: pip install y"]),
    ("cd a; cd -; npm ci", ["1: npm ci"]),
    ("pushd web; npm ci; popd; npm ci", ["1: npm ci cwd=web", "1: npm ci"]),
    ("cd /tmp/x && pip install .", ["1: pip install . cwd=/tmp/x"]),
    ("cd \"$GITHUB_WORKSPACE/app\"; yarn", ["1: yarn install cwd=$GITHUB_WORKSPACE/app"]),
    # venvs: created, activated, deactivated
    ("python -m venv .venv\nsource .venv/bin/activate\npip install -e .",
     ["1: venv venv py=python venv=.venv", "3: pip install -e . venv=.venv"]),
    (". venv/bin/activate && pip install x && deactivate && pip install y",
     ["1: pip install x venv=venv", "1: pip install y"]),
    ("cd app && python -m venv .venv && . .venv/bin/activate\npip install x",
     ["1: venv venv py=python venv=app/.venv cwd=app", "2: pip install x venv=app/.venv cwd=app"]),
    ("export VIRTUAL_ENV=/opt/venv\npip install x", ["2: pip install x venv=/opt/venv"]),
    ("VIRTUAL_ENV=/v uv pip install x", ["1: uv pip-install x venv=/v"]),
    ("source .venv/bin/activate\npip install --user x\npip install -t lib y",
     ["2: pip install x --user", "3: pip install y --target=lib"]),
    ("source .venv/bin/activate\n/usr/bin/python3 -m pip install x",
     ["2: pip install x py=/usr/bin/python3"]),
]  # fmt: skip


@pytest.mark.parametrize(("script", "expected"), STATE_CASES)
def test_state(script: str, expected: list[str]) -> None:
    assert shown(script) == expected


def test_env_exports_and_prefixes() -> None:
    script = (
        "export PIP_CACHE_DIR=/tmp/pip UV_CACHE_DIR=~/uv\n"
        "LOCAL=1\n"
        "export LOCAL\n"
        "POETRY_VIRTUALENVS_IN_PROJECT=true poetry install\n"
        "unset UV_CACHE_DIR\n"
        "declare -x PIP_REQUIRE_VIRTUALENV=1\n"
        "pip install x\n"
    )
    first, second = parse_script(script).commands
    assert first.env == (
        ("PIP_CACHE_DIR", "/tmp/pip"),
        ("UV_CACHE_DIR", "~/uv"),
        ("LOCAL", "1"),
        ("POETRY_VIRTUALENVS_IN_PROJECT", "true"),
    )
    assert first.venv == ".venv"
    assert second.env == (
        ("PIP_CACHE_DIR", "/tmp/pip"),
        ("LOCAL", "1"),
        ("PIP_REQUIRE_VIRTUALENV", "1"),
    )


def test_not_exported_assignments_stay_out_of_env() -> None:
    (c,) = parse_script("PIP_CACHE_DIR=/x\npip install y").commands
    assert c.env == ()


# ----------------------------------------------------------------------------------------------
# problems, never exceptions

PROBLEM_CASES = [
    ("pip install 'x", "line 1: unterminated single quote"),
    ('echo ok\npip install "x', "line 2: unterminated double quote"),
    ("echo $(pip install x", "line 1: unterminated $( … )"),
    ("echo `pip install x", "line 1: unterminated backquote"),
    ("cat <<EOF\nbody\n", "line 1: here-document delimited by end of script (wanted 'EOF')"),
    ("pip install ${{ matrix.x\npip install y", "line 1: unterminated ${{ expression"),
    ("pip install x >", "line 1: redirection '>' has no target"),
]


@pytest.mark.parametrize(("script", "problem"), PROBLEM_CASES)
def test_problems(script: str, problem: str) -> None:
    assert problem in [str(p) for p in parse_script(script).problems]


def test_unterminated_expression_spares_the_next_line() -> None:
    result = parse_script("pip install ${{ matrix.x\npip install y")
    assert [show(c) for c in result.commands][-1] == "2: pip install y"


def test_shells() -> None:
    assert parse_script("print(1)", shell="python") == ScriptParse(
        (), (ScriptProblem(0, "shell 'python': the script is python code, not shell commands"),)
    )
    assert shown("pip install x", shell="bash -eo pipefail {0}") == ["1: pip install x"]
    assert shown("pip install x", shell="sh -e {0}") == ["1: pip install x"]
    result = parse_script("pip install x", shell="fish {0}")
    assert [show(c) for c in result.commands] == ["1: pip install x"]
    assert [str(p) for p in result.problems] == ["shell 'fish {0}': unknown shell, read as bash"]


PWSH_CASES = [
    ("python -m pip install --upgrade pip\npip install -r requirements.txt",
     ["1: pip install pip --upgrade py=python tooling", "2: pip install -r requirements.txt"]),
    ("$env:PIP_CACHE_DIR = 'C:\\pc'; pip install x", ["1: pip install x"]),
    ('if ("${{ matrix.python }}" -Match "pypy") {\n  pipenv install --python pypy # c\n}'
     " else {\n  pipenv install --python ${{ matrix.python }}\n}",
     ["2: pipenv install --python=pypy py=pypy",
      "4: pipenv install --python=${{ matrix.python }} py=${{ matrix.python }}"]),
    ("python -m venv venv\n.\\venv\\Scripts\\Activate.ps1\npip install `\n  -e .",
     ["1: venv venv py=python venv=venv", "3: pip install -e . venv=venv"]),
    ("& .venv/Scripts/python.exe -m pip install x",
     ["1: pip install x py=.venv/Scripts/python.exe venv=.venv"]),
    ("Set-Location web\nnpm ci", ["2: npm ci cwd=web"]),
    ("<# pip install nope #>\n$x = @'\npip install nope\n'@\nnpm ci", ["5: npm ci"]),
    ("foreach ($p in $pkgs) { pip install $p }", ["1: pip install $p"]),
]  # fmt: skip


@pytest.mark.parametrize(("script", "expected"), PWSH_CASES)
def test_pwsh(script: str, expected: list[str]) -> None:
    assert shown(script, shell="pwsh") == expected


def test_pwsh_env_assignment_is_exported() -> None:
    (c,) = parse_script('$env:UV_CACHE_DIR="D:\\uv"\nuv sync', shell="pwsh").commands
    assert c.env == (("UV_CACHE_DIR", "D:\\uv"),)


CMD_CASES = [
    ("@echo off\nREM pip install nope\n:: nor this\npip install x", ["4: pip install x"]),
    ("set PIP_CACHE_DIR=C:\\pc\ncd /d backend\npip install -r requirements.txt ^\n  --no-deps",
     ["3: pip install -r requirements.txt --no-deps cwd=backend"]),
    ("python -m venv .venv && call .venv\\Scripts\\activate.bat\npip install x",
     ["1: venv venv py=python venv=.venv", "2: pip install x venv=.venv"]),
    ("if exist requirements.txt pip install -r requirements.txt",
     ["1: pip install -r requirements.txt"]),
    ('if "%X%"=="1" (npm ci) else (yarn)', ["1: npm ci", "1: yarn install"]),
    ("for %%f in (*.txt) do pip install -r %%f", ["1: pip install -r %%f"]),
]  # fmt: skip


@pytest.mark.parametrize(("script", "expected"), CMD_CASES)
def test_cmd(script: str, expected: list[str]) -> None:
    assert shown(script, shell="cmd") == expected


# ----------------------------------------------------------------------------------------------
# Real-world shapes: hand-written fixtures in the style of public workflows


@dataclass(frozen=True)
class Fixture:
    name: str
    script: str
    expected: list[str]
    shell: str | None = None


FIXTURES = [
    Fixture("setup then tests", """\
python -m pip install --upgrade pip
python -m pip install -e ".[test]" -c constraints/ci.txt
""", ["1: pip install pip --upgrade py=python tooling",
      "2: pip install -c constraints/ci.txt -e .[test] py=python"]),
    Fixture("aiohttp style pinned groups", """\
uv pip install -U pip wheel setuptools build twine \\
  -r requirements/${{ env.GROUP }}.in -c requirements/${{ env.GROUP }}.txt
""", ["1: uv pip-install -r requirements/${{ env.GROUP }}.in -c requirements/${{ env.GROUP }}.txt"
      " pip wheel setuptools build twine --upgrade venv=.venv"]),
    Fixture("nightly wheels", """\
pip install --upgrade pip
pip install -U --pre --extra-index-url https://pypi.org/simple \\
  -i https://pypi.anaconda.org/scientific-python-nightly-wheels/simple .[test,default]
pip list
""", ["1: pip install pip --upgrade tooling",
      "2: pip install .[test,default] --upgrade --pre --extra-index-url=https://pypi.org/simple"
      " --index-url=https://pypi.anaconda.org/scientific-python-nightly-wheels/simple"]),
    Fixture("backends without deps", """\
python -m pip install .[default,test]
# Install trusted backends, but not their dependencies.
pip install nx-foo-cu11 --extra-index-url https://example.org/simple --no-deps --pre
# Development version of another backend
pip install git+https://github.com/example/backend.git@main --no-deps
python -m pip list
""", ["1: pip install .[default,test] py=python",
      "3: pip install nx-foo-cu11 --extra-index-url=https://example.org/simple --no-deps --pre",
      "5: pip install git+https://github.com/example/backend.git@main --no-deps"]),
    Fixture("redistribute from sdist", """\
cd dist/mypkg*/
pip install --group tests --editable .[all]
""", ["2: pip install -e .[all] --group=tests cwd=dist/mypkg*"]),
    Fixture("third-party suite with uv", """\
uv sync --locked --no-dev --group tests --extra all
uv pip uninstall pydantic pydantic-core
uv pip install --no-config -e ./pydantic-latest -e ./pydantic-latest/pydantic-core
""", ["1: uv sync --locked --no-dev --group=tests --extra=all venv=.venv",
      "2: uv pip-uninstall pydantic pydantic-core venv=.venv",
      "3: uv pip-install -e ./pydantic-latest -e ./pydantic-latest/pydantic-core --no-config"
      " venv=.venv"]),
    Fixture("monorepo directories", """\
uv sync --no-progress --directory ./libs/core --group test
uv pip install --directory ./libs/core -e ../../lib-latest
uv run --no-sync --directory ./libs/core pytest
""", ["1: uv sync --no-progress --directory=./libs/core --group=test venv=libs/core/.venv",
      "2: uv pip-install -e ../../lib-latest --directory=./libs/core venv=libs/core/.venv",
      "3: uv run --no-sync --directory=./libs/core venv=libs/core/.venv"]),
    Fixture("pyodide venv", """\
uv sync --only-group pyodide-build
uv run pyodide venv .venv-pyodide
source .venv-pyodide/bin/activate
python -m pip install --upgrade 'pip>=26'
python -m pip install -r .github/pyodide/pylock.${{ matrix.suffix }}.toml
python -m pip install mypkg-core --no-index --no-deps --find-links dist
python -m pytest
""", ["1: uv sync --only-group=pyodide-build venv=.venv",
      "2: uv run venv=.venv",
      "4: pip install pip>=26 --upgrade py=python venv=.venv-pyodide tooling",
      "5: pip install -r .github/pyodide/pylock.${{ matrix.suffix }}.toml py=python"
      " venv=.venv-pyodide",
      "6: pip install mypkg-core --no-index --no-deps --find-links=dist py=python"
      " venv=.venv-pyodide"]),
    Fixture("pdm project", """\
pdm install --quiet
pdm run python -m ensurepip
pdm run python -m pip install -e ./lib-latest
""", ["1: pdm install --quiet venv=.venv",
      "2: pip ensurepip py=python venv=.venv via=pdm run tooling",
      "3: pip install -e ./lib-latest py=python venv=.venv via=pdm run"]),
    Fixture("poetry with pip for the rest", """\
python -m pip install --upgrade pip
pip install poetry
poetry install --no-root -E lxml
pip uninstall -y mylib
pip install -e ./mylib-latest
""", ["1: pip install pip --upgrade py=python tooling", "2: pip install poetry tooling",
      "3: poetry install --no-root --extras=lxml", "4: pip uninstall mylib --yes",
      "5: pip install -e ./mylib-latest"]),
    Fixture("pipenv with its own python", """\
export PIPENV_PYTHON=$(which python)
python -m pipenv --rm || echo "No existing env"
python -m pipenv install --python $(python -c "import sys; print(sys.executable)") requests
""", ["3: pipenv install requests"
      ' --python=$(python -c "import sys; print(sys.executable)")'
      ' py=$(python -c "import sys; print(sys.executable)")']),
    Fixture("docs site with npm", """\
# Rebuild the docs from the checkout.
poetry run python bin/website build --local ./docs
# Build website assets (CSS/JS).
npm ci && npm run prod
npx hugo --minify
""", ["4: npm ci", "4: npm run prod"]),
    Fixture("audit and retry", """\
cd src/tools/hashFiles
npm install --silent
if ! OUT=$(npm audit --json 2>&1); then
  echo "failed"
fi
if ! npm run build 2>/dev/null; then
  npm update @types/node
  rm -rf node_modules package-lock.json
  npm install
fi
""", ["2: npm install --silent cwd=src/tools/hashFiles",
      "6: npm run build cwd=src/tools/hashFiles",
      "7: npm update @types/node cwd=src/tools/hashFiles",
      "9: npm install cwd=src/tools/hashFiles"]),
    Fixture("pr body heredoc", """\
if [[ "$status" == *"fails"* ]]; then
  cat > body.txt << EOF
Build failed. Run npm ci and pip install -r requirements.txt locally.
EOF
else
  cat > body.txt << EOF
Build passes.
EOF
fi
gh pr create --body-file body.txt
""", []),
    Fixture("webpack-style yarn", """\
yarn --frozen-lockfile
yarn link --frozen-lockfile || true
yarn link webpack --frozen-lockfile
yarn test:integration:${{ matrix.part }} --ci --cacheDirectory .jest-cache \\
  || yarn test:integration:${{ matrix.part }} --ci -f
""", ["1: yarn install --frozen-lockfile",
      "4: yarn run test:integration:${{ matrix.part }}",
      "5: yarn run test:integration:${{ matrix.part }}"]),
    Fixture("tool installs", """\
uv tool install --python-preference only-managed --python ${{ matrix.py }} tox@.
uvx --with tox-uv tox -e lint
pipx install poetry
pipx run --python '${{ steps.py.outputs.python-path }}' nox --version
""", ["1: uv tool-install tox@. --python-preference=only-managed --python=${{ matrix.py }}"
      " py=${{ matrix.py }}",
      "2: uv tool-run tox --with=tox-uv",
      "3: pipx install poetry tooling",
      "4: pipx run nox --python=${{ steps.py.outputs.python-path }} tooling"]),
    Fixture("tox under uv run", """\
uv run --locked --no-default-groups --group dev tox run -e typing
""", ["1: uv run --locked --no-default-groups --group=dev venv=.venv",
      "1: tox run --envlist=typing via=uv run"]),
    Fixture("go with caches", """\
go mod download
go mod verify
go build -v ./cmd/app
go test -race -tags=integration ./...
""", ["1: go download", "3: go build ./cmd/app -v", "4: go test ./... -race -tags=integration"]),
    Fixture("java caches", """\
mvn -Dmaven.repo.local="$RUNNER_TEMP/m2" verify -f tests/pom.xml
gradle downloadDependencies --no-daemon -p tests/gradle1
""", ["1: maven build verify -Dmaven.repo.local=$RUNNER_TEMP/m2 -f=tests/pom.xml",
      "2: gradle download downloadDependencies --no-daemon -p=tests/gradle1"]),
    Fixture("windows pipenv", """\
if ("${{ matrix.python-version }}" -Match "pypy") {
  pipenv install --python pypy # --keep-outdated
} else {
  pipenv install --python ${{ matrix.python-version }} # --keep-outdated
}
""", ["2: pipenv install --python=pypy py=pypy",
      "4: pipenv install --python=${{ matrix.python-version }}"
      " py=${{ matrix.python-version }}"], shell="pwsh"),
    Fixture("benchmark with long pipeline", """\
set -x
export CONDA_EXE=$(which conda)
ASV_OPTIONS="--split --show-stderr --factor $ASV_FACTOR"
asv continuous $ASV_OPTIONS "$BASE" ${{ github.sha }} \\
    | sed "/Traceback \\|failed$/ s/^/::error::/" \\
    | tee benchmarks.log
if grep "Traceback \\|failed" benchmarks.log > /dev/null ; then
    exit 1
fi
""", []),
    Fixture("retry loop", """\
for i in 1 2 3 4 5; do
  if uv run smokeshow upload htmlcov; then
      echo "uploaded"
      break
  fi
  sleep 1
done
""", ["2: uv run venv=.venv"]),
]  # fmt: skip


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.name)
def test_real_world_shapes(fx: Fixture) -> None:
    assert shown(fx.script, shell=fx.shell) == fx.expected


@pytest.mark.skipif(BASH is None, reason="needs bash")
@pytest.mark.parametrize("fx", [f for f in FIXTURES if f.shell is None], ids=lambda f: f.name)
def test_fixtures_are_valid_bash(fx: Fixture) -> None:
    """The fixtures themselves are bash that bash accepts (``bash -n``): no strawmen."""
    assert BASH is not None
    run = subprocess.run([BASH, "-n"], input=fx.script, text=True, capture_output=True, check=False)
    assert run.returncode == 0, run.stderr


# ----------------------------------------------------------------------------------------------
# bash itself as the oracle for word splitting

WORD_PIECES = ["a", "b", "=", "#", " ", "\t", "'", '"', "\\", "\\\n", "{", "}", ".", "-x", "é"]


def bash_words(text: str) -> list[str] | None:
    """The words bash passes to ``printf`` for ``text``; None when bash rejects the syntax.

    The script is a file, as the runner writes ``run:`` to one (``bash -e {0}``): ``bash -c``
    differs at the end of the text (it keeps a final backslash, a file drops it).
    """
    assert BASH is not None
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False, encoding="utf-8") as f:
        f.write("set -f; printf '%s\\0' " + text)
    try:
        run = subprocess.run(
            [BASH, "--norc", "--noprofile", f.name],
            capture_output=True,
            check=False,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"},
        )
    finally:
        os.unlink(f.name)
    if run.returncode != 0:
        assert b"syntax error" in run.stderr or b"unexpected EOF" in run.stderr, run.stderr
        return None
    out = run.stdout.decode("utf-8", "surrogateescape")
    return out.split("\0")[:-1]


def our_words(text: str) -> tuple[list[str] | None, list[str]]:
    src = "printf '%s\\0' " + text
    problems: list[str] = []
    toks = _BashLexer(src, _Lines(src), problems).lex()
    words = [t.value for t in toks if isinstance(t, _Word)]
    single = len(words) == len(toks)  # one simple command: bash runs just printf
    return (None if problems else words[2:]), problems if single or problems else ["several"]


@pytest.mark.skipif(BASH is None, reason="needs bash")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=12).map("".join))
def test_word_splitting_matches_bash(text: str) -> None:
    ours, problems = our_words(text)
    assume(problems != ["several"])
    expected = bash_words(text)
    if expected is None:
        assert problems, f"bash rejects {text!r}, we read {ours}"
        return
    # printf with no argument prints its format once, as if given one empty word
    assert (ours or [""]) == expected


BASH_DISAGREEMENTS = [
    # what we keep as written where bash would expand (documented in the module docstring)
    ("~/x", ["~/x"]),
    ("a{b,c}", ["a{b,c}"]),
    ("$HOME", ["$HOME"]),
    ('"$(echo a b)"', ["$(echo a b)"]),
]


@pytest.mark.parametrize(("text", "words"), BASH_DISAGREEMENTS)
def test_expansions_are_kept_as_written(text: str, words: list[str]) -> None:
    assert our_words(text)[0] == words


def test_shlex_would_get_these_wrong() -> None:
    """Why the lexer exists: cases where ``shlex`` and bash disagree, and we side with bash."""
    assert shlex.split("pip install foo#egg=bar", comments=True) == ["pip", "install", "foo"]
    assert our_words("foo#egg=bar")[0] == ["foo#egg=bar"]
    assert shlex.split("pip install \\\nx") == ["pip", "install", "\nx"]
    assert our_words("\\\nx")[0] == ["x"]
    if BASH is not None:
        assert bash_words("foo#egg=bar") == ["foo#egg=bar"]
        assert bash_words("\\\nx") == ["x"]


# ----------------------------------------------------------------------------------------------
# pip's and pip-tools' own parsers as oracles for the option tables


def test_pip_option_table_matches_pip() -> None:
    pip_commands = pytest.importorskip("pip._internal.commands")
    for name in ("install", "download", "wheel", "uninstall"):
        parser = pip_commands.create_command(name).parser
        for option in parser._get_all_options():
            canon = option._long_opts[0] if option._long_opts else option._short_opts[0]
            for long in option._long_opts:
                assert _PIP.resolve(long) == canon, long
                assert _PIP.longs[canon] == option.takes_value(), long
            for short in option._short_opts:
                assert _PIP.shorts[short[1]] == canon, short


def test_pip_tools_option_tables_match_click() -> None:
    click = pytest.importorskip("click")
    compile_cli = pytest.importorskip("piptools.scripts.compile").cli
    sync_cli = pytest.importorskip("piptools.scripts.sync").cli
    for cli, spec in ((compile_cli, _PIP_COMPILE), (sync_cli, _PIP_SYNC)):
        for param in cli.params:
            if not isinstance(param, click.Option):
                continue
            takes_value = not (param.is_flag or param.count)
            for opt in param.opts + param.secondary_opts:
                if opt.startswith("--"):
                    assert spec.longs[opt] == takes_value, opt
                else:
                    canon = spec.shorts[opt[1]]
                    assert spec.longs[canon] == takes_value, opt


PIP_TOKENS = [
    "-r", "req.txt", "-rreq2.txt", "--requirement=r3.txt", "-c", "c.txt", "-e", ".", ".[dev]",
    "-U", "--upgrade", "--upg", "-i", "https://i", "--index-url=https://j", "--no-deps",
    "requests", "django>=4", "-t", "lib", "--user", "--pre", "-q", "-Uq", "--", "--no-cache-dir",
    "--cache-dir", "/tmp/c", "-f", "dist", "--only-binary", ":all:", "-Ck=v", "-qr", "x.txt",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIP_TOKENS), max_size=10))
def test_pip_install_reads_like_pip(args: list[str]) -> None:
    """``pip install ARGS`` gives the files, editables and packages pip's own parser sees."""
    pip_commands = pytest.importorskip("pip._internal.commands")
    cmd = pip_commands.create_command("install")
    try:
        with mock.patch.dict(os.environ, {"PIP_CONFIG_FILE": os.devnull}):
            options, positional = cmd.parse_args(list(args))
    except (SystemExit, Exception):  # pip rejects the line: nothing to compare
        assume(False)
        return
    script = "pip install " + " ".join(f"'{a}'" for a in args)
    (ours,) = parse_script(script).commands
    assert list(ours.requirements) == options.requirements
    assert list(ours.constraints) == options.constraints
    assert list(ours.editables) == options.editables
    assert list(ours.packages) == positional
    assert ours.has("--upgrade") == bool(options.upgrade)
    assert (ours.values("--target")[-1:] or [None])[0] == options.target_dir
    assert (ours.values("--index-url")[-1:] or [options.index_url])[0] == options.index_url


# ----------------------------------------------------------------------------------------------
# properties: compositions of known commands, and arbitrary text


@dataclass(frozen=True)
class Known:
    words: tuple[str, ...]
    tool: str
    action: str
    requirements: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    editables: tuple[str, ...] = ()


KNOWN = [
    Known(("pip", "install", "-r", "requirements.txt"), "pip", "install", ("requirements.txt",)),
    Known(("python", "-m", "pip", "install", "requests==2.31"), "pip", "install",
          packages=("requests==2.31",)),
    Known(("python3.11", "-m", "pip", "install", "-e", ".[dev]"), "pip", "install",
          editables=(".[dev]",)),
    Known(("pip3", "install", "-U", "pip", "setuptools"), "pip", "install",
          packages=("pip", "setuptools")),
    Known(("poetry", "install", "--no-root"), "poetry", "install"),
    Known(("uv", "sync", "--frozen"), "uv", "sync"),
    Known(("uv", "pip", "install", "-r", "req.txt"), "uv", "pip-install", ("req.txt",)),
    Known(("npm", "ci"), "npm", "ci"),
    Known(("yarn", "install", "--frozen-lockfile"), "yarn", "install"),
    Known(("pnpm", "install", "--frozen-lockfile"), "pnpm", "install"),
    Known(("pipenv", "install", "--dev"), "pipenv", "install"),
    Known(("pip-sync", "requirements.txt", "dev.txt"), "pip-sync", "sync",
          ("requirements.txt", "dev.txt")),
    Known(("go", "mod", "download"), "go", "download"),
    Known(("cargo", "build", "--release"), "cargo", "build"),
    Known(("conda", "env", "create", "-f", "environment.yml"), "conda", "env-create",
          ("environment.yml",)),
    Known(("tox", "-e", "py311"), "tox", "run"),
]  # fmt: skip


def quote(word: str, how: int) -> str:
    if word.startswith("-") or how == 0:
        return word
    return f"'{word}'" if how == 1 else f'"{word}"'


@st.composite
def composed(draw: st.DrawFn) -> tuple[str, list[tuple[Known, int]]]:
    """A script of known commands with separators, prefixes, quoting and continuations."""
    picks = draw(st.lists(st.sampled_from(KNOWN), min_size=1, max_size=6))
    text = ""
    expected: list[tuple[Known, int]] = []
    for i, known in enumerate(picks):
        if i:
            text += draw(st.sampled_from(["\n", " && ", "; ", " || ", "\n\n", " | ", ";\n"]))
        if draw(st.booleans()):
            text += "# pip install not-a-command\n"
        line = text.count("\n") + 1
        prefix = ""
        for name in draw(st.lists(st.sampled_from(["A", "PIP_X", "UV_Y"]), max_size=2)):
            prefix += f"{name}={draw(st.sampled_from(['1', 'a b', '']))!r} "
        if draw(st.booleans()):
            prefix += draw(st.sampled_from(["sudo ", "sudo -E ", "time ", "env Z=1 "]))
        words = [
            quote(w, draw(st.integers(0, 2))) if j > 1 else w for j, w in enumerate(known.words)
        ]
        seps = [draw(st.sampled_from([" ", "  ", " \\\n    ", "\t"])) for _ in words[1:]]
        body = words[0] + "".join(s + w for s, w in zip(seps, words[1:], strict=True))
        text += prefix + body
        expected.append((known, line))
    return text, expected


@settings(max_examples=300, deadline=None)
@given(composed())
def test_compositions_give_the_same_commands(case: tuple[str, list[tuple[Known, int]]]) -> None:
    script, expected = case
    result = parse_script(script)
    assert result.problems == ()
    got = [
        (c.tool, c.action, c.requirements, c.packages, c.editables, c.line) for c in result.commands
    ]
    want = [
        (k.tool, k.action, k.requirements, k.packages, k.editables, line) for k, line in expected
    ]
    assert got == want


SHELLISH = st.lists(
    st.sampled_from([*"ab-=$'\"\\`#(){}[]<>|&;*~ \t\n!%^@:", "${{", "}}", "<<", "EOF", "pip i"]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=80), SHELLISH), st.sampled_from([None, "pwsh", "cmd", "sh"]))
def test_arbitrary_text_never_raises(text: str, shell: str | None) -> None:
    result = parse_script(text, shell=shell)
    assert not [p for p in result.problems if "internal error" in p.message]
    for c in result.commands:
        assert 1 <= c.line <= text.replace("\r\n", "\n").count("\n") + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*PIP_TOKENS, "pip", "install", "npm", "ci", "&&", "\n"]), max_size=14)
)
def test_install_words_in_any_order_never_raise(words: list[str]) -> None:
    result = parse_script(" ".join(words))
    assert not [p for p in result.problems if "internal error" in p.message]
