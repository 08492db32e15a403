"""Azure Pipelines: the agent's own test vectors (IsPathyTests, MatchingTests,
FingerprintCreatorTests in microsoft/azure-pipelines-agent src/Test/L0/Plugin), the
fingerprint against an independent implementation of GenerateHash, config reading, check
rules, predict, CLI."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from gitutil import commit_all, init
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from treebuild import build

from cachekit.azure import AzureOptions, explain_azure
from cachekit.azure.fingerprint import (
    _enumeration,
    is_pathy_segment,
    minimatch_regex,
    parse_key,
    resolve_path_segment,
)
from cachekit.azure.predict import predict_azure, trigger_runs
from cachekit.cli import main
from cachekit.fs.trees import WorkTree
from cachekit.platforms.dispatch import check_platform

# IsPathyTests.Fingerprint_IsPath, the vectors whose meaning does not depend on Windows
# file-name rules (the agent's test runs on Windows; cachekit models hosted Linux agents).
IS_PATHY = [
    ("''", False),
    ("Windows_NT", False),
    ("README.md", True),
    ("This is a sentence.", False),
    ("http://xkcd.com.", False),
    ('"D:\\README.md"', False),
    ("D:\\README.md", True),
    ("D:\\src\\vsts-agent\\_layout\\_work\\2\\s/README.md", True),
    ("D:\\src\\vsts-agent\\_layout\\_work\\2\\s/**/README.md", True),
    ("/**/README.md,!./junk/**;./azure-pipelines.yml", True),
    ("./**,!./.git/**", True),
]


@pytest.mark.parametrize(("segment", "pathy"), IS_PATHY)
def test_is_pathy_agent_vectors(segment: str, pathy: bool) -> None:
    assert is_pathy_segment(segment) == pathy


# MatchingTests.ExcludeSingleFile / ExcludeSingleFileWithDot (working directory /working)
@pytest.mark.parametrize(("include", "exclude"), [("*.tmp", "bad.tmp"), ("./*.tmp", "./bad.tmp")])
def test_matching_agent_vectors(include: str, exclude: str) -> None:
    def full(p: str) -> str:
        return "/working/" + p.removeprefix("./")

    inc, exc = minimatch_regex(full(include), False), minimatch_regex(full(exclude), False)

    def passes(path: str) -> bool:
        return bool(inc.fullmatch(path)) and not exc.fullmatch(path)

    assert passes("/working/good.tmp")
    assert not passes("/working/bad.tmp")
    assert not passes("/working/something.else")


# MatchingTests.DetermineFileEnumeration{Exact,TopLevel,Recursive}
@pytest.mark.parametrize(
    ("glob", "expected"),
    [
        ("/dir/file.txt", ("/dir", "file.txt", False)),
        ("/dir/*.txt", ("/dir", "*", False)),
        ("/dir/**/*.txt", ("/dir", "*", True)),
    ],
)
def test_enumeration_agent_vectors(glob: str, expected: tuple[str, str, bool]) -> None:
    assert _enumeration(glob) == expected


# FingerprintCreatorTests.Parse* (ParseIntoSegments)
def test_parse_agent_vectors() -> None:
    assert parse_key("gems\n$(Agent.OS)\n$(Build.SourcesDirectory)/my.gemspec") == (
        True,
        ["gems", "$(Agent.OS)", "$(Build.SourcesDirectory)/my.gemspec"],
    )
    assert parse_key("$(Agent.OS)") == (False, ["$(Agent.OS)"])
    assert parse_key("$(Agent.OS) | Gemfile.lock | **/*.gemspec,!./junk/**") == (
        False,
        ["$(Agent.OS)", "Gemfile.lock", "**/*.gemspec,!./junk/**"],
    )
    assert parse_key("a|b", salt="1") == (False, ["AZP_CACHING_SALT=1", "a", "b"])


def _oracle(files: list[tuple[str, bytes]]) -> str:
    """GenerateHash written independently, with sha256sum for the per-file hashes."""
    text = ""
    for display, data in files:
        proc = subprocess.run(["sha256sum"], input=data, capture_output=True, check=True)
        text += f"\nSHA256({display})=[{len(data)}]{proc.stdout.split()[0].decode().upper()}"
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_fingerprint_file_relative_like_the_agent_test(tmp_path: Path) -> None:
    """FingerprintCreatorTests.Fingerprint_FileRelative: one file, display path relative."""
    content = bytes(range(150))
    build(tmp_path, {"data.bin": content})
    result = resolve_path_segment(
        WorkTree(str(tmp_path)), "data.bin", sources="/w", workspace="/w", windows=False, linux=True
    )
    assert result.value == _oracle([("data.bin", content)]) and not result.pattern


def test_fingerprint_pattern_order_and_excludes(tmp_path: Path) -> None:
    spec = {"b/x.lock": b"2", "a-b/x.lock": b"1", "a/x.lock": b"0", "junk/x.lock": b"9"}
    build(tmp_path, dict(spec))
    result = resolve_path_segment(
        WorkTree(str(tmp_path)),
        "**/x.lock, !junk/**",
        sources="/ws/s",
        workspace="/ws",
        windows=False,
        linux=True,
    )
    # ordinal order of absolute paths: '-' (0x2d) sorts before '/' (0x2f)
    expected = [("s/a-b/x.lock", b"1"), ("s/a/x.lock", b"0"), ("s/b/x.lock", b"2")]
    assert [f.path for f in result.files] == [p for p, _ in expected]
    assert result.value == _oracle(expected) and result.pattern


def test_single_star_in_a_directory_enumerates_the_top_only(tmp_path: Path) -> None:
    """DetermineFileEnumerationFromGlob: no `**`, so `src/*/x.txt` enumerates src/ only."""
    build(tmp_path, {"src/a/x.txt": "1"})
    result = resolve_path_segment(
        WorkTree(str(tmp_path)),
        "src/*/x.txt",
        sources="/w/s",
        workspace="/w",
        windows=False,
        linux=True,
    )
    assert result.files == () and "No matching files" in (result.error or "")


PIPELINE = """
trigger: [main]
pool: {vmImage: ubuntu-24.04}
variables:
  - name: V
    value: v2
  - group: secrets
