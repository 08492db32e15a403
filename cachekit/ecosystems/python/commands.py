"""Python's install commands: pip, pip-tools, uv, Poetry, Pipenv, PDM, pipx, conda, tox, nox.

Each recogniser reads one command line with its program's own option table (pip's optparse,
pip-tools' click, uv's clap…, checked against the real parsers in the tests) and records what it
installs, from which files, into which environment.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ...shell.argv import parse as _parse
from ...shell.argv import spec as _spec
from ...shell.tokens import command_name
from ..commands import Command, Ctx, Prefixes, State, one
from ..commands import env_get as _env_get
from ..commands import is_tooling as _is_tooling
from ..commands import join as _join
from ..commands import make as _cmd
from ..commands import missing as _missing
from ..commands import split_installs as _split_installs
from ..commands import truthy as _truthy
from ..model import Recogniser

__all__ = [
    "RECOGNISERS",
    "conda",
    "conda_run",
    "pip",
    "project_run",
    "python_m",
    "python_m_run",
    "uv_run",
]

# pip 26's options for install/download/wheel/uninstall/lock and the general options; the tests
# compare this table with pip's own optparse parser.
_PIP = _spec(
    "--abi --all-releases --build-constraint --cache-dir --cert --client-cert --config-settings"
    " --constraint --dest --editable --exists-action --extra-index-url --find-links --group"
    " --implementation --index-url --keyring-provider --log --no-binary --only-binary"
    " --only-final --output --platform --prefix --progress-bar --proxy --python"
    " --python-version --refresh-package --report --requirement --requirements-from-script"
    " --resume-retries --retries --root --root-user-action --src --target --timeout"
    " --trusted-host --upgrade-strategy --uploaded-prior-to --use-deprecated --use-feature"
    " --wheel-dir",
    "--break-system-packages --check-build-dependencies --compile --debug"
    " --disable-pip-version-check --dry-run --force-reinstall --help --ignore-installed"
    " --ignore-requires-python --isolated --no-build-isolation --no-cache-dir --no-clean"
    " --no-color --no-compile --no-deps --no-index --no-input --no-proxy-env"
    " --no-python-version-warning --no-require-hashes --no-user --no-verify --no-warn-conflicts"
    " --no-warn-script-location --only-deps --pre --prefer-binary --quiet --require-hashes"
    " --require-virtualenv --upgrade --use-pep517 --user --verbose --yes --version",
    "r=--requirement c=--constraint e=--editable t=--target U=--upgrade I=--ignore-installed"
    " C=--config-settings i=--index-url f=--find-links h=--help v=--verbose q=--quiet"
    " d=--dest w=--wheel-dir y=--yes o=--output V=--version",
    "--destination-dir=--dest --destination-directory=--dest --pypi-url=--index-url"
    " --local-log=--log --log-file=--log --source=--src --source-dir=--src"
    " --source-directory=--src --default-timeout=--timeout --no-dependencies=--no-deps"
    " --only-dependencies=--only-deps --require-venv=--require-virtualenv",
    abbrev=True,
)

# pip-tools 7 (click: no abbreviations); compared with pip-tools' click commands in the tests.
_PIP_COMPILE = _spec(
    "--extra --find-links --index-url --extra-index-url --cert --client-cert --trusted-host"
    " --uploaded-prior-to --annotation-style --upgrade-package --output-file --newline"
    " --max-rounds --cache-dir --pip-args --resolver --unsafe-package --config --constraint"
    " --build-deps-for",
    "--help --version --color --no-color --verbose --quiet --dry-run --pre --rebuild"
    " --all-extras --no-index --header --no-header --emit-trusted-host --no-emit-trusted-host"
    " --annotate --no-annotate --upgrade --no-upgrade --allow-unsafe --no-allow-unsafe"
    " --strip-extras --no-strip-extras --generate-hashes --reuse-hashes --no-reuse-hashes"
    " --build-isolation --no-build-isolation --emit-find-links --no-emit-find-links"
    " --emit-index-url --no-emit-index-url --emit-options --no-emit-options --no-config"
    " --all-build-deps --only-build-deps",
    "f=--find-links i=--index-url P=--upgrade-package o=--output-file c=--constraint h=--help"
    " v=--verbose q=--quiet n=--dry-run p=--pre r=--rebuild U=--upgrade",
)
_PIP_SYNC = _spec(
    "--find-links --index-url --extra-index-url --trusted-host --python-executable --cert"
    " --client-cert --pip-args --config",
    "--help --version --ask --dry-run --force --no-index --verbose --quiet --user --no-config",
    "f=--find-links i=--index-url h=--help a=--ask n=--dry-run v=--verbose q=--quiet",
)

# uv 0.13: the union of the value-taking options of every subcommand read here, global ones
# included (clap accepts global options anywhere).
_UV = _spec(
    "--requirements --requirement --editable --no-editable-package --constraints --constraint"
    " --overrides --excludes --build-constraints --extra --cert --group --target --prefix"
    " --no-binary --only-binary --python-version --python-platform --output-format"
    " --torch-backend --index --default-index --index-url --extra-index-url --find-links"
    " --index-strategy --keyring-provider --upgrade-package --upgrade-group --resolution"
    " --prerelease --prerelease-package --fork-strategy --exclude-newer --exclude-newer-package"
    " --no-sources-package --reinstall-package --link-mode --config-setting"
    " --config-settings-package --no-build-isolation-package --cache-dir --refresh-package"
    " --python --color --allow-insecure-host --directory --project --config-file --no-extra"
    " --no-group --only-group --no-install-package --package --script --no-build-package"
    " --no-binary-package --prompt --with --with-requirements --with-editable"
    " --with-executables-from --env-file --output-file --format --annotation-style"
    " --custom-compile-command --no-emit-package --python-preference --from --install-dir"
    " --build-constraint --override --exclude",
    "--all-extras --no-dev --only-dev --dev --no-default-groups --all-groups --no-editable"
    " --inexact --exact --active --no-install-project --no-install-workspace --no-install-local"
    " --locked --frozen --dry-run --all-packages --check --no-index --upgrade --no-sources"
    " --reinstall --compile-bytecode --no-build-isolation --no-build --require-build-hashes"
    " --no-require-build-hashes --no-cache --refresh --managed-python --no-managed-python"
    " --no-python-downloads --quiet --verbose --system-certs --offline --no-progress"
    " --no-config --help --system --break-system-packages --user --no-deps --require-hashes"
    " --strict --seed --allow-existing --clear --relocatable --no-sync --isolated --no-project"
    " --force --version --pre --native-tls",
    "r=--requirements e=--editable c=--constraints b=--build-constraints t=--target"
    " i=--index-url f=--find-links P=--upgrade-package C=--config-setting p=--python"
    " w=--with o=--output-file U=--upgrade n=--no-cache q=--quiet v=--verbose h=--help"
    " V=--version",
    "--requirement=--requirements --constraint=--constraints --build-constraint=--build-constraints"
    " --override=--overrides --exclude=--excludes --no-cache-dir=--no-cache",
)

_POETRY = _spec(
    "--with --without --only --extras --directory --project --python --output --group"
    " --source --markers --platform",
    "--lock --editable --optional --allow-prereleases --all-extras --all-groups --no-root"
    " --no-directory --sync --no-dev --dev-only --dry-run --compile --only-root"
    " --no-interaction --quiet --verbose --ansi --no-ansi --no-plugins"
    " --no-cache --help --version --local --unset --list --dev",
    "E=--extras C=--directory P=--project n=--no-interaction q=--quiet v=--verbose h=--help"
    " V=--version G=--group D=--dev",
)
_PIPENV = _spec(
    "--python --pypi-mirror --requirements --categories --extra-pip-args --editable --index"
    " --extra-index-url",
    "--dev --deploy --system --ignore-pipfile --skip-lock --site-packages --keep-outdated"
    " --selective-upgrade --pre --verbose --quiet --clear --rm --venv --where --help"
    " --version --three --two",
    "d=--dev r=--requirements e=--editable v=--verbose q=--quiet h=--help i=--index",
)
_PDM = _spec(
    "--group --project --venv --lockfile --python",
    "--dev --prod --production --no-editable --no-self --frozen-lockfile --no-isolation"
    " --no-lock --check --global --verbose --quiet --clean --dry-run --no-sync",
    "G=--group p=--project d=--dev g=--global v=--verbose q=--quiet L=--lockfile",
)
_CONDA = _spec(
    "--name --prefix --channel --file --solver --repodata-fn --override-channels-with"
    " --platform --subdir --root-prefix --rc-file",
    "--yes --dry-run --override-channels --prune --quiet --verbose --json --all"
    " --strict-channel-priority --no-deps --only-deps --update-deps --freeze-installed"
    " --offline --use-local --insecure --clone --help --yes-i-know",
    "n=--name p=--prefix c=--channel f=--file y=--yes d=--dry-run q=--quiet v=--verbose"
    " r=--root-prefix h=--help",
)
_TOX = _spec(
    "--envlist --env --conf --workdir --root --parallel --installpkg --force-dep --override"
    " --result-json --hashseed --discover --exit-and-dump-after --runner --colored",
    "--notest --skip-missing-interpreters --recreate --sdistonly --parallel-live"
    " --skip-pkg-install --develop --alwayscopy --sitepackages --no-provision --quiet"
    " --verbose --help --version --showconfig --listenvs --listenvs-all --list-dependencies"
    " --no-recreate-provision --no-test",
    "e=--envlist c=--conf p=--parallel o=--parallel-live x=--override r=--recreate n=--notest"
    " q=--quiet v=--verbose h=--help l=--listenvs a=--listenvs-all",
    "--env=--envlist",
)
_NOX = _spec(
    "--sessions --session --python --pythons --keywords --tags --noxfile --envdir"
    " --default-venv-backend --force-venv-backend --extra-pythons --extra-python --report"
    " --download-python",
    "--list --list-sessions --reuse-existing-virtualenvs --reuse-venv --no-reuse-existing"
    " --no-venv --no-install --install-only --stop-on-first-error --error-on-missing-interpreters"
    " --verbose --help --version --json --non-interactive --forcecolor --nocolor",
    "s=--sessions e=--sessions p=--python k=--keywords t=--tags f=--noxfile r=--reuse-venv"
    " R=--reuse-existing-virtualenvs l=--list x=--stop-on-first-error h=--help",
    "--session=--sessions --pythons=--python --extra-python=--extra-pythons",
)
_VENV = _spec(
    "--prompt --python --seeder --activators --creator --discovery --app-data --pip --setuptools"
    " --wheel --extra-search-dir",
    "--system-site-packages --symlinks --copies --clear --upgrade --without-pip --upgrade-deps"
    " --without-scm-ignore-files --no-pip --no-setuptools --no-wheel --no-seed --no-download"
    " --download --quiet --verbose --help --version",
    "p=--python q=--quiet v=--verbose h=--help",
)
_PIPX = _spec(
    "--python --suffix --index-url --pip-args --spec --preinstall",
    "--force --include-deps --system-site-packages --editable --global --verbose --quiet"
    " --no-cache --help --version",
    "f=--force e=--editable i=--index-url v=--verbose q=--quiet h=--help",
)


_PYTHON_EXE = re.compile(r"(python|pypy)(\d+(\.\d+)*t?)?(-dbg)?|py|pythonw", re.I)
_PIP_EXE = re.compile(r"pip(\d+(\.\d+)*)?", re.I)


def _pip(argv: Sequence[str], at: int, ctx: Ctx, python: str | None) -> Command | None:
    """``pip [general options] <command> [options] [args]`` from ``argv[at:]``."""
    parsed = _parse(argv[at:], _PIP, stop=1)
    if not parsed.positionals:
        return None
    sub = parsed.positionals[0]
    if sub not in ("install", "download", "wheel", "uninstall", "lock", "cache"):
        return None
    rest = _parse(parsed.rest, _PIP)
    rest.options[:0] = parsed.options
    rest.missing[:0] = parsed.missing
    _missing(ctx, rest, f"pip {sub}")
    reqs, cons, edits, opts = _split_installs(rest)
    packages = tuple(rest.positionals)
    if sub == "cache":
        packages = ()
    tooling = sub == "install" and _is_tooling(packages, reqs, edits)
    venv = ctx.venv
    if any(n in ("--target", "--prefix", "--root", "--user") for n, _ in opts):
        venv = None
    return _cmd(
        ctx,
        "pip",
        sub,
        argv,
        requirements=reqs,
        constraints=cons,
        editables=edits,
        packages=packages,
        options=opts,
        python=python,
        venv=venv,
        tooling=tooling,
    )


def _pip_tools(argv: Sequence[str], at: int, ctx: Ctx, tool: str, python: str | None) -> Command:
    spec = _PIP_SYNC if tool == "pip-sync" else _PIP_COMPILE
    parsed = _parse(argv[at:], spec)
    _missing(ctx, parsed, tool)
    _, cons, _, opts = _split_installs(parsed)
    files = tuple(parsed.positionals)
    if tool == "pip-sync":
        return _cmd(
            ctx,
            "pip-sync",
            "sync",
            argv,
            requirements=files or ("requirements.txt",),
            options=opts,
            python=python,
        )
    return _cmd(
        ctx,
        "pip-compile",
        "compile",
        argv,
        requirements=files,
        constraints=cons,
        options=opts,
        python=python,
        venv=None,
    )


def _venv_create(argv: Sequence[str], at: int, ctx: Ctx, python: str | None) -> Command:
    parsed = _parse(argv[at:], _VENV)
    dirs = parsed.positionals
    python = next((v for n, v in parsed.options if n == "--python" and v), python)
    venv = _join(ctx.state.cwd, dirs[-1]) if dirs else None
    return _cmd(ctx, "venv", "venv", argv, options=tuple(parsed.options), python=python, venv=venv)


@dataclass(frozen=True)
class _UvCall:
    """One ``uv`` command line, parsed: what every action's record is built from."""

    argv: Sequence[str]
    ctx: Ctx
    action: str  # "sync", "pip-install", "tool-run" …
    reqs: tuple[str, ...]
    cons: tuple[str, ...]
    edits: tuple[str, ...]
    opts: tuple[tuple[str, str | None], ...]
    pos: tuple[str, ...]
    py: str | None
    directory: str | None  # --directory / --project
    project_venv: str  # the project environment (UV_PROJECT_ENVIRONMENT or <project>/.venv)

    def make(self, **fields: object) -> Command:
        return _cmd(
            self.ctx, "uv", self.action, self.argv, options=self.opts, python=self.py, **fields
        )


