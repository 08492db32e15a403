"""Text renderers: repository text is made safe, and ``--color`` keeps only cachekit's colours."""

from __future__ import annotations

from pathlib import Path

from treebuild import build

from cachekit.explain import explain
from cachekit.output.palette import RESET, STYLES, text_output
from cachekit.output.text import paint, render_explain

# A key holding ESC sequences (clear screen, an OSC hyperlink) and a workflow command line.
WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pip
          key: "pip-\\e[2J-\\e]8;;http://x\\a-${{ github.sha }}\\n::error::injected"
"""


def test_colours_survive_and_repository_escapes_do_not(tmp_path: Path) -> None:
    build(tmp_path, {".github/workflows/ci.yml": WORKFLOW})
    result = explain(str(tmp_path))
    plain = render_explain(result)
    coloured = render_explain(result, color=True)
    for text in (plain, coloured):
        assert "\\x1b[2J" in text and "\x1b[2J" not in text and "\x07" not in text
        assert not any(line.lstrip().startswith("::") for line in text.splitlines())
    assert "\x1b" not in plain
    # the severities are painted; no ESC but the palette's, and colour changes no character
    assert paint("warning", True) in coloured and paint("note", True) in coloured
    unpainted = coloured
    for sequence in (*STYLES.values(), RESET):
        unpainted = unpainted.replace(sequence, "")
    assert unpainted == plain


def test_a_painted_span_of_repository_text_is_still_made_safe() -> None:
    @text_output
    def render(text: str, color: bool) -> str:
        return f"{paint(text, color, 'file')} {paint('miss', color)}"

    hostile = "a\x1b[2Jb\x00deadbeefwarning\x00c"
    shown = render(hostile, True)
    assert shown.startswith(STYLES["file"]) and shown.endswith(paint("miss", True))
    assert "\x1b[2J" not in shown and "\\x1b[2J" in shown  # the ESC it holds, escaped
    assert "\x00" not in shown and render(hostile, False) == _strip(shown)


def _strip(text: str) -> str:
    for sequence in (*STYLES.values(), RESET):
        text = text.replace(sequence, "")
    return text


def test_paint_outside_a_renderer_is_plain_ansi() -> None:
    assert paint("miss", True) == "\x1b[1;31mmiss\x1b[0m"
    assert paint("miss", False) == "miss" and paint("other", True) == "other"
