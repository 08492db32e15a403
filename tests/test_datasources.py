"""Runner labels and the Go manifest: built from upstream files, looked up, resolved.

The upstream files are the minimal fixtures of ``upstream_fixtures``; the same builders run in
``scripts/update_snapshots.py`` (on a git repository made here) and in ``data update`` (over
HTTP, tests/test_snapshots.py), and both must write the same snapshot.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gitutil import ENV, commit_all, init
from hypothesis import given
from hypothesis import strategies as st
from upstream_fixtures import GO_FILES, RUNNER_FILES

from cachekit import datasources
from cachekit.caches import hosted_runner, label_os, runners
from cachekit.caches.gos import GoManifest, GoRelease, resolve_go
from cachekit.caches.model import runner_env
from cachekit.errors import CachekitError

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "update_snapshots.py"


def _read(files: dict[str, str]) -> datasources.Read:
    return files.get


def _labels(previous: dict[str, Any] | None = None) -> dict[str, Any]:
    return datasources.runner_labels(_read(RUNNER_FILES), "c" * 40, "2031-02-03", previous)


# -- building the runner-labels snapshot ---------------------------------------------------------


def test_the_readme_table_gives_each_label_its_os_arch_and_image() -> None:
    data = _labels()
    assert data["source"] == {
        "repository": "actions/runner-images",
        "path": "README.md",
        "commit": "c" * 40,
        "commit_date": "2031-02-03",
    }
    got = {
        label: (e["os"], e["arch"], e["image_os"], e["release"], e["status"])
        for label, e in data["labels"].items()
    }
    assert got == {
        "ubuntu-30.04": ("Linux", "X64", "ubuntu30", "30.04", "preview"),
        "ubuntu-30.04-arm": ("Linux", "ARM64", "ubuntu30", "30.04", "preview"),
        "ubuntu-28.04": ("Linux", "X64", "ubuntu28", "28.04", "ga"),
        "ubuntu-latest": ("Linux", "X64", "ubuntu28", "28.04", "ga"),
        "ubuntu-slim": ("Linux", "X64", "Linux", "28.04", "ga"),  # ImageOS from its Dockerfile
        "macos-30-intel": ("macOS", "X64", "macos30", None, "ga"),
        "macos-30-large": ("macOS", "X64", "macos30", None, "ga"),
        "macos-latest-large": ("macOS", "X64", "macos30", None, "ga"),
        "macos-30": ("macOS", "ARM64", "macos30", None, "ga"),
        "macos-30-xlarge": ("macOS", "ARM64", "macos30", None, "ga"),
        "macos-latest": ("macOS", "ARM64", "macos30", None, "ga"),
        "macos-latest-xlarge": ("macOS", "ARM64", "macos30", None, "ga"),  # GitHub's sized -latest
        "macos-29": ("macOS", "ARM64", "macos29", None, "deprecated"),
        "windows-2031": ("Windows", "X64", "win31", None, "ga"),
        "windows-latest": ("Windows", "X64", "win31", None, "ga"),
        "windows-11-arm": ("Windows", "ARM64", None, None, "ga"),
    }
    labels = data["labels"]
    assert labels["ubuntu-latest"]["alias_of"] == "ubuntu-28.04"
    assert labels["macos-latest-large"]["alias_of"] == "macos-30-intel"
    assert labels["macos-latest-xlarge"]["alias_of"] == "macos-30-xlarge"
    assert "alias_of" not in labels["ubuntu-28.04"]
    assert labels["ubuntu-28.04"]["go"] == ["1.98.3", "1.99.0"]
    assert labels["ubuntu-28.04"]["python"] == ["3.20.1"]
    assert labels["ubuntu-30.04"]["go"] == []


def test_labels_the_readme_dropped_are_kept_as_retired_and_latest_ones_are_not() -> None:
    previous = {
        "labels": {
            "ubuntu-20.04": {"os": "Linux", "arch": "X64", "status": "ga", "release": "20.04"},
            "ubuntu-latest": {"os": "Linux", "arch": "X64", "alias_of": "ubuntu-20.04"},
        }
    }
    labels = _labels(previous)["labels"]
    assert labels["ubuntu-20.04"]["status"] == "retired"
    assert labels["ubuntu-latest"]["alias_of"] == "ubuntu-28.04"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"README.md": None}, "README.md is missing"),
        ({"images/ubuntu/Ubuntu2804-Readme.md": None}, "Ubuntu2804-Readme.md"),
        ({"README.md": "# nothing here\n"}, "no Available Images table"),
        (
            {"README.md": RUNNER_FILES["README.md"].replace("| x64 | `ubuntu-30.04`", "| z |`a`")},
            "cannot read the row 'Ubuntu 30.04'",
        ),
    ],
)
def test_a_malformed_upstream_file_is_an_error_naming_it(
    change: dict[str, str | None], message: str
) -> None:
    files: dict[str, str | None] = {**RUNNER_FILES, **change}
    with pytest.raises(datasources.SourceError, match=message):
        datasources.runner_labels(files.get, "c" * 40, "2031-02-03")


@given(st.text(max_size=400))
def test_any_readme_text_gives_a_table_or_a_source_error(text: str) -> None:
    files = {**RUNNER_FILES, "README.md": "## Available Images\n" + text}
    try:
        data = datasources.runner_labels(files.get, "c", "d")
    except datasources.SourceError:
        return
    assert all(e["os"] in ("Linux", "macOS", "Windows") for e in data["labels"].values())


# -- looking labels up -----------------------------------------------------------------------------


@pytest.fixture
def fixture_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fixture's runner labels in force, as ``data update`` would leave them."""
    (tmp_path / "runner-labels.json").write_text(json.dumps(_labels()))
    monkeypatch.setenv("CACHEKIT_DATA_DIR", str(tmp_path))
    runners.runner_table.cache_clear()
    yield
    runners.runner_table.cache_clear()


