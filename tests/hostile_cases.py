"""Hostile repositories: the catalogue of issue #11's cases and a hypothesis strategy over them.

A repository is a :data:`Spec` (path -> content) built by :func:`materialize`. Each
*ingredient* is one class of attack, parameterised by a size or depth, and writes its own
files (its own workflow name), so a generated repository can combine several. The named
catalogue (:data:`CASES`) holds the exact inputs the issue reported; :func:`hostile_repos`
draws combinations of ingredients with hostile sizes for the property suite.

Every generated repository also carries a canary: a file outside it (``../outside-secret``)
and an environment variable hold a secret the commands must never print, and a ``setup.py``
and a build backend that write a canary file if anything ever runs them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gitutil import ENV
from hypothesis import strategies as st

SECRET = "CANARY-7f3a9c-secret"
"""The secret planted in the environment and in a file beside the repository."""

RAN_MARKER = "ran-repository-code"
"""The file a planted setup.py / build backend / script would create if it were ever run."""


@dataclass(frozen=True)
class Link:
    target: str


@dataclass(frozen=True)
class Fifo:
    """A named pipe, created after the commit (git does not store FIFOs)."""


@dataclass(frozen=True)
class Sparse:
    """A file of ``size`` zero bytes that takes no disk space."""

    size: int
    head: bytes = b""


Spec = dict[str, object]

_CACHE_STEP = """\
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: {key}
"""


def workflow(name: str, jobs: str, *, on: str = "push") -> dict[str, str]:
    """A workflow file ``name`` with the given ``jobs:`` body (already indented by 2)."""
    return {f".github/workflows/{name}.yml": f"on: {on}\njobs:\n{jobs}"}


def cache_job(
    job_id: str = "build", *, key: str = "k-${{ hashFiles('r.txt') }}", run: str = ""
) -> str:
    """One job with a cache step and an optional ``run:`` step."""
    body = f"  {job_id}:\n    runs-on: ubuntu-latest\n    steps:\n" + _CACHE_STEP.format(key=key)
    if run:
        body += "      - run: " + run + "\n"
    return body


# --- ingredients (issue #11 items 3, 4, 5, 8, 9) -------------------------------------------


def alias_bomb(levels: int = 9) -> Spec:
    """Billion laughs: each anchor a list of nine aliases of the previous one (479 bytes at 9)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    text = "on: push\nenv:\n" + "".join(f"  {line}\n" for line in lines)
    return {".github/workflows/bomb.yml": text + "jobs:\n" + cache_job()}


def deep_flow(depth: int = 340) -> Spec:
    """A flow sequence nested ``depth`` deep."""
    return {
        ".github/workflows/deep.yml": "on: push\nenv:\n  X: " + "[" * depth + "]" * depth + "\n"
    }


def format_bomb(depth: int = 20) -> Spec:
    """A cache key of ``format('{0}{0}{0}{0}', …)`` nested ``depth`` deep (4^depth chars)."""
    expr = "'x'"
    for _ in range(depth):
        expr = f"format('{{0}}{{0}}{{0}}{{0}}', {expr})"
    return workflow("fmt", cache_job(key="${{ " + expr + " }}"))


def big_matrix(axes: int = 8, values: int = 10) -> Spec:
    """A matrix of ``axes`` x ``values`` (10^8 at 8 x 10; GitHub allows 256 jobs)."""
    rows = "".join(
        f"        a{i}: [{', '.join(str(v) for v in range(values))}]\n" for i in range(axes)
    )
    job = (
        "  m:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
        + rows
        + "    steps:\n"
        + _CACHE_STEP.format(key="k-${{ matrix.a0 }}")
    )
    return workflow("matrix", job)


def special_workflow(kind: str = "zero") -> Spec:
    """A committed symlink workflow to a device, or a FIFO where a workflow should be."""
    path = f".github/workflows/special-{kind}.yml"
    if kind == "fifo":
        return {path: Fifo(), **workflow("ok", cache_job())}
    target = {"zero": "/dev/zero", "stdin": "/dev/stdin", "urandom": "/dev/urandom"}[kind]
    return {path: Link(target), **workflow("ok", cache_job())}


