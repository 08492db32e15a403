"""The right cache for each package manager: paths, key, restore-keys, and the setup action
that does the same job.

This module finds the key's files and their ``hashFiles`` patterns and runs the recipe maker
the manager's ecosystem registered (:mod:`cachekit.ecosystems`); the recipes themselves — which
paths, which setup action, which trade-offs — are written in the ecosystem modules.

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

from ..ecosystems import registry
from ..ecosystems.detect import Manager
from ..ecosystems.recipe import INTERPRETER, KINDS, CachePath, Recipe
from ..errors import CachekitError
from ..fs.trees import Tree
from ..hashing.hashfiles import Flavor, hash_files

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

MAX_KEY_TEMPLATE = 512
_EXPLICIT_UP_TO = 4  # files listed one by one when there are this few


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


def _by_directory(tree: Tree, files: list[str]) -> tuple[list[str], set[str]]:
    """Several files of one kind in one directory: ``dir/*.ext``."""
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
    return pats, covered


def _by_subtree(tree: Tree, files: list[str]) -> tuple[list[str], set[str]]:
    """Files of one extension in a subtree: ``dir/**/*.ext``, the widest that stays exact first."""
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
    pats: list[str] = []
    covered: set[str] = set()
    for _, pat, got in sorted(options):
        if not got <= covered:
            pats.append(pat)
            covered |= got
    return pats, covered


def _by_name(tree: Tree, files: list[str], base: str) -> tuple[list[str], set[str]]:
    """Several files of one name below the project: ``base/**/name`` (minus what is not ours)."""
    inside = [f for f in files if not base or f.startswith(base + "/")]
    by_name: dict[str, set[str]] = {}
    for f in inside:
        by_name.setdefault(posixpath.basename(f), set()).add(f)
    pats: list[str] = []
    covered: set[str] = set()
    for name, group in sorted(by_name.items()):
        if len(group) < 2:
            continue
        rec = _recursive(tree, base, name, group)
        if rec is not None:
            pats += rec
            covered |= group
    return pats, covered


def _candidates(tree: Tree, files: list[str], base: str) -> Iterable[list[str]]:
    """Pattern lists to try, the literal list first, then each grouping with the rest literal
    (exclusions last: ``hashFiles`` applies patterns in order)."""
    yield [_escape(f) for f in files]
    groupings = (_by_directory(tree, files), _by_subtree(tree, files), _by_name(tree, files, base))
    for pats, covered in groupings:
        if not pats:
            continue
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


class _Builder:  # implements cachekit.ecosystems.recipe.RecipeBuilder
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


def recipes_for(tree: Tree, manager: Manager, *, built_env: bool = False) -> tuple[Recipe, ...]:
    """Cache recipes for ``manager`` on ``tree``: the download cache first, then the built
    environment or build cache when asked for (``built_env``) or when it is the manager's norm
    (Poetry and Pipenv venvs, Go's build cache, Cargo's ``target/``).

    ``node_modules`` is offered only on request, with the reason it rarely pays. A Yarn
    project with a committed ``.yarn/cache`` (zero-installs) gets no recipe: nothing is
    downloaded.
    """
    maker = registry.ecosystem(manager.ecosystem).recipes
    if maker is None:
        raise ValueError(f"ecosystem {manager.ecosystem!r} has no recipes")
    return tuple(maker(_Builder(tree, manager), built_env))
