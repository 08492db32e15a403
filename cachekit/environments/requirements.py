"""pip requirements files read exactly as pip reads them — without running pip or anything else.

A cache restores an environment that ``pip install -r requirements.txt`` built; to say what it
holds we first need what the files ask for, with the file and line of every entry so a finding
can point at it. The line rules follow pip's ``req_file.py`` (pip 26): ``str.splitlines``,
backslash continuations joined onto the first line's number (comment lines never continue), a
``#`` starts a comment only at the line start or after whitespace, the requirement is the text
before the first token starting with ``-``, and the options after it are parsed by ``optparse``
over ``shlex`` tokens (so abbreviations like ``--extra-index`` work as in pip).

Nothing is evaluated: markers stay text, ``${VAR}`` stays symbolic (each entry records the
variables it depends on), local paths are not checked (pip resolves them against the working
directory of the install, which a file does not tell us). Includes (``-r``/``-c``) are followed
through the :class:`~cachekit.fs.trees.Tree`, relative to the including file, as pip does. A line
that cannot be read becomes a :class:`Problem` naming file:line; the rest is still read.
"""

from __future__ import annotations

import codecs
import optparse
import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from ..errors import TreeError
from ..fs.trees import FILE, Tree

__all__ = [
    "EditableRequirement",
    "Entry",
    "Include",
    "Option",
    "Problem",
    "Requirement",
    "RequirementsFile",
    "UrlRequirement",
    "read_requirements",
]

# The expressions pip uses (pip/_internal/req/req_file.py).
_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_ENV_VAR_RE = re.compile(r"\$\{([A-Z0-9_]+)\}")
_SCHEME_RE = re.compile(r"^(http|https|file):", re.I)
_EXTRAS_RE = re.compile(r"^(.+)(\[[^\]]+\])$")
_URL_SCHEMES = frozenset(
    ["http", "https", "file", "ftp"]
    + [f"{vcs}+{s}" for vcs in ("git", "hg", "svn", "bzr") for s in ("http", "https", "file")]
    + ["git", "git+ssh", "git+git", "hg+ssh", "hg+static-http", "svn+ssh", "svn+svn", "bzr+ssh"]
    + ["bzr+sftp", "bzr+ftp", "bzr+lp", "bzr"]
)
_ARCHIVES = (".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma")
_ARCHIVES_MORE = (".tar.gz", ".tgz", ".tar")
_STRONG_HASHES = frozenset(["sha256", "sha384", "sha512"])
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


@dataclass(frozen=True)
class _Located:
    """Where an entry was written: ``line`` is the first physical line of a joined line."""

    file: str
    line: int
    raw: str  # the logical line: continuations joined, comment removed, stripped
    env_vars: tuple[str, ...]  # ${VAR}s the line depends on (pip expands them at install time)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Requirement(_Located):
    """A named requirement from an index: ``name[extras] specifier ; marker``."""

    name: str  # PEP 503 normalised
    specifier: str  # as packaging prints it, "" when any version will do
    extras: tuple[str, ...]
    marker: str  # text, never evaluated; "" when none
    pinned: bool  # exactly one ``==``/``===`` without a wildcard: one version only
    hashes: tuple[str, ...]  # "sha256:…" from --hash
    options: tuple[tuple[str, str], ...]  # (--config-settings, "K=V"), (--global-option, …)
    constraint: bool  # read from a file included with -c: limits versions, installs nothing


@dataclass(frozen=True)
class EditableRequirement(_Located):
    """``-e path_or_url``: installed in place from a source tree, so no version is fixed."""

    target: str  # the path or URL, extras removed
    name: str | None  # normalised, from ``#egg=`` when the target is a URL
    extras: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    constraint: bool


@dataclass(frozen=True)
class UrlRequirement(_Located):
    """A direct reference: a URL, ``name @ url``, or a local path, directory or archive."""

    url: str  # as written (a path stays a path; it is relative to the install's directory)
    name: str | None  # normalised; from ``name @``, ``#egg=`` or a wheel's file name
    extras: tuple[str, ...]
    marker: str
    hashes: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    constraint: bool


@dataclass(frozen=True)
class Include(_Located):
    """``-r file`` (requirements) or ``-c file`` (constraints), and where it leads."""

    kind: str  # "-r" or "-c"
    target: str  # as written
    resolved: str | None  # tree path; None for a URL, ${VAR}, or a path outside the tree
    exists: bool  # ``resolved`` is a file in the tree


@dataclass(frozen=True)
class Option(_Located):
    """A global option: index, find-links, binary choices, hashes mode, trusted hosts, …"""

    flag: str  # the long form: "--index-url", "--no-index", …
    value: str | None  # None for a flag without a value


