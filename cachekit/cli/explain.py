"""``cachekit explain``: every cache and every input of every key."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import click

from .common import (
    Output,
    RunOptions,
    Terminal,
    exit_for_findings,
    fail_on_option,
    output_options,
    platform_of,
    platform_option,
    repo_argument,
    reports_errors,
    resolve_repo,
    rev_option,
    run_options,
    terminal_options,
)

if TYPE_CHECKING:
    from ..explain import ExplainResult


@click.command("explain")
@repo_argument
@rev_option("Explain this commit (no checkout).")
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
@fail_on_option("none")
@platform_option
@reports_errors
@terminal_options
@output_options("explain")
@run_options()
def command(
    repo: str,
    fail_on: str,
    rev: str | None,
    compare_revs: tuple[str, str] | None,
    python_manifest: str | None,
    platform: str | None,
    run: RunOptions,
    out: Output,
    term: Terminal,
) -> None:
    """Show every cache of REPO's workflows and every input of every key.

    For each cache step x matrix combination: where it is, the key template, the evaluated
    key, each component (literal, context value and where it came from, hashFiles with the
    files it hashed), restore keys, paths, the cache version and what feeds it, and warnings.
    """
    root = resolve_repo(repo, term, command="explain")
    chosen = platform_of(root, rev, platform)
    if chosen != "github":  # GitLab, CircleCI, Azure: the same result, their own rules
        from ..platforms.dispatch import explain_platform  # noqa: PLC0415

        result = explain_platform(root, chosen, rev=rev, options=run.platform_run())
    else:
        explained = _github(root, rev, compare_revs, python_manifest, run, out)
        if explained is None:  # --compare: the comparison is written
            return
        result = explained
    term.detail(f"{len(result.caches)} cache(s), {len(result.jobs)} job combination(s)")
    out.emit(result)
    found = [*result.problems, *(f for c in result.caches for f in c.findings)]
    exit_for_findings([f.severity for f in found], fail_on)


def _github(
    root: str,
    rev: str | None,
    compare_revs: tuple[str, str] | None,
    python_manifest: str | None,
    run: RunOptions,
    out: Output,
) -> ExplainResult | None:
    """GitHub's workflows explained, or None when --compare has written the comparison."""
    from ..explain import compare, explain  # noqa: PLC0415 - imported when the command runs

    options = run.explain_options(python_manifest)
    if compare_revs is not None:
        before, after = compare_revs
        run.check_selection(root, None if after == "-" else after)
        comparison = compare(root, before, None if after == "-" else after, options)
        replace(out, kind="compare").emit(comparison)
        return None
    run.check_selection(root, rev)
    return explain(
        root,
        rev=rev,
        workflow=run.workflow,
        job=run.job,
        event=run.event,
        ref=run.ref,
        os=run.os,
        arch=run.arch,
        python_manifest=python_manifest,
    )
