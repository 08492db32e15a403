"""What a repository holds, ecosystem by ecosystem: package managers, where, and with which files.

Why this exists: a cache recipe is only as good as the files its key hashes. Hash too few and a
changed dependency restores a stale cache; hash too many (a test fixture's ``package.json``, a
vendored ``go.sum``) and the cache misses for no reason. So before ``cachekit suggest`` proposes
a key it must know, per project directory, which manager installs the dependencies and exactly
which manifests and lock files determine them — read from the files themselves, never by running
a package manager.

Detection works on any :class:`~cachekit.fs.trees.Tree` (a checkout or a commit read in place):

* the tree is walked to ``max_depth`` directories, skipping what is installed or vendored
  (``node_modules``, virtual environments — any directory holding ``pyvenv.cfg`` —, ``vendor``,
  ``testdata``, build output) and hidden directories other than CI ones;
* projects found under test, fixture, example or sample directories are dropped unless nothing
  else is found (they are what a test suite feeds its tool, not what CI installs);
* each project directory gets one :class:`Manager` per package manager it uses, with the
  evidence that decided it (``poetry.lock present``, ``package.json packageManager: pnpm@9``);
* workspaces are folded into their root: npm/yarn/pnpm workspace members into the directory
  that holds the lock, Cargo members into the ``[workspace]`` root, Go modules into their
  ``go.work``, Maven modules into the aggregating ``pom.xml``, Gradle subprojects into the
  directory with ``settings.gradle``.

Requirements files are classified as pip reads them: ``.in`` inputs, files compiled by
``pip-compile`` or ``uv pip compile``/``uv export`` (their header says so: those are lock files),
and hand-written files (whose pins are counted); every ``-r``/``-c`` include is followed through
:func:`~cachekit.environments.requirements.read_requirements` so the includes are manifests too.
Requirements files in ``requirements/``, ``tests/``, ``docs/``, ``ci/`` and similar directories
belong to the project above them (that is where ``pip install -r`` runs from).
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..environments.requirements import read_requirements
from ..errors import TreeError
from ..fs.trees import DIR, FILE, SYMLINK, Tree, leaves_tree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "ECOSYSTEMS",
    "MANAGER_NAMES",
    "Manager",
    "detect_managers",
    "is_requirements_file",
    "requirements_header",
]

ECOSYSTEMS = ("python", "node", "go", "rust", "java")
MANAGER_NAMES = {
    "python": ("pip", "pip-tools", "poetry", "pipenv", "uv", "conda"),
    "node": ("npm", "yarn-classic", "yarn-berry", "pnpm"),
    "go": ("go",),
    "rust": ("cargo",),
    "java": ("maven", "gradle"),
}


@dataclass(frozen=True)
class Manager:
    """One package manager in one project directory, and the files that drive it."""

    ecosystem: str
    """``python`` | ``node`` | ``go`` | ``rust`` | ``java``."""
    name: str
    """See :data:`MANAGER_NAMES`."""
    directory: str
    """Tree-relative project directory (``""`` for the root): where the install runs."""
    manifests: tuple[str, ...]
    """Tree-relative paths of the files that declare dependencies (including ``-r`` includes,
    workspace members' manifests)."""
    locks: tuple[str, ...]
    """Tree-relative paths of the lock files (compiled requirements count as locks)."""
    evidence: tuple[str, ...]
    """Why we think so, one short sentence each."""
    version_files: tuple[str, ...] = ()
    """Files naming the interpreter/toolchain version (``.python-version``, ``.nvmrc``,
    ``go.mod``, ``rust-toolchain.toml``, ``.java-version``), usable as a setup action's
    ``*-version-file``."""


# -- the walk ----------------------------------------------------------------------------------

_HARD_SKIP = frozenset(
    {
        "node_modules",
        "bower_components",
        "jspm_packages",
        "venv",
        "site-packages",
        "__pycache__",
        "vendor",
        "third_party",
        "third-party",
        "testdata",
        "target",
        "dist",
        "Pods",
    }
)
"""Installed, vendored or built trees: never projects of their own."""

_HIDDEN_KEPT = frozenset({".github", ".ci", ".circleci", ".gitlab"})

_FIXTURE_NAMES = frozenset(
    {
        "fixtures",
        "fixture",
        "__fixtures__",
        "test-data",
        "test_data",
        "examples",
        "example",
        "samples",
        "sample",
        "demo",
        "demos",
        "__snapshots__",
        "__mocks__",
        "mocks",
        "templates",
    }
)
_TEST_NAMES = frozenset({"tests", "test", "__tests__", "spec", "specs", "testing", "e2e"})
"""A project below one of these is a test input unless it is all there is."""

_REQ_DIRS = frozenset({"requirements", "requirements.d", "requirement", "reqs"})
"""Directories whose every ``.txt``/``.in`` is a requirements file."""
_ATTACH_UP = _REQ_DIRS | frozenset(
    {
        "ci",
        ".ci",
        ".github",
        ".circleci",
        "tests",
        "test",
        "docs",
        "doc",
        "tools",
        "dev",
        "scripts",
        "deps",
        "dependencies",
    }
)
"""Requirements files here belong to the project above (``pip install -r docs/requirements.txt``
runs from the root)."""

_REQ_NAME = re.compile(
    r"^(?:.*[-_.])?(?:requirements?|constraints?|reqs?)(?:[-_.].*)?\.(?:txt|in)$", re.I
)


def is_requirements_file(rel: str) -> bool:
    """Whether a path is named like a pip requirements file, or is a ``.txt``/``.in`` file
    kept under a ``requirements/`` directory (``requirements/extras/redis.txt``)."""
    name = posixpath.basename(rel)
    dirs = rel.split("/")[:-1]
    if name.lower().endswith((".txt", ".in")) and any(d.lower() in _REQ_DIRS for d in dirs):
        return True
    return bool(_REQ_NAME.match(name))


@dataclass
class _Dir:
    rel: str
    files: set[str] = field(default_factory=set)  # names of regular files (or links to files)
    soft: bool = False


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


def _parent(rel: str) -> str:
    return posixpath.dirname(rel)


def _ancestors(rel: str) -> Iterator[str]:
    """``rel``'s parents, nearest first, ending with the root ``""`` (``rel`` excluded)."""
    while rel:
        rel = _parent(rel)
        yield rel


def _is_soft(rel: str) -> bool:
    return any(p.lower() in _FIXTURE_NAMES or p.lower() in _TEST_NAMES for p in rel.split("/"))


def _skip_dir(name: str) -> bool:
    if name in _HARD_SKIP or name.endswith(".egg-info") or "{{" in name or "{%" in name:
        return True
    return name.startswith(".") and name not in _HIDDEN_KEPT


def _entries(tree: Tree, rel: str) -> list[tuple[str, int]]:
    try:
        out: list[tuple[str, int]] = []
        for name, kind in tree.listdir(rel):
            if kind == SYMLINK:
                try:
                    kind = tree.stat(_join(rel, name)) or 0
                except TreeError:
                    continue
                if kind == DIR:
                    continue  # never follow directory links: no cycles, no escapes
                if leaves_tree(tree, _join(rel, name)):
                    continue  # a link out of the repository: never a file to key on
            out.append((name, kind))
        return out
    except TreeError:
        return []


def _scan(tree: Tree, max_depth: int) -> dict[str, _Dir]:
    """Every directory to ``max_depth`` worth looking at, with its file names."""
    dirs: dict[str, _Dir] = {}
    queue = [("", 0)]
    while queue:
        rel, depth = queue.pop(0)
        entries = _entries(tree, rel)
        names = {n for n, k in entries if k == FILE}
        if rel and "pyvenv.cfg" in names:
            continue  # a virtual environment, whatever its name
        dirs[rel] = _Dir(rel, names, _is_soft(rel))
        if depth >= max_depth:
            continue
        for name, kind in entries:
            if kind == DIR and not _skip_dir(name):
                queue.append((_join(rel, name), depth + 1))
    return dirs


def _is_file(tree: Tree, rel: str) -> bool:
    try:
        return tree.stat(rel) == FILE and not leaves_tree(tree, rel)
    except (TreeError, ValueError):
        return False


def _is_dir(tree: Tree, rel: str) -> bool:
    try:
        return tree.stat(rel) == DIR
    except (TreeError, ValueError):
        return False


def _text(tree: Tree, rel: str, limit: int | None = None) -> str | None:
    try:
        data = tree.read(rel)
    except (TreeError, OSError, ValueError):
        return None
    if limit is not None:
        data = data[:limit]
    return data.decode("utf-8", "replace")


def _toml(tree: Tree, rel: str) -> dict[str, Any] | None:
    text = _text(tree, rel)
    if text is None:
        return None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    return data


def _json(tree: Tree, rel: str) -> dict[str, Any] | None:
    text = _text(tree, rel)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _yaml(tree: Tree, rel: str) -> dict[str, Any] | None:
    text = _text(tree, rel)
    if text is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


# -- Python ------------------------------------------------------------------------------------

_PY_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_CONDA_ENV = re.compile(r"^environment(?:[-_.][\w.-]*)?\.ya?ml$")
_CONDA_LOCK = re.compile(r"^(?:[\w.-]*\.)?conda-lock\.ya?ml$")
_PYLOCK = re.compile(r"^pylock(?:\.[^./]+)?\.toml$")


def requirements_header(tree: Tree, rel: str) -> str | None:
    """``"pip-compile"`` or ``"uv"`` when the file says it was generated by that tool."""
    text = _text(tree, rel, 4096)
    if text is None:
        return None
    head = text.lower()
    if "autogenerated by pip-compile" in head:
        return "pip-compile"
    if "autogenerated by uv" in head:
        return "uv"
    return None


@dataclass
class _PyDir:
    """What one directory says about Python."""

    pyproject: dict[str, Any] | None = None
    projectish: bool = False  # pyproject/setup.* describe an installable project
    project_files: list[str] = field(default_factory=list)
    poetry: list[str] = field(default_factory=list)  # evidence
    uv: list[str] = field(default_factory=list)
    pipenv: list[str] = field(default_factory=list)


def _setup_cfg_is_project(tree: Tree, rel: str) -> bool:
    text = _text(tree, rel) or ""
    return bool(re.search(r"^\[(metadata|options)\]", text, re.M))


def _python_dir(tree: Tree, d: _Dir) -> _PyDir:
    info = _PyDir()
    f = d.files
    if "pyproject.toml" in f:
        rel = _join(d.rel, "pyproject.toml")
        data = _toml(tree, rel) or {}
        info.pyproject = data
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        assert isinstance(tool, dict)
        backend = str((data.get("build-system") or {}).get("build-backend", ""))
        if any(k in data for k in ("project", "build-system", "dependency-groups")) or (
            "poetry" in tool
        ):
            info.projectish = True
            info.project_files.append(rel)
        poetry = tool.get("poetry")
        if isinstance(poetry, dict) and (
            "dependencies" in poetry or "group" in poetry or "dev-dependencies" in poetry
        ):
            info.poetry.append("[tool.poetry] dependencies in pyproject.toml")
        if backend.startswith("poetry"):
            info.poetry.append(f"build-backend {backend}")
        if "uv" in tool:
            info.uv.append("[tool.uv] in pyproject.toml")
    if "setup.py" in f:
        info.projectish = True
        info.project_files.append(_join(d.rel, "setup.py"))
    if "setup.cfg" in f and _setup_cfg_is_project(tree, _join(d.rel, "setup.cfg")):
        info.projectish = True
        info.project_files.append(_join(d.rel, "setup.cfg"))
    if "poetry.lock" in f:
        info.poetry.insert(0, "poetry.lock present")
    if "uv.lock" in f:
        info.uv.insert(0, "uv.lock present")
    if "Pipfile.lock" in f:
        info.pipenv.append("Pipfile.lock present")
    if "Pipfile" in f:
        info.pipenv.append("Pipfile present")
    return info


def _is_python_home(info: _PyDir | None) -> bool:
    return info is not None and bool(info.projectish or info.poetry or info.uv or info.pipenv)


def _requirements_home(infos: dict[str, _PyDir], rel: str) -> str:
    """The project directory a requirements (or conda environment) file in ``rel`` belongs to.

    Everything under a ``requirements/`` directory belongs above it; then ``rel`` itself if it
    is a Python project, else the first ancestor that is one or that is not one of the
    directories requirements files are kept in (``docs/``, ``ci/``, ``tests/``, …).
    """
    parts = rel.split("/") if rel else []
    for i, part in enumerate(parts):
        if part.lower() in _REQ_DIRS:
            parts = parts[:i]
            break
    cand = "/".join(parts)
    while cand:
        if _is_python_home(infos.get(cand)):
            return cand
        if posixpath.basename(cand).lower() not in _ATTACH_UP:
            return cand
        cand = _parent(cand)
    return cand


def _pins(tree: Tree, rel: str) -> str:
    """How pinned a hand-written file's own requirements are (includes counted elsewhere)."""
    rf = read_requirements(tree, rel)
    own = [r for r in rf.requirements() if r.file == rel and not r.constraint]
    if not own:
        return f"{rel}: hand-written, no requirements of its own"
    loose = [r for r in rf.unpinned() if r.file == rel]
    if not loose:
        return f"{rel}: hand-written, all {len(own)} pinned"
    return f"{rel}: hand-written, {len(loose)} of {len(own)} not pinned"


def _included(tree: Tree, rels: Iterable[str]) -> list[str]:
    """Every existing file the requirements files include with ``-r``/``-c`` (transitively)."""
    out: list[str] = []
    for rel in rels:
        if rel.endswith(".toml"):
            continue
        for f in read_requirements(tree, rel).files[1:]:
            if f not in out and _is_file(tree, f):
                out.append(f)
    return out


def _python(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    # A requirements/ directory is never a project, even with a pyproject.toml (aiohttp links
    # ../pyproject.toml there for pip-compile).
    infos = {
        rel: _python_dir(tree, d)
        for rel, d in dirs.items()
        if posixpath.basename(rel).lower() not in _REQ_DIRS
    }
    # Requirements files (and pylock.toml), grouped by the project they belong to.
    reqs: dict[str, list[str]] = {}
    envs: dict[str, list[str]] = {}
    for rel, d in dirs.items():
        for name in sorted(d.files):
            path = _join(rel, name)
            if is_requirements_file(path) or _PYLOCK.match(name):
                reqs.setdefault(_requirements_home(infos, rel), []).append(path)
            elif _CONDA_ENV.match(name) and "template" not in name:
                envs.setdefault(_requirements_home(infos, rel), []).append(path)
    out: list[Manager] = []
    for rel in sorted(set(dirs) | set(reqs) | set(envs)):
        d = dirs.get(rel) or _Dir(rel)
        info = infos.get(rel) or _PyDir()
        pyproject = _join(rel, "pyproject.toml")
        primary: set[str] = set()
        if info.poetry:
            primary.add("poetry")
            locks = [_join(rel, "poetry.lock")] if "poetry.lock" in d.files else []
            manifests = [pyproject] if "pyproject.toml" in d.files else []
            ev = list(info.poetry)
            if "poetry.toml" in d.files:
                text = _text(tree, _join(rel, "poetry.toml")) or ""
                if re.search(r"^\s*in-project\s*=\s*true", text, re.M):
                    ev.append("poetry.toml: virtualenvs.in-project = true (.venv in the project)")
            out.append(Manager("python", "poetry", rel, tuple(manifests), tuple(locks), tuple(ev)))
        if info.uv:
            primary.add("uv")
            locks = [_join(rel, "uv.lock")] if "uv.lock" in d.files else []
            manifests = [pyproject] if "pyproject.toml" in d.files else []
            out.append(Manager("python", "uv", rel, tuple(manifests), tuple(locks), tuple(info.uv)))
        if info.pipenv:
            primary.add("pipenv")
            manifests = [_join(rel, "Pipfile")] if "Pipfile" in d.files else []
            locks = [_join(rel, "Pipfile.lock")] if "Pipfile.lock" in d.files else []
            out.append(
                Manager("python", "pipenv", rel, tuple(manifests), tuple(locks), tuple(info.pipenv))
            )
        conda = envs.get(rel, [])
        if conda:
            clocks = [_join(rel, n) for n in sorted(d.files) if _CONDA_LOCK.match(n)]
            ev = [f"{c}: conda environment file" for c in conda]
            ev += [f"{c}: conda-lock file" for c in clocks]
            out.append(Manager("python", "conda", rel, tuple(conda), tuple(clocks), tuple(ev)))
        files = reqs.get(rel, [])
        if not files and (primary or not info.projectish):
            continue
        out.append(_requirements_manager(tree, rel, files, info, primary))
    return out


def _requirements_manager(
    tree: Tree, rel: str, files: list[str], info: _PyDir, primary: set[str]
) -> Manager:
    """The pip / pip-tools / uv-pip manager of one project's requirements files."""
    compiled: dict[str, str] = {}
    evidence: list[str] = []
    sources: list[str] = []
    written: list[str] = []
    pylocks: list[str] = []
    for path in files:
        if _PYLOCK.match(posixpath.basename(path)):
            pylocks.append(path)
            evidence.append(f"{path}: a PEP 751 lock file")
        elif path.endswith(".in"):
            sources.append(path)
            evidence.append(f"{path}: pip-compile input")
        elif (tool := requirements_header(tree, path)) is not None:
            compiled[path] = tool
            evidence.append(f"{path}: compiled ({tool} header)")
        else:
            written.append(path)
            evidence.append(_pins(tree, path))
    locks = [*compiled, *pylocks]
    manifests = [*sources, *written]
    for inc in _included(tree, [*sources, *written, *compiled]):
        if inc in locks or inc in manifests:
            continue
        if requirements_header(tree, inc) is not None:
            locks.append(inc)
            evidence.append(f"{inc}: compiled, included with -r/-c")
        else:
            manifests.append(inc)
            evidence.append(f"{inc}: included with -r/-c")
    if not primary:
        manifests = [*info.project_files, *manifests]
        evidence.extend(f"{p}: project metadata" for p in info.project_files)
    # Files compiled by uv are lock files too, but nothing says which installer reads them:
    # the manager stays "pip" (the evidence names uv).
    name = "pip-tools" if "pip-compile" in compiled.values() else "pip"
    if not files:
        evidence.insert(0, "an installable project without requirements files")
    return Manager("python", name, rel, tuple(manifests), tuple(locks), tuple(evidence))


# -- Node --------------------------------------------------------------------------------------

_NODE_LOCKS = {
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "yarn.lock": "yarn",
    "pnpm-lock.yaml": "pnpm",
}


def _package_manager_field(pkg: dict[str, Any]) -> tuple[str, int | None] | None:
    raw = pkg.get("packageManager")
    if not isinstance(raw, str):
        return None
    m = re.match(r"^\^?(npm|yarn|pnpm|bun)@(\d+)?", raw.strip())
    if not m:
        return None
    return m.group(1), int(m.group(2)) if m.group(2) else None


def _workspace_globs(tree: Tree, rel: str, d: _Dir) -> list[str]:
    """The member globs of a workspace root: package.json ``workspaces`` (npm, Yarn) or
    ``pnpm-workspace.yaml`` ``packages``."""
    pkg = _json(tree, _join(rel, "package.json")) or {}
    ws: Any = pkg.get("workspaces")
    if isinstance(ws, dict):
        ws = ws.get("packages")
    globs = [g for g in ws if isinstance(g, str)] if isinstance(ws, list) else []
    if "pnpm-workspace.yaml" in d.files:
        pnpm = (_yaml(tree, _join(rel, "pnpm-workspace.yaml")) or {}).get("packages")
        if isinstance(pnpm, list):
            globs += [g for g in pnpm if isinstance(g, str)]
    return globs


def _glob_regex(glob: str) -> re.Pattern[str]:
    out = ""
    i = 0
    glob = glob.strip().removeprefix("./").rstrip("/")
    while i < len(glob):
        if glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(out + "$")


def _in_workspace(globs: list[str], member: str) -> bool:
    hit = False
    for g in globs:
        if g.startswith("!"):
            if _glob_regex(g[1:]).match(member):
                hit = False
        elif _glob_regex(g).match(member):
            hit = True
    return hit


def _yarnrc(tree: Tree, rel: str) -> str | None:
    """The nearest ``.yarnrc.yml`` at or above ``rel`` (Yarn reads those of parent dirs)."""
    for cand in (rel, *_ancestors(rel)):
        path = _join(cand, ".yarnrc.yml")
        if _is_file(tree, path):
            return path
    return None


def yarn_major(tree: Tree, directory: str) -> int | None:
    """The Yarn major version a project pins: ``packageManager``, else ``yarnPath``."""
    pkg = _json(tree, _join(directory, "package.json")) or {}
    pm = _package_manager_field(pkg)
    if pm and pm[0] == "yarn" and pm[1] is not None:
        return pm[1]
    rc = _yarnrc(tree, directory)
    if rc:
        path = str((_yaml(tree, rc) or {}).get("yarnPath", ""))
        m = re.search(r"yarn-(\d+)\.[\w.-]*\.c?js$", path)
        if m:
            return int(m.group(1))
    return None


def _yarn_flavour(tree: Tree, rel: str, pm: tuple[str, int | None] | None) -> tuple[str, str]:
    lock = _text(tree, _join(rel, "yarn.lock"), 2048) or ""
    if pm and pm[0] == "yarn" and pm[1] is not None:
        kind = "yarn-classic" if pm[1] < 2 else "yarn-berry"
        return kind, f"package.json packageManager: yarn@{pm[1]}"
    if "__metadata:" in lock:
        return "yarn-berry", "yarn.lock has __metadata (Yarn 2+ format)"
    rc = _yarnrc(tree, rel)
    if rc:
        return "yarn-berry", f"{rc} present"
    if "yarn lockfile v1" in lock:
        return "yarn-classic", "yarn.lock is a v1 lockfile (Yarn 1)"
    return "yarn-classic", "yarn.lock without Yarn 2+ signs"


def _group(rels: Iterable[str], owner_of: Callable[[str], str | None]) -> dict[str, list[str]]:
    """Fold directories into roots: ``owner_of(rel)`` names an ancestor that claims ``rel``
    (or None); the claim passes to that ancestor's own root. ``rels`` sorted, parents first."""
    roots: dict[str, list[str]] = {}
    root_of: dict[str, str] = {}
    for rel in sorted(rels):
        owner = owner_of(rel)
        root = root_of.get(owner) if owner is not None else None
        if root is None:
            roots[rel] = []
            root_of[rel] = rel
        else:
            roots[root].append(rel)
            root_of[rel] = root
    return roots


def _node(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    pkgs = {rel: d for rel, d in dirs.items() if "package.json" in d.files}
    ws_globs = {rel: _workspace_globs(tree, rel, d) for rel, d in pkgs.items()}

    def owner_of(rel: str) -> str | None:
        if any(n in pkgs[rel].files for n in _NODE_LOCKS):
            return None
        for anc in _ancestors(rel):
            inside = rel[len(anc) + 1 :] if anc else rel
            if _is_soft(inside):
                continue  # a test fixture is not a workspace member, whatever the globs say
            if ws_globs.get(anc) and _in_workspace(ws_globs[anc], inside):
                return anc
        return None

    roots = _group(pkgs, owner_of)
    out: list[Manager] = []
    for rel, members in roots.items():
        out.extend(_node_managers(tree, dirs[rel], members))
    return out


def _node_managers(tree: Tree, d: _Dir, members: list[str]) -> list[Manager]:
    rel = d.rel
    pkg = _json(tree, _join(rel, "package.json")) or {}
    pm = _package_manager_field(pkg)
    manifests = [_join(rel, "package.json"), *(_join(m, "package.json") for m in members)]
    shown = ", ".join(members[:5]) + (f", … ({len(members)} in all)" if len(members) > 5 else "")
    base_ev = [f"workspace members: {shown}"] if members else []
    by_pm: dict[str, list[str]] = {}
    for lock, pmname in _NODE_LOCKS.items():
        if lock in d.files:
            by_pm.setdefault(pmname, []).append(_join(rel, lock))
    chosen: list[tuple[str, list[str], list[str]]] = []  # (pm, locks, evidence)
    if pm and pm[0] in ("npm", "yarn", "pnpm"):
        ev = [f"package.json packageManager: {pkg.get('packageManager')}"]
        others = [lk for p, lks in by_pm.items() if p != pm[0] for lk in lks]
        if others:
            ev.append(f"ignored: {', '.join(others)} (packageManager names {pm[0]})")
        chosen.append((pm[0], by_pm.get(pm[0], []), ev))
    elif by_pm:
        for pmname, lks in by_pm.items():
            chosen.append((pmname, lks, [f"{posixpath.basename(lk)} present" for lk in lks]))
    else:
        ev = ["package.json without a lock file: npm assumed"]
        if pm:
            ev.append(f"package.json packageManager: {pkg.get('packageManager')} (not modelled)")
        chosen.append(("npm", [], ev))
    out = []
    for pmname, locks, ev in chosen:
        name = pmname
        mans = list(manifests)
        if pmname == "yarn":
            name, why = _yarn_flavour(tree, rel, pm)
            if not (pm and pm[0] == "yarn"):
                ev = [*ev, why]
            cache = _join(rel, ".yarn/cache")
            if name == "yarn-berry" and any(n.endswith(".zip") for n, _ in _entries(tree, cache)):
                ev.append(".yarn/cache is committed (zero-installs)")
        if pmname == "pnpm" and "pnpm-workspace.yaml" in d.files:
            mans.append(_join(rel, "pnpm-workspace.yaml"))
            ev.append("pnpm-workspace.yaml present")
        out.append(
            Manager(
                "node",
                name,
                rel,
                tuple(mans),
                tuple(locks),
                (*ev, *base_ev),
                _version_files(tree, rel, (".nvmrc", ".node-version"), "nodejs"),
            )
        )
    return out


# -- Go ----------------------------------------------------------------------------------------


def _go_work_uses(text: str) -> list[str]:
    uses: list[str] = []
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            if line.startswith(")"):
                block = False
            elif line:
                uses.append(line.strip('"'))
            continue
        if line.startswith("use"):
            rest = line[3:].strip()
            if rest.startswith("("):
                block = True
                inner = rest[1:].strip()
                if inner.endswith(")"):
                    block = False
                    inner = inner[:-1].strip()
                if inner:
                    uses.append(inner.strip('"'))
            elif rest:
                uses.append(rest.strip('"'))
    return uses


def _norm_under(base: str, rel: str) -> str | None:
    path = posixpath.normpath(_join(base, rel) if not rel.startswith("/") else rel)
    if path.startswith(("../", "/")) or path == "..":
        return None
    return "" if path == "." else path


def _go(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    out: list[Manager] = []
    claimed: set[str] = set()
    for rel, d in sorted(dirs.items()):
        if "go.work" not in d.files:
            continue
        work = _join(rel, "go.work")
        members = []
        for use in _go_work_uses(_text(tree, work) or ""):
            m = _norm_under(rel, use)
            if m is not None and _is_file(tree, _join(m, "go.mod")):
                members.append(m)
        if "go.mod" in d.files and rel not in members:
            # go commands run in the workspace's directory use the workspace, whether or not
            # it lists its own module: one manager for the directory, never two.
            members.append(rel)
        claimed.update(members)
        manifests = [work, *(_join(m, "go.mod") for m in members)]
        locks = [_join(rel, "go.work.sum")] if "go.work.sum" in d.files else []
        locks += [_join(m, "go.sum") for m in members if _is_file(tree, _join(m, "go.sum"))]
        ev = [f"go.work uses {', '.join(m or '.' for m in members) or 'no module'}"]
        out.append(Manager("go", "go", rel, tuple(manifests), tuple(locks), tuple(ev), (work,)))
    for rel, d in sorted(dirs.items()):
        if "go.mod" not in d.files or rel in claimed:
            continue
        mod = _join(rel, "go.mod")
        sums = (_join(rel, "go.sum"),) if "go.sum" in d.files else ()
        why = "go.mod present" if sums else "go.mod present, no go.sum (no dependencies?)"
        out.append(Manager("go", "go", rel, (mod,), sums, (why,), (mod,)))
    return out


# -- Rust --------------------------------------------------------------------------------------


def _rust(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    crates = {rel: d for rel, d in dirs.items() if "Cargo.toml" in d.files}
    workspace: dict[str, bool] = {}
    for rel in crates:
        data = _toml(tree, _join(rel, "Cargo.toml")) or {}
        workspace[rel] = isinstance(data.get("workspace"), dict)

    def owner_of(rel: str) -> str | None:
        if "Cargo.lock" in crates[rel].files:
            return None
        return next(
            (
                a
                for a in _ancestors(rel)
                if a in crates and (workspace[a] or "Cargo.lock" in crates[a].files)
            ),
            None,
        )

    roots = _group(crates, owner_of)
    out: list[Manager] = []
    for rel, members in roots.items():
        manifests = [_join(rel, "Cargo.toml"), *(_join(m, "Cargo.toml") for m in members)]
        locks = (_join(rel, "Cargo.lock"),) if "Cargo.lock" in crates[rel].files else ()
        ev = ["Cargo.lock present" if locks else "Cargo.toml without Cargo.lock (a library?)"]
        if workspace[rel]:
            ev.append(f"[workspace] with members: {', '.join(members) or 'none found'}")
        vf = _version_files(tree, rel, ("rust-toolchain.toml", "rust-toolchain"), "rust")
        out.append(Manager("rust", "cargo", rel, tuple(manifests), locks, tuple(ev), vf))
    return out


# -- Java --------------------------------------------------------------------------------------


def _maven_modules(tree: Tree, rel: str) -> list[str]:
    text = _text(tree, _join(rel, "pom.xml")) or ""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    out = []
    for m in re.findall(r"<module>\s*([^<]+?)\s*</module>", text):
        sub = _norm_under(rel, m.removesuffix("/pom.xml"))
        if sub is not None and _is_file(tree, _join(sub, "pom.xml")):
            out.append(sub)
    return out


def _maven(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    poms = sorted(rel for rel, d in dirs.items() if "pom.xml" in d.files)
    modules: dict[str, list[str]] = {}
    referenced: set[str] = set()
    pending = list(poms)
    while pending:
        rel = pending.pop(0)
        if rel in modules:
            continue
        modules[rel] = _maven_modules(tree, rel)
        for sub in modules[rel]:
            referenced.add(sub)
            pending.append(sub)
    out: list[Manager] = []
    for rel in poms:
        if rel in referenced:
            continue
        seen: list[str] = []
        stack = [rel]
        while stack:
            cur = stack.pop(0)
            if cur in seen:
                continue
            seen.append(cur)
            stack.extend(modules.get(cur, []))
        manifests = [_join(m, "pom.xml") for m in seen]
        for extra in (".mvn/wrapper/maven-wrapper.properties", ".mvn/extensions.xml"):
            if _is_file(tree, _join(rel, extra)):
                manifests.append(_join(rel, extra))
        ev = ["pom.xml present"]
        if len(seen) > 1:
            ev.append(f"modules: {', '.join(s for s in seen[1:])}")
        vf = _version_files(tree, rel, (".java-version", ".sdkmanrc"), "java")
        out.append(Manager("java", "maven", rel, tuple(manifests), (), tuple(ev), vf))
    return out


_GRADLE_BUILD = re.compile(r"^(?:.*\.gradle|.*\.gradle\.kts)$")
_GRADLE_SETTINGS = ("settings.gradle", "settings.gradle.kts")


def _gradle_subtree(tree: Tree, root: str) -> tuple[list[str], list[str]]:
    """Every Gradle build file, version catalog, wrapper and lock file of the build at ``root``.

    Not depth-limited (subprojects nest deep) and including nested (included) builds, as
    setup-java's ``**/*.gradle*`` would; skips build output, ``.gradle`` and test fixtures,
    and enters ``src`` only in build-logic projects (``buildSrc`` and included builds), where
    precompiled ``*.gradle.kts`` script plugins live.
    """
    manifests: list[str] = []
    locks: list[str] = []
    queue = [root]
    while queue:
        rel = queue.pop(0)
        entries = _entries(tree, rel)
        names = {n for n, k in entries if k == FILE}
        for name in sorted(names):
            path = _join(rel, name)
            catalog = name.endswith(".versions.toml") and posixpath.basename(rel) == "gradle"
            if _GRADLE_BUILD.match(name) or name == "gradle-wrapper.properties" or catalog:
                manifests.append(path)
            elif name.endswith("gradle.lockfile") or (
                name.endswith(".lockfile") and "dependency-locks" in rel
            ):
                locks.append(path)
        build_logic = posixpath.basename(rel) == "buildSrc" or (
            rel != root and any(s in names for s in _GRADLE_SETTINGS)
        )
        inside = rel[len(root) :].lstrip("/") if root else rel
        for name, kind in entries:
            if kind != DIR or _skip_dir(name) or name in ("build", "out"):
                continue
            if name == "src" and not build_logic and "src" not in inside.split("/"):
                continue
            if _is_soft(_join(inside, name)):
                continue
            queue.append(_join(rel, name))
    return manifests, locks


def _gradle(tree: Tree, dirs: dict[str, _Dir]) -> list[Manager]:
    builds = [
        rel
        for rel, d in dirs.items()
        if any(s in d.files for s in _GRADLE_SETTINGS)
        or any(_GRADLE_BUILD.match(n) for n in d.files)
    ]
    roots = _group(builds, lambda rel: next((a for a in _ancestors(rel) if a in builds), None))
    out: list[Manager] = []
    for rel in roots:
        manifests, locks = _gradle_subtree(tree, rel)
        ev = []
        if any(posixpath.basename(m) in _GRADLE_SETTINGS for m in manifests):
            ev.append("settings.gradle present")
        else:
            ev.append("build.gradle present")
        if any(m.endswith("gradle-wrapper.properties") for m in manifests):
            ev.append("Gradle wrapper present")
        if locks:
            ev.append(f"dependency locking: {len(locks)} lock file(s)")
        vf = _version_files(tree, rel, (".java-version", ".sdkmanrc"), "java")
        out.append(Manager("java", "gradle", rel, tuple(manifests), tuple(locks), tuple(ev), vf))
    return out


# -- shared ------------------------------------------------------------------------------------


def _version_files(tree: Tree, rel: str, names: tuple[str, ...], asdf: str) -> tuple[str, ...]:
    """The nearest files at or above ``rel`` that name a tool version."""
    out: list[str] = []
    for cand in (rel, *_ancestors(rel)):
        for name in names:
            path = _join(cand, name)
            if _is_file(tree, path) and not any(posixpath.basename(o) == name for o in out):
                out.append(path)
        tv = _join(cand, ".tool-versions")
        if not any(o.endswith(".tool-versions") for o in out) and _is_file(tree, tv):
            text = _text(tree, tv) or ""
            if re.search(rf"^\s*{re.escape(asdf)}\s", text, re.M):
                out.append(tv)
        if out:
            break
    return tuple(out)


def _with_python_versions(tree: Tree, m: Manager) -> Manager:
    vf = _version_files(tree, m.directory, (".python-version",), "python")
    if not vf:
        return m
    return Manager(m.ecosystem, m.name, m.directory, m.manifests, m.locks, m.evidence, vf)


def detect_managers(tree: Tree, *, max_depth: int = 3) -> tuple[Manager, ...]:
    """Every package manager in ``tree``, per project directory, sorted by directory.

    Projects under test/fixture/example directories are returned only when nothing else is
    found. Never raises on unreadable or malformed files: they are simply not evidence.
    """
    dirs = _scan(tree, max_depth)
    found: list[Manager] = []
    found += [_with_python_versions(tree, m) for m in _python(tree, dirs)]
    found += _node(tree, dirs)
    found += _go(tree, dirs)
    found += _rust(tree, dirs)
    found += _maven(tree, dirs)
    found += _gradle(tree, dirs)
    kept = [m for m in found if not _is_soft(m.directory)]
    if not kept:
        kept = found
    order = {e: i for i, e in enumerate(ECOSYSTEMS)}
    kept.sort(
        key=lambda m: (
            m.directory.count("/") if m.directory else -1,
            m.directory,
            order[m.ecosystem],
            MANAGER_NAMES[m.ecosystem].index(m.name),
        )
    )
    return tuple(kept)