def huge_requirements(size: int = 2 << 30) -> Spec:
    """A requirements file of ``size`` bytes (sparse: zeros after one real line)."""
    return {
        "requirements.txt": Sparse(size, b"numpy==1.26.4\n"),
        **workflow(
            "req",
            cache_job(
                key="k-${{ hashFiles('requirements.txt') }}",
                run="pip install -r requirements.txt",
            ),
        ),
    }


def glob_bomb(length: int = 250) -> Spec:
    """The glob ``*a*a*a*a*b`` against a name of ``length`` a's (backtracking: > 60 s)."""
    return {
        "a" * length: "x",
        **workflow("glob", cache_job(key="k-${{ hashFiles('*a*a*a*a*a*a*b') }}")),
    }


def long_token(size: int = 200_000) -> Spec:
    """A ``run:`` whose one token is ``size`` characters (``\\S+\\.sh\\b`` regex: 75 s)."""
    return workflow("token", cache_job(run="echo " + "a." * (size // 2)))


def needs_diamond(jobs: int = 35) -> Spec:
    """Job ``j{n}`` needs ``j{n-1}`` and ``j{n-2}``: Fibonacci many paths, 84 s unmemoised."""
    body = cache_job("j0") + cache_job("j1") + "    needs: [j0]\n"
    for n in range(2, jobs):
        body += cache_job(f"j{n}") + f"    needs: [j{n - 1}, j{n - 2}]\n"
    return workflow("diamond", body)


def needs_chain(jobs: int = 400) -> Spec:
    """A ``needs`` chain ``jobs`` long (recursive ordering: RecursionError)."""
    body = cache_job("j0")
    for n in range(1, jobs):
        body += cache_job(f"j{n}") + f"    needs: j{n - 1}\n"
    return workflow("chain", body)


def setup_appends(lines: int = 32_000) -> Spec:
    """A ``setup.py`` with ``lines`` ``install_requires.append`` calls (list scan per line)."""
    text = "from setuptools import setup\nreqs = []\n"
    text += "".join(f"reqs.append('pkg{i}')\n" for i in range(lines))
    text += "setup(name='x', install_requires=reqs)\n"
    return {
        "setup.py": text,
        **workflow("setup", cache_job(key="k-${{ hashFiles('setup.py') }}", run="pip install .")),
    }


def setup_plus(terms: int = 1000) -> Spec:
    """A ``setup.py`` whose requirement list is a ``terms``-term ``+`` expression."""
    expr = " + ".join(f"['p{i}']" for i in range(terms))
    return {
        "setup.py": f"from setuptools import setup\nsetup(name='x', install_requires={expr})\n",
        **workflow("plus", cache_job(key="k-${{ hashFiles('setup.py') }}", run="pip install .")),
    }


def composite_cycle() -> Spec:
    """Two local composite actions that use each other."""
    action = (
        "runs:\n  using: composite\n  steps:\n    - uses: {other}\n"
        "    - uses: actions/cache@v4\n      with:\n        path: ~/.npm\n        key: k\n"
    )
    return {
        ".github/actions/a/action.yml": action.format(other="./.github/actions/b"),
        ".github/actions/b/action.yml": action.format(other="./.github/actions/a"),
        **workflow(
            "composite",
            "  c:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/a\n",
        ),
    }


def reusable_self() -> Spec:
    """A reusable workflow that calls itself."""
    return {
        ".github/workflows/self.yml": "on: [push, workflow_call]\njobs:\n"
        "  again:\n    uses: ./.github/workflows/self.yml\n" + cache_job()
    }


def subshell_nest(depth: int = 500) -> Spec:
    """``$(`` nested ``depth`` deep in a ``run:``."""
    return workflow("subshell", cache_job(run="'echo " + "$(" * depth + "x" + ")" * depth + "'"))


# Output injection: ESC/OSC/BEL/NUL and newlines in job ids, keys and file names.
ESCAPES = ["\x1b]0;pwned\x07", "\x1b[2J", "\x07", "\x9b31m", "\r::error::x", "\u202e"]


def output_injection(seq: str = "\x1b]8;;http://evil\x1b\\") -> Spec:
    """A job id, a key and a hashed file name that carry terminal control sequences."""
    quoted = seq.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    # Job ids are YAML keys: a double-quoted key takes escapes. Keys too.
    name = "f" + seq.replace("/", "_").replace("\x00", "") + ".txt"
    job = (
        f'  "j{quoted}":\n    runs-on: ubuntu-latest\n    steps:\n'
        "      - uses: actions/cache@v4\n        with:\n          path: ~/.cache/pip\n"
        f"          key: \"k{quoted}\\n::error::pwned-${{{{ hashFiles('f*.txt') }}}}\"\n"
    )
    return {name: "content\n", **workflow("inject", job)}


def newline_file() -> Spec:
    """A file name with a newline followed by a workflow command."""
    return {
        "x\n::error::from-a-file-name.txt": "y\n",
        **workflow("nl", cache_job(key="k-${{ hashFiles('x*') }}")),
    }


def yaml_error(line: int = 7) -> Spec:
    """A YAML syntax error on ``line``."""
    text = "on: push\njobs:\n" + cache_job()
    lines = text.splitlines()
    lines = [*lines[: line - 1], "  : : [unclosed", *lines[line - 1 :]]
    return {".github/workflows/broken.yml": "\n".join(lines) + "\n"}


def missing_include() -> Spec:
    """``pip install -r missing.txt``, and two files that include each other."""
    return {
        "a.txt": "-r b.txt\nnumpy\n",
        "b.txt": "-r a.txt\n",
        **workflow(
            "missing",
            cache_job(key="k-${{ hashFiles('a.txt') }}", run="pip install -r missing.txt -r a.txt"),
        ),
    }


def repository_code() -> Spec:
    """A setup.py and an in-tree build backend that would plant a marker if run."""
    # @ROOT@ becomes the absolute folder around the repository (see materialize).
    plant = f"open('@ROOT@/{RAN_MARKER}', 'w').write('x')\n"
    return {
        "setup.py": "import os\n" + plant + "from setuptools import setup\nsetup(name='x')\n",
        "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\n'
        'backend-path = ["."]\n',
        "backend.py": plant,
        "conftest.py": plant,
        **workflow("code", cache_job(key="k-${{ hashFiles('setup.py') }}", run="pip install .")),
    }


def outside_reads() -> Spec:
    """Paths that leave the repository: ``-r ../outside-secret``, a symlinked requirements
    file, a local action and a reusable workflow at ``./../``. (Issue #11 item 2: the
    repository boundary, engineer ``sec-paths``.)"""
    return {
        "requirements-dev.txt": Link("../outside-secret"),
        **workflow(
            "outside",
            cache_job(
                key="k-${{ hashFiles('requirements-dev.txt') }}",
                run="pip install -r ../outside-secret -r requirements-dev.txt",
            )
            + "      - uses: ./../outside-action\n"
            + "  call:\n    uses: ./../outside.yml\n",
        ),
    }


INGREDIENTS: dict[str, Callable[..., Spec]] = {
    "alias_bomb": alias_bomb,
    "deep_flow": deep_flow,
    "format_bomb": format_bomb,
    "big_matrix": big_matrix,
    "special_workflow": special_workflow,
    "huge_requirements": huge_requirements,
    "glob_bomb": glob_bomb,
    "long_token": long_token,
    "needs_diamond": needs_diamond,
    "needs_chain": needs_chain,
    "setup_appends": setup_appends,
    "setup_plus": setup_plus,
    "composite_cycle": composite_cycle,
    "reusable_self": reusable_self,
    "subshell_nest": subshell_nest,
    "output_injection": output_injection,
    "newline_file": newline_file,
    "yaml_error": yaml_error,
    "missing_include": missing_include,
    "repository_code": repository_code,
}

CASES: dict[str, Spec] = {
    "alias-bomb-479-bytes": alias_bomb(),
    "flow-sequence-340-deep": deep_flow(),
    "format-nested-20": format_bomb(),
    "matrix-8x10": big_matrix(),
    "workflow-symlink-dev-zero": special_workflow("zero"),
    "workflow-symlink-dev-stdin": special_workflow("stdin"),
    "workflow-fifo": special_workflow("fifo"),
    "requirements-2GB": huge_requirements(),
    "glob-star-a-250": glob_bomb(),
    "run-token-200KB": long_token(),
    "needs-diamond-35": needs_diamond(),
    "needs-chain-400": needs_chain(),
    "setup-py-32k-appends": setup_appends(),
    "setup-py-1000-plus": setup_plus(),
    "composite-cycle": composite_cycle(),
    "reusable-calls-itself": reusable_self(),
    "subshell-500-deep": subshell_nest(),
    "output-osc8": output_injection(),
    "output-newline-workflow-command": newline_file(),
    "yaml-error-line-7": yaml_error(),
    "missing-and-looping-includes": missing_include(),
    "repository-code": repository_code(),
}

PENDING: dict[str, Spec] = {"outside-reads": outside_reads()}
"""Cases run with check and resolve together: the repository boundary and the resolver's
sandbox (#11 items 1 and 2) must both hold for them."""


# --- the strategy ----------------------------------------------------------------------------


def _sized(name: str, sizes: st.SearchStrategy[int]) -> st.SearchStrategy[Spec]:
    return sizes.map(INGREDIENTS[name])


def ingredient() -> st.SearchStrategy[Spec]:
    """One hostile ingredient with a drawn size (small to hostile)."""
    return st.one_of(
        _sized("alias_bomb", st.integers(1, 12)),
        _sized("deep_flow", st.integers(1, 2000)),
        _sized("format_bomb", st.integers(0, 30)),
        st.tuples(st.integers(1, 10), st.integers(1, 12)).map(lambda t: big_matrix(*t)),
        st.sampled_from(["zero", "stdin", "urandom", "fifo"]).map(special_workflow),
        _sized("huge_requirements", st.sampled_from([0, 1 << 20, 200 << 20, 2 << 30])),
        _sized("glob_bomb", st.integers(1, 255)),
        _sized("long_token", st.integers(1, 300_000)),
        _sized("needs_diamond", st.integers(2, 60)),
        _sized("needs_chain", st.integers(1, 1200)),
        _sized("setup_appends", st.integers(0, 40_000)),
        _sized("setup_plus", st.integers(1, 3000)),
        st.just(None).map(lambda _: composite_cycle()),
        st.just(None).map(lambda _: reusable_self()),
        _sized("subshell_nest", st.integers(1, 3000)),
        st.sampled_from([*ESCAPES, "\x00", "\x1b]8;;http://evil\x1b\\"]).map(output_injection),
        st.just(None).map(lambda _: newline_file()),
        _sized("yaml_error", st.integers(1, 12)),
        st.just(None).map(lambda _: missing_include()),
        st.just(None).map(lambda _: repository_code()),
    )


@st.composite
def hostile_repos(draw: st.DrawFn, max_ingredients: int = 3) -> Spec:
    """A repository combining one to ``max_ingredients`` hostile ingredients."""
    spec: Spec = {}
    for part in draw(st.lists(ingredient(), min_size=1, max_size=max_ingredients)):
        spec.update(part)
    return spec


# --- building ----------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=ENV)


def materialize(root: Path, spec: Spec) -> Path:
    """Write ``spec`` under ``root/repo`` as a one-commit git repository; return the repo.

    ``root/outside-secret`` holds the canary secret beside the repository.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "outside-secret").write_text(f"AWS_SECRET_ACCESS_KEY={SECRET}\n")
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "core.symlinks", "true")
    fifos = []
    for rel, value in spec.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, Link):
            os.symlink(value.target, path)
        elif isinstance(value, Fifo):
            fifos.append(path)
        elif isinstance(value, Sparse):
            with open(path, "wb") as fh:
                fh.write(value.head)
                fh.truncate(value.size)
        elif isinstance(value, bytes):
            path.write_bytes(value)
        else:
            path.write_text(str(value).replace("@ROOT@", str(root.resolve())))
    big = [rel for rel, v in spec.items() if isinstance(v, Sparse) and v.size > 64 << 20]
    _git(repo, "add", "-A", *(f":(exclude){rel}" for rel in big))
    _git(repo, "commit", "-q", "--allow-empty", "-m", "hostile")
    for path in fifos:
        os.mkfifo(path)
    return repo
