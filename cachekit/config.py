"""The repository's cachekit configuration: ``.github/cachekit.toml`` or ``[tool.cachekit]``.

Teams adopt a checker only when they can tune it where they keep their CI: disable a code
that does not apply to them, lower a severity, leave a vendored workflow alone. The schema is
one table per command (only ``[check]`` today) and every key is validated: a typo'd key or an
unknown code is an error naming the file and line, never silently ignored (a misspelt
``disable`` that did nothing would look exactly like a clean run).

```toml
[check]
disable = ["hashed-file-unused"]            # codes never reported
severity = { unpinned-in-built-env = "note" }  # per-code severity
ignore-workflows = [".github/workflows/vendored-*.yml"]
ignore-jobs = ["docs"]                      # job ids
ignore-paths = ["third_party/**"]           # findings whose file is under these
fail-on = "error"                           # the default for --fail-on
```

In ``pyproject.toml`` the same tables sit under ``[tool.cachekit]`` (``[tool.cachekit.check]``).
When both exist, ``.github/cachekit.toml`` wins and the other is not read: one source of truth.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .environments.toml import Document, parse
from .errors import CachekitError, UsageError
from .findings import CODES, SEVERITIES
from .fs.trees import FILE, Tree

__all__ = ["CONFIG_FILES", "CheckConfig", "Config", "ConfigError", "load_config"]

CONFIG_FILES: Final = (".github/cachekit.toml", "pyproject.toml")
_MAX_BYTES: Final = 1 << 20  # a configuration file is small; a larger one is refused

FailOn = Literal["error", "warning", "note", "none"]
_CHECK_KEYS: Final = frozenset(
    {"disable", "severity", "ignore-workflows", "ignore-jobs", "ignore-paths", "fail-on"}
)


class ConfigError(UsageError):
    """The configuration file is malformed: the message names the file and line (exit 2)."""


@dataclass(frozen=True)
class CheckConfig:
    """What ``[check]`` says; the defaults change nothing."""

    disable: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)
    ignore_workflows: tuple[str, ...] = ()
    ignore_jobs: frozenset[str] = frozenset()
    ignore_paths: tuple[str, ...] = ()
    fail_on: FailOn | None = None

    def ignores_file(self, path: str) -> bool:
        """Whether ``path`` (repository-relative) falls under ``ignore-paths``/``-workflows``."""
        return any(_glob(p, path) for p in (*self.ignore_paths, *self.ignore_workflows))


@dataclass(frozen=True)
class Config:
    """The whole configuration and where it was read from (``None``: no file, defaults)."""

    source: str | None = None
    check: CheckConfig = field(default_factory=CheckConfig)


def _glob(pattern: str, path: str) -> bool:
    """``**`` spans directories, ``*`` does not; a directory pattern covers what is below it."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.fullmatch(regex + "(?:/.*)?", path.removeprefix("./")) is not None


Where = tuple[str | int, ...]  # the key path of the table being read, for positions


class _Reader:
    """Validates one document's tables, naming the line of whatever is wrong."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def fail(self, at: Where, message: str) -> ConfigError:
        return ConfigError(f"{self.doc.path}:{self.doc.at.line(*at)}: {message}")

    def strings(self, table: dict[str, Any], at: Where, key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail((*at, key), f"{key} must be a list of strings")
        return tuple(value)

    def code(self, code: str, at: Where) -> str:
        if code not in CODES:
            near = fnmatch.filter(CODES, f"*{code[:4]}*")[:3]
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            raise self.fail(at, f"unknown finding code '{code}'{hint}")
        return code

    def check(self, table: Any, at: Where) -> CheckConfig:
        if not isinstance(table, dict):
            raise self.fail(at, "[check] must be a table")
        for key in table:
            if key not in _CHECK_KEYS:
                known = ", ".join(sorted(_CHECK_KEYS))
                raise self.fail((*at, key), f"unknown key '{key}' in [check] (known: {known})")
        codes = self.strings(table, at, "disable")
        disable = frozenset(self.code(c, (*at, "disable", i)) for i, c in enumerate(codes))
        severity_raw = table.get("severity", {})
        if not isinstance(severity_raw, dict):
            raise self.fail((*at, "severity"), "severity must be a table")
        severity: dict[str, str] = {}
        for code, level in severity_raw.items():
            self.code(code, (*at, "severity", code))
            if level not in SEVERITIES:
                raise self.fail(
                    (*at, "severity", code),
                    f"severity of '{code}' must be one of {', '.join(SEVERITIES)}, not {level!r}",
                )
            severity[code] = level
        fail_on = table.get("fail-on")
        if fail_on is not None and fail_on not in (*SEVERITIES, "none"):
            raise self.fail(
                (*at, "fail-on"),
                f"fail-on must be one of {', '.join((*SEVERITIES, 'none'))}, not {fail_on!r}",
            )
        return CheckConfig(
            disable=disable,
            severity=severity,
            ignore_workflows=self.strings(table, at, "ignore-workflows"),
            ignore_jobs=frozenset(self.strings(table, at, "ignore-jobs")),
            ignore_paths=self.strings(table, at, "ignore-paths"),
            fail_on=fail_on,
        )

    def config(self, data: Any, at: Where) -> Config:
        name = "[tool.cachekit] " if at else ""
        if not isinstance(data, dict):
            raise self.fail(at, f"{name}must be a table")
        for key in data:
            if key != "check":
                raise self.fail((*at, key), f"unknown {name}table or key '{key}' (known: check)")
        check = self.check(data["check"], (*at, "check")) if "check" in data else CheckConfig()
        return Config(source=self.doc.path, check=check)


def _parse(text: str, path: str) -> Document:
    doc, problem = parse(text, path)
    if doc is None:
        raise ConfigError(str(problem) if problem else f"{path}: not valid TOML")
    return doc


def _read(tree: Tree, path: str) -> str | None:
    kind = tree.lstat(path)
    if kind is None:
        return None
    if kind != FILE:  # a symlink could point anywhere; a FIFO would block: regular files only
        raise ConfigError(f"{path}:1: not a regular file; refusing to read it")
    data = tree.read(path)
    if len(data) > _MAX_BYTES:
        raise ConfigError(f"{path}:1: larger than {_MAX_BYTES} bytes; refusing to read it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}:1: not UTF-8 text") from exc


def load_config(tree: Tree) -> Config:
    """The configuration of the repository in ``tree``, validated (defaults when there is none).

    Raises :class:`ConfigError` (exit 2) for a malformed file, naming file:line.
    """
    try:
        own = _read(tree, CONFIG_FILES[0])
        pyproject = None if own is not None else _read(tree, CONFIG_FILES[1])
    except ConfigError:
        raise
    except CachekitError as exc:  # unreadable: say so rather than run without the config
        raise ConfigError(f"cannot read the configuration: {exc}") from exc
    if own is not None:
        doc = _parse(own, CONFIG_FILES[0])
        return _Reader(doc).config(doc.data, ())
    if pyproject is None:
        return Config()
    doc = _parse(pyproject, CONFIG_FILES[1])
    tool = doc.data.get("tool", {})
    section = tool.get("cachekit") if isinstance(tool, dict) else None
    if section is None:
        return Config()
    return _Reader(doc).config(section, ("tool", "cachekit"))
