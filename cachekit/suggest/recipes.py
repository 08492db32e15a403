"""The right cache for each package manager: paths, key, restore-keys, and the setup action
that does the same job.

Why: most hand-written dependency caches get one of three things wrong — they cache what the
install step throws away (``node_modules`` before ``npm ci``), they key on files that do not
decide the environment (or miss one that does: a ``-r`` include, a workspace member), or they
restore a *built* environment from another lock file through a ``restore-keys`` prefix. A
:class:`Recipe` states each choice and its trade-off in plain words, so ``cachekit suggest``
can emit YAML a reviewer can check.

Rules the recipes follow:

* the key hashes exactly the files that determine the environment — the lock files when there
  are any, else every manifest and every ``-r``/``-c`` include (:func:`key_inputs`); the
  ``hashFiles`` patterns are checked against the tree with
  :func:`~cachekit.hashing.hashfiles.hash_files` in both flavours (the expression function and
  the setup actions' ``@actions/glob``) and must match those files and nothing else;
* download caches get a restore key (a stale download cache is still correct: the package
  manager fetches what is missing); built environments (venvs, ``node_modules``) never do — a
  partial environment built from another lock is wrong, not slow; compiler caches
  (``GOCACHE``, Cargo's ``target/``) may be restored across locks but only for the same
  toolchain, so their restore key keeps the interpreter;
* a key that depends on the interpreter carries the token :data:`INTERPRETER`, which the caller
  replaces with the job's expression (``${{ steps.py.outputs.python-version }}``,
  ``${{ matrix.node }}``);
* ``setup_action`` is offered only when the action's built-in cache caches the same paths under
  an equivalent key, as modelled in :mod:`cachekit.caches` (setup-python, setup-node, setup-go,
  setup-java) or documented by the action (astral-sh/setup-uv, Swatinem/rust-cache).

Default locations, and where they were checked:

* pip — ``~/.cache/pip``, ``~/Library/Caches/pip``, ``~\\AppData\\Local\\pip\\Cache``: pip's
  user cache dir, as setup-python's ``pip cache dir`` probe finds it (actions/setup-python
  ``src/cache-distributions/pip-cache.ts``; :mod:`cachekit.caches.actions.setup_python`).
* Poetry — ``cache-dir`` is ``~/.cache/pypoetry`` (macOS ``~/Library/Caches/pypoetry``, Windows
  ``~\\AppData\\Local\\pypoetry\\Cache``) holding ``cache/`` (repository metadata),
  ``artifacts/`` (downloaded distributions) and ``virtualenvs/`` (python-poetry/poetry
  ``src/poetry/config/config.py``); ``virtualenvs.in-project`` puts the venv in ``.venv``
  (Poetry docs, configuration). setup-python ``cache: poetry`` caches ``virtualenvs.path`` and
  the in-project ``.venv`` (``poetry-cache.ts``).
* Pipenv — downloads in ``PIPENV_CACHE_DIR`` (platformdirs' user cache dir for "pipenv":
  ``~/.cache/pipenv``), which pipenv passes to pip, so pip's own cache stays empty;
  virtualenvs in ``~/.local/share/virtualenvs`` (Windows ``~\\.virtualenvs``), what
  setup-python ``cache: pipenv`` caches (``pipenv-cache.ts``); ``PIPENV_VENV_IN_PROJECT`` moves
  them to ``.venv``.
* uv — ``$XDG_CACHE_HOME/uv`` or ``~/.cache/uv``, Windows ``%LOCALAPPDATA%\\uv\\cache`` (uv docs,
  ``uv cache dir``); ``uv cache prune --ci`` drops pre-built wheels, which download faster than
  they restore, and keeps wheels built from source (uv docs, ``uv cache prune``);
  astral-sh/setup-uv caches it with ``enable-cache`` keyed on ``cache-dependency-glob`` and
  prunes with ``--ci`` by default (setup-uv ``docs/caching.md``).
* conda — ``~/conda_pkgs_dir`` is setup-miniconda's default ``pkgs_dirs``; its README's caching
  example keys it on the environment file (conda-incubator/setup-miniconda README, "Caching").
* npm — ``npm config get cache``: ``~/.npm``; GitHub's Windows images set ``C:\\npm\\cache``
  (:mod:`cachekit.caches.actions.setup_node`).
* Yarn 1 — ``yarn cache dir``: ``~/.cache/yarn`` (macOS ``~/Library/Caches/Yarn``, Windows
  ``%LOCALAPPDATA%\\Yarn\\Cache``), with a ``v6`` subfolder for Yarn 1.22.
* Yarn 2+ — ``cacheFolder`` defaults to ``./.yarn/cache`` in the project; with
  ``enableGlobalCache`` (the default from Yarn 4, false in Yarn 2/3: yarnpkg/berry#5895,
  heroku/buildpacks-nodejs#698) the cache is ``<globalFolder>/cache``: ``~/.yarn/berry/cache``,
  Windows ``%LOCALAPPDATA%\\Yarn\\Berry\\cache`` (berry ``folderUtils.getDefaultGlobalFolder``).
  A committed ``.yarn/cache`` (zero-installs) needs no cache at all.
* pnpm — ``storeDir`` defaults to ``~/.local/share/pnpm/store`` (macOS ``~/Library/pnpm/store``,
  Windows ``~\\AppData\\Local\\pnpm\\store``), but to ``$PNPM_HOME/store`` when ``PNPM_HOME`` is
  set (pnpm docs, settings: storeDir) — which pnpm/action-setup does, hence setup-node asks
  ``pnpm store path``.
* Go — ``go env GOMODCACHE`` (``~/go/pkg/mod``) and ``go env GOCACHE`` (``~/.cache/go-build``,
  macOS ``~/Library/Caches/go-build``, Windows ``~\\AppData\\Local\\go-build``), both cached by
  setup-go keyed on ``go.sum`` (:mod:`cachekit.caches.actions.setup_go`).
* Cargo — ``~/.cargo/registry/index``, ``~/.cargo/registry/cache``, ``~/.cargo/git/db`` (The
  Cargo Book, "Caching the Cargo home in CI"); ``target/`` holds build output;
  Swatinem/rust-cache caches both, keyed on the rustc version and the lock/manifests, and
  prunes ``target/`` of workspace crates before saving.
* Maven — ``~/.m2/repository``; Gradle — ``~/.gradle/caches`` and ``~/.gradle/wrapper``, keyed
  on ``**/*.gradle*`` and ``**/gradle-wrapper.properties`` by setup-java
  (:mod:`cachekit.caches.actions.setup_java`); gradle/actions/setup-gradle caches the Gradle
  user home more selectively (gradle/actions ``docs/setup-gradle.md``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import yaml

from ..ecosystems import BUILD_OUTPUT, BUILT_ENV, DOWNLOADS, Holds, registry
from ..errors import CachekitError
from ..fs.trees import FILE, Tree
from ..hashing.hashfiles import Flavor, hash_files
from .ecosystems import Manager, yarn_major

__all__ = [
    "INTERPRETER",
    "KINDS",
    "CachePath",
    "Recipe",
    "key_inputs",
    "key_patterns",
    "recipes_for",
    "render_hash_files",
]

INTERPRETER = "{interpreter}"
"""Placeholder for the interpreter/toolchain version part of a key, substituted by the caller."""

KINDS: tuple[Holds, ...] = (DOWNLOADS, BUILD_OUTPUT, BUILT_ENV)
"""What a recipe's paths hold, least fragile first, in the one vocabulary of
:data:`cachekit.ecosystems.Holds`: ``download-cache``: what the package manager fetched (safe to
restore from any older key); ``build-output``: here a compiler's content-addressed cache (safe
across locks, not toolchains); ``built-env``: an installed environment (only valid for the exact
lock and interpreter)."""

MAX_KEY_TEMPLATE = 512
_EXPLICIT_UP_TO = 4  # files listed one by one when there are this few


@dataclass(frozen=True)
class CachePath:
    """One ``path:`` line of an ``actions/cache`` step."""

    path: str
    kind: Holds
    why: str
    runner_os: str | None = None
    """``Linux`` | ``macOS`` | ``Windows`` when the path is that OS's location; None for all."""


