"""actions/cache, actions/cache/restore and actions/cache/save at various references."""

from __future__ import annotations

import hashlib

import pytest

from cachekit.caches import (
    ActionError,
    CacheStepKind,
    ContextValue,
    HashFilesComponent,
    KeyTemplate,
    UnknownComponent,
    actions_cache_spec,
    cache_version,
    hosted_runner,
    inputs_of,
)
from cachekit.hashing.hashfiles import Flavor

UBUNTU = hosted_runner("ubuntu-24.04")
WIN = hosted_runner("windows-2025")
OS = ContextValue("runner.os", "Linux", "runs-on: ubuntu-24.04")
HASH = HashFilesComponent(("**/requirements.txt",), False, Flavor.RUNNER, "0123abcd")
KEY = KeyTemplate.of(OS, "-pip-", HASH)


def test_v4_restore_and_save() -> None:
    spec = actions_cache_spec(
        "v4",
        {"path": "~/.cache/pip\n", "key": KEY, "restore-keys": KeyTemplate.of(OS, "-pip-\n")},
        UBUNTU,
    )
    assert spec.release == "v4.3.0" and spec.kind is CacheStepKind.RESTORE_AND_SAVE
    assert spec.key.render() == "Linux-pip-0123abcd"
    assert [k.render() for k in spec.restore_keys] == ["Linux-pip-"]
    assert spec.paths == ("~/.cache/pip",)
    expected = hashlib.sha256(b"~/.cache/pip|zstd-without-long|1.0").hexdigest()
    assert spec.version == expected
    assert spec.fails is None and spec.save_always is False
    assert spec.uses == "actions/cache@v4"


def test_windows_version_and_cross_os() -> None:
    inputs: dict[str, str | KeyTemplate] = {"path": "~/.npm", "key": "k"}
    plain = actions_cache_spec("v4", inputs, WIN)
    cross = actions_cache_spec("v4", {**inputs, "enableCrossOsArchive": "True"}, WIN)
    linux = actions_cache_spec("v4", inputs, UBUNTU)
    assert plain.version == cache_version(
        ["~/.npm"], compression="zstd-without-long", windows=True, enable_cross_os_archive=False
    )
    assert cross.enable_cross_os_archive and cross.version == linux.version != plain.version
    assert any("windows-only" in n for n in plain.notes)


def test_path_parsing_by_release() -> None:
    inputs: dict[str, str | KeyTemplate] = {"path": " a \n! b\n  ! c\n\n", "key": "k"}
    assert actions_cache_spec("v4", inputs, UBUNTU).paths == ("a", "!b", "! c")
    assert actions_cache_spec("v3.0.8", inputs, UBUNTU).paths == ("a", "! b", "! c")
    assert actions_cache_spec("v2.0.0", inputs, UBUNTU).paths == ("a ", "! b", "  ! c")
    v1 = actions_cache_spec("v1", inputs, UBUNTU)
    assert v1.paths == ("a \n! b\n  ! c",) and v1.version is None


def test_unknown_path_has_no_version() -> None:
    path = KeyTemplate.of(UnknownComponent("steps.dir.outputs.path", "a step output"))
    spec = actions_cache_spec("v4", {"path": path, "key": "k"}, UBUNTU)
    assert spec.version is None and spec.paths == ("\u2039steps.dir.outputs.path\u203a",)


def test_inputs_by_release() -> None:
    assert "lookup-only" not in inputs_of((3, 2, 6), CacheStepKind.RESTORE_AND_SAVE)
    assert "lookup-only" in inputs_of((3, 3, 0), CacheStepKind.RESTORE_AND_SAVE)
    assert "enableCrossOsArchive" in inputs_of((3, 2, 3), CacheStepKind.SAVE_ONLY)
    assert "fail-on-cache-miss" in inputs_of((3, 2, 4), CacheStepKind.RESTORE_ONLY)
    assert "save-always" in inputs_of((4, 0, 0), CacheStepKind.RESTORE_AND_SAVE)
    assert "save-always" not in inputs_of((4, 0, 0), CacheStepKind.RESTORE_ONLY)
    assert "restore-keys" not in inputs_of((4, 0, 0), CacheStepKind.SAVE_ONLY)
    spec = actions_cache_spec("v3.2.6", {"path": "p", "key": "k", "lookup-only": "true"}, UBUNTU)
    assert not spec.lookup_only
    assert any("Unexpected input(s) 'lookup-only'" in n for n in spec.notes)


def test_save_always_history() -> None:
    base: dict[str, str | KeyTemplate] = {"path": "p", "key": "k", "save-always": "true"}
    v40 = actions_cache_spec("v4.0.2", base, UBUNTU)
    v43 = actions_cache_spec("v4.3.0", base, UBUNTU)
    v3 = actions_cache_spec("v3", base, UBUNTU)
    assert v40.save_always is True and any("workflow_dispatch" in n for n in v40.notes)
    assert v43.save_always is True and any("deprecated" in n for n in v43.notes)
    assert v3.save_always is None


