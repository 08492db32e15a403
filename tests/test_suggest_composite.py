"""suggest and local composite actions: a cache step inside ``./.github/actions/x`` is fixed in
the action file (once, whichever jobs use it), named with the ``uses:`` lines that run it; a
composite that already caches is the job's cache (no second one in the workflow)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import commit_all, init
from treebuild import build

from cachekit.checks import check
from cachekit.cli import main
from cachekit.suggest import suggest
from cachekit.suggest.edit import EditRefused, StepEdit, plan_edit
from cachekit.suggest.simulate import simulate_suggestion

ACTION = ".github/actions/setup/action.yml"
WORKFLOW = ".github/workflows/ci.yml"


def workflow(*jobs: tuple[str, str]) -> str:
    """A workflow whose jobs each check out, run the local action, then ``extra`` steps."""
    out = "name: ci\non: [push]\njobs:\n"
    for name, extra in jobs:
        out += (
            f"  {name}:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - uses: ./.github/actions/setup\n" + extra
        )
    return out


def action(cache: str, install: str = "pip install -r requirements.txt") -> str:
    steps = "    - uses: actions/setup-python@v5\n      with:\n        python-version: '3.12'\n"
    steps += textwrap.indent(textwrap.dedent(cache), "    ")
    if install:
        steps += f"    - run: {install}\n      shell: bash\n"
    return f"name: setup\ndescription: python\nruns:\n  using: composite\n  steps:\n{steps}"


STALE_KEY = """\
- uses: actions/cache@v4
  with:
    path: ~/.cache/pip
    key: pip-${{ hashFiles('setup.py') }}
"""

FILES = {"requirements.txt": "requests==2.31.0\n", "setup.py": "", "test.txt": "pytest\n"}


def test_fix_lands_in_the_action_once_for_every_job(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            **FILES,
            WORKFLOW: workflow(("test", "      - run: pytest\n"), ("lint", "      - run: ruff\n")),
            ACTION: action(STALE_KEY),
        },
    )
    result = suggest(str(tmp_path))
    [p] = result.proposals
    assert (p.file, p.action, p.step_index) == (ACTION, "replace-step", 1)
    assert p.used_by == (f"{WORKFLOW}:8 job test", f"{WORKFLOW}:14 job lint")
    assert "requirements.txt" in p.step["with"]["key"]
    assert [e.path for e in result.edits] == [ACTION]  # the workflow is not touched
    text = CliRunner().invoke(main, ["suggest", str(tmp_path)]).output
    assert f"# {ACTION} (composite action), used by {WORKFLOW}:8 job test;" in text
    doc = json.loads(
        CliRunner().invoke(main, ["suggest", str(tmp_path), "--format", "json"]).output
    )
    assert doc["proposals"][0]["file"] == ACTION
    assert doc["proposals"][0]["used_by"] == list(p.used_by)
    assert list(doc["diffs"]) == [ACTION]

    before = (tmp_path / WORKFLOW).read_text()
    out = CliRunner().invoke(main, ["suggest", str(tmp_path), "--write", "--yes"])
    assert out.exit_code == 0, out.output
    assert out.output.count(f"{ACTION}: written") == 1
    assert (tmp_path / WORKFLOW).read_text() == before
    edited = (tmp_path / ACTION).read_text()
    assert "hashFiles('requirements.txt')" in edited and "setup.py" not in edited
    assert "shell: bash" in edited  # the action's other steps are as they were
    codes = {f.code for f in check(str(tmp_path)).findings if f.file == ACTION}
    assert "input-not-in-key" not in codes
    # and a second run has nothing left to propose there
    assert [p for p in suggest(str(tmp_path)).proposals if p.file == ACTION] == []


def test_jobs_that_need_different_fixes_get_none(tmp_path: Path) -> None:
    """The action's install reads a file the job names: two jobs, two keys, one file."""
    build(
        tmp_path,
        {
            **FILES,
            WORKFLOW: workflow(
                ("test", "      - run: pip install -r test.txt\n"),
                ("docs", "      - run: pip install -r requirements.txt\n"),
            ),
            ACTION: action(STALE_KEY, install=""),
        },
    )
    result = suggest(str(tmp_path))
    assert [p for p in result.proposals if p.file == ACTION] == []
    assert result.edits == ()
    [why] = [k for k in result.kept if k.startswith(ACTION)]
    assert "need different caches" in why and "job test" in why and "job docs" in why


