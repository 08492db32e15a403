"""Benchmark: `predict` over a long history, beside the naive loop, same run.

Builds (once, under a scratch directory) a linear history of N commits over a repository of
F files — each commit edits a few files, every 50th edits a requirements file — with a
workflow whose cache keys hash `**/requirements*.txt` and `setup.py`. Then:

- cachekit: `predict` over the whole history (keys of every commit from git objects);
- naive: for a sample of commits, `git checkout` the commit into a work tree and hash each
  key's patterns with the node oracle (GitHub's own @actions/glob and the runner's loop);
  its per-commit time times N is the naive loop's cost;
- the sampled commits' hashFiles digests are compared between the two (must be identical).

    python benchmarks/bench_predict.py                  # 5,000 commits x 20,000 files
    python benchmarks/bench_predict.py --commits 300 --files 2000   # a quick run

With ``--repo PATH`` (a real repository, e.g. a mirror brought by the search tool's fetch),
it measures instead the compiled replay (workflows compiled once per distinct set of workflow
and action blobs, each commit filling only its digests and sha) beside today's per-commit
evaluation (every commit explained from scratch), in the same run, over the newest
``--commits`` commits; the per-commit baseline runs on ``--sample`` commits spread over the
history (``--full-baseline``: all of them), and the predicted keys of those commits must be
identical:

    python benchmarks/bench_predict.py --repo /work/.mirror/webpack+webpack/repo --commits 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oracle_client import HashFilesOracle, oracle_available  # noqa: E402

from cachekit.predict import PredictedRun, PredictOptions, predict  # noqa: E402
from cachekit.predict_parallel import jobs_for  # noqa: E402

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: pip-${{ runner.os }}-${{ hashFiles('**/requirements*.txt') }}
          restore-keys: pip-${{ runner.os }}-
      - uses: actions/cache@v4
        with:
          path: build
          key: build-${{ hashFiles('setup.py', 'pyproject.toml') }}
"""
PATTERNS = [["**/requirements*.txt"], ["setup.py", "pyproject.toml"]]


