"""``runs-on`` labels to the runner a job gets: OS, architecture, image.

The table is GitHub's hosted-runner label list as of the date below. ``-latest`` labels move
(``ubuntu-latest`` became 24.04 in January 2025, ``macos-latest`` became macOS 15 in 2025),
which silently changes ``runner.os``-free keys' environments and every ``pythonLocation`` —
so results always say which image a label was taken to mean. Self-hosted and unknown labels
stay unknown unless the user says what they are (``--os``/``--arch``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["LABELS_AS_OF", "RunnerImage", "image_for_labels"]

LABELS_AS_OF: Final = "2026-11"


@dataclass(frozen=True)
class RunnerImage:
    """What a hosted-runner label stands for."""

    label: str
    os: str  # runner.os: Linux | Windows | macOS
    arch: str  # runner.arch: X64 | ARM64
    image_os: str  # the ImageOS variable, e.g. ubuntu24
    version: str  # OS version, e.g. 24.04, 2022, 15
    note: str = ""

    @property
    def os_release(self) -> tuple[str, str]:
        """``lsb_release -i -s`` / ``-r -s`` on Linux images (setup-python's key segment)."""
        return ("Ubuntu", self.version) if self.os == "Linux" else ("", "")


def _img(
    label: str, os: str, arch: str, image_os: str, version: str, note: str = ""
) -> RunnerImage:
    return RunnerImage(label, os, arch, image_os, version, note)


_TABLE: Final[dict[str, RunnerImage]] = {
    i.label: i
    for i in (
        _img("ubuntu-latest", "Linux", "X64", "ubuntu24", "24.04", "ubuntu-latest is 24.04"),
        _img("ubuntu-24.04", "Linux", "X64", "ubuntu24", "24.04"),
        _img("ubuntu-22.04", "Linux", "X64", "ubuntu22", "22.04"),
        _img("ubuntu-20.04", "Linux", "X64", "ubuntu20", "20.04", "ubuntu-20.04 is retired"),
        _img("ubuntu-24.04-arm", "Linux", "ARM64", "ubuntu24", "24.04"),
        _img("ubuntu-22.04-arm", "Linux", "ARM64", "ubuntu22", "22.04"),
        _img(
            "windows-latest",
            "Windows",
            "X64",
            "win25",
            "2025",
            "windows-latest is Windows Server 2025",
        ),
        _img("windows-2025", "Windows", "X64", "win25", "2025"),
        _img("windows-2022", "Windows", "X64", "win22", "2022"),
        _img("windows-2019", "Windows", "X64", "win19", "2019", "windows-2019 is retired"),
        _img("windows-11-arm", "Windows", "ARM64", "win11-arm64", "11"),
        _img("macos-latest", "macOS", "ARM64", "macos15", "15", "macos-latest is macOS 15"),
        _img("macos-26", "macOS", "ARM64", "macos26", "26"),
        _img("macos-15", "macOS", "ARM64", "macos15", "15"),
        _img("macos-15-intel", "macOS", "X64", "macos15", "15"),
        _img("macos-14", "macOS", "ARM64", "macos14", "14"),
        _img("macos-13", "macOS", "X64", "macos13", "13", "macos-13 is retired"),
        _img("macos-latest-large", "macOS", "X64", "macos15", "15"),
        _img("macos-15-large", "macOS", "X64", "macos15", "15"),
        _img("macos-14-large", "macOS", "X64", "macos14", "14"),
        _img("macos-13-large", "macOS", "X64", "macos13", "13"),
        _img("macos-latest-xlarge", "macOS", "ARM64", "macos15", "15"),
        _img("macos-15-xlarge", "macOS", "ARM64", "macos15", "15"),
        _img("macos-14-xlarge", "macOS", "ARM64", "macos14", "14"),
        _img("macos-13-xlarge", "macOS", "ARM64", "macos13", "13"),
    )
}


def image_for_labels(labels: str | Sequence[str]) -> RunnerImage | None:
    """The hosted image a ``runs-on`` value selects, or None when it cannot be known.

    A list selects a runner carrying every label; hosted runners carry exactly one of the
    labels above, so a list resolves when exactly one known label is in it and no
    ``self-hosted`` label is.
    """
    items = [labels] if isinstance(labels, str) else list(labels)
    lowered = [str(x).strip().lower() for x in items]
    if "self-hosted" in lowered:
        return None
    known = [_TABLE[x] for x in lowered if x in _TABLE]
    return known[0] if len(known) == 1 else None
