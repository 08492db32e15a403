"""Bounds on what a hostile repository can make cachekit build (issue #11, items 3 and 9).

Each bound is an error or a problem that names file:line, never a crash, a hang or memory
exhausted. The inputs are the ones the issue reported (see ``hostile_cases``).
"""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from gitutil import ENV, commit_all, init
from hostile_cases import (
    alias_bomb,
    big_matrix,
    composite_cycle,
    deep_flow,
    huge_requirements,
    materialize,
    missing_include,
    reusable_self,
    setup_appends,
    setup_plus,
    yaml_error,
)
from treebuild import build

from cachekit.checks import check
from cachekit.environments.commands import parse_script
from cachekit.environments.project import read_project
from cachekit.errors import TreeError
from cachekit.evaluate import evaluate_expression
from cachekit.evidence import logs as logs_module
from cachekit.evidence.ghcache import CacheListError, parse_cache_list
from cachekit.evidence.logs import read_logs
from cachekit.evidence.model import EvidenceError
from cachekit.explain import explain
from cachekit.expressions.errors import ExpressionEvaluationError
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.trees import MAX_READ_BYTES, WorkTree
from cachekit.github.workflows import MAX_MATRIX_JOBS, MatrixTooLarge, expand_matrix, load_workflows
from cachekit.yamlsource import MAX_YAML_DEPTH, WorkflowSyntaxError, load_yaml


def _text(spec: dict[str, object]) -> tuple[str, str]:
    ((path, text),) = ((p, t) for p, t in spec.items() if p.startswith(".github/workflows/"))
    assert isinstance(text, str)
    return path, text


# --- YAML -------------------------------------------------------------------------------------


def test_an_alias_bomb_is_an_error_at_its_anchor() -> None:
    path, text = _text(alias_bomb())
    assert len(text.encode()) < 700
    with pytest.raises(WorkflowSyntaxError, match=r"bomb\.yml:\d+: YAML aliases expand to more"):
        load_yaml(text, path)


def test_aliases_within_the_budget_still_expand() -> None:
    doc = load_yaml("a: &x [1, 2]\nb: *x\nc: {<<: {k: v}}\n", "ok.yml")
    assert doc["b"] == [1, 2]


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 340, 5000])
def test_deep_nesting_is_an_error_naming_the_line(depth: int) -> None:
    path, text = _text(deep_flow(depth))
    with pytest.raises(WorkflowSyntaxError, match=r"deep\.yml:3: .*nest"):
        load_yaml(text, path)


def test_nesting_at_the_limit_is_read() -> None:
    depth = MAX_YAML_DEPTH - 1  # plus the document's own mapping
    doc = load_yaml("x: " + "[" * depth + "]" * depth + "\n", "ok.yml")
    for _ in range(depth - 1):
        doc = doc[0] if isinstance(doc, list) else doc["x"]
    assert doc in ([[]], [])


@pytest.mark.parametrize("line", [1, 4, 7])
def test_a_syntax_error_is_reported_at_its_real_line(tmp_path: Path, line: int) -> None:
    path, text = _text(yaml_error(line))
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / path).write_text(text)
    workflows, problems = load_workflows(WorkTree(str(tmp_path)))
    assert workflows == []
    assert [p.mark.line for p in problems] == [line]
    assert str(problems[0]).startswith(f"{path}:{line}: ")


def test_invalid_utf8_names_its_line() -> None:
    with pytest.raises(WorkflowSyntaxError, match=r"^w\.yml:3: not UTF-8"):
        load_yaml(b"a: 1\nb: 2\nc: \xff\n", "w.yml")


# --- files read into memory ------------------------------------------------------------------


def _workflow_dir(tmp_path: Path) -> Path:
    d = tmp_path / ".github/workflows"
    d.mkdir(parents=True)
    (d / "ok.yml").write_text("on: push\njobs:\n  a:\n    runs-on: x\n    steps: []\n")
    return d


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "/dev/stdin"])
def test_a_workflow_that_is_a_device_is_refused(tmp_path: Path, target: str) -> None:
    d = _workflow_dir(tmp_path)
    os.symlink(target, d / "dev.yml")
    r, w = os.pipe()  # a stdin nobody writes: reading it would hang
    saved = os.dup(0)
    os.dup2(r, 0)
    try:
        workflows, problems = load_workflows(WorkTree(str(tmp_path)))
    finally:
        os.dup2(saved, 0)
        for fd in (r, w, saved):
            os.close(fd)
    assert [w.path for w in workflows] == [".github/workflows/ok.yml"]
    # The link leaves the repository, so the boundary refuses it before its type is looked at
    # (a device inside the repository is refused by type: see the FIFO case below).
    assert [p.message for p in problems] == [
        f"EOUTSIDE: outside the repository, not read, '{tmp_path.resolve()}/"
        ".github/workflows/dev.yml'"
    ]


