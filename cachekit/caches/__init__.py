"""The facts about GitHub's caching actions, as pure functions.

``actions/cache`` (and its ``restore``/``save`` halves) and the built-in caches of
``actions/setup-python``, ``setup-node``, ``setup-go`` and ``setup-java`` are modelled release
by release: the key and restore-key templates each release builds, the paths it passes, the
cache version those paths produce, and what a user should know about that release. Everything
here is offline: values that depend on the live runner are given as GitHub's defaults and
marked as assumptions, and the data it needs (Python releases, action releases) are dated
snapshots in ``cachekit/data``.
"""

from __future__ import annotations

from .actions.actions_cache import actions_cache_spec, inputs_of
from .actions.setup_go import setup_go_cache
from .actions.setup_java import setup_java_cache, setup_java_caches
from .actions.setup_node import setup_node_cache
from .actions.setup_python import setup_python_cache
from .model import (
    ActionError,
    CacheSpec,
    CacheStepKind,
    Component,
    ContextValue,
    HashFilesComponent,
    KeyTemplate,
    Literal,
    RunnerEnv,
    UnknownComponent,
    VersionInputs,
)
from .pythons import (
    Manifest,
    ResolvedPython,
    UnresolvedPython,
    load_manifest,
    python_location,
    resolve_python,
)
from .releases import ActionRelease, ResolvedRef, latest_release, resolve_ref
from .runners import hosted_runner, label_os
from .version import (
    Compression,
    MultilineRule,
    cache_version,
    parse_multiline_input,
    validate_key,
    validate_keys,
)

__all__ = [
    "ActionError",
    "ActionRelease",
    "CacheSpec",
    "CacheStepKind",
    "Component",
    "Compression",
    "ContextValue",
    "HashFilesComponent",
    "KeyTemplate",
    "Literal",
    "Manifest",
    "MultilineRule",
    "ResolvedPython",
    "ResolvedRef",
    "RunnerEnv",
    "UnknownComponent",
    "UnresolvedPython",
    "VersionInputs",
    "actions_cache_spec",
    "cache_version",
    "hosted_runner",
    "inputs_of",
    "label_os",
    "latest_release",
    "load_manifest",
    "parse_multiline_input",
    "python_location",
    "resolve_python",
    "resolve_ref",
    "setup_go_cache",
    "setup_java_cache",
    "setup_java_caches",
    "setup_node_cache",
    "setup_python_cache",
    "validate_key",
    "validate_keys",
]
