"""The output formats of ``cachekit check``: text, JSON, GitHub commands, SARIF, Markdown.

Each formatter takes a :class:`~cachekit.checks.model.CheckResult` and returns one string
(no trailing newline); :data:`FORMATS` maps the ``--format`` names to them and
:func:`render_findings` picks one by name::

    print(render_findings(result, "sarif"))

Everything in a finding may come from the repository (paths, keys, matrix values, requirement
lines), so each format escapes for its reader: the text format neutralises terminal control
sequences, ``github`` applies the runner's percent-escaping to properties and data, JSON and
SARIF are JSON-escaped (ASCII only, so any byte sequence survives a pipe).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any, Final
from urllib.parse import quote

from .. import __version__
from ..checks.model import CheckFinding, CheckResult, Location
from ..encoding import encode
from ..errors import UsageError
from ..findings import CODES, SEVERITIES, CodeInfo
from ..textsafe import escape_controls, neutralize_commands, safe_field
from .palette import ansi
from .registry import RenderOptions

__all__ = [
    "FORMATS",
    "SARIF_SCHEMA",
    "escape_data",
    "escape_property",
    "fingerprint",
    "github_command",
    "render_findings",
    "render_github",
    "render_json",
    "render_markdown",
    "render_sarif",
    "render_text",
    "sarif_log",
    "summary_line",
]

#: The schema a SARIF log names; the OASIS 2.1.0 schema with errata 01 (the one GitHub cites).
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: The schema name of ``--format json`` (``docs/schemas/check-1.json``).
SCHEMA: Final = "cachekit.check/1"
#: GitHub's scale for ``security-severity``: 7.0–8.9 is "high". Only security codes get one.
_SECURITY_SEVERITY: Final = "8.0"
#: The key of our entry in ``partialFingerprints`` (SARIF asks for a versioned name).
_FINGERPRINT_KEY: Final = "cachekit/v1"
#: GitHub annotation command per severity (SARIF's ``note`` is GitHub's ``notice``).
_GITHUB_COMMAND: Final = {"error": "error", "warning": "warning", "note": "notice"}
#: CodeQL's ``problem.severity`` vocabulary, which GitHub shows for non-security alerts.
_PROBLEM_SEVERITY: Final = {"error": "error", "warning": "warning", "note": "recommendation"}


# -- shared -------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _summary(result: CheckResult) -> dict[str, Any]:
    by_severity = Counter(f.severity for f in result.findings)
    by_code = Counter(f.code for f in result.findings)
    return {
        "total": len(result.findings),
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "by_code": dict(sorted(by_code.items())),
        "caches": result.caches,
        "jobs": result.jobs,
    }


def summary_line(result: CheckResult) -> str:
    """``3 findings (1 error, 2 warnings) in 4 caches / 6 jobs``, or ``no findings in …``."""
    where = f"in {_plural(result.caches, 'cache')} / {_plural(result.jobs, 'job')}"
    if not result.findings:
        return f"no findings {where}"
    counts = Counter(f.severity for f in result.findings)
    parts = ", ".join(_plural(counts[s], s) for s in SEVERITIES if counts[s])
    return f"{_plural(len(result.findings), 'finding')} ({parts}) {where}"


def _matrix_text(matrix: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        return v if isinstance(v, str) else json.dumps(v, sort_keys=True)

    return ", ".join(f"{k}={value(v)}" for k, v in matrix.items())


def _where(file: str, line: int) -> str:
    return f"{file}:{line}" if line > 0 else file


# -- text ---------------------------------------------------------------------------------------


def _safe(text: str) -> str:
    """Text a terminal shows as is: control characters become visible escapes."""
    return escape_controls(text)


def _indented(label: str, text: str, indent: str, shown: str | None = None) -> list[str]:
    """``label + text``, continuation lines of a multi-line text aligned under the text.

    ``shown`` is how the label is printed (coloured) when that differs from ``label``.
    """
    lines = _safe(text).split("\n")
    first = indent + (label if shown is None else shown) + lines[0]
    return [first, *(indent + " " * len(label) + rest for rest in lines[1:])]


def render_text(result: CheckResult, *, color: bool = False) -> str:
    """Findings grouped by file, each with its fix and related places, then a summary line."""

    def paint(style: str, text: str) -> str:
        return ansi(text, style, color)

    groups: dict[str, list[CheckFinding]] = {}
    for f in result.findings:
        groups.setdefault(f.file, []).append(f)
    out: list[str] = []
    for file, findings in groups.items():
        out.append(paint("file", safe_field(file)))
        for f in findings:
            head = (
                f"{_safe(_where(f.file, f.line))}: {paint(f.severity, f.severity)} "
                f"{paint('code', '[' + _safe(f.code) + ']')} "
            )
            lines = _safe(f.message).split("\n")
            out.append("  " + head + lines[0])
            out.extend("      " + rest for rest in lines[1:])
            if f.job:
                job = f.job + (f" ({_matrix_text(f.matrix)})" if f.matrix else "")
                out.extend(_indented("job: ", job, "    "))
            if f.fix:
                out.extend(_indented("fix: ", f.fix, "    ", paint("fix", "fix: ")))
            for r in f.related:
                where = _safe(_where(r.file, r.line))
                out.extend(_indented(f"{where}: " if r.message else where, r.message, "    "))
        out.append("")
    out.append(summary_line(result))
    return neutralize_commands("\n".join(out))


# -- Markdown (a job summary, a pull-request comment) -------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_MD_ICON: Final = {"error": "\u274c", "warning": "\u26a0\ufe0f", "note": "\u2139\ufe0f"}


def _one_line(text: str) -> str:
    """Controls made visible, and the Unicode line and paragraph separators too."""
    return _safe(text).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _md(text: str) -> str:
    """Text as literal Markdown on one table line: escaped, controls made visible."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text)).replace("\n", "<br>")


