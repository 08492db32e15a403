"""hashFiles over what earlier steps create (issue #12 item 9): `key-from-generated-file`, and
no `hashfiles-no-match` for a file an earlier step writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from treebuild import build

from cachekit.checks import check
from cachekit.explain import explain
from cachekit.explain.model import Generated
from cachekit.github.generated import JobArtifacts, reaching, written_by
from cachekit.yamlsource import Mark

WS = "/home/runner/work/r/r"


def _written(run: str, wd: str | None = None, shell: str | None = None) -> list[Generated]:
    return written_by(run, Mark("ci.yml", 5, 7), WS, shell=shell, working_directory=wd)


def _paths(run: str, wd: str | None = None, shell: str | None = None) -> list[str]:
    return [g.path for g in _written(run, wd, shell)]


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("date +%U > cachedate.txt", ["cachedate.txt"]),
        ('echo "$X" >> "out dir/a.txt"', ["out dir/a.txt"]),
        ("pip freeze | tee -a lock.txt other.txt", ["lock.txt", "other.txt"]),
        ("cp ci/requirements.txt req.txt", ["req.txt"]),
        ("mv a.lock b.lock deps/", ["deps/a.lock", "deps/b.lock"]),
        ("cp -t deps a.lock", ["deps/a.lock"]),
        ("touch -d yesterday stamp", ["stamp"]),
        ("cd sub && echo x > y.txt", ["sub/y.txt"]),
        ("cd sub; cd ..; echo x > y.txt", ["y.txt"]),
        ("echo x > ${{ github.workspace }}/w.txt", ["w.txt"]),
        ("echo x > $GITHUB_WORKSPACE/w.txt", ["w.txt"]),
        ("{ echo a; echo b; } > grouped.txt", ["grouped.txt"]),
        ("sudo tee /etc/apt/sources.list.d/x.list", []),  # outside the workspace
        ('echo "k=v" >> "$GITHUB_OUTPUT"', []),  # an expansion: not a workspace file
        ("make 2>/dev/null >&2", []),
        ("cd $SOMEWHERE && echo x > y.txt", []),  # where `cd` went is not known
        ("cat > $(mktemp)", []),
        ("echo x > ../outside.txt", []),
        ("cat < input.txt", []),
        ("echo x > C:/temp/x.txt", []),  # a Windows absolute path
        ("echo x > 'D:\\a\\b.txt'", []),
    ],
)
def test_files_written_by_a_bash_script(run: str, expected: list[str]) -> None:
    assert _paths(run) == expected


def test_working_directory_and_other_shells() -> None:
    assert _paths("echo x > y.txt", wd="sub") == ["sub/y.txt"]
    assert _paths("echo x > y.txt", wd="/tmp") == []  # outside the workspace
    assert _paths("echo x > y.txt", shell="pwsh") == []  # not read: nothing claimed


def test_a_calendar_date_says_how_often_the_file_rotates() -> None:
    (week,) = _written("date +%Y-%U > week.txt")
    (clock,) = _written("date > now.txt")
    assert (week.period, clock.period) == ("week", None)


def test_reaching_files_and_restored_directories() -> None:
    written = Generated("sub/week.txt", "date +%U > sub/week.txt", "ci.yml:5")
    holds = ("go.mod", "go.sum")
    restored = Generated(".gomod", "actions/cache@v4", "ci.yml:9", restored=True, holds=holds)
    both = [written, restored]
    assert reaching(["**/go.sum"], both, WS) == (restored,)
    assert reaching(["**/go.sum", "!.gomod/**"], both, WS) == ()
    assert reaching(["go.sum"], both, WS) == ()
    assert reaching(["sub/*.txt"], both, WS) == (written,)
    # a restored store reaches a pattern only through the manifests its packages hold
    assert reaching(["**/*.txt"], both, WS) == (written,)


@given(st.text(max_size=120))
def test_any_script_is_read_without_raising(run: str) -> None:
    for item in _written(run):
        assert item.path and not item.path.startswith(("/", "../"))


WEEKLY = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: date +%U > cachedate.txt
      - uses: actions/cache@v4
        with:
          path: ~/.cache/x
          key: x-${{ hashFiles('cachedate.txt') }}
"""