def test_a_fifo_workflow_does_not_hang(tmp_path: Path) -> None:
    d = _workflow_dir(tmp_path)
    os.mkfifo(d / "pipe.yml")
    workflows, problems = load_workflows(WorkTree(str(tmp_path)))
    assert len(workflows) == 1
    assert [p.message.split(":")[0] for p in problems] == ["EFTYPE"]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with open(tmp_path / "requirements.txt", "wb") as fh:
        fh.write(b"numpy\n")
        fh.truncate(2 << 30)  # sparse: 2 GB that take no disk
    with pytest.raises(TreeError, match=r"^EFBIG: 2,147,483,648 bytes, more than the 32 MiB"):
        WorkTree(str(tmp_path)).read("requirements.txt")
    (tmp_path / "small.txt").write_bytes(b"x" * MAX_READ_BYTES)
    assert len(WorkTree(str(tmp_path)).read("small.txt")) == MAX_READ_BYTES


def test_a_huge_blob_is_skipped_not_buffered(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    with open(repo / "big.txt", "wb") as fh:
        fh.truncate(MAX_READ_BYTES + 1)
    (repo / "after.txt").write_text("still readable\n")
    commit_all(repo)
    with GitRepo(str(repo)) as git:
        tree = CommitTree(git, "HEAD")
        with pytest.raises(TreeError, match=r"^EFBIG: 33,554,433 bytes"):
            tree.read("big.txt")
        # The batch process is still in step: the next object reads right.
        assert tree.read("after.txt") == b"still readable\n"
    size = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "-s", "HEAD:big.txt"],
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    ).stdout
    assert int(size) == MAX_READ_BYTES + 1


# --- matrices and expressions ----------------------------------------------------------------


def test_a_matrix_past_githubs_256_jobs_is_refused_before_it_is_built() -> None:
    matrix = {f"a{i}": list(range(10)) for i in range(8)}
    with pytest.raises(MatrixTooLarge, match=r"100,000,000 jobs \(10 x 10 x 10"):
        expand_matrix(matrix)
    with pytest.raises(MatrixTooLarge, match="257 jobs"):
        expand_matrix({"a": list(range(257))})
    assert len(expand_matrix({"a": list(range(256))})) == MAX_MATRIX_JOBS
    # Excludes count: 300 combinations less 44 is GitHub's 256.
    excluded = {"a": list(range(3)), "b": list(range(100)), "exclude": []}
    excluded["exclude"] = [{"a": 0, "b": b} for b in range(44)]
    assert len(expand_matrix(excluded)) == 256
    with pytest.raises(MatrixTooLarge, match="257 jobs"):
        expand_matrix({"a": list(range(256)), "include": [{"a": 999}]})


def test_a_huge_matrix_is_a_problem_at_its_line_and_the_rest_is_explained(
    tmp_path: Path,
) -> None:
    repo = materialize(tmp_path, big_matrix())
    result = explain(str(repo))
    assert [(str(p.mark), p.message.split(";")[0]) for p in result.problems] == [
        (
            ".github/workflows/matrix.yml:7",
            "the matrix has 100,000,000 jobs (10 x 10 x 10 x 10 x 10 x 10 x 10 x 10)",
        ),
    ]


def test_format_nested_20_deep_stops_at_githubs_memory_limit() -> None:
    expr = "'x'"
    for _ in range(20):
        expr = f"format('{{0}}{{0}}{{0}}{{0}}', {expr})"
    with pytest.raises(ExpressionEvaluationError, match=r"maximum allowed memory size"):
        evaluate_expression(expr)
    # Just under the limit still evaluates: 4^9 = 262,144 characters.
    for _ in range(11):
        expr = expr.split(", ", 1)[1].rsplit(")", 1)[0]
    assert len(evaluate_expression(expr).value) == 4**9
    with pytest.raises(ExpressionEvaluationError, match=r"maximum allowed memory size"):
        evaluate_expression("join(matrix.l)", context={"matrix": {"l": ["y" * 1000] * 600}})


# --- setup.py and requirement files ----------------------------------------------------------


def test_a_setup_py_nested_1000_deep_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    build(tmp_path, {"setup.py": str(setup_plus(1000)["setup.py"])})
    project = read_project(WorkTree(str(tmp_path)), ".")
    assert project is not None
    assert [str(p) for p in project.problems] == [
        "setup.py:2: nested more than 100 levels deep: not read"
    ]
    assert [d.what for d in project.dynamic] == ["setup.py is nested too deeply to read"]