@pytest.mark.usefixtures("fixture_table")
def test_lookups_read_the_snapshot_in_force() -> None:
    latest = hosted_runner("ubuntu-latest")
    assert (latest.os, latest.arch, latest.image_os, latest.distro_release) == (
        "Linux",
        "X64",
        "ubuntu28",
        "28.04",
    )
    assert "taken as ubuntu-28.04; GitHub moves -latest labels" in latest.source
    assert latest.preinstalled_go == ("1.98.3", "1.99.0")
    assert hosted_runner("UBUNTU-30.04-ARM").arch == "ARM64"
    assert hosted_runner("ubuntu-30.04").preinstalled_go is None  # the readme lists no Go
    assert hosted_runner("windows-11-arm").os == "Windows"


@pytest.mark.usefixtures("fixture_table")
def test_a_deprecated_label_is_still_a_runner() -> None:
    env = hosted_runner("macos-29")
    assert (env.os, env.arch) == ("macOS", "ARM64")
    assert "retired" not in env.source


def test_the_bundled_table_has_every_family_and_its_retired_labels() -> None:
    table = runners.runner_table()
    assert {e["os"] for e in table.values()} == {"Linux", "macOS", "Windows"}
    assert table["ubuntu-20.04"]["status"] == "retired"
    assert "retired image" in hosted_runner("ubuntu-20.04").source
    for label, entry in table.items():
        assert entry["arch"] in ("X64", "ARM64"), label
        if "alias_of" in entry:
            assert entry["alias_of"] in table, label


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("ubuntu-99.04", ("Linux", None)),
        ("ubuntu-99.04-arm", ("Linux", "ARM64")),
        ("ubuntu-latest-16-cores", ("Linux", None)),
        ("windows-2099", ("Windows", None)),
        ("windows-99-arm64", ("Windows", "ARM64")),
        ("macos-99", ("macOS", None)),
        ("macos-99-intel", ("macOS", "X64")),
        ("macos-99-large", ("macOS", "X64")),
        ("macos-99-xlarge", ("macOS", "ARM64")),
        ("ubuntu-99.04-large", ("Linux", None)),  # -large is a macOS-only suffix
        ("my-ubuntu-runner", None),
        ("self-hosted", None),
        ("ubuntu", None),
    ],
)
def test_a_known_prefix_gives_runner_os_and_only_a_named_arch(
    label: str, expected: tuple[str, str | None] | None
) -> None:
    assert label_os(label) == expected
    if expected is None:
        with pytest.raises(CachekitError, match="unknown GitHub-hosted runner label"):
            hosted_runner(label)
        return
    env = hosted_runner(label)
    assert (env.os, env.arch if env.arch_known else None) == expected
    assert "not in cachekit's runner table" in env.source


def test_runner_arch_is_unknown_in_expressions_when_the_label_does_not_say_it(
    tmp_path: Path,
) -> None:
    from cachekit.explain import explain  # noqa: PLC0415

    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "on: push\njobs:\n"
        "  a:\n    runs-on: ubuntu-99.04\n    steps:\n      - uses: actions/cache@v4\n"
        "        with: {path: p, key: '${{ runner.os }}-${{ runner.arch }}-k'}\n"
        "  b:\n    runs-on: ubuntu-99.04-arm\n    steps:\n      - uses: actions/cache@v4\n"
        "        with: {path: p, key: '${{ runner.os }}-${{ runner.arch }}-k'}\n"
    )
    a, b = sorted(explain(str(tmp_path)).caches, key=lambda c: c.job)
    assert a.key.startswith("Linux-") and not a.key_known
    assert b.key == "Linux-ARM64-k" and b.key_known