stages:
  - stage: build
    jobs:
      - job: deps
        strategy:
          matrix:
            a: {PY: "3.11"}
        steps:
          - template: ci/steps.yml
            parameters: {tool: pip}
          - task: Cache@2
            inputs:
              key: 'x | $(Build.BuildId)'
              path: out
          - task: Cache@2
            inputs:
              key: "'quoted' | *"
              path: out
"""
STEPS = """
parameters:
  - name: tool
    default: npm
steps:
  - task: Cache@2
    inputs:
      key: '${{ parameters.tool }} | $(V) | "$(PY)" | $(UNSET) | requirements.txt'
      restoreKeys: |
        ${{ parameters.tool }} | $(V)
      path: $(Pipeline.Workspace)/.pip
  - script: pip install -r requirements.txt
"""


def test_pipeline_reading_and_keys(tmp_path: Path) -> None:
    build(
        tmp_path,
        {"azure-pipelines.yml": PIPELINE, "ci/steps.yml": STEPS, "requirements.txt": b"x\n"},
    )
    result = explain_azure(WorkTree(str(tmp_path)))
    first, volatile, bad = result.caches
    digest = _oracle([("s/requirements.txt", b"x\n")])
    assert first.key == f'pip|v2|"3.11"|‹UNSET›|{digest}'
    assert first.via and first.restore_keys == ("pip|v2",)
    assert first.paths == ("/home/vsts/work/1/.pip",)
    assert [f.code for f in volatile.findings] == ["volatile-key"]
    assert "key-invalid" in [f.code for f in bad.findings]
    assert any("group secrets" in p.message for p in result.problems)


def test_check_and_cli(tmp_path: Path) -> None:
    pipeline = """
pool: {vmImage: ubuntu-24.04}
steps:
  - task: Cache@2
    inputs: {key: 'venv | "$(Agent.OS)"', path: .venv}
  - script: python -m venv .venv && .venv/bin/pip install -r requirements.txt
"""
    build(tmp_path, {"azure-pipelines.yml": pipeline, "requirements.txt": "x\n"})
    codes = {f.code for f in check_platform(str(tmp_path), "azure").findings}
    assert {"input-not-in-key", "key-never-refreshed", "interpreter-not-in-key"} <= codes
    out = CliRunner().invoke(main, ["explain", str(tmp_path)])
    assert out.exit_code == 0 and 'venv|"Linux"' in out.output


def test_trigger_rules() -> None:
    assert trigger_runs(None, "x")
    assert not trigger_runs("none", "main")
    assert trigger_runs(["main"], "main") and not trigger_runs(["main"], "dev")
    assert not trigger_runs({"branches": {"include": ["*"], "exclude": ["main"]}}, "main")
    assert trigger_runs({"branches": {"include": ["refs/heads/rel/*"]}}, "rel/1")


def test_predict_exact_then_restore_prefix(tmp_path: Path) -> None:
    pipeline = """