ProblemKind = Literal[
    "invalid", "unreadable", "not-text", "missing", "outside", "remote", "cycle", "too-deep"
]
"""What kind of problem: a line the parser rejects (``invalid``, the rest still read); a file
that cannot be read (``unreadable``) or decoded (``not-text``); an include whose target is not
in the tree (``missing``), leaves it (``outside``) or is a URL (``remote``); an include
``cycle``; a file nested deeper than cachekit reads (``too-deep``)."""


@dataclass(frozen=True)
class Problem:
    """A line (or file) that cannot be read; the rest is still read."""

    file: str
    line: int  # 0 when the whole file is at fault
    message: str
    kind: ProblemKind = "invalid"

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


Entry = Requirement | EditableRequirement | UrlRequirement | Include | Option


@dataclass(frozen=True)
class RequirementsFile:
    """Everything a requirements file and the files it includes ask pip for, in pip's order."""

    path: str
    entries: tuple[Entry, ...]  # flattened: an included file's entries follow its Include
    files: tuple[str, ...]  # every file read, the top one first
    problems: tuple[Problem, ...]

    @property
    def includes(self) -> tuple[Include, ...]:
        """Every ``-r``/``-c``, in order, each naming the file and line that included it."""
        return tuple(e for e in self.entries if isinstance(e, Include))

    def requirements(self) -> tuple[Requirement | EditableRequirement | UrlRequirement, ...]:
        """The entries that name something to install or constrain."""
        kinds = (Requirement, EditableRequirement, UrlRequirement)
        return tuple(e for e in self.entries if isinstance(e, kinds))

    def unpinned(self) -> tuple[Requirement | EditableRequirement | UrlRequirement, ...]:
        """Requirements whose installed version the file does not fix.

        A named requirement is pinned by one ``==``/``===``; an editable install and a direct
        reference without hashes can change under the same line, so they count as unpinned.
        Constraints are left out: they fix nothing by themselves.
        """
        out: list[Requirement | EditableRequirement | UrlRequirement] = []
        for e in self.requirements():
            if e.constraint:
                continue
            if isinstance(e, Requirement) and e.pinned:
                continue
            if isinstance(e, UrlRequirement) and e.hashes:
                continue
            out.append(e)
        return tuple(out)

    def names(self) -> tuple[str, ...]:
        """Normalised names of everything installed (not constraints), first occurrence order."""
        seen: dict[str, None] = {}
        for e in self.requirements():
            if not e.constraint and e.name:
                seen.setdefault(e.name, None)
        return tuple(seen)


# --- reading ---------------------------------------------------------------------------------


def read_requirements(tree: Tree, path: str) -> RequirementsFile:
    """Read ``path`` (tree-relative) and every file it includes; never raises on bad content."""
    start = _norm(path) or path
    reader = _Reader(tree)
    reader.read_file(start, constraint=False, stack=())
    return RequirementsFile(
        start, tuple(reader.entries), tuple(reader.files), tuple(reader.problems)
    )


def _norm(path: str) -> str | None:
    """A tree-relative path, or None when it leaves the tree."""
    norm = posixpath.normpath(path)
    if norm.startswith(("/", "../")) or norm == "..":
        return None
    return "" if norm == "." else norm


def decode(data: bytes) -> str:
    """Bytes to text as pip's ``auto_decode`` does for the common cases (BOMs, else UTF-8)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    return data.decode("utf-8")


def logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``(first_line, last_line, text)`` of each non-empty logical line, as pip's preprocess."""
    pending: list[str] = []
    first = 0
    number = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.endswith("\\") or _COMMENT_RE.match(line):
            if _COMMENT_RE.match(line):
                line = " " + line  # keeps a comment a comment once joined
            if pending:
                joined, start = "".join([*pending, line]), first
                pending = []
            else:
                joined, start = line, number
            cleaned = _COMMENT_RE.sub("", joined).strip()
            if cleaned:
                yield start, number, cleaned
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        cleaned = _COMMENT_RE.sub("", "".join(pending)).strip()
        if cleaned:
            yield first, number, cleaned


class _OptionError(Exception):
    pass


def _parser(seen: list[tuple[str, str | None]]) -> optparse.OptionParser:
    """pip's requirements-file option parser; every option records ``(long_flag, value)``."""
    parser = optparse.OptionParser(add_help_option=False)

    def record(option: optparse.Option, _opt: str, value: Any, _parser: Any) -> None:
        seen.append((str(option.get_opt_string()), None if value is None else str(value)))

    def add(*flags: str, takes_value: bool = True) -> None:
        kwargs: dict[str, Any] = {"action": "callback", "callback": record}
        if takes_value:
            kwargs.update(type="string", nargs=1)
        parser.add_option(*flags, **kwargs)

    add("-i", "--index-url", "--pypi-url")
    add("--extra-index-url")
    add("--no-index", takes_value=False)
    add("-c", "--constraint")
    add("-r", "--requirement")
    add("-e", "--editable")
    add("-f", "--find-links")
    add("--no-binary")
    add("--only-binary")
    add("--prefer-binary", takes_value=False)
    add("--require-hashes", takes_value=False)
    add("--no-require-hashes", takes_value=False)
    add("--pre", takes_value=False)
    add("--all-releases")
    add("--only-final")
    add("--trusted-host")
    add("--use-feature")
    add("--hash")
    add("-C", "--config-settings")
    add("--global-option")  # removed in pip 25.3; still common in older files

    def fail(msg: str) -> NoReturn:
        raise _OptionError(msg)

    parser.error = fail  # type: ignore[method-assign]
    return parser


