"""``cachekit hash``: hashFiles() exactly as the runner computes it."""

from __future__ import annotations

import click

from ..errors import UsageError
from .common import (
    OSES,
    Output,
    RepoThenArgs,
    Terminal,
    output_options,
    repo_then_args,
    reports_errors,
    rev_option,
    terminal_options,
    workspace_dir,
)


@click.command("hash", cls=RepoThenArgs, context_settings={"ignore_unknown_options": True})
@repo_then_args("-- ARG...")
@rev_option("Hash this git commit from the object store, without checking it out.")
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
@click.option(
    "--os",
    "os_name",
    type=click.Choice(OSES),
    default="linux",
    show_default=True,
    help="The runner OS whose path rules apply.",
)
@click.option(
    "--flavor",
    type=click.Choice(["runner", "setup-action"]),
    default="runner",
    show_default=True,
    help="runner: ${{ hashFiles() }}; setup-action: the hashFiles inside setup-* "
    "actions (glob 0.7.0, symlinks followed).",
)
@reports_errors
@terminal_options
@output_options("hash")
def command(
    repo: str | None,
    root: str | None,
    rev: str | None,
    follow: bool,
    show_files: bool,
    os_name: str,
    flavor: str,
    args: tuple[str, ...],
    out: Output,
    term: Terminal,
) -> None:
    """Compute hashFiles(ARG...) exactly as GitHub's runner does, in REPO (default .).

    REPO is the workspace (a working tree), or the repository for --rev. ARGs are hashFiles()
    arguments as a workflow writes them: patterns, '!' excludes, '#' comments, several per
    argument separated by newlines. Prints the digest, or an empty line when nothing matched
    (GitHub gives ''). Exit 1 when the runner would fail the step.
    """
    from ..fs.gittree import tree_at  # noqa: PLC0415 - imported when the command runs
    from ..hashing.hashfiles import Flavor, TargetOS, hash_files  # noqa: PLC0415

    if not args:
        raise UsageError("hash needs at least one ARG, after --: cachekit hash [REPO] -- ARG...")
    workspace = workspace_dir(repo, root, term) or "."
    with tree_at(workspace, rev) as tree:
        result = hash_files(
            tree,
            list(args),
            follow_symbolic_links=follow or None,
            flavor=Flavor(flavor),
            target_os=TargetOS(os_name),
        )
    for caveat in result.caveats:
        term.note(caveat)
    out.emit(result, files=show_files)
