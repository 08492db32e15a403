"""Hostile repositories: their code never runs unasked, nothing outside them is read or written,
and git faults are errors, never facts (issue #11, items 1, 2, 6 and 7).

Each test builds the attack as an attacker would (a local sdist whose in-tree build backend
writes a canary, a symlink to a secret, a workflow directory that is a link elsewhere, a
truncated git object) and asserts what cachekit does instead.
"""

from __future__ import annotations

import errno
import hashlib
import http.server
import importlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from gitutil import commit_all, git, init
from treebuild import Link, build
from wheelindex import Dist, write_wheels

from cachekit.cli import main
from cachekit.environments.resolve import ResolveError, ResolveRequest, find_uv, resolve
from cachekit.errors import GitError, TreeError
from cachekit.fs import atomic as atomic_module
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.trees import WorkTree, leaves_tree
from cachekit.suggest.edit import EditRefused, EditResult, apply_edit

ROOT = Path(__file__).resolve().parent.parent

SECRET_VAR = "CACHEKIT_CANARY_SECRET"
SECRET = "s3cr3t-canary-7f1d2c"

needs_uv = pytest.mark.skipif(find_uv() is None, reason="uv is not installed")
BACKENDS = ("pip-tools", pytest.param("uv", marks=needs_uv))


# --- item 1: repository code never runs without --allow-build, and never sees secrets ----------


def _canary_backend(canary: Path) -> str:
    """A PEP 517 backend that records it ran and dumps the environment it was given."""
    return f"""\
import json, os, zipfile

META = "Metadata-Version: 2.1\\nName: canarypkg\\nVersion: 1.0\\n"
INFO = "canarypkg-1.0.dist-info"


def _ran():
    with open({str(canary)!r}, "a") as f:
        f.write(json.dumps(dict(os.environ)) + "\\n")


def get_requires_for_build_wheel(config_settings=None):
    _ran()
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _ran()
    os.makedirs(os.path.join(metadata_directory, INFO))
    with open(os.path.join(metadata_directory, INFO, "METADATA"), "w") as f:
        f.write(META)
    return INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _ran()
    name = "canarypkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
        z.writestr(INFO + "/METADATA", META)
        z.writestr(INFO + "/WHEEL", "Wheel-Version: 1.0\\nTag: py3-none-any\\n")
        z.writestr(INFO + "/RECORD", "")
    return name
"""


def _write_sdist(directory: Path, canary: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "canary_backend"\n'
        'backend-path = ["."]\n\n[project]\nname = "canarypkg"\nversion = "1.0"\n'
        'dynamic = ["dependencies"]\n',  # uv would read static metadata without building
        "PKG-INFO": "Metadata-Version: 2.1\nName: canarypkg\nVersion: 1.0\n",
        "canary_backend.py": _canary_backend(canary),
    }
    directory.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / "canarypkg-1.0.tar.gz", "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"canarypkg-1.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def sdist_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A repository whose requirements ask for a build of its own sdist, a secret in the
    environment, and the user's own (harmless) wheels."""
    canary = tmp_path / "CANARY"
    repo = tmp_path / "repo"
    _write_sdist(repo / "dists", canary)
    (repo / "requirements.txt").write_text(
        "--no-binary :all:\n--find-links ./dists\n"
        "--index-url http://127.0.0.1:9/attacker/simple\n--trusted-host 127.0.0.1\n"
        "--extra-index-url http://127.0.0.1:9/more\ncanarypkg\n"
    )
    wheels = tmp_path / "wheels"
    write_wheels(wheels, [Dist("six", "1.16.0")])
    monkeypatch.setenv(SECRET_VAR, SECRET)
    return repo, wheels, canary