def _split(line: str) -> tuple[str, str]:
    """pip's ``break_args_options``: the requirement, then the options from the first ``-``."""
    tokens = line.split(" ")
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:i]), " ".join(tokens[i:])
    return line, ""


def _is_url(text: str) -> bool:
    return ":" in text and text.split(":", 1)[0].lower() in _URL_SCHEMES


def _looks_like_path(text: str) -> bool:
    return "/" in text or text.startswith(".")


def _extras(text: str) -> tuple[str, tuple[str, ...]]:
    m = _EXTRAS_RE.match(text)
    if not m:
        return text, ()
    try:
        parsed = PackagingRequirement("placeholder" + m.group(2).lower())
    except InvalidRequirement:
        return text, ()
    return m.group(1), tuple(sorted(canonicalize_name(x) for x in parsed.extras))


def _name_from_url(url: str) -> tuple[str | None, tuple[str, ...]]:
    """A URL's project name: ``#egg=name[extras]``, else a wheel file name; else None."""
    egg = re.search(r"[#&]egg=([^&]*)", url)
    if egg:
        name, extras = _extras(egg.group(1))
        return (canonicalize_name(name) if name else None), extras
    filename = url.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]
    if filename.endswith(".whl"):
        try:
            return str(parse_wheel_filename(filename)[0]), ()
        except InvalidWheelFilename:
            return None, ()
    return None, ()