def _uv_pip(c: _UvCall) -> Command:
    """``uv pip install|sync|compile|uninstall``: the active venv, else the project's ``.venv``;
    none with ``--system``/``--target``/``--prefix`` or an explicit ``--python``."""
    reqs, pos = c.reqs, c.pos
    if c.action in ("pip-sync", "pip-compile"):
        reqs, pos = reqs + pos, ()
    venv: str | None
    if any(n in ("--system", "--target", "--prefix") for n, _ in c.opts) or (
        c.py and c.action != "pip-compile" and "--python" in dict(c.opts)
    ):
        venv = None
    elif c.ctx.venv is not None:
        venv = c.ctx.venv
    elif c.action == "pip-compile":
        venv = None
    else:
        state = c.ctx.state
        base = _join(state.cwd, c.directory) if c.directory else state.cwd
        venv = _join(base, ".venv")
    tooling = c.action == "pip-install" and _is_tooling(pos, reqs, c.edits)
    return c.make(
        requirements=reqs,
        constraints=c.cons,
        editables=c.edits,
        packages=pos,
        venv=venv,
        tooling=tooling,
    )


def _uv_venv(c: _UvCall) -> Command:
    cwd = c.ctx.state.cwd
    if c.pos:
        target = _join(cwd, c.pos[0])
    else:
        target = _join(cwd, posixpath.join(c.directory, ".venv") if c.directory else ".venv")
    return c.make(venv=target)