@dataclass(frozen=True)
class Recipe:
    """One way to cache one manager's dependencies."""

    manager: Manager
    paths: tuple[CachePath, ...]
    key_files: tuple[str, ...]
    """``hashFiles`` patterns, verified to match exactly :func:`key_inputs` on the tree."""
    key_needs_interpreter: bool
    key_template: str
    restore_keys: tuple[str, ...]
    setup_action: tuple[str, dict[str, str]] | None = field(hash=False)
    notes: tuple[str, ...]

    def paths_for(self, runner_os: str | None) -> tuple[str, ...]:
        """The ``path:`` lines for one runner OS (None: every OS's, missing ones are skipped)."""
        return tuple(
            dict.fromkeys(
                p.path
                for p in self.paths
                if runner_os is None or p.runner_os is None or p.runner_os == runner_os
            )
        )

    @property
    def kind(self) -> Holds:
        """The most fragile kind among the paths (``built-env`` > ``build-output`` > download)."""
        return max((p.kind for p in self.paths), key=KINDS.index, default="download-cache")


# -- key inputs and their patterns -------------------------------------------------------------

_PY_METADATA = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile"})


def key_inputs(manager: Manager) -> tuple[str, ...]:
    """The files a cache key for ``manager`` must hash, and no others.

    The lock files when there are any, else every manifest. Two refinements: a requirements
    project with compiled (locked) files also hashes its hand-written requirements files
    (pip installs those too: a lock covers only what was compiled); Gradle hashes its build
    scripts with its lock files (dependency locking is per configuration and often partial,
    and plugins come from the scripts).
    """
    m = manager
    if m.name in ("pip", "pip-tools") and m.locks:
        written = [
            f
            for f in m.manifests
            if not f.endswith(".in") and posixpath.basename(f) not in _PY_METADATA
        ]
        return _unique([*m.locks, *written])
    if m.name == "gradle":
        return _unique([*m.manifests, *m.locks])
    return _unique(m.locks or m.manifests)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


