"""The ``cachekit`` command: parses options, calls the library, renders the result.

Nothing here computes anything; every command is a library function. Errors from the library
(:class:`~cachekit.errors.CachekitError`) become one line on stderr and their exit code.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import click

from . import __version__
from .errors import CachekitError, UsageError
from .evaluate import evaluate_expression
from .explain import Options, compare, explain
from .gitrepo import GitRepo
from .gittree import CommitTree
from .hashfiles import Flavor, TargetOS, hash_files
from .render import render_comparison, render_eval, render_explain
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
        except Exception as exc:  # a bug: one line, not a traceback (CACHEKIT_DEBUG shows it)
            if os.environ.get("CACHEKIT_DEBUG"):
                raise
            click.echo(
                f"cachekit: internal error: {type(exc).__name__}: {exc} "
                "(a bug: please report it; CACHEKIT_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(70)

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


@main.command("explain")
@click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--workflow", "-w", default=None, help="Only this workflow (file name or path).")
@click.option("--job", "-j", default=None, help="Only this job id.")
@click.option("--rev", default=None, metavar="REV", help="Explain this commit (no checkout).")
@click.option(
    "--event",
    default="push",
    show_default=True,
    help="The event of the run being modelled (github.event_name).",
)
@click.option("--ref", default=None, help="The ref of the run (default refs/heads/main).")
@click.option(
    "--os",
    "os_name",
    type=click.Choice(["linux", "macos", "windows"]),
    default=None,
    help="What an unknown or self-hosted runs-on is.",
)
@click.option(
    "--arch", type=click.Choice(["x64", "arm64"]), default=None, help="The architecture for --os."
)
@click.option(
    "--compare",
    "compare_revs",
    nargs=2,
    default=None,
    metavar="A B",
    help="Which inputs changed each key between A and B ('-' for the working tree).",
)
@click.option(
    "--python-manifest",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="actions/python-versions versions-manifest.json to resolve versions with "
    "(default: the bundled dated snapshot).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_reports_errors
def explain_command(
    repo: str,
    workflow: str | None,
    job: str | None,
    rev: str | None,
    event: str,
    ref: str | None,
    os_name: str | None,
    arch: str | None,
    compare_revs: tuple[str, str] | None,
    python_manifest: str | None,
    as_json: bool,
) -> None:
    """Show every cache of REPO's workflows and every input of every key.

    For each cache step x matrix combination: where it is, the key template, the evaluated
    key, each component (literal, context value and where it came from, hashFiles with the
    files it hashed), restore keys, paths, the cache version and what feeds it, and warnings.
    """
    if compare_revs is not None:
        before, after = compare_revs
        options = Options(
            event=event,
            ref=ref or "refs/heads/main",
            os=os_name,
            arch=arch,
            workflow=workflow,
            job=job,
            python_manifest=python_manifest,
        )
        cmp = compare(repo, before, None if after == "-" else after, options)
        click.echo(json.dumps(cmp.to_json(), indent=2) if as_json else render_comparison(cmp))
        return
    result = explain(
        repo,
        rev=rev,
        workflow=workflow,
        job=job,
        event=event,
        ref=ref,
        os=os_name,
        arch=arch,
        python_manifest=python_manifest,
    )
    click.echo(json.dumps(result.to_json(), indent=2) if as_json else render_explain(result))


@main.command("eval")
@click.option(
    "--context",
    "context_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="JSON file mapping context names to values.",
)
@click.option(
    "--root",
    default=None,
    type=click.Path(file_okay=False, exists=True),
    help="Workspace for hashFiles() (without it hashFiles is unknown).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the value as JSON.")
@click.argument("expression", metavar="-- EXPR")
@_reports_errors
def eval_command(
    context_file: str | None, root: str | None, as_json: bool, expression: str
) -> None:
    """Evaluate one expression (bare, or a template with ${{ }} parts) as GitHub would."""
    context: dict[str, object] = {}
    if context_file is not None:
        try:
            with open(context_file, encoding="utf-8") as fh:
                loaded = json.load(fh)
        except (OSError, ValueError) as exc:
            raise UsageError(f"{context_file}: not a JSON file ({exc})") from None
        if not isinstance(loaded, dict):
            raise UsageError(f"{context_file}: the context must be a JSON object")
        context = loaded
    hasher = None
    if root is not None:
        tree = WorkTree(root)

        def hasher(args: list[str]) -> str:
            return hash_files(tree, args).digest

    result = evaluate_expression(expression, context=context, hash_files=hasher)
    if as_json:
        click.echo(json.dumps(result.value, indent=2))
    else:
        click.echo(render_eval(result))


if __name__ == "__main__":  # pragma: no cover
    main()