def build_history(repo: Path, commits: int, files: int, seed: int = 7) -> None:
    """Write the history with git fast-import (thousands of commits in seconds)."""
    if (repo / ".git" / "bench-done").exists():
        return
    subprocess.run(["rm", "-rf", str(repo)], check=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    rnd = random.Random(seed)
    dirs = max(1, files // 20)
    paths = [f"src/pkg{d // 40:03d}/mod{d:04d}/f{i:02d}.py" for d in range(dirs) for i in range(20)]
    reqs = [
        f"src/pkg{d // 40:03d}/mod{d:04d}/requirements.txt" for d in range(0, dirs, dirs // 8 or 1)
    ]
    lines = []
    mark = 0

    def blob(data: bytes) -> str:
        nonlocal mark
        mark += 1
        lines.append(f"blob\nmark :{mark}\ndata {len(data)}\n".encode() + data + b"\n")
        return f":{mark}"

    t0 = 1_700_000_000
    for c in range(commits):
        changes: list[tuple[str, bytes]] = []
        if c == 0:
            changes += [(p, f"# {p}\nvalue = 0\n".encode()) for p in paths]
            changes += [(p, b"numpy==1.0\n") for p in reqs]
            changes += [
                (".github/workflows/ci.yml", WORKFLOW.encode()),
                ("setup.py", b"from setuptools import setup\nsetup()\n"),
            ]
        else:
            for p in rnd.sample(paths, 3):
                changes.append((p, f"# {p}\nvalue = {c}\n".encode()))
            if c % 50 == 0:
                changes.append((rnd.choice(reqs), f"numpy==1.{c}\n".encode()))
        marks = [(p, blob(data)) for p, data in changes]
        when = t0 + c * 3600
        msg = f"commit {c}\n".encode()
        head = (
            f"commit refs/heads/main\nmark :{100_000_000 + c}\n"
            f"committer bench <b@b> {when} +0000\ndata {len(msg)}\n"
        ).encode() + msg
        if c:
            head += f"from :{100_000_000 + c - 1}\n".encode()
        body = "".join(f"M 100644 {m} {p}\n" for p, m in marks).encode()
        lines.append(head + body + b"\n")
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(lines), check=True
    )
    (repo / ".git" / "bench-done").write_text("")


def _keys(run: PredictedRun) -> list[tuple[str, str, int, str, str]]:
    return sorted(
        (c.workflow, c.job, c.line, json.dumps(c.matrix, sort_keys=True), c.key) for c in run.caches
    )


def _cpu() -> float:
    """User CPU seconds of this process and its finished children (git) so far: on a
    shared machine the wall time says more about the neighbours than about the code."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + kids.ru_utime


def real_repository(args: argparse.Namespace) -> int:
    """Compiled replay beside the per-commit baseline on a real history."""
    load = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), _cpu()
    ours = predict(args.repo, PredictOptions(max_commits=args.commits, jobs=args.jobs))
    t_ours, c_ours = time.perf_counter() - t0, _cpu() - c0
    serial, workers = None, jobs_for(args.jobs, args.commits)
    if workers > 1:
        # The same compiled replay on one core, for the side-by-side (and every run compared).
        t2, c2 = time.perf_counter(), _cpu()
        serial = predict(args.repo, PredictOptions(max_commits=args.commits, jobs=1))
        t_serial, c_serial = time.perf_counter() - t2, _cpu() - c2
    runs = [r for r in ours.runs if r.event == "push"]
    if args.full_baseline:
        t1, c1 = time.perf_counter(), _cpu()
        base = predict(args.repo, PredictOptions(max_commits=args.commits, compile=False))
        t_base, c_base = time.perf_counter() - t1, _cpu() - c1
        base_runs = {r.commit: r for r in base.runs if r.event == "push"}
        checked = runs
        per_commit = t_base / max(1, args.commits)
    else:
        # Today's evaluation, every commit explained from scratch, on the newest --sample
        # commits (walk and digest memos warm across them, as in a full run).
        t1, c1 = time.perf_counter(), _cpu()
        base = predict(args.repo, PredictOptions(max_commits=args.sample, compile=False))
        t_base, c_base = time.perf_counter() - t1, _cpu() - c1
        base_runs = {r.commit: r for r in base.runs if r.event == "push"}
        checked = [r for r in runs if r.commit in base_runs]
        per_commit = t_base / max(1, args.sample)
        t_base = per_commit * args.commits
        c_base = c_base / max(1, args.sample) * args.commits
    same = all(r.commit in base_runs and _keys(r) == _keys(base_runs[r.commit]) for r in checked)
    s = ours.summary
    uses = sum(len(r.caches) for r in ours.runs)
    print(
        f"\n{args.repo}: newest {args.commits} commits, {len(ours.runs)} runs replayed, "
        f"{uses} cache uses; explain compiled {s.get('explain_compiled')} times, "
        f"reused {s.get('explain_reused')} times"
    )
    print(f"{'':<34} {'wall s':>10} {'user CPU s':>10} {'commits/s':>10}")
    print(
        f"{f'compiled, {workers} worker(s)':<34} {t_ours:>10.1f} {c_ours:>10.1f}"
        f" {args.commits / t_ours:>10.1f}"
    )
    how = (
        "measured" if args.full_baseline else f"{per_commit:.2f} s/commit on {len(checked)} commits"
    )
    if serial is not None:
        print(
            f"{'compiled, one core':<34} {t_serial:>10.1f} {c_serial:>10.1f}"
            f" {args.commits / t_serial:>10.1f}   runs identical to the workers': "
            f"{[_keys(r) for r in serial.runs] == [_keys(r) for r in ours.runs]}"
        )
    print(
        f"{'per-commit explain (before)':<34} {t_base:>10.1f} {c_base:>10.1f}"
        f" {1 / per_commit:>10.2f}   ({how})"
    )
    print(
        f"speedup: {t_base / t_ours:.1f}x wall, {c_base / c_ours:.1f}x CPU   "
        f"predicted keys identical on {len(checked)} commits: {same}   "
        f"(load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end)"
    )
    identical = serial is None or [_keys(r) for r in serial.runs] == [_keys(r) for r in ours.runs]
    return 0 if same and identical else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--sample", type=int, default=10, help="commits the naive loop runs")
    parser.add_argument(
        "--scratch", default=os.path.join(tempfile.gettempdir(), "cachekit-bench-predict")
    )
    parser.add_argument("--repo", default=None, help="a real repository instead (see above)")
    parser.add_argument("--full-baseline", action="store_true")
    parser.add_argument(
        "--jobs", type=int, default=None, help="replay workers (default: the idle cores)"
    )
    args = parser.parse_args()
    if args.repo:
        return real_repository(args)
    if not oracle_available():
        print("node oracle missing: run `npm ci --prefix tests/oracle` first", file=sys.stderr)
        return 2
    repo = Path(args.scratch) / f"h{args.commits}x{args.files}"
    print(f"building {args.commits} commits x {args.files} files under {repo} …", file=sys.stderr)
    build_history(repo, args.commits, args.files)

    t0 = time.perf_counter()
    result = predict(str(repo), PredictOptions(max_commits=None))
    t_ours = time.perf_counter() - t0
    assert len(result.runs) == args.commits, len(result.runs)

    # The naive loop on a sample: checkout, then the runner's hashing per key.
    work = Path(args.scratch) / "checkout"
    subprocess.run(["rm", "-rf", str(work)], check=True)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(repo), str(work)], check=True)
    step = max(1, args.commits // args.sample)
    sample = list(range(0, args.commits, step))[: args.sample]
    same = True
    t_naive = 0.0
    with HashFilesOracle(timeout=600) as oracle:
        for i in sample:
            run = result.runs[i]
            t1 = time.perf_counter()
            subprocess.run(["git", "-C", str(work), "checkout", "-q", "-f", run.commit], check=True)
            digests = [oracle.hash(str(work.resolve()), p).digest for p in PATTERNS]
            t_naive += time.perf_counter() - t1
            keys = [c.key for c in run.caches]
            same = same and all(d and any(d in k for k in keys) for d in digests)
    per_commit_naive = t_naive / len(sample)
    naive_total = per_commit_naive * args.commits
    s = result.summary
    print(
        f"\nhistory: {args.commits} commits over {args.files} files "
        f"({s['blobs_hashed']} distinct blobs hashed)"
    )
    print(f"{'':<28} {'seconds':>10} {'commits/s':>10}")
    print(f"{'cachekit predict':<28} {t_ours:>10.1f} {args.commits / t_ours:>10.1f}")
    print(
        f"{'naive (checkout + node)':<28} {naive_total:>10.1f} {1 / per_commit_naive:>10.2f}"
        f"   (measured on {len(sample)} commits: {per_commit_naive:.2f} s each)"
    )
    print(f"speedup: {naive_total / t_ours:.0f}x   keys identical on the sample: {same}")
    print(f"predicted hit rate {s['hit_rate']}, warm rate {s['warm_rate']}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
