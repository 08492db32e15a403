"""The false-positive and miss classes found by labelling ``check`` on real repositories
(issue #12, benchmarks/corpus/labels.toml): each as the smallest workflow that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from treebuild import build

from cachekit.caches import hosted_runner
from cachekit.caches.gos import load_go_manifest
from cachekit.checks import check
from cachekit.errors import CachekitError
from cachekit.explain import explain
from cachekit.fs.trees import WorkTree
from cachekit.hashing.hashfiles import hash_files
from cachekit.suggest import suggest


def codes(root: Path) -> dict[str, str]:
    """code -> severity of every finding on the tree."""
    return {f.code: f.severity for f in check(str(root)).findings}


COMPOSITE = """\
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
      with:
        path: x
        key: k-${{ hashFiles('nothing-here.txt') }}
"""


def test_local_action_under_a_checkout_path_is_this_repositorys(tmp_path: Path) -> None:
    """`uses: ./src/.github/actions/x` after a checkout at `path: src` is `.github/actions/x`
    (item 4): found and walked, not 'no action.yml'."""
    build(
        tmp_path,
        {
            ".github/actions/x/action.yml": COMPOSITE,
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          path: src
      - uses: ./src/.github/actions/x
""",
        },
    )
    found = check(str(tmp_path)).findings
    assert not [f for f in found if f.code == "workflow-problem"]
    # the composite was walked: its cache step is reported at the action file's line
    assert any(f.file == ".github/actions/x/action.yml" for f in found)


