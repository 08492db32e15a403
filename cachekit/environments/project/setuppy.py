"""setup.py evaluated statically: names bound to literals, paths, and the setup() call found.

Only :mod:`ast` and literals: a setup.py may do anything when run, and analysing a repository
must never run its code.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeGuard

from .model import _Builder
from .setupcfg import _LINE_BREAK

_SETUP_MODULES = frozenset(["setuptools", "distutils.core", "skbuild", "numpy.distutils.core"])
_OPEN = frozenset(["open", "io.open", "codecs.open"])
_PATH_READERS = frozenset(["read_text", "read_bytes", "open"])
_JOINS = frozenset(["os.path.join", "path.join", "join", "posixpath.join"])
_PATHS = frozenset(["Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PurePosixPath"])
_DIRNAMES = frozenset(["os.path.dirname", "path.dirname", "dirname"])
_IDENTITY = frozenset(
    {"os.path.abspath", "os.path.realpath", "os.path.normpath", "abspath", "realpath"}
    | {"path.abspath", "path.realpath", "str", "os.fspath"}
)
_CWD = frozenset(["os.getcwd", "Path.cwd", "pathlib.Path.cwd", "getcwd"])
_REQ_FILE = re.compile(r"\.(txt|in)$", re.I)  # what a requirements file is called
_MAX_DEPTH = 8


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name; None otherwise."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _snippet(node: ast.AST, limit: int = 80) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _Items:
    """A list-valued expression read statically: its literal strings and what was computed."""

    strings: list[tuple[str, int]] = field(default_factory=list)
    computed: list[ast.expr] = field(default_factory=list)

    def __iadd__(self, other: _Items) -> _Items:
        self.strings += other.strings
        self.computed += other.computed
        return self


_Function = ast.FunctionDef | ast.AsyncFunctionDef
Env = dict[str, "ast.expr | str | tuple[str, ...] | None"]


class _Scope:
    """Names bound in a block (not inside nested functions or classes): the last binding wins."""

    def __init__(self, body: list[ast.stmt]) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.with_bound: dict[str, ast.expr] = {}
        self.imported: dict[str, str] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.changed: dict[str, list[ast.AST]] = {}
        for stmt in body:
            self._visit(stmt)

    def _visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.functions[node.name] = node
            return
        if isinstance(node, ast.ClassDef):
            return
        self._bind(node)
        for child in ast.iter_child_nodes(node):
            self._visit(child)

    def _bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name):
                self.assigned.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            self.changed.setdefault(node.target.id, []).append(node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    self.with_bound[item.optional_vars.id] = item.context_expr
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.imported[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                self.imported[alias.asname or alias.name] = f"{node.module or ''}.{alias.name}"
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self._call_changes(node, node.value)

    def _call_changes(self, node: ast.Expr, call: ast.Call) -> None:
        """``x.append(…)``-style changes, and ``exec(code, x)`` filling a namespace."""
        if _dotted(call.func) in ("exec", "execfile") and len(call.args) > 1:
            for arg in call.args[1:]:
                if isinstance(arg, ast.Name):
                    self.changed.setdefault(arg.id, []).append(node)
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.attr in ("append", "extend", "insert", "update", "remove")
        ):
            self.changed.setdefault(func.value.id, []).append(node)


class _SetupPy:
    """The static reading of one setup.py."""

    def __init__(self, module: ast.Module, path: str, builder: _Builder) -> None:
        self.path = path
        self.builder = builder
        self.scopes = [_Scope(module.body)]
        self.module = module
        self._active: set[str] = set()

    # --- finding setup() ---

    def setup_names(self) -> tuple[set[str], set[str]]:
        """Local names of setup() and of the modules that provide it."""
        names: set[str] = set()
        modules: set[str] = set()
        for node in ast.walk(self.module):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "setup":
                        names.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in _SETUP_MODULES:
                        modules.add(alias.asname or alias.name)
        return names or {"setup"}, modules

    def find_setup(self) -> tuple[ast.Call, list[_Function]] | None:
        names, modules = self.setup_names()
        found: list[tuple[int, int, ast.Call, list[_Function]]] = []
        for call, chain in _calls(self.module, []):
            func = call.func
            hit = isinstance(func, ast.Name) and func.id in names
            if isinstance(func, ast.Attribute) and func.attr == "setup":
                hit = hit or (_dotted(func.value) or "") in modules
            if hit:
                found.append((call.lineno, call.col_offset, call, chain))
        if not found:
            return None
        _, _, call, chain = min(found, key=lambda f: (f[0], f[1]))
        return call, chain

    # --- name lookup ---

    def binding(self, name: str, *, with_items: bool = False) -> ast.expr | None:
        """The last expression assigned to ``name`` (with ``with_items``: or the context
        manager a ``with … as name`` binds, which is what a file read goes through)."""
        for scope in reversed(self.scopes):
            values = scope.assigned.get(name)
            if values:
                return values[-1]
            if with_items and name in scope.with_bound:
                return scope.with_bound[name]
        return None

    def changed(self, name: str) -> list[ast.AST]:
        return [n for scope in self.scopes for n in scope.changed.get(name, [])]

    def imported(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope.imported:
                return scope.imported[name]
        return None

    def function(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for scope in reversed(self.scopes):
            if name in scope.functions:
                return scope.functions[name]
        return None

    def _follow(self, name: str, *, with_items: bool = False) -> ast.expr | None:
        """The expression bound to ``name``, guarding against ``a = b; b = a`` loops."""
        if name in self._active or len(self._active) > _MAX_DEPTH:
            return None
        return self.binding(name, with_items=with_items)

    # --- static values ---

    def string(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            bound = self._follow(node.id)
            if bound is not None:
                self._active.add(node.id)
                try:
                    return self.string(bound)
                finally:
                    self._active.discard(node.id)
        return None

    def items(self, node: ast.expr, *, top: bool = True) -> _Items:
        """A list of requirement strings; a top-level string is split into lines."""
        out = _Items()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if not top:
                out.strings.append((node.value, node.lineno))
                return out
            # A string setuptools splits into lines: a literal spanning several lines has one
            # per line from its first; escapes ("a\\nb") keep every entry on the literal's line.
            spans = node.end_lineno is not None and node.end_lineno > node.lineno
            pos = 0
            for piece in node.value.splitlines(keepends=True):  # as setuptools splits it
                before = len(_LINE_BREAK.findall(node.value, 0, pos)) if spans else 0
                out.strings.append((piece.splitlines()[0] if piece else "", node.lineno + before))
                pos += len(piece)
            return out
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                inner = element.value if isinstance(element, ast.Starred) else element
                out += self.items(inner, top=isinstance(element, ast.Starred))
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            out += self.items(node.left, top=top)
            out += self.items(node.right, top=top)
            return out
        if _is_call(node, ("list", "tuple", "sorted")) and len(node.args) == 1:
            return self.items(node.args[0], top=top)
        if isinstance(node, ast.Name):
            bound = self._follow(node.id)
            if bound is not None:
                self._active.add(node.id)
                try:
                    return self.items(bound, top=top)
                finally:
                    self._active.discard(node.id)
        out.computed.append(node)
        return out

    def mapping(self, node: ast.expr) -> tuple[dict[str, tuple[_Items, int]], list[ast.expr]]:
        """A dict of lists (extras_require): ``{key: (items, line)}`` and computed parts."""
        entries: dict[str, tuple[_Items, int]] = {}
        computed: list[ast.expr] = []
        pairs: list[tuple[ast.expr | None, ast.expr]] = []
        if isinstance(node, ast.Dict):
            pairs = list(zip(node.keys, node.values, strict=True))
        elif _is_call(node, ("dict",)) and not node.args:
            pairs = [
                (None if k.arg is None else ast.Constant(k.arg), k.value) for k in node.keywords
            ]
        elif isinstance(node, ast.Name) and (bound := self._follow(node.id)) is not None:
            self._active.add(node.id)
            try:
                return self.mapping(bound)
            finally:
                self._active.discard(node.id)
        else:
            return entries, [node]
        for key, value in pairs:
            if key is None:  # {**other}
                more, extra = self.mapping(value)
                entries.update(more)
                computed += extra
                continue
            name = self.string(key)
            if name is None:
                computed.append(value)
                continue
            entries[name] = (self.items(value), getattr(key, "lineno", value.lineno))
        return entries, computed

    # --- files read by computed values ---

    def reads(self, node: ast.AST, env: Env, depth: int = 0) -> list[str]:
        """Files a computed expression reads, when their names are written literally."""
        found: list[str] = []
        if depth > _MAX_DEPTH:
            return found
        for child in ast.walk(node):
            if isinstance(child, ast.Call):
                found += self._call_reads(child, env, depth)
            elif isinstance(child, ast.Name) and child.id not in env:
                found += self._name_reads(child.id, env, depth)
        return list(dict.fromkeys(found))

    def _name_reads(self, name: str, env: Env, depth: int) -> list[str]:
        """What a name's binding reads, and what the statements changing it read
        (``exec(f.read(), about)`` fills ``about`` from a file)."""
        bound = self._follow(name, with_items=True)
        if name in self._active or (bound is None and not self.changed(name)):
            return []
        self._active.add(name)
        try:
            found: list[str] = []
            for node in [bound, *self.changed(name)]:
                if node is not None and not isinstance(node, ast.Constant):
                    found += self.reads(node, env, depth + 1)
            return found
        finally:
            self._active.discard(name)

    def _call_reads(self, call: ast.Call, env: Env, depth: int) -> list[str]:
        func = call.func
        name = _dotted(func)
        if name in _OPEN and call.args:
            path = self.path_of(call.args[0], env)
            return [path] if path else []
        if isinstance(func, ast.Attribute) and func.attr in _PATH_READERS:
            path = self.path_of(func.value, env)
            if path:
                return [path]
        function = self.function(name) if name else None
        if function is not None and function.name not in self._active:
            inner = self._arguments(function, call, env)
            self._active.add(function.name)
            try:
                return self.reads(ast.Module(function.body, []), inner, depth + 1)
            finally:
                self._active.discard(function.name)
        out: list[str] = []
        if name in _JOINS or name in _PATHS:
            return out
        for arg in call.args:  # e.g. pip's parse_requirements("requirements.txt")
            text = self.path_of(arg, env) if isinstance(arg, ast.Constant) else None
            if text and _REQ_FILE.search(text):
                out.append(text)
        return out

    def _arguments(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, env: Env
    ) -> Env:
        """The callee's parameters bound to what the call passes (paths, tuples of paths)."""
        values: list[str | None] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                spread = env.get(arg.value.id) if isinstance(arg.value, ast.Name) else None
                if not isinstance(spread, tuple):
                    values.append(None)
                    break
                values += list(spread)
            else:
                values.append(self.path_of(arg, env))
        args = function.args
        params = [a.arg for a in [*args.posonlyargs, *args.args]]
        inner: Env = {}
        defaults = [None] * (len(params) - len(args.defaults)) + list(args.defaults)
        for i, param in enumerate(params):
            if i < len(values):
                inner[param] = values[i]
            else:
                default = defaults[i]
                inner[param] = self.path_of(default, {}) if default is not None else None
        for kw in call.keywords:
            if kw.arg is not None:
                inner[kw.arg] = self.path_of(kw.value, env)
        if args.vararg is not None:
            rest = values[len(params) :]
            known = [v for v in rest if v is not None]
            inner[args.vararg.arg] = tuple(known) if len(known) == len(rest) else None
        for stmt in ast.walk(ast.Module(function.body, [])):
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name) and target.id not in inner:
                    inner[target.id] = stmt.value
        return inner

    def path_of(self, node: ast.expr, env: Env, depth: int = 0) -> str | None:
        """A path built from literals, relative to setup.py's directory ("" is that directory).

        ``__file__`` is ``setup.py`` and the working directory is the project's, as when pip
        runs setup.py; ``os.path.join``, ``pathlib`` ``/`` and ``dirname`` are followed.
        """
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self._name_path(node.id, env, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._join([node.left, node.right], env, depth)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.path_of(node.value, env, depth + 1)
            return None if inner is None else posixpath.dirname(inner.rstrip("/"))
        if not isinstance(node, ast.Call):
            return None
        name = _dotted(node.func) or ""
        if name in _CWD:
            return ""
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return self.path_of(node.func.value, env, depth + 1)
        if name in _JOINS or name in _PATHS:
            return self._join(node.args, env, depth)
        if len(node.args) == 1 and (name in _DIRNAMES or name in _IDENTITY):
            inner = self.path_of(node.args[0], env, depth + 1)
            if inner is None or name in _IDENTITY:
                return inner
            return posixpath.dirname(inner.rstrip("/"))
        return None

    def _name_path(self, name: str, env: Env, depth: int) -> str | None:
        if name == "__file__":
            return "setup.py"
        if name in env:
            value = env[name]
            if isinstance(value, ast.expr):
                return self.path_of(value, {k: v for k, v in env.items() if k != name}, depth + 1)
            return value if isinstance(value, str) else None
        bound = self._follow(name)
        if bound is None:
            return None
        self._active.add(name)
        try:
            return self.path_of(bound, env, depth + 1)
        finally:
            self._active.discard(name)

    def _join(self, parts: list[ast.expr], env: Env, depth: int) -> str | None:
        out = ""
        for part in parts:
            if isinstance(part, ast.Starred):
                spread = env.get(part.value.id) if isinstance(part.value, ast.Name) else None
                if not isinstance(spread, tuple):
                    return None
                for each in spread:
                    out = posixpath.join(out, each)
                continue
            piece = self.path_of(part, env, depth + 1)
            if piece is None:
                return None
            out = posixpath.join(out, piece)
        return out


def _calls(node: ast.AST, chain: list[_Function]) -> Iterator[tuple[ast.Call, list[_Function]]]:
    """Every call under ``node``, with the functions that enclose it (outermost first)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _calls(child, [*chain, child])
            continue
        if isinstance(child, ast.Call):
            yield child, chain
        yield from _calls(child, chain)


def _is_call(node: ast.expr, names: tuple[str, ...]) -> TypeGuard[ast.Call]:
    """A call of one of ``names`` with keyword arguments only, or one positional one."""
    return isinstance(node, ast.Call) and _dotted(node.func) in names and len(node.args) <= 1
