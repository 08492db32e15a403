"""How many setup-uv and rust-cache caches explain finds in real repositories, against a count
made independently with PyYAML.

    python benchmarks/measure_caching_actions.py /work/.mirror/*/repo

Each argument is a git directory (bare or a work tree's); its HEAD is read without checkout.
The independent count reads ``.github/workflows/*.y*ml`` at HEAD with ``yaml.safe_load`` and
counts the steps that use ``astral-sh/setup-uv`` with caching on (``enable-cache: true``, or
unset/``auto`` from v5, the release that made ``auto`` the default, on a job whose ``runs-on``
is a GitHub-hosted image label; an expression there or in ``enable-cache`` is "undecided"; a
SHA pin counts as the release its ``# vX`` comment names, else as current) or
``Swatinem/rust-cache`` (always on).
explain's count is the distinct steps (file and line) its caches come from, so matrix
combinations count once; steps inside local composite actions are listed apart, as PyYAML
does not follow them. A crash is any exception other than cachekit's own one-line errors.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

from cachekit.errors import CachekitError
from cachekit.explain import explain

ACTIONS = {"astral-sh/setup-uv": "setup-uv", "swatinem/rust-cache": "rust-cache"}


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=False
    ).stdout


HOSTED = re.compile(r"(ubuntu|windows|macos)-[\w.-]+")


def _hosted(runs_on: object) -> bool | None:
    """Whether ``runs-on`` names a GitHub-hosted image (None: an expression)."""
    labels = runs_on if isinstance(runs_on, list) else [runs_on]
    if any("${{" in str(x) for x in labels):
        return None
    return len(labels) == 1 and bool(HOSTED.fullmatch(str(labels[0])))


def _uv_caches(with_: dict[str, object], ref: str, comment: str, runs_on: object) -> bool | None:
    raw = str(with_.get("enable-cache", "")).strip().lower()
    if "${{" in raw:
        return None
    if raw in ("true", "false"):
        return raw == "true"
    m = re.match(r"v?(\d+)", ref) or re.search(r"v(\d+)", comment)
    major = int(m.group(1)) if m else 99
    # auto (v5+): on only on GitHub-hosted runners (RUNNER_ENVIRONMENT == github-hosted)
    return major >= 5 and _hosted(runs_on)


def independent(git_dir: str) -> tuple[Counter[str], int]:
    """(steps with caching on per action, steps whose enable-cache is an expression)."""
    found: Counter[str] = Counter()
    undecided = 0
    names = _git(git_dir, "ls-tree", "--name-only", "HEAD", ".github/workflows/").split()
    for name in names:
        if not name.endswith((".yml", ".yaml")):
            continue
        text = _git(git_dir, "show", f"HEAD:{name}")
        comments = dict(re.findall(r"uses:\s*(\S+)\s*#\s*(\S+)", text))
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        jobs = data.get("jobs") if isinstance(data, dict) else None
        for job in (jobs or {}).values():
            for step in (job or {}).get("steps") or []:
                uses = str((step or {}).get("uses", ""))
                action, _, ref = uses.partition("@")
                label = ACTIONS.get(action.lower())
                if label is None:
                    continue
                on = True
                if label == "setup-uv":
                    with_ = step.get("with") or {}
                    on = _uv_caches(with_, ref, comments.get(uses, ""), job.get("runs-on"))
                if on is None:
                    undecided += 1
                elif on:
                    found[label] += 1
    return found, undecided


def by_explain(git_dir: str) -> tuple[Counter[str], Counter[str], int, str | None]:
    """(steps in workflow files, steps in composite actions, cache reports, crash)."""
    try:
        result = explain(git_dir, rev="HEAD")
    except CachekitError as exc:
        return Counter(), Counter(), 0, f"error (one line): {exc}"
    except Exception as exc:
        return Counter(), Counter(), 0, f"CRASH {type(exc).__name__}: {exc}"
    steps: dict[str, set[tuple[str, int]]] = {"workflow": set(), "composite": set()}
    labels: dict[tuple[str, int], str] = {}
    reports = 0
    for cache in result.caches:
        label = ACTIONS.get(cache.uses.split("@")[0].lower())
        if label is None:
            continue
        reports += 1
        where = (cache.mark.path, cache.mark.line)
        kind = "workflow" if cache.mark.path.startswith(".github/workflows/") else "composite"
        steps[kind].add(where)
        labels[where] = label
    return (
        Counter(labels[w] for w in steps["workflow"]),
        Counter(labels[w] for w in steps["composite"]),
        reports,
        None,
    )


def main(paths: list[str]) -> int:
    totals: Counter[str] = Counter()
    crashes = 0
    print("repository | PyYAML uv/rust (undecided) | explain uv/rust steps | +composite | reports")
    for git_dir in paths:
        counted, undecided = independent(git_dir)
        if not counted and not undecided:
            continue
        start = time.perf_counter()
        steps, composite, reports, crash = by_explain(git_dir)
        took = time.perf_counter() - start
        name = Path(git_dir).resolve().parent.name.replace("+", "/")
        crashes += bool(crash and crash.startswith("CRASH"))
        print(
            f"{name} | {counted['setup-uv']}/{counted['rust-cache']} ({undecided})"
            f" | {steps['setup-uv']}/{steps['rust-cache']}"
            f" | {composite['setup-uv']}/{composite['rust-cache']} | {reports}"
            f" | {took:.1f}s{' | ' + crash if crash else ''}"
        )
        totals.update({f"yaml {k}": v for k, v in counted.items()})
        totals.update({f"explain {k}": v for k, v in steps.items()})
        totals["undecided"] += undecided
        totals["reports"] += reports
    print("total:", dict(sorted(totals.items())), "crashes:", crashes)
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