@pytest.mark.parametrize("backend", BACKENDS)
def test_requirements_file_cannot_make_resolve_build_without_allow_build(
    sdist_repo: tuple[Path, Path, Path], backend: str
) -> None:
    repo, wheels, canary = sdist_repo
    (repo / "requirements.txt").write_text("--no-binary :all:\n--find-links ./dists\ncanarypkg\n")
    base = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels),),
    )
    with pytest.raises(ResolveError) as info:
        resolve(WorkTree(str(repo)), base)
    assert not canary.exists()
    assert "canarypkg" in str(info.value)
    # Even when the user names the same find-links directory, sdists are not built.
    again = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels), "./dists"),
    )
    with pytest.raises(ResolveError):
        resolve(WorkTree(str(repo)), again)
    assert not canary.exists()


@pytest.mark.parametrize("backend", BACKENDS)
def test_repository_index_options_are_stripped_with_a_warning(
    sdist_repo: tuple[Path, Path, Path], backend: str
) -> None:
    repo, wheels, canary = sdist_repo
    (repo / "requirements.txt").write_text(
        (repo / "requirements.txt").read_text().replace("canarypkg\n", "six\n")
    )
    request = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels),),
    )
    r = resolve(WorkTree(str(repo)), request)
    assert r.versions() == {"six": "1.16.0"}  # the attacker's index was never asked
    text = "\n".join(r.warnings)
    for flag in ("--no-binary", "--find-links", "--index-url", "--trusted-host"):
        assert flag in text, flag
    assert "requirements.txt:1" in text
    assert not canary.exists()


@pytest.mark.parametrize("backend", BACKENDS)
def test_allow_build_builds_but_the_backend_sees_no_secret(
    sdist_repo: tuple[Path, Path, Path], backend: str
) -> None:
    repo, wheels, canary = sdist_repo
    request = ResolveRequest(
        backend=backend,
        requirements=("requirements.txt",),
        no_index=True,
        find_links=(str(wheels), "./dists"),
        allow_build=True,
    )
    r = resolve(WorkTree(str(repo)), request)
    assert r.versions() == {"canarypkg": "1.0"}
    assert canary.exists()  # it did build: --allow-build permits exactly that
    for line in canary.read_text().splitlines():
        env = json.loads(line)
        assert SECRET_VAR not in env
        assert SECRET not in json.dumps(env)
        assert env.get("HOME") != os.environ.get("HOME")
        assert not {k for k in env if k.startswith(("AWS_", "GITHUB_", "PIP_INDEX"))}


# --- item 2: the repository is the boundary -----------------------------------------------------

FILE_SECRET = "filecanarypkg-91ab"  # a valid requirement name: printed if the file is ever read

HOSTILE_WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: .venv
          key: venv-${{ hashFiles('requirements.txt') }}
      - run: python -m venv .venv
      - run: .venv/bin/pip install -r ../../../../../../../../proc/self/environ
      - run: .venv/bin/pip install -r ../outside/secret.txt
      - run: .venv/bin/pip install -r /proc/self/environ
      - run: .venv/bin/pip install -r requirements-dev.txt
      - run: .venv/bin/pip install -r linked.txt
      - run: .venv/bin/pip install -r requirements.txt
      - uses: ./../../outside
      - uses: ./acts/out
  reuse:
    uses: ./.github/workflows/../../../outside/called.yml
