"""GitLab CI: configuration loading, the key:files digests against an independent
implementation (git's own object ids and history), suffixes, fallbacks, check rules, CLI."""

from __future__ import annotations

import fnmatch
import hashlib
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from gitutil import commit_all, git, init
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from treebuild import build

from cachekit.cli import main
from cachekit.fs.gitrepo import GitRepo
from cachekit.fs.gittree import CommitTree
from cachekit.fs.trees import WorkTree
from cachekit.gitlab import GitLabOptions, RunModel, explain_gitlab, load_config
from cachekit.gitlab.keys import sanitize_key, wildcard_regex
from cachekit.gitlab.predict import predict_gitlab
from cachekit.gitlab.variables import slugify
from cachekit.output.text import render_predict
from cachekit.platforms.dispatch import check_platform


def _oracle_digest(ids: list[str]) -> str:
    """The documented rule, written independently: SHA-1 of the sorted distinct ids."""
    return hashlib.sha1("-".join(sorted(set(ids))).encode()).hexdigest()


def _hash_object(root: Path, rel: str) -> str:
    out = subprocess.run(
        ["git", "hash-object", rel], cwd=root, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


FILES_CI = """
job:
  script: [echo]
  cache:
    key:
      files: [Gemfile.lock, package.json, missing.txt]
    paths: [vendor/]
"""


def test_key_files_contents_is_sha1_of_blob_ids(tmp_path: Path) -> None:
    build(
        tmp_path,
        {".gitlab-ci.yml": FILES_CI, "Gemfile.lock": "gems\n", "package.json": "{}\n"},
    )
    result = explain_gitlab(WorkTree(str(tmp_path)))
    (cache,) = result.caches
    blobs = [_hash_object(tmp_path, "Gemfile.lock"), _hash_object(tmp_path, "package.json")]
    digest = _oracle_digest(blobs)
    assert cache.key == f"0-{digest}-protected"
    files = next(p for p in cache.parts if p.kind == "files")
    assert files.hash is not None
    assert sorted(f.sha256 for f in files.hash.files) == sorted(blobs)


def test_identical_contents_count_once(tmp_path: Path) -> None:
    ci = "job:\n  script: [x]\n  cache:\n    key: {files: [a.lock, b.lock], prefix: p}\n"
    ci += "    paths: [x]\n"
    build(tmp_path, {".gitlab-ci.yml": ci, "a.lock": "same\n", "b.lock": "same\n"})
    (cache,) = explain_gitlab(WorkTree(str(tmp_path))).caches
    assert cache.key == f"p-{_oracle_digest([_hash_object(tmp_path, 'a.lock')])}-protected"


def test_no_file_gives_default_and_a_finding(tmp_path: Path) -> None:
    ci = "job:\n  script: [x]\n  cache:\n    key: {files: [nope.lock], prefix: deps}\n"
    ci += "    paths: [x]\n"
    build(tmp_path, {".gitlab-ci.yml": ci})
    (cache,) = explain_gitlab(WorkTree(str(tmp_path))).caches
    assert cache.key == "deps-default-protected"
    assert [f.code for f in cache.findings] == ["hashfiles-no-match"]


def test_commit_based_digest_before_18_4(tmp_path: Path) -> None:
    repo = init(tmp_path)
    build(repo, {".gitlab-ci.yml": FILES_CI, "Gemfile.lock": "1\n", "package.json": "{}\n"})
    first = commit_all(repo, "one")
    build(repo, {"Gemfile.lock": "2\n"})
    second = commit_all(repo, "two")
    build(repo, {"README": "x\n"})
    head = commit_all(repo, "three")
    with GitRepo(str(repo)) as gr:
        tree = CommitTree(gr, head)
        options = GitLabOptions(run=RunModel(commit=head), version="17.11")
        (cache,) = explain_gitlab(tree, options).caches
    # the newest commit touching each path, as git itself answers it
    expected = _oracle_digest([second, first])
    assert cache.key == f"0-{expected}-protected"
    assert git(repo, "log", "-1", "--format=%H", "--", "Gemfile.lock").strip() == second


def test_commit_based_needs_a_commit(tmp_path: Path) -> None:
    build(tmp_path, {".gitlab-ci.yml": FILES_CI, "Gemfile.lock": "1\n"})
    opts = GitLabOptions(version="16.0")
    (cache,) = explain_gitlab(WorkTree(str(tmp_path)), opts).caches
    assert not cache.key_known and "‹files›" in cache.key


def test_index_prefix_only_since_15_7(tmp_path: Path) -> None:
    build(tmp_path, {".gitlab-ci.yml": FILES_CI, "Gemfile.lock": "1\n"})
    repo = init(tmp_path)
    head = commit_all(repo)
    with GitRepo(str(repo)) as gr:
        tree = CommitTree(gr, head)
        old = explain_gitlab(tree, GitLabOptions(version="15.6")).caches[0]
        new = explain_gitlab(tree, GitLabOptions(version="15.7")).caches[0]
    assert new.key == "0-" + old.key


@given(
    st.lists(
        st.sampled_from(["a", "b", "a/b", "a/b/c", "x.lock", "a/x.lock", "a/b/x.lock"]),
        min_size=1,
        unique=True,
    ),
    st.sampled_from(["*.lock", "a/*.lock", "**/x.lock", "a/**", "**", "a/*"]),
)
def test_wildcard_regex_matches_gitlab_rule(paths: list[str], pattern: str) -> None:
    """`*` never crosses `/`; `**` does: checked against fnmatch on path segments."""
    rx = wildcard_regex(pattern)

    def oracle(path: str) -> bool:
        if "**" in pattern:
            head, _, tail = pattern.partition("**")
            return path.startswith(head) and fnmatch.fnmatchcase(path[len(head) :], "*" + tail)
        parts, pats = path.split("/"), pattern.split("/")
        return len(parts) == len(pats) and all(
            fnmatch.fnmatchcase(a, b) for a, b in zip(parts, pats, strict=True)
        )

    for p in paths:
        assert bool(rx.match(p)) == oracle(p), (p, pattern)


def test_wildcard_files_expand_over_the_tree(tmp_path: Path) -> None:
    ci = "job:\n  script: [x]\n  cache:\n    key: {files: ['**/*.lock'], prefix: w}\n"
    ci += "    paths: [x]\n"
    build(tmp_path, {".gitlab-ci.yml": ci, "a/x.lock": "1", "b/c/y.lock": "2", "z.txt": "3"})
    (cache,) = explain_gitlab(WorkTree(str(tmp_path))).caches
    part = next(p for p in cache.parts if p.kind == "files")
    assert part.hash is not None
    assert sorted(f.path for f in part.hash.files) == ["a/x.lock", "b/c/y.lock"]
    # GitLab 18.4.0 shipped without the expansion: a wildcard matched nothing (#571491)
    (old,) = explain_gitlab(WorkTree(str(tmp_path)), GitLabOptions(version="18.4.0")).caches
    assert old.key == "w-default-protected"


CONFIG = """
include:
  - local: ci/base.yml
  - remote: https://example.com/x.yml
variables:
  FLAVOUR: vanilla
  KEY: "$FLAVOUR-$CI_COMMIT_REF_SLUG"
default:
  image: python:3.12
  cache:
    key: $KEY
    paths: [.cache/pip]
.tpl:
  variables:
    FLAVOUR: chocolate
  script: [echo tpl]
a:
  extends: .tpl
b:
  script: [!reference [.shared, script], echo b]
  inherit:
    default: [image]
c:
  extends: .base
  cache:
    - key: one
      paths: [x]
      policy: pull
      unprotect: true
    - key: two
      paths: [y]
      fallback_keys: [two-$CI_DEFAULT_BRANCH]
"""
BASE = """
.shared:
  script: [echo shared]
.base:
  script: [echo base]
  variables:
    CACHE_FALLBACK_KEY: global
"""


def _config_tree(tmp_path: Path) -> WorkTree:
    build(tmp_path, {".gitlab-ci.yml": CONFIG, "ci/base.yml": BASE})
    return WorkTree(str(tmp_path))


def test_config_merges_as_gitlab(tmp_path: Path) -> None:
    config = load_config(_config_tree(tmp_path))
    assert config is not None
    jobs = {j.name: j for j in config.jobs}
    assert set(jobs) == {"a", "b", "c"}
    assert jobs["a"].variables["FLAVOUR"][0] == "chocolate"
    assert list(jobs["b"].body["script"]) == ["echo shared", "echo b"]
    assert "cache" not in jobs["b"].body and jobs["b"].body["image"] == "python:3.12"
    assert any("not a local file" in p.message for p in config.problems)
    assert config.files == (".gitlab-ci.yml", "ci/base.yml")


def test_variables_layering_and_suffixes(tmp_path: Path) -> None:
    tree = _config_tree(tmp_path)
    feature = GitLabOptions(run=RunModel(ref="feat/X"))
    caches = {(c.job, c.step_index): c for c in explain_gitlab(tree, feature).caches}
    assert caches[("a", 0)].key == "chocolate-feat-x-non_protected"
    c0, c1 = caches[("c", 0)], caches[("c", 1)]
    assert (c0.key, c0.kind) == ("one-non_protected", "restore-only")
    assert c1.restore_keys == ("two-main-non_protected", "global")
    codes = sorted(f.code for f in c1.findings)
    assert codes == ["fallback-never-matches", "fallback-never-matches"]
    main_run = {(c.job, c.step_index): c for c in explain_gitlab(tree).caches}
    assert main_run[("c", 0)].key == "one-non_protected"  # unprotect: true
    assert main_run[("c", 1)].key == "two-protected"
    cleared = GitLabOptions(jobs_cache_index=3, separated_caches=False)
    assert explain_gitlab(tree, cleared).caches[-1].key == "two-3"


def test_check_rules(tmp_path: Path) -> None:
    _config_tree(tmp_path)
    codes = [f.code for f in check_platform(str(tmp_path), "gitlab").findings]
    assert "key-never-refreshed" in codes  # c pulls 'one', nobody pushes it
    assert "fallback-never-matches" in codes


def test_input_not_in_key_from_scripts(tmp_path: Path) -> None:
    ci = """
test:
  image: python:3.12
  cache: {key: venv-py312, paths: [.venv/]}
  script:
    - python -m venv .venv
    - .venv/bin/pip install -r requirements.txt
"""
    build(tmp_path, {".gitlab-ci.yml": ci, "requirements.txt": "-r base.txt\n", "base.txt": "x\n"})
    (f,) = check_platform(str(tmp_path), "gitlab").findings
    assert (f.code, f.severity) == ("input-not-in-key", "error")
    assert "requirements.txt" in f.message and "base.txt" in f.message


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("a/b", "a/b"), ("../../x", "x"), ("a%2Fb", "a/b"), ("a\\b", "a/b"), ("x/ ", "x"), ("", "")],
)
def test_sanitize_key(raw: str, stored: str) -> None:
    assert sanitize_key(raw) == stored


