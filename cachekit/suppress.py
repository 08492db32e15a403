"""What a team has chosen not to see: configuration, inline ignores and a baseline.

Three ways, from broadest to narrowest, all applied after the analysis so they never change
what is computed, only what is reported (``--no-ignores`` shows everything):

* the configuration (:mod:`cachekit.config`): codes disabled, severities changed, workflows,
  jobs and paths ignored;
* an inline comment ``# cachekit: ignore[code, …]`` (or ``# cachekit: ignore`` for every code)
  on the step's first line, its ``uses:`` line or its ``key:`` line, so the exception sits
  beside the YAML it excuses and disappears with it;
* a baseline file (``--write-baseline`` then ``--baseline``): today's findings recorded so a
  team adopting cachekit fails CI only on new ones. Findings are matched by a fingerprint
  that leaves line numbers out, so edits above a finding do not resurrect it.

An inline ignore naming an unknown code is an error naming file:line: a typo must not pass
as a suppression.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from .checks.model import CheckFinding, CheckResult
from .config import CheckConfig, Config, ConfigError, load_config
from .errors import CachekitError, UsageError
from .findings import CODES, Severity
from .fs.atomic import write_atomic
from .fs.gittree import tree_at
from .fs.trees import FILE, Tree
from .output.findings import fingerprint

__all__ = [
    "BASELINE_SCHEMA",
    "Suppressed",
    "apply_policy",
    "apply_suppressions",
    "inline_ignores",
    "load_policy",
    "read_baseline",
    "write_baseline",
]

BASELINE_SCHEMA: Final = "cachekit.baseline/1"
_IGNORE = re.compile(r"#\s*cachekit:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
_ALL: Final = "*"
_STEP_KEYS = re.compile(r"^\s*(?:-\s+)?(?:uses|key)\s*:")
_MAX_BASELINE: Final = 16 << 20


@dataclass(frozen=True)
class Suppressed:
    """How many findings each mechanism hid (reported, so nothing disappears unexplained)."""

    config: int = 0
    inline: int = 0
    baseline: int = 0

    @property
    def total(self) -> int:
        return self.config + self.inline + self.baseline


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _step_lines(lines: Sequence[str], at: int) -> list[int]:
    """The 0-based lines whose comments speak for the finding at 0-based line ``at``.

    The finding's own line, and within the YAML sequence item (the step) that contains it:
    the item's first line and its ``uses:``/``key:`` lines.
    """
    if not 0 <= at < len(lines):
        return []
    found = [at]
    start = None
    limit = _indent(lines[at]) + 1
    for i in range(at, -1, -1):
        text = lines[i]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if text.lstrip().startswith("- ") and _indent(text) < limit:
            start = i
            break
        limit = min(limit, _indent(text))
    if start is None:
        return found
    found.append(start)
    item = _indent(lines[start])
    for i in range(start + 1, len(lines)):
        text = lines[i]
        if text.strip() and not text.lstrip().startswith("#") and _indent(text) <= item:
            break
        if _STEP_KEYS.match(text):
            found.append(i)
    if _STEP_KEYS.match(lines[start]):
        found.append(start)
    return found


def inline_ignores(path: str, text: str) -> dict[int, frozenset[str]]:
    """``{1-based line: codes}`` for each ``# cachekit: ignore[…]`` comment in ``text``.

    ``*`` stands for every code. An unknown code is a :class:`ConfigError` naming the line.
    """
    out: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for match in _IGNORE.finditer(line):
            if match.group(1) is None:
                codes: set[str] = {_ALL}
            else:
                codes = {c.strip() for c in match.group(1).split(",") if c.strip()}
                for code in codes:
                    if code not in CODES:
                        raise ConfigError(
                            f"{path}:{number}: unknown finding code '{code}' in a "
                            "'cachekit: ignore' comment"
                        )
            out[number] = out.get(number, frozenset()) | frozenset(codes)
    return out


def _configured(f: CheckFinding, cfg: CheckConfig) -> CheckFinding | None:
    if f.code in cfg.disable or (f.job is not None and f.job in cfg.ignore_jobs):
        return None
    if cfg.ignores_file(f.file) or (f.workflow is not None and cfg.ignores_file(f.workflow)):
        return None
    level = cfg.severity.get(f.code)
    return replace(f, severity=Severity(level)) if level and level != f.severity else f


class _Files:
    """Workflow texts read once each, with their ignore comments."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._seen: dict[str, tuple[list[str], dict[int, frozenset[str]]] | None] = {}

    def ignored(self, f: CheckFinding) -> bool:
        if f.file not in self._seen:
            self._seen[f.file] = self._load(f.file)
        entry = self._seen[f.file]
        if entry is None:
            return False
        lines, ignores = entry
        for i in _step_lines(lines, f.line - 1):
            codes = ignores.get(i + 1)
            if codes and (f.code in codes or _ALL in codes):
                return True
        return False

    def _load(self, path: str) -> tuple[list[str], dict[int, frozenset[str]]] | None:
        try:
            if self.tree.lstat(path) != FILE:
                return None
            text = self.tree.read(path).decode("utf-8", "replace")
        except CachekitError:
            return None
        ignores = inline_ignores(path, text)
        return (text.splitlines(), ignores) if ignores else None


