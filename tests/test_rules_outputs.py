"""``output-never-set`` (issue #12, item 7): a step output read by a cache input that no step
can set, and the near misses where it may be set (so nothing is said)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from treebuild import build

from cachekit.checks import check
from cachekit.checks.model import CheckFinding
from cachekit.checks.rules.outputs import references, script_sets

CODE = "output-never-set"

WORKFLOW = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
PRODUCER
      - uses: actions/cache@v4
        with:
          path: ~/.cache/x
          key: x-${{ REFERENCE }}-${{ hashFiles('lock.txt') }}
"""


def findings(root: Path, producer: str, reference: str, **files: str) -> list[CheckFinding]:
    text = WORKFLOW.replace("PRODUCER", producer.rstrip("\n")).replace("REFERENCE", reference)
    build(root, {".github/workflows/ci.yml": text, "lock.txt": "1\n", **files})
    return [f for f in check(str(root)).findings if f.code == CODE]


RUN_WRITES_VER = """\
      - id: v
        run: echo "ver=$(cat VERSION)" >> "$GITHUB_OUTPUT"
"""


def test_an_id_no_step_has(tmp_path: Path) -> None:
    found = findings(tmp_path, RUN_WRITES_VER, "steps.vv.outputs.ver")
    assert len(found) == 1
    assert "no step with id 'vv'" in found[0].message and "always ''" in found[0].message
    assert found[0].line == 9 and found[0].severity == "warning"


def test_a_step_that_runs_after_the_cache_step(tmp_path: Path) -> None:
    text = WORKFLOW.replace("PRODUCER\n", "").replace("REFERENCE", "steps.late.outputs.ver")
    text += '      - id: late\n        run: echo "ver=1" >> "$GITHUB_OUTPUT"\n'
    build(tmp_path, {".github/workflows/ci.yml": text, "lock.txt": "1\n"})
    assert [f.code for f in check(str(tmp_path)).findings].count(CODE) == 1


def test_a_script_writing_other_names(tmp_path: Path) -> None:
    """A typo'd name, and the issue's `{name}=`: the shell writes an output named '{ver}'."""
    typo = findings(tmp_path / "a", RUN_WRITES_VER, "steps.v.outputs.version")
    braces = findings(
        tmp_path / "b",
        '      - id: v\n        run: echo "{ver}=1" >> $GITHUB_OUTPUT\n',
        "steps.v.outputs.ver",
    )
    assert len(typo) == 1 and "never writes 'version'" in typo[0].message
    assert len(braces) == 1


def test_the_forms_that_set_an_output_are_not_reported(tmp_path: Path) -> None:
    producers = {
        "plain": RUN_WRITES_VER,
        "heredoc": '      - id: v\n        run: |\n          {\n            echo "ver<<EOF"\n'
        '            cat VERSION\n            echo EOF\n          } >> "$GITHUB_OUTPUT"\n',
        "legacy": '      - id: v\n        run: echo "::set-output name=ver::1"\n',
        "pwsh": "      - id: v\n        shell: pwsh\n        run: |\n"
        '          "ver=1" | Out-File -FilePath $env:GITHUB_OUTPUT -Append\n',
        "computed": "      - id: v\n        run: |\n          N=ver\n"
        '          echo "$N=1" >> "$GITHUB_OUTPUT"\n',
        "expression": "      - id: v\n"
        '        run: echo "${{ matrix.out }}=1" >> "$GITHUB_OUTPUT"\n',
        "piped": '      - id: v\n        run: python tools/outputs.py >> "$GITHUB_OUTPUT"\n',
        "script": "      - id: v\n        run: ./scripts/set-outputs.sh\n",
        "remote": "      - id: v\n        uses: some/versioning-action@v1\n",
        "setup": "      - id: v\n        uses: actions/setup-node@v4\n        with:\n"
        "          node-version: 20\n",
    }
    refs = {"setup": "steps.v.outputs.node-version"}
    for name, producer in producers.items():
        got = findings(tmp_path / name, producer, refs.get(name, "steps.v.outputs.ver"))
        assert got == [], name


def test_actions_and_local_actions_without_the_output(tmp_path: Path) -> None:
    """actions/cache's main action has only cache-hit (the keys are actions/cache/restore's
    outputs); a local action's action.yml says what it has."""
    cache_step = (
        "      - id: v\n        uses: actions/cache@v4\n        with:\n"
        "          path: a\n          key: a\n"
    )
    main = findings(tmp_path / "a", cache_step, "steps.v.outputs.cache-matched-key")
    assert len(main) == 1 and "has no output 'cache-matched-key'" in main[0].message
    restore = cache_step.replace("actions/cache@v4", "actions/cache/restore@v4")
    assert findings(tmp_path / "b", restore, "steps.v.outputs.cache-matched-key") == []

    action = "runs:\n  using: node20\n  main: index.js\noutputs:\n  version:\n    description: v\n"
    local = "      - id: v\n        uses: ./.github/actions/ver\n"
    files = {".github/actions/ver/action.yml": action}
    assert findings(tmp_path / "c", local, "steps.v.outputs.version", **files) == []
    missing = findings(tmp_path / "d", local, "steps.v.outputs.ver", **files)
    assert len(missing) == 1 and "(it has: version)" in missing[0].message


def test_a_composite_sees_only_its_own_steps(tmp_path: Path) -> None:
    action = """\
runs:
  using: composite
  steps:
    - id: inner
      shell: bash
      run: echo "ver=1" >> "$GITHUB_OUTPUT"
    - uses: actions/cache@v4
      with:
        path: x
        key: x-${{ steps.inner.outputs.ver }}-${{ steps.outer.outputs.ver }}
"""
    workflow = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: outer
        run: echo "ver=1" >> "$GITHUB_OUTPUT"
      - uses: ./.github/actions/c
"""
    build(
        tmp_path,
        {".github/workflows/ci.yml": workflow, ".github/actions/c/action.yml": action},
    )
    found = [f for f in check(str(tmp_path)).findings if f.code == CODE]
    assert [(f.file, "steps.outer" in f.message) for f in found] == [
        (".github/actions/c/action.yml", True)
    ]


IDS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True)


@given(IDS, IDS, st.sampled_from(["${{ steps.%s.outputs.%s }}", "steps['%s'].outputs['%s']"]))
def test_references_are_read_back(step_id: str, name: str, form: str) -> None:
    assert references("x-" + form % (step_id, name) + "-y") == [(step_id, name)]


@given(IDS, st.sampled_from(['echo "%s=1"', "echo '%s<<EOF'", "printf '%s=%%s\\n' 1"]))
def test_a_literal_write_always_sets_the_name(name: str, line: str) -> None:
    script = "set -e\n" + line % name + ' >> "$GITHUB_OUTPUT"\n'
    assert script_sets(script, name) is True


@given(IDS, IDS)
def test_another_literal_name_never_sets_it(name: str, other: str) -> None:
    if other.lower().endswith(name.lower()) or name.lower() in other.lower():
        return  # `xver=` may contain `ver=` at a word boundary only when equal
    script = f'echo "{other}=1" >> "$GITHUB_OUTPUT"\n'
    assert script_sets(script, name) is False