def test_slugify() -> None:
    assert slugify("Feature/ABC_1.2") == "feature-abc-1-2"
    assert len(slugify("x" * 100)) == 63


HOSTILE = [
    "a: &a [x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    + "job: {script: [x], cache: {key: *h, paths: [x]}}\n",
    "a: {extends: b, script: [x]}\nb: {extends: a, script: [y]}\n",
    "a: {script: [!reference [.nope, script]]}\n",
    "include: [{local: ../../etc/passwd}]\njob: {script: [x]}\n",
    "job: {script: [x], cache: {key: {files: ['/etc/passwd', '../x']}, paths: [x]}}\n",
    "- just\n- a list\n",
    "job: {script: [x], cache: [1, 2, {key: k}]}\n",
    "job: {extends: 1, script: [x]}\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_configs_fail_softly(tmp_path: Path, text: str) -> None:
    build(tmp_path, {".gitlab-ci.yml": text})
    out = CliRunner().invoke(main, ["explain", str(tmp_path), "--platform", "gitlab"])
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output and "internal error" not in out.output


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.text(max_size=5) | st.integers(),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "job",
                        "cache",
                        "key",
                        "files",
                        "script",
                        "extends",
                        "paths",
                        "default",
                        "variables",
                        "include",
                    ]
                ),
                c,
                max_size=3,
            )
        ),
        max_leaves=12,
    )
)
def test_any_yaml_shape_never_crashes(tmp_path: Path, doc: object) -> None:
    build(tmp_path, {".gitlab-ci.yml": yaml.safe_dump(doc)})
    result = explain_gitlab(WorkTree(str(tmp_path)))
    assert result.root


