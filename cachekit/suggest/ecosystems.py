"""What a repository holds, ecosystem by ecosystem: package managers, where, and with which files.

The walk and the record live in :mod:`cachekit.ecosystems.detect`; each ecosystem's detector
in its module (registered in :mod:`cachekit.ecosystems.registry`); this module runs them all.

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

from ..ecosystems import registry
from ..ecosystems.detect import Manager, is_soft, scan
from ..ecosystems.python.detect import is_requirements_file, requirements_header
from ..fs.trees import Tree

__all__ = [
    "ECOSYSTEMS",
    "MANAGER_NAMES",
    "Manager",
    "detect_managers",
    "is_requirements_file",
    "requirements_header",
]

ECOSYSTEMS = tuple(e.name for e in registry.ECOSYSTEMS)
MANAGER_NAMES = {e.name: registry.manager_names(e.name) for e in registry.ECOSYSTEMS}


def detect_managers(tree: Tree, *, max_depth: int = 3) -> tuple[Manager, ...]:
    """Every package manager in ``tree``, per project directory, sorted by directory.

    Projects under test/fixture/example directories are returned only when nothing else is
    found. Never raises on unreadable or malformed files: they are simply not evidence.
    """
    dirs = scan(tree, max_depth)
    found: list[Manager] = []
    for eco in registry.ECOSYSTEMS:
        if eco.detect is not None:
            found += eco.detect(tree, dirs)
    kept = [m for m in found if not is_soft(m.directory)]
    if not kept:
        kept = found
    order = {e.name: i for i, e in enumerate(registry.ECOSYSTEMS)}
    kept.sort(
        key=lambda m: (
            m.directory.count("/") if m.directory else -1,
            m.directory,
            order[m.ecosystem],
            registry.manager_names(m.ecosystem).index(m.name),
        )
    )
    return tuple(kept)