_GLOB_SPECIAL = re.compile(r"([*?\[\]{}()!+@])")


def _escape(path: str) -> str:
    """A glob matching ``path`` literally (special characters in a one-character class)."""
    out = _GLOB_SPECIAL.sub(r"[\1]", path)
    return "[#]" + out[1:] if out.startswith("#") else out


def _matches(tree: Tree, patterns: Sequence[str]) -> set[str] | None:
    """The files both hashFiles flavours hash for ``patterns``; None if they differ or fail."""
    got: set[str] | None = None
    for flavor in (Flavor.RUNNER, Flavor.SETUP_ACTION):
        try:
            files = {f.path for f in hash_files(tree, patterns, flavor=flavor).files}
        except CachekitError:
            return None
        if got is not None and files != got:
            return None
        got = files
    return got


def _exclusion(base: str, extra: str, wanted: set[str]) -> str:
    """``!dir/**`` for the highest directory holding ``extra`` and none of ``wanted``."""
    parts = extra.split("/")
    start = len(base.split("/")) if base else 0
    for i in range(start + 1, len(parts)):
        d = "/".join(parts[:i])
        if not any(w.startswith(d + "/") for w in wanted):
            return "!" + _escape(d) + "/**"
    return "!" + _escape(extra)


def _recursive(tree: Tree, base: str, name: str, group: set[str]) -> list[str] | None:
    pattern = (_escape(base) + "/**/" if base else "**/") + _escape(name)
    pats = [pattern]
    for _ in range(3):
        got = _matches(tree, pats)
        if got is None:
            return None
        if got == group:
            return pats
        if not group <= got:
            return None
        pats += sorted({_exclusion(base, e, group) for e in got - group})
        if len(pats) > 6:
            return None
    return None


def _candidates(tree: Tree, files: list[str], base: str) -> Iterable[list[str]]:
    explicit = [_escape(f) for f in files]
    yield explicit
    # Several files of one kind in one directory: dir/*.ext.
    by_dir: dict[tuple[str, str], set[str]] = {}
    for f in files:
        ext = posixpath.splitext(f)[1]
        if ext:
            by_dir.setdefault((posixpath.dirname(f), ext), set()).add(f)
    pats: list[str] = []
    covered: set[str] = set()
    for (d, ext), group in sorted(by_dir.items()):
        if len(group) < 2:
            continue
        pat = (_escape(d) + "/*" if d else "*") + ext
        if _matches(tree, [pat]) == group:
            pats.append(pat)
            covered |= group
    if pats:
        yield pats + [_escape(f) for f in files if f not in covered]
    # Files of one extension in a subtree: dir/**/*.ext, the widest that stays exact first.
    wanted = set(files)
    options: list[tuple[int, str, set[str]]] = []
    tried: set[str] = set()
    for f in files:
        ext = posixpath.splitext(f)[1]
        if not ext or "/" not in f:
            continue
        parts = f.split("/")[:-1]
        for i in range(len(parts), 0, -1):
            pat = _escape("/".join(parts[:i])) + "/**/*" + ext
            if pat in tried:
                continue
            tried.add(pat)
            got = _matches(tree, [pat])
            if got is None or not got <= wanted or len(got) < 2:
                break  # a wider directory only adds more
            options.append((-len(got), pat, got))
    pats, covered = [], set()
    for _, pat, got in sorted(options):
        if not got <= covered:
            pats.append(pat)
            covered |= got
    if pats:
        yield pats + [_escape(f) for f in files if f not in covered]
    # Several files of one name below the project: base/**/name (minus what is not ours).
    inside = [f for f in files if not base or f.startswith(base + "/")]
    by_name: dict[str, set[str]] = {}
    for f in inside:
        by_name.setdefault(posixpath.basename(f), set()).add(f)
    pats, covered = [], set()
    for name, group in sorted(by_name.items()):
        if len(group) < 2:
            continue
        rec = _recursive(tree, base, name, group)
        if rec is not None:
            pats += rec
            covered |= group
    if pats:
        positives = [p for p in pats if not p.startswith("!")]
        negatives = [p for p in pats if p.startswith("!")]
        yield positives + [_escape(f) for f in files if f not in covered] + negatives