def _md_code(text: str) -> str:
    """Inline code that survives backticks and pipes in ``text``."""
    inner = _one_line(text).replace("|", "\\|").replace("\n", " ")
    fence = "``" if "`" in inner else "`"
    return f"{fence} {inner} {fence}" if fence == "``" else f"`{inner}`"


def render_markdown(result: CheckResult) -> str:
    """A heading with the summary, then one table row a finding (``$GITHUB_STEP_SUMMARY``)."""
    out = ["## cachekit check", "", summary_line(result) + "."]
    if result.findings:
        out += ["", "| | where | code | finding | fix |", "|---|---|---|---|---|"]
        for f in result.findings:
            level = f.severity
            where = _md(_where(f.file, f.line)) + (f"<br>job {_md(f.job)}" if f.job else "")
            fix = (
                _md_code(f.fix) if f.fix.startswith(("key:", "path:", "hashFiles")) else _md(f.fix)
            )
            out.append(
                f"| {_MD_ICON[level]} {level} | {where} | {_md_code(f.code)} | "
                f"{_md(f.message)} | {fix} |"
            )
    return "\n".join(out) + "\n"


# -- JSON ---------------------------------------------------------------------------------------


def render_json(result: CheckResult, schema: str = SCHEMA) -> str:
    """``{"schema", "findings": [...], "summary": {...}, "root", "revision", "tool": {...}}``."""
    document = {
        "schema": schema,
        "findings": encode(result.findings),
        "summary": _summary(result),
        "root": result.root,
        "revision": result.revision,
        "tool": {"name": "cachekit", "version": __version__},
    }
    return json.dumps(document, indent=2)


# -- GitHub workflow commands -------------------------------------------------------------------


def escape_data(text: str) -> str:
    """@actions/core's ``escapeData``: the message after ``::``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """@actions/core's ``escapeProperty``: a ``key=value`` property of a command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation_text(f: CheckFinding) -> str:
    lines = [f.message]
    if f.fix:
        lines.append(f"fix: {f.fix}")
    lines.extend(
        f"{_where(r.file, r.line)}: {r.message}" if r.message else _where(r.file, r.line)
        for r in f.related
    )
    return "\n".join(lines)