def test_cli_detects_gitlab_and_explains(tmp_path: Path) -> None:
    build(tmp_path, {".gitlab-ci.yml": FILES_CI, "Gemfile.lock": "1\n"})
    out = CliRunner().invoke(main, ["explain", str(tmp_path), "--ref", "refs/heads/dev"])
    assert out.exit_code == 0, out.output
    assert "gitlab:cache" in out.output and "-non_protected" in out.output
    out = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "json"])
    assert out.exit_code in (0, 1) and '"findings"' in out.output


PREDICT_CI = """
stages: [build, test]
build:
  stage: build
  script: [pip install -r requirements.txt]
  cache: {key: {files: [requirements.txt], prefix: pip}, paths: [.cache/pip]}
test:
  stage: test
  script: [pip install -r requirements.txt]
  cache: {key: {files: [requirements.txt], prefix: pip}, paths: [.cache/pip], policy: pull}
docs:
  script: [echo]
  rules:
    - if: $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH
  cache: {key: docs, paths: [site]}
"""


def test_predict_replays_exact_keys_by_stage(tmp_path: Path) -> None:
    repo = init(tmp_path)
    build(repo, {".gitlab-ci.yml": PREDICT_CI, "requirements.txt": "a\n"})
    commit_all(repo, "one")
    build(repo, {"README": "x\n"})
    commit_all(repo, "two")
    build(repo, {"requirements.txt": "b\n"})
    commit_all(repo, "three")
    result = predict_gitlab(str(repo))
    outcomes = [[(c.job, c.outcome) for c in run.caches] for run in result.runs]
    # the build stage saves before the test stage pulls; docs never runs on main (rules)
    assert outcomes == [
        [("build", "miss"), ("test", "hit")],
        [("build", "hit"), ("test", "hit")],
        [("build", "miss"), ("test", "hit")],
    ]


