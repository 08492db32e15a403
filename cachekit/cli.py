"""The ``cachekit`` command: parses options, calls the library, renders the result.

Nothing here computes anything; every command is a library function. Errors from the library
(:class:`~cachekit.errors.CachekitError`) become one line on stderr and their exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from . import __version__
from .errors import CachekitError
from .gitrepo import GitRepo
from .gittree import CommitTree
from .hashfiles import Flavor, TargetOS, hash_files
from .trees import Tree, WorkTree

P = ParamSpec("P")
R = TypeVar("R")


def _reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into ``cachekit: error: …`` and the error's exit code."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CachekitError as exc:
            click.echo(f"cachekit: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("cachekit: interrupted", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cachekit")
def main() -> None:
    """The truth about your CI dependency caches."""


@main.command("hash", context_settings={"ignore_unknown_options": True})
@click.option(
    "--root",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="The workspace (a working tree), or the repository for --rev.",
)
@click.option(
    "--rev",
    default=None,
    metavar="REV",
    help="Hash this git commit from the object store, without checking it out.",
)
@click.option(
    "--follow-symbolic-links",
    "follow",
    is_flag=True,
    help="Follow symbolic links (same as a first ARG --follow-symbolic-links).",
)
@click.option(
    "--files",
    "show_files",
    is_flag=True,
    help="List each hashed file, in hashing order, with its SHA-256.",
)
@click.option("--json", "as_json", is_flag=True, help="Print {digest, files, patterns} as JSON.")
@click.option(
    "--os",
    "target_os",
    type=click.Choice([o.value for o in TargetOS]),
    default=TargetOS.LINUX.value,
    show_default=True,
    help="The runner OS whose path rules apply.",
)
@click.option(
    "--flavor",
    type=click.Choice([f.value for f in Flavor]),
    default=Flavor.RUNNER.value,
    show_default=True,
    help="runner: ${{ hashFiles() }}; setup-action: the hashFiles inside setup-* "
    "actions (glob 0.7.0, symlinks followed).",
)
@click.argument("args", nargs=-1, required=True, metavar="-- ARG...")
@_reports_errors
def hash_command(
    root: str,
    rev: str | None,
    follow: bool,
    show_files: bool,
    as_json: bool,
    target_os: str,
    flavor: str,
    args: tuple[str, ...],
) -> None:
    """Compute hashFiles(ARG...) exactly as GitHub's runner does.

    ARGs are hashFiles() arguments as a workflow writes them: patterns, '!' excludes,
    '#' comments, several per argument separated by newlines. Prints the digest, or an empty
    line when nothing matched (GitHub gives '').
    """
    tree: Tree
    repo: GitRepo | None = None
    if rev is not None:
        repo = GitRepo(root)
        tree = CommitTree(repo, rev)
    else:
        tree = WorkTree(root)
    try:
        result = hash_files(
            tree,
            list(args),
            follow_symbolic_links=follow or None,
            flavor=Flavor(flavor),
            target_os=TargetOS(target_os),
        )
    finally:
        if repo is not None:
            repo.close()
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    for caveat in result.caveats:
        click.echo(f"cachekit: note: {caveat}", err=True)
    if show_files:
        for f in result.files:
            click.echo(f"{f.sha256}  {f.path}")
        click.echo(f"digest: {result.digest}" if result.digest else "digest: '' (no file hashed)")
        return
    click.echo(result.digest)


if __name__ == "__main__":  # pragma: no cover
    main()
