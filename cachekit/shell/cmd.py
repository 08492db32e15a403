"""The cmd.exe lexer (light): ``"…"``, ``^`` escapes and continuations, ``REM``/``::`` comments."""

from __future__ import annotations

import re

from .tokens import Lines, Op, ScriptProblem, Tok, Word, github_expression_end

__all__ = ["CmdLexer"]

_CMD_REM = re.compile(r"rem(\s|$)", re.I)
_CMD_REDIRECT = re.compile(r"\d?>>?(&\d)?|<")


class CmdLexer:
    """cmd.exe words: ``"…"``, ``^`` escapes and continuations, ``REM``/``::`` comments."""

    def __init__(self, src: str, lines: Lines, problems: list[ScriptProblem]):
        self.src, self.lines, self.problems = src, lines, problems
        self.pos = 0

    def lex(self) -> list[Tok]:
        src = self.src
        toks: list[Tok] = []
        n = len(src)
        at_start = True
        while self.pos < n:
            c = src[self.pos]
            if c in " \t\r@" and (c != "@" or at_start):
                self.pos += 1
                continue
            if c == "^" and src.startswith("\n", self.pos + 1):
                self.pos += 2
                continue
            if c == "\n":
                toks.append(Op("\n", self.pos, self.pos + 1))
                self.pos += 1
                at_start = True
                continue
            if at_start and (src.startswith("::", self.pos) or _CMD_REM.match(src, self.pos)):
                end = src.find("\n", self.pos)
                self.pos = n if end < 0 else end
                continue
            if src.startswith(("&&", "||"), self.pos):
                toks.append(Op(src[self.pos : self.pos + 2], self.pos, self.pos + 2))
                self.pos += 2
                at_start = True
                continue
            if c in "&|()":
                toks.append(Op(c, self.pos, self.pos + 1))
                self.pos += 1
                at_start = True
                continue
            m = _CMD_REDIRECT.match(src, self.pos)
            if m:
                start = self.pos
                self.pos = m.end()
                if not m.group(1):
                    while self.pos < n and src[self.pos] in " \t":
                        self.pos += 1
                    self._word()
                toks.append(Op("redir", start, self.pos))
                continue
            toks.append(self._word())
            at_start = False
        return toks

    def _word(self) -> Word:
        src, start = self.src, self.pos
        n = len(src)
        buf: list[str] = []
        quoted = False
        literal = True
        while self.pos < n:
            c = src[self.pos]
            if c in " \t\r\n&|()<>":
                break
            if src.startswith("${{", self.pos):
                end = github_expression_end(src, self.pos, n)
                buf.append(src[self.pos : end])
                self.pos = end
                literal = False
                continue
            if c == "^" and self.pos + 1 < n:
                buf.append(src[self.pos + 1])
                self.pos += 2
                quoted = True
                continue
            if c == '"':
                quoted = True
                end = src.find('"', self.pos + 1)
                if end < 0:
                    end = src.find("\n", self.pos + 1)
                    end = n if end < 0 else end
                    buf.append(src[self.pos + 1 : end])
                    self.pos = end
                else:
                    buf.append(src[self.pos + 1 : end])
                    self.pos = end + 1
                continue
            if c in "%!":
                literal = False
            buf.append(c)
            self.pos += 1
        return Word("".join(buf), start, self.pos, quoted, literal)
