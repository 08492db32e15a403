"""What every command shares: one option vocabulary, one error boundary, one terminal.

Each group of options is a decorator that adds the options and hands the command one value
instead of a handful of arguments (``out: Output``, ``run: RunOptions``, ``term: Terminal``),
so a command's signature lists only what is its own, and a new shared option (``--baseline``,
``--no-ignores``) is added in one place. Everything here is cheap to import: the library is
imported inside the functions that need it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, Final, Literal, ParamSpec, TypeVar

import click

from ..errors import CachekitError, EnvironmentFailure, UsageError
from ..output.registry import formats
from ..platforms.detect import PLATFORMS, Platform
from ..textsafe import safe_field

if TYPE_CHECKING:
    from ..explain import Options
    from ..output.registry import Kind
    from ..platforms.dispatch import RunOptions as PlatformRun

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_USAGE: Final = 2
EXIT_ENVIRONMENT: Final = 3
EXIT_BUG: Final = 70
EXIT_INTERRUPTED: Final = 130

Color = Literal["auto", "always", "never"]

#: The runner OSes ``--os`` names, on every command that takes it.
OSES: Final = ("linux", "macos", "windows")


def _decorate(fn: Callable[..., Any], options: tuple[Callable[[Any], Any], ...]) -> Any:
    for option in reversed(options):
        fn = option(fn)
    return fn


# -- the error boundary -------------------------------------------------------------------------


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Library errors become ``cachekit: error: …`` and their exit code; a bug exits 70."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CachekitError as exc:
            # an error names files and values from the repository: one safe line
            click.echo(f"cachekit: error: {safe_field(str(exc))}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("cachekit: error: no answer to the prompt (use --yes)", err=True)
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("cachekit: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # a bug: one line, not a traceback (CACHEKIT_DEBUG shows it)
            if os.environ.get("CACHEKIT_DEBUG"):
                raise
            click.echo(
                f"cachekit: internal error: {type(exc).__name__}: {safe_field(str(exc))} "
                "(a bug: please report it; CACHEKIT_DEBUG=1 shows the traceback)",
                err=True,
            )
            sys.exit(EXIT_BUG)

    return wrapper


# -- the terminal -------------------------------------------------------------------------------


def use_color(choice: Color, isatty: bool) -> bool:
    """``--color``; ``auto`` honours NO_COLOR, then FORCE_COLOR, then whether it is a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return isatty


@dataclass(frozen=True)
class Terminal:
    """Where notes, verbose details and progress go: stderr, never mixed into the output."""

    color: Color = "auto"
    quiet: bool = False
    verbose: bool = False

    def note(self, message: str) -> None:
        """Something the user should know about how the answer was reached (``-q`` hides)."""
        if not self.quiet:
            click.echo(f"cachekit: note: {safe_field(message)}", err=True)

    def detail(self, message: str) -> None:
        """What ``-v`` adds: what was read, how long it took."""
        if self.verbose and not self.quiet:
            click.echo(f"cachekit: {safe_field(message)}", err=True)

    def progress(self, what: str) -> Callable[[int, int], None] | None:
        """A ``done/total`` counter on stderr, only when stderr is a terminal."""
        if self.quiet or not sys.stderr.isatty():
            return None

        def show(done: int, total: int) -> None:
            if done == total or done % 10 == 0:
                click.echo(f"\r  {what} {done}/{total}", err=True, nl=done == total)

        return show


def terminal_options(fn: Callable[..., R]) -> Callable[..., R]:
    """``--color``, ``-q``, ``-v`` → ``term: Terminal``."""

    @wraps(fn)
    def wrapper(*args: Any, color: Color, quiet: bool, verbose: bool, **kwargs: Any) -> R:
        return fn(*args, term=Terminal(color, quiet, verbose), **kwargs)

    return _decorate(  # type: ignore[no-any-return]
        wrapper,
        (
            click.option(
                "--color",
                type=click.Choice(["auto", "always", "never"]),
                default="auto",
                show_default=True,
                help="Colour severities and outcomes (auto: a terminal, unless NO_COLOR is set; "
                "FORCE_COLOR forces it).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No notes or progress on stderr."),
            click.option(
                "-v", "--verbose", is_flag=True, help="Say on stderr what was read, and timings."
            ),
        ),
    )


# -- output -------------------------------------------------------------------------------------