class _Reader:
    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.entries: list[Entry] = []
        self.files: list[str] = []
        self.problems: list[Problem] = []
        self._done: set[tuple[str, bool]] = set()

    def read_file(self, path: str, *, constraint: bool, stack: tuple[str, ...]) -> None:
        self._done.add((path, constraint))
        if path not in self.files:
            self.files.append(path)
        try:
            data = self.tree.read(path)
        except (TreeError, OSError, ValueError) as exc:  # ValueError: a NUL in the name
            self.problems.append(Problem(path, 0, f"cannot read: {exc}", "unreadable"))
            return
        try:
            text = decode(data)
        except UnicodeDecodeError as exc:
            self.problems.append(
                Problem(path, 0, f"not UTF-8 text: {exc.reason} at {exc.start}", "not-text")
            )
            return
        for first, _last, line in logical_lines(text):
            self._line(path, first, line, constraint, (*stack, path))

    def _line(
        self, path: str, number: int, line: str, constraint: bool, stack: tuple[str, ...]
    ) -> None:
        env_vars = tuple(dict.fromkeys(_ENV_VAR_RE.findall(line)))
        at = (path, number, line, env_vars)
        args, options_text = _split(line)
        seen: list[tuple[str, str | None]] = []
        try:
            _parser(seen).parse_args(shlex.split(options_text))
        except (_OptionError, ValueError) as exc:
            self.problems.append(Problem(path, number, f"invalid options: {exc}"))
            return
        req_options = [
            (f, v or "") for f, v in seen if f in ("--config-settings", "--global-option")
        ]
        hashes: list[str] = []
        for flag, value in seen:
            if flag == "--hash" and value is not None:
                algo, sep, digest = value.partition(":")
                if not sep or algo not in _STRONG_HASHES or not digest:
                    self.problems.append(Problem(path, number, f"invalid --hash {value!r}"))
                    return
                hashes.append(value)
            elif flag == "--config-settings" and "=" not in (value or ""):
                self.problems.append(Problem(path, number, f"--config-settings {value!r}: no '='"))
                return
        editables = [v for f, v in seen if f == "--editable" and v is not None]
        if args:
            self._ignored(path, number, seen, {"--hash", "--config-settings", "--global-option"})
            self._requirement(at, args, tuple(hashes), tuple(req_options), constraint)
        elif editables:
            self._ignored(path, number, seen, {"--editable", "--config-settings"})
            target = editables[0]
            extras: tuple[str, ...]
            if _is_url(target):
                name, extras = _name_from_url(target)
            else:
                target, extras = _extras(target)
                name = None
            self.entries.append(
                EditableRequirement(*at, target, name, extras, tuple(req_options), constraint)
            )
        else:
            self._options(at, seen, constraint, stack)

    def _ignored(
        self, path: str, number: int, seen: list[tuple[str, str | None]], ok: set[str]
    ) -> None:
        for flag in dict.fromkeys(f for f, _ in seen if f not in ok):
            self.problems.append(Problem(path, number, f"pip ignores {flag} on a requirement line"))

    def _requirement(
        self,
        at: tuple[str, int, str, tuple[str, ...]],
        args: str,
        hashes: tuple[str, ...],
        options: tuple[tuple[str, str], ...],
        constraint: bool,
    ) -> None:
        path, number = at[0], at[1]
        text = args
        sep = "; " if _is_url(text) else ";"
        marker = ""
        if sep in text:
            text, marker = text.split(sep, 1)
            marker = marker.strip()
        text = text.strip()
        if marker:
            try:
                Marker(marker)
            except InvalidMarker as exc:
                first = str(exc).splitlines()[0]
                self.problems.append(Problem(path, number, f"invalid marker {marker!r}: {first}"))
                return
        if _is_url(text):
            name, extras = _name_from_url(text)
            self.entries.append(
                UrlRequirement(*at, text, name, extras, marker, hashes, options, constraint)
            )
            return
        base, extras = _extras(text)
        before_at = text.split("@", 1)
        named_url = len(before_at) == 2 and not _looks_like_path(before_at[0])
        if not named_url and (
            _looks_like_path(text) or base.lower().endswith(_ARCHIVES + _ARCHIVES_MORE)
        ):
            name, _ = _name_from_url(base)
            self.entries.append(
                UrlRequirement(*at, base, name, extras, marker, hashes, options, constraint)
            )
            return
        try:
            req = PackagingRequirement(text)
        except InvalidRequirement as exc:
            message = str(exc).splitlines()[0]
            if at[3]:
                message += f" (the line depends on ${{{at[3][0]}}}, which pip expands)"
            self.problems.append(Problem(path, number, f"invalid requirement {text!r}: {message}"))
            return
        name = canonicalize_name(req.name)
        extras = tuple(sorted(canonicalize_name(x) for x in req.extras))
        if req.url:
            self.entries.append(
                UrlRequirement(*at, req.url, name, extras, marker, hashes, options, constraint)
            )
            return
        specs = list(req.specifier)
        pinned = (
            len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
        )
        self.entries.append(
            Requirement(
                *at, name, str(req.specifier), extras, marker, pinned, hashes, options, constraint
            )
        )

    def _options(
        self,
        at: tuple[str, int, str, tuple[str, ...]],
        seen: list[tuple[str, str | None]],
        constraint: bool,
        stack: tuple[str, ...],
    ) -> None:
        path, number = at[0], at[1]
        # pip follows one include per line: the first -r, else the first -c.
        includes = [(f, v) for f, v in seen if f == "--requirement" and v is not None]
        includes += [(f, v) for f, v in seen if f == "--constraint" and v is not None]
        for flag, value in seen:
            if flag not in ("--requirement", "--constraint"):
                self.entries.append(Option(*at, flag, value))
        if not includes:
            return
        flag, target = includes[0]
        kind = "-r" if flag == "--requirement" else "-c"
        resolved = None
        if not _SCHEME_RE.search(target) and not _ENV_VAR_RE.search(target):
            joined = target
            if not target.startswith("/"):
                joined = posixpath.join(posixpath.dirname(path), target)
            elif target.startswith(self.tree.workspace.rstrip("/") + "/"):
                joined = target[len(self.tree.workspace.rstrip("/")) + 1 :]
            resolved = _norm(joined)
        exists = False
        if resolved:
            try:
                exists = self.tree.stat(resolved) == FILE
            except (TreeError, OSError, ValueError):  # ValueError: a NUL in the name
                exists = False
        self.entries.append(Include(*at, kind, target, resolved, exists))
        if resolved is None:
            if not at[3]:
                remote = bool(_SCHEME_RE.search(target))
                why = "a URL (not fetched)" if remote else "outside the tree"
                self.problems.append(
                    Problem(
                        path, number, f"{kind} {target}: {why}", "remote" if remote else "outside"
                    )
                )
            return
        if not exists:
            self.problems.append(
                Problem(path, number, f"{kind} {target}: {resolved} not found", "missing")
            )
            return
        if resolved in stack:
            cycle = " -> ".join([*stack[stack.index(resolved) :], resolved])
            self.problems.append(Problem(path, number, f"include cycle: {cycle}", "cycle"))
            return
        nested_constraint = kind == "-c"
        if (resolved, nested_constraint) in self._done:
            return  # read already (a diamond): its entries are listed once
        self.read_file(resolved, constraint=nested_constraint, stack=stack)
