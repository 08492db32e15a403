"""``cachekit eval``: one expression, evaluated as GitHub would."""

from __future__ import annotations

import json

import click

from ..errors import UsageError
from .common import Output, Terminal, output_options, reports_errors, terminal_options


@click.command("eval")
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
@click.argument("expression", metavar="-- EXPR")
@reports_errors
@terminal_options
@output_options("eval")
def command(
    context_file: str | None, root: str | None, expression: str, out: Output, term: Terminal
) -> None:
    """Evaluate one expression (bare, or a template with ${{ }} parts) as GitHub would.

    --format json prints the value as JSON (it has no fixed shape, so no schema name).
    """
    from ..evaluate import evaluate_expression  # noqa: PLC0415 - imported when it runs

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
        from ..fs.trees import WorkTree  # noqa: PLC0415
        from ..hashing.hashfiles import hash_files  # noqa: PLC0415

        tree = WorkTree(root)

        def hasher(args: list[str]) -> str:
            return hash_files(tree, args).digest

    out.emit(evaluate_expression(expression, context=context, hash_files=hasher))