def check_writable(path: str, option: str) -> None:
    """Fail before any work when ``path`` cannot be written.

    A missing directory, or a directory given for a file, is a usage error (exit 2,
    :func:`cachekit.fs.atomic.check_output_path`); a directory the user may not write is a
    failure of the environment (exit 3). ``option`` is kept for callers' symmetry.
    """
    from ..fs.atomic import check_output_path  # noqa: PLC0415 - lazy

    check_output_path(path)
    parent = os.path.dirname(os.path.realpath(path)) or "."
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise EnvironmentFailure(f"cannot write {path}: permission denied ({option})")


def write_file(path: str, text: str) -> None:
    """Write atomically: never a half report, never a device replaced (``fs.atomic``)."""
    from ..fs.atomic import write_atomic  # noqa: PLC0415 - lazy

    write_atomic(path, (text if text.endswith("\n") else text + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Output:
    """``--format``, ``-o/--output`` and ``--also-output`` of one command, checked before it runs.

    ``also`` holds more (format, file) pairs: the same result rendered again, so one analysis
    feeds every report (the Action's log, job summary and SARIF come from one ``check``).
    """

    kind: Kind
    format: str
    path: str | None
    term: Terminal
    also: tuple[tuple[str, str], ...] = ()

    @property
    def color(self) -> bool:
        """Colour only for text (and suggest's YAML) written to a terminal (or when forced)."""
        if self.format not in ("text", "yaml"):
            return False
        return use_color(self.term.color, self.path is None and sys.stdout.isatty())

    def render(self, result: object, **options: Any) -> str:
        from ..output.registry import RenderOptions, render  # noqa: PLC0415 - lazy

        return render(self.kind, self.format, result, RenderOptions(color=self.color, **options))

    def emit(self, result: object, **options: Any) -> None:
        """Render ``result`` to ``--output`` or stdout, then to each ``--also-output`` file."""
        self.write(self.render(result, **options))
        if self.also:
            from ..output.registry import RenderOptions, render  # noqa: PLC0415 - lazy

            for fmt, path in self.also:  # files: never coloured
                write_file(path, render(self.kind, fmt, result, RenderOptions(**options)))

    def write(self, text: str) -> None:
        if self.path is None:
            # color=True keeps the ANSI codes click would strip from a pipe: --color decided.
            click.echo(text.rstrip("\n"), color=True if self.color else None)
        else:
            write_file(self.path, text)


def parse_also(
    given: tuple[str, ...], choices: tuple[str, ...], output: str | None
) -> tuple[tuple[str, str], ...]:
    """``--also-output FORMAT=FILE`` values: a known format, a writable file, no file twice."""
    pairs: list[tuple[str, str]] = []
    seen = {os.path.realpath(output)} if output is not None else set()
    for value in given:
        fmt, sep, path = value.partition("=")
        if not sep or not path:
            raise UsageError(f"--also-output {value!r}: give FORMAT=FILE (e.g. sarif=out.sarif)")
        if fmt not in choices:
            raise UsageError(
                f"--also-output {value!r}: unknown format {fmt!r}; choose one of "
                f"{', '.join(choices)}"
            )
        if os.path.realpath(path) in seen:
            raise UsageError(f"--also-output {value!r}: {path} is written twice")
        seen.add(os.path.realpath(path))
        check_writable(path, "--also-output")
        pairs.append((fmt, path))
    return tuple(pairs)


def output_options(kind: Kind, *, also: bool = True) -> Callable[[Callable[..., R]], Any]:
    """``--format`` (choices from the renderer registry), ``--json``, ``-o``,
    ``--also-output`` → ``out``.

    The registry (:mod:`cachekit.output.registry`) names renderers without importing them,
    so the choices cost nothing at start-up. ``also=False`` for a command that does not
    write its result through :meth:`Output.emit` alone (suggest: diffs, edits, a simulation).
    """
    choices = formats(kind)

    def decorate(fn: Callable[..., R]) -> Any:
        @wraps(fn)
        def wrapper(
            *args: Any,
            fmt: str | None,
            as_json: bool,
            output: str | None,
            also_output: tuple[str, ...] = (),
            **kwargs: Any,
        ) -> R:
            term: Terminal = kwargs["term"]
            if as_json and fmt not in (None, "json"):
                raise UsageError(f"--json and --format {fmt} disagree: give one")
            chosen = "json" if as_json else (fmt or choices[0])
            if output is not None:
                check_writable(output, "--output")
            more = parse_also(also_output, choices, output)
            return fn(*args, out=Output(kind, chosen, output, term, more), **kwargs)

        extra = (
            click.option(
                "--also-output",
                "also_output",
                multiple=True,
                metavar="FORMAT=FILE",
                help="Also write the result in FORMAT to FILE, from the same run (repeatable; "
                f"formats: {', '.join(choices)}).",
            ),
        )
        return _decorate(
            wrapper,
            (
                click.option(
                    "--format",
                    "fmt",
                    type=click.Choice(choices),
                    default=None,
                    help=f"Output format (default {choices[0]}).",
                ),
                click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
                click.option(
                    "--output",
                    "-o",
                    type=click.Path(dir_okay=False),
                    default=None,
                    help="Write the output to this file instead of standard output.",
                ),
                *(extra if also else ()),
            ),
        )

    return decorate


# -- the repository and the run -----------------------------------------------------------------


def repo_argument(fn: Callable[..., R]) -> Callable[..., R]:
    """REPO: the repository (the directory holding .github/workflows); default ``.``."""
    return click.argument("repo", default=".", type=click.Path(file_okay=False, exists=True))(fn)


def resolve_repo(given: str, term: Terminal, *, history: bool = False, command: str) -> str:
    """The workspace REPO means (``cachekit.selection``), saying so when it is not REPO."""
    from ..selection import workspace  # noqa: PLC0415 - lazy

    ws = workspace(given, history=history, command=command)
    if ws.moved:
        term.note(f"{given} has no .github/workflows: using the repository's top {ws.root}")
    return ws.root


class RepoThenArgs(click.Command):
    """``cachekit hash [REPO] -- ARG...``: REPO is the one word before ``--``, like every command.

    ``hash`` and ``eval`` take words that look like paths or options (``*.txt``, ``!x``,
    ``--follow-symbolic-links``), so REPO is told apart by place, not by shape: before ``--``
    it is REPO, after it an argument. Without ``--`` every word is an argument (the form these
    commands always had), so a pattern is never taken for a directory.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args:
            rest = super().parse_args(ctx, args)
            if ctx.params.get("repo") is not None:  # the first word: an argument after all
                ctx.params["args"] = (ctx.params["repo"], *ctx.params["args"])
                ctx.params["repo"] = None
            return rest
        cut = args.index("--")
        rest = super().parse_args(ctx, args[:cut])
        if ctx.params["args"]:
            raise click.UsageError(
                f"only REPO goes before --, not {safe_field(' '.join(ctx.params['args']))}",
                ctx,
            )
        ctx.params["args"] = tuple(args[cut + 1 :])
        return rest


def repo_then_args(metavar: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """``[REPO] -- ARG...`` (with :class:`RepoThenArgs`) and ``--root``, its deprecated alias."""

    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        for option in reversed(
            (
                click.option(
                    "--root",
                    default=None,
                    hidden=True,
                    help="Deprecated: the same as REPO (give REPO before --).",
                ),
                click.argument("repo", required=False, default=None, metavar="[REPO]"),
                click.argument("args", nargs=-1, metavar=metavar),
            )
        ):
            fn = option(fn)
        return fn

    return decorate


def workspace_dir(repo: str | None, root: str | None, term: Terminal) -> str | None:
    """REPO, or the deprecated ``--root`` (said on stderr); both given must name one directory."""
    if root is not None:
        if repo is not None and os.path.realpath(repo) != os.path.realpath(root):
            raise UsageError(f"REPO {repo} and --root {root} disagree: give REPO alone")
        term.note("--root is deprecated: give the directory as REPO, before --")
    chosen = repo if repo is not None else root
    if chosen is not None and not os.path.isdir(chosen):
        raise UsageError(f"REPO {chosen}: no such directory")
    return chosen


@dataclass(frozen=True)
class RunOptions:
    """The run being modelled and what to look at: the same options on every command."""

    event: str = "push"
    ref: str | None = None
    os: str | None = None
    arch: str | None = None
    workflow: str | None = None
    job: str | None = None

    def explain_options(self, python_manifest: str | None = None) -> Options:
        from ..explain import Options  # noqa: PLC0415 - lazy

        return Options(
            event=self.event,
            ref=self.ref or "refs/heads/main",
            os=self.os,
            arch=self.arch,
            workflow=self.workflow,
            job=self.job,
            python_manifest=python_manifest,
        )

    def platform_run(self) -> PlatformRun:
        """The options another CI platform's adapters read (the branch and the job)."""
        from ..platforms.dispatch import RunOptions as PlatformRun  # noqa: PLC0415 - lazy

        return PlatformRun(ref=self.ref, job=self.job)

    def check_selection(self, root: str, rev: str | None, *, require: bool = True) -> None:
        """No workflows, or a --workflow/--job selecting nothing: exit 2 listing what exists."""
        from ..fs.gittree import tree_at  # noqa: PLC0415 - lazy
        from ..selection import check_selection  # noqa: PLC0415

        if not require:
            return
        where = root if rev is None else f"{root} at {rev}"
        with tree_at(root, rev) as tree:
            check_selection(tree, where, self.workflow, self.job)


def run_options(
    events: tuple[str, ...] | None = None, *, selection_only: bool = False, ref: bool = True
) -> Callable[[Callable[..., R]], Any]:
    """``--event --ref --os --arch --workflow/-w --job/-j`` → ``run: RunOptions``.

    ``selection_only``: just ``--workflow``/``--job``, for commands that model no run;
    ``ref=False`` for commands that replay the refs of a history (predict, audit).
    """
    selection = (
        click.option(
            "--workflow", "-w", default=None, help="Only this workflow (file name or path)."
        ),
        click.option("--job", "-j", default=None, help="Only this job id."),
    )
    modelled = (
        click.option(
            "--event",
            type=click.Choice(events) if events else str,
            default="push",
            show_default=True,
            help="The event of the run being modelled (github.event_name).",
        ),
        *(
            (
                click.option(
                    "--ref", default=None, help="The ref of the run (default refs/heads/main)."
                ),
            )
            if ref
            else ()
        ),
        click.option(
            "--os",
            "os_name",
            type=click.Choice(OSES),
            default=None,
            help="What an unknown or self-hosted runs-on is.",
        ),
        click.option(
            "--arch",
            type=click.Choice(["x64", "arm64"]),
            default=None,
            help="The architecture for an unknown or self-hosted runs-on.",
        ),
    )

    def decorate(fn: Callable[..., R]) -> Any:
        @wraps(fn)
        def wrapper(
            *args: Any,
            workflow: str | None,
            job: str | None,
            event: str = "push",
            ref: str | None = None,
            os_name: str | None = None,
            arch: str | None = None,
            **kwargs: Any,
        ) -> R:
            run = RunOptions(event, ref, os_name, arch, workflow, job)
            return fn(*args, run=run, **kwargs)

        return _decorate(wrapper, selection if selection_only else selection + modelled)

    return decorate


def platform_option(fn: Callable[..., R]) -> Callable[..., R]:
    """``--platform``: the CI platform whose configuration to read (default: detected)."""
    return click.option(
        "--platform",
        type=click.Choice(list(PLATFORMS)),
        default=None,
        help="The CI platform (default: detected from the files present; GitHub when several).",
    )(fn)


def platform_of(root: str, rev: str | None, requested: str | None) -> Platform:
    """``--platform``, or the one platform whose configuration ``root`` holds at ``rev``."""
    from ..platforms.dispatch import platform_of as detect  # noqa: PLC0415 - lazy

    return detect(root, rev, requested)


def rev_option(what: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    return click.option("--rev", default=None, metavar="REV", help=what)


# -- values checked before any work --------------------------------------------------------------

_SIZE: Final = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*", re.IGNORECASE)


def parse_size(text: str, option: str) -> int:
    """Sizes like 100M, 2G, 512MiB, 1048576 (bytes); anything else is a usage error."""
    m = _SIZE.fullmatch(text)
    if not m:
        raise UsageError(f"{option} {text!r}: not a size (e.g. 100M, 10G)")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


def parse_date(text: str | None, option: str) -> str | None:
    """An ISO 8601 date or date-time (2026-01-31, 2026-01-31T12:00:00Z), as given."""
    if text is None:
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: not a date (YYYY-MM-DD, or an ISO 8601 date-time)"
        ) from None
    return text


def fail_on_option(
    default: str | None = "warning", shown: str | None = None
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """``--fail-on``: the severity from which findings make the command exit 1.

    ``shown`` describes a default that is not a fixed value (check: the configuration's).
    """
    return click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "note", "none"]),
        default=default,
        show_default=shown or True,
        help="Exit 1 when a finding is at least this severe.",
    )


def exit_for_findings(severities: list[str], fail_on: str) -> None:
    """Exit 1 when a finding reaches ``--fail-on`` (the same rule for every command)."""
    from ..findings import severity_at_least  # noqa: PLC0415 - lazy

    if any(severity_at_least(s, fail_on) for s in severities):
        sys.exit(EXIT_FINDINGS)
