"""What a workflow ``run:`` script installs — read from the script's text, nothing executed.

A dependency cache only helps if the step that fills it and the step that uses it agree on where
packages go: ``pip install`` with ``~/.cache/pip`` cached, ``poetry install`` with the in-project
``.venv`` cached, ``npm ci`` with ``~/.npm`` cached. To check that agreement (and to suggest a
cache where there is none) cachekit has to know which installers a job's scripts run, with
which files, into which environment. This module turns a ``run:`` script into
:class:`Command` records, one per recognised installer invocation, with file:line.

The script's syntax — words, quoting, here-documents, substitutions, compound commands, in
bash, PowerShell or cmd — is read by :mod:`cachekit.shell`, which knows nothing of installers.
This module gives the simple commands it yields their meaning: the builtins that change what
later commands see (``cd``, ``export``, ``source .venv/bin/activate``, ``conda activate``), the
wrappers (``sudo``, ``env``, ``xargs``, ``uv run`` …), and the installer invocations.
``shell: python`` and other interpreters have no commands; they are reported as a problem.

Nothing here raises on any input: what cannot be read becomes a ``problems`` entry
(``"line 3: unterminated single quote"``) and the rest is still read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..ecosystems import registry
from ..ecosystems.commands import Command, Ctx
from ..ecosystems.commands import Prefixes as _Prefixes
from ..ecosystems.commands import State as _State
from ..ecosystems.commands import join as _join
from ..ecosystems.commands import venv_of_exe as _venv_of_exe
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from ..shell.dialects import Dialect, dialect_of, lex, one_line
from ..shell.structure import walk_bash, walk_flat
from ..shell.tokens import NAME_ASSIGN as _NAME_ASSIGN
from ..shell.tokens import Lines as _Lines
from ..shell.tokens import ScriptProblem
from ..shell.tokens import Word as _Word
from ..shell.tokens import assignment as _assignment
from ..shell.tokens import command_name as _basename
from .builtins import builtin

__all__ = ["Command", "Ctx", "ScriptParse", "ScriptProblem", "parse_script"]


# --------------------------------------------------------------------------------------------
# Public records


@dataclass(frozen=True)
class ScriptParse:
    """The commands of one script, in execution-text order, and what could not be read."""

    commands: tuple[Command, ...]
    problems: tuple[ScriptProblem, ...]


def _recognise(argv: Sequence[str], ctx: Ctx) -> list[Command]:
    """The Command(s) for one simple command's words (prefixes already removed).

    A program named by a path inside a virtual environment (``.venv/bin/pip``) installs into
    that environment; one named by another path (``/usr/bin/pip``) into none the script made.
    What the words mean is the recogniser's that the program's ecosystem registered.
    """
    if not argv:
        return []
    exe = argv[0]
    exe_venv = _venv_of_exe(exe)
    if exe_venv is not None:
        ctx = replace(ctx, venv=_join(ctx.state.cwd, exe_venv))
    elif re.search(r"[\\/]", exe):  # /usr/bin/python3, $pythonLocation/bin/pip: not the venv
        ctx = replace(ctx, venv=None)
    recognise = registry.recogniser_for(_basename(exe))
    return recognise(list(argv), ctx) if recognise is not None else []


# --------------------------------------------------------------------------------------------
# Wrappers and builtins


_SUDO = _spec(
    "--user --group --close-from --chdir --host --prompt --role --type --command-timeout"
    " --other-user",
    "--preserve-env --set-home --non-interactive --stdin --reset-timestamp --login --shell"
    " --background --preserve-groups --remove-timestamp --validate --list --edit",
    "u=--user g=--group C=--close-from D=--chdir h=--host p=--prompt r=--role t=--type"
    " T=--command-timeout U=--other-user E=--preserve-env H=--set-home n=--non-interactive"
    " S=--stdin k=--reset-timestamp i=--login s=--shell b=--background P=--preserve-groups",
)
_XARGS = _spec(
    "--arg-file --delimiter --eof --replace --max-lines --max-args --max-procs --max-chars"
    " --process-slot-var",
    "--null --no-run-if-empty --verbose --interactive --exit --open-tty --show-limits",
    "a=--arg-file d=--delimiter E=--eof I=--replace L=--max-lines n=--max-args P=--max-procs"
    " s=--max-chars 0=--null r=--no-run-if-empty t=--verbose p=--interactive x=--exit"
    " o=--open-tty",
)
_TIMEOUT = _spec(
    "--signal --kill-after",
    "--foreground --preserve-status --verbose",
    "s=--signal k=--kill-after v=--verbose",
)
_ENV = _spec(
    "--unset --chdir --split-string",
    "--ignore-environment --null --debug",
    "u=--unset C=--chdir S=--split-string i=--ignore-environment 0=--null v=--debug",
)


# --------------------------------------------------------------------------------------------
# The walk over tokens


class _Walker:
    """Turns tokens into simple commands and simple commands into :class:`Command` records."""

    def __init__(self, src: str, lines: _Lines, problems: list[ScriptProblem], dialect: Dialect):
        self.src, self.lines, self.problems, self.dialect = src, lines, problems, dialect
        self.commands: list[Command] = []

    # -- one simple command -----------------------------------------------------------------------

    def simple(self, words: list[_Word], start: int, end: int, state: _State) -> None:
        text = one_line(self.src[start:end], self.dialect)
        line = self.lines.line(start)
        try:
            self._simple(words, text, line, state)
        except Exception as exc:  # a script never makes parse_script raise
            self.problems.append(ScriptProblem(line, f"internal error reading {text!r}: {exc!r}"))

    def _simple(self, words: list[_Word], text: str, line: int, state: _State) -> None:
        pre = _Prefixes()
        i = 0
        while i < len(words) and (a := _assignment(words[i])) is not None:
            pre.env.append(a)
            i += 1
        if i == len(words):
            for name, value in pre.env:
                if name in state.env:
                    state.env[name] = value
                else:
                    state.shell[name] = value
                if name == "VIRTUAL_ENV" and name in state.env:
                    state.venv = value
            return
        argv = [w.value for w in words[i:]]
        argv = self._strip_wrappers(argv, pre, state)
        if not argv:
            return
        if not pre.via and builtin(self.dialect, argv, state):
            return
        env = dict(state.env)
        env.update(pre.env)
        venv = pre.venv if pre.venv is not None else state.venv
        if venv is None and "VIRTUAL_ENV" in env:
            venv = env["VIRTUAL_ENV"]
        cwd_state = state
        if pre.chdir is not None or pre.conda_env is not None:
            cwd_state = state.copy()
            if pre.chdir is not None:
                cwd_state.cwd = _join(state.cwd, pre.chdir)
            if pre.conda_env is not None:
                cwd_state.conda_env = pre.conda_env
        ctx = Ctx(text, line, cwd_state, tuple(env.items()), tuple(pre.via), self.problems, venv)
        for c in pre.runner_commands:
            self.commands.append(replace(c, text=text, line=line, env=ctx.env))
        self.commands.extend(_recognise(argv, ctx))

    def _strip_wrappers(self, argv: list[str], pre: _Prefixes, state: _State) -> list[str]:
        """Remove ``sudo``, ``env``, ``time``, ``xargs``, runners … from the front of argv."""
        for _ in range(16):
            if not argv:
                return argv
            name = _basename(argv[0]).lower()
            if name == "sudo":
                pre.via.append("sudo")
                parsed = _parse(argv[1:], _SUDO, stop=1)
                argv = parsed.positionals[-1:] + parsed.rest
                argv = self._assignments_in(argv, pre)
                continue
            if name in ("time", "nohup", "command", "builtin", "exec", "noglob", "nice", "stdbuf"):
                if name == "command" and argv[1:2] and argv[1] in ("-v", "-V"):
                    return []
                rest = argv[1:]
                while rest and rest[0].startswith("-") and rest[0] != "--":
                    flag = rest.pop(0)
                    if name == "nice" and flag == "-n" and rest:
                        rest.pop(0)
                    if name == "stdbuf" and flag in ("-i", "-o", "-e") and rest:
                        rest.pop(0)
                    if name == "exec" and flag == "-a" and rest:
                        rest.pop(0)
                if rest[:1] == ["--"]:
                    rest = rest[1:]
                argv = rest
                continue
            if name == "timeout":
                parsed = _parse(argv[1:], _TIMEOUT, stop=2)
                argv = parsed.positionals[1:] + parsed.rest
                continue
            if name == "env":
                parsed = _parse(argv[1:], _ENV, stop=1)
                chdir = next((v for n, v in parsed.options if n == "--chdir" and v), None)
                if chdir:
                    pre.chdir = chdir
                rest = parsed.positionals[-1:] + parsed.rest
                argv = self._assignments_in(rest, pre)
                continue
            if name == "xargs":
                pre.via.append("xargs")
                parsed = _parse(argv[1:], _XARGS, stop=1)
                argv = parsed.positionals[-1:] + parsed.rest
                continue
            runner = self._runner(argv, pre, state)
            if runner is None:
                return argv
            argv = runner
        return argv

    @staticmethod
    def _assignments_in(argv: list[str], pre: _Prefixes) -> list[str]:
        while argv and _NAME_ASSIGN.match(argv[0]):
            name, _, value = argv[0].partition("=")
            pre.env.append((name.rstrip("+"), value))
            argv = argv[1:]
        return argv

    @staticmethod
    def _runner(argv: list[str], pre: _Prefixes, state: _State) -> list[str] | None:
        """``uv run X``, ``poetry run X`` …: the inner command's argv, or None."""
        run = registry.runner_for(_basename(argv[0]))
        return run(argv, pre, state) if run is not None else None

    # -- PowerShell and cmd: env assignments, then as a simple command ----------------------------

    def flat_command(self, words: list[_Word], start: int, end: int, state: _State) -> None:
        if self.dialect == "pwsh":
            first = words[0].value
            m = re.fullmatch(r"\$env:([A-Za-z_][A-Za-z0-9_]*)(=(.*))?", first, re.I)
            if m:
                if m.group(2) is not None:
                    value = m.group(3)
                elif len(words) > 2 and words[1].value == "=":
                    value = words[2].value
                else:
                    return
                state.env[m.group(1)] = value
                if m.group(1).upper() == "VIRTUAL_ENV":
                    state.venv = value
                return
            if first.startswith(("$", "[", "@")):
                return
        self.simple(words, start, end, state)


def parse_script(script: str, *, shell: str | None = None) -> ScriptParse:
    """The installer commands in a ``run:`` script, in text order.

    ``shell`` is the step's ``shell:`` (``None`` means bash, GitHub's default on Linux and
    macOS; pass ``"pwsh"`` for a Windows runner's default). ``${{ … }}`` left in ``script``
    is an opaque part of a word. Never raises.
    """
    problems: list[ScriptProblem] = []
    if not isinstance(script, str):
        return ScriptParse((), (ScriptProblem(0, "script is not text"),))
    dialect, problem = dialect_of(shell)
    if problem:
        problems.append(ScriptProblem(0, problem))
    if dialect is None:
        return ScriptParse((), tuple(problems))
    src = script.replace("\r\n", "\n")
    lines = _Lines(src)
    walker = _Walker(src, lines, problems, dialect)
    toks = lex(src, dialect, lines, problems)
    if dialect == "bash":
        walk_bash(toks, _State(), walker.simple)
    else:
        walk_flat(toks, _State(), dialect, walker.flat_command)
    return ScriptParse(tuple(walker.commands), tuple(problems))