"""


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    """Paths out of the repository every way a workflow or a repository can write one."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{FILE_SECRET}>=1\n")
    (outside / "action.yml").write_text(
        f"runs:\n  using: composite\n  steps:\n    - run: pip install {FILE_SECRET}\n"
        "      shell: bash\n"
    )
    (outside / "called.yml").write_text(
        f"on: workflow_call\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: echo {FILE_SECRET}\n"
    )
    repo = tmp_path / "work" / "repo"
    build(
        repo,
        {
            ".github/workflows/ci.yml": HOSTILE_WORKFLOW,
            ".github/workflows/evil.yml": Link("/proc/self/environ"),
            "requirements.txt": "-r ../outside/secret.txt\n-r linked.txt\nflask\n",
            "requirements-dev.txt": Link("/proc/self/environ"),
            "linked.txt": Link(str(outside / "secret.txt")),
            "acts/out": Link(str(outside)),
        },
    )
    # the repository sits two levels below tmp_path: ../../outside from it is the directory
    (tmp_path / "work" / "outside").symlink_to(outside)
    return repo


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, SECRET_VAR: SECRET, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cachekit", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("check", "--format", "json"),
        ("check", "--format", "sarif"),
        ("check", "--format", "github"),
        ("explain",),
        ("explain", "--json"),
        ("suggest",),
        ("suggest", "--format", "json"),
    ],
    ids="-".join,
)
def test_nothing_outside_the_repository_is_read_or_printed(
    hostile_repo: Path, args: tuple[str, ...]
) -> None:
    proc = _run_cli(*args, str(hostile_repo))
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    assert SECRET not in out
    assert FILE_SECRET not in out
    assert "\\x00" not in out and "PATH=" not in out  # nothing of /proc/self/environ
    # No proposed key hashes a pattern GitHub rejects or a link out of the repository.
    for text in ("hashFiles('..", "'../", "'requirements-dev.txt'", "'linked.txt'"):
        assert text not in out.replace("hashFiles('requirements.txt')", ""), text


def test_outside_paths_are_reported_by_name(hostile_repo: Path) -> None:
    proc = _run_cli("check", "--format", "json", str(hostile_repo))
    findings = json.loads(proc.stdout)["findings"]
    outside = [f for f in findings if f["code"] == "input-outside-repository"]
    assert len(outside) == 1
    message = json.dumps(outside[0])  # the message names four, the related lines the rest
    for path in (
        "proc/self/environ",
        "../outside/secret.txt",
        "requirements-dev.txt",
        "linked.txt",
    ):
        assert path in message, path
    problems = " | ".join(f["message"] for f in findings if f["code"] == "workflow-problem")
    assert "./../../outside" in problems or "../../outside" in problems
    assert "./acts/out" in problems or "acts/out" in problems
    assert "rooted in '.github/workflows'" in problems
    assert "evil.yml" in {f["file"].rsplit("/", 1)[-1] for f in findings}


def _venv_cache_repo(root: Path, install: str) -> Path:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "requirements.txt").write_text("requests==2.32.3\n")
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/cache@v4\n        with:\n          path: ~/.cache/pip\n"
        "          key: pip-${{ hashFiles('requirements.txt') }}\n"
        f"      - run: {install}\n"
    )
    return root


def test_a_path_the_job_reaches_at_run_time_is_a_note_a_committed_link_a_warning(
    tmp_path: Path,
) -> None:
    """`cd ..` then an install (a clone beside the checkout) is the runner's business: a note
    that no key can capture it. A link the repository commits to a file elsewhere is the
    repository's own doing: a warning."""
    run_time = _venv_cache_repo(
        tmp_path / "a", "cd .. && git clone https://example.invalid/x && pip install -r x/r.txt"
    )
    linked = _venv_cache_repo(tmp_path / "b", "pip install -r requirements-dev.txt")
    (tmp_path / "secret.txt").write_text("requests\n")
    (linked / "requirements-dev.txt").symlink_to(tmp_path / "secret.txt")
    for repo, severity in ((run_time, "note"), (linked, "warning")):
        proc = _run_cli("check", "--format", "json", "--fail-on", "none", str(repo))
        found = [
            f
            for f in json.loads(proc.stdout)["findings"]
            if f["code"] == "input-outside-repository"
        ]
        assert [f["severity"] for f in found] == [severity], (repo, proc.stdout)


