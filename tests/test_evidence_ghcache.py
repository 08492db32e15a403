"""Cache listings read into records (``cachekit.evidence.read_cache_list``).

Formats, from their sources:

* ``gh cache list --json key,id,ref,sizeInBytes,createdAt,lastAccessedAt,version``: the fields are
  cli/cli ``pkg/cmd/cache/shared/shared.go`` ``CacheFields`` (the manual lists the same seven);
  ``gh`` exports the Go ``time.Time`` values as RFC 3339 with up to nine fractional digits.
* ``GET /repos/{owner}/{repo}/actions/caches``: ``{"total_count", "actions_caches": [{"id", "ref",
  "key", "version", "last_accessed_at", "created_at", "size_in_bytes"}]}`` (GitHub REST docs,
  "List GitHub Actions caches for a repository"; times like ``2019-01-24T22:45:36.000Z``);
  ``gh api --paginate`` prints one page object after another.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cachekit.evidence import CacheEntry, CacheListError, parse_cache_list, read_cache_list

CASES = Path(__file__).parent / "cases" / "logs"
UTC = timezone.utc


def test_gh_cache_list_json() -> None:
    entries = read_cache_list(CASES / "gh-cache-list.json")
    assert [e.id for e in entries] == [1874, 1869, 1802]
    venv = entries[0]
    assert venv == CacheEntry(
        key="venv-Linux-3.12.3-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        id=1874,
        ref="refs/heads/main",
        version="0b5b7a4f1c8e0f1f1a3bd5d7f0c0a2c4c1e7c3f7ab8a0b7e6f1e6b5b4a3c2d1e",
        size_bytes=181403648,
        created_at=datetime(2024, 5, 1, 12, 1, 14, tzinfo=UTC),
        last_accessed_at=datetime(2024, 5, 2, 8, 13, 55, 163333, tzinfo=UTC),
    )
    assert entries[1].created_at == datetime(2024, 5, 1, 9, 30, 2, 500000, tzinfo=UTC)
    # An offset is converted to UTC.
    assert entries[2].created_at == datetime(2024, 5, 1, 0, 45, 10, tzinfo=UTC)
    assert entries[2].ref == "refs/pull/412/merge"


def test_rest_pages_back_to_back_read_like_gh() -> None:
    rest = read_cache_list(CASES / "rest-caches-paginated.json")
    assert rest == read_cache_list(CASES / "gh-cache-list.json")


def test_slurped_pages_bare_rest_items_and_chosen_fields() -> None:
    pages = (CASES / "rest-caches-paginated.json").read_text().replace("}\n{", "},\n{")
    slurped = parse_cache_list(f"[{pages}]")
    assert [e.id for e in slurped] == [1874, 1869, 1802]
    items = json.loads(pages.split("\n},\n{")[0] + "\n}")["actions_caches"]
    assert [e.key for e in parse_cache_list(json.dumps(items))] == [i["key"] for i in items]
    # gh prints only the fields asked for; the others are unknown, not errors.
    (only,) = parse_cache_list('[{"key": "k", "sizeInBytes": 12}]')
    assert only == CacheEntry(key="k", size_bytes=12)
    assert parse_cache_list("[]") == []
    assert parse_cache_list('{"total_count": 0, "actions_caches": []}') == []


def test_utf16_and_bom(tmp_path: Path) -> None:
    text = (CASES / "gh-cache-list.json").read_text()
    expected = read_cache_list(CASES / "gh-cache-list.json")
    for encoding in ("utf-16", "utf-8-sig"):
        path = tmp_path / f"caches-{encoding}.json"
        path.write_bytes(text.encode(encoding))
        assert read_cache_list(path) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"caches\.json: empty"),
        (
            "ID\tKEY\tSIZE\tCREATED\tACCESSED\n1874\tvenv-Linux\t173.00 MiB\t2024-05-01\t2024-05",
            r"caches\.json: not JSON .*gh cache list --json key,id,ref",
        ),
        ('[{"key": "k"},', r"caches\.json: not valid JSON at line 1 column 15"),
        ('[]\n"k"', r"caches\.json: expected a JSON array or object, got str"),
        ('{"total_count": 1}', r"caches\.json: a JSON object without an 'actions_caches' list"),
        ('[{"key": "a"}, {"id": 3}]', r"caches\.json: cache entry 2: 'key' missing"),
        ('[{"key": "a"}, 7]', r"caches\.json: cache entry 2: expected an object, got 7"),
        (
            '[{"key": "a", "sizeInBytes": "12"}]',
            r"caches\.json: cache entry 1 \(a\): 'sizeInBytes' must be a whole number, got '12'",
        ),
        ('[{"key": "a", "id": true}]', r"cache entry 1 \(a\): 'id' must be a whole number"),
        ('[{"key": "a", "ref": 5}]', r"cache entry 1 \(a\): 'ref' must be a string, got 5"),
        (
            '[{"key": "a", "created_at": "yesterday"}]',
            r"cache entry 1 \(a\): 'created_at' is not an ISO 8601 time: 'yesterday'",
        ),
        (
            '[{"key": "a", "lastAccessedAt": "2024-02-30T00:00:00Z"}]',
            r"'lastAccessedAt' is not a valid time",
        ),
    ],
)
def test_errors_name_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "caches.json"
    path.write_text(text)
    with pytest.raises(CacheListError, match=message) as info:
        read_cache_list(path)
    assert "\n" not in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CacheListError, match=r"missing\.json: cannot read"):
        read_cache_list(tmp_path / "missing.json")
    path = tmp_path / "latin1.json"
    path.write_bytes(b'[{"key": "caf\xe9"}]')
    with pytest.raises(CacheListError, match=r"latin1\.json: not UTF-8 or UTF-16 text"):
        read_cache_list(path)