pool: {vmImage: ubuntu-24.04}
steps:
  - task: Cache@2
    inputs:
      key: 'pip | requirements.txt'
      restoreKeys: pip
      path: .pip
"""
    repo = init(tmp_path)
    build(repo, {"azure-pipelines.yml": pipeline, "requirements.txt": "a\n"})
    commit_all(repo, "one")
    build(repo, {"README": "x\n"})
    commit_all(repo, "two")
    build(repo, {"requirements.txt": "b\n"})
    commit_all(repo, "three")
    result = predict_azure(str(repo))
    assert [r.caches[0].outcome for r in result.runs] == ["miss", "hit", "restore"]


@pytest.mark.parametrize(
    "text",
    [
        "steps: [{task: Cache@2}]\n",
        "stages: [{stage: a, jobs: [{template: x.yml@other}]}]\n",
        "steps: [{template: ../../etc/passwd}]\n",
        "- a\n",
        "steps: [{task: Cache@2, inputs: {key: '**', path: x}}]\n",
    ],
)
def test_hostile_pipelines_fail_softly(tmp_path: Path, text: str) -> None:
    build(tmp_path, {"azure-pipelines.yml": text})
    out = CliRunner().invoke(main, ["check", str(tmp_path), "--platform", "azure"])
    assert out.exit_code in (0, 1), out.output
    assert "Traceback" not in out.output and "internal error" not in out.output


def test_options_branch(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            "azure-pipelines.yml": "steps:\n- task: Cache@2\n  inputs: {key: "
            "'b | $(Build.SourceBranchName)', path: x}\n"
        },
    )
    (cache,) = explain_azure(WorkTree(str(tmp_path)), AzureOptions(branch="feat/x")).caches
    assert cache.key == "b|x"


def test_suggested_cache_step_is_silent_under_check(tmp_path: Path) -> None:
    pipeline = (
        "pool: {vmImage: ubuntu-24.04}\nsteps:\n  - script: pip install -r requirements.txt\n"
    )
    build(
        tmp_path,
        {"azure-pipelines.yml": pipeline, "requirements.txt": "-r base.txt\n", "base.txt": "x\n"},
    )
    out = CliRunner().invoke(main, ["suggest", str(tmp_path)])
    assert out.exit_code == 0, out.output
    stanza = yaml.safe_load(out.output)
    assert "requirements.txt | base.txt" in stanza["steps"][0]["inputs"]["key"]
    doc = {
        "pool": {"vmImage": "ubuntu-24.04"},
        "variables": stanza["variables"],
        "steps": [*stanza["steps"], {"script": "pip install -r requirements.txt"}],
    }
    build(tmp_path, {"azure-pipelines.yml": yaml.safe_dump(doc)})
    assert [f.code for f in check_platform(str(tmp_path), "azure").findings] == []


def test_local_job_template(tmp_path: Path) -> None:
    build(
        tmp_path,
        {
            "azure-pipelines.yml": (
                "jobs:\n  - template: ci/jobs.yml\n    parameters: {os: ubuntu-24.04}\n"
            ),
            "ci/jobs.yml": (
                "parameters:\n  - name: os\n    default: windows-2022\njobs:\n  - job: t\n"
                "    pool: {vmImage: '${{ parameters.os }}'}\n    steps:\n      - template: s.yml\n"
            ),
            "ci/s.yml": (
                "steps:\n  - task: Cache@2\n    inputs: {key: 'k | \"$(Agent.OS)\"', path: p}\n"
            ),
        },
    )
    result = explain_azure(WorkTree(str(tmp_path)))
    assert [c.key for c in result.caches] == ['k|"Linux"']
    assert result.jobs[0].runner == "ubuntu-24.04"


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.text(max_size=6) | st.integers(),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "stages",
                        "jobs",
                        "steps",
                        "task",
                        "inputs",
                        "key",
                        "path",
                        "restoreKeys",
                        "strategy",
                        "matrix",
                        "variables",
                        "pool",
                        "template",
                        "script",
                    ]
                ),
                c,
                max_size=3,
            )
        ),
        max_leaves=14,
    )
)
def test_any_yaml_shape_never_crashes(tmp_path: Path, doc: object) -> None:
    build(tmp_path, {"azure-pipelines.yml": yaml.safe_dump(doc)})
    assert explain_azure(WorkTree(str(tmp_path))).root
