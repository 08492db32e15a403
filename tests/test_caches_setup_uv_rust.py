"""astral-sh/setup-uv and Swatinem/rust-cache through explain, release by release.

Expected keys are written out by hand from each release's ``src/cache/restore-cache.ts`` /
``src/config.ts`` (see the modules' docstrings); digests are computed independently here
(``hashFiles`` = SHA-256 over the files' raw SHA-256 digests, in path order).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from treebuild import build

from cachekit.explain import CacheReport, explain

UV_LOCK = b"version = 1\n"
PYPROJECT = b"[project]\nname = 'x'\n"


def digest(*contents: bytes) -> str:
    outer = hashlib.sha256()
    for c in contents:
        outer.update(hashlib.sha256(c).digest())
    return outer.hexdigest()


def workflow(steps: str, *, runs_on: str = "ubuntu-24.04", env: str = "") -> str:
    return f"on: push\n{env}jobs:\n  test:\n    runs-on: {runs_on}\n    steps:\n{steps}"


def caches(root: Path, files: dict[str, object], **kw) -> list[CacheReport]:
    build(root, files)
    return list(explain(str(root), **kw).caches)


UV_FILES = {"uv.lock": UV_LOCK, "pyproject.toml": PYPROJECT}
UV_HASH = digest(PYPROJECT, UV_LOCK)  # pyproject.toml sorts before uv.lock


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("v6.0.1", f"setup-uv-1-x86_64-unknown-linux-gnu-3.12-{UV_HASH}"),
        ("v6.1.0", f"setup-uv-1-x86_64-unknown-linux-gnu-3.12-pruned-{UV_HASH}"),
        ("v7.1.6", f"setup-uv-2-x86_64-unknown-linux-gnu-ubuntu-24.04-3.12-pruned-{UV_HASH}"),
        ("v9.0.0", f"setup-uv-2-x86_64-unknown-linux-gnu-ubuntu-24.04-3.12-{UV_HASH}"),
    ],
)
def test_setup_uv_key_by_release(tmp_path: Path, ref: str, key: str) -> None:
    steps = f"      - uses: astral-sh/setup-uv@{ref}\n        with:\n          enable-cache: true\n"
    steps += "          python-version: '3.12'\n"
    (cache,) = caches(tmp_path, {".github/workflows/ci.yml": workflow(steps), **UV_FILES})
    assert cache.key == key and cache.key_known
    assert cache.restore_keys == ()
    assert cache.paths == ("/home/runner/work/_temp/setup-uv-cache",)
    assert cache.version  # the path is known, so is the cache version
    assert [f.path for p in cache.parts if p.hash for f in p.hash.files] == [
        "pyproject.toml",
        "uv.lock",
    ]


def test_setup_uv_enable_cache_default_and_auto(tmp_path: Path) -> None:
    steps = "".join(
        f"      - uses: astral-sh/setup-uv@{ref}\n" for ref in ("v4.2.0", "v5.0.0", "v10.0.1")
    )
    files = {".github/workflows/ci.yml": workflow(steps), **UV_FILES}
    found = caches(tmp_path, files)
    assert [c.uses for c in found] == ["astral-sh/setup-uv@v5.0.0", "astral-sh/setup-uv@v10.0.1"]
    # v10's auto is off for a tag push; v5's is not.
    tagged = explain(str(tmp_path), ref="refs/tags/v1.0").caches
    assert [c.uses for c in tagged] == ["astral-sh/setup-uv@v5.0.0"]
    # auto means GitHub-hosted runners only: nothing on a self-hosted one.
    build(tmp_path, {".github/workflows/ci.yml": workflow(steps, runs_on="[self-hosted]")})
    assert explain(str(tmp_path)).caches == ()


def test_setup_uv_inputs_suffix_glob_workdir_python_and_outputs(tmp_path: Path) -> None:
    steps = """\
      - id: uv
        uses: astral-sh/setup-uv@v8.3.0
        with:
          enable-cache: true
          cache-suffix: a b
          cache-dependency-glob: requirements/*.txt
          working-directory: sub
          cache-python: true
          prune-cache: false
      - uses: actions/cache@v4
        with:
          path: x
          key: again-${{ steps.uv.outputs.cache-key }}-${{ env.UV_CACHE_DIR }}
"""
    files = {".github/workflows/ci.yml": workflow(steps), "sub/requirements/a.txt": b"flask\n"}
    uv, python, again = caches(tmp_path, files)
    flask = digest(b"flask\n")
    tail = f"-py-{flask}-a%20b"  # the suffix is encodeURIComponent-ed
    assert uv.key.endswith("-‹python version›" + tail) and not uv.key_known
    assert python.key == uv.key + "-python"
    assert python.paths == ("/home/runner/work/_temp/uv-python-dir",)
    # The key output is unknown with the key; UV_CACHE_DIR is what setup-uv exported.
    assert again.key.endswith("-/home/runner/work/_temp/setup-uv-cache")
    assert "‹" in again.key


def test_setup_uv_failures_are_reported(tmp_path: Path) -> None:
    steps = "      - uses: astral-sh/setup-uv@v8\n        with:\n          enable-cache: true\n"
    steps += (
        "      - uses: astral-sh/setup-uv@v4.0.0\n        with:\n          enable-cache: true\n"
    )
    no_tag, no_match = caches(tmp_path, {".github/workflows/ci.yml": workflow(steps)})
    assert any("no moving major tags" in f.message for f in no_tag.findings)
    assert any(f.code == "step-fails" and "uv.lock" in f.message for f in no_match.findings)
    assert no_tag.key.endswith("-no-dependency-glob")


RUST_FILES = {
    "Cargo.toml": b'[workspace]\nmembers = ["crates/a"]\n',
    "Cargo.lock": b"version = 4\n",
    "crates/a/Cargo.toml": b'[package]\nname = "a"\n',
    "rust-toolchain.toml": b'[toolchain]\nchannel = "1.80"\n',
}


def test_rust_cache_v2_latest_every_part(tmp_path: Path) -> None:
    steps = """\
      - uses: Swatinem/rust-cache@v2
        with:
          prefix-key: v1-rust
          key: clippy
          env-vars: MY_
          workspaces: |
            . -> target
            crates/a -> out
          cache-directories: ~/.cache/sccache
"""
    env = "env:\n  RUSTFLAGS: -Dwarnings\n  MY_FLAG: '1'\n  OTHER: x\n"
    (cache,) = caches(
        tmp_path, {".github/workflows/ci.yml": workflow(steps, env=env), **RUST_FILES}
    )
    assert cache.key == "v1-rust-clippy-test-Linux-x64-‹rust environment hash›-‹lock hash›"
    assert cache.restore_keys == ("v1-rust-clippy-test-Linux-x64-‹rust environment hash›",)
    parts = {p.text: p for p in cache.parts}
    assert parts["github.job"].value == "test"
    env_reason = parts["rust environment hash"].source or ""
    assert "MY_FLAG, RUSTFLAGS" in env_reason and "OTHER" not in env_reason
    lock_reason = parts["lock hash"].source or ""
    assert lock_reason.endswith("Cargo.lock, Cargo.toml, crates/a/Cargo.toml, rust-toolchain.toml")
    assert cache.paths == (
        "/home/runner/.cargo/bin",
        "/home/runner/.cargo/.crates.toml",
        "/home/runner/.cargo/.crates2.json",
        "/home/runner/.cargo/registry",
        "/home/runner/.cargo/git",
        "‹github.workspace›/target",
        "‹github.workspace›/crates/a/out",
        "~/.cache/sccache",
    )
    assert cache.version is None  # the workspace's absolute path is not known offline


HASHES = "‹rust environment hash›-‹lock hash›"


@pytest.mark.parametrize(
    ("ref", "with_", "key", "kind"),
    [
        ("v2.7.3", "", "v0-rust-test-‹rust environment hash›-‹lock hash›", "restore+save"),
        (
            "v2.9.2",
            "shared-key: s",
            "v0-rust-s-Linux-x64-‹rust environment hash›-‹lock hash›",
            None,
        ),
        (
            "v2.9.2",
            "add-job-id-key: false",
            "v0-rust-Linux-x64-‹rust environment hash›-‹lock hash›",
            None,
        ),
        ("v2.9.2", "add-rust-environment-hash-key: false", "v0-rust-test-Linux-x64", None),
        ("v2.9.2", "save-if: ${{ github.ref == 'refs/heads/dev' }}", None, "restore-only"),
    ],
)
def test_rust_cache_inputs_by_release(tmp_path: Path, ref, with_, key, kind) -> None:
    steps = f"      - uses: Swatinem/rust-cache@{ref}\n"
    if with_:
        steps += f"        with:\n          {with_}\n"
    (cache,) = caches(tmp_path, {".github/workflows/ci.yml": workflow(steps), **RUST_FILES})
    if key is not None:
        assert cache.key == key
    if kind is not None:
        assert cache.kind == kind
    if ref == "v2.7.3":
        assert cache.paths[0] == "/home/runner/.cargo"  # the whole CARGO_HOME before v2.7.6
        assert any("legacy cache service" in n for n in cache.notes)


def test_rust_cache_exports_cargo_incremental(tmp_path: Path) -> None:
    steps = """\
      - uses: Swatinem/rust-cache@v2
      - uses: actions/cache@v4
        with:
          path: x
          key: k-${{ env.CARGO_INCREMENTAL }}-${{ env.CACHE_ON_FAILURE }}
"""
    _, after = caches(tmp_path, {".github/workflows/ci.yml": workflow(steps), **RUST_FILES})
    assert after.key == "k-0-false"


def test_setup_action_over_another_repository_is_reported_unknowable(tmp_path: Path) -> None:
    steps = """\
      - uses: actions/checkout@v5
        with:
          repository: someone/else
      - uses: astral-sh/setup-uv@v7
        with:
          enable-cache: true
          python-version: '3.12'
"""
    (cache,) = caches(tmp_path, {".github/workflows/ci.yml": workflow(steps), **UV_FILES})
    assert not cache.key_known
    assert cache.key.startswith(
        "setup-uv-2-x86_64-unknown-linux-gnu-ubuntu-24.04-3.12-pruned-‹hashFiles("
    )
    codes = {f.code for f in cache.findings}
    assert {"hashfiles-unknowable", "key-not-predictable"} <= codes
    assert not any(f.message.endswith(": ?") for f in cache.findings)


def test_the_documented_example_is_what_explain_prints() -> None:
    """docs/explain.md shows explain's output on examples/uv-and-rust: keep it true."""
    top = Path(__file__).resolve().parent.parent
    doc = (top / "docs" / "explain.md").read_text()
    result = explain(str(top / "examples" / "uv-and-rust"))
    uv, rust = result.caches
    assert f"  key       {uv.key}\n" in doc and uv.key.endswith("-tests")
    assert f"  key       {rust.key}   (not fully predictable)\n" in doc
    for part in uv.parts:
        if part.hash is not None:
            for file in part.hash.files:
                assert f"{file.sha256}  {file.path}" in doc


def test_walks_large_tree_is_the_runners_limit_not_a_setup_actions(tmp_path: Path) -> None:
    steps = """\
      - run: npm ci
      - uses: actions/cache@v4
        with:
          path: x
          key: k-${{ hashFiles('**/uv.lock') }}
      - uses: astral-sh/setup-uv@v7.2.0
"""
    runner_hash, setup_hash = caches(
        tmp_path, {".github/workflows/ci.yml": workflow(steps), **UV_FILES}
    )
    assert "walks-large-tree" in {f.code for f in runner_hash.findings}
    assert "walks-large-tree" not in {f.code for f in setup_hash.findings}
