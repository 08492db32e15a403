"""What earlier steps of a job create in the workspace, and which ``hashFiles`` reach it.

``hashFiles`` hashes the workspace as it is when the step runs, not the commit. A file a
``run:`` command writes (``date +%U > week.txt``, ``pip freeze | tee lock.txt``, ``cp a b``)
or a directory a cache step restores into the workspace (a module cache under
``${{ github.workspace }}``) is there at run time only: cachekit cannot hash it, and a key
that hashes it rotates with what the command writes or the cache restored.

Scripts are read with :mod:`cachekit.shell` (bash: redirections with their target words,
simple commands with their words); PowerShell and cmd scripts are not read for writes (their
files stay unknown to this module, and findings are not made from them).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from ..environments.paths import classify_path
from ..errors import CachekitError
from ..explain.findings import calendar_period
from ..explain.model import CacheReport, Generated
from ..hashing.globbing import GlobSyntax, MatchKind, PatternSet
from ..shell import Lines, Tok, Word, assignment, command_name, dialect_of, lex, one_line
from ..shell.argv import parse, spec
from ..shell.structure import walk_bash
from ..yamlsource import Mark

__all__ = ["JobArtifacts", "reaching", "restored_into_workspace", "written_by"]

# ${{ github.workspace }} (unknown offline, left as written), $GITHUB_WORKSPACE, and a rendered
# unknown (a cache path): all name the workspace root.
_WORKSPACE: Final = re.compile(
    r"^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?|‹github\.workspace›)(?=/|$)"
)
_MAY_WRITE: Final = re.compile(r">|\b(?:tee|touch|cp|mv)\b")  # else nothing to read
_WRITES: Final = frozenset({">", ">>", ">|", "&>", "&>>"})
_OPTIONS: Final = {
    "tee": spec("", "--append --ignore-interrupts", "a=--append i=--ignore-interrupts"),
    "touch": spec("--date --reference", "", "d=--date r=--reference t=--time"),
    "cp": spec("--target-directory --suffix", "", "t=--target-directory S=--suffix"),
    "mv": spec("--target-directory --suffix", "", "t=--target-directory S=--suffix"),
}


@dataclass
class _State:
    cwd: str | None  # workspace-relative; None when a `cd` went somewhere not known
    commands: list[tuple[int, int, str | None]] = field(default_factory=list)

    def copy(self) -> _State:
        return _State(self.cwd, self.commands)


def _relative(path: str, cwd: str | None, workspace: str) -> str | None:
    """``path`` as a workspace-relative path (``""``: the workspace itself), or None: outside
    it, or not known offline (an expansion, a wildcard, a ``cd`` to an unknown place)."""
    path = _WORKSPACE.sub(workspace, path)
    if not path or re.search(r"[$`*?\[\\‹]", path) or path.startswith(("~", "/dev/")):
        return None  # an expansion, a wildcard, a Windows path, an unknown part: not known
    if re.match(r"[A-Za-z]:", path):
        return None  # C:/…: a Windows absolute path (the workspace is not modelled there)
    if path.startswith("/"):
        if path != workspace and not path.startswith(workspace + "/"):
            return None
        rel = path[len(workspace) + 1 :]
    elif cwd is None:
        return None
    else:
        rel = posixpath.join(cwd, path) if cwd else path
    rel = posixpath.normpath(rel) if rel else "."
    if rel == ".." or rel.startswith("../"):
        return None
    return "" if rel == "." else rel


class _Reader:
    """One script's writes, by the simple commands and redirections of its tokens."""

    def __init__(self, src: str, workspace: str, is_dir: Callable[[str], bool] | None) -> None:
        self.src = src
        self.workspace = workspace
        self.is_dir = is_dir
        self.out: list[tuple[str, str, int]] = []  # (path, command text, offset)

    def add(self, word: str, cwd: str | None, text: str, offset: int) -> None:
        rel = _relative(word, cwd, self.workspace)
        if rel:
            self.out.append((rel, text, offset))

    def simple(self, words: list[Word], start: int, end: int, state: _State) -> None:
        state.commands.append((start, end, state.cwd))
        while words and assignment(words[0]) is not None:
            words = words[1:]
        if words and words[0].value == "sudo":
            words = words[1:]
        if not words:
            return
        name = command_name(words[0].value)
        args = [w.value for w in words[1:]]
        text = one_line(self.src[start:end], "bash")
        if name == "cd":
            target = args[0] if args else ""
            state.cwd = _relative(target, state.cwd, self.workspace) if target != "-" else None
            return
        options = _OPTIONS.get(name)
        if options is None:
            return
        parsed = parse(args, options)
        if name in ("tee", "touch"):
            for path in parsed.positionals:
                self.add(path, state.cwd, text, start)
            return
        self._copy(parsed.positionals, dict(parsed.options), state.cwd, text, start)

    def _copy(
        self,
        positionals: list[str],
        options: dict[str, str | None],
        cwd: str | None,
        text: str,
        start: int,
    ) -> None:
        """``cp``/``mv``: the destination, or each source's name inside a destination
        directory (``-t DIR``, several sources, a trailing ``/``, or a directory at rest)."""
        target_dir = options.get("--target-directory")
        sources = positionals if target_dir else positionals[:-1]
        dest = target_dir or (positionals[-1] if len(positionals) >= 2 else None)
        if dest is None or not sources:
            return
        rel = _relative(dest, cwd, self.workspace)
        into = bool(target_dir) or len(sources) > 1 or dest.endswith("/")
        if rel is not None and (into or (self.is_dir is not None and self.is_dir(rel))):
            for source in sources:
                self.add(
                    posixpath.join(dest, posixpath.basename(source.rstrip("/"))), cwd, text, start
                )
            return
        self.add(dest, cwd, text, start)

    def redirects(self, toks: Iterable[Tok], state: _State, base: str | None) -> None:
        for tok in toks:
            if isinstance(tok, Word):
                for sub in tok.subs:
                    self.redirects(sub, state, base)
                continue
            if tok.op != "redir" or tok.redirect not in _WRITES or tok.target is None:
                continue
            around = [c for c in state.commands if c[0] <= tok.start < c[1]]
            start, end, cwd = around[-1] if around else (tok.start, tok.end, base)
            self.add(tok.target.value, cwd, one_line(self.src[start:end], "bash"), start)