def _uv_project(c: _UvCall) -> Command:
    """``uv sync|lock|add|remove|export``: the project environment (``--active``: the venv)."""
    venv = c.ctx.venv if any(n == "--active" for n, _ in c.opts) else c.project_venv
    return c.make(
        requirements=c.reqs,
        packages=c.pos,
        venv=None if c.action in ("lock", "export") else venv,
    )


def _uv_tool(c: _UvCall) -> Command:
    """``uv tool install|run|upgrade``: the tool's own environment, outside the project."""
    froms = tuple(v for n, v in c.opts if n == "--from" and v)
    packages = c.pos if c.action == "tool-install" else froms or c.pos[:1]
    return c.make(
        packages=packages,
        requirements=c.reqs,
        constraints=c.cons,
        editables=c.edits,
        venv=None,
    )


_UV_ACTIONS: dict[str, Callable[[_UvCall], Command]] = {
    **dict.fromkeys(("pip-install", "pip-sync", "pip-compile", "pip-uninstall"), _uv_pip),
    "venv": _uv_venv,
    **dict.fromkeys(("sync", "lock", "add", "remove", "export"), _uv_project),
    "run": lambda c: c.make(venv=c.project_venv),
    **dict.fromkeys(("tool-install", "tool-run", "tool-upgrade"), _uv_tool),
    **dict.fromkeys(
        ("python-install", "cache-clean", "cache-prune", "cache-dir"),
        lambda c: c.make(packages=c.pos, venv=None),
    ),
}
"""uv's actions that cachekit records, by ``<command>[-<subcommand>]``."""


