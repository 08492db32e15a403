"""Should cachekit read bash with the tree-sitter grammar? Both lexers against real bash.

Not a dependency: run it in a scratch venv with the two wheels,

    python -m venv --system-site-packages /tmp/ts
    /tmp/ts/bin/pip install tree-sitter tree-sitter-bash
    PYTHONPATH=. /tmp/ts/bin/python benchmarks/shell_tree_sitter.py 2000

It draws ``N`` scripts (seed 10) from the pieces of the real-bash differential test in
``tests/test_environments_commands.py`` (``test_word_splitting_matches_bash``), plus its named
cases, and compares the words each reader gives for ``printf '%s\\0' TEXT`` with the words bash
passes to printf (or: both reject the syntax). tree-sitter gives a concrete syntax tree, not
words, so ``value`` below does the quote removal it leaves to its user. Then it checks that the
bash fixtures of the same test file (all accepted by ``bash -n``) parse without an ERROR node.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile

import tree_sitter as ts  # type: ignore[import-not-found]
import tree_sitter_bash as tsb  # type: ignore[import-not-found]

from cachekit.shell.bash import BashLexer
from cachekit.shell.tokens import Lines, Word

BASH = shutil.which("bash")
PIECES = ["a", "b", "=", "#", " ", "\t", "'", '"', "\\", "\\\n", "{", "}", ".", "-x", "é"]
PARSER = ts.Parser(ts.Language(tsb.language()))


def bash_words(text):
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False, encoding="utf-8") as f:
        f.write("set -f; printf '%s\\0' " + text)
    try:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        run = subprocess.run(
            [BASH, "--norc", "--noprofile", f.name], capture_output=True, env=env, check=False
        )
    finally:
        os.unlink(f.name)
    if run.returncode != 0:
        return None
    return run.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


def our_words(text):
    src = "printf '%s\\0' " + text
    problems = []
    toks = BashLexer(src, Lines(src), problems).lex()
    words = [t.value for t in toks if isinstance(t, Word)]
    single = len(words) == len(toks)
    return (None if problems else words[2:]), (problems if single or problems else ["several"])


ANSI = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def _unescape(s, keep):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "\n":
                i += 2
                continue
            if keep is None or n in keep:
                out.append(n)
                i += 2
                continue
        elif c == "\\" and keep is None:  # final lone backslash in a file: dropped
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def value(node) -> str:
    """Quote removal over the CST: the part tree-sitter leaves to its user."""
    t, text = node.type, node.text.decode("utf-8", "surrogateescape")
    if t in {"word", "number"}:
        return _unescape(text, None)
    if t == "raw_string":
        return text[1:-1]
    if t == "ansi_c_string":
        body, out, i = text[2:-1], [], 0
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):
                out.append(ANSI.get(body[i + 1], "\\" + body[i + 1]))
                i += 2
            else:
                out.append(body[i])
                i += 1
        return "".join(out)
    if t in ("string", "translated_string"):
        inner = text[text.index('"') + 1 : -1]
        return _unescape(inner, '$`"\\')
    if t == "concatenation":
        return "".join(value(c) for c in node.children)
    return text  # expansions, substitutions: kept as written


def ts_words(text):
    src = ("printf '%s\\0' " + text).encode("utf-8", "surrogateescape")
    root = PARSER.parse(src).root_node
    if root.has_error:
        return None, []
    cmds = [c for c in root.children if c.type != "comment"]
    if len(cmds) != 1 or cmds[0].type != "command":
        return None, ["several"]
    skip = ("command_name", "file_redirect", "heredoc_redirect", "herestring_redirect", "comment")
    args = [c for c in cmds[0].children if c.is_named and c.type not in skip]
    return [value(a) for a in args[1:]], []


def main(n=2000, seed=10):
    rnd = random.Random(seed)
    cases = []
    seen = set()
    while len(cases) < n:
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 12)))
        if text in seen:
            continue
        seen.add(text)
        cases.append(text)
    cases += ["~/x", "a{b,c}", "$HOME", '"$(echo a b)"', "foo#egg=bar", "\\\nx"]
    cases += ["${{ matrix.x }}", "'${{ a }}'"]
    named = set(cases[n:])
    ours_ok = ts_ok = total = 0
    per = {True: [0, 0, 0], False: [0, 0, 0]}
    fails = []
    ofails = []
    for text in cases:
        ours, problems = our_words(text)
        if problems == ["several"]:
            continue
        total += 1
        expected = bash_words(text)
        tw, tprob = ts_words(text)
        if expected is None:
            ours_ok += bool(problems)
            if not problems:
                ofails.append((text, expected, ours))
            ok = tw is None and tprob != ["several"]
        else:
            ours_ok += (ours or [""]) == expected
            if (ours or [""]) != expected:
                ofails.append((text, expected, ours, problems))
            ok = tw is not None and (tw or [""]) == expected
        ts_ok += ok
        row = per[text in named]
        row[0] += 1
        row[1] = ours_ok - sum(r[1] for k, r in per.items() if k != (text in named))
        row[2] += ok
        if not ok and len(fails) < 12:
            fails.append((text, expected, tw))
    print(f"cases compared with real bash: {total}")
    for k, (cnt, o, tsn) in per.items():
        print(f"  {'named' if k else 'random'}: {cnt} cases, cachekit {o}, tree-sitter {tsn}")
    print(f"cachekit BashLexer agrees: {ours_ok}/{total}")
    print(f"tree-sitter-bash {tsb.__name__} agrees: {ts_ok}/{total}")
    for f in ofails:
        print("  ours differs:", f)
    for f in fails:
        print("  ts differs:", repr(f[0]), "bash:", f[1], "ts:", f[2])


def fixtures():
    sys.path.insert(0, "tests")
    from test_environments_commands import FIXTURES  # noqa: PLC0415 (tests/ on the path first)

    fx = [f for f in FIXTURES if f.shell is None]
    errs = [f.name for f in fx if PARSER.parse(f.script.encode()).root_node.has_error]
    gh = [f.name for f in fx if "${{" in f.script]
    print(
        f"bash fixtures (all accepted by bash -n): {len(fx)};"
        f" tree-sitter parse errors: {len(errs)};"
        f" fixtures with ${{{{ }}}}: {len(gh)}, of which errors: {len(set(errs) & set(gh))}"
    )
    print("  errors:", errs)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
    fixtures()