def test_work_tree_never_reads_outside(hostile_repo: Path) -> None:
    tree = WorkTree(str(hostile_repo))
    for rel in (
        "linked.txt",
        "requirements-dev.txt",
        "../outside/secret.txt",
        "acts/out/secret.txt",
    ):
        with pytest.raises(TreeError) as info:
            tree.read(rel)
        assert info.value.code == "EOUTSIDE"
        assert leaves_tree(tree, rel)
    assert tree.read("requirements.txt").startswith(b"-r ../outside")
    assert not leaves_tree(tree, "requirements.txt")
    assert not leaves_tree(tree, "")


def test_a_commit_is_bounded_the_same_way(hostile_repo: Path) -> None:
    init(hostile_repo)
    commit_all(hostile_repo)
    proc = _run_cli("check", "--rev", "HEAD", "--format", "json", str(hostile_repo))
    assert SECRET not in proc.stdout + proc.stderr
    assert FILE_SECRET not in proc.stdout + proc.stderr
    codes = {f["code"] for f in json.loads(proc.stdout)["findings"]}
    assert "input-outside-repository" in codes


# --- item 6: writes stay in the repository, are atomic, and one refusal stops nothing ------------

EDITABLE = """\
on: push
jobs:
  JOB:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: pip-${{ hashFiles('setup.py') }}
      - run: pip install -r requirements.txt
"""


def _editable_repo(root: Path) -> Path:
    return build(
        root,
        {
            ".github/workflows/a.yml": EDITABLE.replace("JOB", "a"),
            ".github/workflows/b.yml": EDITABLE.replace("JOB", "b"),
            "requirements.txt": "flask==3.0.0\n",
        },
    )


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if "cachekit-tmp" in p.name]


def test_edit_never_writes_through_a_directory_linked_out(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "ci.yml").write_text(EDITABLE.replace("JOB", "x"))
    repo = build(tmp_path / "repo", {".github/workflows": Link(str(outside))})
    text = (outside / "ci.yml").read_text()
    edit = EditResult(".github/workflows/ci.yml", text, text + "# changed\n")
    with pytest.raises(EditRefused, match="link out of the repository"):
        apply_edit(str(repo), edit)
    assert (outside / "ci.yml").read_text() == text
    assert _leftovers(outside) == []


def test_read_only_workflow_is_refused_and_the_others_still_written(tmp_path: Path) -> None:
    repo = _editable_repo(tmp_path / "repo")
    a = repo / ".github/workflows/a.yml"
    b = repo / ".github/workflows/b.yml"
    before_a = a.read_text()
    a.chmod(0o444)
    result = _cli("suggest", "--write", "--yes", str(repo))
    assert result.exit_code == 1
    assert "a.yml: cannot edit safely: it is read-only (mode 0444)" in result.output
    assert "internal error" not in result.output
    assert a.read_text() == before_a  # refused, with the reason
    assert "hashFiles('requirements.txt')" in b.read_text()  # the other file is written
    assert ".github/workflows/b.yml: written" in result.output


def test_unwritable_directory_is_a_clear_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _editable_repo(tmp_path / "repo")
    before = {p.name: p.read_text() for p in (repo / ".github/workflows").iterdir()}

    def no_space_for_a_file(*_a: object, **_k: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    # mkstemp in a directory the user may not write to (root may write anywhere: simulated)
    monkeypatch.setattr(tempfile, "mkstemp", no_space_for_a_file)
    result = _cli("suggest", "--write", "--yes", str(repo))
    assert result.exit_code == 3, result.output
    assert "internal error" not in result.output
    assert "cannot create a file beside it: Permission denied" in result.output
    assert result.output.count("cannot write") == 2  # both tried: one failure stops nothing
    after = {p.name: p.read_text() for p in (repo / ".github/workflows").iterdir()}
    assert after == before


def test_full_disk_during_an_edit_leaves_the_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _editable_repo(tmp_path / "repo")
    a = repo / ".github/workflows/a.yml"
    text = a.read_text()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(EditRefused, match="No space left on device") as info:
        apply_edit(str(repo), EditResult(".github/workflows/a.yml", text, text + "# x\n"))
    assert info.value.exit_code == 3
    assert a.read_text() == text
    assert _leftovers(a.parent) == []


@pytest.mark.parametrize(
    ("command", "option", "work"),
    [
        ("check", "-o", "cachekit.checks:check"),
        ("check", "--write-baseline", "cachekit.checks:check"),
        ("predict", "--html", "cachekit.predict:predict"),
        ("audit", "--html", "cachekit.audit:audit"),
    ],
)
def test_output_in_a_missing_directory_fails_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, option: str, work: str
) -> None:
    repo = _editable_repo(tmp_path / "repo")
    init(repo)
    commit_all(repo)

    def must_not_run(*_a: object, **_k: object) -> None:
        raise AssertionError("the work started before the output path was checked")

    module, _, name = work.partition(":")  # each command imports its library when it runs
    monkeypatch.setattr(importlib.import_module(module), name, must_not_run)
    target = tmp_path / "missing" / "report.out"
    result = CliRunner().invoke(main, [command, option, str(target), str(repo)])
    assert result.exit_code == 2, result.output
    assert f"cannot write {target}: no directory" in result.output
    assert not target.parent.exists()


