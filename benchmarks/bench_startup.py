"""Benchmark: how long the ``cachekit`` command takes to start, beside its baselines, same run.

Times, as fresh processes, interleaved round by round so machine load hits every row alike:

- ``python -c pass``: a bare interpreter (the floor for any Python CLI);
- ``cachekit --version``: start-up alone (the CLI imports only the command it runs);
- ``cachekit hash TREE -- '**/requirements*.txt'``: a real command on a small tree;
- node running the runner's hashFiles (tests/oracle/hashfiles-oracle.js: @actions/glob 0.4.0
  and the runner's hashing loop) on the same tree and pattern, one request per process.

    python benchmarks/bench_startup.py              # 30 rounds
    python benchmarks/bench_startup.py --rounds 10

Prints min and median wall time per row, and --version's margin over the bare interpreter
(the target: within 0.1 s). Requires ``npm ci --prefix tests/oracle`` for the node row.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORACLE = ROOT / "tests" / "oracle" / "hashfiles-oracle.js"
PATTERN = "**/requirements*.txt"


def build_tree(root: Path, files: int = 200) -> None:
    """A small workspace: ``files`` files in 20 directories, a requirements file in each."""
    for i in range(files):
        d = root / f"pkg{i % 20}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"mod{i}.py").write_text(f"x = {i}\n")
    for j in range(20):
        (root / f"pkg{j}" / "requirements.txt").write_text(f"attrs=={20 + j}.1.0\n")


def timed(argv: list[str], stdin: str | None, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-400:]}")
    return elapsed, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "ws"
        build_tree(tree)
        request = json.dumps(
            {"cwd": str(tree), "patterns": [PATTERN], "follow": False, "flavor": "runner"}
        )
        rows: dict[str, tuple[list[str], str | None]] = {
            "python -c pass": ([py, "-c", "pass"], None),
            "cachekit --version": ([py, "-m", "cachekit", "--version"], None),
            "cachekit hash (200 files)": (
                [py, "-m", "cachekit", "hash", str(tree), "--", PATTERN],
                None,
            ),
        }
        node = shutil.which("node")
        if node and (ORACLE.parent / "node_modules").is_dir():
            rows["node: runner hashFiles (200 files)"] = ([node, str(ORACLE)], request + "\n")
        else:
            print("node row skipped: run `npm ci --prefix tests/oracle`", file=sys.stderr)
        times: dict[str, list[float]] = {name: [] for name in rows}
        outputs: dict[str, str] = {}
        for _ in range(args.rounds):
            for name, (argv, stdin) in rows.items():
                elapsed, out = timed(argv, stdin, env)
                times[name].append(elapsed)
                outputs[name] = out
    ours = outputs["cachekit hash (200 files)"].strip()
    if "node: runner hashFiles (200 files)" in outputs:
        theirs = json.loads(outputs["node: runner hashFiles (200 files)"])["digest"]
        assert ours == theirs, f"digests differ: {ours} vs {theirs}"
    print(f"{'':38} {'min':>8} {'median':>8}   ({args.rounds} rounds, interleaved)")
    for name, values in times.items():
        print(f"{name:38} {min(values):7.3f}s {statistics.median(values):7.3f}s")
    bare = times["python -c pass"]
    version = times["cachekit --version"]
    margin_min = min(version) - min(bare)
    margin_median = statistics.median(version) - statistics.median(bare)
    print(
        f"\ncachekit --version over a bare interpreter: +{margin_min:.3f}s (min), "
        f"+{margin_median:.3f}s (median); target +0.100s"
    )


if __name__ == "__main__":
    main()
