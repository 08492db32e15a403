"""What a workflow's install would resolve to *now*, by pip-tools or uv, in a hermetic subprocess.

Why: a cache keyed on ``hashFiles('requirements.in')`` with loose specifiers holds whatever
resolved the day the entry was saved; the key does not change when a new release appears, so the
cache goes on restoring yesterday's environment. To say what the same inputs resolve to today
(for a given Python and platform) and how that differs from a lock or a cache's contents, we run
a real resolver — ``pip-compile`` (pip-tools) or ``uv pip compile`` — and read its output.

How, and what is guaranteed:

- Only the files the resolver needs are copied out of the :class:`~cachekit.fs.trees.Tree` into a
  temporary directory, with the same relative layout: the requirements and constraints files and
  the files they include (``-r``/``-c``), wheels and ``--find-links`` directories they name in
  the tree. The user's tree is never written to; the directory is removed afterwards.
- Repository code is not executed unless ``allow_build``: a project (``pip install .[extras]``,
  ``-e .`` in a requirements file) is not handed to the resolver, which would run its build
  backend; its dependencies are read statically (:func:`cachekit.environments.project.
  read_project`) and written as requirement lines. Dependencies only a build could compute are
  an error that says so. Dependencies' sdists are not built either: the resolver sees wheels only
  (``--only-binary :all:``).
- A repository's requirements file does not choose where packages come from or how they are
  built: ``--index-url``, ``--extra-index-url``, ``--find-links``, ``--trusted-host`` lines are
  removed from the copy (with a warning naming file:line) unless the caller passes the same
  option and value; ``--no-binary``/``--only-binary``/``--prefer-binary`` lines are removed
  unless ``allow_build``, so ``--only-binary :all:`` stays in force. A ``--find-links``
  directory of the tree that is kept contributes its wheels only (sdists too with
  ``allow_build``).
- The subprocess gets an allow-list environment, also with ``allow_build`` (which only permits
  building): ``PATH``, a temporary ``HOME`` and ``TMPDIR``, a UTF-8 locale, the few variables
  that only say how to reach an index (certificate paths, timeouts) and the resolvers' own
  settings — nothing else, so a build backend never sees the caller's tokens or cloud keys (nor
  its proxies: an index behind a proxy is out of reach). pip's and uv's configuration files are
  not read, and caches live in the temporary directory unless the caller passes ``cache_dir``.
- pip-compile resolves for the interpreter that runs it; resolving for another Python version or
  platform needs uv (``--python-version``/``--python-platform``), and asking pip-tools for it is
  an error that says so.
- ``exclude_newer`` ("as of then") compares with each file's upload time, which only an index
  serving PEP 700 metadata (the JSON simple API's ``upload-time``) provides; a date alone means
  midnight UTC at its start. Files without one are treated differently by the two backends:
  uv keeps every ``--find-links`` file and *drops* index files (even ``file://`` ones) without
  an upload time, with a warning; pip (``--uploaded-prior-to``: pip-tools 7.6 with pip 26)
  keeps every local file (find-links or ``file://`` index) and *fails* on a remote index that
  gives no upload times. File modification times are never used. Resolution warnings say so.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from typing import Final

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ...fs.trees import Tree
from .backends import _command, _failure, _parse, _shown, _stderr_warnings, _untemp
from .materialise import _WORK, _materialise, _Plan
from .request import (
    BACKENDS,
    PLATFORMS,
    Drift,
    Pin,
    Resolution,
    ResolveError,
    ResolveRequest,
    _exclude_newer,
    _piptools_has_uploaded_prior_to,
    _summary,
    _target,
    find_uv,
    host_platform,
)

__all__ = [
    "BACKENDS",
    "PLATFORMS",
    "Drift",
    "Pin",
    "Resolution",
    "ResolveError",
    "ResolveRequest",
    "drift",
    "find_uv",
    "host_platform",
    "resolve",
]

# The caller's variables a resolver subprocess may see (an allow-list: nothing else passes).
# PATH to find compilers with --allow-build; certificate paths and timeouts only say how to
# reach an index; the Windows ones are where the system is. None holds a credential.
_KEPT_VARS: Final = frozenset(
    [
        "PATH",
        "PIP_CERT",
        "PIP_CLIENT_CERT",
        "PIP_DEFAULT_TIMEOUT",
        "UV_NATIVE_TLS",
        "UV_HTTP_TIMEOUT",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "SYSTEMROOT",
        "WINDIR",
        "COMSPEC",
        "PATHEXT",
    ]
)


def _environment(plan: _Plan, cache: str, request: ResolveRequest) -> dict[str, str]:
    """An allow-list environment: a build backend (with ``allow_build``) sees no secret."""
    scratch = os.path.join(plan.root, _WORK)
    env = {k: v for k, v in os.environ.items() if k in _KEPT_VARS}
    env.setdefault("PATH", os.defpath)
    env.update(
        HOME=os.path.join(scratch, "home"),
        USERPROFILE=os.path.join(scratch, "home"),
        TMPDIR=os.path.join(scratch, "tmp"),
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        PYTHONNOUSERSITE="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_CACHE_DIR=os.path.join(cache, "pip"),
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=os.path.join(cache, "uv"),
        UV_PYTHON_DOWNLOADS="never",
        NO_COLOR="1",
        PYTHONIOENCODING="utf-8",
    )
    if request.allow_build:
        # The copy has no .git: let setuptools-scm and the like build with a stand-in version.
        env.setdefault("SETUPTOOLS_SCM_PRETEND_VERSION", "0+cachekit")
    return env


def _run(
    argv: list[str], cwd: str, env: dict[str, str], timeout: float, what: str
) -> tuple[int, str]:
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so a timeout ends the builds it started too
        )
    except OSError as exc:
        raise ResolveError(f"{what}: cannot run {argv[0]}: {exc.strerror or exc}") from None
    try:
        _stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise ResolveError(f"{what}: timed out after {timeout:g} s") from None
    except BaseException:
        _kill(proc)
        raise
    return proc.returncode, stderr.decode("utf-8", "replace")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    killpg = getattr(os, "killpg", None)
    try:
        if killpg is not None:
            killpg(proc.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        else:  # pragma: no cover - Windows
            proc.kill()
    except OSError:
        pass
    proc.communicate()


def resolve(tree: Tree, request: ResolveRequest, *, cache_dir: str | None = None) -> Resolution:
    """Resolve ``request``'s inputs from ``tree`` with its backend, in a hermetic subprocess.

    ``cache_dir`` (optional) keeps the resolvers' caches between calls (faster, but then the
    result may depend on what that cache holds); by default each call starts empty.
    """
    target = _target(request)
    uv = None
    if request.backend == "uv":
        uv = find_uv()
        if uv is None:
            raise ResolveError("uv is not installed: pip install uv")
    if request.exclude_newer and request.backend == "pip-tools":
        _exclude_newer(request.exclude_newer)
        if not _piptools_has_uploaded_prior_to():
            raise ResolveError(
                "exclude-newer needs pip-tools 7.6 or later (with pip 26): "
                "use --backend uv, or upgrade pip-tools"
            )
    what = f"resolving {_summary(request)} with {request.backend}"
    with tempfile.TemporaryDirectory(prefix="cachekit-resolve-", ignore_cleanup_errors=True) as t:
        root = os.path.realpath(t)
        plan = _Plan(root)
        _materialise(tree, request, plan)
        for scratch in ("home", "tmp"):
            os.makedirs(os.path.join(root, _WORK, scratch), exist_ok=True)
        cache = os.path.abspath(cache_dir) if cache_dir else os.path.join(root, _WORK, "cache")
        out = os.path.join(root, _WORK, "resolved.txt")
        argv = _command(request, target, plan, cache, out, uv)
        file_index = any(
            u.startswith("file:") for u in (request.index_url or "", *request.extra_index_urls)
        )
        if request.exclude_newer and (
            request.find_links or (file_index and request.backend == "pip-tools")
        ):
            local = "--find-links files" if request.backend == "uv" else "local files"
            plan.warnings.append(
                f"exclude-newer: {local} have no upload time and are all considered "
                "(modification times are not used)"
            )
        if request.backend == "uv" and len(request.extra_index_urls) + bool(request.index_url) > 1:
            plan.warnings.append(
                "uv takes each package from the first index that has it (--extra-index-url "
                "before --index-url); pip takes the best version across all indexes"
            )
        started = time.perf_counter()
        code, stderr = _run(argv, root, _environment(plan, cache, request), request.timeout, what)
        seconds = time.perf_counter() - started
        if code != 0 or not os.path.exists(out):
            message = _untemp(_failure(stderr), root)
            if not request.allow_build and re.search(
                r"No matching distribution|from versions: none|no usable wheels", message
            ):
                message += (
                    " [only wheels are considered: a package published only as an sdist needs "
                    "--allow-build, which runs its build]"
                )
            raise ResolveError(f"{what}: {message}")
        with open(out, encoding="utf-8", errors="replace") as f:
            pins = _parse(f.read(), plan)
        warnings = [*plan.warnings, *(_untemp(w, root) for w in _stderr_warnings(stderr))]
        return Resolution(
            backend=request.backend,
            python=target.python,
            platform=target.platform,
            pins=tuple(pins),
            command=_shown(argv, root),
            seconds=seconds,
            warnings=tuple(dict.fromkeys(warnings)),
        )


def _same(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def drift(locked: Mapping[str, str], resolution: Resolution) -> Drift:
    """Compare a lock's (or a cache's) ``{name: version}`` with what resolves now.

    Names are normalised; versions compare as PEP 440 versions (``1.0`` equals ``1.0.0``), and a
    leading ``==`` in a locked version is ignored.
    """
    lock = {canonicalize_name(k): v.strip().removeprefix("==").strip() for k, v in locked.items()}
    now = resolution.versions()
    changed = tuple(
        (n, lock[n], now[n]) for n in sorted(lock.keys() & now.keys()) if not _same(lock[n], now[n])
    )
    added = tuple((n, now[n]) for n in sorted(now.keys() - lock.keys()))
    removed = tuple((n, lock[n]) for n in sorted(lock.keys() - now.keys()))
    return Drift(changed, added, removed)
