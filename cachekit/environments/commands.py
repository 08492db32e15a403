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
from dataclasses import dataclass, field, replace

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.utils import canonicalize_name

from ..ecosystems.registry import install_actions, tooling
from ..shell.argv import Parsed as _Parsed
from ..shell.argv import names as _names
from ..shell.argv import parse as _parse
from ..shell.argv import spec as _spec
from ..shell.dialects import Dialect, dialect_of, lex, one_line
from ..shell.structure import walk_bash, walk_flat
from ..shell.tokens import NAME_ASSIGN as _NAME_ASSIGN
from ..shell.tokens import Lines as _Lines
from ..shell.tokens import Word as _Word
from ..shell.tokens import assignment as _assignment
from ..shell.tokens import command_name as _basename

__all__ = ["Command", "ScriptParse", "parse_script"]


# --------------------------------------------------------------------------------------------
# Public records


@dataclass(frozen=True)
class Command:
    """One installer invocation found in a script.

    ``requirements``, ``constraints``, ``editables`` and ``packages`` are as written (relative to
    ``cwd``, quotes removed, ``$VAR`` kept). ``venv`` and ``conda_env`` are relative to the step's
    working directory: a ``cd`` before ``python -m venv .venv`` is folded in (``"app/.venv"``).
    ``via`` lists what the command ran under: ``"sudo"``, ``"xargs"`` (arguments come from
    stdin), ``"uv run"``, ``"poetry run"``, ``"pipenv run"``, ``"pdm run"``, ``"conda run"`` …

    Fields beyond the original contract: ``via``, and ``conda_env`` (the conda env named by
    ``-n``/``-p`` or activated earlier). Venv creation is ``action == "venv"`` whatever the
    tool: ``"venv"`` for ``python -m venv`` and ``virtualenv``, ``"uv"`` for ``uv venv``.
    ``venv`` is None for installs that bypass the active environment (``--user``, which means
    the user site; ``--target``; ``--prefix``; ``--system``; an interpreter named by a path
    outside any venv). For maven/gradle ``packages`` holds the goals or tasks; for
    ``npm run``/``yarn run`` the script name; for ``uv tool run`` the tool.
    """

    tool: str
    action: str
    argv: tuple[str, ...]
    text: str
    line: int
    requirements: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    editables: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    options: tuple[tuple[str, str | None], ...] = ()
    python: str | None = None
    venv: str | None = None
    cwd: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    tooling: bool = False
    via: tuple[str, ...] = ()
    conda_env: str | None = None

    @property
    def installs(self) -> bool:
        """Whether the command puts packages into an environment or into the store a build reads.

        True for installs and syncs (pip/uv/poetry/pipenv/conda/npm/yarn/pnpm), for ``uv run``
        unless ``--no-sync``, for tox/nox (they build their own envs), and for go/cargo/maven/
        gradle builds, which fetch every dependency into the tool's store. False for
        ``pip download``/``wheel``, lock/compile, config, venv creation, ``--dry-run``, script
        runs (``npm run``), uninstalls and cache commands.
        """
        if self.has("--dry-run") or self.has("--no-install"):
            return False
        if self.tool == "uv" and self.action == "run":
            return not (self.has("--no-sync") or self.has("--no-project"))
        return self.action in install_actions(self.tool)

    def has(self, option: str) -> bool:
        """Whether the (normalised) option was given."""
        return any(name == option for name, _ in self.options)

    def values(self, option: str) -> tuple[str, ...]:
        """Every value given to ``option``, in order (``--with a --with b`` → ``("a", "b")``)."""
        return tuple(v for name, v in self.options if name == option and v is not None)


@dataclass(frozen=True)
class ScriptParse:
    """The commands of one script, in execution-text order, and what could not be read."""

    commands: tuple[Command, ...]
    problems: tuple[str, ...]


# Packages whose installation only upgrades the installers themselves.
_TOOLING = frozenset(canonicalize_name(n) for n in tooling())


# --------------------------------------------------------------------------------------------
# State carried through a script


