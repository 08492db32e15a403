"""GitHub-hosted runner labels -> the runner they start (``runner.os``, ``runner.arch``, image).

The table is the dated snapshot ``runner-labels.json``, regenerated from actions/runner-images
(its README's "Available Images" table and each image's readme) by
``scripts/update_snapshots.py`` and refreshed by ``cachekit data update``. A label the
snapshot does not list but whose name has a hosted image family's prefix (``ubuntu-``,
``macos-``, ``windows-``) still gives ``runner.os``: that is what the name says, whether the
image is newer than the snapshot (``macos-27``) or a larger runner an organisation named
(``ubuntu-latest-8-cores``). Its architecture is known only when a suffix says it (``-arm``,
``-arm64``, ``-intel``, ``-x64``; on macOS ``-large`` is Intel and ``-xlarge`` Apple silicon,
GitHub's larger-runner scheme); otherwise ``runner.arch`` stays unknown.
"""

from __future__ import annotations

import functools
import json
import re
import typing
from typing import Any, Final, get_args

from ..snapshots import read_snapshot
from .model import ActionError, Arch, OSName, RunnerEnv, runner_env

__all__ = ["hosted_runner", "label_os", "runner_table"]

_FAMILY_OS: Final[dict[str, OSName]] = {"ubuntu": "Linux", "macos": "macOS", "windows": "Windows"}
_PREFIXED = re.compile(r"(ubuntu|macos|windows)-(.+)")
_SUFFIX_ARCH: Final[dict[str, Arch]] = {
    "arm": "ARM64",
    "arm64": "ARM64",
    "aarch64": "ARM64",
    "intel": "X64",
    "x64": "X64",
    "amd64": "X64",
}
_MAC_SIZE_ARCH: Final[dict[str, Arch]] = {"large": "X64", "xlarge": "ARM64"}
# What an action's own key uses when the label does not say the architecture (runner.arch
# itself stays unknown): GitHub's standard macOS images are Apple silicon, the others x64.
_ASSUMED_ARCH: Final[dict[OSName, Arch]] = {"Linux": "X64", "macOS": "ARM64", "Windows": "X64"}


@functools.lru_cache(maxsize=1)
def runner_table() -> dict[str, dict[str, Any]]:
    """label -> its entry in the runner-labels snapshot in force (see ``datasources``)."""
    labels = json.loads(read_snapshot("runner-labels")).get("labels", {})
    return {str(k).lower(): v for k, v in labels.items() if isinstance(v, dict)}


def _versions(entry: dict[str, Any], tool: str) -> tuple[str, ...] | None:
    found = entry.get(tool)
    return tuple(str(v) for v in found) if isinstance(found, list) and found else None


def _from_entry(label: str, entry: dict[str, Any]) -> RunnerEnv:
    source = f"runs-on: {label}"
    if entry.get("alias_of"):
        source += f" (taken as {entry['alias_of']}; GitHub moves -latest labels)"
    if entry.get("status") == "retired":
        source += " (a retired image: runs today fail to find a runner)"
    os_name, arch = str(entry.get("os")), str(entry.get("arch"))
    if os_name not in get_args(OSName) or arch not in get_args(Arch):
        raise ActionError(f"runner-labels snapshot: {label!r} has no valid os/arch")
    env = runner_env(
        typing.cast("OSName", os_name),
        typing.cast("Arch", arch),
        entry.get("image_os"),
        entry.get("release"),
        source,
    )
    return env.with_tools(go=_versions(entry, "go"))


def label_os(label: str) -> tuple[OSName, Arch | None] | None:
    """``(runner.os, runner.arch or None)`` a hosted-family label's name says, else ``None``."""
    m = _PREFIXED.fullmatch(label.lower())
    if m is None:
        return None
    os_name = _FAMILY_OS[m.group(1)]
    arch: Arch | None = None
    for part in m.group(2).split("-"):
        arch = _SUFFIX_ARCH.get(part, arch)
        if os_name == "macOS":
            arch = _MAC_SIZE_ARCH.get(part, arch)
    return os_name, arch


def hosted_runner(label: str) -> RunnerEnv:
    """The :class:`RunnerEnv` of a GitHub-hosted runner label (``ubuntu-24.04``, ``macos-15``…).

    ``*-latest`` labels are resolved as the snapshot's README table had them; GitHub moves
    them, so the result says so in its ``source``. Raises :class:`ActionError` for a label
    neither in the table nor named like a hosted image (``self-hosted``, ``gpu-large``).
    """
    entry = runner_table().get(label.lower())
    if entry is not None:
        return _from_entry(label, entry)
    named = label_os(label)
    if named is None:
        raise ActionError(f"unknown GitHub-hosted runner label {label!r}")
    os_name, arch = named
    said = f"{os_name} {arch} by its name" if arch else f"{os_name} by its name, arch unknown"
    env = runner_env(
        os_name,
        arch or _ASSUMED_ARCH[os_name],
        None,
        None,
        f"runs-on: {label} (not in cachekit's runner table: {said})",
    )
    return env if arch else env.arch_unknown()