def _uv_action(words: Sequence[str]) -> tuple[str, list[tuple[str, str | None]], list[str]] | None:
    """(action, options before it, the words after it) of ``uv [opts] CMD [SUB] …``."""
    head = _parse(words, _UV, stop=1)
    if not head.positionals:
        return None
    sub = head.positionals[0]
    options = list(head.options)
    if sub not in ("pip", "tool", "python", "cache"):
        return sub, options, head.rest
    second = _parse(head.rest, _UV, stop=1)
    if not second.positionals:
        return None
    return f"{sub}-{second.positionals[0]}", options + second.options, second.rest


def _uv(argv: Sequence[str], at: int, ctx: Ctx, python: str | None) -> list[Command]:
    found = _uv_action(argv[at:])
    if found is None:
        return []
    action, options, rest_words = found
    body = _parse(rest_words, _UV, stop=1 if action in ("run", "tool-run") else 0)
    body.options[:0] = options
    _missing(ctx, body, f"uv {action.replace('-', ' ')}")
    if action not in _UV_ACTIONS:
        return []
    reqs, cons, edits, opts = _split_installs(
        body, req="--requirements", con="--constraints", edit="--editable"
    )
    directory = next((v for n, v in opts if n in ("--directory", "--project") and v), None)
    project_env = _env_get(ctx, "UV_PROJECT_ENVIRONMENT")
    if project_env is None:
        project_env = posixpath.join(directory, ".venv") if directory else ".venv"
    call = _UvCall(
        argv=argv,
        ctx=ctx,
        action=action,
        reqs=reqs,
        cons=cons,
        edits=edits,
        opts=opts,
        pos=tuple(body.positionals),
        py=next((v for n, v in opts if n == "--python" and v), python),
        directory=directory,
        project_venv=_join(ctx.state.cwd, project_env),
    )
    return [_UV_ACTIONS[action](call)]


