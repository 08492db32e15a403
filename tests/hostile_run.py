"""Run cachekit commands on a hostile repository as a capped subprocess, and judge the outcome.

Each command runs in its own process with an address-space limit (``RLIMIT_AS``) and a wall
clock; its own peak memory comes from ``wait4``'s rusage (not the children's maximum, which
would mix commands). stdin is an open pipe nobody writes, so reading it hangs the command
(and the wall clock catches it) the way a job's stdin would.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from hostile_cases import RAN_MARKER, SECRET, materialize

DOCUMENTED_EXIT_CODES = frozenset({0, 1, 2, 3})
TIME_CAP = 30.0
MEMORY_CAP = 1 << 30
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Outcome:
    argv: tuple[str, ...]
    returncode: int | None  # None: killed at the time cap
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss: int  # bytes

    def problems(self) -> list[str]:
        """Every way this run broke a guarantee (empty when it held)."""
        out = []
        if self.returncode is None:
            out.append(f"killed after {TIME_CAP:.0f} s")
        elif self.returncode not in DOCUMENTED_EXIT_CODES:
            out.append(f"exit {self.returncode}")
        both = self.stdout + self.stderr
        if b"Traceback (most recent call last)" in both:
            out.append("traceback")
        if b"internal error" in both:
            out.append("internal error")
        if SECRET.encode() in both:
            out.append("the canary secret was printed")
        if any(line.startswith(b"::") for line in self.stdout.splitlines()) and (
            "--format" not in self.argv or "github" not in self.argv
        ):
            out.append("an output line starts a workflow command")
        if b"\x1b" in both or b"\x07" in both or b"\x9b" in both:
            out.append("a raw control character in the output")
        return out

    def brief(self) -> str:
        tail = self.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return (
            f"rc={self.returncode} {self.seconds:.2f}s {self.max_rss >> 20}MiB "
            f"{' '.join(self.argv[:2])}: {tail[0][:160]!r}"
        )


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()


def run(argv: list[str], *, cwd: Path, home: Path, time_cap: float = TIME_CAP) -> Outcome:
    """``python -m cachekit *argv`` in ``cwd`` under the caps, with the canary environment.

    ``home`` is HOME and holds TMPDIR, so whatever a command writes stays under ``cwd``.
    """
    tmp = home / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO_ROOT),
        "CANARY_TOKEN": SECRET,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cachekit", *argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            preexec_fn=_limits,  # noqa: PLW1509 (the caps must be set in the child)
        )
        rc: int | None = None
        rss = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                rc = os.waitstatus_to_exitcode(status)
                rss = usage.ru_maxrss * 1024
                break
            if time.monotonic() - start > time_cap:
                os.killpg(proc.pid, signal.SIGKILL)
                _, _, usage = os.wait4(proc.pid, 0)
                rss = usage.ru_maxrss * 1024
                break
            time.sleep(0.01)
        seconds = time.monotonic() - start
        proc.returncode = rc if rc is not None else -9
        assert proc.stdin is not None
        proc.stdin.close()
        out.seek(0)
        err.seek(0)
        return Outcome(tuple(argv), rc, out.read(), err.read(), seconds, rss)


def commands(repo: Path) -> list[list[str]]:
    """Every command, in the modes that read the repository, offline."""
    r = str(repo)
    return [
        ["explain", r],
        ["explain", r, "--json"],
        ["check", r],
        ["check", r, "--format", "github"],
        ["check", r, "--format", "sarif"],
        ["suggest", r],
        ["resolve", r, "--no-index"],
        ["predict", r, "--max-commits", "3"],
        ["audit", r, "--no-history", "--logs", str(repo)],
        ["hash", r, "--files", "--", "*", ".github/**"],
        ["hash", r, "--rev", "HEAD", "--", "*a*a*a*a*a*a*b", "**/*.txt"],
        ["eval", r, "--", "format('{0}{0}', hashFiles('**'))"],
    ]


def snapshot(root: Path, repo: Path) -> dict[str, float]:
    """Every path under ``root`` outside ``repo`` with its mtime (to see writes outside)."""
    seen: dict[str, float] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == repo:
            dirnames.clear()
            continue
        for name in filenames:
            p = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                seen[p] = os.lstat(p).st_mtime
    return seen


def ran_repository_code(root: Path) -> bool:
    return any(RAN_MARKER in names for _, _, names in os.walk(root))


@dataclass
class Figures:
    """What a sweep did: the figures docs/security.md quotes."""

    cases: int = 0
    commands: int = 0
    worst_seconds: float = 0.0
    worst_seconds_at: str = ""
    worst_rss: int = 0
    worst_rss_at: str = ""

    def add(self, outcome: Outcome, case: str) -> None:
        self.commands += 1
        label = f"{case}: {outcome.argv[0]}"
        if outcome.seconds > self.worst_seconds:
            self.worst_seconds, self.worst_seconds_at = outcome.seconds, label
        if outcome.max_rss > self.worst_rss:
            self.worst_rss, self.worst_rss_at = outcome.max_rss, label

    def __str__(self) -> str:
        return (
            f"{self.cases} repositories, {self.commands} commands; worst time "
            f"{self.worst_seconds:.1f} s ({self.worst_seconds_at}), worst memory "
            f"{self.worst_rss / (1 << 20):.0f} MiB ({self.worst_rss_at})"
        )


def check_repository(
    root: Path,
    spec: dict[str, object],
    figures: Figures,
    case: str,
    pick: slice | list[int] | None = None,
) -> list[str]:
    """Build ``spec`` under ``root``, run the commands (``pick`` of them), return every
    guarantee that broke: exit code, traceback, canary printed, writes outside, code run."""
    repo = materialize(root, spec)
    home = root / "home"
    home.mkdir()
    figures.cases += 1
    every = commands(repo)
    if isinstance(pick, slice):
        chosen = every[pick]
    elif pick is not None:
        chosen = [every[i % len(every)] for i in pick]
    else:
        chosen = every
    broken: list[str] = []
    for argv in chosen:
        before = snapshot(root, repo)
        outcome = run(argv, cwd=root, home=home)
        figures.add(outcome, case)
        after = snapshot(root, repo)
        where = f"{case}: {outcome.brief()}"
        broken.extend(f"{where}: {p}" for p in outcome.problems())
        if after != before:
            changed = sorted(set(after.items()) ^ set(before.items()))
            broken.append(f"{where}: wrote outside the repository: {changed[:3]}")
        if ran_repository_code(root):
            broken.append(f"{where}: ran repository code")
    return broken
