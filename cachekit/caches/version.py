"""How actions/cache reads its inputs, and the cache *version* that is part of an entry's identity.

An entry is found only when key *and* version match, and the version never appears in a log:
it is ``sha256("|".join(paths + [compression] + ["windows-only"]? + ["1.0"]))`` over the
``path`` lines exactly as written (``@actions/cache`` ``getCacheVersion``). Two workflows that
agree on the key but spell ``path`` differently — ``~/.npm`` versus ``/home/runner/.npm``, a
different order, one more line — can never share an entry. This module reproduces that hash
and the input parsing that feeds it, both checked against the npm packages in the test suite.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Sequence

from .semver import JS_WHITESPACE, js_trim

__all__ = [
    "MAX_KEYS",
    "MAX_KEY_LENGTH",
    "Compression",
    "MultilineRule",
    "cache_version",
    "get_input",
    "input_as_bool",
    "parse_multiline_input",
    "validate_key",
    "validate_keys",
    "yaml_boolean",
]

VERSION_SALT = "1.0"
MAX_KEY_LENGTH = 512
MAX_KEYS = 10


class Compression(str, enum.Enum):
    """``@actions/cache``'s ``CompressionMethod`` values, as they enter the version.

    Since ``@actions/cache`` 3.1.4 (February 2023) the method is ``zstd-without-long`` whenever
    ``zstd --quiet --version`` prints anything (every GitHub-hosted image ships zstd) and
    ``gzip`` otherwise; ``zstd`` (long-distance mode) is what older releases chose for zstd
    ≥ 1.3.2.
    """

    GZIP = "gzip"
    ZSTD_WITHOUT_LONG = "zstd-without-long"
    ZSTD = "zstd"


def cache_version(
    paths: Sequence[str],
    *,
    compression: str | None,
    windows: bool,
    enable_cross_os_archive: bool,
) -> str:
    """``getCacheVersion(paths, compression, enableCrossOsArchive)`` of ``@actions/cache``.

    ``paths`` are the ``path`` lines after input parsing (not glob- or ``~``-expanded);
    ``compression`` is the method's string value or ``None`` (then nothing is appended);
    ``windows`` stands for ``process.platform === 'win32'``, which adds ``windows-only``
    unless ``enable_cross_os_archive``. This is the algorithm of ``@actions/cache`` ≥ 3.1.2
    (every release the cache service still accepts); older releases omitted ``gzip`` and
    never added ``windows-only``.
    """
    components = list(paths)
    if compression:
        components.append(
            str(compression.value if isinstance(compression, Compression) else compression)
        )
    if windows and not enable_cross_os_archive:
        components.append("windows-only")
    components.append(VERSION_SALT)
    return hashlib.sha256("|".join(components).encode("utf-8")).hexdigest()


class MultilineRule(str, enum.Enum):
    """How a release of actions/cache splits ``path`` and ``restore-keys`` into lines.

    ``NEGATION`` (v3.0.9 and later): each line has a leading ``"!"`` followed by whitespace
    joined (``"! x"`` → ``"!x"``), then is trimmed; ``TRIM`` (v2.1.0 to v3.0.8): lines are
    trimmed; ``SPLIT`` (v1.x ``restore-keys``, v2.0.0): lines are kept as they are. Empty
    lines are dropped in every release.
    """

    NEGATION = "negation"
    TRIM = "trim"
    SPLIT = "split"


_NEGATION_SPACE = re.compile("^![" + re.escape(JS_WHITESPACE) + "]+")


def get_input(value: str) -> str:
    """``core.getInput`` on an input's value: the whole value is trimmed (ECMAScript ``trim``)."""
    return js_trim(value)


def parse_multiline_input(text: str, *, rule: MultilineRule = MultilineRule.NEGATION) -> list[str]:
    """actions/cache's ``getInputAsArray``: ``core.getInput`` then split, clean, drop empties.

    The whole value is trimmed first, so only the *first* line's ``"! x"`` is rescued when it
    is indented: ``"  ! x"`` on a later line stays ``"! x"`` (the ``!`` rule runs before the
    line is trimmed). Lines end at ``"\\n"`` only; a ``"\\r"`` is removed by the trim.
    """
    lines = get_input(text).split("\n")
    if rule is MultilineRule.NEGATION:
        lines = [js_trim(_NEGATION_SPACE.sub("!", line, count=1)) for line in lines]
    elif rule is MultilineRule.TRIM:
        lines = [js_trim(line) for line in lines]
    return [line for line in lines if line != ""]


def input_as_bool(value: str) -> bool:
    """actions/cache's ``getInputAsBool``: true only for ``"true"`` in any letter case."""
    return get_input(value).lower() == "true"


_YAML_TRUE = ("true", "True", "TRUE")
_YAML_FALSE = ("false", "False", "FALSE")


def yaml_boolean(value: str, name: str) -> bool:
    """``core.getBooleanInput``, used by the setup actions: YAML 1.2 core-schema booleans only.

    Raises :class:`ValueError` with the toolkit's message for anything else (``"yes"``,
    ``"1"``, ``""`` without a default): the step fails.
    """
    v = get_input(value)
    if v in _YAML_TRUE:
        return True
    if v in _YAML_FALSE:
        return False
    raise ValueError(
        f'Input does not meet YAML 1.2 "Core Schema" specification: {name}\n'
        "Support boolean input list: `true | True | TRUE | false | False | FALSE`"
    )


def validate_key(key: str) -> list[str]:
    """The problems ``@actions/cache`` rejects a key for (empty list: the key is valid).

    ``checkKey``: more than 512 characters (UTF-16 code units, as JavaScript counts), or a
    comma. An empty primary key is refused earlier, by the action (``key`` is a required
    input), so it is reported here too.
    """
    problems: list[str] = []
    if key == "":
        problems.append("the key is empty: 'Input required and not supplied: key'")
    length = len(key.encode("utf-16-le")) // 2
    if length > MAX_KEY_LENGTH:
        problems.append(f"the key has {length} characters; at most {MAX_KEY_LENGTH} are allowed")
    if "," in key:
        problems.append("the key contains a comma, which keys cannot contain")
    return problems


def validate_keys(primary: str, restore_keys: Sequence[str]) -> list[str]:
    """Every problem of a restore request: each key's, and more than 10 keys in total."""
    problems = [f"key: {p}" for p in validate_key(primary)]
    for i, rk in enumerate(restore_keys, 1):
        problems += [f"restore key {i}: {p}" for p in validate_key(rk) if "empty" not in p]
    if 1 + len(restore_keys) > MAX_KEYS:
        problems.append(
            f"{1 + len(restore_keys)} keys (key + restore-keys); at most {MAX_KEYS} are allowed"
        )
    return problems