def test_full_disk_output_is_an_environment_failure_without_a_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _editable_repo(tmp_path / "repo")
    if Path("/dev/full").exists():
        result = _cli("check", "-o", "/dev/full", str(repo))
        assert result.exit_code == 3, result.output
        assert "No space left on device" in result.output
    report = tmp_path / "report.txt"
    report.write_text("the previous report\n")
    monkeypatch.setattr(atomic_module.os, "fsync", _enospc)  # the disk fills as it is written
    result = CliRunner().invoke(main, ["check", "-o", str(report), str(repo)])
    assert result.exit_code == 3, result.output
    assert "internal error" not in result.output
    assert report.read_text() == "the previous report\n"  # never half-written, never emptied
    assert _leftovers(tmp_path) == []
    fresh = tmp_path / "fresh.txt"
    result = CliRunner().invoke(main, ["check", "-o", str(fresh), str(repo)])
    assert result.exit_code == 3 and not fresh.exists()  # no 0-byte file either


def _enospc(_fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# --- item 7: git faults are errors or unknowns, never facts -------------------------------------


def _git_repo(root: Path) -> tuple[Path, str]:
    repo = _editable_repo(root)
    init(repo)
    return repo, commit_all(repo)


def _loose(repo: Path, oid: str) -> Path:
    path = repo / ".git" / "objects" / oid[:2] / oid[2:]
    assert path.exists(), "the test needs a loose object"
    path.chmod(0o644)
    return path


def test_truncated_tree_object_is_an_error_not_an_empty_tree(tmp_path: Path) -> None:
    repo, _ = _git_repo(tmp_path / "repo")
    tree_oid = git(repo, "rev-parse", "HEAD:.github/workflows").strip()
    obj = _loose(repo, tree_oid)
    obj.write_bytes(obj.read_bytes()[:20])  # git reads the header, then fails on the content
    result = CliRunner().invoke(main, ["check", "--rev", "HEAD", str(repo)])
    assert result.exit_code == 3, result.output
    assert f"git object {tree_oid} is corrupt or truncated" in result.output
    assert "0 caches" not in result.output
    with GitRepo(str(repo)) as g:
        tree = CommitTree(g, "HEAD")
        with pytest.raises(GitError, match="corrupt or truncated"):
            tree.listdir(".github/workflows")
        # the process that stopped is replaced: the next question is answered
        assert tree.stat("requirements.txt") == 2


def test_missing_blob_is_unknown_not_a_false_finding(tmp_path: Path) -> None:
    repo = build(
        tmp_path / "repo",
        {
            ".github/workflows/a.yml": EDITABLE.replace("JOB", "a").replace(
                "hashFiles('setup.py')", "hashFiles('requirements.txt')"
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    init(repo)
    commit_all(repo)
    _loose(repo, git(repo, "rev-parse", "HEAD:requirements.txt").strip()).unlink()
    result = CliRunner().invoke(main, ["check", "--rev", "HEAD", "--format", "json", str(repo)])
    findings = json.loads(result.output)["findings"]
    codes = [f["code"] for f in findings]
    assert "hashfiles-unknowable" in codes  # the unknown, with its reason
    assert "input-not-in-key" not in codes  # not a guess presented as a fact
    assert "'requirements.txt', 'requirements.txt'" not in result.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_dubious_ownership_is_reported_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _ = _git_repo(tmp_path / "repo")
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 12345, 12345)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # no safe.directory of the caller's
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    result = CliRunner().invoke(main, ["check", "--rev", "HEAD", str(repo)])
    assert result.exit_code == 3, result.output
    assert "dubious ownership" in result.output
    assert "safe.directory" in result.output
    assert "not a git repository" not in result.output


def test_shallow_history_is_said_by_predict(tmp_path: Path) -> None:
    origin, _ = _git_repo(tmp_path / "origin")
    for n in range(3):
        (origin / "requirements.txt").write_text(f"flask==3.0.{n}\n")
        commit_all(origin)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{origin}", str(shallow))
    for repo, is_shallow in ((origin, False), (shallow, True)):
        result = CliRunner().invoke(main, ["predict", "--json", str(repo)])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["summary"]["shallow"] is is_shallow
        assert any("history is shallow" in p for p in data["problems"]) is is_shallow
    text = CliRunner().invoke(main, ["predict", str(shallow)]).output
    assert "note: the history is shallow" in text


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_requirements_file_from_a_url_is_never_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    canary = tmp_path / "CANARY"
    served = tmp_path / "served"
    _write_sdist(served / "dists", canary)
    seen: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, directory=str(served), **k)

        def log_message(self, *_a: Any) -> None:
            seen.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    (served / "more.txt").write_text(f"--no-binary :all:\n--find-links {url}/dists/\ncanarypkg\n")
    try:
        wheels = tmp_path / "wheels"
        write_wheels(wheels, [Dist("six", "1.16.0")])
        repo = build(tmp_path / "repo", {"requirements.txt": f"-r {url}/more.txt\nsix\n"})
        request = ResolveRequest(
            backend=backend,
            requirements=("requirements.txt",),
            no_index=True,
            find_links=(str(wheels),),
        )
        r = resolve(WorkTree(str(repo)), request)
    finally:
        server.shutdown()
        server.server_close()
    assert seen == []  # nothing was fetched from the repository's URL
    assert not canary.exists()
    assert r.versions() == {"six": "1.16.0"}
    assert any(f"-r {url}/more.txt: a URL (not fetched)" in w for w in r.warnings)


def test_a_link_out_is_not_hashed_either(hostile_repo: Path, tmp_path: Path) -> None:
    workflow = hostile_repo / ".github/workflows/ci.yml"
    workflow.write_text(
        workflow.read_text().replace("hashFiles('requirements.txt')", "hashFiles('*.txt')")
    )
    secret_digest = hashlib.sha256((tmp_path / "outside/secret.txt").read_bytes()).hexdigest()
    for args in (("explain", "--json"), ("check", "--format", "json")):
        proc = _run_cli(*args, str(hostile_repo))
        assert "Traceback" not in proc.stderr
        assert secret_digest not in proc.stdout  # not even the digest of a file outside
        assert "a symbolic link out of the repository" in proc.stdout


def test_no_fix_proposes_a_pattern_github_rejects(tmp_path: Path) -> None:
    # @actions/glob: "Invalid pattern '../../secret.txt'. Relative pathing '.' and '..' is not
    # allowed." A fix that keeps such a pattern (or repeats a file) is no fix.
    repo = build(
        tmp_path / "repo",
        {
            ".github/workflows/a.yml": EDITABLE.replace("JOB", "a").replace(
                "hashFiles('setup.py')", "hashFiles('../../secret.txt', 'requirements.txt')"
            ),
            "requirements.txt": "flask==3.0.0\n",
        },
    )
    for args in (("check", "--format", "json"), ("suggest", "--format", "json")):
        out = _run_cli(*args, str(repo)).stdout
        for item in json.loads(out).get("findings", []):
            assert "'../" not in (item.get("fix") or ""), item
            assert item["code"] != "input-not-in-key", item  # the key fails: hashfiles-fails
        steps = json.dumps([p["step"] for p in json.loads(out).get("proposals", [])])
        assert "'../" not in steps


def test_a_variable_include_is_never_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_VAR, SECRET)
    wheels = tmp_path / "wheels"
    write_wheels(wheels, [Dist("six", "1.16.0")])
    repo = build(tmp_path / "repo", {"requirements.txt": f"-r ${{{SECRET_VAR}}}.txt\nsix\n"})
    request = ResolveRequest(
        requirements=("requirements.txt",), no_index=True, find_links=(str(wheels),)
    )
    r = resolve(WorkTree(str(repo)), request)
    assert r.versions() == {"six": "1.16.0"}
    assert any("a variable is not expanded" in w for w in r.warnings)
    assert SECRET not in json.dumps([r.warnings, r.command])


def test_a_corrupt_history_is_an_environment_failure(tmp_path: Path) -> None:
    repo, first = _git_repo(tmp_path / "repo")
    for n in range(2):
        (repo / "requirements.txt").write_text(f"flask==3.0.{n}\n")
        commit_all(repo)
    obj = _loose(repo, first)
    obj.write_bytes(obj.read_bytes()[:10])
    result = CliRunner().invoke(main, ["predict", str(repo)])
    assert result.exit_code == 3, result.output
    assert "is corrupt" in result.output
    assert "no runs" not in result.output


def test_a_directory_linked_out_is_not_listed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private-name.txt").write_text("x")
    workflow = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: acts/**
"""
    # setup-python's hashFiles follows links: it would walk the caller's directory
    repo = build(
        tmp_path / "repo",
        {".github/workflows/ci.yml": workflow, "acts/out": Link(str(outside))},
    )
    proc = _run_cli("explain", "--json", str(repo))
    assert "private-name" not in proc.stdout + proc.stderr
    assert "a symbolic link out of the repository" in proc.stdout


def test_a_workflow_directory_linked_out_is_reported_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / f"{FILE_SECRET}.yml").write_text(EDITABLE.replace("JOB", "x"))
    repo = build(tmp_path / "repo", {".github/workflows": Link(str(outside))})
    result = CliRunner().invoke(main, ["check", "--format", "json", str(repo)])
    assert FILE_SECRET not in result.output
    findings = json.loads(result.output)["findings"]
    assert [f["file"] for f in findings] == [".github/workflows"]
    assert "out of the repository" in findings[0]["message"]


def test_an_editable_local_project_is_not_built_without_allow_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Already held before #11 (read statically); kept here so the suite covers every option
    # the issue lists.
    monkeypatch.setenv(SECRET_VAR, SECRET)
    canary = tmp_path / "CANARY"
    wheels = tmp_path / "wheels"
    write_wheels(wheels, [Dist("six", "1.16.0")])
    repo = build(
        tmp_path / "repo",
        {
            "requirements.txt": "-e ./proj\nsix\n",
            "proj/pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "canary_backend"'
            '\nbackend-path = ["."]\n\n[project]\nname = "canarypkg"\nversion = "1.0"\n'
            'dynamic = ["dependencies"]\n',
            "proj/canary_backend.py": _canary_backend(canary),
        },
    )
    request = ResolveRequest(
        requirements=("requirements.txt",), no_index=True, find_links=(str(wheels),)
    )
    with pytest.raises(ResolveError, match="allow-build"):
        resolve(WorkTree(str(repo)), request)
    assert not canary.exists()