def github_command(f: CheckFinding) -> str:
    """One ``::error file=…,line=…,title=…::message`` line (``line`` left out when 0).

    Properties follow @actions/core's ``Command.toString``: an empty value is left out.
    """
    properties = {
        "file": f.file,
        "line": str(f.line) if f.line > 0 else "",
        "title": f"cachekit {f.code}",
    }
    # The runner unescapes only %25, %0D, %0A (and %3A, %2C in properties): every other
    # control character (ESC, BEL, NUL) is shown as a visible escape before that.
    shown = {k: escape_controls(v, keep="\n\r") for k, v in properties.items() if v}
    props = ",".join(f"{k}={escape_property(v)}" for k, v in shown.items())
    data = escape_data(escape_controls(_annotation_text(f), keep="\n\r"))
    return f"::{_GITHUB_COMMAND[f.severity]} {props}::{data}"


def render_github(result: CheckResult) -> str:
    """One workflow command per finding: annotations on the workflow lines in the run's UI."""
    return "\n".join(github_command(f) for f in result.findings)


# -- SARIF --------------------------------------------------------------------------------------


def _information_uri() -> str | None:
    """The project's documentation (or home page) from the package metadata, else ``None``.

    SARIF makes ``informationUri`` and ``helpUri`` optional; the project has no published home
    yet, and a made-up address would send users to a page that does not exist, so without a
    ``Project-URL`` in the metadata both are left out.
    """
    try:
        urls = metadata.metadata("cachekit-ci").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    by_label: dict[str, str] = {}
    for entry in urls:
        label, _, url = entry.partition(",")
        by_label[label.strip().lower()] = url.strip()
    for label in ("documentation", "docs", "homepage", "home", "source", "repository"):
        if by_label.get(label, "").startswith("https://"):
            return by_label[label]
    return None


def _rule_name(code: str) -> str:
    """``input-not-in-key`` → ``InputNotInKey`` (SARIF's ``name`` is an identifier)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", code))


def _fence(text: str) -> str:
    """A Markdown code fence longer than any run of backticks in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _rule(info: CodeInfo, base_uri: str | None) -> dict[str, Any]:
    level = info.severity
    fence = _fence(info.example)
    help_text = f"{info.description}\n\nFix: {info.fix}\n\nExample:\n{info.example}"
    help_markdown = (
        f"**{info.title}**\n\n{info.description}\n\n**Fix:** {info.fix}\n\n"
        f"**Example:**\n\n{fence}yaml\n{info.example}\n{fence}\n"
    )
    tags = ["ci", "github-actions", "cache"] + (["security"] if info.security else [])
    properties: dict[str, Any] = {"tags": tags, "problem.severity": _PROBLEM_SEVERITY[level]}
    if info.security:
        properties["security-severity"] = _SECURITY_SEVERITY
    rule: dict[str, Any] = {
        "id": info.code,
        "name": _rule_name(info.code),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.description},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": level},
        "properties": properties,
    }
    if base_uri is not None:
        rule["helpUri"] = f"{base_uri}#{info.code}"
    return rule


def _uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (``%SRCROOT%``-based)."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    posix = posix.lstrip("/")
    safe = "/-._~!$&'()*+,;=@"
    try:  # a name read with surrogateescape: percent-encode the bytes it stood for
        return quote(posix, safe=safe, errors="surrogateescape")
    except UnicodeEncodeError:  # any other lone surrogate: its code point's bytes
        return quote(posix, safe=safe, errors="surrogatepass")


def _physical(file: str, line: int) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": _uri(file), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": max(line, 1)},
    }