def render_hash_files(patterns: Sequence[str]) -> str:
    """``hashFiles('a', 'b')`` with each pattern quoted as the expression language wants."""
    return "hashFiles(" + ", ".join("'" + p.replace("'", "''") + "'" for p in patterns) + ")"


def key_patterns(tree: Tree, files: Sequence[str], base: str = "") -> tuple[str, ...]:
    """``hashFiles`` patterns matching exactly ``files`` on ``tree``, as short as possible.

    A few files are listed one by one; more are grouped (``requirements/*.txt``,
    ``backend/**/pom.xml`` with ``!dir/**`` exclusions for what is not the project's) when
    the group provably matches the same files. Every candidate is checked with both
    ``hashFiles`` flavours; if none checks out the literal list is returned.
    """
    wanted = sorted(set(files))
    if not wanted:
        return ()
    best: list[str] | None = None
    for cand in _candidates(tree, wanted, base):
        if _matches(tree, cand) != set(wanted):
            continue
        if len(wanted) <= _EXPLICIT_UP_TO:
            return tuple(cand)
        if best is None or len(render_hash_files(cand)) < len(render_hash_files(best)):
            best = cand
    return tuple(best if best is not None else [_escape(f) for f in wanted])


# -- building recipes --------------------------------------------------------------------------

_PREFIX = "${{ runner.os }}-${{ runner.arch }}-"