@dataclass
class _State:
    cwd: str | None = None
    oldpwd: str | None = None
    dirstack: list[str | None] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # exported
    shell: dict[str, str] = field(default_factory=dict)  # set, not exported
    venv: str | None = None
    conda_env: str | None = None
    poetry: dict[str, str] = field(default_factory=dict)  # `poetry config` settings

    def copy(self) -> _State:
        return _State(
            self.cwd,
            self.oldpwd,
            list(self.dirstack),
            dict(self.env),
            dict(self.shell),
            self.venv,
            self.conda_env,
            dict(self.poetry),
        )


def _join(base: str | None, path: str) -> str:
    """``path`` seen from the step's directory, given the script's ``cd`` target ``base``."""
    if path.startswith(("/", "~", "$")) or re.match(r"[A-Za-z]:[\\/]", path):
        return path
    if base is None:
        return posixpath.normpath(path.replace("\\", "/"))
    return posixpath.normpath(posixpath.join(base, path.replace("\\", "/")))


# --------------------------------------------------------------------------------------------
# Option parsing


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
_NPM = _spec(
    "--prefix --registry --cache --workspace --omit --include --tag --loglevel --userconfig"
    " --install-strategy --before --location --script-shell",
    "--global --save-dev --save-prod --save-optional --save-exact --production --ignore-scripts"
    " --no-audit --legacy-peer-deps --silent --force --workspaces --include-workspace-root"
    " --prefer-offline --prefer-online --offline --no-fund --no-save --dry-run --quiet"
    " --verbose --help --version --if-present --foreground-scripts --no-package-lock",
    "g=--global D=--save-dev P=--save-prod O=--save-optional E=--save-exact w=--workspace"
    " f=--force q=--quiet s=--silent d=--loglevel C=--prefix h=--help v=--version",
)
_YARN = _spec(
    "--cache-folder --modules-folder --network-timeout --mutex --cwd --registry --mode"
    " --global-folder --link-folder --use-yarnrc",
    "--frozen-lockfile --immutable --immutable-cache --ignore-engines --production"
    " --prefer-offline --offline --check-files --pure-lockfile --silent --non-interactive"
    " --ignore-scripts --ignore-optional --inline-builds --refresh-lockfile --dev --exact"
    " --tilde --verbose --help --version --json --check-cache --force --flat --no-lockfile"
    " --skip-builds",
    "D=--dev E=--exact T=--tilde s=--silent h=--help v=--version",
)
_PNPM = _spec(
    "--store-dir --filter --dir --reporter --loglevel --reporter --virtual-store-dir"
    " --lockfile-dir --workspace-root --config.node-linker --node-linker --registry"
    " --modules-dir",
    "--frozen-lockfile --no-frozen-lockfile --prefer-offline --offline --production --dev"
    " --no-optional --ignore-scripts --recursive --shamefully-hoist --global --silent"
    " --lockfile-only --fix-lockfile --force --help --version --save-dev --save-prod"
    " --save-exact --workspace",
    "F=--filter C=--dir r=--recursive P=--production D=--dev g=--global s=--silent"
    " h=--help v=--version w=--workspace-root",
)
_GO = _spec(
    "-C -o -tags -mod -modfile -p -ldflags -gcflags -asmflags -buildmode -compiler"
    " -gccgoflags -installsuffix -pkgdir -toolexec -overlay -pgo -run -skip -bench -count"
    " -timeout -cpu -parallel -coverprofile -covermode -coverpkg -exec -benchtime -shuffle"
    " -fuzz -fuzztime -json -vet -outputdir -list",
    "-race -msan -asan -cover -v -x -n -a -i -trimpath -linkshared -modcacherw -work -short"
    " -failfast -benchmem -buildvcs -u -t -d",
    single_dash=True,
)
_CARGO = _spec(
    "--package --features --target --target-dir --manifest-path --jobs --profile --bin"
    " --example --test --bench --color --config --lockfile-path --exclude --message-format"
    " --root --version --git --branch --tag --rev --path --registry --index",
    "--release --locked --frozen --offline --all-features --no-default-features --workspace"
    " --all --all-targets --lib --bins --examples --tests --benches --quiet --verbose"
    " --no-run --no-fail-fast --doc --keep-going --force --help --debug",
    "p=--package F=--features j=--jobs q=--quiet v=--verbose r=--release Z=-Z h=--help",
)
_MAVEN = _spec(
    "-f --file -s --settings -gs --global-settings -t --toolchains -P --activate-profiles"
    " -pl --projects -rf --resume-from -T --threads -l --log-file -b --builder"
    " -gt --global-toolchains -emp --encrypt-master-password -ep --encrypt-password",
    "-B --batch-mode -ntp --no-transfer-progress -q --quiet -U --update-snapshots -o"
    " --offline -am --also-make -amd --also-make-dependents -e --errors -X --debug -fae"
    " --fail-at-end -ff --fail-fast -fn --fail-never -N --non-recursive -V --show-version"
    " -v --version -C --strict-checksums -c --lax-checksums -h --help -nsu"
    " --no-snapshot-updates -npu -cpu -llr -up -npr",
    single_dash=True,
)
_GRADLE = _spec(
    "-p --project-dir -g --gradle-user-home -b --build-file -c --settings-file -I"
    " --init-script -x --exclude-task --console --max-workers --warning-mode --project-cache-dir"
    " --include-build --priority -M --write-verification-metadata --dependency-verification"
    " -F --update-locks",
    "--no-daemon --daemon --build-cache --no-build-cache --scan --no-scan --stacktrace -s"
    " --full-stacktrace -S --info -i --quiet -q --debug -d --offline --refresh-dependencies"
    " --configuration-cache --no-configuration-cache --parallel --no-parallel --continue"
    " --dry-run -m --help -h -? --version -v --rerun-tasks --profile -w --warn"
    " --no-rebuild -a --write-locks --rerun --status --stop --foreground --continuous -t",
    single_dash=True,
)


