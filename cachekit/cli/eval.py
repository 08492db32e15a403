"""``cachekit eval``: one expression, evaluated as GitHub would."""

from __future__ import annotations

import json

import click

from ..errors import UsageError
from .common import (
    Output,
    RepoThenArgs,
    Terminal,
    output_options,
    repo_then_args,
    reports_errors,
    terminal_options,
    workspace_dir,
)


@click.command("eval", cls=RepoThenArgs)
@click.option(
    "--context",
    "context_file",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="JSON file mapping context names to values.",
)
@repo_then_args("-- EXPR")
@reports_errors
@terminal_options
@output_options("eval")
def command(
    context_file: str | None,
    repo: str | None,
    root: str | None,
    args: tuple[str, ...],
    out: Output,
    term: Terminal,
) -> None:
    """Evaluate one expression (bare, or a template with ${{ }} parts) as GitHub would.

    REPO is the workspace hashFiles() hashes; without it hashFiles is unknown (like a context
    not supplied). --format json prints the value as JSON (no fixed shape, so no schema name).
    """
    from ..evaluate import evaluate_expression  # noqa: PLC0415 - imported when it runs

    if len(args) != 1:
        raise UsageError(
            f"eval takes one EXPR, after --, not {len(args)}: cachekit eval [REPO] -- EXPR"
        )
    expression = args[0]
    workspace = workspace_dir(repo, root, term)
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
    if workspace is not None:
        from ..fs.trees import WorkTree  # noqa: PLC0415
        from ..hashing.hashfiles import hash_files  # noqa: PLC0415

        tree = WorkTree(workspace)

        def hasher(args: list[str]) -> str:
            return hash_files(tree, args).digest

    out.emit(evaluate_expression(expression, context=context, hash_files=hasher))