def test_local_action_in_another_repositorys_checkout_is_not_a_problem(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          repository: other/infra
          path: infra
      - uses: ./infra/.github/actions/setup
      - uses: ./missing/action
""",
        },
    )
    problems = [f.message for f in check(str(tmp_path)).findings if f.code == "workflow-problem"]
    # the other repository's action is unknowable; a missing action of our own still is a problem
    assert problems == ["./missing/action: no action.yml in the local action"]


def test_checkout_at_an_unknown_path_keeps_the_foreign_workspace(tmp_path: Path) -> None:
    """A checkout of this repository at `path: ${{ github.repository }}` does not put this
    repository's files back at the workspace root."""
    build(
        tmp_path,
        {
            "requirements.txt": "x==1\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          repository: other/site
      - uses: actions/checkout@v4
        with:
          path: ${{ github.repository }}
      - uses: actions/cache@v4
        with:
          path: x
          key: k-${{ hashFiles('requirements.txt') }}
""",
        },
    )
    assert codes(tmp_path).get("hashfiles-unknowable") == "note"


def test_unknowable_hashfiles_and_large_walks_are_notes(tmp_path: Path) -> None:
    """Nothing is wrong in a workflow whose hashFiles reads another repository's checkout, or
    walks node_modules: both are notes (the code table says so), never warnings."""
    build(
        tmp_path,
        {
            "package.json": "{}\n",
            "yarn.lock": "\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  other:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          repository: other/site
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
          cache-dependency-path: site/package-lock.json
  walk:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: yarn install --frozen-lockfile
      - uses: actions/cache@v4
        with:
          path: .eslintcache
          key: lint-${{ hashFiles('**/yarn.lock') }}
""",
        },
    )
    found = codes(tmp_path)
    assert found.get("hashfiles-unknowable") == "note"
    assert found.get("walks-large-tree") == "note"
    assert "workflow-problem" not in found


def test_pyproject_with_only_tool_tables_is_not_an_install_input(tmp_path: Path) -> None:
    """`pip install -e .[test]` with dependencies in setup.py: a pyproject.toml holding only
    [tool.ruff] declares nothing the install reads (item 15), so hashing setup.py is enough;
    one with [project] dependencies is an input."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='p', install_requires=['a==1'])\n",
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: setup.py
      - run: pip install -e .[test]
""",
    }
    build(tmp_path, files)
    assert "setup-cache-misses-input" not in codes(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\ndependencies = ['b==2']\n")
    assert "setup-cache-misses-input" in codes(tmp_path)


def test_setup_action_on_an_unknown_runner_gets_no_input_verdict(tmp_path: Path) -> None:
    """On a self-hosted runner group the setup action's key is not built; it still hashes its
    cache-dependency-path, so 'the key does not hash setup.py' would be false."""
    build(
        tmp_path,
        {
            "setup.py": "from setuptools import setup\nsetup(name='p', install_requires=['a'])\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on:
      group: gpu-runners
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: setup.py
      - run: pip install -e .
""",
        },
    )
    found = codes(tmp_path)
    assert "setup-cache-misses-input" not in found and found.get("runner-unknown") == "note"


DATED = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Get date
        id: get-date
        run: echo "today=$(/bin/date -u {fmt})" >> $GITHUB_OUTPUT
      - uses: actions/cache@v4
        with:
          path: x
          key: k-${{{{ steps.get-date.outputs.today }}}}
"""


def test_a_calendar_date_rotates_a_key_on_purpose(tmp_path: Path) -> None:
    """`date -u '+%Y%m%d'` (or a year-week) refreshes the cache daily/weekly: every run of the
    day hits, so it is no volatile-key; a clock time (or `date` without a format) is."""
    verdicts = {}
    for fmt in ("'+%Y%m%d'", '"+%Y-%U"', "+%s", "'+%Y-%m-%dT%H:%M'", ""):
        root = tmp_path / str(len(verdicts))
        build(root, {".github/workflows/ci.yml": DATED.format(fmt=fmt)})
        verdicts[fmt] = "volatile-key" in codes(root)
    assert verdicts == {
        "'+%Y%m%d'": False,
        '"+%Y-%U"': False,
        "+%s": True,
        "'+%Y-%m-%dT%H:%M'": True,
        "": True,
    }


def test_per_commit_key_restored_by_a_later_job_of_the_run_is_a_hand_off(tmp_path: Path) -> None:
    """`key: ${{ github.sha }}` saved by one job and restored by a job that needs it (item 17)
    passes files along the run: no volatile-key on either; without needs: it is reported."""
    text = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: dist
          key: ${{ github.sha }}
  test:
    runs-on: ubuntu-latest
    NEEDS
    steps:
      - uses: actions/cache/restore@v4
        with:
          path: dist
          key: ${{ github.sha }}
"""
    build(tmp_path / "a", {".github/workflows/ci.yml": text.replace("NEEDS", "needs: build")})
    build(tmp_path / "b", {".github/workflows/ci.yml": text.replace("NEEDS", "env: {A: b}")})
    assert "volatile-key" not in codes(tmp_path / "a")
    assert "volatile-key" in codes(tmp_path / "b")


def test_flatpak_data_under_local_share_is_no_python_environment(tmp_path: Path) -> None:
    """~/.local is pip's --user base, but ~/.local/share/flatpak holds flatpak runtimes: no
    interpreter or OS verdicts for it (a Python venv under ~/.local still gets them)."""
    text = """\
on: push
jobs:
  t:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: PATH
          key: flatpak-v1
      - run: pip install --user requests==2.31.0
"""
    build(
        tmp_path / "a", {".github/workflows/ci.yml": text.replace("PATH", "~/.local/share/flatpak")}
    )
    build(tmp_path / "b", {".github/workflows/ci.yml": text.replace("PATH", "~/.local")})
    assert not {"interpreter-not-in-key", "os-not-in-key"} & set(codes(tmp_path / "a"))
    assert "os-not-in-key" in codes(tmp_path / "b")


def test_cross_os_restore_reads_what_another_leg_saves(tmp_path: Path) -> None:
    """A restore with enableCrossOsArchive: true on Windows reads the entry the Linux leg saves
    (the save runs there only): no path-mismatch; with another path list it still is one."""
    text = """\
on: push
jobs:
  t:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    steps:
      - uses: actions/cache/restore@v4
        with:
          path: models
          key: models-${{ github.run_id }}
          restore-keys: models-
          enableCrossOsArchive: true
      - uses: actions/cache/save@v4
        if: matrix.os == 'ubuntu-latest'
        with:
          path: SAVED
          key: models-${{ github.run_id }}
"""
    build(tmp_path / "a", {".github/workflows/ci.yml": text.replace("SAVED", "models")})
    build(tmp_path / "b", {".github/workflows/ci.yml": text.replace("SAVED", "./models")})
    assert "path-mismatch" not in codes(tmp_path / "a")
    assert "path-mismatch" in codes(tmp_path / "b")


GO_JOB = """\
on: push
jobs:
  t:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@{ref}
        with:
          go-version-file: {file}
"""


def test_go_version_file_is_read_like_setup_go_reads_it(tmp_path: Path) -> None:
    """go-version-file (item 2): go.mod's toolchain line from v6 on, else its go line;
    .tool-versions' golang entry. An exact version is in the key; `go 1.22` resolves as
    setup-go resolves it: the image has no 1.22, so the newest 1.22 of the Go manifest."""
    newest = next(r.version for r in load_go_manifest().releases if r.version[:5] == "1.22.")
    cases = {
        ("v6", "go.mod", "module m\n\ngo 1.22.5\n\ntoolchain go1.22.6\n"): "go-1.22.6-",
        ("v5", "go.mod", "module m\n\ngo 1.22.5\n\ntoolchain go1.22.6\n"): "go-1.22.5-",
        ("v5", ".tool-versions", "nodejs 20.1.0\ngolang 1.23.4\n"): "go-1.23.4-",
        ("v5", "go.mod", "module m\n\ngo 1.22\n"): f"go-{newest}-",
    }
    for n, ((ref, name, text), expected) in enumerate(cases.items()):
        root = tmp_path / str(n)
        build(
            root,
            {
                name: text,
                "go.sum": "x v1.0.0 h1:abc=\n",
                ".github/workflows/ci.yml": GO_JOB.format(ref=ref, file=name),
            },
        )
        (cache,) = explain(str(root)).caches
        if expected is None:
            assert not cache.key_known
        else:
            assert cache.key_known and expected in cache.key, (name, ref, cache.key)


def test_hosted_labels_newer_than_the_table_give_os_and_arch_by_name() -> None:
    """Item 3: macos-26-intel is in the table; a label with a known prefix the table does not
    have still gives runner.os, and runner.arch only where a suffix says it (-arm, -intel,
    macOS -large/-xlarge); anything else stays unknown."""

    def seen(label: str) -> tuple[str, str | None]:
        env = hosted_runner(label)
        return env.os, env.arch if env.arch_known else None

    got = {
        label: seen(label)
        for label in (
            "macos-26-intel",
            "macos-27",
            "ubuntu-28.04-arm",
            "windows-2028",
            "macos-27-large",
            "macos-27-xlarge",
            "ubuntu-latest-8-cores",
        )
    }
    assert got == {
        "macos-26-intel": ("macOS", "X64"),
        "macos-27": ("macOS", None),
        "ubuntu-28.04-arm": ("Linux", "ARM64"),
        "windows-2028": ("Windows", None),
        "macos-27-large": ("macOS", "X64"),
        "macos-27-xlarge": ("macOS", "ARM64"),
        "ubuntu-latest-8-cores": ("Linux", None),
    }
    assert "not in cachekit's runner table" in hosted_runner("macos-27").source
    for label in ("blacksmith-4vcpu-ubuntu-2404", "linux-x86-n4-64", "gpu", "self-hosted"):
        with pytest.raises(CachekitError):
            hosted_runner(label)


def test_legacy_cache_action_is_reported_by_check(tmp_path: Path) -> None:
    """Item 12: actions/cache@v2 (legacy cache service, retired 2025) fails the step; check
    says so (explain only had a note). v4 is silent."""
    text = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@REF
        with:
          path: x
          key: k-${{ runner.os }}
"""
    build(tmp_path / "old", {".github/workflows/ci.yml": text.replace("REF", "v2")})
    build(tmp_path / "new", {".github/workflows/ci.yml": text.replace("REF", "v4")})
    assert codes(tmp_path / "old").get("deprecated-action") == "error"
    assert "deprecated-action" not in codes(tmp_path / "new")


def test_literal_key_is_never_refreshed(tmp_path: Path) -> None:
    """Item 11: `key: v1` saves once and restores that entry forever (a note); a key with
    any part that can change is not reported."""
    text = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: .tmp/puppeteer
          key: KEY
"""
    build(tmp_path / "a", {".github/workflows/ci.yml": text.replace("KEY", "v1")})
    build(tmp_path / "b", {".github/workflows/ci.yml": text.replace("KEY", "v1-${{ runner.os }}")})
    assert codes(tmp_path / "a").get("key-never-refreshed") == "note"
    assert "key-never-refreshed" not in codes(tmp_path / "b")


def test_trusted_publishing_job_running_a_publish_script_is_a_release(tmp_path: Path) -> None:
    """A job with `id-token: write` (npm/PyPI trusted publishing) that runs a script with a
    publish verb publishes what it builds: restoring a cache there is cache-poisoning. The
    same job without the token, or without a publish step, is not a release job."""
    text = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      id-token: TOKEN
    steps:
      - uses: actions/checkout@v4
      - uses: actions/cache@v4
        with:
          path: ~/.local/share/pnpm/store
          key: ${{ runner.os }}-pnpm-${{ hashFiles('**/pnpm-lock.yaml') }}
      - run: make assets
      - run: ./scripts/ui_release.sh --publish
"""
    files = {"pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}
    build(tmp_path / "a", {**files, ".github/workflows/ci.yml": text.replace("TOKEN", "write")})
    build(tmp_path / "b", {**files, ".github/workflows/ci.yml": text.replace("TOKEN", "none")})
    assert codes(tmp_path / "a").get("cache-poisoning") == "error"
    assert "cache-poisoning" not in codes(tmp_path / "b")


def test_github_workflow_and_job_are_known(tmp_path: Path) -> None:
    """The runner fills github.workflow (the name, else the file's path) and github.job (the
    job's id): a key built from them is known, not a silent '' (numpy's ccache keys)."""
    build(
        tmp_path,
        {
            ".github/workflows/ci.yml": """\
name: Build
on: push
jobs:
  linux:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: .ccache
          key: ${{ github.workflow }}-${{ github.job }}-ccache
""",
        },
    )
    (cache,) = explain(str(tmp_path)).caches
    assert cache.key == "Build-linux-ccache"


def test_expressions_in_run_are_substituted_before_the_shell(tmp_path: Path) -> None:
    """Item 1: `${{ }}` in run: is the runner's, not the shell's: the output and the env
    variable are known (`v1-<digest>`); `$(…)` stays run-time."""
    build(
        tmp_path,
        {
            "go.sum": "example.com/m v1.0.0 h1:abc=\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - id: k
        run: |
          echo "key=v1-${{ hashFiles('go.sum') }}" >> "$GITHUB_OUTPUT"
          echo "OS_TAG=${{ runner.os }}-go" >> "$GITHUB_ENV"
          echo "late=$(date +%s)" >> "$GITHUB_OUTPUT"
      - uses: actions/cache@v4
        with:
          path: ~/go/pkg/mod
          key: ${{ env.OS_TAG }}-${{ steps.k.outputs.key }}
      - uses: actions/cache@v4
        with:
          path: ~/go/pkg/mod2
          key: ${{ steps.k.outputs.late }}
""",
        },
    )
    known, late = explain(str(tmp_path)).caches
    digest = hash_files_digest(tmp_path, "go.sum")
    assert known.key_known and known.key == f"Linux-go-v1-{digest}"
    assert not late.key_known


def hash_files_digest(root: Path, pattern: str) -> str:
    return hash_files(WorkTree(str(root)), [pattern]).digest


VENV_MATRIX = """\
on: push
jobs:
  t:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [OSES]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        id: py
        with:
          python-version: "3.12.3"
      - uses: actions/cache@v4
        with:
          path: .venv
          key: v-${{ runner.os }}-${{ steps.py.outputs.python-version }}-${{ hashFiles('r.txt') }}
      - run: python -m venv .venv && .venv/bin/pip install -r r.txt
"""


def test_os_only_matrix_with_runner_os_in_the_key_has_no_arch_collision(tmp_path: Path) -> None:
    """Item 14: ubuntu (x64) and macos-latest (arm64) differ in architecture, but runner.os in
    the key already keeps them apart; two architectures of one OS still collide."""
    for name, oses in (
        ("a", "ubuntu-latest, macos-latest, windows-latest"),
        ("b", "ubuntu-24.04, ubuntu-24.04-arm"),
    ):
        build(
            tmp_path / name,
            {
                "r.txt": "requests==2.31.0\n",
                ".github/workflows/ci.yml": VENV_MATRIX.replace("OSES", oses),
            },
        )
    assert "arch-not-in-key" not in codes(tmp_path / "a")
    assert "arch-not-in-key" in codes(tmp_path / "b")


def test_content_addressed_build_caches_get_no_input_verdict(tmp_path: Path) -> None:
    """Item 16: ccache, sccache and Go's build cache address entries by their inputs: an old
    entry cannot be wrong, only less useful, so a key without the job's lock files is fine;
    the same key over a venv the job builds is an input-not-in-key error."""
    text = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12.3"
      - uses: actions/cache@v4
        with:
          path: PATHS
          key: build-${{ runner.os }}-${{ hashFiles('setup.py') }}
      - run: python -m venv .venv && .venv/bin/pip install -r requirements.txt
"""
    files = {"requirements.txt": "requests==2.31.0\n", "setup.py": "from setuptools import setup\n"}
    paths = "|\n            ~/.ccache\n            ~/.cache/sccache\n            ~/.cache/go-build"
    build(tmp_path / "a", {**files, ".github/workflows/ci.yml": text.replace("PATHS", paths)})
    build(tmp_path / "b", {**files, ".github/workflows/ci.yml": text.replace("PATHS", ".venv")})
    assert "input-not-in-key" not in codes(tmp_path / "a")
    assert codes(tmp_path / "b").get("input-not-in-key") == "error"


def test_uv_pip_install_over_requirements_gets_uvs_cache(tmp_path: Path) -> None:
    """`uv pip install -r requirements.txt` in a pip project: the proposal caches uv's cache
    keyed on every file the installs read, not ~/.cache/pip (which uv never fills; check then
    reported the suggested step as path-never-populated on diffusers)."""
    build(
        tmp_path,
        {
            "requirements.txt": "requests==2.31.0\n",
            "bench/requirements.txt": "rich==13.7.0\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pipx install uv
      - run: |
          uv pip install --system -r requirements.txt
          uv pip install --system -r bench/requirements.txt
""",
        },
    )
    result = suggest(str(tmp_path))
    (proposal,) = result.proposals
    # (a setup-uv step with `enable-cache: false` is now left off on purpose: #12 item 23's
    # corpus, so the job installs uv itself and gets a cache step)
    assert (proposal.action, proposal.manager) == ("add-step", "uv")
    assert proposal.step["with"]["path"] == "~/.cache/uv"
    assert "hashFiles('bench/requirements.txt', 'requirements.txt')" in proposal.step["with"]["key"]
    assert not result.residual


def test_no_second_cache_where_an_action_already_caches(tmp_path: Path) -> None:
    """Item 20: Swatinem/rust-cache (here inside a composite action) already caches cargo's
    registry: suggest keeps the job; without it a cargo cache is proposed."""
    files = {
        "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
        "Cargo.lock": "version = 3\n",
        ".github/actions/rust/action.yml": """\
runs:
  using: composite
  steps:
    - uses: Swatinem/rust-cache@v2
""",
    }
    text = """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      SETUP
      - run: cargo test --locked
"""
    build(
        tmp_path / "a",
        {
            **files,
            ".github/workflows/ci.yml": text.replace("SETUP", "- uses: ./.github/actions/rust"),
        },
    )
    build(tmp_path / "b", {**files, ".github/workflows/ci.yml": text.replace("      SETUP\n", "")})
    kept = suggest(str(tmp_path / "a"))
    assert not kept.proposals and any("Swatinem/rust-cache" in k for k in kept.kept)
    assert [p.manager for p in suggest(str(tmp_path / "b")).proposals] == ["cargo"]


def test_no_cache_on_top_of_a_projects_own_caching_action(tmp_path: Path) -> None:
    """A project's setup action given a cache input (prometheus/promci-setup with
    cache_key_suffix) caches what cachekit cannot see: suggest adds nothing (item 20)."""
    build(
        tmp_path,
        {
            "go.mod": "module m\n\ngo 1.22.5\n",
            "go.sum": "x v1.0.0 h1:abc=\n",
            ".github/workflows/ci.yml": """\
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: example/ci-setup@v1
        with:
          cache_key_suffix: race
      - run: go test ./...
""",
        },
    )
    result = suggest(str(tmp_path))
    assert not result.proposals and any("example/ci-setup" in k for k in result.kept)


def test_release_gates_and_dry_runs_are_not_release_builds(tmp_path: Path) -> None:
    """A job a release `needs:` only as a gate (it hands no artifact on) does not build what is
    shipped, and `cargo publish --dry-run` publishes nothing: no cache-poisoning there. The
    build job whose artifact the publisher downloads (through a gate) still is one."""
    text = """\
on:
  push:
    tags: ["v*"]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {path: ~/.cache/pip, key: lint-v1}
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {path: ~/.cache/pip, key: build-v1}
      - uses: actions/upload-artifact@v4
        with: {name: dist, path: dist}
  smoke:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
  publish:
    needs: [lint, smoke]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - run: twine upload dist/*
  dry:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with: {path: ~/.cargo/registry, key: cargo-v1}
      - run: cargo publish --dry-run
"""
    build(tmp_path, {".github/workflows/ci.yml": text})
    poisoned = {f.job for f in check(str(tmp_path)).findings if f.code == "cache-poisoning"}
    assert poisoned == {"build"}
