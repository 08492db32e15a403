"""The repository's cache entries, from ``gh cache list --json`` or the REST API, as records.

Two shapes name the same seven facts. ``gh cache list --json
key,id,ref,sizeInBytes,createdAt,lastAccessedAt,version`` prints a JSON array of objects with
only the fields asked for, camel-cased (cli/cli ``pkg/cmd/cache/shared/shared.go``,
``CacheFields``: ``createdAt id key lastAccessedAt ref sizeInBytes version``). The REST API
``GET /repos/{owner}/{repo}/actions/caches`` answers ``{"total_count": N, "actions_caches":
[{"id", "ref", "key", "version", "last_accessed_at", "created_at", "size_in_bytes"}]}``;
``gh api --paginate`` prints one such object per page back to back, and ``--slurp`` wraps the
pages in an array. All of these are accepted. Only ``key`` is required of an entry: a field
``gh`` was not asked for is ``None``.

Times are ISO 8601 (``2019-01-24T22:45:36.000Z`` from the API; ``gh`` re-prints them as Go's
RFC 3339, up to nine fractional digits) and become aware UTC datetimes.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .model import EvidenceError

__all__ = ["CacheEntry", "CacheListError", "parse_cache_list", "read_cache_list"]


class CacheListError(EvidenceError):
    """A cache list that cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class CacheEntry:
    """One cache entry as GitHub lists it (``id`` is the entry id, ``version`` its cache
    version: the hash of its paths and compression that a restore must match)."""

    key: str
    id: int | None = None
    ref: str | None = None
    version: str | None = None
    size_bytes: int | None = None
    created_at: datetime | None = None
    last_accessed_at: datetime | None = None


_NAMES = {
    "id": ("id", "id"),
    "ref": ("ref", "ref"),
    "version": ("version", "version"),
    "size_bytes": ("sizeInBytes", "size_in_bytes"),
    "created_at": ("createdAt", "created_at"),
    "last_accessed_at": ("lastAccessedAt", "last_accessed_at"),
}
_DATE = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?"
    r"(?:(Z|z)|([+-])(\d\d):?(\d\d))?"
)
_GH_FIELDS = "key,id,ref,sizeInBytes,createdAt,lastAccessedAt,version"


def read_cache_list(path: str | os.PathLike[str]) -> list[CacheEntry]:
    """The entries in a saved cache list (``gh cache list --json …`` or the REST answer)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise CacheListError(f"{p}: cannot read: {e.strerror or e}") from None
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise CacheListError(f"{p}: not UTF-8 or UTF-16 text") from None
    return parse_cache_list(text, source=str(p))


def parse_cache_list(text: str, *, source: str = "<cache list>") -> list[CacheEntry]:
    """The entries in ``text``; ``source`` names it in errors."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise CacheListError(f"{source}: empty; expected `gh cache list --json {_GH_FIELDS}`")
    if stripped[0] not in "[{":
        raise CacheListError(
            f"{source}: not JSON (gh cache list prints a table unless asked for JSON: run "
            f"`gh cache list --json {_GH_FIELDS}`)"
        )
    items: list[Any] = []
    for doc in _documents(stripped, source):
        items.extend(_items(doc, source))
    return [_entry(item, n, source) for n, item in enumerate(items, 1)]


def _documents(text: str, source: str) -> list[Any]:
    """Every JSON document in ``text`` (``gh api --paginate`` prints one per page)."""
    decoder = json.JSONDecoder()
    docs, i = [], 0
    while i < len(text):
        try:
            doc, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            raise CacheListError(
                f"{source}: not valid JSON at line {e.lineno} column {e.colno}: {e.msg}"
            ) from None
        except ValueError as e:  # a number of more than 4,300 digits
            line = text.count("\n", 0, i) + 1
            raise CacheListError(f"{source}: not valid JSON after line {line}: {e}") from None
        docs.append(doc)
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
    return docs


def _items(doc: Any, source: str) -> list[Any]:
    if isinstance(doc, dict):
        caches = doc.get("actions_caches")
        if isinstance(caches, list):
            return caches
        if "key" in doc:
            return [doc]
        raise CacheListError(f"{source}: a JSON object without an 'actions_caches' list")
    if isinstance(doc, list):
        if all(isinstance(x, dict) and "actions_caches" in x for x in doc) and doc:
            return [item for page in doc for item in _items(page, source)]
        return doc
    raise CacheListError(f"{source}: expected a JSON array or object, got {type(doc).__name__}")


def _entry(item: Any, n: int, source: str) -> CacheEntry:
    where = f"{source}: cache entry {n}"
    if not isinstance(item, dict):
        raise CacheListError(f"{where}: expected an object, got {json.dumps(item)[:60]}")
    key = item.get("key")
    if not isinstance(key, str):
        raise CacheListError(f"{where}: 'key' missing or not a string")
    where += f" ({key[:80]})"
    values: dict[str, Any] = {}
    for field, names in _NAMES.items():
        name = next((x for x in names if x in item and item[x] is not None), None)
        if name is None:
            continue
        value = item[name]
        if field in ("id", "size_bytes"):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
                raise CacheListError(f"{where}: {name!r} must be a whole number, got {value!r}")
        elif not isinstance(value, str):
            raise CacheListError(f"{where}: {name!r} must be a string, got {value!r}")
        elif field.endswith("_at"):
            value = _date(value, f"{where}: {name!r}")
        values[field] = value
    return CacheEntry(key=key, **values)


def _date(text: str, where: str) -> datetime:
    m = _DATE.fullmatch(text.strip())
    if m is None:
        raise CacheListError(f"{where} is not an ISO 8601 time: {text!r}")
    year, month, day, hour, minute, second, frac, _z, sign, oh, om = m.groups()
    offset = timedelta(0)
    if sign:
        offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    try:  # out of range: a month 13, or a year 9999 pushed past it by the offset
        local = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((frac or "0")[:6].ljust(6, "0")),
            tzinfo=timezone(offset),
        )
        return local.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise CacheListError(f"{where} is not a valid time: {text!r}") from None
