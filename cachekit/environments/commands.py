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

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..ecosystems.commands import Command, Ctx
from ..ecosystems.commands import Prefixes as _Prefixes
from ..ecosystems.commands import State as _State
from ..ecosystems.commands import join as _join
from ..ecosystems.commands import make as _cmd
from ..ecosystems.commands import truthy as _truthy
from ..ecosystems.commands import venv_of_exe as _venv_of_exe
from ..ecosystems.go import _go
from ..ecosystems.java import _maven
from ..ecosystems.node import _npm, _pnpm, _yarn
from ..ecosystems.python_commands import (
    _CONDA,
    _PDM,
    _PIP,
    _PIP_COMPILE,
    _PIP_EXE,
    _PIP_SYNC,
    _PIPENV,
    _POETRY,
    _PYTHON_EXE,
    _UV,
    _conda,
    _pdm,
    _pip,
    _pip_tools,
    _pipenv,
    _pipx,
    _poetry,
    _poetry_venv,
    _python_module,
    _tox_nox,
    _uv,
    _venv_create,
)
from ..ecosystems.rust import _cargo
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from ..shell.dialects import Dialect, dialect_of, lex, one_line
from ..shell.structure import walk_bash, walk_flat
from ..shell.tokens import NAME_ASSIGN as _NAME_ASSIGN
from ..shell.tokens import Lines as _Lines
from ..shell.tokens import Word as _Word
from ..shell.tokens import assignment as _assignment
from ..shell.tokens import command_name as _basename

# _PIP, _PIP_COMPILE, _PIP_SYNC: pip's and pip-tools' option tables, compared with their own
# parsers by the tests.
__all__ = ["_PIP", "_PIP_COMPILE", "_PIP_SYNC", "Command", "Ctx", "ScriptParse", "parse_script"]


# --------------------------------------------------------------------------------------------
# Public records


@dataclass(frozen=True)
class ScriptParse:
    """The commands of one script, in execution-text order, and what could not be read."""

    commands: tuple[Command, ...]
    problems: tuple[str, ...]


_ACTIVATE = re.compile(
    r"(?P<venv>.*?)[\\/](bin|Scripts)[\\/]activate(\.(sh|bash|fish|csh|ps1|bat))?", re.I
)