# --------------------------------------------------------------------------------------------
# Recognising commands


_PYTHON_EXE = re.compile(r"(python|pypy)(\d+(\.\d+)*t?)?(-dbg)?|py|pythonw", re.I)
_PIP_EXE = re.compile(r"pip(\d+(\.\d+)*)?", re.I)
_ACTIVATE = re.compile(
    r"(?P<venv>.*?)[\\/](bin|Scripts)[\\/]activate(\.(sh|bash|fish|csh|ps1|bat))?", re.I
)
_VENV_BIN = re.compile(r"(?P<venv>.+?)[\\/](bin|Scripts)[\\/][^\\/]+$", re.I)
_WINDOWS_EXT = re.compile(r"\.(exe|cmd|bat|ps1)$", re.I)
_SYSTEM_PREFIXES = (
    "/usr",
    "/bin",
    "/opt",
    "/Library",
    "/System",
    "/nix",
    "/snap",
    "/home/linuxbrew",
)


def _venv_of_exe(exe: str) -> str | None:
    """The virtual environment an executable path lives in: ``.venv/bin/pip`` → ``.venv``.

    System locations (``/usr/bin/python3``) and interpreter prefixes named by variables
    (``$pythonLocation/bin/python``) are not virtual environments.
    """
    m = _VENV_BIN.fullmatch(exe)
    if not m:
        return None
    venv = m.group("venv")
    if venv.startswith(_SYSTEM_PREFIXES) or "pythonLocation" in venv or "hostedtoolcache" in venv:
        return None
    if re.match(r"[A-Za-z]:[\\/](Python|Program Files|hostedtoolcache)", venv, re.I):
        return None
    return venv


@dataclass(frozen=True)
class Ctx:
    """What a command's record needs besides its own words."""

    text: str
    line: int
    state: _State
    env: tuple[tuple[str, str], ...]
    via: tuple[str, ...]
    problems: list[str]
    venv: str | None  # the environment the command would install into, if known


def _env_get(ctx: Ctx, name: str) -> str | None:
    for key, value in reversed(ctx.env):
        if key == name:
            return value
    return None


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().strip("'\"").lower() in ("1", "true", "yes", "on")


