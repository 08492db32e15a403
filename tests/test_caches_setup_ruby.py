"""ruby/setup-ruby's ``bundler-cache`` through explain and suggest, and the Ruby ecosystem.

Expected keys are written out from ``bundler.js`` ``computeBaseKey`` at the releases named; the
lock digest is the file's plain SHA-256 (``common.js`` ``hashFile``), checked against the hash
engine's per-file digest.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from treebuild import build

from cachekit.ecosystems import registry
from cachekit.environments.commands import parse_script
from cachekit.environments.paths import classify_path
from cachekit.explain import CacheReport, explain
from cachekit.fs.trees import WorkTree
from cachekit.hashing.hashfiles import Flavor, hash_files
from cachekit.suggest import suggest
from cachekit.suggest.ecosystems import detect_managers

GEMFILE = 'source "https://rubygems.org"\ngem "rake"\n'
LOCK = (
    "GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.2.1)\n\n"
    "PLATFORMS\n  ruby\n\nDEPENDENCIES\n  rake\n\nBUNDLED WITH\n   2.5.22\n"
)
FILES = {"Gemfile": GEMFILE, "Gemfile.lock": LOCK, ".ruby-version": "3.3.6\n"}


def workflow(steps: str, runs_on: str = "ubuntu-24.04") -> str:
    return f"name: ci\non: push\njobs:\n  test:\n    runs-on: {runs_on}\n    steps:\n{steps}"


def caches(root: Path, steps: str, files: dict[str, object] = FILES, **kw) -> list[CacheReport]:
    build(root, {".github/workflows/ci.yml": workflow(steps), **files})
    return list(explain(str(root), **kw).caches)


def setup(ref: str = "v1", **inputs: str) -> str:
    lines = "".join(f"          {k}: {v}\n" for k, v in inputs.items())
    return f"      - uses: ruby/setup-ruby@{ref}\n        with:\n{lines}"


def test_explain_lists_every_part_and_the_lock_digest(tmp_path: Path) -> None:
    (cache,) = caches(tmp_path, setup("v1.315.0", **{"bundler-cache": "true"}))
    engine = hash_files(WorkTree(str(tmp_path)), ["Gemfile.lock"], flavor=Flavor.SETUP_ACTION)
    digest = engine.files[0].sha256
    assert digest == hashlib.sha256(LOCK.encode()).hexdigest()
    base = (
        "setup-ruby-bundler-cache-v6-ubuntu-24.04-x64-ruby-3.3.6-wd-\u2039cwd\u203a"
        "-with--without--only--Gemfile.lock-"
    )
    assert cache.key == base + digest
    assert cache.restore_keys == (base,)
    assert cache.paths == ("vendor/bundle",)
    assert cache.kind == "restore+save" and cache.version is not None
    by_name = {p.text: p for p in cache.parts if p.kind != "literal"}
    assert by_name["sha256(Gemfile.lock)"].value == digest
    assert by_name["ruby version"].source == ".ruby-version"
    assert by_name["cwd"].kind == "unknown"


def test_inputs_and_environment_shape_the_key(tmp_path: Path) -> None:
    steps = (
        "      - uses: ruby/setup-ruby@v1.150.0\n        env:\n          BUNDLE_WITHOUT: dev\n"
        "        with:\n          bundler-cache: true\n          ruby-version: jruby-9.4.8.0\n"
        "          cache-version: 2\n          working-directory: app\n"
    )
    files = {"app/Gemfile": GEMFILE, "app/gems.locked": LOCK, "app/Gemfile.lock": LOCK}
    (cache,) = caches(tmp_path, steps, files)
    # v1.150.0: v6, no -only- yet; the lock is Gemfile.lock under the working directory
    assert cache.key is not None
    assert cache.key.startswith("setup-ruby-bundler-cache-v6-ubuntu-24.04-x64-jruby-9.4.8.0-wd-")
    assert "-with--without-dev-v-2-Gemfile.lock-" in cache.key
    assert "-only-" not in cache.key


def test_a_ruby_prefix_is_resolved_at_run_time(tmp_path: Path) -> None:
    (cache,) = caches(tmp_path, setup(**{"bundler-cache": "true", "ruby-version": "'3.3'"}))
    unknown = [p.text for p in cache.parts if p.kind == "unknown"]
    assert unknown == ["ruby version", "cwd"]


@pytest.mark.parametrize(
    ("ref", "inputs"),
    [
        ("v1", {}),
        ("v1", {"bundler-cache": "false"}),
        ("v1", {"bundler-cache": '"True"'}),  # a string: the action compares with 'true'
        ("v1.37.0", {"bundler-cache": "true"}),  # before bundler-cache existed
    ],
)
def test_no_cache_unless_bundler_cache_is_true(tmp_path: Path, ref: str, inputs) -> None:
    assert caches(tmp_path, setup(ref, **inputs) if inputs else setup(ref, x="y")) == []


def test_no_gemfile_no_cache(tmp_path: Path) -> None:
    assert caches(tmp_path, setup(**{"bundler-cache": "true"}), {".ruby-version": "3.3.6\n"}) == []


def test_merge_group_only_restores(tmp_path: Path) -> None:
    build(tmp_path, {".github/workflows/ci.yml": workflow(setup(**{"bundler-cache": "true"}))})
    build(tmp_path, FILES)
    (cache,) = explain(str(tmp_path), event="merge_group").caches
    assert cache.kind == "restore-only"


def test_the_ecosystem_detects_recognises_and_classifies(tmp_path: Path) -> None:
    build(tmp_path, {"Gemfile": GEMFILE, "Gemfile.lock": LOCK, "api/gems.rb": GEMFILE})
    found = [(m.name, m.directory, m.locks) for m in detect_managers(WorkTree(str(tmp_path)))]
    assert found == [("bundler", "", ("Gemfile.lock",)), ("bundler", "api", ())]
    cmds = parse_script("bundle install --jobs 4\nbundle exec rake\nbundle config set path x\n")
    assert [(c.tool, c.action, c.installs) for c in cmds.commands] == [
        ("bundle", "install", True),
        ("bundle", "config", False),
    ]
    assert classify_path("vendor/bundle", os="Linux").kind == "built-env"
    assert registry.ecosystem_of_tool("bundle") == "ruby"


def test_suggest_proposes_setup_rubys_bundler_cache(tmp_path: Path) -> None:
    steps = setup(**{"ruby-version": "'3.3'"}) + "      - run: bundle install\n"
    build(tmp_path, {".github/workflows/ci.yml": workflow(steps), **FILES})
    result = suggest(str(tmp_path))
    (p,) = result.proposals
    assert (p.ecosystem, p.action, p.inputs) == ("ruby", "setup-input", {"bundler-cache": "true"})
    assert result.residual == ()


@pytest.mark.parametrize(
    "after", ["      - run: bundle exec rake\n", "      - run: bundle install\n"]
)
def test_suggest_adds_no_second_cache_to_setup_ruby(tmp_path: Path, after: str) -> None:
    steps = setup(**{"bundler-cache": "true"}) + after
    build(tmp_path, {".github/workflows/ci.yml": workflow(steps), **FILES})
    assert suggest(str(tmp_path)).proposals == ()


def test_head_rubies_and_a_gemfile_from_the_environment(tmp_path: Path) -> None:
    steps = (
        "      - uses: ruby/setup-ruby@v1\n        env:\n"
        "          BUNDLE_GEMFILE: gemfiles/rails7.gemfile\n"
        "        with:\n          bundler-cache: true\n          ruby-version: head\n"
    )
    files = {"gemfiles/rails7.gemfile": GEMFILE, "gemfiles/rails7.gemfile.lock": LOCK}
    (cache,) = caches(tmp_path, steps, files)
    digest = hashlib.sha256(LOCK.encode()).hexdigest()
    assert "-ruby-head-ABI-\u2039ruby ABI\u203a-wd-" in cache.key
    assert cache.key.endswith(f"-only--gemfiles/rails7.gemfile.lock-{digest}")
