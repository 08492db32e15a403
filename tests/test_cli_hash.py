"""``cachekit hash``: output formats, exit codes and one-line errors."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import commit_all, init
from treebuild import Link, build

from cachekit.cli import main

TREE = {
    "requirements.txt": "numpy==1.26.4\n",
    "dev/requirements-dev.txt": "pytest\n",
    "setup.py": "from setuptools import setup\nsetup()\n",
}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build(tmp_path / "ws", TREE)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_digest_on_stdout(ws: Path) -> None:
    code, out, _ = run("hash", str(ws), "--", "**/requirements*.txt")
    assert code == 0
    assert len(out.strip()) == 64
    _, out2, _ = run("hash", str(ws), "--", "requirements.txt", "dev/*.txt")
    assert out2 != out  # root file first here, DFS order there


def test_no_match_prints_empty_line(ws: Path) -> None:
    assert run("hash", str(ws), "--", "nothing*") == (0, "\n", "")


def test_files_listing(ws: Path) -> None:
    code, out, _ = run("hash", str(ws), "--files", "--", "**/requirements*.txt")
    lines = out.splitlines()
    assert code == 0
    assert [line.split("  ")[1] for line in lines[:-1]] == [
        "dev/requirements-dev.txt",
        "requirements.txt",
    ]
    assert lines[-1].startswith("digest: ")


def test_json(ws: Path) -> None:
    code, out, _ = run("hash", str(ws), "--json", "--", "setup.py", "!x")
    data = json.loads(out)
    assert code == 0
    assert data["patterns"] == ["setup.py", "!x"]
    assert data["files"][0]["path"] == "setup.py"
    inner = hashlib.sha256((ws / "setup.py").read_bytes()).digest()
    assert data["files"][0]["sha256"] == inner.hex()
    assert data["digest"] == hashlib.sha256(inner).hexdigest()


def test_follow_option_as_first_arg_and_flag(tmp_path: Path) -> None:
    root = build(tmp_path / "ws", {"real/a.txt": "a", "link": Link("real")})
    plain = run("hash", str(root), "--files", "--", "**")[1]
    as_arg = run("hash", str(root), "--files", "--", "--follow-symbolic-links", "**")[1]
    as_flag = run("hash", str(root), "--files", "--follow-symbolic-links", "--", "**")[1]
    assert "link/a.txt" not in plain
    assert "link/a.txt" in as_arg
    assert as_arg == as_flag


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus", "x"], "Invalid glob option --bogus"),
        (["../x"], "Relative pathing '.' and '..' is not allowed"),
        (["setup.py/x"], "ENOTDIR"),
    ],
)
def test_runner_failures_exit_1_with_one_line(ws: Path, args: list[str], message: str) -> None:
    code, out, err = run("hash", str(ws), "--", *args)
    assert code == 1
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and err.startswith("cachekit: error: hashFiles(")


def test_dangling_link_names_the_path(tmp_path: Path) -> None:
    root = build(tmp_path / "ws", {"bad.txt": Link("gone")})
    code, _, err = run("hash", str(root), "--", "*.txt")
    assert code == 1 and "bad.txt" in err and "dangling" in err


def test_usage_errors_exit_2(ws: Path, tmp_path: Path) -> None:
    assert run("hash", str(ws), "--")[0] == 2  # no ARG
    assert run("hash", str(tmp_path / "missing"), "--", "x")[0] == 2
    assert run("hash", "--os", "beos", "--", "x")[0] == 2
    code, _, err = run("hash", str(ws), "--rev", "HEAD", "--", "x")
    assert code == 2 and "not a git repository" in err


def test_repo_is_the_word_before_dashdash_and_root_its_deprecated_alias(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run("hash", str(ws), "--", "setup.py")
    assert expected[0] == 0 and len(expected[1].strip()) == 64
    alias = run("hash", "--root", str(ws), "--", "setup.py")
    assert alias[1] == expected[1] and "--root is deprecated" in alias[2]
    same = run("hash", str(ws), "--root", str(ws / "dev" / ".."), "--", "setup.py")
    assert same[1] == expected[1]
    code, out, err = run("hash", str(ws / "dev"), "--root", str(ws), "--", "setup.py")
    assert code == 2 and out == "" and "disagree" in err
    # without --, every word is an ARG (a pattern is never taken for a directory)
    monkeypatch.chdir(ws)
    assert run("hash", "setup.py") == expected
    assert run("hash", ".", "--", "setup.py") == expected
    code, _, err = run("hash", ".", "dev", "--", "setup.py")
    assert code == 2 and "only REPO goes before --" in err
    assert run("hash", "nosuch", "--", "x")[0] == 2


def test_rev_reads_a_commit_not_the_worktree(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    build(repo, TREE)
    first = commit_all(repo)
    before = run("hash", str(repo), "--", "requirements.txt")[1]
    (repo / "requirements.txt").write_text("numpy==2.0.0\n")
    after = run("hash", str(repo), "--", "requirements.txt")[1]
    at_rev = run("hash", str(repo), "--rev", first, "--", "requirements.txt")[1]
    assert before != after
    assert at_rev == before
    assert (repo / "requirements.txt").read_text() == "numpy==2.0.0\n"  # untouched
    code, _, err = run("hash", str(repo), "--rev", "no-such-rev", "--", "x")
    assert code == 2 and "unknown revision 'no-such-rev'" in err


def test_windows_rules_are_case_insensitive_and_say_what_they_cannot_know(ws: Path) -> None:
    linux = run("hash", str(ws), "--", "REQUIREMENTS.TXT")
    code, out, err = run("hash", str(ws), "--os", "windows", "--", "REQUIREMENTS.TXT")
    assert linux[1] == "\n"
    assert code == 0 and len(out.strip()) == 64
    assert "NTFS" in err and "CRLF" in err
    backslash = run("hash", str(ws), "--os", "windows", "--", "dev\\*.txt")[1]
    forward = run("hash", str(ws), "--os", "windows", "--", "dev/*.txt")[1]
    assert backslash == forward != "\n"


def test_macos_is_case_sensitive_like_linux(ws: Path) -> None:
    assert run("hash", str(ws), "--os", "macos", "--", "SETUP.PY")[1] == "\n"


def test_entry_point_runs_without_traceback(ws: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cachekit", "hash", str(ws), "--", "a/../b"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("cachekit: error: ")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root")
def test_unreadable_file_fails_like_the_runner() -> None:
    """§4.7 as an unprivileged user (root reads anything): cachekit and node both fail."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        root = build(Path(tmp) / "ws", {"ok.txt": "ok", "secret.txt": "s"})
        (root / "secret.txt").chmod(0)
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        probe = subprocess.run(
            [*drop, sys.executable, "-c", "import cachekit"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            pytest.skip(f"this interpreter cannot run unprivileged here: {probe.stderr[-200:]}")
        ours = subprocess.run(
            [*drop, sys.executable, "-m", "cachekit", "hash", str(root), "--", "*.txt"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert ours.returncode == 1 and "EACCES" in ours.stderr
        assert "secret.txt" in ours.stderr
        oracle = Path(__file__).parent / "oracle" / "hashfiles-oracle.js"
        request = json.dumps({"cwd": str(root), "patterns": ["*.txt"], "follow": False})
        node = subprocess.run(
            [*drop, "node", str(oracle)],
            input=request + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        answer = json.loads(node.stdout.splitlines()[-1])
        assert answer["error"] and "EACCES" in answer["error"]
