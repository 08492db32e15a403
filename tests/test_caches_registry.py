"""The registry of caching actions and the interface each one implements."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachekit import Flavor, hash_files, open_tree
from cachekit.caches import ActionError, KeyTemplate, hosted_runner
from cachekit.caches.actions.interface import CachingAction, StepCall
from cachekit.caches.actions.registry import ACTIONS, lookup
from cachekit.caches.releases import releases
from cachekit.errors import HashFilesError
from cachekit.evidence.messages import classify
from cachekit.expressions import Unknown

UBUNTU = hosted_runner("ubuntu-24.04")


def call_for(
    action: str, ref: str, inputs: dict[str, str | KeyTemplate], root: Path, runner=UBUNTU
) -> StepCall:
    tree = open_tree(str(root))

    def read(path: str) -> str | None:
        file = root / path
        return file.read_text() if file.is_file() else None

    return StepCall(
        action=action,
        ref=ref,
        inputs=inputs,
        runner=runner,
        runner_source="runs-on: ubuntu-24.04" if runner else "runs-on: [self-hosted]",
        hash_files=lambda p: hash_files(tree, p, flavor=Flavor.SETUP_ACTION).digest,
        read_text=read,
        where=f"{action}@{ref} (ci.yml:9:9)",
    )


def test_every_registered_action_matches_its_own_name_and_has_releases() -> None:
    names = [a.name for a in ACTIONS]
    assert len(names) == len(set(names))
    for action in ACTIONS:
        assert isinstance(action, CachingAction)
        assert lookup(action.name) is action
        assert lookup(action.name.upper()) is action  # GitHub names are case-insensitive
        assert releases(action.repository or action.name), action.name
        for kind, pattern in action.log_patterns:
            assert kind and pattern


@pytest.mark.parametrize(
    ("uses", "expected"),
    [
        ("actions/cache", "actions/cache"),
        ("actions/cache/restore", "actions/cache"),
        ("actions/cache/save", "actions/cache"),
        ("someone/cache", "actions/cache"),  # a fork of actions/cache
        ("actions/cache/other", None),
        ("actions/setup-python", "actions/setup-python"),
        ("actions/checkout", None),
        ("actions/setup-pythonx", None),
    ],
)
def test_lookup(uses: str, expected: str | None) -> None:
    found = lookup(uses)
    assert (found.name if found else None) == expected


def test_setup_python_reads_the_version_file_and_exports_python_location(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("# pinned\n3.12\n")
    (tmp_path / "requirements.txt").write_text("requests\n")
    action = lookup("actions/setup-python")
    assert action is not None
    # v5 reads a plain file whole ("# pinned\n3.12" is no version); v6 skips comment lines
    v5 = call_for("actions/setup-python", "v5", {"cache": "pip"}, tmp_path)
    assert action.prepare(v5) == {}
    call = call_for("actions/setup-python", "v6", {"cache": "pip"}, tmp_path)
    call = call.with_inputs(action.prepare(call))
    assert call.text("python-version") == "3.12"
    assert action.enabled(call)
    (spec,) = action.specs(call)
    assert spec.key.render().startswith("setup-python-Linux-x64-24.04-Ubuntu-python-3.12.")
    exports = action.exports(call)
    location = exports.env["pythonLocation"]
    assert isinstance(location, str) and location.startswith("/opt/hostedtoolcache/Python/3.12.")
    assert exports.env["PKG_CONFIG_PATH"] == location + "/lib/pkgconfig"
    assert "3.12" in exports.env_sources["pythonLocation"]
    version = exports.outputs["python-version"]
    assert f"-python-{version}-pip-" in spec.key.render() and location.endswith(f"/{version}/x64")


def test_setup_python_without_a_version_exports_an_unknown_location(tmp_path: Path) -> None:
    action = lookup("actions/setup-python")
    assert action is not None
    call = call_for("actions/setup-python", "v5", {}, tmp_path)
    assert not action.enabled(call) and action.prepare(call) == {}
    assert isinstance(action.exports(call).env["pythonLocation"], Unknown)


@pytest.mark.parametrize(
    ("ref", "cache", "enabled"),
    [("v3", "", False), ("v4", "", True), ("v5", "false", False), ("v3", "true", True)],
)
def test_setup_go_is_on_by_default_from_v4(ref: str, cache: str, enabled: bool, tmp_path) -> None:
    action = lookup("actions/setup-go")
    assert action is not None
    inputs: dict[str, str | KeyTemplate] = {"cache": cache} if cache else {}
    assert action.enabled(call_for("actions/setup-go", ref, inputs, tmp_path)) is enabled


def test_setup_node_caches_by_itself_when_package_json_names_npm(tmp_path: Path) -> None:
    action = lookup("actions/setup-node")
    assert action is not None
    call = call_for("actions/setup-node", "v6", {}, tmp_path)
    assert not action.enabled(call)
    (tmp_path / "package.json").write_text('{"packageManager": "npm@10.8.0"}')
    assert action.enabled(call)
    assert not action.enabled(call.with_inputs({"package-manager-cache": "false"}))
    assert not action.enabled(call_for("actions/setup-node", "v4", {}, tmp_path))


def test_actions_cache_on_an_unknown_runner_has_no_version(tmp_path: Path) -> None:
    action = lookup("actions/cache")
    assert action is not None
    inputs: dict[str, str | KeyTemplate] = {"path": "~/.cache/pip", "key": "pip-1"}
    (known,) = action.specs(call_for("actions/cache", "v4", inputs, tmp_path))
    (unknown,) = action.specs(call_for("actions/cache", "v4", inputs, tmp_path, runner=None))
    assert known.version and unknown.version is None
    assert unknown.key == known.key and unknown.notes[0].startswith("runs-on: [self-hosted]")


def test_an_unknown_release_is_an_action_error(tmp_path: Path) -> None:
    action = lookup("actions/setup-java")
    assert action is not None
    with pytest.raises(ActionError):
        action.specs(call_for("actions/setup-java", "v1.99", {"cache": "maven"}, tmp_path))


@pytest.mark.parametrize(
    ("line", "kind", "args"),
    [
        # astral-sh/setup-uv src/cache/restore-cache.ts, src/save-cache.ts (v10)
        (
            "cache restored from GitHub Actions cache with key: setup-uv-2-k",
            "restored_from",
            ("setup-uv-2-k",),
        ),
        ("No GitHub Actions cache found for key: setup-uv-2-k", "not_found_pm", ()),
        ("uv cache saved with key: setup-uv-2-k", "saved_with", ("setup-uv-2-k",)),
        # Swatinem/rust-cache src/restore.ts
        (
            'Restored from cache key "v0-rust-a-b" full match: false.',
            "restored_from",
            ("v0-rust-a-b",),
        ),
        ("No cache found.", "not_found_pm", ()),
        # gradle/actions sources/src/cache-service-basic.ts; setup-dotnet src/cache-restore.ts
        ("Basic caching restored from cache key: setup-java-k", "restored_from", ("setup-java-k",)),
        ("Dotnet cache is not found", "not_found_pm", ()),
    ],
)
def test_each_actions_log_lines_are_read_by_the_audit(line: str, kind: str, args: tuple[str, ...]):
    message = classify(line)
    assert message is not None and (message.kind, message.args) == (kind, args)


INPUT_NAMES = sorted(
    {
        "cache",
        "cache-dependency-path",
        "cache-dependency-glob",
        "enable-cache",
        "cache-suffix",
        "python-version",
        "version",
        "working-directory",
        "prune-cache",
        "cache-python",
        "restore-cache",
        "save-cache",
        "cache-local-path",
        "prefix-key",
        "shared-key",
        "key",
        "workspaces",
        "env-vars",
        "cache-directories",
        "save-if",
        "add-job-id-key",
        "cache-provider",
        "cache-disabled",
        "gradle-home-cache-strict-match",
        "path",
        "restore-keys",
        "lookup-only",
        "check-latest",
        "allow-prereleases",
        "freethreaded",
        "package-manager-cache",
        "architecture",
        "go-version",
        "node-version",
    }
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    index=st.integers(min_value=0, max_value=len(ACTIONS) - 1),
    ref=st.sampled_from(["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v2.7.3", "main", "0123abc"]),
    inputs=st.dictionaries(st.sampled_from(INPUT_NAMES), st.text(max_size=30), max_size=6),
)
def test_any_inputs_give_caches_or_a_one_line_error(tmp_path_factory, index, ref, inputs) -> None:
    """Hostile ``with:`` values never crash an action's model: specs, or an ActionError."""
    root = tmp_path_factory.mktemp("repo")
    (root / "uv.lock").write_text("x")
    action = ACTIONS[index]
    call = call_for(action.name, ref, dict(inputs), root)
    try:
        call = call.with_inputs(action.prepare(call))
        action.enabled(call)
        specs = action.specs(call)
        action.exports(call)
    except (ActionError, HashFilesError) as exc:
        assert "\n" not in str(exc).strip() or "YAML 1.2" in str(exc)
        return
    for spec in specs:
        assert isinstance(spec.key.render(), str)


def test_a_bad_boolean_input_is_a_one_line_action_error(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("x")
    action = lookup("actions/setup-python")
    assert action is not None
    inputs: dict[str, str | KeyTemplate] = {
        "cache": "pip",
        "python-version": "3.12",
        "check-latest": "maybe",
    }
    with pytest.raises(ActionError, match=r"^actions/setup-python: .*check-latest$"):
        action.specs(call_for("actions/setup-python", "v5", inputs, tmp_path))
