"""Benchmark: the same inputs resolved by pip-compile (pip-tools) and by uv, side by side.

Two inputs, both offline:

- generated: a local find-links directory of N packages (3 versions each) whose versions
  depend on lower-numbered packages with mixed specifiers (``>=1.1``, ``<2``, ``~=1.0``,
  ``!=1.0.0``), so the resolvers must backtrack; the requirements name the top R packages.
- realistic (when the machine has them): the local simple indexes under /opt/pypi*/ (wheels
  of real releases), with a requirements set of well-known packages whose whole dependency
  closure is there (each is tried alone first).

Each backend resolves each input ``--rounds`` times with a cold cache (cachekit's default:
every run starts empty) and ``--rounds`` times with a warm one (``cache_dir``); the table gives
the median seconds (wall clock of the resolver subprocess), the number of pins, and whether
the two backends chose identical versions (and identical ``via`` annotations).

    python benchmarks/bench_resolve.py                     # 200 packages, 3 rounds
    python benchmarks/bench_resolve.py --packages 50 --rounds 1 --no-realistic   # quick
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from wheelindex import Dist, write_wheels  # noqa: E402

from cachekit.environments.resolve import (  # noqa: E402
    Resolution,
    ResolveError,
    ResolveRequest,
    find_uv,
    resolve,
)
from cachekit.fs.trees import WorkTree  # noqa: E402

VERSIONS = ("1.0.0", "1.1.0", "2.0.0")
SPECS = ("", ">=1.1", "<2", "~=1.0", "!=1.0.0", ">=1.0")  # "<2" against 2.0.0: backtracking
EASY_SPECS = ("", ">=1.0", ">=1.1")  # the newest of everything fits: one right answer
REALISTIC = (
    "flask",
    "django",
    "requests",
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "fastapi",
    "pydantic",
    "sqlalchemy",
    "celery",
    "pytest",
    "black",
    "httpx",
    "jinja2",
    "boto3",
    "pyyaml",
    "rich",
    "typer",
    "uvicorn",
)
INDEXES = ("/opt/pypi/simple", "/opt/pypi-more/simple")


def generate(directory: Path, packages: int, seed: int, specs: Sequence[str] = SPECS) -> list[str]:
    """Write the wheels; return the package names, lowest first."""
    rng = random.Random(seed)
    names = [f"pkg{i:03d}" for i in range(packages)]
    dists = []
    for i, name in enumerate(names):
        for version in VERSIONS:
            deps = rng.sample(names[:i], min(i, rng.randint(0, 4)))
            dists.append(Dist(name, version, [d + rng.choice(specs) for d in deps]))
    write_wheels(directory, dists)
    return names


def run(
    tree: WorkTree, request: ResolveRequest, rounds: int, cache: str
) -> tuple[float, float, Resolution]:
    """Median seconds cold and warm, and the last resolution."""
    cold: list[float] = []
    warm: list[float] = []
    result = None
    for _ in range(rounds):
        result = resolve(tree, request)
        cold.append(result.seconds)
    resolve(tree, request, cache_dir=cache)  # fill the cache
    for _ in range(rounds):
        result = resolve(tree, request, cache_dir=cache)
        warm.append(result.seconds)
    assert result is not None
    return statistics.median(cold), statistics.median(warm), result


def _index_request(indexes: Sequence[str], backend: str, **kw: object) -> ResolveRequest:
    return ResolveRequest(
        backend=backend,
        index_url=Path(indexes[0]).as_uri(),
        extra_index_urls=tuple(Path(p).as_uri() for p in indexes[1:]),
        **kw,  # type: ignore[arg-type]
    )


def _resolvable(tree: WorkTree, package: str, indexes: Sequence[str], backend: str) -> bool:
    """Whether the local indexes hold the package's whole dependency closure (as wheels)."""
    try:
        resolve(tree, _index_request(indexes, backend, packages=(package,)))
    except ResolveError:
        return False
    return True


def table(name: str, rows: Sequence[tuple[str, float, float, Resolution]]) -> None:
    by = {backend: res for backend, _c, _w, res in rows}
    same = "-"
    same_via = "-"
    if len(by) == 2:
        a, b = by.values()
        differ = sum(1 for n, v in a.versions().items() if b.versions().get(n) != v)
        differ += len(b.versions().keys() - a.versions().keys())
        same = "yes" if not differ else f"NO ({differ} differ)"
        same_via = "yes" if a.pins == b.pins else "no"
    print(f"\n{name}")
    print(f"{'backend':<10} {'cold s':>8} {'warm s':>8} {'pins':>6}  identical  same via")
    for backend, cold, warm, res in rows:
        print(f"{backend:<10} {cold:>8.2f} {warm:>8.2f} {len(res.pins):>6}  {same:<9}  {same_via}")
    if same.startswith("NO"):
        a, b = by.values()
        names = sorted(
            n
            for n in a.versions().keys() | b.versions().keys()
            if a.versions().get(n) != b.versions().get(n)
        )
        shown = [f"{n} {a.versions().get(n)}/{b.versions().get(n)}" for n in names[:6]]
        print(f"  differences ({'/'.join(by)}): {', '.join(shown)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--roots", type=int, default=25, help="top packages required")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-realistic", action="store_true")
    args = parser.parse_args(argv)
    backends = ["pip-tools"] + (["uv"] if find_uv() else [])
    print(f"python {sys.version.split()[0]}, backends: {', '.join(backends)}, rounds {args.rounds}")
    with tempfile.TemporaryDirectory(prefix="bench-resolve-") as scratch:
        base = Path(scratch)
        repo = base / "repo"
        repo.mkdir()
        tree = WorkTree(str(repo))
        for label, specs in (("no conflicts", EASY_SPECS), ("backtracking", SPECS)):
            wheels = base / f"wheels-{len(specs)}"
            names = generate(wheels, args.packages, args.seed, specs)
            roots = names[-args.roots :]
            (repo / "requirements.in").write_text("".join(f"{n}\n" for n in roots))
            rows = []
            for backend in backends:
                request = ResolveRequest(
                    requirements=("requirements.in",),
                    backend=backend,
                    no_index=True,
                    find_links=(str(wheels),),
                )
                cache = str(base / f"cache-{backend}-{len(specs)}")
                rows.append((backend, *run(tree, request, args.rounds, cache)))
            table(
                f"generated, {label}: {args.packages} packages x {len(VERSIONS)} versions, "
                f"{len(roots)} required (find-links)",
                rows,
            )

        indexes = [p for p in INDEXES if os.path.isdir(p)]
        if args.no_realistic or not indexes:
            return 0
        present = [n for n in REALISTIC if os.path.isdir(os.path.join(indexes[0], n))]
        present = [n for n in present if _resolvable(tree, n, indexes, backends[-1])]
        (repo / "realistic.in").write_text("".join(f"{n}\n" for n in present))
        rows = []
        for backend in backends:
            request = _index_request(indexes, backend, requirements=("realistic.in",))
            cache = str(base / f"cache-real-{backend}")
            rows.append((backend, *run(tree, request, args.rounds, cache)))
        table(f"realistic: {len(present)} packages from {', '.join(indexes)}", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