def test_install_in_workflow_cache_in_action_edits_the_action(tmp_path: Path) -> None:
    """The cache in the action, the install in the job: the action's step is replaced, never
    the job's ``uses:`` step that shares its index."""
    build(
        tmp_path,
        {
            **FILES,
            WORKFLOW: workflow(("test", "      - run: pip install -r requirements.txt\n")),
            ACTION: action(STALE_KEY, install=""),
        },
    )
    [p] = suggest(str(tmp_path)).proposals
    assert (p.file, p.step_index) == (ACTION, 1)
    assert p.used_by == (f"{WORKFLOW}:8 job test",)


@pytest.mark.parametrize(
    "cache",
    [
        # a right cache step in the action
        """\
        - uses: actions/cache@v4
          with:
            path: ~/.cache/pip
            key: ${{ runner.os }}-pip-${{ hashFiles('requirements.txt') }}
        """,
        # setup-python's own cache input, which cachekit does not rewrite in an action
        """\
        - uses: actions/cache@v4
          with:
            path: ~/.cache/pip
            key: pip-${{ hashFiles('setup.py') }}
          id: pip
        - run: echo ${{ steps.pip.outputs.cache-matched-key }}
          shell: bash
        """,
    ],
    ids=["right", "outputs-read"],
)
def test_a_composite_that_caches_is_the_jobs_cache(tmp_path: Path, cache: str) -> None:
    """Item 20: no second cache in the workflow for what the action already caches."""
    build(
        tmp_path,
        {**FILES, WORKFLOW: workflow(("test", "      - run: pytest\n")), ACTION: action(cache)},
    )
    result = suggest(str(tmp_path))
    assert result.proposals == () and result.edits == ()
    assert any(ACTION in k for k in result.kept), result.kept


def test_setup_cache_input_in_action_is_left_to_the_user(tmp_path: Path) -> None:
    setup = (
        "    - uses: actions/setup-python@v5\n      with:\n        python-version: '3.12'\n"
        "        cache: pip\n        cache-dependency-path: setup.py\n"
        "    - run: pip install -r requirements.txt\n      shell: bash\n"
    )
    build(
        tmp_path,
        {
            **FILES,
            WORKFLOW: workflow(("test", "      - run: pytest\n")),
            ACTION: f"name: s\ndescription: d\nruns:\n  using: composite\n  steps:\n{setup}",
        },
    )
    result = suggest(str(tmp_path))
    assert result.proposals == () and result.edits == ()
    assert any("edit it by hand" in k for k in result.kept), result.kept


def test_plan_edit_in_action_and_refusals() -> None:
    text = action(STALE_KEY)
    new = {"uses": "actions/cache@v4", "with": {"path": "x", "key": "k"}}
    edit = StepEdit(job="", new_step=new, replace_index=1, in_action=True)
    after = plan_edit(text, ACTION, [edit]).after
    assert "key: k" in after and after.startswith("name: setup\n")
    assert after.splitlines()[-2:] == text.splitlines()[-2:]
    with pytest.raises(EditRefused, match="not a composite action"):
        plan_edit("name: x\nruns:\n  using: node20\n  main: a.js\n", ACTION, [edit])
    with pytest.raises(EditRefused, match="anchor"):
        plan_edit("name: x\nruns: &r\n  using: composite\n  steps:\n    - run: a\n", ACTION, [edit])


def test_composite_caching_paths_it_computes_is_not_doubled(tmp_path: Path) -> None:
    """An action caching ``${{ steps.cfg.outputs.dir }}/artifacts`` (a path cachekit cannot
    classify) before the install it runs: no second cache in the workflow."""
    cache = """\
    - run: echo "dir=$(pip cache dir)" >> "$GITHUB_OUTPUT"
      id: cfg
      shell: bash
    - uses: actions/cache@v4
      with:
        path: ${{ steps.cfg.outputs.dir }}/artifacts
        key: pip-${{ hashFiles('requirements.txt') }}
    """
    build(
        tmp_path,
        {**FILES, WORKFLOW: workflow(("test", "      - run: pytest\n")), ACTION: action(cache)},
    )
    result = suggest(str(tmp_path))
    assert result.proposals == () and result.edits == ()
    assert any("paths it computes at run time" in k for k in result.kept), result.kept


def test_simulate_predicts_the_workflows_that_use_the_action(tmp_path: Path) -> None:
    """The action alone runs nowhere: --simulate replays the workflow whose jobs call it."""
    init(tmp_path)
    build(
        tmp_path,
        {
            **FILES,
            WORKFLOW: workflow(("test", "      - run: pytest\n")),
            ACTION: action(STALE_KEY),
        },
    )
    commit_all(tmp_path)
    (tmp_path / "requirements.txt").write_text("requests==2.32.0\n")
    commit_all(tmp_path)
    [row] = simulate_suggestion(str(tmp_path), suggest(str(tmp_path)))
    assert row.workflow == f"{WORKFLOW} (via {ACTION})"
    assert row.commits == 2
