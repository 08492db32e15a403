"""``cachekit data update`` against a local HTTP server that answers as GitHub does.

The server (127.0.0.1, a thread of this process) serves GitHub's REST API shapes and raw
files built from the bundled snapshots themselves — every tag the snapshot knows, plus one
release of actions/cache and one Python that it does not — so the test proves the round trip:
after the update, a workflow pinning the new release is modelled as that release (no "newer
than the snapshot" note) and the new snapshot's date is the one reported. Failures (an HTTP
error, an answer that is not JSON) must exit 3 and leave the data in force untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from upstream_fixtures import GO_FILES, RUNNER_FILES

from cachekit import snapshots

ROOT = Path(__file__).resolve().parent.parent
NEW_SHA = "f" * 40
NEW_DATE = "2031-01-05"
MANIFEST_SHA = "e" * 40
GO_SHA = "d" * 40
IMAGES_SHA = "c" * 40


def _responses() -> dict[str, Any]:
    """Path (with query) -> body, as GitHub would answer for the bundled data plus news."""
    releases = json.loads(snapshots._bundled("action-releases"))
    out: dict[str, Any] = {}
    for repo, rows in releases["actions"].items():
        tags = [{"name": row[0], "commit": {"sha": row[1]}} for row in rows]
        tags += [{"name": t, "commit": {"sha": s}} for t, s in releases["moving"][repo].items()]
        if repo == "actions/cache":
            tags.append({"name": "v9.0.0", "commit": {"sha": NEW_SHA}})
            out[f"/raw/{repo}/{NEW_SHA}/package-lock.json"] = {
                "packages": {"node_modules/@actions/cache": {"version": "9.9.9"}}
            }
            out[f"/raw/{repo}/{NEW_SHA}/action.yml"] = "name: Cache\ninputs:\n  key: {}\n"
            out[f"/api/repos/{repo}/commits/{NEW_SHA}"] = {
                "commit": {"committer": {"date": f"{NEW_DATE}T10:00:00Z"}}
            }
        head = (NEW_SHA, NEW_DATE) if repo == "actions/cache" else (rows[-1][1], rows[-1][3])
        out[f"/api/repos/{repo}/commits?per_page=1"] = [
            {"sha": head[0], "commit": {"committer": {"date": f"{head[1]}T09:00:00Z"}}}
        ]
        pages = [tags[i : i + 100] for i in range(0, len(tags), 100)] + [[]]
        for n, page in enumerate(pages, 1):
            out[f"/api/repos/{repo}/tags?per_page=100&page={n}"] = page
    manifest = [
        {
            "version": "3.99.0",
            "stable": True,
            "files": [{"platform": "linux", "platform_version": "24.04", "arch": "x64"}],
        }
    ]
    out["/api/repos/actions/python-versions/commits?path=versions-manifest.json&per_page=1"] = [
        {"sha": MANIFEST_SHA, "commit": {"committer": {"date": f"{NEW_DATE}T00:00:00Z"}}}
    ]
    out[f"/raw/actions/python-versions/{MANIFEST_SHA}/versions-manifest.json"] = manifest
    out["/api/repos/actions/go-versions/commits?path=versions-manifest.json&per_page=1"] = [
        {"sha": GO_SHA, "commit": {"committer": {"date": f"{NEW_DATE}T01:00:00Z"}}}
    ]
    for path, text in GO_FILES.items():
        out[f"/raw/actions/go-versions/{GO_SHA}/{path}"] = text
    out["/api/repos/actions/runner-images/commits?per_page=1"] = [
        {"sha": IMAGES_SHA, "commit": {"committer": {"date": f"{NEW_DATE}T02:00:00Z"}}}
    ]
    for path, text in RUNNER_FILES.items():
        out[f"/raw/actions/runner-images/{IMAGES_SHA}/{path}"] = text
    return out


class _Handler(BaseHTTPRequestHandler):
    responses: ClassVar[dict[str, Any]] = {}
    broken: ClassVar[dict[str, tuple[int, bytes]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        url = urlparse(self.path)
        query = "&".join(f"{k}={v[0]}" for k, v in parse_qs(url.query).items())
        key = url.path + (f"?{query}" if query else "")
        if key in self.broken:
            status, body = self.broken[key]
        elif key in self.responses:
            value = self.responses[key]
            status = 200
            body = value.encode() if isinstance(value, str) else json.dumps(value).encode()
        else:
            status, body = 404, b'{"message": "Not Found"}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"responses": _responses(), "broken": {}, "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _cachekit(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    env.update(CACHEKIT_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), NO_PROXY="127.0.0.1")
    return subprocess.run(
        [sys.executable, "-m", "cachekit", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _workflow(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/cache@v9.0.0\n        with:\n          path: p\n          key: k\n"
        "      - uses: actions/setup-python@v5\n        with:\n"
        "          python-version: '3.99'\n          cache: pip\n"
    )
    (repo / "requirements.txt").write_text("x==1\n")
    (repo / ".github" / "workflows" / "go.yml").write_text(
        "on: push\njobs:\n  g:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.99'\n"
        "  new-image:\n    runs-on: ubuntu-30.04\n    steps:\n"
        "      - uses: actions/cache@v4\n        with:\n          path: p\n"
        "          key: ${{ runner.os }}-${{ runner.arch }}-k\n"
    )
    (repo / "go.sum").write_text("x v1.0.0 h1:abc=\n")
    return repo


def test_update_then_the_new_release_and_python_are_modelled(
    server: tuple[str, type[_Handler]], tmp_path: Path
) -> None:
    url, handler = server
    data = tmp_path / "data"
    repo = _workflow(tmp_path)
    before = _cachekit(data, "explain", str(repo))
    assert "actions/cache@v9.0.0 is newer than the snapshot of" in before.stdout
    assert "3.99.0" not in before.stdout
    assert "setup-go-Linux-x64-ubuntu24-go-\u2039go version\u203a-" in before.stdout
    assert "Linux-\u2039runner.arch\u203a-k" in before.stdout  # Linux by its name only

    done = _cachekit(data, "data", "update", "--api-url", f"{url}/api", "--raw-url", f"{url}/raw")
    assert done.returncode == 0, done.stderr
    assert f"action-releases  describes {NEW_DATE}" in done.stdout
    assert "new releases: actions/cache@v9.0.0" in done.stdout
    written = json.loads((data / "action-releases.json").read_text())
    assert written["actions"]["actions/cache"][-1] == ["v9.0.0", NEW_SHA, "9.9.9", NEW_DATE]
    # releases already in the snapshot were not fetched again: only their tag listings
    assert not any("/raw/actions/setup-node/" in p for p in handler.seen)

    for name in ("python-versions", "go-versions", "runner-labels"):
        assert f"{name:16} describes {NEW_DATE}  -> {data / (name + '.json')}" in done.stdout
    labels = json.loads((data / "runner-labels.json").read_text())
    assert labels["source"]["commit"] == IMAGES_SHA
    assert labels["labels"]["ubuntu-latest"]["alias_of"] == "ubuntu-28.04"
    go = json.loads((data / "go-versions.json").read_text())
    assert go["source"]["commit"] == GO_SHA and go["releases"][1][0] == "1.99.2"

    shown = _cachekit(data, "data", "show")
    assert f"action-releases  {NEW_DATE}  {data / 'action-releases.json'}" in shown.stdout
    for name, source in snapshots.SOURCES.items():
        assert f"{name:16} {NEW_DATE}  {data / (name + '.json')}  ({source})" in shown.stdout
    after = _cachekit(data, "explain", str(repo))
    assert after.returncode == 0, after.stderr
    assert "newer than the snapshot" not in after.stdout
    assert "Python 3.99.0" in after.stdout or "3.99.0" in after.stdout
    # ubuntu-latest is now the fixture's ubuntu-28.04 image, whose tool cache has Go 1.99.0
    assert "setup-go-Linux-x64-ubuntu28-go-1.99.0-" in after.stdout
    assert "Linux-X64-k" in after.stdout  # ubuntu-30.04 is in the table now


@pytest.mark.parametrize(
    ("path", "status", "body", "message"),
    [
        ("/api/repos/actions/setup-go/tags?per_page=100&page=1", 500, b"oops", "HTTP 500"),
        ("/api/repos/actions/setup-go/tags?per_page=100&page=1", 200, b"<html>", "not JSON"),
        (f"/api/repos/actions/cache/commits/{NEW_SHA}", 200, b"{}", "no commit date"),
    ],
)
def test_a_failed_answer_exits_3_and_changes_nothing(
    server: tuple[str, type[_Handler]],
    tmp_path: Path,
    path: str,
    status: int,
    body: bytes,
    message: str,
) -> None:
    url, handler = server
    data = tmp_path / "data"
    data.mkdir()
    previous = '{"fetched": "2000-01-01"}\n'
    (data / "action-releases.json").write_text(previous)
    handler.broken[path] = (status, body)
    done = _cachekit(data, "data", "update", "--api-url", f"{url}/api", "--raw-url", f"{url}/raw")
    assert done.returncode == 3
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert (data / "action-releases.json").read_text() == previous
    assert not (data / "python-versions.json").exists()
    assert sorted(p.name for p in data.iterdir()) == ["action-releases.json"]


def test_an_older_or_broken_update_never_replaces_the_bundled_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHEKIT_DATA_DIR", str(tmp_path))
    bundled = snapshots._bundled("action-releases")
    (tmp_path / "action-releases.json").write_text('{"fetched": "1999-01-01", "actions": {}}')
    assert snapshots.read_snapshot("action-releases") == bundled
    (tmp_path / "action-releases.json").write_text("not json")
    assert snapshots.read_snapshot("action-releases") == bundled
    assert snapshots.snapshot_in_force("action-releases")[0] == "bundled"


def test_no_network_is_needed_to_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command but `data update` reads snapshots from disk only."""
    monkeypatch.setenv("CACHEKIT_DATA_DIR", str(tmp_path / "missing"))
    assert json.loads(snapshots.read_snapshot("python-versions"))["releases"]


def test_data_update_offers_every_snapshot() -> None:
    """The CLI lists its choices without importing the snapshots module (start-up time)."""
    from cachekit.cli.data import update_command  # noqa: PLC0415

    (only,) = [p for p in update_command.params if p.name == "only"]
    assert list(only.type.choices) == list(snapshots.SNAPSHOTS)  # type: ignore[attr-defined]
    assert set(snapshots.SOURCES) == set(snapshots.SNAPSHOTS)