def _baseline_key(f: CheckFinding) -> tuple[str, str, str]:
    return (f.code, f.file, f.job or "")


def apply_suppressions(
    tree: Tree,
    result: CheckResult,
    config: CheckConfig,
    *,
    baseline: Iterable[dict[str, Any]] = (),
) -> tuple[CheckResult, Suppressed]:
    """``result`` without what the configuration, inline comments and baseline suppress."""
    files = _Files(tree)
    by_print = Counter(str(e.get("fingerprint", "")) for e in baseline)
    by_place = Counter(
        (str(e.get("code", "")), str(e.get("file", "")), str(e.get("job") or "")) for e in baseline
    )
    kept: list[CheckFinding] = []
    counts = Counter[str]()
    for finding in result.findings:
        configured = _configured(finding, config)
        if configured is None:
            counts["config"] += 1
            continue
        if files.ignored(configured):
            counts["inline"] += 1
            continue
        printed, place = fingerprint(finding), _baseline_key(finding)
        if by_print[printed] > 0 or by_place[place] > 0:
            # Exact fingerprint first; else the same code at the same file and job (the
            # message changed with a new release): each baseline entry covers one finding.
            if by_print[printed] > 0:
                by_print[printed] -= 1
            by_place[place] -= 1
            counts["baseline"] += 1
            continue
        kept.append(configured)
    suppressed = Suppressed(counts["config"], counts["inline"], counts["baseline"])
    return replace(result, findings=tuple(kept)), suppressed


def load_policy(root: str, rev: str | None = None) -> Config:
    """The configuration of the repository at ``root`` (its working tree, or commit ``rev``)."""
    with tree_at(root, rev) as tree:
        return load_config(tree)


def apply_policy(
    root: str,
    rev: str | None,
    result: CheckResult,
    config: Config,
    *,
    baseline: Iterable[dict[str, Any]] = (),
) -> tuple[CheckResult, Suppressed]:
    """:func:`apply_suppressions` on the repository at ``root`` (inline comments read there)."""
    with tree_at(root, rev) as tree:
        return apply_suppressions(tree, result, config.check, baseline=baseline)


def write_baseline(result: CheckResult, path: str) -> int:
    """Record ``result``'s findings in ``path`` (atomically); returns how many."""
    entries = [
        {
            "code": f.code,
            "file": f.file,
            "job": f.job,
            "line": f.line,
            "fingerprint": fingerprint(f),
        }
        for f in result.findings
    ]
    text = json.dumps({"schema": BASELINE_SCHEMA, "findings": entries}, indent=2) + "\n"
    write_atomic(path, text.encode("utf-8"))  # all or nothing; a full disk is exit 3
    return len(entries)


def read_baseline(path: str) -> list[dict[str, Any]]:
    """The entries of a baseline written by :func:`write_baseline`."""
    try:
        if os.path.getsize(path) > _MAX_BASELINE:
            raise UsageError(f"{path}: larger than {_MAX_BASELINE} bytes; not a baseline")
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError as exc:
        raise UsageError(
            f"{path}: no such baseline (write one with --write-baseline {path})"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the baseline {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not a cachekit baseline: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        raise UsageError(f"{path}:1: not a cachekit baseline (schema {BASELINE_SCHEMA})")
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UsageError(f"{path}:1: 'findings' must be a list of objects")
    return entries
