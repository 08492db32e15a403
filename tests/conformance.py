"""Compare cachekit's hashFiles with the node oracle on one tree and one argument list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oracle_client import HashFilesOracle

from cachekit import Flavor, HashFilesError, WorkTree, hash_files


@dataclass(frozen=True)
class Outcome:
    digest: str | None
    files: tuple[str, ...]
    error: str | None


def runner_split(args: list[str]) -> tuple[list[str], bool]:
    """The runner's C# option handling (HashFilesFunction.cs), written out independently."""
    if args and args[0].startswith("--") and args[0].lower() == "--follow-symbolic-links":
        return args[1:], True
    return args, False


def cachekit_outcome(
    root: Path, args: list[str], *, follow: bool | None = None, flavor: str = "runner"
) -> Outcome:
    tree = WorkTree(str(root))
    try:
        r = hash_files(
            tree,
            args,
            follow_symbolic_links=follow,
            flavor=Flavor.RUNNER if flavor == "runner" else Flavor.SETUP_ACTION,
        )
    except HashFilesError as exc:
        return Outcome(None, (), str(exc))
    return Outcome(r.digest, tuple(f.path for f in r.files), None)


def oracle_outcome(
    oracle: HashFilesOracle,
    root: Path,
    args: list[str],
    *,
    follow: bool | None = None,
    flavor: str = "runner",
) -> Outcome:
    cwd = str(root.resolve())
    if flavor == "runner":
        patterns, opt = runner_split(args)
        res = oracle.hash(cwd, patterns, follow=opt or bool(follow), flavor="runner")
    else:
        res = oracle.hash(cwd, args, follow=True if follow is None else follow, flavor="setup")
    if res.error is not None:
        return Outcome(None, (), res.error)
    prefix = cwd + "/"
    return Outcome(res.digest, tuple(f[len(prefix) :] for f in res.files), None)


def assert_same(
    oracle: HashFilesOracle,
    root: Path,
    args: list[str],
    *,
    follow: bool | None = None,
    flavor: str = "runner",
) -> Outcome:
    """Both fail, or both give the same digest from the same files in the same order."""
    ours = cachekit_outcome(root, args, follow=follow, flavor=flavor)
    theirs = oracle_outcome(oracle, root, args, follow=follow, flavor=flavor)
    context = f"args={args!r} follow={follow} flavor={flavor} tree={root}"
    if theirs.error is not None or ours.error is not None:
        assert (ours.error is None) == (theirs.error is None), (
            f"{context}\n cachekit: {ours}\n oracle:   {theirs}"
        )
        return ours
    assert ours.files == theirs.files, (
        f"{context}\n cachekit: {ours.files}\n oracle:   {theirs.files}"
    )
    assert ours.digest == theirs.digest, context
    return ours