def test_sub_actions() -> None:
    inputs: dict[str, str | KeyTemplate] = {"path": "p", "key": KEY, "restore-keys": "r-"}
    restore = actions_cache_spec("v4", inputs, UBUNTU, action="actions/cache/restore")
    save = actions_cache_spec("v4", inputs, UBUNTU, action="actions/cache/save")
    assert restore.kind is CacheStepKind.RESTORE_ONLY and restore.restores and not restore.saves
    assert save.kind is CacheStepKind.SAVE_ONLY and save.restore_keys == ()
    assert any("'restore-keys'" in n for n in save.notes)  # not a save input
    old = actions_cache_spec("v3.0.11", inputs, UBUNTU, action="actions/cache/save")
    assert old.fails is not None and "no sub-actions" in old.fails


def test_forks_and_bad_actions() -> None:
    spec = actions_cache_spec(
        "v4", {"path": "p", "key": "k"}, UBUNTU, action="someone/cache/restore"
    )
    assert spec.kind is CacheStepKind.RESTORE_ONLY and any("fork" in n for n in spec.notes)
    with pytest.raises(ActionError):
        actions_cache_spec("v4", {}, UBUNTU, action="actions/checkout")
    with pytest.raises(ActionError):
        actions_cache_spec("v4", {}, UBUNTU, action="actions/cache/nope")


def test_key_problems() -> None:
    comma = actions_cache_spec("v4", {"path": "p", "key": "a,b"}, UBUNTU)
    assert comma.fails is not None and "comma" in comma.fails
    too_many = actions_cache_spec(
        "v4",
        {"path": "p", "key": "k", "restore-keys": "\n".join("r" * i for i in range(1, 11))},
        UBUNTU,
    )
    assert too_many.fails is not None and "maximum of 10" in too_many.fails
    empty = actions_cache_spec("v4", {"path": "p"}, UBUNTU)
    assert empty.fails == "Input required and not supplied: key"
    saved = actions_cache_spec(
        "v4", {"path": "p", "key": "a,b"}, UBUNTU, action="actions/cache/save"
    )
    assert saved.fails is None and any("save skipped" in n for n in saved.notes)
    # v3.3.2 to v4.0.1 exit 0 after a restore error: the step passes.
    v3 = actions_cache_spec("v3", {"path": "p", "key": "a,b"}, UBUNTU)
    assert v3.fails is None and any("exits 0" in n for n in v3.notes)
    unknown_with_comma = KeyTemplate.of("a,", UnknownComponent("x", "?"))
    assert actions_cache_spec("v4", {"path": "p", "key": unknown_with_comma}, UBUNTU).fails


def test_flags_and_legacy_releases() -> None:
    spec = actions_cache_spec(
        "v4",
        {"path": "p", "key": "k", "fail-on-cache-miss": "TRUE", "lookup-only": "yes"},
        UBUNTU,
        action="actions/cache/restore",
    )
    assert spec.fail_on_cache_miss and not spec.lookup_only  # only "true" counts
    v41 = actions_cache_spec("v4.1.2", {"path": "p", "key": "k"}, UBUNTU)
    assert any("deprecated" in n and "legacy cache service" in n for n in v41.notes)
    v2 = actions_cache_spec("v2", {"path": "p", "key": "k"}, UBUNTU)
    assert v2.version is None and any("older version algorithm" in n for n in v2.notes)
    pinned = actions_cache_spec(
        "0057852bfaa89a56745cba8c7296529d2fc39830", {"path": "p", "key": "k"}, UBUNTU
    )
    assert pinned.release == "v4.3.0"


def test_notes_are_about_the_step_at_hand() -> None:
    """No note about inputs the step does not use, nor restore-only facts on restore+save."""
    runner = hosted_runner("ubuntu-24.04")
    spec = actions_cache_spec("v4", {"path": "a", "key": KeyTemplate.of("k")}, runner)
    assert not any("save-always" in n or "never saves" in n for n in spec.notes)
    restore = actions_cache_spec(
        "v4", {"path": "a", "key": KeyTemplate.of("k")}, runner, action="actions/cache/restore"
    )
    assert any("never saves" in n for n in restore.notes)
    with_flag = actions_cache_spec(
        "v4", {"path": "a", "key": KeyTemplate.of("k"), "save-always": "true"}, runner
    )
    assert any("save-always" in n for n in with_flag.notes)


def test_a_release_newer_than_the_snapshot_is_modelled_as_the_newest_known() -> None:
    runner = hosted_runner("ubuntu-24.04")
    spec = actions_cache_spec("v99.1.0", {"path": "a", "key": KeyTemplate.of("k")}, runner)
    assert any("newer than the snapshot" in n for n in spec.notes)
    with pytest.raises(ActionError, match="no such release"):
        actions_cache_spec("v1.9.9", {"path": "a", "key": KeyTemplate.of("k")}, runner)