# -- the Go manifest -------------------------------------------------------------------------------


def _go_manifest() -> GoManifest:
    data = datasources.go_versions(_read(GO_FILES), "g" * 40, "2031-02-03")
    assert data["format"] == datasources.GO_FORMAT
    assert data["releases"][1] == [
        "1.99.2",
        True,
        ["linux:x64", "darwin:x64", "win32:x64", "linux:arm64", "darwin:arm64"],
    ]
    releases = tuple(GoRelease(v, s, frozenset(f)) for v, s, f in data["releases"])
    return GoManifest(releases, "g" * 40, "2031-02-03")


LINUX = runner_env("Linux", "X64", "ubuntu28", "28.04", "runs-on: t")
LINUX_ARM = runner_env("Linux", "ARM64", "ubuntu28", "28.04", "runs-on: t")
IMAGE = LINUX.with_tools(go=("1.98.3", "1.99.0"))


@pytest.mark.parametrize(
    ("spec", "runner", "check_latest", "expected"),
    [
        ("stable", LINUX, False, ("1.99.2", "alias")),  # the rc is not stable
        ("oldstable", LINUX, False, ("1.98.4", "alias")),
        ("oldstable", LINUX_ARM, False, ("1.98.3", "alias")),  # 1.98.4 has no arm64 file
        ("1.99.1", IMAGE, False, ("1.99.1", "exact")),
        ("1.99", IMAGE, False, ("1.99.0", "toolcache")),  # the image's, not the newest
        ("^1.98", IMAGE, False, ("1.99.0", "toolcache")),
        ("1.99", IMAGE, True, ("1.99.2", "check-latest")),
        ("1.99", LINUX, False, ("1.99.2", "manifest")),
        ("1.98", LINUX_ARM, False, ("1.98.3", "manifest")),
        ("1.20", LINUX, False, ("1.20.0", "manifest")),
        ("1.101", LINUX, False, None),  # only go.dev's list could say
    ],
)
def test_go_version_resolves_as_setup_go_does(
    spec: str, runner: Any, check_latest: bool, expected: tuple[str, str] | None
) -> None:
    got = resolve_go(spec, runner, check_latest=check_latest, manifest=_go_manifest())
    assert ((got.version, got.basis) if got else None) == expected


def test_the_script_and_data_update_build_the_same_snapshots(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("update_snapshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    dirs = []
    for name, files in (("actions+runner-images", RUNNER_FILES), ("actions+go-versions", GO_FILES)):
        repo = init(tmp_path / name / "repo")
        for path, text in files.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text)
        ENV["GIT_COMMITTER_DATE"] = ENV["GIT_AUTHOR_DATE"] = "2031-02-03T12:00:00Z"
        try:
            commit = commit_all(repo)
        finally:
            del ENV["GIT_COMMITTER_DATE"], ENV["GIT_AUTHOR_DATE"]
        dirs.append((str(repo), commit))
    out = tmp_path / "data"
    out.mkdir()
    assert module.main([d for d, _ in dirs] + ["--data", str(out)]) == 0
    written = json.loads((out / "runner-labels.json").read_text())
    assert written == datasources.runner_labels(_read(RUNNER_FILES), dirs[0][1], "2031-02-03")
    go = json.loads((out / "go-versions.json").read_text())
    assert go == datasources.go_versions(_read(GO_FILES), dirs[1][1], "2031-02-03")
    assert module.main([str(tmp_path / "nothing" / "repo"), "--data", str(out)]) == 1


@given(st.text(max_size=40))
def test_any_go_version_text_resolves_or_is_unknown(spec: str) -> None:
    got = resolve_go(spec, IMAGE, manifest=_go_manifest())
    assert got is None or got.version


@given(st.lists(st.dictionaries(st.sampled_from(["version", "stable", "files"]), st.text())))
def test_any_go_manifest_builds_or_is_a_source_error(entries: list[dict[str, str]]) -> None:
    files = {"versions-manifest.json": json.dumps(entries)}
    try:
        data = datasources.go_versions(files.get, "g", "d")
    except datasources.SourceError:
        return
    assert len(data["releases"]) == len(entries)
