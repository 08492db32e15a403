"""The bash lexer: words and operators of a bash program, substitutions lexed recursively.

Why not :mod:`shlex`? It is the right tool for one command line, but a workflow script is a
bash *program*, and ``shlex`` (even with ``punctuation_chars``) differs from bash exactly where
workflow scripts live: it treats ``#`` inside a word (``pip install foo#egg``) as a comment, keeps
``\\<newline>`` as a newline instead of joining lines, knows nothing of here-documents (whose
bodies are not commands), of ``$(...)`` nesting (``"$(uv run x.py)"`` holds a command), of
``${{ expr }}`` (GitHub's substitution, which must stay one opaque word), and it gives no line
numbers per word. So the bash dialect is read by a small lexer that follows the bash manual's
*Quoting*, *Comments*, *Here Documents* and *Redirections* sections; the tests check its word
splitting against real ``bash`` (``printf '%s\\0'``). Deliberate differences from bash, since
nothing is executed: parameter, brace, tilde and pathname expansion are not done (words keep
``$VAR``, ``{a,b}``, ``~`` and ``*`` as written).
"""

from __future__ import annotations

import re

from .tokens import NAME_ASSIGN, Lines, Op, ScriptProblem, Tok, Word

__all__ = ["BashLexer"]

_FD = re.compile(r"\d+|\{[A-Za-z_][A-Za-z0-9_]*\}")  # 2>, {fd}>
_PARAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]")


_ANSI_C = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
    "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip


_MAX_NESTING = 64
"""``$(`` nested deeper than this is not read (``$(`` 500 deep was a RecursionError)."""