def test_setup_py_appends_are_each_recorded_once(tmp_path: Path) -> None:
    text = str(setup_appends(3)["setup.py"]) + "reqs.append('pkg0')\n"
    build(tmp_path, {"setup.py": text})
    project = read_project(WorkTree(str(tmp_path)), ".")
    assert project is not None
    assert len(project.dynamic) == len(set(project.dynamic))


def test_missing_and_looping_requirement_files_are_findings(tmp_path: Path) -> None:
    repo = materialize(tmp_path, missing_include())
    found = [
        (f.severity, f.file, f.line, f.message)
        for f in check(str(repo)).findings
        if f.code == "install-input-problem"
    ]
    assert sorted(found) == [
        (
            "note",
            ".github/workflows/missing.yml",
            10,
            "missing.txt is not in the repository: pip fails here unless an earlier step "
            "creates it",
        ),
        ("warning", "b.txt", 1, "b.txt: include cycle: a.txt -> b.txt -> a.txt"),
    ]


def test_a_requirements_file_over_the_read_limit_is_a_finding(tmp_path: Path) -> None:
    repo = materialize(tmp_path, huge_requirements(2 << 30))
    found = [f for f in check(str(repo)).findings if f.code == "install-input-problem"]
    assert [(f.file, f.line) for f in found] == [("requirements.txt", 0)]
    assert "EFBIG: 2,147,483,648 bytes, more than the 32 MiB" in found[0].message


# --- recursion: substitutions, composite actions, reusable workflows ------------------------


def test_command_substitution_500_deep_is_a_problem_not_a_crash() -> None:
    script = "pip install -r a.txt\necho " + "$(" * 500 + "x" + ")" * 500 + "\n"
    parsed = parse_script(script)
    assert [c.requirements for c in parsed.commands if c.tool == "pip"] == [("a.txt",)]
    assert [str(p) for p in parsed.problems] == [
        "line 2: substitutions nested more than 64 deep: not read"
    ]
    shallow = parse_script("echo " + "$(" * 60 + "pip install b" + ")" * 60)
    assert shallow.problems == ()
    assert str(parse_script("cat <(" * 300 + ")" * 300).problems[0]).endswith("64 deep: not read")


def test_check_names_the_run_line_it_could_not_read(tmp_path: Path) -> None:
    script = "pip install -r a.txt\n          echo " + "$(" * 70 + "x" + ")" * 70
    build(
        tmp_path,
        {
            "a.txt": "numpy\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n"
            "    steps:\n      - uses: actions/checkout@v4\n      - shell: python\n"
            "        run: print(1)\n      - run: |\n          " + script + "\n",
            # Without `shell:`, a Windows leg runs PowerShell, where `"\"` is a whole string:
            # the step's dialect is not certain, so its script is not judged in any leg.
            ".github/workflows/win.yml": "on: push\njobs:\n  w:\n    strategy:\n      matrix:\n"
            "        os: [ubuntu-24.04, windows-2022]\n    runs-on: ${{ matrix.os }}\n"
            '    steps:\n      - run: $x = $y.replace("\\", "/")\n',
        },
    )
    found = [
        (f.severity, f.file, f.line, f.message)
        for f in check(str(tmp_path)).findings
        if f.code == "workflow-problem"
    ]
    # the script's second line is the workflow's line 11; `shell: python` is no problem
    assert found == [
        (
            "note",
            ".github/workflows/ci.yml",
            11,
            "run: script not fully read: substitutions nested more than 64 deep: not read",
        )
    ]


def _composite_chain(levels: int) -> dict[str, object]:
    """A job using c1, c1 using c2, …: ``levels`` nested composite actions."""
    spec: dict[str, object] = {}
    for n in range(1, levels + 1):
        inner = f"    - uses: ./c{n + 1}\n" if n < levels else ""
        spec[f"c{n}/action.yml"] = (
            "runs:\n  using: composite\n  steps:\n" + inner + "    - uses: actions/cache@v4\n"
            f"      with:\n        path: ~/.npm\n        key: level-{n}\n"
        )
    spec[".github/workflows/ci.yml"] = (
        "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./c1\n"
    )
    return spec


def test_composite_actions_nest_nine_deep_as_the_runner_allows(tmp_path: Path) -> None:
    build(tmp_path / "nine", _composite_chain(9))
    result = explain(str(tmp_path / "nine"))
    assert sorted(c.key for c in result.caches) == [f"level-{n}" for n in range(1, 10)]
    assert result.problems == ()
    build(tmp_path / "ten", _composite_chain(10))
    result = explain(str(tmp_path / "ten"))
    assert len(result.caches) == 9
    assert [(str(p.mark), p.message) for p in result.problems] == [
        (
            "c9/action.yml:4",
            "./c10: composite actions nested more than 9 deep (GitHub's runner fails the job: "
            "composite action depth exceeded)",
        )
    ]


