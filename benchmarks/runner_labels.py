"""How many ``runs-on`` labels of real workflows resolve to a known ``runner.os``.

Reads every workflow at HEAD of each git mirror given (default: ``/work/.mirror/*/repo``) as
git objects (nothing is checked out or run), collects the labels each job can run on — a
literal ``runs-on``, or the values of the matrix variable a ``${{ matrix.X }}`` names
(``include`` entries too) — and asks :func:`cachekit.caches.hosted_runner` for each. A label
counts as resolved when it gives ``runner.os``; ``arch`` counts those that also give
``runner.arch``. Run it with another checkout first on ``PYTHONPATH`` for the baseline::

    PYTHONPATH=/work/main python benchmarks/runner_labels.py    # before
    PYTHONPATH=.          python benchmarks/runner_labels.py    # after
"""

from __future__ import annotations

import argparse
import collections
import glob
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import yaml

from cachekit.caches import hosted_runner
from cachekit.errors import CachekitError

_MATRIX = re.compile(r"^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$")


def _git(git_dir: str, *args: str) -> str:
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=False
    )
    return proc.stdout if proc.returncode == 0 else ""


def workflows(git_dir: str) -> Iterator[Any]:
    names = _git(git_dir, "ls-tree", "--name-only", "HEAD", ".github/workflows/")
    for path in names.split():
        if path.endswith((".yml", ".yaml")):
            try:
                yield yaml.safe_load(_git(git_dir, "show", f"HEAD:{path}"))
            except yaml.YAMLError:
                continue


def _matrix_values(job: dict[str, Any], var: str) -> list[Any]:
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if not isinstance(matrix, dict):
        return []
    values = matrix.get(var)
    out = list(values) if isinstance(values, list) else []
    for entry in matrix.get("include") or []:
        if isinstance(entry, dict) and var in entry:
            out.append(entry[var])
    return out


def labels(job: dict[str, Any]) -> Iterator[str]:
    """Each label (or label list, joined by ``,``) the job may run on."""
    runs_on = job.get("runs-on")
    found = _MATRIX.match(runs_on.strip()) if isinstance(runs_on, str) else None
    values = _matrix_values(job, found.group(1)) if found else [runs_on]
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            yield ",".join(value)


def resolve(label: str) -> tuple[bool, bool]:
    """(runner.os known, runner.arch known), as the evaluator asks for a single label."""
    parts = [p for p in label.split(",") if p.lower() != "self-hosted"]
    if len(parts) != 1 or len(parts) != len(label.split(",")) or "${{" in label:
        return False, False
    try:
        env = hosted_runner(parts[0].lower())
    except CachekitError:
        return False, False
    return True, getattr(env, "arch_known", True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dirs", nargs="*", default=sorted(glob.glob("/work/.mirror/*/repo")))
    parser.add_argument("--unknown", action="store_true", help="list the unresolved labels")
    args = parser.parse_args()
    total = os_known = arch_known = 0
    unknown: collections.Counter[str] = collections.Counter()
    for git_dir in args.git_dirs:
        for wf in workflows(git_dir):
            jobs = wf.get("jobs") if isinstance(wf, dict) else None
            for job in (jobs or {}).values():
                if not isinstance(job, dict):
                    continue
                for label in labels(job):
                    total += 1
                    known_os, known_arch = resolve(label)
                    os_known += known_os
                    arch_known += known_os and known_arch
                    if not known_os:
                        unknown[label] += 1
    print(f"{len(args.git_dirs)} repositories, {total} runs-on labels (jobs x matrix values)")
    print(f"runner.os known:   {os_known} ({100 * os_known / max(total, 1):.1f}%)")
    print(f"runner.arch known: {arch_known} ({100 * arch_known / max(total, 1):.1f}%)")
    if args.unknown:
        for label, n in unknown.most_common():
            print(f"{n:5}  {label}")


if __name__ == "__main__":
    main()