def written_by(
    run: str | None,
    mark: Mark,
    workspace: str,
    *,
    shell: str | None = None,
    working_directory: str | None = None,
    is_dir: Callable[[str], bool] | None = None,
) -> list[Generated]:
    """The workspace files a ``run:`` script (bash) writes, in text order.

    ``run`` is the script as written (``${{ github.workspace }}`` is the workspace; any other
    expression is not known, and a path with one is not claimed); ``workspace`` the absolute
    workspace path ``hashFiles`` patterns are rooted at; ``is_dir(rel)`` whether a path is a
    directory in the commit (``cp a dir``)."""
    if run is None or not _MAY_WRITE.search(run):
        return []
    dialect, _ = dialect_of(shell)
    if dialect != "bash":
        return []
    src = run.replace("\r\n", "\n")
    lines = Lines(src)
    toks = lex(src, "bash", lines, [])
    base = _relative(working_directory or ".", "", workspace)
    if base is None:
        return []  # a working directory outside the workspace or not known offline
    state = _State(base)
    reader = _Reader(src, workspace, is_dir)
    walk_bash(toks, state, reader.simple)
    reader.redirects(toks, state, base)
    found: dict[str, Generated] = {}
    for path, text, offset in sorted(reader.out, key=lambda item: item[2]):
        where = f"{mark.path}:{mark.line}, script line {lines.line(offset)}"
        found.setdefault(path, Generated(path, text, where, period=calendar_period(text)))
    return list(found.values())


# What a restored package store is known to hold, one per package: a pattern over these names
# that walks into the store hashes its packages' files too (the Go module cache extracts each
# module with its go.mod and go.sum; node_modules has a package.json per package). Other
# directories (a build's target/, a tool's cache file) hold nothing a manifest pattern matches.
_HOLDS: Final = {
    ("go", "download-cache"): ("go.mod", "go.sum"),
    ("node", "built-env"): ("package.json",),
    ("rust", "download-cache"): ("Cargo.toml",),
}


def _holds(path: str, rel: str, env: Mapping[str, str], workspace: str) -> tuple[str, ...]:
    """The manifest names the restored ``path`` holds per package (``()``: none known)."""
    gomodcache = env.get("GOMODCACHE")
    if gomodcache and _relative(gomodcache, "", workspace) == rel:
        return _HOLDS["go", "download-cache"]
    if rel == "pkg/mod" or rel.endswith("/pkg/mod"):  # $GOPATH/pkg/mod
        return _HOLDS["go", "download-cache"]
    c = classify_path(path, env=env)
    return _HOLDS.get((c.ecosystem or "", c.kind), ())


