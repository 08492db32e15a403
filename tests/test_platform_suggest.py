"""suggest on GitLab, CircleCI and Azure: each tool's download cache as the registry knows it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from treebuild import build

from cachekit.cli import main
from cachekit.environments import classify_path

# tool: (install, files it reads, variable as the tool's docs spell it, in-project dir, home)
TOOLS = {
    "pip": ("pip install -r r.txt", {"r.txt": "x\n"}, "PIP_CACHE_DIR", ".cache/pip",
            "~/.cache/pip"),
    "uv": ("uv sync", {"pyproject.toml": "[project]\nname='a'\n", "uv.lock": ""}, "UV_CACHE_DIR",
           ".cache/uv", "~/.cache/uv"),
    "poetry": ("poetry install", {"pyproject.toml": "[tool.poetry]\n", "poetry.lock": ""},
               "POETRY_CACHE_DIR", ".cache/pypoetry", "~/.cache/pypoetry"),
    "pipenv": ("pipenv install", {"Pipfile": "", "Pipfile.lock": "{}"}, "PIPENV_CACHE_DIR",
               ".cache/pipenv", "~/.cache/pipenv"),
    "npm": ("npm ci", {"package.json": "{}", "package-lock.json": "{}"}, "npm_config_cache",
            ".npm", "~/.npm"),
    "yarn": ("yarn install", {"package.json": "{}", "yarn.lock": ""}, "YARN_CACHE_FOLDER",
             ".cache/yarn", "~/.cache/yarn"),
    "pnpm": ("pnpm install", {"package.json": "{}", "pnpm-lock.yaml": ""},
             "npm_config_store_dir", ".pnpm-store", "~/.local/share/pnpm/store"),
}  # fmt: skip


def _suggest(tmp_path: Path, platform: str, files: dict[str, str]) -> str:
    build(tmp_path, files)
    out = CliRunner().invoke(main, ["suggest", str(tmp_path), "--platform", platform])
    assert out.exit_code == 0, out.output
    return out.stdout


@pytest.mark.parametrize("tool", list(TOOLS))
def test_each_tool_gets_its_own_download_cache(tmp_path: Path, tool: str) -> None:
    install, files, variable, in_project, home = TOOLS[tool]
    ci = f"test:\n  image: img:1\n  script:\n    - {install}\n"
    gitlab = yaml.safe_load(_suggest(tmp_path, "gitlab", {".gitlab-ci.yml": ci, **files}))
    assert gitlab["test"]["variables"] == {variable: f"$CI_PROJECT_DIR/{in_project}"}
    assert gitlab["test"]["cache"]["paths"] == [in_project]
    circle = (
        "version: 2.1\njobs:\n  test:\n    docker: [{image: 'img:1'}]\n"
        f"    steps: [checkout, {{run: '{install}'}}]\n"
    )
    stanza = _suggest(tmp_path, "circleci", {".circleci/config.yml": circle})
    assert stanza.rstrip().endswith(f"paths:\n      - {home}")
    # the directory the stanza caches is, for the path classifier, this tool's download cache
    # or (Poetry's, holding its virtualenvs too) its whole cache
    found = classify_path(home)
    assert found.tool == tool and found.kind in ("download-cache", "built-env"), found


def test_a_tool_without_a_movable_download_cache_gets_no_stanza(tmp_path: Path) -> None:
    ci = "test:\n  image: img:1\n  script:\n    - conda env create -f environment.yml\n"
    files = {".gitlab-ci.yml": ci, "environment.yml": "name: a\n"}
    assert _suggest(tmp_path, "gitlab", files) == (
        "# no job installs with a package manager cachekit knows: nothing to suggest\n"
    )
