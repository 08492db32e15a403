"""setup.py's ``setup()`` keywords: the dependencies written literally, and what is computed."""

from __future__ import annotations

import ast
import warnings

from packaging.utils import canonicalize_name

from ...errors import TreeError
from ...fs.trees import Tree
from ..requirements import Problem
from .model import _Builder
from .pep508 import _drop_comment, dependency_from_pep508, join_markers
from .setuppy import _is_call, _Items, _Scope, _SetupPy, _snippet

_MAX_AST_DEPTH = 100
"""setup.py syntax trees deeper than this are not read: the readers recurse (a 1,000-term
``+`` expression is a tree 1,000 deep). Real setup.py files are a few dozen deep."""


def _too_deep(module: ast.Module) -> int | None:
    """The line where the tree first gets deeper than :data:`_MAX_AST_DEPTH` (iteratively)."""
    stack: list[tuple[ast.AST, int, int]] = [(module, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)  # operators (ast.Add) have no position
        if depth > _MAX_AST_DEPTH:
            return line
        stack.extend((child, depth + 1, line) for child in ast.iter_child_nodes(node))
    return None


def _read_setup_py(tree: Tree, path: str, builder: _Builder) -> None:
    try:
        data = tree.read(path)
    except (TreeError, OSError, ValueError) as exc:
        builder.problems.append(Problem(path, 0, f"cannot read: {exc}", "unreadable"))
        return
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" and the like: not ours
            warnings.simplefilter("ignore")
            module = ast.parse(data, filename=path)  # bytes: the coding cookie decides (PEP 263)
    except SyntaxError as exc:
        builder.problems.append(Problem(path, exc.lineno or 0, f"invalid Python: {exc.msg}"))
        return
    except (ValueError, RecursionError, MemoryError) as exc:
        builder.problems.append(Problem(path, 0, f"invalid Python: {exc}"))
        return
    deep = _too_deep(module)
    if deep is not None:
        builder.problems.append(
            Problem(
                path, deep, f"nested more than {_MAX_AST_DEPTH} levels deep: not read", "too-deep"
            )
        )
        builder.dynamic_input(path, deep, "setup.py is nested too deeply to read", None)
        return
    reader = _SetupPy(module, path, builder)
    try:
        _read_setup_call(reader)
    except RecursionError:
        builder.problems.append(Problem(path, 0, "setup.py nested too deeply to read", "too-deep"))


def _read_setup_call(reader: _SetupPy) -> None:
    builder, path = reader.builder, reader.path
    found = reader.find_setup()
    if found is None:
        what = "no setup() call found: its metadata exists only when setup.py runs"
        builder.dynamic_input(path, 1, what, None)
        return
    call, chain = found
    reader.scopes += [_Scope(f.body) for f in chain]
    keywords = _keywords(reader, call)
    for key, value in keywords.items():
        _setup_keyword(reader, key, value)


def _keywords(reader: _SetupPy, call: ast.Call) -> dict[str, ast.expr]:
    """setup()'s keywords, ``**config`` merged in when ``config`` is a literal dict."""
    out: dict[str, ast.expr] = {}
    for kw in call.keywords:
        if kw.arg is not None:
            out[kw.arg] = kw.value
            continue
        pairs = _literal_kwargs(reader, kw.value)
        if pairs is None:
            what = f"setup() takes **{_snippet(kw.value)}: its keywords are computed"
            for read in _or_none(reader.reads(kw.value, {})):
                reader.builder.dynamic_input(reader.path, kw.value.lineno, what, read)
            continue
        out.update(pairs)
    return out


_DEPENDENCY_KEYWORDS = frozenset(
    {"name", "version", "install_requires", "extras_require", "setup_requires", "python_requires"}
)


def _literal_kwargs(reader: _SetupPy, node: ast.expr) -> dict[str, ast.expr] | None:
    """``**config``'s keywords when ``config`` is a literal dict; None when computed.

    ``{} if X else {"ext_modules": …}`` (both literal, neither naming a dependency keyword)
    gives nothing: whichever branch runs, the dependencies are unaffected.
    """
    if isinstance(node, ast.Name):
        bound = reader.binding(node.id)
        if bound is None or reader.changed(node.id):
            return None
        node = bound
    if isinstance(node, ast.IfExp):
        branches = [_literal_kwargs(reader, b) for b in (node.body, node.orelse)]
        if any(b is None or _DEPENDENCY_KEYWORDS & b.keys() for b in branches):
            return None
        return {}
    out: dict[str, ast.expr] = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            name = reader.string(key) if key is not None else None
            if name is None:
                return None
            out[name] = value
        return out
    if _is_call(node, ("dict",)):
        for kw in node.keywords:
            if kw.arg is None:
                return None
            out[kw.arg] = kw.value
        return out
    return None


def _setup_keyword(reader: _SetupPy, key: str, value: ast.expr) -> None:
    builder, path = reader.builder, reader.path
    if key == "name":
        builder.set_name(reader.string(value))
    elif key == "python_requires":
        spec = reader.string(value)
        if spec is not None:
            builder.set_python(spec, path, value.lineno)
        else:
            _computed(reader, key, value)
    elif key == "version" and not isinstance(value, ast.Constant) and reader.string(value) is None:
        _computed(reader, key, value)
    elif key in ("install_requires", "setup_requires"):
        group = "project" if key == "install_requires" else "build"
        _setup_list(reader, key, value, group, "")
    elif key == "extras_require":
        entries, computed = reader.mapping(value)
        for extra, (items, _line) in entries.items():
            name, _, marker = extra.partition(":")
            group = f"extra:{canonicalize_name(name)}" if name.strip() else "project"
            _add_items(reader, key, items, group, marker.strip())
        for node in computed:
            _computed(reader, key, node)


def _setup_list(reader: _SetupPy, key: str, value: ast.expr, group: str, marker: str) -> None:
    _add_items(reader, key, reader.items(value), group, marker)
    if isinstance(value, ast.Name):
        for change in reader.changed(value.id):
            what = f"{key} is changed at line {getattr(change, 'lineno', 0)}: {_snippet(change)}"
            reader.builder.dynamic_input(reader.path, value.lineno, what, None)


def _add_items(reader: _SetupPy, key: str, items: _Items, group: str, marker: str) -> None:
    """Literal requirement strings (an ``extras_require`` key's marker joined on), then the
    computed parts as DynamicInputs."""
    for text, line in items.strings:
        requirement = _drop_comment(text)
        if not requirement or requirement.startswith("#"):
            continue
        if marker:
            requirement = _with_marker(requirement, marker)
        reader.builder.add(*dependency_from_pep508(requirement, reader.path, line, group))
    for node in items.computed:
        _computed(reader, key, node)


def _or_none(reads: list[str]) -> list[str | None]:
    """One DynamicInput per file read, or one without a file."""
    return [*reads] if reads else [None]


def _with_marker(requirement: str, marker: str) -> str:
    if ";" in requirement:
        head, _, own = requirement.partition(";")
        return f"{head.strip()} ; {join_markers([own.strip(), marker])}"
    return f"{requirement} ; {marker}"


def _computed(reader: _SetupPy, key: str, node: ast.expr) -> None:
    """A value only running setup.py would give: say what it is and which files it reads."""
    what = f"{key} is computed: {_snippet(node)}"
    imports = _imports_in(reader, node)
    if imports:
        what += f" (imports {', '.join(imports)}: reading it runs that code)"
    for read in _or_none(reader.reads(node, {})):
        reader.builder.dynamic_input(reader.path, node.lineno, what, read)


def _imports_in(reader: _SetupPy, node: ast.expr) -> list[str]:
    modules: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            origin = reader.imported(child.id)
            if origin and origin.split(".")[0] not in _STDLIB:
                modules.append(origin.lstrip("."))
    return list(dict.fromkeys(modules))


_STDLIB = frozenset(
    {"os", "re", "io", "sys", "ast", "codecs", "pathlib", "setuptools", "distutils", "glob"}
    | {"json", "platform", "subprocess", "itertools", "functools", "textwrap", "shlex"}
)