def _poetry_venv(ctx: Ctx, directory: str | None) -> str | None:
    state = ctx.state
    create = _env_get(ctx, "POETRY_VIRTUALENVS_CREATE") or state.poetry.get("virtualenvs.create")
    if create is not None and not _truthy(create):
        return ctx.venv
    in_project = _env_get(ctx, "POETRY_VIRTUALENVS_IN_PROJECT") or state.poetry.get(
        "virtualenvs.in-project"
    )
    if _truthy(in_project):
        base = _join(state.cwd, directory) if directory else state.cwd
        return _join(base, ".venv")
    return ctx.venv


def _poetry(argv: Sequence[str], at: int, ctx: Ctx, python: str | None) -> Command | None:
    head = _parse(argv[at:], _POETRY, stop=1)
    if not head.positionals:
        return None
    sub = head.positionals[0]
    if sub not in ("install", "sync", "lock", "config", "add", "update"):
        return None
    body = _parse(head.rest, _POETRY)
    body.options[:0] = head.options
    _missing(ctx, body, f"poetry {sub}")
    opts = tuple(body.options)
    directory = next((v for n, v in opts if n in ("--directory", "--project") and v), None)
    if sub == "config":
        pos = body.positionals
        if len(pos) >= 2 and not any(n == "--unset" for n, _ in opts):
            ctx.state.poetry[pos[0]] = pos[1]
        settings = ((pos[0], pos[1] if len(pos) > 1 else None),) if pos else ()
        return _cmd(ctx, "poetry", "config", argv, options=opts + settings, venv=None)
    venv = None if sub == "lock" else _poetry_venv(ctx, directory)
    return _cmd(
        ctx,
        "poetry",
        sub,
        argv,
        packages=tuple(body.positionals),
        options=opts,
        python=python,
        venv=venv,
    )