def _recognise(argv: Sequence[str], ctx: Ctx) -> list[Command]:
    """The Command(s) for one simple command's words (prefixes already removed)."""
    if not argv:
        return []
    exe = argv[0]
    name = _basename(exe)
    lower = name.lower()
    exe_venv = _venv_of_exe(exe)
    if exe_venv is not None:
        ctx = replace(ctx, venv=_join(ctx.state.cwd, exe_venv))
    elif re.search(r"[\\/]", exe):  # /usr/bin/python3, $pythonLocation/bin/pip: not the venv
        ctx = replace(ctx, venv=None)
    if _PYTHON_EXE.fullmatch(name):
        module, at = _python_module(argv)
        if module is None:
            return []
        python = exe
        if module == "pip":
            cmd = _pip(argv, at, ctx, python)
            return [cmd] if cmd else []
        if module == "ensurepip":
            return [_cmd(ctx, "pip", "ensurepip", argv, python=python, tooling=True)]
        if module == "piptools":
            if at < len(argv) and argv[at] in ("sync", "compile"):
                return [_pip_tools(argv, at + 1, ctx, "pip-" + argv[at], python)]
            return []
        if module in ("venv", "virtualenv"):
            return [_venv_create(argv, at, ctx, python)]
        if module == "uv":
            return _uv(argv, at, ctx, python)
        if module == "poetry":
            cmd = _poetry(argv, at, ctx, python)
            return [cmd] if cmd else []
        if module == "pipenv":
            cmd = _pipenv(argv, at, ctx, python)
            return [cmd] if cmd else []
        if module in ("tox", "nox"):
            return [_tox_nox(argv, at, ctx, module, python)]
        if module == "pipx":
            cmd = _pipx(argv, at, ctx)
            return [cmd] if cmd else []
        return []
    handlers: dict[str, Callable[[], Command | list[Command] | None]] = {
        "pip-sync": lambda: _pip_tools(argv, 1, ctx, "pip-sync", None),
        "pip-compile": lambda: _pip_tools(argv, 1, ctx, "pip-compile", None),
        "virtualenv": lambda: _venv_create(argv, 1, ctx, None),
        "uv": lambda: _uv(argv, 1, ctx, None),
        "uvx": lambda: _uv(["uv", "tool", "run", *argv[1:]], 1, ctx, None),
        "poetry": lambda: _poetry(argv, 1, ctx, None),
        "pipenv": lambda: _pipenv(argv, 1, ctx, None),
        "pdm": lambda: _pdm(argv, 1, ctx),
        "pipx": lambda: _pipx(argv, 1, ctx),
        "tox": lambda: _tox_nox(argv, 1, ctx, "tox", None),
        "nox": lambda: _tox_nox(argv, 1, ctx, "nox", None),
        "npm": lambda: _npm(argv, 1, ctx),
        "yarn": lambda: _yarn(argv, 1, ctx),
        "pnpm": lambda: _pnpm(argv, 1, ctx),
        "go": lambda: _go(argv, 1, ctx),
        "cargo": lambda: _cargo(argv, 1, ctx),
        "mvn": lambda: _maven(argv, 1, ctx, "maven"),
        "mvnw": lambda: _maven(argv, 1, ctx, "maven"),
        "gradle": lambda: _maven(argv, 1, ctx, "gradle"),
        "gradlew": lambda: _maven(argv, 1, ctx, "gradle"),
    }
    for conda in ("conda", "mamba", "micromamba"):
        handlers[conda] = lambda: _conda(argv, 1, ctx)
    if _PIP_EXE.fullmatch(name):
        cmd = _pip(argv, 1, ctx, None)
        return [cmd] if cmd else []
    handler = handlers.get(lower)
    if handler is None:
        return []
    if lower == "uvx" and len(argv) > 1 and argv[1] in ("--version", "--help", "-V", "-h"):
        return []
    got = handler()
    if got is None:
        return []
    if isinstance(got, Command):
        got = [got]
    if lower == "uvx":
        got = [replace(c, argv=tuple(argv)) for c in got]
    return got


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

    def __init__(self, src: str, lines: _Lines, problems: list[str], dialect: Dialect):
        self.src, self.lines, self.problems, self.dialect = src, lines, problems, dialect
        self.commands: list[Command] = []

    # -- one simple command -----------------------------------------------------------------------

    def simple(self, words: list[_Word], start: int, end: int, state: _State) -> None:
        text = one_line(self.src[start:end], self.dialect)
        line = self.lines.line(start)
        try:
            self._simple(words, text, line, state)
        except Exception as exc:  # a script never makes parse_script raise
            self.problems.append(f"line {line}: internal error reading {text!r}: {exc!r}")

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
        if not pre.via and self._builtin(argv, state):
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

    def _runner(self, argv: list[str], pre: _Prefixes, state: _State) -> list[str] | None:
        """``uv run X``, ``poetry run X`` …: the inner command's argv, or None."""
        name = _basename(argv[0]).lower()
        if _PYTHON_EXE.fullmatch(_basename(argv[0])):
            module, at = _python_module(argv)
            if module in ("poetry", "pipenv", "uv", "pdm") and argv[at : at + 1] == ["run"]:
                name, argv = module, [module, *argv[at:]]
            else:
                return None
        if name == "uv":
            head = _parse(argv[1:], _UV, stop=1)
            if head.positionals != ["run"]:
                return None
            body = _parse(head.rest, _UV, stop=1)
            if not body.positionals:
                return None
            opts = tuple(head.options + body.options)
            directory = next((v for n, v in opts if n in ("--directory", "--project") and v), None)
            project = dict(pre.env).get("UV_PROJECT_ENVIRONMENT") or state.env.get(
                "UV_PROJECT_ENVIRONMENT"
            )
            if project is None:
                project = posixpath.join(directory, ".venv") if directory else ".venv"
            venv = _join(state.cwd, project)
            py = next((v for n, v in opts if n == "--python" and v), None)
            cmd = Command(
                tool="uv",
                action="run",
                argv=tuple(argv[: len(argv) - len(body.rest) - 1]),  # up to the inner command
                text="",
                line=0,
                options=opts,
                python=py,
                venv=venv,
                cwd=state.cwd,
                via=tuple(pre.via),
                conda_env=state.conda_env,
            )
            pre.runner_commands.append(cmd)
            pre.via.append("uv run")
            if not any(n in ("--no-project", "--isolated") for n, _ in opts):
                pre.venv = venv
            return body.positionals[-1:] + body.rest
        if name in ("poetry", "pipenv", "pdm", "hatch"):
            spec = {"poetry": _POETRY, "pipenv": _PIPENV, "pdm": _PDM, "hatch": _spec("")}[name]
            head = _parse(argv[1:], spec, stop=1)
            if head.positionals != ["run"]:
                return None
            inner = head.rest
            pre.via.append(f"{name} run")
            if name == "poetry":
                ctx = Ctx(
                    "", 0, state, tuple(state.env.items()) + tuple(pre.env), (), [], state.venv
                )
                pre.venv = _poetry_venv(ctx, None)
            elif name == "pdm":
                pre.venv = state.venv or _join(state.cwd, ".venv")
            elif name == "pipenv" and _truthy(
                dict(pre.env).get("PIPENV_VENV_IN_PROJECT")
                or state.env.get("PIPENV_VENV_IN_PROJECT")
            ):
                pre.venv = _join(state.cwd, ".venv")
            return inner
        if name in ("conda", "mamba", "micromamba"):
            head = _parse(argv[1:], _CONDA, stop=1)
            if head.positionals != ["run"]:
                return None
            body = _parse(head.rest, _CONDA, stop=1)
            body.options[:0] = head.options
            pre.via.append(f"{name} run")
            target = next((v for n, v in body.options if n in ("--name", "--prefix") and v), None)
            pre.conda_env = target or state.conda_env
            return body.positionals[-1:] + body.rest
        return None

    def _builtin(self, argv: list[str], state: _State) -> bool:
        """Builtins that change what later commands see. True when handled."""
        name = argv[0]
        low = name.lower()
        if self.dialect == "pwsh":
            if low in ("set-location", "sl", "chdir", "cd", "push-location", "pushd"):
                args = [a for a in argv[1:] if not a.lower().startswith("-")]
                if low in ("push-location", "pushd"):
                    state.dirstack.append(state.cwd)
                self._cd(args[0] if args else "~", state)
                return True
            if low in ("pop-location", "popd"):
                if state.dirstack:
                    state.cwd = state.dirstack.pop()
                return True
            if (name == "." and len(argv) > 1) or _ACTIVATE.fullmatch(name):
                target = argv[1] if name == "." else name
                m = _ACTIVATE.fullmatch(target)
                if m:
                    state.venv = _join(state.cwd, m.group("venv"))
                return True
            return False
        if self.dialect == "cmd":
            if low in ("cd", "chdir", "pushd"):
                args = [a for a in argv[1:] if a.lower() != "/d"]
                if low == "pushd":
                    state.dirstack.append(state.cwd)
                if args:
                    self._cd(args[0], state)
                return True
            if low == "popd":
                if state.dirstack:
                    state.cwd = state.dirstack.pop()
                return True
            if low == "set" and len(argv) > 1:
                assign = " ".join(argv[1:])
                if assign.lower().startswith("/a") or assign.lower().startswith("/p"):
                    return True
                key, eq, value = assign.partition("=")
                if eq:
                    state.env[key.strip()] = value
                    if key.strip().upper() == "VIRTUAL_ENV":
                        state.venv = value
                return True
            if low == "call" and len(argv) > 1:
                m = _ACTIVATE.fullmatch(argv[1])
                if m:
                    state.venv = _join(state.cwd, m.group("venv"))
                    return True
                return False
            m = _ACTIVATE.fullmatch(name)
            if m:
                state.venv = _join(state.cwd, m.group("venv"))
                return True
            return False
        if name in ("cd", "pushd"):
            args = [a for a in argv[1:] if a not in ("-L", "-P", "-e", "-@", "--")]
            if name == "pushd":
                if not args or args[0].startswith(("+", "-")):
                    return True
                state.dirstack.append(state.cwd)
            self._cd(args[0] if args else "~", state)
            return True
        if name == "popd":
            if state.dirstack:
                state.cwd = state.dirstack.pop()
            return True
        if name in ("export", "declare", "typeset", "local", "readonly"):
            flags = {a for a in argv[1:] if a.startswith("-")}
            exported = name == "export" or any("x" in f for f in flags)
            unexport = name == "export" and "-n" in flags
            for a in argv[1:]:
                if a.startswith("-"):
                    continue
                key, eq, value = a.partition("=")
                key = key.rstrip("+")
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                    continue
                if unexport:
                    if key in state.env:
                        state.shell[key] = state.env.pop(key)
                    continue
                if not eq:
                    if exported and key in state.shell:
                        state.env[key] = state.shell.pop(key)
                    elif exported and key not in state.env:
                        state.env[key] = ""
                    continue
                if exported:
                    state.env[key] = value
                    state.shell.pop(key, None)
                else:
                    state.shell[key] = value
                if key == "VIRTUAL_ENV" and exported:
                    state.venv = value or None
            return True
        if name == "unset":
            for a in argv[1:]:
                if a.startswith("-"):
                    continue
                state.env.pop(a, None)
                state.shell.pop(a, None)
                if a == "VIRTUAL_ENV":
                    state.venv = None
            return True
        if name in ("source", "."):
            if len(argv) > 1:
                m = _ACTIVATE.fullmatch(argv[1])
                if m:
                    state.venv = _join(state.cwd, m.group("venv"))
                elif len(argv) > 2 and _basename(argv[1]) == "activate":
                    state.conda_env = argv[2]  # old conda: source activate NAME
            return True
        if name == "deactivate":
            state.venv = None
            return True
        if _basename(name) in ("conda", "mamba", "micromamba") and argv[1:2] == ["activate"]:
            args = [a for a in argv[2:] if not a.startswith("-")]
            state.conda_env = args[0] if args else "base"
            return True
        if _basename(name) in ("conda", "mamba", "micromamba") and argv[1:2] == ["deactivate"]:
            state.conda_env = None
            return True
        return False

    @staticmethod
    def _cd(target: str, state: _State) -> None:
        if target == "-":
            state.cwd, state.oldpwd = state.oldpwd, state.cwd
            return
        state.oldpwd = state.cwd
        if (
            target in ("~", "$HOME", "${HOME}")
            or target.startswith(("/", "~", "$", "%"))
            or re.match(r"[A-Za-z]:[\\/]", target)
        ):
            state.cwd = target.rstrip("/") or "/"
            return
        joined = (
            _join(state.cwd, target)
            if state.cwd is not None
            else posixpath.normpath(target.replace("\\", "/"))
        )
        state.cwd = None if joined == "." else joined

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
    problems: list[str] = []
    if not isinstance(script, str):
        return ScriptParse((), ("script is not text",))
    dialect, problem = dialect_of(shell)
    if problem:
        problems.append(problem)
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
