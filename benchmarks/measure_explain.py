"""Measure `explain` over real repositories: no crash, every cache step found, and speed.

For each repository (a git directory, e.g. one brought by the search tool's fetch), the
newest commit is explained from git objects and compared with an independent count of cache
steps: every step of every workflow file and local composite action whose `uses:` is a cache
action (`*/cache`, `*/cache/restore`, `*/cache/save`) or a setup action with a `cache:` input
(setup-go: any). Steps are counted once each, whatever their matrix.

    python benchmarks/measure_explain.py /work/.mirror/*/repo
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cachekit.explain import explain

CACHE_USES = re.compile(r"^[^/@]+/cache(/restore|/save)?@", re.IGNORECASE)
SETUP_USES = re.compile(r"^actions/setup-(python|node|go|java)@", re.IGNORECASE)


def _steps(doc: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    if not isinstance(doc, dict):
        return out
    jobs = doc.get("jobs")
    if isinstance(jobs, dict):
        for job in jobs.values():
            if isinstance(job, dict) and isinstance(job.get("steps"), list):
                out.extend(s for s in job["steps"] if isinstance(s, dict))
    runs = doc.get("runs")
    if isinstance(runs, dict) and isinstance(runs.get("steps"), list):
        out.extend(s for s in runs["steps"] if isinstance(s, dict))
    return out


def expected_cache_steps(repo: str) -> tuple[int, int]:
    """(workflow/action files, cache steps) counted independently with plain PyYAML."""
    names = subprocess.run(
        ["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    files = [
        n
        for n in names
        if re.match(r"\.github/workflows/[^/]+\.ya?ml$", n)
        or re.match(r"\.github/actions/.+/action\.ya?ml$", n)
    ]
    count = 0
    for name in files:
        text = subprocess.run(
            ["git", "-C", repo, "show", f"HEAD:{name}"], capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")
        try:
            doc = yaml.load(text, Loader=yaml.BaseLoader)  # strings only: no 1.1 surprises
        except yaml.YAMLError:
            continue
        for step in _steps(doc):
            uses = str(step.get("uses", ""))
            with_ = step.get("with") if isinstance(step.get("with"), dict) else {}
            if CACHE_USES.match(uses) or (
                SETUP_USES.match(uses)
                and (with_.get("cache") or uses.lower().startswith("actions/setup-go@"))
            ):
                count += 1
    return len(files), count


def main(repos: list[str]) -> int:
    print(
        f"{'repository':<32} {'files':>5} {'expected':>8} {'found':>6} {'reports':>7} "
        f"{'problems':>8} {'seconds':>8}"
    )
    totals = [0, 0, 0, 0, 0]
    crashed = 0
    for repo in repos:
        name = Path(repo).parent.name if Path(repo).name == "repo" else Path(repo).name
        files, expected = expected_cache_steps(repo)
        t0 = time.perf_counter()
        try:
            result = explain(repo, rev="HEAD")
        except Exception:  # the point is to find crashes
            crashed += 1
            print(f"{name:<32} CRASH")
            traceback.print_exc()
            continue
        seconds = time.perf_counter() - t0
        found = len({(c.mark.path, c.mark.line) for c in result.caches})
        print(
            f"{name:<32} {files:>5} {expected:>8} {found:>6} {len(result.caches):>7} "
            f"{len(result.problems):>8} {seconds:>8.2f}"
        )
        for i, v in enumerate((files, expected, found, len(result.caches), len(result.problems))):
            totals[i] += v
    print(
        f"{'total':<32} {totals[0]:>5} {totals[1]:>8} {totals[2]:>6} {totals[3]:>7} {totals[4]:>8}"
    )
    print(f"crashes: {crashed}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
