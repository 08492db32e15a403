"""The PowerShell lexer (light): quoting, comments, continuations, separators, redirections.

Enough of PowerShell to find the commands of a ``shell: pwsh`` step; expressions, script blocks
and pipelines of objects are not modelled.
"""

from __future__ import annotations

import re

from .tokens import Lines, Op, ScriptProblem, Tok, Word, github_expression_end, paren_end

__all__ = ["PwshLexer"]


_PWSH_REDIRECT = re.compile(r"(\d|\*)?>>?(&\d)?|<")


class PwshLexer:
    """PowerShell words: ``'…'`` (``''`` escapes), ``"…"`` with backtick escapes and ``$(…)``,
    here-strings skipped, ``#`` and ``<# … #>`` comments, backtick-newline continuations."""

    def __init__(self, src: str, lines: Lines, problems: list[ScriptProblem]):
        self.src, self.lines, self.problems = src, lines, problems
        self.pos = 0

    def problem(self, offset: int, message: str) -> None:
        self.problems.append(ScriptProblem(self.lines.line(offset), message))

    def lex(self) -> list[Tok]:
        src = self.src
        toks: list[Tok] = []
        n = len(src)
        while self.pos < n:
            c = src[self.pos]
            if c in " \t\r":
                self.pos += 1
            elif c == "`" and src.startswith("\n", self.pos + 1):
                self.pos += 2
            elif c == "`" and src.startswith("\r\n", self.pos + 1):
                self.pos += 3
            elif c == "\n":
                toks.append(Op("\n", self.pos, self.pos + 1))
                self.pos += 1
            elif src.startswith("<#", self.pos):
                end = src.find("#>", self.pos + 2)
                if end < 0:
                    self.problem(self.pos, "unterminated <# comment")
                self.pos = n if end < 0 else end + 2
            elif c == "#":
                end = src.find("\n", self.pos)
                self.pos = n if end < 0 else end
            elif src.startswith(("@'", '@"'), self.pos) and src[self.pos + 2 : self.pos + 3] in (
                "\n",
                "\r",
            ):
                self._here_string()
            elif src.startswith(("&&", "||"), self.pos):
                toks.append(Op(src[self.pos : self.pos + 2], self.pos, self.pos + 2))
                self.pos += 2
            elif c in ";|(){}":
                toks.append(Op(c, self.pos, self.pos + 1))
                self.pos += 1
            elif c == "&" and not src.startswith("&&", self.pos):
                self.pos += 1  # the call operator
            elif m := _PWSH_REDIRECT.match(src, self.pos):
                start = self.pos
                self.pos = m.end()
                if not m.group(2):
                    while self.pos < n and src[self.pos] in " \t":
                        self.pos += 1
                    if self.pos < n and src[self.pos] not in "\n;|":
                        self._word()
                toks.append(Op("redir", start, self.pos))
            else:
                toks.append(self._word())
        return toks

    def _here_string(self) -> None:
        src, at = self.src, self.pos
        close = src[self.pos + 1] + "@"
        m = re.compile(r"\n[ \t]*" + re.escape(close)).search(src, self.pos)
        if not m:
            self.problem(at, "unterminated here-string")
            self.pos = len(src)
        else:
            self.pos = m.end()

    def _word(self) -> Word:
        src, start = self.src, self.pos
        n = len(src)
        buf: list[str] = []
        quoted = False
        literal = True
        subs: list[tuple[Tok, ...]] = []
        while self.pos < n:
            c = src[self.pos]
            if src.startswith("${{", self.pos):
                end = github_expression_end(src, self.pos, n)
                buf.append(src[self.pos : end])
                self.pos = end
                literal = False
                continue
            if c == "`" and self.pos + 1 < n:
                buf.append(src[self.pos + 1])
                self.pos += 2
                quoted = True
                continue
            if c == "'":
                quoted = True
                self.pos += 1
                while True:
                    if self.pos >= n:
                        self.problem(start, "unterminated single quote")
                        break
                    if src.startswith("${{", self.pos):
                        end = github_expression_end(src, self.pos, n)
                        buf.append(src[self.pos : end])
                        self.pos = end
                        continue
                    if src[self.pos] == "'":
                        if src.startswith("''", self.pos):
                            buf.append("'")
                            self.pos += 2
                            continue
                        self.pos += 1
                        break
                    buf.append(src[self.pos])
                    self.pos += 1
                continue
            if c == '"':
                quoted = True
                self.pos += 1
                while True:
                    if self.pos >= n:
                        self.problem(start, "unterminated double quote")
                        break
                    d = src[self.pos]
                    if src.startswith("${{", self.pos):
                        end = github_expression_end(src, self.pos, n)
                        buf.append(src[self.pos : end])
                        self.pos = end
                        literal = False
                        continue
                    if d == '"':
                        if src.startswith('""', self.pos):
                            buf.append('"')
                            self.pos += 2
                            continue
                        self.pos += 1
                        break
                    if d == "`" and self.pos + 1 < n:
                        buf.append(src[self.pos + 1])
                        self.pos += 2
                        continue
                    if src.startswith("$(", self.pos):
                        end = paren_end(src, self.pos + 1, n)
                        buf.append(src[self.pos : end])
                        self.pos = end
                        literal = False
                        continue
                    if d == "$":
                        literal = False
                    buf.append(d)
                    self.pos += 1
                continue
            if c in " \t\r\n;|&(){}":
                break
            if src.startswith("$(", self.pos) or src.startswith("${", self.pos):
                close = ")" if src[self.pos + 1] == "(" else "}"
                end = (
                    paren_end(src, self.pos + 1, n)
                    if close == ")"
                    else max(src.find("}", self.pos) + 1, self.pos + 2)
                )
                buf.append(src[self.pos : end])
                self.pos = end
                literal = False
                continue
            if c == "$":
                literal = False
            buf.append(c)
            self.pos += 1
        return Word("".join(buf), start, self.pos, quoted, literal, tuple(subs))
