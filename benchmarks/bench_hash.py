"""Benchmark: cachekit's hashFiles against the runner's own algorithm on node, same run.

Builds the trees from issue #2 under a scratch directory (reused across runs), then times
each scenario with the node oracle (GitHub's @actions/glob 0.4.0 and the runner's hashing
loop, in a warm long-lived node process) and with cachekit's library call, checks that the
digests are identical, and prints both figures side by side.

    python benchmarks/bench_hash.py                 # all scenarios
    python benchmarks/bench_hash.py --quick         # smaller trees, for a smoke run

Requires `npm ci --prefix tests/oracle` (the README's test command does it).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oracle_client import HashFilesOracle, oracle_available  # noqa: E402

from cachekit import CommitTree, GitRepo, WorkTree, hash_files  # noqa: E402


def build_many_files(root: Path, files: int, dirs: int, requirements: int) -> None:
    """`files` small files spread over `dirs` directories (two levels), some requirements."""
    if (root / ".done").exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    per_dir = files // dirs
    top = max(1, int(dirs**0.5))
    every = max(1, dirs // requirements)
    for d in range(dirs):
        path = root / f"pkg{d % top:03d}" / f"mod{d:05d}"
        path.mkdir(parents=True, exist_ok=True)
        for f in range(per_dir):
            (path / f"file{f:03d}.py").write_text(f"# {d}/{f}\nvalue = {d * per_dir + f}\n")
        if d % every == 0 and d // every < requirements:
            (path / "requirements-dev.txt").write_text(f"pytest=={d % 9}.0\n")
    (root / ".done").write_text("")


def build_big_files(root: Path, count: int, size: int) -> None:
    if (root / ".done").exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    block = os.urandom(size)
    for i in range(count):
        (root / f"blob{i:05d}.bin").write_bytes(i.to_bytes(4, "big") + block[4:])
    (root / ".done").write_text("")


def best_of(fn: Callable[[], str], repeat: int) -> tuple[float, str]:
    best = float("inf")
    digest = ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        digest = fn()
        best = min(best, time.perf_counter() - t0)
    return best, digest


def commit_tree(src: Path, repo: Path) -> str:
    if not (repo / ".git").exists():
        shutil.copytree(src, repo, ignore=shutil.ignore_patterns(".done"))
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@b",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@b",
        }
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bench"]):
            subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller trees")
    parser.add_argument("--scratch", default=os.path.join(tempfile.gettempdir(), "cachekit-bench"))
    parser.add_argument("--repeat", type=int, default=5, help="cachekit runs per scenario")
    parser.add_argument("--oracle-repeat", type=int, default=1, help="node runs per scenario")
    args = parser.parse_args()
    if not oracle_available():
        print("node oracle missing: run `npm ci --prefix tests/oracle` first", file=sys.stderr)
        return 2
    scale = 10 if args.quick else 1
    scratch = Path(args.scratch) / ("quick" if args.quick else "full")
    many = scratch / "many"
    big = scratch / "big"
    print(f"building trees under {scratch} (reused on later runs) …", file=sys.stderr)
    build_many_files(many, 100_000 // scale, 5_000 // scale, 20)
    build_big_files(big, 2_000 // scale, 100 * 1024)

    scenarios = [
        ("100k files: **/requirements*.txt", many, ["**/requirements*.txt"], 20.0),
        ("100k files: ** (every file)", many, ["**", "!.done"], 10.0),
        ("2,000 x 100 KiB: **", big, ["**", "!.done"], 8.0),
    ]
    rows = []
    with HashFilesOracle(timeout=600) as oracle:
        for name, root, patterns, goal in scenarios:
            cwd = str(root.resolve())

            def node(cwd: str = cwd, patterns: list[str] = patterns) -> str:
                res = oracle.hash(cwd, patterns)
                assert res.error is None, res.error
                return res.digest or ""

            def ours(root: Path = root, patterns: list[str] = patterns) -> str:
                return hash_files(WorkTree(str(root)), patterns).digest

            t_node, d_node = best_of(node, args.oracle_repeat)
            t_ours, d_ours = best_of(ours, args.repeat)
            rows.append((name, t_node, t_ours, goal, d_node == d_ours))
            print(
                f"  {name}: {d_node or chr(39) * 2} (node) {d_ours or chr(39) * 2} (cachekit)",
                file=sys.stderr,
            )

        # --rev: the same 100k-file tree read from git objects, cold and memoized.
        repo = scratch / "repo"
        print("committing the 100k-file tree for --rev …", file=sys.stderr)
        commit = commit_tree(many, repo)
        cwd = str(repo.resolve())
        t_node, d_node = best_of(lambda: oracle.hash(cwd, ["**", "!.git"]).digest or "", 1)
        with GitRepo(str(repo)) as git:
            t_cold, d_cold = best_of(
                lambda: hash_files(CommitTree(git, commit), ["**", "!.git"]).digest, 1
            )
            t_warm, d_warm = best_of(
                lambda: hash_files(CommitTree(git, commit), ["**", "!.git"]).digest, args.repeat
            )
        rows.append(("--rev 100k files: ** (cold)", t_node, t_cold, 0.0, d_node == d_cold))
        rows.append(
            ("--rev 100k files: ** (blobs memoized)", t_node, t_warm, 0.0, d_node == d_warm)
        )

    print(
        f"\n{'scenario':<40} {'node oracle':>12} {'cachekit':>10} {'speedup':>9} "
        f"{'goal':>6} {'digest':>7}"
    )
    ok = True
    for name, t_node, t_ours, goal, same in rows:
        speed = t_node / t_ours if t_ours else float("inf")
        goal_s = f"{goal:.0f}x" if goal else "-"
        met = "" if not goal or args.quick else (" ok" if speed >= goal else " MISSED")
        print(
            f"{name:<40} {t_node:>11.2f}s {t_ours:>9.3f}s {speed:>8.1f}x {goal_s:>6} "
            f"{'same' if same else 'DIFF':>7}{met}"
        )
        ok = ok and same
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {rss:.0f} MiB; cpus: {os.cpu_count()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