def test_a_weekly_date_file_is_a_note_not_a_no_match(tmp_path: Path) -> None:
    build(tmp_path, {".github/workflows/ci.yml": WEEKLY})
    found = {f.code: f for f in check(str(tmp_path)).findings}
    assert "hashfiles-no-match" not in found
    assert "key-not-predictable" not in found  # the finding below says why
    note = found["key-from-generated-file"]
    assert note.severity == "note" and note.line == 8
    assert "rotates once a week" in note.message and "date +%U > cachedate.txt" in note.message
    (cache,) = explain(str(tmp_path)).caches
    assert not cache.key_known


def test_without_the_writing_step_it_still_matches_nothing(tmp_path: Path) -> None:
    build(tmp_path, {".github/workflows/ci.yml": WEEKLY.replace("date +%U", "echo")})
    build(tmp_path / "b", {".github/workflows/ci.yml": WEEKLY.replace("> cachedate", "> other")})
    assert "key-from-generated-file" in {f.code for f in check(str(tmp_path)).findings}
    codes = {f.code for f in check(str(tmp_path / "b")).findings}
    assert "hashfiles-no-match" in codes and "key-from-generated-file" not in codes


GO = """\
on: push
jobs:
  go:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache/restore@v4
        with:
          path: PATH
          key: go-${{ hashFiles('**/go.sum') }}
      - run: go build ./...
      - uses: actions/cache/save@v4
        with:
          path: PATH
          key: go-${{ hashFiles('**/go.sum') }}
"""


def test_a_pattern_walking_a_restored_module_cache_is_a_warning(tmp_path: Path) -> None:
    """The restore's key is computed before it restores; the save's key then also hashes
    the go.sum files of the restored modules: another key, every run."""
    env = "    env:\n      GOMODCACHE: ${{ github.workspace }}/.gomod\n    steps:"
    cases = {
        "gomodcache": GO.replace("PATH", "${{ github.workspace }}/.gomod").replace(
            "    steps:", env
        ),
        "gopath": GO.replace("PATH", "${{ github.workspace }}/go/pkg/mod"),
        "home": GO.replace("PATH", "~/go/pkg/mod"),
        # not a package store: a build directory holds no go.sum
        "build-dir": GO.replace("PATH", "build"),
        "pattern-stays-home": GO.replace("PATH", "go/pkg/mod").replace("**/go.sum", "go.sum"),
    }
    got = {}
    for name, text in cases.items():
        build(tmp_path / name, {"go.sum": "x v1 h1:a=\n", ".github/workflows/ci.yml": text})
        found = check(str(tmp_path / name)).findings
        got[name] = [(f.severity, f.line) for f in found if f.code == "key-from-generated-file"]
    shift = [("warning", 14)]  # the two env: lines move the save step down
    assert got == {
        "gomodcache": shift,
        "gopath": [("warning", 12)],
        "home": [],
        "build-dir": [],
        "pattern-stays-home": [],
    }


def test_setup_action_over_a_generated_file_is_not_a_failing_step(tmp_path: Path) -> None:
    """setup-python hashing a requirements file an earlier step exports: not 'no file
    matched, the step fails' (it is there at run time); a note naming what writes it."""
    text = """\
on: push
jobs:
  t:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: cp ci/requirements.in requirements.txt
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
"""
    build(tmp_path, {"ci/requirements.in": "six\n", ".github/workflows/ci.yml": text})
    found = {f.code: f.severity for f in check(str(tmp_path)).findings}
    assert "step-fails" not in found and "hashfiles-no-match" not in found
    assert found.get("key-from-generated-file") == "note"


def test_job_artifacts_read_a_script_only_when_a_pattern_names_what_it_could_write() -> None:
    job = JobArtifacts(WS)
    job.add_script("echo x > build.log", Mark("ci.yml", 5, 7), None, None)
    job.add_script("date +%U > week.txt", Mark("ci.yml", 9, 7), None, None)
    assert job.reaching(["**/go.sum"]) == ()
    assert [e.made for e in job.entries] == [None, None]  # neither script mentions go.sum
    (hit,) = job.reaching(["*.txt"])
    assert hit.path == "week.txt" and hit.period == "week"
