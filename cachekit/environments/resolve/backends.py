"""The pip-compile and ``uv pip compile`` command lines, and reading what they print."""

import os
import re
import sys
from collections.abc import Iterable
from typing import Final

from packaging.utils import canonicalize_name

from .materialise import _Plan
from .request import Pin, ResolveRequest, _exclude_newer, _Target


def _command(
    request: ResolveRequest, target: _Target, plan: _Plan, cache: str, out: str, uv: str | None
) -> list[str]:
    index: list[str] = []
    if request.index_url:
        index += ["--index-url", request.index_url]
    for url in request.extra_index_urls:
        index += ["--extra-index-url", url]
    for location in request.find_links:
        index += ["--find-links", location]
    if request.no_index:
        index.append("--no-index")
    constraints = [a for c in plan.constraints for a in ("--constraint", c)]
    newer = _exclude_newer(request.exclude_newer) if request.exclude_newer else None
    if request.backend == "uv":
        assert uv is not None
        argv = [uv, "pip", "compile", "--no-config", "--no-header", "--color", "never"]
        argv += ["--no-progress", "--annotation-style", "split", "--python", sys.executable]
        argv += ["--cache-dir", os.path.join(cache, "uv"), "--output-file", out]
        if target.python_flag:
            argv += ["--python-version", target.python_flag]
        if target.platform_flag:
            argv += ["--python-platform", target.platform_flag]
        if newer:
            argv += ["--exclude-newer", newer]
        if not request.allow_build:
            argv.append("--no-build")  # wheels only: no setup.py of a dependency runs
        return [*argv, *index, *constraints, *plan.requirements]
    argv = [sys.executable, "-m", "piptools", "compile", "--quiet", "--no-config", "--no-header"]
    argv += ["--allow-unsafe", "--strip-extras", "--annotation-style", "split", "--newline", "lf"]
    argv += ["--cache-dir", os.path.join(cache, "pip-tools"), "--output-file", out]
    if newer:
        argv += ["--uploaded-prior-to", newer]
    if not request.allow_build:
        argv += ["--pip-args", "--only-binary :all:"]
    return [*argv, *index, *constraints, *plan.requirements]


def _shown(argv: Iterable[str], root: str) -> tuple[str, ...]:
    return tuple(_untemp(a, root) for a in argv)


def _untemp(text: str, root: str) -> str:
    """Paths inside the temporary directory, relative to it."""
    for prefix in (f"file://{root}/", f"{root}/", f"{root}{os.sep}"):
        text = text.replace(prefix, "")
    return text.replace(f"file://{root}", ".").replace(root, ".")


_ERROR_RE: Final = re.compile(r"^\s*(?:ERROR|Error|error):\s*(.+)$")
_EXCEPTION_RE: Final = re.compile(
    r"^[A-Za-z_][\w.]*(?:Error|Exception|NotFound|Impossible)\b:\s*(.+)$"
)
_WARNING_RE: Final = re.compile(r"^\s*(?:WARNING|Warning|warning):\s*(.+)$")


def _failure(stderr: str) -> str:
    """The resolver's last meaningful word, on one line."""
    lines = [line.rstrip() for line in stderr.splitlines()]
    # uv: "error: …" then "  Caused by: …" / "  cause: …" (continued, indented) and "hint: …".
    for i in range(len(lines) - 1, -1, -1):
        m = re.match(r"^error:\s*(.+)$", lines[i])
        if not m:
            continue
        head, detail, hint = m.group(1), "", ""
        j = i + 1
        while j < len(lines):
            line = lines[j]
            cause = re.match(r"^\s+(?:Caused by|cause):\s*(.+)$", line)
            if cause:
                detail = cause.group(1)
            elif line.startswith("hint:"):
                hint = line[5:].strip()
            elif line.startswith("         ") and detail:
                detail += " " + line.strip()
            elif re.match(r"^\s+╰─▶\s*", line):
                detail = re.sub(r"^\s+╰─▶\s*", "", line)
            j += 1
        text = f"{head}: {detail}" if detail else head
        return f"{text} ({hint})" if hint else text
    # pip: "ERROR: …" lines; else the final line of a traceback.
    for line in reversed(lines):
        m = _ERROR_RE.match(line)
        if m and not m.group(1).startswith("Traceback"):
            return m.group(1).strip()
    for line in reversed(lines):
        m = _EXCEPTION_RE.match(line)
        if m:
            return m.group(1).strip()
    for line in reversed(lines):
        if line.strip() and not line.startswith((" ", "Traceback")):
            return line.strip()
    return "the resolver failed without a message"


_NO_UPLOAD_RE: Final = re.compile(r"^`(.+)` is missing an upload date")


def _stderr_warnings(stderr: str) -> list[str]:
    """The resolver's warnings; uv's one-per-file "missing an upload date" made one."""
    out: list[str] = []
    undated: list[str] = []
    for line in stderr.splitlines():
        m = _WARNING_RE.match(line)
        if not m:
            continue
        text = m.group(1).strip()
        undated_file = _NO_UPLOAD_RE.match(text)
        if undated_file:
            undated.append(undated_file.group(1))
        else:
            out.append(text)
    if undated:
        out.append(
            f"exclude-newer: {len(undated)} index file(s) have no upload time and were left out "
            f"(e.g. {undated[0]})"
        )
    return out


def _parse(text: str, plan: _Plan) -> list[Pin]:
    """``name==version`` lines and their ``# via`` annotations (split style, as both write)."""
    pins: list[Pin] = []
    current: tuple[str, str] | None = None
    via: list[str] = []

    def flush() -> None:
        if current is not None:
            labels = (plan.labels.get(v, _untemp(v, plan.root)) for v in via)
            pins.append(Pin(current[0], current[1], tuple(dict.fromkeys(labels))))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            if raw.startswith((" ", "\t")) and current is not None:
                if body.startswith("via "):
                    via.append(body[4:].strip())
                elif body != "via" and body:
                    via.append(body)
            continue
        flush()
        current, via = _pin_of(line, plan.root), []
    flush()
    return sorted(pins, key=lambda p: p.name)


def _pin_of(line: str, root: str) -> tuple[str, str] | None:
    """A pin from an output line; None for options, editables and the tree's own projects."""
    if line.startswith("-"):
        return None  # -e …, --index-url …: not a pin
    line = line.split(" ; ", 1)[0].split(";", 1)[0].strip()
    if "==" in line and "@" not in line:
        name, _, version = line.partition("==")
        return canonicalize_name(name.split("[", 1)[0].strip()), version.lstrip("=").strip()
    if " @ " in line:
        name, _, url = line.partition(" @ ")
        if url.startswith(("file:", "/", ".")) and (root in url or url.startswith(".")):
            return None  # the tree's own project, built from the temporary copy
        return canonicalize_name(name.split("[", 1)[0].strip()), f"@ {url.strip()}"
    return None  # a bare path: a local project