def _pipenv(argv: Sequence[str], at: int, ctx: Ctx, python: str | None) -> Command | None:
    head = _parse(argv[at:], _PIPENV, stop=1)
    if not head.positionals:
        return None
    sub = head.positionals[0]
    if sub not in ("install", "sync", "update", "lock", "uninstall"):
        return None
    body = _parse(head.rest, _PIPENV)
    body.options[:0] = head.options
    _missing(ctx, body, f"pipenv {sub}")
    reqs, _, edits, opts = _split_installs(body, req="--requirements")
    venv = ctx.venv
    if any(n == "--system" for n, _ in opts) or sub == "lock":
        venv = None
    elif _truthy(_env_get(ctx, "PIPENV_VENV_IN_PROJECT")):
        venv = _join(ctx.state.cwd, ".venv")
    py = next((v for n, v in opts if n == "--python" and v), python)
    return _cmd(
        ctx,
        "pipenv",
        sub,
        argv,
        requirements=reqs,
        editables=edits,
        packages=tuple(body.positionals),
        options=opts,
        python=py,
        venv=venv,
    )


def _pdm(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _PDM, stop=1)
    if not head.positionals or head.positionals[0] not in (
        "install",
        "sync",
        "add",
        "update",
        "lock",
    ):
        return None
    sub = head.positionals[0]
    body = _parse(head.rest, _PDM)
    body.options[:0] = head.options
    venv = None if sub == "lock" else (ctx.venv or _join(ctx.state.cwd, ".venv"))
    return _cmd(
        ctx,
        "pdm",
        sub,
        argv,
        packages=tuple(body.positionals),
        options=tuple(body.options),
        venv=venv,
    )


def _pipx(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _PIPX, stop=1)
    if not head.positionals or head.positionals[0] not in ("install", "run", "inject", "upgrade"):
        return None
    sub = head.positionals[0]
    body = _parse(head.rest, _PIPX, stop=1 if sub == "run" else 0)
    body.options[:0] = head.options
    pkgs = tuple(body.positionals)
    spec = next((v for n, v in body.options if n == "--spec" and v), None)
    if spec:
        pkgs = (spec,)
    return _cmd(
        ctx,
        "pipx",
        sub,
        argv,
        packages=pkgs,
        options=tuple(body.options),
        venv=None,
        tooling=_is_tooling(pkgs),
    )


