"""Benchmark: cachekit's hashing of large files beside hashlib on the same bytes, same run.

Writes N files of S bytes (default 2,000 x 100 KiB = 200 MiB) under a scratch directory,
then times, best of --repeat:

- hashlib, one thread, the files' bytes already in memory (one core's SHA-256 rate);
- hashlib on every core (a thread per core, hashlib releases the GIL): the machine's
  multi-core SHA-256 rate, the goal's yardstick;
- cachekit, ``WorkTree.digests`` (reads and hashes the files, as hashFiles does);
- cachekit, ``hash_files(WorkTree, ['*.bin'])`` (the walk as well);
- cachekit, ``CommitTree.digests`` (the same files committed, read from git objects).

Digests must be identical to hashlib's. The goal: within 1.3x of the multi-core rate.

    python benchmarks/bench_hash_cores.py
    python benchmarks/bench_hash_cores.py --files 200 --size 1048576
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cachekit import CommitTree, GitRepo, WorkTree, hash_files  # noqa: E402


def best(fn: Callable[[], object], repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--size", type=int, default=100 * 1024)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--scratch", default=os.path.join(tempfile.gettempdir(), "cachekit-bench-hash-cores")
    )
    args = parser.parse_args()
    root = Path(args.scratch) / f"{args.files}x{args.size}"
    if not (root / ".done").exists():
        root.mkdir(parents=True, exist_ok=True)
        block = os.urandom(args.size)
        for i in range(args.files):
            (root / f"f{i:05d}.bin").write_bytes(i.to_bytes(4, "big") + block[4:])
        (root / ".done").write_text("")
    rels = sorted(p.name for p in root.iterdir() if p.name.endswith(".bin"))
    data = [(root / r).read_bytes() for r in rels]
    expected = [hashlib.sha256(d).digest() for d in data]
    cores = os.cpu_count() or 1

    def one_core() -> None:
        for d in data:
            hashlib.sha256(d).digest()

    pool = ThreadPoolExecutor(cores)

    def all_cores() -> None:
        chunk = max(1, len(data) // (cores * 4))
        list(pool.map(lambda d: hashlib.sha256(d).digest(), data, chunksize=chunk))

    git = Path(args.scratch) / f"{args.files}x{args.size}.git"
    if not (git / "done").exists():
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b"}
        env.update(GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
        subprocess.run(["git", "init", "-q", "--bare", str(git)], check=True)
        work = ["git", "--git-dir", str(git), "--work-tree", str(root)]
        subprocess.run([*work, "add", "-A"], check=True, env=env)
        subprocess.run([*work, "commit", "-qm", "files"], check=True, env=env)
        (git / "done").write_text("")
    tree = WorkTree(str(root))
    assert tree.digests(rels) == expected, "digests differ from hashlib's"
    t1 = best(one_core, args.repeat)
    tn = best(all_cores, args.repeat)
    tw = best(lambda: tree.digests(rels), args.repeat)
    th = best(lambda: hash_files(tree, ["*.bin"]), args.repeat)

    def from_git() -> list[bytes | object]:
        # A fresh repository object each time: blob digests are memoized per repository.
        with GitRepo(str(git)) as repo:
            return CommitTree(repo, "HEAD").digests(rels)

    assert from_git() == expected, "git digests differ from hashlib's"
    tg = best(from_git, args.repeat)
    pool.shutdown()
    mib = args.files * args.size / 2**20
    print(f"\n{args.files} files x {args.size:,} B = {mib:.0f} MiB, {cores} cores")
    print(f"{'':<40} {'seconds':>8} {'MiB/s':>8} {'vs all cores':>13}")
    for name, t in (
        ("hashlib, one core (bytes in memory)", t1),
        (f"hashlib, {cores} threads (bytes in memory)", tn),
        ("cachekit WorkTree.digests (read+hash)", tw),
        ("cachekit hashFiles('*.bin')", th),
        ("cachekit CommitTree.digests (git blobs)", tg),
    ):
        print(f"{name:<40} {t:>8.3f} {mib / t:>8.0f} {t / tn:>12.2f}x")
    print("digests identical to hashlib's: True")
    return 0


if __name__ == "__main__":
    sys.exit(main())