def test_suggested_stanza_is_silent_under_check(tmp_path: Path) -> None:
    ci = "test:\n  image: python:3.12\n  script:\n    - pip install -r requirements.txt\n"
    build(tmp_path, {".gitlab-ci.yml": ci, "requirements.txt": "-r base.txt\n", "base.txt": "x\n"})
    out = CliRunner().invoke(main, ["suggest", str(tmp_path)])
    assert out.exit_code == 0, out.output
    stanza = yaml.safe_load(out.output)["test"]
    assert stanza["cache"]["key"]["files"] == ["requirements.txt", "base.txt"]
    job = yaml.safe_load(ci)["test"] | stanza
    build(tmp_path, {".gitlab-ci.yml": yaml.safe_dump({"test": job})})
    findings = check_platform(str(tmp_path), "gitlab").findings
    assert [f.code for f in findings] == []
    # what suggest cannot do for GitLab yet is refused, not silently skipped
    for more in (["--write", "--yes"], ["--simulate"], ["--format", "json"]):
        out = CliRunner().invoke(main, ["suggest", str(tmp_path), *more])
        assert out.exit_code == 2 and "not gitlab" in out.stderr, (more, out.output)
        assert out.stdout == ""


def test_header_document_and_undefined_parents(tmp_path: Path) -> None:
    ci = (
        "spec:\n  inputs:\n    x: {default: 1}\n---\n"
        "job:\n  extends: [.from-a-component, .local]\n  script: [x]\n"
        ".local:\n  cache: {key: k, paths: [p]}\n"
    )
    build(tmp_path, {".gitlab-ci.yml": ci})
    result = explain_gitlab(WorkTree(str(tmp_path)))
    assert [c.key for c in result.caches] == ["k-protected"]
    assert any(".from-a-component" in p.message for p in result.problems)


def test_workflow_rules_variables_and_unknowns(tmp_path: Path) -> None:
    ci = """
variables: {POLICY: pull-push, FLAVOUR: plain}
workflow:
  rules:
    - if: $CI_PROJECT_PATH == "group/project"
      variables: {FLAVOUR: canonical}
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      variables: {POLICY: push, FLAVOUR: main}
build:
  script: [x]
  variables: {FLAVOUR: own}
  cache: {key: "$FLAVOUR-$POLICY", paths: [p], policy: $POLICY}
lint:
  script: [x]
  cache: {key: "$FLAVOUR", paths: [p]}
"""
    repo = init(tmp_path)
    build(repo, {".gitlab-ci.yml": ci})
    commit_all(repo, "one")
    caches = {c.job: c for c in explain_gitlab(WorkTree(str(repo))).caches}
    # the second rule matches (CI_PROJECT_PATH is unknown offline, so the first does not);
    # its variables override the global ones, not a job's own
    assert caches["build"].key == "own-push-protected" and caches["build"].kind == "save-only"
    assert caches["lint"].key == "main-protected"
    result = predict_gitlab(str(repo))
    assert any("CI_PROJECT_PATH" in p for p in result.problems)


def test_predict_names_a_templated_cache_one_way_everywhere(tmp_path: Path) -> None:
    """A cache written in an included template: the per-cache table, the misses list and
    the JSON name it by the template's file and line, the same text everywhere."""
    template = ".deps:\n  cache:\n    key: {files: [requirements.txt]}\n    paths: [venv]\n"
    ci = "include: [{local: ci/templates.yml}]\ntest:\n  extends: .deps\n  script: [x]\n"
    repo = init(tmp_path)
    build(repo, {".gitlab-ci.yml": ci, "ci/templates.yml": template, "requirements.txt": "a\n"})
    commit_all(repo, "one")
    build(repo, {"requirements.txt": "b\n"})
    commit_all(repo, "two")
    result = predict_gitlab(str(repo))
    names = list(result.summary["per_cache"])
    assert names == ["ci/templates.yml:3 test / cache[0]"]
    assert [c.outcome for r in result.runs for c in r.caches] == ["miss", "miss"]
    assert {(c.workflow, c.file, c.line) for r in result.runs for c in r.caches} == {
        (".gitlab-ci.yml", "ci/templates.yml", 3)
    }
    text = render_predict(result)
    listed = [line for line in text.splitlines() if " miss: " in line]
    assert len(listed) == 2 and all(names[0] in line for line in listed), text