def _conda(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _CONDA, stop=1)
    if not head.positionals:
        return None
    sub = head.positionals[0]
    rest = head.rest
    if sub == "env":
        inner = _parse(rest, _CONDA, stop=1)
        if not inner.positionals or inner.positionals[0] not in ("create", "update"):
            return None
        sub = "env-" + inner.positionals[0]
        head.options += inner.options
        rest = inner.rest
    if sub not in ("install", "create", "update", "env-create", "env-update"):
        return None
    body = _parse(rest, _CONDA)
    body.options[:0] = head.options
    _missing(ctx, body, f"conda {sub.replace('-', ' ')}")
    files = tuple(v for n, v in body.options if n == "--file" and v)
    opts = tuple((n, v) for n, v in body.options if n != "--file")
    pos = tuple(body.positionals)
    if sub == "env-create" and not files and not pos:
        files = ("environment.yml",)
    target = next((v for n, v in opts if n in ("--name", "--prefix") and v), None)
    if target is not None and any(n == "--prefix" for n, _ in opts):
        target = _join(ctx.state.cwd, target)
    return replace(
        _cmd(ctx, "conda", sub, argv, requirements=files, packages=pos, options=opts, venv=None),
        conda_env=target or ctx.state.conda_env,
    )


def _tox_nox(argv: Sequence[str], at: int, ctx: Ctx, tool: str, python: str | None) -> Command:
    parsed = _parse(argv[at:], _TOX if tool == "tox" else _NOX)
    info = {"--help", "--version", "--listenvs", "--listenvs-all", "--showconfig", "--list"}
    info |= {"--list-sessions", "--list-dependencies"}
    action = "run"
    if any(n in info for n, _ in parsed.options) or (
        parsed.positionals
        and parsed.positionals[0]
        in ("list", "l", "config", "c", "depends", "de", "quickstart", "q")
    ):
        action = "info"
    return _cmd(ctx, tool, action, argv, options=tuple(parsed.options), python=python, venv=None)


def _python_module(argv: Sequence[str]) -> tuple[str | None, int]:
    """The ``-m`` module of an interpreter command line and the index of its first argument.

    ``python -Im pip``, ``python -X utf8 -m pip``, ``py -3.12 -m pip``; ``-c`` and scripts
    give ``None``.
    """
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "-m" and i + 1 < len(argv):
            return argv[i + 1], i + 2
        if not a.startswith("-") or a == "-" or a.startswith("--") or a == "-c":
            return None, i
        if re.fullmatch(r"-\d+(\.\d+)?(-\d+)?t?", a):  # py -3.12
            i += 1
            continue
        letters = a[1:]
        j = 0
        while j < len(letters):
            ch = letters[j]
            if ch == "m":
                mod = letters[j + 1 :]
                if mod:
                    return mod, i + 1
                return (argv[i + 1], i + 2) if i + 1 < len(argv) else (None, i + 1)
            if ch == "c":
                return None, i
            if ch in "XWQ":
                if j + 1 == len(letters):
                    i += 1  # the value is the next word
                break
            j += 1
        i += 1
    return None, i


# -- entry points: one per program name, as the registry calls them ----------------------------


def _python_m(argv: list[str], ctx: Ctx) -> list[Command]:
    """``python -m pip …``, ``py -3.12 -m uv …``: the module's recogniser, with the interpreter."""
    module, at = _python_module(argv)
    if module is None:
        return []
    python = argv[0]
    if module == "pip":
        return one(_pip(argv, at, ctx, python))
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
        return one(_poetry(argv, at, ctx, python))
    if module == "pipenv":
        return one(_pipenv(argv, at, ctx, python))
    if module in ("tox", "nox"):
        return [_tox_nox(argv, at, ctx, module, python)]
    if module == "pipx":
        return one(_pipx(argv, at, ctx))
    return []


def _uvx(argv: list[str], ctx: Ctx) -> list[Command]:
    """``uvx TOOL`` is ``uv tool run TOOL``, recorded with the words as written."""
    if len(argv) > 1 and argv[1] in ("--version", "--help", "-V", "-h"):
        return []
    got = _uv(["uv", "tool", "run", *argv[1:]], 1, ctx, None)
    return [replace(c, argv=tuple(argv)) for c in got]


def _tool(name: str) -> str:
    return command_name(name).lower()


