"""The cache version, input parsing and key validation against @actions/cache 6.3.0 itself."""

from __future__ import annotations

import hashlib

import pytest
from cache_oracle_client import CacheOracle, cache_oracle  # noqa: F401  (fixture)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachekit.caches.version import (
    Compression,
    MultilineRule,
    cache_version,
    input_as_bool,
    parse_multiline_input,
    validate_key,
    validate_keys,
    yaml_boolean,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- published values (actions/toolkit packages/cache/__tests__/cacheHttpClient.test.ts) -----


def test_published_one_path() -> None:
    v = cache_version(
        ["node_modules"], compression=None, windows=False, enable_cross_os_archive=True
    )
    assert v == "b3e0c6cb5ecf32614eeb2997d905b9c297046d7cbf69062698f25b14b4cb0985"


def test_published_two_paths() -> None:
    v = cache_version(
        ["node_modules", "dist"], compression=None, windows=False, enable_cross_os_archive=True
    )
    assert v == "165c3053bc646bf0d4fac17b1f5731caca6fe38e0e464715c0c3c6b6318bf436"


def test_published_zstd() -> None:
    v = cache_version(
        ["node_modules"], compression=Compression.ZSTD, windows=False, enable_cross_os_archive=True
    )
    assert v == "273877e14fd65d270b87a198edbfa2db5a43de567c9a548d2a2505b408befe24"


def test_published_gzip() -> None:
    v = cache_version(
        ["node_modules"], compression="gzip", windows=False, enable_cross_os_archive=True
    )
    assert v == "470e252814dbffc9524891b17cf4e5749b26c1b5026e63dd3f00972db2393117"


def test_published_windows() -> None:
    v = cache_version(
        ["node_modules"], compression=None, windows=True, enable_cross_os_archive=False
    )
    assert v == "2db19d6596dc34f51f0043120148827a264863f5c6ac857569c2af7119bad14e"


def test_cross_os_archive_only_matters_on_windows() -> None:
    def v(windows: bool, cross: bool) -> str:
        return cache_version(
            ["~/.npm"],
            compression="zstd-without-long",
            windows=windows,
            enable_cross_os_archive=cross,
        )

    assert v(False, False) == v(False, True) == v(True, True) != v(True, False)


def test_version_is_sha256_of_joined_components() -> None:
    expected = hashlib.sha256(b"a|b|zstd-without-long|windows-only|1.0").hexdigest()
    got = cache_version(
        ["a", "b"], compression="zstd-without-long", windows=True, enable_cross_os_archive=False
    )
    assert got == expected


# -- against the oracle ------------------------------------------------------------------------

path_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x1F600), max_size=12
)


@pytest.mark.oracle
@FAST
@given(
    paths=st.lists(path_text, max_size=5),
    compression=st.sampled_from([None, "gzip", "zstd-without-long", "zstd"]),
    platform=st.sampled_from(["linux", "darwin", "win32"]),
    cross=st.booleans(),
)
def test_version_matches_actions_cache(
    cache_oracle: CacheOracle,  # noqa: F811
    paths: list[str],
    compression: str | None,
    platform: str,
    cross: bool,
) -> None:
    ours = cache_version(
        paths, compression=compression, windows=platform == "win32", enable_cross_os_archive=cross
    )
    assert ours == cache_oracle.version(paths, compression, platform, cross)


# Characters that stress the line rules: ECMAScript whitespace (some of which Python's strip()
# disagrees about), CR, "!", and the characters Python treats as line breaks but JS does not.
LINE_CHARS = st.sampled_from(
    [*"ab!~/* \t\n\r", "\u00a0", "\u2028", "\ufeff", "\x85", "\x1c", "\u3000", "\u200b", "é"]
)


@pytest.mark.oracle
@FAST
@given(value=st.lists(LINE_CHARS, max_size=24).map("".join))
def test_multiline_matches_get_input_as_array(
    cache_oracle: CacheOracle,  # noqa: F811
    value: str,
) -> None:
    assert parse_multiline_input(value) == cache_oracle.multiline(value)


def test_multiline_examples() -> None:
    text = "  ~/.npm\n! node_modules/x\n  ! indented\r\n\n\tdist  \n"
    assert parse_multiline_input(text) == ["~/.npm", "!node_modules/x", "! indented", "dist"]
    assert parse_multiline_input(text, rule=MultilineRule.TRIM) == [
        "~/.npm",
        "! node_modules/x",
        "! indented",
        "dist",
    ]
    assert parse_multiline_input("a \n b", rule=MultilineRule.SPLIT) == ["a ", " b"]
    assert parse_multiline_input("   ") == []


key_chars = st.sampled_from([*"ab,-_ ", "😀", "é"])
keys = st.one_of(
    st.lists(key_chars, max_size=8).map("".join),
    st.builds(lambda n, tail: "k" * n + tail, st.integers(505, 515), st.sampled_from(["", "😀"])),
)


@pytest.mark.oracle
@FAST
@given(key=keys, restore=st.lists(keys, max_size=11))
def test_key_validation_matches_restore_cache(
    cache_oracle: CacheOracle,  # noqa: F811
    key: str,
    restore: list[str],
) -> None:
    theirs = cache_oracle.key_error(key, restore)
    ours = validate_keys(key, restore)
    if key == "":
        # The action refuses an empty key before @actions/cache is called.
        assert any("empty" in p for p in ours)
        ours = [p for p in ours if "empty" not in p]
    assert (theirs is None) == (ours == []), (theirs, ours)


def test_validate_key_examples() -> None:
    assert validate_key("Linux-pip-abc") == []
    assert validate_key("a,b") == ["the key contains a comma, which keys cannot contain"]
    assert validate_key("x" * 512) == []
    assert validate_key("x" * 511 + "😀") != []  # 513 UTF-16 code units
    assert validate_key("")[0].startswith("the key is empty")
    assert any("at most 10" in p for p in validate_keys("k", ["r"] * 10))
    assert validate_keys("k", ["r"] * 9) == []


def test_boolean_inputs() -> None:
    assert input_as_bool(" TRUE ") and not input_as_bool("yes") and not input_as_bool("")
    assert yaml_boolean("True", "x") and not yaml_boolean("FALSE", "x")
    with pytest.raises(ValueError, match=r"YAML 1\.2"):
        yaml_boolean("yes", "cache")