def restored_into_workspace(
    report: CacheReport, workspace: str, env: Mapping[str, str] | None = None
) -> list[Generated]:
    """The package stores a restoring cache step puts in the workspace (paths written without
    wildcards; ``~`` and absolute paths outside the workspace are elsewhere), with the
    manifest files they hold per package; a directory not known to hold any is left out."""
    if report.kind == "save-only":
        return []
    out = []
    for raw in report.paths:
        path = raw.strip()
        rel = _relative(path, "", workspace)
        holds = _holds(path, rel, dict(env or {}), workspace) if rel else ()
        if rel and holds and not path.startswith("!"):
            where = f"{report.mark.path}:{report.mark.line}"
            out.append(Generated(rel, report.uses, where, restored=True, holds=holds))
    return out


def reaching(
    patterns: Sequence[str],
    generated: Sequence[Generated],
    workspace: str,
    *,
    windows: bool = False,
) -> tuple[Generated, ...]:
    """What of ``generated`` the ``hashFiles`` patterns match at run time: a written file
    the patterns match, or a restored package store whose packages' manifests they match."""
    if not generated or not patterns:
        return ()
    sep = "\r\n" if windows else "\n"
    try:
        ps = PatternSet(sep.join(patterns), workspace=workspace, syntax=GlobSyntax(windows=windows))
    except CachekitError:  # a pattern the runner rejects: reported as hashfiles-fails
        return ()
    root = ps.advance_path(ps.start_states(), ["", *workspace.split("/")[1:]])
    hits = []
    for item in generated:
        states = ps.advance_path(root, item.path.split("/"))
        if item.restored:
            # a package's manifest one or three directories down (node_modules/x/package.json,
            # a module cache's example.com/owner/m@v1.0.0/go.sum)
            inside = (["p"], ["example.com", "owner", "m@v1.0.0"])
            if any(
                ps.kind(ps.advance_path(states, [*below, name])) & MatchKind.FILE
                for below in inside
                for name in item.holds
            ):
                hits.append(item)
        elif ps.kind(states) & MatchKind.FILE:
            hits.append(item)
    return tuple(hits)


def _literal_tail(pattern: str) -> str:
    """The longest wildcard-free run of a pattern's last segment (``**/*requirements*.txt`` →
    ``requirements``): a script that writes a file the pattern matches names that text."""
    last = pattern.rstrip("/").rsplit("/", 1)[-1]
    runs = re.split(r"[*?\[\]{}!]+", last)
    return max(runs, key=len) if runs else ""


@dataclass
class _Entry:
    """One earlier step: its script (read on demand) or a restoring cache report."""

    run: str | None = None
    mark: Mark | None = None
    shell: str | None = None
    working_directory: str | None = None
    report: CacheReport | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    made: list[Generated] | None = None  # once read


class JobArtifacts:
    """What the steps of one job so far create in the workspace, read lazily: a script only
    when a later ``hashFiles`` pattern's literal text occurs in it, a cache report's paths
    only when a ``hashFiles`` comes after it (most jobs never need either)."""

    def __init__(self, workspace: str, is_dir: Callable[[str], bool] | None = None) -> None:
        self.workspace = workspace
        self.is_dir = is_dir
        self.entries: list[_Entry] = []

    def add_script(
        self, run: str | None, mark: Mark, shell: str | None, working_directory: str | None
    ) -> None:
        if run is not None and _MAY_WRITE.search(run):
            self.entries.append(_Entry(run, mark, shell, working_directory))

    def add_restore(self, report: CacheReport, env: Mapping[str, str]) -> None:
        if report.kind != "save-only":
            self.entries.append(_Entry(report=report, env=env))

    def _made(self, entry: _Entry) -> list[Generated]:
        if entry.made is None:
            if entry.report is not None:
                entry.made = restored_into_workspace(entry.report, self.workspace, entry.env)
            else:
                assert entry.mark is not None
                entry.made = written_by(
                    entry.run,
                    entry.mark,
                    self.workspace,
                    shell=entry.shell,
                    working_directory=entry.working_directory,
                    is_dir=self.is_dir,
                )
        return entry.made

    def reaching(self, patterns: Sequence[str], *, windows: bool = False) -> tuple[Generated, ...]:
        """What the earlier steps create that ``patterns`` reach (see :func:`reaching`)."""
        if not self.entries or not patterns:
            return ()
        tails = [_literal_tail(p) for p in patterns if not p.startswith("!")]
        items: dict[str, Generated] = {}
        for entry in self.entries:
            if entry.run is not None and all(len(t) >= 3 and t not in entry.run for t in tails):
                continue  # the script names no file these patterns could match
            for item in self._made(entry):
                items.setdefault(item.path, item)
        return reaching(patterns, list(items.values()), self.workspace, windows=windows)