RECOGNISERS: dict[str, Recogniser] = {
    "pip-sync": lambda argv, ctx: [_pip_tools(argv, 1, ctx, "pip-sync", None)],
    "pip-compile": lambda argv, ctx: [_pip_tools(argv, 1, ctx, "pip-compile", None)],
    "virtualenv": lambda argv, ctx: [_venv_create(argv, 1, ctx, None)],
    "uv": lambda argv, ctx: _uv(argv, 1, ctx, None),
    "uvx": _uvx,
    "poetry": lambda argv, ctx: one(_poetry(argv, 1, ctx, None)),
    "pipenv": lambda argv, ctx: one(_pipenv(argv, 1, ctx, None)),
    "pdm": lambda argv, ctx: one(_pdm(argv, 1, ctx)),
    "pipx": lambda argv, ctx: one(_pipx(argv, 1, ctx)),
    "tox": lambda argv, ctx: [_tox_nox(argv, 1, ctx, "tox", None)],
    "nox": lambda argv, ctx: [_tox_nox(argv, 1, ctx, "nox", None)],
}
"""Python's programs by name; ``python``/``pip`` variants are matched by pattern in .python."""


def pip(argv: list[str], ctx: Ctx) -> list[Command]:
    """``pip``, ``pip3``, ``pip3.12``."""
    return one(_pip(argv, 1, ctx, None))


def conda(argv: list[str], ctx: Ctx) -> list[Command]:
    """``conda``, ``mamba``, ``micromamba``."""
    return one(_conda(argv, 1, ctx))


python_m = _python_m


# -- runners: commands that run another command in an environment they manage -----------------


def uv_run(argv: list[str], pre: Prefixes, state: State) -> list[str] | None:
    """``uv run [opts] CMD …``: records the ``uv run`` (it syncs the project) and its venv."""
    head = _parse(argv[1:], _UV, stop=1)
    if head.positionals != ["run"]:
        return None
    body = _parse(head.rest, _UV, stop=1)
    if not body.positionals:
        return None
    opts = tuple(head.options + body.options)
    directory = next((v for n, v in opts if n in ("--directory", "--project") and v), None)
    project = dict(pre.env).get("UV_PROJECT_ENVIRONMENT") or state.env.get("UV_PROJECT_ENVIRONMENT")
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


def project_run(argv: list[str], pre: Prefixes, state: State) -> list[str] | None:
    """``poetry run``, ``pipenv run``, ``pdm run``, ``hatch run``: the project's environment."""
    name = _tool(argv[0])
    spec = {"poetry": _POETRY, "pipenv": _PIPENV, "pdm": _PDM}.get(name, _spec(""))
    head = _parse(argv[1:], spec, stop=1)
    if head.positionals != ["run"]:
        return None
    inner = head.rest
    pre.via.append(f"{name} run")
    if name == "poetry":
        ctx = Ctx("", 0, state, tuple(state.env.items()) + tuple(pre.env), (), [], state.venv)
        pre.venv = _poetry_venv(ctx, None)
    elif name == "pdm":
        pre.venv = state.venv or _join(state.cwd, ".venv")
    elif name == "pipenv" and _truthy(
        dict(pre.env).get("PIPENV_VENV_IN_PROJECT") or state.env.get("PIPENV_VENV_IN_PROJECT")
    ):
        pre.venv = _join(state.cwd, ".venv")
    return inner


def conda_run(argv: list[str], pre: Prefixes, state: State) -> list[str] | None:
    """``conda run -n ENV CMD …`` (and mamba's, micromamba's): the named environment."""
    name = _tool(argv[0])
    head = _parse(argv[1:], _CONDA, stop=1)
    if head.positionals != ["run"]:
        return None
    body = _parse(head.rest, _CONDA, stop=1)
    body.options[:0] = head.options
    pre.via.append(f"{name} run")
    target = next((v for n, v in body.options if n in ("--name", "--prefix") and v), None)
    pre.conda_env = target or state.conda_env
    return body.positionals[-1:] + body.rest


def python_m_run(argv: list[str], pre: Prefixes, state: State) -> list[str] | None:
    """``python -m poetry run …`` and the like: the module's runner."""
    module, at = _python_module(argv)
    if module in ("poetry", "pipenv", "pdm") and argv[at : at + 1] == ["run"]:
        return project_run([module, *argv[at:]], pre, state)
    if module == "uv" and argv[at : at + 1] == ["run"]:
        return uv_run([module, *argv[at:]], pre, state)
    return None
