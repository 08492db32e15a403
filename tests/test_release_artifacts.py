"""Which jobs build what a release ships (cache-poisoning, issue #12): artifact names matched
between upload and download, publish words that are only printed, and caches a release
pipeline switches off for the tag run that releases."""

from __future__ import annotations

from pathlib import Path

import pytest
from treebuild import build

from cachekit.checks import check
from cachekit.checks.releases import _conjuncts, _may_match


def poisoned(root: Path) -> set[str]:
    return {f.job for f in check(str(root)).findings if f.code == "cache-poisoning"}


CACHED = """\
    steps:
      - uses: actions/cache@v4
        with: {{path: ~/.cache/pip, key: {job}-v1}}
      - uses: actions/upload-artifact@v4
        with:
          name: {name}
          path: out
"""


def _pipeline(download: str) -> str:
    """Three jobs that upload (a wheel, a matrix of wheels, coverage), a gate, a publisher."""
    jobs = {
        "wheel": "dist",
        "legs": "dist-${{ matrix.os }}",
        "coverage": "coverage-${{ matrix.os }}",
    }
    text = "on: push\njobs:\n"
    for job, name in jobs.items():
        text += f"  {job}:\n    runs-on: ubuntu-latest\n"
        text += "    strategy: {matrix: {os: [linux, mac]}}\n"
        text += CACHED.format(job=job, name=name)
    return text + (
        "  check:\n    needs: [wheel, legs, coverage]\n    runs-on: ubuntu-latest\n"
        "    steps: [{run: 'true'}]\n"
        "  publish:\n    needs: check\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/download-artifact@v4\n{download}"
        "      - run: twine upload dist/*\n"
    )


@pytest.mark.parametrize(
    ("download", "feeding"),
    [
        ("        with: {name: dist}\n", {"wheel"}),
        ("        with: {pattern: dist-*, merge-multiple: true}\n", {"legs"}),
        ("        with: {pattern: 'dist*'}\n", {"wheel", "legs"}),
        ("", {"wheel", "legs", "coverage"}),  # no name: every artifact of the run
        ("        with:\n          name: ${{ inputs.what }}\n", {"wheel", "legs", "coverage"}),
        (
            "        with:\n          artifact-ids: ${{ needs.x.outputs.id }}\n",
            {"wheel", "legs", "coverage"},
        ),
    ],
)
def test_a_job_builds_the_release_only_when_its_artifact_is_downloaded(
    tmp_path: Path, download: str, feeding: set[str]
) -> None:
    """A job behind a gate (`check`) that uploads coverage does not build what is shipped; one
    whose artifact the publisher downloads does (by name, glob, or 'all artifacts'); a name
    only known at run time, or artifact ids, read anything (conservative)."""
    build(tmp_path, {".github/workflows/ci.yml": _pipeline(download)})
    assert poisoned(tmp_path) == feeding


def test_a_job_between_that_downloads_passes_the_artifact_on(tmp_path: Path) -> None:
    """`build` uploads `wheel`; `bundle` downloads it and uploads `dist`, which the publisher
    reads: both build the release. `docs` uploads `site`, read by nothing on the way."""
    text = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {path: ~/.cache/pip, key: build-v1}
      - uses: actions/upload-artifact@v4
        with: {name: wheel, path: w}
  docs:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {path: ~/.cache/pip, key: docs-v1}
      - uses: actions/upload-artifact@v4
        with: {name: site, path: s}
  bundle:
    needs: [build, docs]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: {name: wheel}
      - uses: actions/upload-artifact@v4
        with: {path: dist}
  publish:
    needs: bundle
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: {name: artifact}
      - run: twine upload dist/*
"""
    build(tmp_path, {".github/workflows/ci.yml": text})
    assert poisoned(tmp_path) == {"build"}  # bundle restores no cache; docs is not read


OIDC = """\
on: push
permissions: {{id-token: write}}
jobs:
  pr:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {{path: ~/.cargo/registry, key: cargo-v1}}
      - run: |
          if ! git diff --quiet; then
            echo "the branch changed; refusing to publish the fix." >&2
            exit 1
          fi
          {command}
"""


@pytest.mark.parametrize(
    ("command", "release"),
    [
        ("gh pr create --fill  # publish the fix as a pull request", False),
        ("printf 'publish=%s\\n' true >> \"$GITHUB_OUTPUT\"", False),
        ("./scripts/release.sh --publish", True),
        ('out="$(./scripts/release.sh --publish)"', True),
        ('bash -c "npm publish --access public"', True),
        ('echo "next: npm publish"', False),
    ],
)
def test_publish_only_printed_or_commented_is_no_release(
    tmp_path: Path, command: str, release: bool
) -> None:
    """With an OIDC token, a script run with a publish verb publishes; the word in an `echo`
    message, a comment or a quoted string does not (a job that only opens a pull request)."""
    build(tmp_path, {".github/workflows/ci.yml": OIDC.format(command=command)})
    assert poisoned(tmp_path) == ({"pr"} if release else set())


TAGGED = """\
on:
  push:
    branches: [main]
    tags: ["v*"]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: astral-sh/setup-uv@v6.1.0
        with:
          enable-cache: {enable}
      - uses: actions/upload-artifact@v4
        with: {{name: dist, path: dist}}
  release:
    needs: build
    if: needs.build.result == 'success' && startsWith(github.ref, 'refs/tags/')
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: {{name: dist}}
      - run: uv publish dist/*
"""


@pytest.mark.parametrize(
    ("enable", "release"),
    [
        ("${{ !startsWith(github.ref, 'refs/tags/') }}", False),
        ("${{ github.ref_type != 'tag' }}", False),
        ("true", True),
    ],
)
def test_cache_switched_off_for_the_tag_that_releases(
    tmp_path: Path, enable: str, release: bool
) -> None:
    """The publisher runs only for a tag; a cache enabled only for branches restores nothing
    in the run that releases."""
    build(tmp_path, {".github/workflows/ci.yml": TAGGED.format(enable=enable)})
    assert poisoned(tmp_path) == ({"build"} if release else set())


@pytest.mark.parametrize(
    ("upload", "download", "match"),
    [
        ("dist", "dist", True),
        ("dist", "dist-*", False),
        ("dist-linux", "dist-*", True),
        ("coverage-*", "pydantic_core_*", False),
        ("core_*_wheel", "core_linux_*", True),
        ("coverage-*", "*", True),
    ],
)
def test_artifact_globs(upload: str, download: str, match: bool) -> None:
    assert _may_match(upload, download) is match


def test_conjuncts_split_only_at_the_top_level() -> None:
    assert _conjuncts("${{ a && (b || c && d) && contains('x && y', z) }}") == [
        "a",
        "(b || c && d)",
        "contains('x && y', z)",
    ]


def test_a_publisher_that_downloads_nothing_known_may_read_anything(tmp_path: Path) -> None:
    """No download step this module reads: whatever it ships reaches it another way, so every
    uploading job before it stays a release build (conservative)."""
    text = _pipeline("").replace("      - uses: actions/download-artifact@v4\n", "")
    build(tmp_path, {".github/workflows/ci.yml": text})
    assert poisoned(tmp_path) == {"wheel", "legs", "coverage"}