class BashLexer:
    """Words and operators of a bash script, with substitutions lexed recursively.

    ``limit`` bounds the text (a backtick substitution is lexed in place); ``problems`` collects
    what cannot be read, by line.
    """

    def __init__(
        self, src: str, lines: Lines, problems: list[ScriptProblem], limit: int | None = None
    ):
        self.src = src
        self.lines = lines
        self.problems = problems
        self.limit = len(src) if limit is None else limit
        self.pos = 0
        self._nesting = 0  # $( and <( being lexed around the current position
        self._abandoned = False  # the rest was given up (too deep): no "unterminated" noise

    def problem(self, offset: int, message: str) -> None:
        self.problems.append(ScriptProblem(self.lines.line(offset), message))

    # -- the token loop ---------------------------------------------------------------------------

    def lex(self, closer: str | None = None) -> list[Tok]:
        """Tokens up to the end, or up to the unmatched ``)`` that closes a ``$(``."""
        src = self.src
        toks: list[Tok] = []
        opened = self.pos
        depth = 0
        pending: list[tuple[str, bool, int]] = []  # here-documents whose bodies come next
        while self.pos < self.limit:
            c = src[self.pos]
            if c in " \t\r":
                self.pos += 1
                continue
            if c == "\\" and src.startswith("\n", self.pos + 1):
                self.pos += 2
                continue
            if c == "\n":
                toks.append(Op("\n", self.pos, self.pos + 1))
                self.pos += 1
                if pending:
                    self._heredoc_bodies(pending)
                    pending = []
                continue
            if c == "#":
                self._skip_comment()
                continue
            if c == ")" and closer == ")" and depth == 0:
                self.pos += 1
                return toks
            tok = self._operator(pending)
            if tok is not None:
                if isinstance(tok, Op):
                    if tok.op == "(":
                        depth += 1
                    elif tok.op == ")":
                        depth -= 1
                toks.append(tok)
                continue
            word = self._word()
            if word.value or word.quoted or not word.literal:  # a final lone "\\" is no word
                toks.append(word)
        if closer is not None and not self._abandoned:
            self.problem(opened, f"unterminated $( … {closer}")
        if pending:
            self._heredoc_bodies(pending)
        return toks

    def _skip_comment(self) -> None:
        end = self.src.find("\n", self.pos, self.limit)
        self.pos = self.limit if end < 0 else end

    def _heredoc_bodies(self, pending: list[tuple[str, bool, int]]) -> None:
        src = self.src
        for delim, strip_tabs, at in pending:
            while True:
                if self.pos >= self.limit:
                    self.problem(at, f"here-document delimited by end of script (wanted {delim!r})")
                    break
                nl = src.find("\n", self.pos, self.limit)
                end = self.limit if nl < 0 else nl
                text = src[self.pos : end].rstrip("\r")
                self.pos = end + 1 if nl >= 0 else self.limit
                if (text.lstrip("\t") if strip_tabs else text) == delim:
                    break

    # -- operators and redirections ---------------------------------------------------------------

    def _operator(self, pending: list[tuple[str, bool, int]]) -> Tok | None:
        src, p = self.src, self.pos
        c = src[p]
        if c == ";":
            for op in (";;&", ";;", ";&", ";"):
                if src.startswith(op, p):
                    return self._op(op)
        if c == "&":
            if src.startswith("&&", p):
                return self._op("&&")
            if src.startswith("&>>", p) or src.startswith("&>", p):
                return self._redirect(3 if src.startswith("&>>", p) else 2, pending)
            return self._op("&")
        if c == "|":
            for op in ("||", "|&", "|"):
                if src.startswith(op, p):
                    return self._op(op)
        if c == "(":
            if src.startswith("((", p):
                return self._arith_command()
            return self._op("(")
        if c == ")":
            return self._op(")")
        if c in "<>":
            if src.startswith("(", p + 1):
                return None  # process substitution: a word
            return self._redirect(0, pending)
        m = _FD.match(src, p, self.limit)
        if m and src.startswith(("<", ">"), m.end()) and not src.startswith("(", m.end() + 1):
            self.pos = m.end()
            return self._redirect(0, pending, start=p)
        return None

    def _op(self, op: str) -> Op:
        tok = Op(op, self.pos, self.pos + len(op))
        self.pos += len(op)
        return tok

    def _redirect(self, width: int, pending: list[tuple[str, bool, int]], start: int = -1) -> Op:
        src, p = self.src, self.pos
        start = p if start < 0 else start
        if not width:
            for op in ("<<<", "<<-", "<<", "<>", "<&", "<", ">>", ">|", ">&", ">"):
                if src.startswith(op, p):
                    width = len(op)
                    break
        op = src[p : p + width]
        self.pos = p + width
        while self.pos < self.limit and src[self.pos] in " \t":
            self.pos += 1
        if self.pos >= self.limit or (
            src[self.pos] in "\n;&|()<>" and not src.startswith(("<(", ">("), self.pos)
        ):
            self.problem(start, f"redirection {op!r} has no target")
            return Op("redir", start, self.pos)
        target = self._word()
        if op in ("<<", "<<-"):
            pending.append((target.value, op == "<<-", start))
        return Op("redir", start, target.end, redirect=op, target=target)

    def _arith_command(self) -> Word:
        start = self.pos
        end = self._balanced(self.pos, "(", ")")
        self.pos = end
        return Word(self.src[start:end], start, end, quoted=False, literal=False)

    def _balanced(self, p: int, open_: str, close: str) -> int:
        """Offset after the ``close`` matching the ``open_`` at ``p``, skipping quotes."""
        src, depth = self.src, 0
        while p < self.limit:
            c = src[p]
            if c == "\\":
                p += 2
                continue
            if c in "'\"":
                q = src.find(c, p + 1, self.limit)
                p = self.limit if q < 0 else q + 1
                continue
            if src.startswith("${{", p):
                p = self._expression_end(p)
                continue
            if c == open_:
                depth += 1
            elif c == close:
                depth -= 1
                if depth == 0:
                    return p + 1
            p += 1
        self.problem(self.pos, f"unterminated {open_!r}")
        return self.limit

    # -- words ------------------------------------------------------------------------------------

    def _word(self) -> Word:
        src = self.src
        start = self.pos
        buf: list[str] = []
        quoted = False
        literal = True
        subs: list[tuple[Tok, ...]] = []
        while self.pos < self.limit:
            c = src[self.pos]
            if c in " \t\r\n;&|)":
                break
            if c == "(":
                if not quoted and NAME_ASSIGN.fullmatch("".join(buf)):
                    end = self._balanced(self.pos, "(", ")")  # array assignment a=( … )
                    buf.append(src[self.pos : end])
                    self.pos = end
                    literal = False
                    continue
                break
            if c in "<>":
                if not src.startswith("(", self.pos + 1):
                    break
                at = self.pos
                self.pos += 2
                subs.append(self._substitution(at))
                buf.append(src[at : self.pos])
                literal = False
                continue
            if c == "\\":
                if self.pos + 1 >= self.limit:
                    self.pos += 1  # bash reading a script file drops a backslash at its end
                elif src[self.pos + 1] == "\n":
                    self.pos += 2
                else:
                    buf.append(src[self.pos + 1])
                    self.pos += 2
                    quoted = True
                continue
            if c == "'":
                self._single_quoted(buf)
                quoted = True
                continue
            if c == '"':
                literal = self._double_quoted(buf, subs) and literal
                quoted = True
                continue
            if c == "$":
                is_literal, is_quoted = self._dollar(buf, subs, in_double=False)
                literal = literal and is_literal
                quoted = quoted or is_quoted
                continue
            if c == "`":
                self._backtick(buf, subs)
                literal = False
                continue
            buf.append(c)
            self.pos += 1
        return Word("".join(buf), start, self.pos, quoted, literal, tuple(subs))

    def _single_quoted(self, buf: list[str]) -> None:
        src, at = self.src, self.pos
        self.pos += 1
        while self.pos < self.limit:
            if src.startswith("${{", self.pos):
                end = self._expression_end(self.pos)
                buf.append(src[self.pos : end])
                self.pos = end
                continue
            c = src[self.pos]
            self.pos += 1
            if c == "'":
                return
            buf.append(c)
        self.problem(at, "unterminated single quote")

    def _double_quoted(self, buf: list[str], subs: list[tuple[Tok, ...]]) -> bool:
        src, at = self.src, self.pos
        literal = True
        self.pos += 1
        while self.pos < self.limit:
            c = src[self.pos]
            if c == '"':
                self.pos += 1
                return literal
            if c == "\\" and self.pos + 1 < self.limit and src[self.pos + 1] in '$`"\\\n':
                if src[self.pos + 1] != "\n":
                    buf.append(src[self.pos + 1])
                self.pos += 2
                continue
            if c == "$":
                is_literal, _ = self._dollar(buf, subs, in_double=True)
                literal = literal and is_literal
                continue
            if c == "`":
                self._backtick(buf, subs)
                literal = False
                continue
            buf.append(c)
            self.pos += 1
        self.problem(at, "unterminated double quote")
        return literal

    def _dollar(
        self, buf: list[str], subs: list[tuple[Tok, ...]], *, in_double: bool
    ) -> tuple[bool, bool]:
        """Read a ``$`` form; returns (literal, quoted)."""
        src, at = self.src, self.pos
        nxt = src[at + 1] if at + 1 < self.limit else ""
        if src.startswith("${{", at):
            end = self._expression_end(at)
        elif src.startswith("$((", at):
            end = self._balanced(at + 1, "(", ")")
        elif nxt == "(":
            self.pos = at + 2
            subs.append(self._substitution(at))
            buf.append(src[at : self.pos])
            return False, False
        elif nxt == "{":
            end = self._balanced(at + 1, "{", "}")
        elif nxt == "'" and not in_double:
            self._ansi_c(buf)
            return True, True
        elif nxt == '"' and not in_double:
            self.pos = at + 1
            return self._double_quoted(buf, subs), True
        elif nxt and (nxt.isalnum() or nxt == "_"):
            m = _PARAM.match(src, at + 1, self.limit)
            end = m.end() if m else at + 2
        elif nxt and nxt in "@*#?$!-":
            end = at + 2
        else:
            buf.append("$")
            self.pos = at + 1
            return True, False
        buf.append(src[at:end])
        self.pos = end
        return False, False

    def _ansi_c(self, buf: list[str]) -> None:
        src, at = self.src, self.pos
        self.pos += 2
        while self.pos < self.limit:
            c = src[self.pos]
            if c == "'":
                self.pos += 1
                return
            if c == "\\" and self.pos + 1 < self.limit:
                buf.append(_ANSI_C.get(src[self.pos + 1], "\\" + src[self.pos + 1]))
                self.pos += 2
                continue
            buf.append(c)
            self.pos += 1
        self.problem(at, "unterminated $'…' quote")

    def _substitution(self, at: int) -> tuple[Tok, ...]:
        """The tokens of ``$(…)`` or ``<(…)`` opened at ``at`` (``self.pos`` is inside).

        Lexed recursively, so nesting is bounded: past :data:`_MAX_NESTING` the rest of the
        script is not read (a problem says so) instead of exhausting Python's stack.
        """
        if self._nesting >= _MAX_NESTING:
            self.problem(at, f"substitutions nested more than {_MAX_NESTING} deep: not read")
            self.pos = self.limit
            self._abandoned = True
            return ()
        self._nesting += 1
        try:
            return tuple(self.lex(")"))
        finally:
            self._nesting -= 1

    def _backtick(self, buf: list[str], subs: list[tuple[Tok, ...]]) -> None:
        src, at = self.src, self.pos
        p = at + 1
        while p < self.limit and src[p] != "`":
            p += 2 if src[p] == "\\" else 1
        end = min(p, self.limit)
        inner = BashLexer(src, self.lines, self.problems, limit=end)
        inner.pos = at + 1
        subs.append(tuple(inner.lex()))
        if p >= self.limit:
            self.problem(at, "unterminated backquote")
            self.pos = self.limit
        else:
            self.pos = p + 1
        buf.append(src[at : self.pos])

    def _expression_end(self, p: int) -> int:
        """Offset after the ``}}`` closing the ``${{`` at ``p``, GitHub string literals skipped.

        An unterminated expression ends at the end of its line (GitHub rejects the workflow;
        reading on would swallow the rest of the script).
        """
        src, i = self.src, p + 3
        while i < self.limit:
            if src.startswith("}}", i):
                return i + 2
            if src[i] == "'":
                j = i + 1
                while j < self.limit:
                    if src[j] == "'":
                        if src.startswith("''", j):
                            j += 2
                            continue
                        break
                    j += 1
                i = j + 1
                continue
            i += 1
        self.problem(p, "unterminated ${{ expression")
        nl = src.find("\n", p, self.limit)
        return self.limit if nl < 0 else nl
