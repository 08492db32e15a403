"""Minimal upstream files in the shapes actions/runner-images and actions/go-versions publish.

Written for these tests (not copied): a README "Available Images" table with the cells the
real one has (badges, ``<br>``, several labels per row, reference links to image readmes),
image readmes with an ``OS Version`` line and ``Cached Tools``, a Dockerfile that sets
``ImageOS``, and a Go ``versions-manifest.json``. The images and versions are made up where
that makes a test's point (``ubuntu-30.04``, Go ``1.99.x``), so no assertion depends on what
GitHub ships today.
"""

from __future__ import annotations

import json

B = "![Endpoint Badge](https://img.shields.io/x)"
PREVIEW = "![preview](https://img.shields.io/badge/preview-0969DA?style=flat)"
DEPRECATED = "[![deprecated](https://img.shields.io/badge/deprecated-E5534B?style=flat)](https://x)"
BLOB = "https://github.com/actions/runner-images/blob/main"

RUNNER_README = f"""\
# GitHub Actions Runner Images

## Available Images

| Image | Architecture | YAML Label | Included Software |
| --------------------|--------------|---------------------|------------------|
| Ubuntu 30.04 {PREVIEW}<br>{B} | x64 | `ubuntu-30.04` | [ubuntu-30.04] |
| Ubuntu 30.04 Arm64 {PREVIEW}<br>{B} | arm64 | `ubuntu-30.04-arm` | [ubuntu-30.04-arm64] |
| Ubuntu 28.04<br>{B} | x64 | `ubuntu-latest` or `ubuntu-28.04` | [ubuntu-28.04] |
| Ubuntu Slim<br>{B} | x64 | `ubuntu-slim` | [ubuntu-slim] |
| macOS 30<br>{B} | x64 | `macos-latest-large`, `macos-30-intel`, `macos-30-large` | [macOS-30] |
| macOS 30 Arm64<br>{B} | arm64 | `macos-latest`, `macos-30`, `macos-30-xlarge` | [macOS-30-arm64] |
| macOS 29 {DEPRECATED}<br>{B} | arm64 | `macos-29` | [macOS-30-arm64] |
| Windows Server 2031<br>{B} | x64 | `windows-latest`, `windows-2031` | [windows-2031] |
| Windows 11 Arm64<br>{B} | arm64 | `windows-11-arm` | [windows-11-arm64] |

### Label scheme

- The `-xlarge` and `-large` suffixes are unique to macOS images.

[ubuntu-30.04]: {BLOB}/images/ubuntu/Ubuntu3004-Readme.md
[ubuntu-30.04-arm64]: {BLOB}/images/ubuntu/Ubuntu3004-Arm64-Readme.md
[ubuntu-28.04]: {BLOB}/images/ubuntu/Ubuntu2804-Readme.md
[ubuntu-slim]: {BLOB}/images/ubuntu-slim/ubuntu-slim-Readme.md
[macOS-30]: {BLOB}/images/macos/macos-30-Readme.md
[macOS-30-arm64]: {BLOB}/images/macos/macos-30-arm64-Readme.md
[windows-2031]: {BLOB}/images/windows/Windows2031-Readme.md
[windows-11-arm64]: {BLOB}/images/windows/Windows11-Arm64-Readme.md

## Announcements
"""


def image_readme(title: str, os_version: str, go: list[str], python: list[str]) -> str:
    tools = "".join(f"- {v}\n" for v in go)
    pys = "".join(f"- {v}\n" for v in python)
    cached = f"### Cached Tools\n\n#### Go\n{tools}\n#### Python\n{pys}\n" if go else ""
    return f"# {title}\n- OS Version: {os_version}\n- Image Version: 1\n\n{cached}"


RUNNER_FILES: dict[str, str] = {
    "README.md": RUNNER_README,
    "images/ubuntu/Ubuntu3004-Readme.md": image_readme("Ubuntu 30.04", "30.04.1 LTS", [], []),
    "images/ubuntu/Ubuntu3004-Arm64-Readme.md": image_readme("Ubuntu 30.04", "30.04.1 LTS", [], []),
    "images/ubuntu/Ubuntu2804-Readme.md": image_readme(
        "Ubuntu 28.04", "28.04.2 LTS", ["1.98.3", "1.99.0"], ["3.20.1"]
    ),
    "images/ubuntu-slim/ubuntu-slim-Readme.md": image_readme("Ubuntu-Slim", "28.04.2 LTS", [], []),
    "images/ubuntu-slim/Dockerfile": 'FROM ubuntu:28.04\nENV ImageOS="Linux"\n',
    "images/macos/macos-30-Readme.md": image_readme("macOS 30", "macOS 30.1", ["1.99.0"], []),
    "images/macos/macos-30-arm64-Readme.md": image_readme("macOS 30", "macOS 30.1", ["1.99.0"], []),
    "images/windows/Windows2031-Readme.md": image_readme(
        "Windows Server 2031", "10.0.1", ["1.99.0"], []
    ),
    "images/windows/Windows11-Arm64-Readme.md": image_readme(
        "Windows 11 Enterprise", "10.0.2", [], []
    ),
}


def _go(version: str, stable: bool = True, arm: bool = True) -> dict[str, object]:
    platforms = [("linux", "x64"), ("darwin", "x64"), ("win32", "x64")]
    if arm:
        platforms += [("linux", "arm64"), ("darwin", "arm64")]
    return {
        "version": version,
        "stable": stable,
        "release_url": "https://example/release",
        "files": [
            {"filename": f"go-{version}-{p}-{a}.tar.gz", "arch": a, "platform": p}
            for p, a in platforms
        ],
    }


GO_MANIFEST = [
    _go("1.100.0-rc.1", stable=False),
    _go("1.99.2"),
    _go("1.99.1"),
    _go("1.99.0"),
    _go("1.98.4", arm=False),
    _go("1.98.3"),
    _go("1.20.0"),
]
GO_FILES: dict[str, str] = {"versions-manifest.json": json.dumps(GO_MANIFEST)}