def fingerprint(f: CheckFinding) -> str:
    """A hash of what identifies a finding across commits: code, file, job, message.

    Line numbers stay out, so an alert follows its finding when lines above it move.
    """
    parts = (f.code, f.file, f.job or "", f.message)
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _link_text(text: str) -> str:
    """SARIF §3.11.6: ``[``, ``]`` and ``\\`` in an embedded link's text are backslashed."""
    return re.sub(r"([\[\]\\])", r"\\\1", text)


def _result(f: CheckFinding, rule: CodeInfo, rule_index: int, print_: str) -> dict[str, Any]:
    # GitHub rejects an empty message: a finding without one says what its rule is about.
    text = (f.message or rule.title) + (f" Fix: {f.fix}" if f.fix else "")
    related = [_related(i, r) for i, r in enumerate(f.related, start=1)]
    if related:
        links = ", ".join(
            f"[{_link_text(_where(r.file, r.line))}]({i})" for i, r in enumerate(f.related, 1)
        )
        text += f" Related: {links}."
    properties: dict[str, Any] = {"fix": f.fix}
    if f.workflow is not None:
        properties["workflow"] = f.workflow
    if f.job is not None:
        properties["job"] = f.job
    if f.matrix:
        properties["matrix"] = f.matrix
    out: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": f.severity,
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical(f.file, f.line)}],
    }
    if related:
        out["relatedLocations"] = related
    out["partialFingerprints"] = {_FINGERPRINT_KEY: print_}
    out["properties"] = properties
    return out


def _related(index: int, r: Location) -> dict[str, Any]:
    location: dict[str, Any] = {"id": index, "physicalLocation": _physical(r.file, r.line)}
    if r.message:
        location["message"] = {"text": r.message}
    return location


def _fingerprints(findings: Sequence[CheckFinding]) -> list[str]:
    """One fingerprint per finding; the n-th repeat of one gets ``:n`` so none collide."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        base = fingerprint(f)
        seen[base] += 1
        out.append(base if seen[base] == 1 else f"{base}:{seen[base]}")
    return out


def sarif_log(result: CheckResult) -> dict[str, Any]:
    """The SARIF 2.1.0 log as a dict (what :func:`render_sarif` serialises)."""
    base_uri = _information_uri()
    infos: list[CodeInfo] = list(CODES.values())  # a finding's code is always one of them
    index = {info.code: i for i, info in enumerate(infos)}
    results = [
        _result(f, infos[index[f.code]], index[f.code], p)
        for f, p in zip(result.findings, _fingerprints(result.findings), strict=True)
    ]
    driver: dict[str, Any] = {"name": "cachekit"}
    if base_uri is not None:
        driver["informationUri"] = base_uri
    driver |= {
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule(info, base_uri) for info in infos],
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "results": results,
        "properties": {"revision": result.revision, "caches": result.caches, "jobs": result.jobs},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: CheckResult) -> str:
    """SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``)."""
    return json.dumps(sarif_log(result), indent=2)


# -- by name ------------------------------------------------------------------------------------

FORMATS: Final[dict[str, Callable[[CheckResult], str]]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "markdown": render_markdown,
}


def render_findings(result: CheckResult, fmt: str, *, color: bool = False) -> str:
    """``result`` in format ``fmt`` (a key of :data:`FORMATS`); ``color`` is for ``text`` only."""
    if fmt == "text":
        return render_text(result, color=color)
    try:
        formatter = FORMATS[fmt]
    except KeyError:
        raise UsageError(
            f"unknown format {fmt!r}: choose one of {', '.join(sorted(FORMATS))}"
        ) from None
    return formatter(result)


# -- registered renderers (fn(result, options) -> str) ------------------------------------------


def text(result: CheckResult, options: RenderOptions) -> str:
    return render_text(result, color=options.color)


def json_(result: CheckResult, options: RenderOptions) -> str:
    return render_json(result, options.schema or SCHEMA)


def sarif(result: CheckResult, options: RenderOptions) -> str:
    return render_sarif(result)


def github(result: CheckResult, options: RenderOptions) -> str:
    return render_github(result)


def markdown(result: CheckResult, options: RenderOptions) -> str:
    return render_markdown(result)
