"""The measurement corpus: which public repositories, at which commit, and where they are.

Usage: python benchmarks/corpus.py [--mirror DIR]

Reads ``benchmarks/corpus.toml`` and says, for each repository, whether its snapshot is on this
machine with the pinned commit (readable from the git object store, no checkout needed). A
missing one is brought with the search tool's ``fetch github:OWNER/NAME``, which lands in
``/work/.mirror/OWNER+NAME/``. Exit status 1 when any is missing, so a measurement never
silently runs over fewer repositories than the table claims.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.toml"
MIRROR = Path("/work/.mirror")


@dataclass(frozen=True)
class Repository:
    """One corpus entry: ``owner/name`` pinned at a commit."""

    name: str
    commit: str
    ecosystem: str
    tags: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.name.replace("/", "+")

    def git_dir(self, mirror: Path = MIRROR) -> Path | None:
        """The snapshot's git directory (a bare ``repo`` or a ``repo/.git``), if fetched."""
        base = mirror / self.slug / "repo"
        for candidate in (base / ".git", base):
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                return candidate
        return None

    def has_commit(self, mirror: Path = MIRROR) -> bool:
        git = self.git_dir(mirror)
        if git is None:
            return False
        probe = subprocess.run(
            ["git", f"--git-dir={git}", "cat-file", "-e", f"{self.commit}^{{commit}}"],
            capture_output=True,
            check=False,
        )
        return probe.returncode == 0


def load(path: Path = CORPUS) -> list[Repository]:
    """The corpus entries in file order."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        Repository(r["name"], r["commit"], r["ecosystem"], tuple(r.get("tags", ())))
        for r in data["repository"]
    ]


def missing(repos: list[Repository], mirror: Path = MIRROR) -> list[tuple[Repository, str]]:
    """The entries not usable here, each with what to do about it."""
    out = []
    for repo in repos:
        if repo.git_dir(mirror) is None:
            out.append((repo, f"not fetched: fetch github:{repo.name}"))
        elif not repo.has_commit(mirror):
            out.append(
                (
                    repo,
                    f"snapshot lacks {repo.commit[:12]}: fetch github:{repo.name} again, "
                    "or re-pin corpus.toml to its HEAD",
                )
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=MIRROR)
    args = parser.parse_args(argv)
    repos = load()
    absent = missing(repos, args.mirror)
    by_eco: dict[str, int] = {}
    for repo in repos:
        by_eco[repo.ecosystem] = by_eco.get(repo.ecosystem, 0) + 1
    counts = ", ".join(f"{e} {n}" for e, n in sorted(by_eco.items()))
    print(f"{len(repos)} repositories ({counts}); {len(repos) - len(absent)} present")
    for repo, what in absent:
        print(f"  {repo.name}: {what}")
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main())
