"""``cachekit check`` over real repositories: findings per code, and the time it takes.

Usage: python benchmarks/measure_check.py REPO [REPO ...]   (git repositories; HEAD is read
without a checkout). Prints one row per repository and the totals per finding code, so a
change to the engine shows up as a change in what it reports on real workflows.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

from cachekit.checks import check
from cachekit.errors import CachekitError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--show", action="store_true", help="print every finding")
    args = parser.parse_args(argv)
    totals: collections.Counter[str] = collections.Counter()
    print("| repository | caches | jobs | findings | seconds |")
    print("| --- | --- | --- | --- | --- |")
    started = time.perf_counter()
    for repo in args.repos:
        name = Path(repo).resolve().parent.name if repo.rstrip("/").endswith("repo") else repo
        t0 = time.perf_counter()
        try:
            result = check(repo, rev=args.rev)
        except CachekitError as exc:
            print(f"| {name} | error: {exc} | | | |")
            continue
        seconds = time.perf_counter() - t0
        codes = collections.Counter(f.code for f in result.findings)
        totals.update(codes)
        summary = ", ".join(f"{c} {n}" for c, n in codes.most_common()) or "-"
        print(f"| {name} | {result.caches} | {result.jobs} | {summary} | {seconds:.2f} |")
        if args.show:
            for f in result.findings:
                print(f"    {f.file}:{f.line} {f.severity} [{f.code}] {f.message}", file=sys.stderr)
    print()
    print(f"total: {sum(totals.values())} findings in {time.perf_counter() - started:.1f} s")
    for code, n in totals.most_common():
        print(f"  {code}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