def _slug(directory: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", directory.replace("/", "-"))
    return s[:40]


class _Builder:
    """Shared parts of one manager's recipes: key files and patterns, per tree."""

    def __init__(self, tree: Tree, manager: Manager) -> None:
        self.tree = tree
        self.m = manager
        self.inputs = key_inputs(manager)
        self.patterns = key_patterns(tree, self.inputs, manager.directory)
        self.dep_path = "\n".join(self.patterns)

    def at(self, rel: str) -> str:
        """A project-relative path as an ``actions/cache`` path (relative to the workspace)."""
        return posixpath.join(self.m.directory, rel) if self.m.directory else rel

    def recipe(
        self,
        label: str,
        paths: Sequence[CachePath],
        *,
        interpreter: bool = False,
        restore: bool = True,
        setup: tuple[str, dict[str, str]] | None = None,
        notes: Sequence[str] = (),
    ) -> Recipe:
        head = _PREFIX + label
        if self.m.directory:
            head += "-" + _slug(self.m.directory)
        if interpreter:
            head += f"-{registry.ecosystem(self.m.ecosystem).interpreter_tag}{INTERPRETER}"
        head += "-"
        all_notes = list(notes)
        if self.patterns:
            template = head + "${{ " + render_hash_files(self.patterns) + " }}"
        else:
            template = head.rstrip("-")
            restore = False
            all_notes.append("no file decides this environment: the key never changes")
        if len(template) >= MAX_KEY_TEMPLATE - 60:
            all_notes.append(
                f"the key template is {len(template)} characters: shorten the patterns"
            )
        if setup is not None and not self.m.locks and setup[0] == "actions/setup-node":
            all_notes.append(f"{setup[0]}'s cache needs a lock file; there is none")
            setup = None
        all_notes.append(
            "the key is computed when the cache step runs: keep it before the install step,"
            " so installed files cannot match its patterns"
        )
        return Recipe(
            manager=self.m,
            paths=tuple(paths),
            key_files=self.patterns,
            key_needs_interpreter=interpreter,
            key_template=template,
            restore_keys=(head,) if restore else (),
            setup_action=setup,
            notes=tuple(all_notes),
        )


def _os_paths(kind: Holds, why: str, linux: str, macos: str, windows: str) -> list[CachePath]:
    """One entry per OS location, or a single one when every OS agrees."""
    if linux == macos == windows:
        return [CachePath(linux, kind, why)]
    return [
        CachePath(linux, kind, why, "Linux"),
        CachePath(macos, kind, why, "macOS"),
        CachePath(windows, kind, why, "Windows"),
    ]


_DL, _BUILD, _ENV = DOWNLOADS, BUILD_OUTPUT, BUILT_ENV
_GO_SUM = registry.manager("go").locks[0]
_CARGO_LOCK = registry.manager("cargo").locks[0]

_PIP_WHY = (
    "downloads and locally built wheels only: every run still installs, but from local"
    " files; wheels are tagged by Python version, so one cache serves every version"
)


def _pip_paths() -> list[CachePath]:
    return _os_paths(
        _DL, _PIP_WHY, "~/.cache/pip", "~/Library/Caches/pip", "~\\AppData\\Local\\pip\\Cache"
    )


def _venv_path(b: _Builder, why: str) -> CachePath:
    return CachePath(b.at(".venv"), _ENV, why)


def _python_recipes(b: _Builder, built: bool) -> list[Recipe]:
    m = b.m
    out: list[Recipe] = []
    name = m.name
    if name in ("pip", "pip-tools"):
        notes = [
            "pip cache dir moves with PIP_CACHE_DIR or XDG_CACHE_HOME: if the job sets either,"
            " take the path from a `pip cache dir` step instead",
        ]
        if name == "pip-tools":
            notes.append("keyed on the compiled files: the .in inputs matter only through them")
        if not m.locks:
            notes.append(
                "no lock file: the key hashes the manifests, so an unpinned dependency can"
                " change without changing the key (harmless for a download cache)"
            )
        setup = ("actions/setup-python", {"cache": "pip", "cache-dependency-path": b.dep_path})
        out.append(b.recipe(name, _pip_paths(), setup=setup, notes=notes))
        if built:
            out.append(
                b.recipe(
                    f"{name}-venv",
                    [
                        _venv_path(
                            b,
                            "the installed environment: skips the install on a hit, but is"
                            " only valid for this exact key and Python",
                        )
                    ],
                    interpreter=True,
                    restore=False,
                    notes=[
                        "the job must create the venv there (python -m venv .venv) and install"
                        " into it, skipping the install when cache-hit is 'true'",
                    ],
                )
            )
        return out
    if name == "poetry":
        why = "Poetry's repository metadata and downloaded distributions; the venv is rebuilt"
        paths = _os_paths(
            _DL,
            why,
            "~/.cache/pypoetry/cache",
            "~/Library/Caches/pypoetry/cache",
            "~\\AppData\\Local\\pypoetry\\Cache\\cache",
        ) + _os_paths(
            _DL,
            why,
            "~/.cache/pypoetry/artifacts",
            "~/Library/Caches/pypoetry/artifacts",
            "~\\AppData\\Local\\pypoetry\\Cache\\artifacts",
        )
        out.append(
            b.recipe(
                "poetry",
                paths,
                notes=["POETRY_CACHE_DIR or cache-dir move these directories"],
            )
        )
        in_project = any("in-project = true" in e for e in m.evidence)
        why = "the installed virtualenv: skips `poetry install` work, valid for one lock and Python"
        if in_project:
            venv = [_venv_path(b, why)]
        else:
            venv = _os_paths(
                _ENV,
                why,
                "~/.cache/pypoetry/virtualenvs",
                "~/Library/Caches/pypoetry/virtualenvs",
                "~\\AppData\\Local\\pypoetry\\Cache\\virtualenvs",
            )
        out.append(
            b.recipe(
                "poetry-venv",
                venv,
                interpreter=True,
                restore=False,
                setup=(
                    "actions/setup-python",
                    {"cache": "poetry", "cache-dependency-path": b.dep_path},
                ),
                notes=[
                    "setup-python's cache: poetry needs poetry installed before it runs"
                    " (pipx install poetry) and caches virtualenvs.path plus an in-project .venv",
                    "set virtualenvs.in-project (poetry.toml or POETRY_VIRTUALENVS_IN_PROJECT)"
                    " to keep the venv in the project and out of the shared cache dir",
                ],
            )
        )
        return out
    if name == "pipenv":
        out.append(
            b.recipe(
                "pipenv",
                _os_paths(
                    _DL,
                    "pipenv's download cache (PIPENV_CACHE_DIR, which pipenv hands to pip as"
                    " its cache dir): every run still installs, from local files",
                    "~/.cache/pipenv",
                    "~/Library/Caches/pipenv",
                    "~\\AppData\\Local\\pipenv\\pipenv\\Cache",
                ),
                notes=["pipenv gives pip its own cache dir: ~/.cache/pip stays empty"],
            )
        )
        why = "pipenv's virtualenvs: skips the install, valid for one lock and Python"
        out.append(
            b.recipe(
                "pipenv-venv",
                _os_paths(
                    _ENV,
                    why,
                    "~/.local/share/virtualenvs",
                    "~/.local/share/virtualenvs",
                    "~\\.virtualenvs",
                ),
                interpreter=True,
                restore=False,
                setup=(
                    "actions/setup-python",
                    {"cache": "pipenv", "cache-dependency-path": b.dep_path},
                ),
                notes=[
                    "WORKON_HOME or PIPENV_VENV_IN_PROJECT move the virtualenv; the venv's"
                    " name includes a hash of the project path, the same on every run of a"
                    " hosted runner",
                ],
            )
        )
        return out
    if name == "uv":
        why = (
            "uv's cache: wheels built from source and metadata; run `uv cache prune --ci`"
            " before the save so pre-built wheels (faster to download) are not stored"
        )
        out.append(
            b.recipe(
                "uv",
                _os_paths(_DL, why, "~/.cache/uv", "~/.cache/uv", "~\\AppData\\Local\\uv\\cache"),
                setup=(
                    "astral-sh/setup-uv",
                    {"enable-cache": "true", "cache-dependency-glob": b.dep_path},
                ),
                notes=[
                    "astral-sh/setup-uv caches this with enable-cache (on by default on"
                    " GitHub-hosted runners since v5) and prunes with --ci before saving",
                    "UV_CACHE_DIR moves the cache",
                ],
            )
        )
        if built:
            out.append(
                b.recipe(
                    "uv-venv",
                    [
                        _venv_path(
                            b,
                            "the project environment `uv sync` builds: valid for one lock"
                            " and Python; uv installs from its cache in seconds anyway",
                        )
                    ],
                    interpreter=True,
                    restore=False,
                    notes=[
                        "no setup action caches the project venv; UV_PROJECT_ENVIRONMENT moves it",
                        "use `uv sync --locked` so a stale lock fails instead of re-resolving",
                    ],
                )
            )
        return out
    # conda
    why = "conda's package cache (tarballs and extracted packages); environments are rebuilt"
    out.append(
        b.recipe(
            "conda",
            [CachePath("~/conda_pkgs_dir", _DL, why)],
            notes=[
                "~/conda_pkgs_dir is setup-miniconda's default pkgs_dirs; the cache step must"
                " run before setup-miniconda",
                "with an old conda, set setup-miniconda's use-only-tar-bz2: true or the"
                " cached packages are not reused",
                "with several environment files, narrow the key to the one the job uses",
            ],
        )
    )
    if built:
        out.append(
            b.recipe(
                "conda-env",
                [
                    CachePath(
                        "${{ env.CONDA }}/envs",
                        _ENV,
                        "the created environments: valid for one environment file and Python",
                    )
                ],
                interpreter=True,
                restore=False,
                notes=[
                    "restore before setup-miniconda and skip the environment update on a hit;"
                    " no setup action does this",
                ],
            )
        )
    return out


def _node_modules(b: _Builder, extra: Sequence[str] = ()) -> Recipe:
    why = "the installed node_modules: skips the install, valid for one lock and Node version"
    return b.recipe(
        f"{b.m.name}-node-modules",
        [CachePath(b.at("node_modules"), _ENV, why)],
        interpreter=True,
        restore=False,
        notes=[
            "not recommended: `npm ci` deletes node_modules before installing, so the restore"
            " only pays if the install is skipped when cache-hit is 'true'",
            "workspace members' own node_modules are not included",
            *extra,
        ],
    )


def _yarnrc(tree: Tree, directory: str) -> tuple[str, dict[str, object]]:
    d = directory
    while True:
        path = posixpath.join(d, ".yarnrc.yml") if d else ".yarnrc.yml"
        try:
            if tree.stat(path) == FILE:
                data = yaml.safe_load(tree.read(path).decode("utf-8", "replace"))
                return d, data if isinstance(data, dict) else {}
        except (CachekitError, OSError, ValueError, yaml.YAMLError):
            pass
        if not d:
            return directory, {}
        d = posixpath.dirname(d)


def _node_recipes(tree: Tree, b: _Builder, built: bool) -> list[Recipe]:
    m = b.m
    out: list[Recipe] = []
    notes = ["setup-node's built-in cache has no restore key: every lock change starts cold"]
    if m.name == "npm":
        why = "npm's download cache (content-addressed tarballs); node_modules is rebuilt"
        paths = [
            CachePath("~/.npm", _DL, why, "Linux"),
            CachePath("~/.npm", _DL, why, "macOS"),
            CachePath("C:\\npm\\cache", _DL, why + " (GitHub's Windows images)", "Windows"),
            CachePath("~\\AppData\\Local\\npm-cache", _DL, why + " (npm's default)", "Windows"),
        ]
        setup = ("actions/setup-node", {"cache": "npm", "cache-dependency-path": b.dep_path})
        out.append(b.recipe("npm", paths, setup=setup, notes=notes))
        if built:
            out.append(_node_modules(b))
        return out
    if m.name == "yarn-classic":
        why = (
            "Yarn 1's global cache (`yarn cache dir`, a v6 folder inside); node_modules is rebuilt"
        )
        paths = _os_paths(
            _DL, why, "~/.cache/yarn", "~/Library/Caches/Yarn", "~\\AppData\\Local\\Yarn\\Cache"
        )
        setup = ("actions/setup-node", {"cache": "yarn", "cache-dependency-path": b.dep_path})
        out.append(
            b.recipe(
                "yarn",
                paths,
                setup=setup,
                notes=[*notes, "YARN_CACHE_FOLDER or cache-folder move the cache"],
            )
        )
        if built:
            out.append(_node_modules(b, ["yarn install --frozen-lockfile keeps node_modules"]))
        return out
    if m.name == "yarn-berry":
        rc_dir, rc = _yarnrc(tree, m.directory)
        if (
            any("zero-installs" in e for e in m.evidence)
            and rc.get("enableGlobalCache") is not True
        ):
            return []  # the cache is in the repository: nothing to download
        major = yarn_major(tree, m.directory)
        flag = rc.get("enableGlobalCache")
        glob = flag is True or (flag is None and major is not None and major >= 4)
        local = flag is False or (flag is None and major is not None and major < 4)
        folder = rc.get("cacheFolder")
        paths = []
        if glob or not local:
            why = "Yarn's global cache (zip archives; the default from Yarn 4)"
            paths += _os_paths(
                _DL,
                why,
                "~/.yarn/berry/cache",
                "~/.yarn/berry/cache",
                "~\\AppData\\Local\\Yarn\\Berry\\cache",
            )
        if local or not glob:
            rel = (
                posixpath.normpath(posixpath.join(rc_dir, folder))
                if isinstance(folder, str) and not folder.startswith(("/", "~", "$"))
                else b.at(".yarn/cache")
            )
            why = "the project's Yarn cache (zip archives; the default in Yarn 2 and 3)"
            paths.append(CachePath(rel, _DL, why))
        extra = []
        if not glob and not local:
            extra.append(
                "the Yarn version is not pinned: both the global and the project cache are"
                " listed (the missing one is skipped)"
            )
        setup = ("actions/setup-node", {"cache": "yarn", "cache-dependency-path": b.dep_path})
        out.append(
            b.recipe(
                "yarn",
                paths,
                setup=setup,
                notes=[
                    "setup-node asks `yarn config get cacheFolder`, so it follows .yarnrc.yml",
                    *extra,
                ],
            )
        )
        if built:
            linker = str(rc.get("nodeLinker", "pnp"))
            if linker == "node-modules":
                out.append(_node_modules(b))
            else:
                why = "Plug'n'Play install state: valid for one lock and Node version"
                pnp = [".pnp.cjs", ".pnp.loader.mjs", ".yarn/unplugged", ".yarn/install-state.gz"]
                out.append(
                    b.recipe(
                        "yarn-pnp",
                        [CachePath(b.at(p), _ENV, why) for p in pnp],
                        interpreter=True,
                        restore=False,
                        notes=["skip `yarn install` when cache-hit is 'true'"],
                    )
                )
        return out
    # pnpm
    why = "pnpm's content-addressable store; node_modules is relinked from it"
    paths = _os_paths(
        _DL,
        why,
        "~/.local/share/pnpm/store",
        "~/Library/pnpm/store",
        "~\\AppData\\Local\\pnpm\\store",
    )
    setup = ("actions/setup-node", {"cache": "pnpm", "cache-dependency-path": b.dep_path})
    out.append(
        b.recipe(
            "pnpm",
            paths,
            setup=setup,
            notes=[
                *notes,
                "pnpm/action-setup sets PNPM_HOME, which moves the store to $PNPM_HOME/store:"
                " with it, take the path from a `pnpm store path --silent` step (setup-node"
                " does)",
                "setup-node's cache: pnpm needs pnpm installed before setup-node runs",
            ],
        )
    )
    if built:
        out.append(
            _node_modules(b, ["pnpm links node_modules from the store: restored ones are copies"])
        )
    return out


def _go_recipes(b: _Builder) -> list[Recipe]:
    why = "downloaded module sources (go env GOMODCACHE); safe across Go versions"
    mod = CachePath("~/go/pkg/mod", _DL, why)
    bwhy = (
        "the build cache (go env GOCACHE): content-addressed, so entries from an older key"
        " are reused or ignored; grows until trimmed"
    )
    build = _os_paths(
        _BUILD,
        bwhy,
        "~/.cache/go-build",
        "~/Library/Caches/go-build",
        "~\\AppData\\Local\\go-build",
    )
    return [
        b.recipe("go-mod", [mod], notes=["GOPATH or GOMODCACHE move the module cache"]),
        b.recipe(
            "go",
            [mod, *build],
            interpreter=True,
            setup=("actions/setup-go", {"cache": "true", "cache-dependency-path": b.dep_path}),
            notes=[
                "setup-go (caching on by default since v4) caches both directories keyed on"
                f" the Go version and {_GO_SUM}, without a restore key",
                "GOCACHE moves the build cache",
            ],
        ),
    ]


def _rust_recipes(b: _Builder) -> list[Recipe]:
    why = "the crate registry index, downloaded crates and git sources (The Cargo Book)"
    home = [
        CachePath("~/.cargo/registry/index", _DL, why),
        CachePath("~/.cargo/registry/cache", _DL, why),
        CachePath("~/.cargo/git/db", _DL, why),
    ]
    target = CachePath(
        b.at("target"),
        _BUILD,
        "compiled dependencies: cargo's fingerprints rebuild what changed, but only the same"
        " rustc can reuse them, and the directory grows without pruning",
    )
    setup_inputs = {"workspaces": f"{b.m.directory} -> target"} if b.m.directory else {}
    notes = []
    if not b.m.locks:
        notes.append(f"no {_CARGO_LOCK}: the key hashes the manifests; commit the lock for apps")
    return [
        b.recipe("cargo", home, notes=["CARGO_HOME moves these directories", *notes]),
        b.recipe(
            "cargo-target",
            [*home, target],
            interpreter=True,
            setup=("Swatinem/rust-cache", setup_inputs),
            notes=[
                f"Swatinem/rust-cache keys on rustc, {_CARGO_LOCK} and the manifests, prunes"
                " workspace crates from target/ and sets CARGO_INCREMENTAL=0",
                *notes,
            ],
        ),
    ]


def _java_recipes(b: _Builder) -> list[Recipe]:
    if b.m.name == "maven":
        why = "the local Maven repository: downloaded artifacts and plugins"
        return [
            b.recipe(
                "maven",
                [CachePath("~/.m2/repository", _DL, why)],
                setup=(
                    "actions/setup-java",
                    {"cache": "maven", "cache-dependency-path": b.dep_path},
                ),
                notes=[
                    "`mvn install` also puts the project's own SNAPSHOT artifacts there;"
                    " they are cached with the rest",
                    "setup-java's built-in cache has no restore key (since v3.5.0)",
                ],
            )
        ]
    why = "Gradle's dependency and transform caches, and the wrapper's distributions"
    return [
        b.recipe(
            "gradle",
            [
                CachePath("~/.gradle/caches", _DL, why),
                CachePath("~/.gradle/wrapper", _DL, why),
            ],
            setup=("actions/setup-java", {"cache": "gradle", "cache-dependency-path": b.dep_path}),
            notes=[
                "gradle/actions/setup-gradle caches the Gradle user home more selectively"
                " (cleans unused entries, saves from the default branch only): prefer it for"
                " large builds",
                "stop the Gradle daemon before the save (./gradlew --stop) or lock files"
                " in ~/.gradle/caches may be held open",
            ],
        )
    ]


def recipes_for(tree: Tree, manager: Manager, *, built_env: bool = False) -> tuple[Recipe, ...]:
    """Cache recipes for ``manager`` on ``tree``: the download cache first, then the built
    environment or build cache when asked for (``built_env``) or when it is the manager's norm
    (Poetry and Pipenv venvs, Go's build cache, Cargo's ``target/``).

    ``node_modules`` is offered only on request, with the reason it rarely pays. A Yarn
    project with a committed ``.yarn/cache`` (zero-installs) gets no recipe: nothing is
    downloaded.
    """
    b = _Builder(tree, manager)
    eco = manager.ecosystem
    if eco == "python":
        return tuple(_python_recipes(b, built_env))
    if eco == "node":
        return tuple(_node_recipes(tree, b, built_env))
    if eco == "go":
        return tuple(_go_recipes(b))
    if eco == "rust":
        return tuple(_rust_recipes(b))
    if eco == "java":
        return tuple(_java_recipes(b))
    raise ValueError(f"unknown ecosystem {eco!r}")
