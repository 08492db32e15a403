"""Version files read as setup-python and setup-node read them, per release (issue #12 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from treebuild import build

from cachekit.caches.actions.version_files import (
    node_version_from_file,
    python_version_file,
    python_versions_from_file,
)
from cachekit.explain import explain

PYPROJECT_PEP621 = '[project]\nname = "p"\nrequires-python = ">=3.10,<3.13"\n'
PYPROJECT_POETRY = '[tool.poetry]\nname = "p"\n[tool.poetry.dependencies]\npython = "^3.11"\n'
PYPROJECT_BOTH = '[project]\nname = "p"\n[tool.poetry.dependencies]\npython = "^3.11"\n'


@pytest.mark.parametrize(
    ("path", "text", "release", "expected"),
    [
        # v4.1–v4.6: the whole text; v4.7+: a *.toml is parsed
        ("pyproject.toml", PYPROJECT_PEP621, (4, 6, 0), []),
        ("pyproject.toml", PYPROJECT_PEP621, (4, 7, 0), [">=3.10 <3.13"]),
        ("pyproject.toml", PYPROJECT_POETRY, (5, 0, 0), ["^3.11"]),
        # a [project] table wins even without requires-python: no version at all
        ("pyproject.toml", PYPROJECT_BOTH, (5, 0, 0), []),
        # read as node-semver reads it (loose ~=3.10 is ~3.10); not a range: dropped
        ("pyproject.toml", '[project]\nrequires-python = "~=3.10"\n', (5, 0, 0), ["~=3.10"]),
        ("pyproject.toml", '[project]\nrequires-python = "!=3.9"\n', (5, 0, 0), []),
        (".tool-versions", "nodejs 20.1.0\npython 3.12.4\n", (5, 5, 0), ["3.12.4"]),
        # before v5.5.0 .tool-versions is a plain file: two lines are no version
        (".tool-versions", "nodejs 20.1.0\npython 3.12.4\n", (5, 4, 0), []),
        (".python-version", "3.11\n3.12\n", (5, 0, 0), []),
        (".python-version", "# c\n3.11\n\n3.12.4/envs/venv\n", (6, 0, 0), ["3.11", "3.12.4"]),
        ("Pipfile", '[requires]\npython_version = "3.11"\n', (6, 0, 0), ["3.11"]),
        (
            "Pipfile",
            '[requires]\npython_version = "3.11"\npython_full_version = "3.11.9"\n',
            (6, 0, 0),
            ["3.11.9"],
        ),
        ("pyproject.toml", "[project\n", (5, 0, 0), None),
    ],
)
def test_python_version_file_readers(
    path: str, text: str, release: tuple[int, int, int], expected: list[str] | None
) -> None:
    assert python_versions_from_file(path, text, release) == expected


def test_python_default_version_file_by_release() -> None:
    """v4.0.0 and v4.7.0+ read .python-version when nothing is given; v4.1–v4.6 do not."""
    assert python_version_file("", (3, 1, 0)) is None
    assert python_version_file("", (4, 0, 0)) == ".python-version"
    assert python_version_file("", (4, 6, 0)) is None
    assert python_version_file("", (5, 0, 0)) == ".python-version"
    assert python_version_file("x.toml", (4, 3, 0)) == "x.toml"


@pytest.mark.parametrize(
    ("text", "release", "expected"),
    [
        ("v20.11.1\n", (2, 5, 0), "20.11.1"),
        ("lts/*\n", (3, 0, 0), "lts/*"),
        ('{"volta": {"node": "20.11.1"}, "engines": {"node": ">=18"}}', (3, 6, 0), "20.11.1"),
        ('{"engines": {"node": ">=18"}}', (3, 6, 0), ">=18"),
        # .tool-versions: `nodejs` from v3.6.0, `node` as well from v3.8.0
        ("ruby 3.3.0\nnode 20.11.1\n", (3, 6, 0), "ruby 3.3.0\nnode 20.11.1"),
        ("ruby 3.3.0\nnode 20.11.1\n", (3, 8, 0), "20.11.1"),
        ("nodejs 20.11.1\n", (3, 6, 0), "20.11.1"),
        # a JSON object naming no version: none from v4.0.2 on
        ('{"name": "x"}', (4, 0, 2), None),
        (
            '{"devEngines": {"runtime": [{"name": "Node", "version": "22.1.0"}]},'
            ' "engines": {"node": "20"}}',
            (6, 3, 0),
            "22.1.0",
        ),
        (
            '{"devEngines": {"runtime": {"name": "node", "version": "22.1.0"}},'
            ' "engines": {"node": "20"}}',
            (6, 2, 0),
            "20",
        ),
    ],
)
def test_node_version_file_reader(
    text: str, release: tuple[int, int, int], expected: str | None
) -> None:
    assert node_version_from_file(".nvmrc", text, release) == expected


def test_node_volta_extends_is_followed() -> None:
    files = {"base/package.json": '{"volta": {"node": "20.11.1"}}'}
    text = '{"volta": {"extends": "../base/package.json"}}'
    got = node_version_from_file("app/package.json", text, (4, 0, 2), files.get)
    assert got is None  # "app/../base/package.json" is not normalised by the lookup table
    files["app/../base/package.json"] = files["base/package.json"]
    assert node_version_from_file("app/package.json", text, (4, 0, 2), files.get) == "20.11.1"


@given(st.text(max_size=200), st.sampled_from([(4, 0, 0), (4, 7, 0), (5, 5, 0), (6, 0, 0)]))
def test_readers_never_raise_on_any_text(text: str, release: tuple[int, int, int]) -> None:
    for name in ("pyproject.toml", ".tool-versions", "Pipfile", ".python-version"):
        python_versions_from_file(name, text, release)
    node_version_from_file("package.json", text, (6, 3, 0), lambda _p: text)


PY_JOB = """\
on: push
jobs:
  t:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@{ref}
        with:
          cache: pip
{extra}"""


def test_python_version_file_makes_the_setup_python_key_known(tmp_path: Path) -> None:
    """The key's python part comes from the file the release reads; an exact version is in
    the key, a file the release cannot read leaves it unknown."""
    cases = {
        ("v6", ".python-version", "3.11.9\n3.12.4\n", ""): "-python-3.12.4-pip-",
        ("v5", ".python-version", "3.12.4\n", ""): "-python-3.12.4-pip-",
        (
            "v5",
            ".tool-versions",
            "python 3.12.4\n",
            "          python-version-file: .tool-versions\n",
        ): "-python-3.12.4-pip-",
        (
            "v5.4.0",
            ".tool-versions",
            "ruby 3.3.0\npython 3.12.4\n",
            "          python-version-file: .tool-versions\n",
        ): None,
        (
            "v5",
            "pyproject.toml",
            '[project]\nname = "p"\nrequires-python = "3.11.9"\n',
            "          python-version-file: pyproject.toml\n",
        ): "-python-3.11.9-pip-",
    }
    for n, ((ref, name, text, extra), expected) in enumerate(cases.items()):
        root = tmp_path / str(n)
        build(
            root,
            {
                name: text,
                "requirements.txt": "six==1.16.0\n",
                ".github/workflows/ci.yml": PY_JOB.format(ref=ref, extra=extra),
            },
        )
        (cache,) = explain(str(root)).caches
        if expected is None:
            assert "‹python version›" in cache.key or not cache.key_known, cache.key
        else:
            assert expected in cache.key, (name, ref, cache.key)


NODE_JOB = """\
on: push
jobs:
  t:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        id: node
        with:
          node-version-file: {file}
      - uses: actions/cache@v4
        with:
          path: node_modules
          key: nm-${{{{ steps.node.outputs.node-version }}}}-${{{{ hashFiles('*.json') }}}}
"""


def test_node_version_file_gives_the_node_version_output(tmp_path: Path) -> None:
    """setup-node's node-version output is `node --version`: known when the file pins one
    exact version (.nvmrc, volta in package.json), unknown for a range."""
    cases = {
        (".nvmrc", "v20.11.1\n"): "nm-v20.11.1-",
        ("package.json", '{"volta": {"node": "20.11.1"}}'): "nm-v20.11.1-",
        ("package.json", '{"engines": {"node": ">=20"}}'): None,
    }
    for n, ((name, text), expected) in enumerate(cases.items()):
        root = tmp_path / str(n)
        build(
            root,
            {
                name: text,
                "package-lock.json": "{}\n",
                ".github/workflows/ci.yml": NODE_JOB.format(file=name),
            },
        )
        caches = [c for c in explain(str(root)).caches if c.uses.startswith("actions/cache")]
        (cache,) = caches
        if expected is None:
            assert not cache.key_known
        else:
            assert cache.key_known and cache.key.startswith(expected), cache.key