def test_composite_actions_that_use_each_other_stop_at_the_limit(tmp_path: Path) -> None:
    repo = materialize(tmp_path, composite_cycle())
    result = explain(str(repo))
    assert [p.message.split(":")[1].strip() for p in result.problems] == [
        "composite actions nested more than 9 deep (GitHub's runner fails the job"
    ]


def test_a_reusable_workflow_that_calls_itself_is_a_loop(tmp_path: Path) -> None:
    repo = materialize(tmp_path, reusable_self())
    messages = [p.message for p in explain(str(repo)).problems]
    assert messages == [
        "reusable workflow loop .github/workflows/self.yml -> .github/workflows/self.yml: "
        "GitHub refuses loops"
    ]


def test_reusable_workflows_connect_ten_levels(tmp_path: Path) -> None:
    def chain(levels: int) -> dict[str, object]:
        spec: dict[str, object] = {}
        for n in range(levels):
            call = f"  next:\n    uses: ./.github/workflows/w{n + 1}.yml\n"
            spec[f".github/workflows/w{n}.yml"] = (
                f"on: {'push' if n == 0 else 'workflow_call'}\njobs:\n"
                + (call if n < levels - 1 else "")
                + f"  c:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@v4\n"
                f"        with:\n          path: ~/.npm\n          key: w{n}\n"
            )
        return spec

    build(tmp_path / "ten", chain(10))
    result = explain(str(tmp_path / "ten"))
    assert sorted(c.key for c in result.caches) == sorted(f"w{n}" for n in range(10))
    assert result.problems == ()
    build(tmp_path / "eleven", chain(11))
    result = explain(str(tmp_path / "eleven"))
    assert len(result.caches) == 10
    assert [p.message for p in result.problems] == [
        ".github/workflows/w10.yml is the 11th level of workflows: GitHub allows 10 (the caller "
        "and nine reusable levels)"
    ]


# --- audit: logs and cache lists ---------------------------------------------------------------

LOG = "2026-03-02T10:00:00.0000000Z ##[group]Run actions/cache@v4\n"


def test_a_log_folder_with_a_device_a_fifo_and_a_symlink_reads_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "0_build.txt").write_text(LOG)
    os.symlink("/dev/zero", folder / "1_zero.txt")
    os.symlink(str(tmp_path / "outside.txt"), folder / "2_outside.txt")
    (tmp_path / "outside.txt").write_text(LOG)
    os.mkfifo(folder / "3_fifo.txt")
    bundle = read_logs(folder)
    assert [j.name for j in bundle.jobs] == ["build"]
    assert sorted(p.split(": ", 1)[1] for p in bundle.problems) == [
        "unreadable (a symbolic link: not followed); skipped",
        "unreadable (a symbolic link: not followed); skipped",
        "unreadable (not a regular file); skipped",
    ]


def test_a_device_given_as_the_log_is_an_error(tmp_path: Path) -> None:
    os.symlink("/dev/zero", tmp_path / "run.txt")
    with pytest.raises(EvidenceError, match=r"run\.txt: not a regular file"):
        read_logs(tmp_path / "run.txt")


def test_a_zip_bomb_member_stops_at_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs_module, "MAX_LOG_BYTES", 1 << 20)
    archive = tmp_path / "run.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("0_build.txt", LOG)
        z.writestr("1_bomb.txt", LOG + "x" * (2 << 20))
    assert archive.stat().st_size < 20_000
    bundle = read_logs(archive)
    assert [j.name for j in bundle.jobs] == ["build"]
    assert [p.split(": ", 1)[1] for p in bundle.problems] == [
        "unreadable (more than 1 MiB); skipped"
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"createdAt": "9999-12-31T23:59:59-23:59"', "'createdAt' is not a valid time"),
        ('"createdAt": "2026-01-01T00:00:00+99:00"', "'createdAt' is not a valid time"),
        ('"sizeInBytes": 1' + "0" * 30, "'sizeInBytes' must be a whole number"),
        ('"sizeInBytes": ' + "9" * 5000, "not valid JSON after line 1"),
        ('"id": -1', "'id' must be a whole number"),
    ],
)
def test_malformed_cache_list_numbers_and_dates_are_one_line_errors(
    entry: str, message: str
) -> None:
    with pytest.raises(CacheListError, match=re.escape(message)) as info:
        parse_cache_list('[{"key": "k1"}, {"key": "k2", ' + entry + "}]", source="c.json")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("c.json: ")
