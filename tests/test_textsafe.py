"""Output injection (#11 item 8): no control character reaches the terminal raw, and no line
cachekit prints can be read by the runner as a workflow command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_cases import ESCAPES, materialize, newline_file, output_injection
from hypothesis import given
from hypothesis import strategies as st

from cachekit.cli import main
from cachekit.textsafe import escape_controls, neutralize_commands, safe_field, safe_text

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from([":", "#", "[", "]", " ", "\t", "\n", "\r", "\x1b", "\x07", "\x00"]),
        st.characters(),
    ),
    max_size=60,
)


def is_command(line: str) -> bool:
    """What actions/runner executes: ``::`` after leading whitespace, or ``##[`` anywhere."""
    return line.lstrip().startswith("::") or "##[" in line


@given(TEXT)
def test_safe_text_leaves_no_control_and_no_command(text: str) -> None:
    out = safe_text(text)
    assert not CONTROL.search(out.replace("\n", "").replace("\t", ""))
    assert not any(is_command(line) for line in out.split("\n"))
    # .NET's TrimStart also trims \r, \v, \f and Unicode spaces; none survive unescaped here.
    assert not any(
        is_command(line.strip("\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")) for line in out.split("\n")
    )


@given(TEXT)
def test_safe_field_stays_on_one_line(text: str) -> None:
    out = safe_field(text)
    assert "\n" not in out and "\r" not in out
    assert not is_command(out)


def test_escapes_are_visible_and_plain_text_is_unchanged() -> None:
    assert safe_text("requirements.txt: numpy==1.26\n\tok") == "requirements.txt: numpy==1.26\n\tok"
    assert escape_controls("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"
    assert neutralize_commands("x\n  ::error::pwned\n##[error]y") == (
        "x\n  \\x3a:error::pwned\n#\\x23[error]y"
    )
    assert safe_field("f\n::error::x") == "f\\x0a::error::x"


COMMANDS = [
    ["explain"],
    ["check"],
    ["check", "--format", "github"],
    ["suggest"],
    ["predict"],
    ["audit"],
]


@pytest.fixture(scope="module", params=[*ESCAPES, "\x00", "\x1b]8;;http://evil\x1b\\", "newline"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = newline_file() if request.param == "newline" else output_injection(request.param)
    return materialize(tmp_path_factory.mktemp("inject"), spec)


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_commands_print_no_raw_control_and_no_injected_command(
    hostile: Path, argv: list[str]
) -> None:
    out = CliRunner().invoke(main, [*argv, str(hostile)])
    assert out.exit_code in (0, 1), out.output
    assert not CONTROL.search(out.output.replace("\n", "").replace("\t", "")), out.output
    lines = out.output.split("\n")
    if "github" in argv:
        # Exactly cachekit's own annotations: one per finding, nothing from the repository.
        own = [line for line in lines if line.startswith(("::error ", "::warning ", "::notice "))]
        assert [line for line in lines if is_command(line)] == own
        assert len(own) == out.output.count("title=cachekit ")
    else:
        assert not any(is_command(line) for line in lines), out.output


def test_hash_files_lists_hostile_names_safely(hostile: Path) -> None:
    out = CliRunner().invoke(main, ["hash", str(hostile), "--files", "--", "[fx]*"])
    assert out.exit_code == 0, out.output
    assert not CONTROL.search(out.output.replace("\n", ""))
    assert not any(is_command(line) for line in out.output.split("\n"))
    assert len(out.output.strip().split("\n")) == 2  # the one file, then the digest