def _cmd(ctx: Ctx, tool: str, action: str, argv: Sequence[str], **fields: object) -> Command:
    base = Command(
        tool=tool,
        action=action,
        argv=tuple(argv),
        text=ctx.text,
        line=ctx.line,
        cwd=ctx.state.cwd,
        env=ctx.env,
        via=ctx.via,
        venv=ctx.venv,
        conda_env=ctx.state.conda_env,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def _missing(ctx: Ctx, parsed: _Parsed, what: str) -> None:
    for name in parsed.missing:
        ctx.problems.append(f"line {ctx.line}: {what}: {name} needs a value")


def _split_installs(
    parsed: _Parsed,
    *,
    req: str = "--requirement",
    con: str = "--constraint",
    edit: str = "--editable",
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    reqs, cons, edits, opts = [], [], [], []
    for name, value in parsed.options:
        if name == req and value is not None:
            reqs.append(value)
        elif name == con and value is not None:
            cons.append(value)
        elif name == edit and value is not None:
            edits.append(value)
        else:
            opts.append((name, value))
    return tuple(reqs), tuple(cons), tuple(edits), tuple(opts)


def _is_tooling(packages: Sequence[str], *others: Sequence[str]) -> bool:
    if not packages or any(others):
        return False
    for spec in packages:
        try:
            name = PackagingRequirement(spec).name
        except InvalidRequirement:
            return False
        if canonicalize_name(name) not in _TOOLING:
            return False
    return True


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


def _uv(argv: Sequence[str], at: int, ctx: Ctx, python: str | None) -> list[Command]:
    words = list(argv[at:])
    head = _parse(words, _UV, stop=1)
    if not head.positionals:
        return []
    sub = head.positionals[0]
    options = list(head.options)
    if sub in ("pip", "tool", "python", "cache"):
        second = _parse(head.rest, _UV, stop=1)
        options += second.options
        if not second.positionals:
            return []
        action = f"{sub}-{second.positionals[0]}"
        rest_words = second.rest
    else:
        action = sub
        rest_words = head.rest
    if action in ("run", "tool-run"):
        body = _parse(rest_words, _UV, stop=1)
    else:
        body = _parse(rest_words, _UV)
    body.options[:0] = options
    _missing(ctx, body, f"uv {action.replace('-', ' ')}")
    reqs, cons, edits, opts = _split_installs(
        body, req="--requirements", con="--constraints", edit="--editable"
    )
    pos = tuple(body.positionals)
    py = next((v for n, v in opts if n == "--python" and v), python)
    directory = next((v for n, v in opts if n in ("--directory", "--project") and v), None)
    project_env = _env_get(ctx, "UV_PROJECT_ENVIRONMENT")
    if project_env is None:
        project_env = posixpath.join(directory, ".venv") if directory else ".venv"
    project_venv = _join(ctx.state.cwd, project_env)
    if action in ("pip-install", "pip-sync", "pip-compile", "pip-uninstall"):
        if action == "pip-sync":
            reqs, pos = reqs + pos, ()
        if action == "pip-compile":
            reqs, pos = reqs + pos, ()
        venv: str | None
        if any(n in ("--system", "--target", "--prefix") for n, _ in opts) or (
            py and action != "pip-compile" and "--python" in dict(opts)
        ):
            venv = None
        elif ctx.venv is not None:
            venv = ctx.venv
        elif action == "pip-compile":
            venv = None
        else:
            base = _join(ctx.state.cwd, directory) if directory else ctx.state.cwd
            venv = _join(base, ".venv")
        tooling = action == "pip-install" and _is_tooling(pos, reqs, edits)
        return [
            _cmd(
                ctx,
                "uv",
                action,
                argv,
                requirements=reqs,
                constraints=cons,
                editables=edits,
                packages=pos,
                options=opts,
                python=py,
                venv=venv,
                tooling=tooling,
            )
        ]
    if action == "venv":
        target = (
            _join(ctx.state.cwd, pos[0])
            if pos
            else _join(ctx.state.cwd, posixpath.join(directory, ".venv") if directory else ".venv")
        )
        return [_cmd(ctx, "uv", "venv", argv, options=opts, python=py, venv=target)]
    if action in ("sync", "lock", "add", "remove", "export"):
        venv = ctx.venv if any(n == "--active" for n, _ in opts) else project_venv
        return [
            _cmd(
                ctx,
                "uv",
                action,
                argv,
                requirements=reqs,
                packages=pos,
                options=opts,
                python=py,
                venv=None if action in ("lock", "export") else venv,
            )
        ]
    if action == "run":
        return [_cmd(ctx, "uv", "run", argv, options=opts, python=py, venv=project_venv)]
    if action in ("tool-install", "tool-run", "tool-upgrade"):
        froms = tuple(v for n, v in opts if n == "--from" and v)
        packages = froms or pos[:1]
        if action == "tool-install":
            packages = pos
        return [
            _cmd(
                ctx,
                "uv",
                action,
                argv,
                packages=packages,
                requirements=reqs,
                constraints=cons,
                editables=edits,
                options=opts,
                python=py,
                venv=None,
            )
        ]
    if action in ("python-install", "cache-clean", "cache-prune", "cache-dir"):
        return [_cmd(ctx, "uv", action, argv, packages=pos, options=opts, python=py, venv=None)]
    return []


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


_NPM_INSTALL = {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal"}
_NPM_INSTALL |= {"isntall", "add"}
_NPM_ACTIONS = dict.fromkeys(_NPM_INSTALL, "install")
_NPM_ACTIONS |= dict.fromkeys(("ci", "clean-install", "ic", "install-clean", "isntall-clean"), "ci")
_NPM_ACTIONS |= dict.fromkeys(("install-test", "it", "install-ci-test", "cit"), "ci")
_NPM_ACTIONS |= dict.fromkeys(("update", "up", "upgrade", "udpate"), "update")
_NPM_ACTIONS |= dict.fromkeys(("run", "run-script", "rum", "urn", "exec", "x"), "run")
_NPM_ACTIONS |= dict.fromkeys(("test", "t", "tst"), "test")


def _npm(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _NPM, stop=1)
    if not head.positionals:
        return None
    action = _NPM_ACTIONS.get(head.positionals[0])
    if action is None:
        return None
    body = _parse(head.rest, _NPM, stop=1 if action in ("run", "test") else 0)
    body.options[:0] = head.options
    pkgs = tuple(body.positionals) if action in ("install", "update") else ()
    if action in ("run", "test"):
        pkgs = tuple(body.positionals[:1])
    return _cmd(ctx, "npm", action, argv, packages=pkgs, options=tuple(body.options), venv=None)


_YARN_NOT_INSTALL = frozenset(
    _names(
        "link unlink cache config set version info why list outdated audit publish pack login"
        " logout bin dlx exec node constraints plugin init create tag team owner licenses import"
        " policies check autoclean npm remove explain patch patch-commit rebuild search stage"
        " unplug generate-lock-entry global help"
    )
)


def _yarn(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _YARN, stop=1)
    opts = list(head.options)
    if not head.positionals:
        if any(n in ("--version", "--help") for n, _ in opts):
            return None
        return _cmd(ctx, "yarn", "install", argv, options=tuple(opts), venv=None)
    sub = head.positionals[0]
    body = _parse(head.rest, _YARN, stop=1 if sub == "run" else 0)
    body.options[:0] = opts
    if sub == "install":
        action = "install"
    elif sub == "add":
        action = "add"
    elif sub in ("upgrade", "up", "upgrade-interactive"):
        action = "update"
    elif sub == "workspaces" and body.positionals[:1] == ["focus"]:
        action = "install"
    elif sub in _YARN_NOT_INSTALL or sub in ("workspaces", "workspace"):
        return None
    else:
        action = "run"
    pkgs = tuple(body.positionals) if action in ("add", "update") else ()
    if action == "run":  # the script's own arguments are not yarn's
        pkgs = (sub,) if sub != "run" else tuple(body.positionals[:1])
        body.options = opts if sub != "run" else body.options
    return _cmd(ctx, "yarn", action, argv, packages=pkgs, options=tuple(body.options), venv=None)


def _pnpm(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    head = _parse(argv[at:], _PNPM, stop=1)
    if not head.positionals:
        return None
    sub = head.positionals[0]
    actions = dict.fromkeys(("install", "i"), "install") | {"add": "add", "fetch": "download"}
    actions |= dict.fromkeys(("update", "up", "upgrade"), "update")
    actions |= dict.fromkeys(("install-test", "it"), "install")
    actions |= dict.fromkeys(("run", "test", "t", "exec", "dlx"), "run")
    action = actions.get(sub)
    if action is None:
        return None
    body = _parse(head.rest, _PNPM)
    body.options[:0] = head.options
    pkgs = tuple(body.positionals) if action in ("add", "update") else ()
    return _cmd(ctx, "pnpm", action, argv, packages=pkgs, options=tuple(body.options), venv=None)


def _go(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    words = list(argv[at:])
    if not words:
        return None
    sub = words[0]
    if sub == "mod":
        if words[1:2] != ["download"]:
            return None
        action, words = "download", words[2:]
    elif sub in ("build", "test", "install", "get", "run", "vet"):
        action, words = sub, words[1:]
    else:
        return None
    parsed = _parse(words, _GO, stop=1 if action == "run" else 0)
    return _cmd(
        ctx,
        "go",
        action,
        argv,
        packages=tuple(parsed.positionals),
        options=tuple(parsed.options),
        venv=None,
    )


_CARGO_ALIASES = {"b": "build", "t": "test", "c": "check", "r": "run", "d": "doc"}


def _cargo(argv: Sequence[str], at: int, ctx: Ctx) -> Command | None:
    words = list(argv[at:])
    toolchain = None
    if words and words[0].startswith("+"):
        toolchain = words.pop(0)
    head = _parse(words, _CARGO, stop=1)
    if not head.positionals:
        return None
    sub = _CARGO_ALIASES.get(head.positionals[0], head.positionals[0])
    if sub not in ("build", "test", "fetch", "check", "run", "install", "clippy", "bench", "doc"):
        return None
    body = _parse(head.rest, _CARGO)
    body.options[:0] = head.options
    opts = tuple(body.options) + ((("+toolchain", toolchain),) if toolchain else ())
    pkgs = tuple(body.positionals) if sub == "install" else ()
    return _cmd(ctx, "cargo", sub, argv, packages=pkgs, options=opts, venv=None)


def _maven(argv: Sequence[str], at: int, ctx: Ctx, tool: str) -> Command | None:
    words = list(argv[at:])
    fixed: list[str] = []
    i = 0
    while i < len(words):  # -D key=value, written apart, is one property
        if words[i] in ("-D", "-P") and i + 1 < len(words):
            fixed.append(words[i] + words[i + 1])
            i += 2
            continue
        fixed.append(words[i])
        i += 1
    parsed = _parse(fixed, _MAVEN if tool == "maven" else _GRADLE)
    if any(n in ("-v", "--version", "-h", "--help", "-?") for n, _ in parsed.options):
        return None
    goals = parsed.positionals
    if tool == "maven":
        if goals and all(g.startswith("dependency:") for g in goals):
            action = "download"
        elif goals and goals[-1] == "test":
            action = "test"
        else:
            action = "build"
    elif goals and all(g.rsplit(":", 1)[-1] in ("test", "check") for g in goals):
        action = "test"
    elif goals and all(re.search(r"dependencies$", g.rsplit(":", 1)[-1], re.I) for g in goals):
        action = "download"
    else:
        action = "build"
    return _cmd(
        ctx, tool, action, argv, packages=tuple(goals), options=tuple(parsed.options), venv=None
    )


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


@dataclass
class _Prefixes:
    env: list[tuple[str, str]] = field(default_factory=list)
    via: list[str] = field(default_factory=list)
    venv: str | None = None
    runner_commands: list[Command] = field(default_factory=list)
    chdir: str | None = None
    conda_env: str | None = None


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
