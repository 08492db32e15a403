"""Differential tests of cachekit's expression engine against ``@actions/expressions``.

Every case is evaluated twice — by :mod:`cachekit.expressions` and by GitHub's own package
run by node (``tests/oracle/expressions-oracle.js``) — and the two must agree on the value
(type included, ``-0`` and NaN included, object key order included), on the string form, and
on failing or not; where both fail, on the message and the stage (syntax or evaluation).

A few inputs are kept out of the generated cases because there the package deviates from
GitHub's runner, which cachekit follows (``test_package_deviation_*`` pin each one down):
string literals with more than one ``''`` escape, integer-like object keys, and
``constructor``/``__proto__`` keys; and contexts are always supplied (the package crashes on
a missing one, cachekit answers Unknown). hashFiles() needs a workspace and is not in the
package; it is unit-tested in ``test_expressions.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping

import pytest
from expressions_oracle_client import Answer, ExpressionsOracle, expressions_oracle_available
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cachekit.expressions import (
    EvaluationContext,
    ExpressionError,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    evaluate,
    kind_of,
    parse_expression,
    to_string,
)
from cachekit.expressions.lexer import TokenType, tokenize
from cachekit.expressions.values import ObjectView

pytestmark = pytest.mark.oracle


@pytest.fixture(scope="module")
def expressions_oracle() -> Iterator[ExpressionsOracle]:
    """GitHub's @actions/expressions, run by node. In CI a missing oracle fails."""
    if not expressions_oracle_available():
        message = "expressions oracle not installed: run `npm ci --prefix tests/oracle`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with ExpressionsOracle() as oracle:
        yield oracle


# -- comparison -------------------------------------------------------------------------


def canon(value: object, view: ObjectView | None = None) -> object:
    """A comparable form: kinds explicit, numbers bit-exact (-0 and NaN included), objects
    as their effective (first-wins, case-insensitive) ordered pairs."""
    view = view or ObjectView()
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", float(value).hex())
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, Mapping):
        return ("object", tuple((k, canon(v, view)) for k, v in view.entries(value)))
    if isinstance(value, (list, tuple)):
        return ("array", tuple(canon(v, view) for v in value))
    raise AssertionError(f"not a known value: {value!r}")


def _line_column(text: str, position: int) -> tuple[int, int]:
    offset = position - 1
    return text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1)


def check(
    oracle: ExpressionsOracle,
    expr: str,
    context: Mapping[str, object] | None = None,
    status: str = "success",
) -> Answer:
    """Assert that cachekit and the package agree on ``expr``; return the package's answer."""
    context = dict(context or {})
    answer = oracle.evaluate(expr, context, status)
    try:
        value = evaluate(expr, EvaluationContext(contexts=context, job_status=status))
    except ExpressionError as exc:
        ours: ExpressionError | None = exc
    else:
        ours = None
    where = f"expression {expr!r} with context {context!r}"
    if answer.error is None:
        assert ours is None, f"{where}: package gives {answer.value!r}, cachekit fails: {ours}"
        assert kind_of(value) == answer.kind, f"{where}: kind"
        assert canon(value) == canon(answer.value), f"{where}: {value!r} != {answer.value!r}"
        assert to_string(value) == answer.string, f"{where}: string form"
        return answer
    assert ours is not None, f"{where}: package fails ({answer.error}), cachekit gives {value!r}"
    if not expr.strip(" \t\r\n"):
        return answer  # the package has no tree to evaluate; cachekit: "expected"
    if answer.stage == "eval":
        assert isinstance(ours, ExpressionEvaluationError), f"{where}: {ours!r}"
        assert ours.message == answer.error, where
        return answer
    assert isinstance(ours, ExpressionSyntaxError), f"{where}: {ours!r}"
    if answer.error == "ErrorExceededMaxLength":
        assert ours.message.startswith("Exceeded max expression length"), where
        return answer
        return answer
    # Positions: cachekit counts code points, the package UTF-16 units; and the package's
    # line count goes wrong after a newline inside a string. Compare where both agree.
    comparable = "\n" not in expr and all(ord(c) <= 0xFFFF for c in expr)
    if answer.stage == "lex":
        if comparable:
            assert str(ours) == answer.error, where  # message, position and expression
        else:
            assert answer.error.startswith(ours.message + ". Located at position "), where
    else:
        assert ours.message == answer.error, where
        if comparable and answer.position is not None and ours.position is not None:
            assert _line_column(expr, ours.position) == answer.position, f"{where}: position"
    return answer


# -- (a) hand-written cases -------------------------------------------------------------

CONTEXT: dict[str, object] = {
    "github": {
        "ref": "refs/heads/main",
        "Event_Name": "push",
        "event": {
            "pull_request": {"labels": [{"name": "bug"}, {"name": "CI"}, {"nome": "x"}]},
            "commits": [{"id": "a1", "author": {"name": "Ann"}}, {"id": "b2"}],
            "number": 42,
            "empty": {},
            "zero": 0,
            "null": None,
        },
        "list": [1, "2", None, True, [3, [4]], {"k": "v"}],
        "dup": {"Key": "first", "KEY": "second", "key": "third"},
        "numberish": {"hex": "0x1F", "space": " 12 ", "exp": "1e3", "empty": "", "bad": "12a"},
        "weird keys": {"a b": 1, "": 2, "ß": 3},
    },
    "env": {"PYTHON": "3.11", "EMPTY": "", "ZERO": "0", "TRUE": "true"},
    "matrix": {"os": "ubuntu-latest", "python": 3.1, "include": [{"a": 1}, {"a": 2}]},
    "steps": {"build": {"outputs": {"digest": "abc"}, "conclusion": "success"}},
    "inputs": {"flag": True, "count": 0, "name": None},
}

# fmt: off
CASES = [
    # literals
    "null", "true", "false", "NaN", "Infinity", "-Infinity", "+Infinity", "0", "-0", "+0",
    "1", "-1", "+1", "1.5", ".5", "-.5", "5.", "1e3", "1E3", "1e+3", "1e-3", "1.2e2", "0x1F",
    "0xff", "0XFF", "0o17", "0b101", "1e21", "1e-7", "123456789.123456789", "0.1",
    "9007199254740993", "1e400", "-0x1F", "0x", "1.2.3", "1_000", "01", "00.5",
    "'hello'", "''", "'it''s'", "'tab\there'", "'multi\nline'", "'{{0}}'", "'}}'",
    # operators and precedence
    "!true", "!!0", "!''", "!'a'", "!null", "!NaN", "![]" , "!github", "1 == 1", "1 != 1",
    "1 < 2", "2 <= 2", "3 > 2", "2 >= 3", "true && false", "true || false", "1 && 'a'",
    "0 && 'a'", "'' || 'b'", "null || 0", "0 || null", "1 && 2 && 3", "0 || '' || null",
    "true || false && false", "(true || false) && false", "!true == false", "!(1 == 2)",
    "1 < 2 == true", "1 == 1 == true", "2 > 1 > 0", "1 == 1 && 2 == 2 || 3",
    "1 ==1", "1== 1", "1==1", "!github.ref", "!!github.event.null",
    # coercions and equality
    "1 == '1'", "'1' == 1", "1 == ' 1 '", "0 == ''", "'' == null", "null == false",
    "null == 0", "true == 1", "true == '1'", "'true' == true", "'abc' == 'ABC'",
    "'ß' == 'SS'", "'ı' == 'I'", "'i' == 'I'", "'İ' == 'i'", "NaN == NaN", "NaN != NaN",
    "0x10 == 16", "'0x10' == 16", "'1e3' == 1000", "'12a' == 12", "null == null",
    "github == github", "github.event == github.event", "github.list == github.list",
    "fromJSON('[]') == fromJSON('[]')", "github.* == github.*", "github == 'Object'",
    "github.list == 'Array'", "[] == 0", "true == 'true'", "-0 == 0", "Infinity == Infinity",
    "'a' < 'b'", "'a' < 'B'", "'B' < 'a'", "'abc' < 'abd'", "'Z' < 'a'", "'_' < 'a'",
    "'😀' > '\uffff'", "1 < '2'", "'10' < '9'", "'10' < 9", "null < 1", "true > false",
    "true > 0", "false < true", "'a' > 1", "NaN < 1", "NaN >= NaN", "null >= null",
    "github > 1", "github < github", "github >= github", "github <= github.event",
    "'' < 'a'", "Infinity > 1e308", "-Infinity < -1e308",
    # property access, index, filters
    "github.ref", "GITHUB.REF", "github.event_name", "github.EVENT_NAME", "github.missing",
    "github.missing.deeper", "github['ref']", "github['REF']", "github['weird keys']['a b']",
    "github['weird keys']['']", "github['weird keys']['SS']", "github['weird keys']['ß']",
    "github.dup.key", "github.dup['KEY']", "toJSON(github.dup)", "join(github.dup.*)",
    "github.list[0]", "github.list[1]", "github.list['1']", "github.list[' 1 ']",
    "github.list[1.9]", "github.list[-1]", "github.list[-0.5]", "github.list[100]",
    "github.list[null]", "github.list[true]", "github.list['']", "github.list['0x1']",
    "github.list[NaN]", "github.list[Infinity]", "github.list[github]", "github[github]",
    "github.list[4][1][0]", "github.list.length", "github.ref[0]", "github.ref.*",
    "github.event.number.*", "github.event.null.*", "github.event.null[0]",
    "github.event.pull_request.labels.*.name", "github.event.pull_request.labels[*].name",
    "github.event.pull_request.labels.*.NAME", "github.event.commits.*.author.name",
    "github.event.commits.*.id[0]", "github.event.commits.*[0]", "github.list.*[1]",
    "github.list.*.*", "github.list.*[*]", "github.list.*.k", "github.*", "github.*.*",
    "github.event.*.labels", "(github.event.commits.*)[0]", "github.event.commits[*][0]",
    "matrix.include.*.a", "matrix.include[0].a", "github.event['pull_request'].labels[1]",
    "github.event[format('{0}', 'number')]", "github.event.zero", "steps.build.outputs.digest",
    "steps.missing.outputs.x", "github.true", "github.null", "github.NaN", "github.Infinity",
    "github.event.empty.*", "github.event.empty.x", "github.list[fromJSON('1')]",
    "github.list['1e0']", "github.list[0.99999999999999999]", "github.list[4][true]",
    # contains / startsWith / endsWith
    "contains('Hello', 'ell')", "contains('Hello', 'ELL')", "contains('Hello', '')",
    "contains('ǅ', 'ǆ')", "contains('ß', 'SS')", "contains(github.list, 1)",
    "contains(github.list, '1')", "contains(github.list, 'true')", "contains(github.list, 2)",
    "contains(github.list, null)", "contains(github.list, github.list[4])",
    "contains(github.event.pull_request.labels.*.name, 'ci')", "contains(github, 'ref')",
    "contains(github.ref, github)", "contains(null, '')", "contains(123, 2)",
    "contains(true, 'ru')", "contains(fromJSON('[]'), 1)", "contains(1.5, '.')",
    "startsWith('Hello', 'he')", "startsWith('Hello', '')", "startsWith('ß', 'SS')",
    "startsWith('ß', 'ss')", "startsWith(github.ref, 'refs/')", "startsWith(github, 'O')",
    "startsWith(123, 12)", "startsWith(null, '')", "startsWith('a', github)",
    "endsWith('Hello', 'LO')", "endsWith(github.ref, '/MAIN')", "endsWith(1.50, '5')",
    "endsWith(true, 'E')", "endsWith('ı', 'I')", "endsWith('i', 'I')", "endsWith('', '')",
    # format
    "format('{0}', 1)", "format('{0} {1}', 'a', 'b')", "format('{1}{0}', 'a', 'b')",
    "format('{0}{0}', 'x')", "format('x')", "format('{{0}}', 1)", "format('{{', 1)",
    "format('}}')", "format('{0:x}', 1)", "format('{0 }', 1)", "format('{00}', 'z')",
    "format('{0', 1)", "format('{0}')", "format('{1}', 1)", "format('}{')", "format('{')",
    "format('}')", "format('{a}')", "format('{}')", "format('{-1}', 1)",
    "format('{99999999999999999999}', 1)", "format('{{0}', 1)", "format('{0}}', 1)",
    "format('{0}', null)", "format('{0}', true)", "format('{0}', github)",
    "format('{0}', github.list)", "format('{0}', 0.84551240822557006)",
    "format('{0}', 123456.789)", "format('{0}', 1/3)", "format('{0}', 1e-16)",
    "format('{0}', 1e-7)", "format('{0}', 1e20)", "format('{0}', 1e21)", "format('{0}', -0)",
    "format('{0}', NaN)", "format('{0}', -Infinity)", "format('{0}', 0.000015258789062500)",
    "format('{0}', 123456789.123456789)", "format('{0}', 0.1)", "format('{0}', 100)",
    "format(1, 2)", "format(null)", "format(github, 1)", "format('a',)", "FORMAT('{0}', 1)",
    "format('{0}{1}{2}{3}{4}{5}{6}{7}{8}{9}{10}', 0,1,2,3,4,5,6,7,8,9,10)",
    # join
    "join(github.list)", "join(github.list, '-')", "join(github.list, null)",
    "join(github.list, github)", "join(github.list, 1)", "join('abc')", "join('abc', '-')",
    "join(null)", "join(1.5)", "join(true)", "join(github)", "join(github.event.commits.*.id)",
    "join(fromJSON('[]'), 'x')", "join(fromJSON('[[1,2],{}]'))", "join(github.*, '|')",
    # toJSON / fromJSON
    "toJSON(null)", "toJSON(true)", "toJSON(1)", "toJSON(-0)", "toJSON(NaN)",
    "toJSON(Infinity)", "toJSON(1e21)", "toJSON(1e-7)", "toJSON(0.1)", "toJSON('a\"b')",
    "toJSON('line\nbreak')", "toJSON('\u0001\u001f\u007f\u2028')", "toJSON(github)",
    "toJSON(github.list)", "toJSON(github.event.empty)", "toJSON(fromJSON('[]'))",
    "toJSON(github.*)", "toJSON(matrix)", "toJSON(github['weird keys'])",
    "fromJSON('1')", "fromJSON('-0')", "fromJSON('1e400')", "fromJSON('\"s\"')",
    "fromJSON('null')", "fromJSON('true')", "fromJSON('[1, \"a\", null]')",
    "fromJSON('{\"a\": {\"B\": [1]}}').A.b[0]", "fromJSON('{\"a\": 1, \"a\": 2}').a",
    "fromJSON('{\"a\": 1, \"A\": 2}').a", "toJSON(fromJSON('{\"b\": 1, \"a\": 2, \"b\": 3}'))",
    "fromJSON('')", "fromJSON('  ')", "fromJSON(' \u00a0')", "fromJSON('x')",
    "fromJSON('NaN')", "fromJSON('Infinity')", "fromJSON('[1,]')", "fromJSON('{a:1}')",
    "fromJSON('01')", "fromJSON('1 2')", "fromJSON(' 1 ')", "fromJSON('\"\\u00e9\"')",
    "fromJSON('\"\\ud800\"')", "fromJSON(1)", "fromJSON(true)", "fromJSON(null)",
    "fromJSON(github)", "fromJSON(env.ZERO)", "fromJSON(env.TRUE) && 'yes'",
    "fromJSON('[]')[0]", "fromJSON('{}').*", "fromJSON(toJSON(github)).event.number",
    # case
    "case(true, 1, 2)", "case(false, 1, 2)", "case(false, 1, true, 2, 3)",
    "case(1 == 1, 'eq', 'ne')", "case(1, 1, 2)", "case('true', 1, 2)", "case(null, 1, 2)",
    "case(false, 1, 2, 3)", "case(true, 1)", "case(true, fromJSON('x'), 2)",
    "case(true, 1, 'x', 2, 3)", "case(false, 1, 'x', 2, 3)",
    # status functions
    "success()", "always()", "failure()", "cancelled()", "SUCCESS()", "success() && 'ok'",
    "success(1)", "always(true)",
    # syntax errors
    "", " ", "\t\n", "(", ")", "()", "(1", "1)", "((1)", "[1]", "1 2", "'abc", "'a''",
    "!", "1 ==", "== 1", "1 = 1", "1 & 1", "1 | 1", "1 === 1", "1 =! 1", "a", "foo.bar",
    "github.", "github..ref", "github.5", "github.[0]", "github[", "github[0", "github[]",
    "github[*", "github.*.", "github*", "github.ref(1)", "github()", "foo()", "format",
    "format(", "format('a'", "format('a',", "format('a' 'b')", "format(,)", "format(1,,2)",
    "contains()", "contains(1)", "contains(1,2,3)", "join()", "join(1,2,3)", "toJSON()",
    "fromJSON(1,2)", "startsWith(1)", "endsWith(1,2,3)", "case(true, 1, 2, 3)",
    "'abc'[0]", "1.a", "(1).a", "('abc')[0]", "true.5", "null[0]", "1 + 1", "1 - 1",
    "-github.x", "github.x-y", "github.x -1", "1-1", "1.5.x", "#", "$", "{", "}", "\"a\"",
    "github.ref\u00a0", "\u00a0github", "\ufeff1", "github.ré", "é", "_a", "a-b",
    "github['a'", "github['a')", "github.a.*b", "github.a[*]b", "github.*[0]",
    "format('{0}', 1)[0]", "format('{0}', 1).length", "(github).ref", "(github)[0]",
    "!(", "!)", "(!)", "1 || ", "|| 1", "1 && && 2", "(1 == 1", "true false",
    "github.ref == 'refs/heads/main' && github.event_name == 'push'",
]
# fmt: on


@pytest.mark.parametrize("expr", CASES)
def test_table(expressions_oracle: ExpressionsOracle, expr: str) -> None:
    check(expressions_oracle, expr, CONTEXT)


@pytest.mark.parametrize("status", ["success", "failure", "cancelled"])
@pytest.mark.parametrize("expr", ["success()", "failure()", "cancelled()", "always()"])
def test_status_functions(expressions_oracle: ExpressionsOracle, expr: str, status: str) -> None:
    check(expressions_oracle, expr, CONTEXT, status)


DEEP = [
    lambda n: "(" * n + "1" + ")" * n,
    lambda n: "!" * n + "1",
    lambda n: "github" + ".event" * n,
    lambda n: "github" + "['a']" * n,
    lambda n: "github" + ".*" * n,
    lambda n: "format(" * n + "'x'" + ")" * n,
    lambda n: "(" * n + "1 || 2" + ")" * n,
    lambda n: "(" * n + "1 && 2 || 3" + ")" * n,
    lambda n: "!(" * n + "1" + ")" * n,
    lambda n: "github[" * n + "'a'" + "]" * n,
    lambda n: "github" + "[github.a]" * n,
    lambda n: " == ".join(["1"] * n),
    lambda n: " && ".join(["1"] * n),
    lambda n: "format('{0}', " * (n // 2) + "github" + ".a" * (n // 2) + ")" * (n // 2),
]


@pytest.mark.parametrize("n", [24, 25, 26, 49, 50, 51])
@pytest.mark.parametrize("shape", range(len(DEEP)))
def test_depth_limit(expressions_oracle: ExpressionsOracle, shape: int, n: int) -> None:
    check(expressions_oracle, DEEP[shape](n), CONTEXT)


def test_length_limit(expressions_oracle: ExpressionsOracle) -> None:
    check(expressions_oracle, "'" + "a" * 20998 + "'", {})
    check(expressions_oracle, "'" + "a" * 20999 + "'", {})


# -- where cachekit follows GitHub's runner rather than the package ----------------------


def test_package_deviation_quote_escapes(expressions_oracle: ExpressionsOracle) -> None:
    # The package un-escapes only the first '' (JS String.replace with a string pattern);
    # the runner's lexer un-escapes each one.
    expr = "'a''b''c'"
    assert expressions_oracle.evaluate(expr).value == "a'b''c"
    assert evaluate(expr) == "a'b'c"
    check(expressions_oracle, "'a''b'")  # a single escape: both agree


def test_package_deviation_integer_keys(expressions_oracle: ExpressionsOracle) -> None:
    # Plain JS objects list integer-like keys first; the runner keeps document order.
    expr = 'toJSON(fromJSON(\'{"b": 1, "10": 2}\'))'
    assert expressions_oracle.evaluate(expr).value == '{\n  "10": 2,\n  "b": 1\n}'
    assert evaluate(expr) == '{\n  "b": 1,\n  "10": 2\n}'
    context = {"matrix": {"b": 1, "10": 2}}
    assert expressions_oracle.evaluate("join(matrix.*)", context).value == "1,2"  # pairs kept
    assert expressions_oracle.evaluate("toJSON(matrix)", context).value.startswith('{\n  "10"')
    assert evaluate("toJSON(matrix)", context).startswith('{\n  "b"')


def test_package_deviation_prototype_keys(expressions_oracle: ExpressionsOracle) -> None:
    # The package's Dictionary indexes keys in a plain object, where "constructor" and
    # "__proto__" already exist: such keys are silently dropped.
    context = {"github": {"constructor": 1, "__proto__": 2}}
    for expr, ours in [("github.constructor", 1), ("github.__proto__", 2)]:
        assert expressions_oracle.evaluate(expr, context).value is None
        assert evaluate(expr, context) == ours
    assert expressions_oracle.evaluate("fromJSON('{\"__proto__\": 1}').__proto__").value is None
    assert evaluate("fromJSON('{\"__proto__\": 1}').__proto__") == 1.0


def test_package_deviation_missing_context(expressions_oracle: ExpressionsOracle) -> None:
    assert expressions_oracle.evaluate("steps.x.outputs.y", {}).stage == "eval"  # a crash
    value = evaluate("steps.x.outputs.y", {})
    assert kind_of(value) == "unknown"
    for blank in ("", "  "):  # no tree at all: the package crashes evaluating it
        assert expressions_oracle.evaluate(blank).stage == "eval"
        with pytest.raises(ExpressionSyntaxError, match="An expression was expected"):
            evaluate(blank)


# -- (b) generated expressions and contexts ---------------------------------------------

# fmt: off
# Keys: mixed case, case-duplicates, non-identifiers. Never integer-like keys or
# constructor/__proto__: the package mishandles those (see the module docstring).
KEYS = ["a", "A", "b", "B", "foo", "Foo", "FOO", "x-y", "_z", "k1", "ß", "SS", "ı", "I",
        "é", "", "a b", "0a", "true", "NaN"]
IDENT_KEYS = [k for k in KEYS if k and (k[0].isascii() and (k[0].isalpha() or k[0] == "_"))
              and all(c.isascii() and (c.isalnum() or c in "_-") for c in k)]
CONTEXT_NAMES = ["github", "env", "matrix", "steps", "inputs"]
STRINGS = ["", "0", "1", " 1 ", "-1", "1e3", "0x10", "0b11", ".5", "5.", "Infinity", "NaN",
           "-0", "true", "false", "null", "abc", "ABC", "Abc", "ß", "SS", "ss", "ı", "I",
           "i", "İ", "ǅ", "ǆ", "Σ", "σ", "ς", "😀", "\uffff", "{0}", "{{", "}}", "{", "}",
           "a'b", "'", "x-y", "\t2\n", "\u00a0", "\x01", "\u2028", "a b", "Array", "Object",
           " \u00a01\ufeff", "\u20281\u2029", "0X1f", "1e", "+0x1", "1,000", "\u0661", "1\v"]
TEXT_ALPHABET = "aAbBzZ019 .-_'{}ßıİΣé😀\t"

numbers = st.one_of(
    st.integers(-5, 5),
    st.integers(-(2**60), 2**60),
    st.sampled_from([0.5, -0.0, 0.1, 1.5, 1e21, 1e20, 1.5e-7, 1e-16, 2.0**53, 1e300, 3.0,
                     123456789.123456789, 0.84551240822557006, 1 / 3, -2.5, 100.0]),
    st.floats(allow_nan=False, allow_infinity=False),
)
strings = st.one_of(st.sampled_from(STRINGS), st.text(TEXT_ALPHABET, max_size=6))
scalars = st.one_of(st.none(), st.booleans(), numbers, strings)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    ),
    max_leaves=14,
)
objects = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)
# Every context an expression may name is supplied: the package crashes on a missing one,
# where cachekit answers Unknown (tested in test_expressions.py).
contexts = st.fixed_dictionaries(
    {"github": objects, "env": objects, "matrix": values, "steps": objects, "inputs": values}
)

SPACES = st.sampled_from(["", " ", " ", " ", "  ", "\t", "\n"])


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


NUMBER_LITERALS = ["0", "1", "-1", "+2", "1.5", ".5", "-.5", "5.", "-0", "0x1F", "0o17",
                   "0b101", "1e3", "1E-2", "1e21", "123456789.123456789", "0.1", "NaN",
                   "Infinity", "-Infinity", "1e400", "9007199254740993", "2", "3", "10"]
literals = st.one_of(
    st.sampled_from(["null", "true", "false", *NUMBER_LITERALS]),
    st.integers(-100, 100).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    strings.map(quoted),
)

accessors = st.one_of(
    st.sampled_from(IDENT_KEYS).map(lambda k: "." + k),
    st.sampled_from(KEYS).map(lambda k: "[" + quoted(k) + "]"),
    st.integers(-1, 4).map(lambda i: f"[{i}]"),
    st.sampled_from([".*", "[*]", "['*']", "[null]", "[true]", "[1.5]", "['1']", ".missing"]),
)
paths = st.builds(
    lambda name, chain: name + "".join(chain),
    st.sampled_from([*CONTEXT_NAMES, "GitHub", "ENV", "Matrix"]),
    st.lists(accessors, max_size=4),
)
FORMAT_STRINGS = ["{0}", "{0}-{1}", "{1}{0}", "x", "{{0}}", "{0:x}", "{0", "}{", "{2}",
                  "{{", "}}", "a{0}b{0}c", "{}", "{a}", "{0}}", "{{{0}}}"]
# fmt: on


def calls(expr: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def call(name: str, args: list[str], case: int, trailing: bool) -> str:
        name = [name, name.lower(), name.upper()][case % 3]
        return name + "(" + ", ".join(args) + ("," if trailing and args else "") + ")"

    def json_text(value: object, truncate: int) -> str:
        text = json.dumps(value, ensure_ascii=bool(truncate % 2))
        return text[: len(text) - truncate] if truncate > 1 else text

    fixed = st.one_of(
        st.tuples(st.just("contains"), st.lists(expr, min_size=2, max_size=2)),
        st.tuples(st.just("startsWith"), st.lists(expr, min_size=2, max_size=2)),
        st.tuples(st.just("endsWith"), st.lists(expr, min_size=2, max_size=2)),
        st.tuples(st.just("join"), st.lists(expr, min_size=1, max_size=2)),
        st.tuples(st.just("toJSON"), st.lists(expr, min_size=1, max_size=1)),
        st.tuples(st.just("fromJSON"), st.lists(expr, min_size=1, max_size=1)),
        st.tuples(
            st.just("fromJSON"),
            st.builds(lambda v, t: [quoted(json_text(v, t))], values, st.integers(0, 3)),
        ),
        st.tuples(
            st.just("format"),
            st.builds(
                lambda f, rest: [f, *rest],
                st.one_of(st.sampled_from(FORMAT_STRINGS).map(quoted), expr),
                st.lists(expr, max_size=3),
            ),
        ),
        st.tuples(st.just("case"), st.lists(expr, min_size=3, max_size=5)),
        st.tuples(st.sampled_from(["success", "always", "failure", "cancelled"]), st.just([])),
        st.tuples(
            st.sampled_from(["contains", "join", "toJSON", "format", "case", "nope"]),
            st.lists(expr, max_size=4),
        ),
    )
    return st.builds(
        lambda pair, case, trailing: call(pair[0], pair[1], case, trailing),
        fixed,
        st.integers(0, 2),
        st.booleans(),
    )


def compound(expr: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "&&", "||"])
    binary = st.builds(
        lambda a, s1, op, s2, b: a + s1 + op + s2 + b, expr, SPACES, ops, SPACES, expr
    )
    grouped = st.builds(
        lambda e, chain: "(" + e + ")" + "".join(chain), expr, st.lists(accessors, max_size=2)
    )
    indexed = st.builds(lambda p, e: p + "[" + e + "]", paths, expr)
    called = st.builds(
        lambda c, chain: c + "".join(chain), calls(expr), st.lists(accessors, max_size=2)
    )
    return st.one_of(binary, expr.map(lambda e: "!" + e), grouped, indexed, called)


expressions = st.recursive(st.one_of(literals, paths), compound, max_leaves=8)


def package_consistent(expr: str) -> bool:
    """False when the package's replace-first un-escaping would change a string literal."""
    try:
        tokens = tokenize(expr)
    except ExpressionSyntaxError:
        return True
    return all(t.lexeme.count("''") <= 1 for t in tokens if t.type is TokenType.STRING)


FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=6000, deadline=None, suppress_health_check=list(HealthCheck))


def _generated(oracle: ExpressionsOracle, expr: str, context: dict[str, object]) -> None:
    assume(package_consistent(expr))
    check(oracle, expr, context)


@FAST
@given(expr=expressions, context=contexts)
def test_generated(
    expressions_oracle: ExpressionsOracle, expr: str, context: dict[str, object]
) -> None:
    _generated(expressions_oracle, expr, context)


@pytest.mark.slow
@SLOW
@given(expr=expressions, context=contexts)
def test_generated_sweep(
    expressions_oracle: ExpressionsOracle, expr: str, context: dict[str, object]
) -> None:
    _generated(expressions_oracle, expr, context)


# Token soup: grammar pieces in any order, to probe the parser's error paths.
# fmt: off
PIECES = ["(", ")", "[", "]", ",", ".", "!", "!=", "==", "<", "<=", ">", ">=", "&&", "||",
          "*", "=", "&", "|", "1", "-1", "0x1", ".5", "'a'", "'", "''", "null", "true",
          "NaN", "github", "env", "foo", "a", "format", "contains", "join", "case", "success",
          "fromJSON", "toJSON", "-", "+", "1.", "e3", "'{0}'", "\u00a0", "\v", "\r\n"]
# fmt: on
soup = st.lists(st.tuples(st.sampled_from(PIECES), SPACES), max_size=14).map(
    lambda items: "".join(piece + space for piece, space in items)
)


@FAST
@given(expr=soup)
def test_token_soup(expressions_oracle: ExpressionsOracle, expr: str) -> None:
    _generated(expressions_oracle, expr, CONTEXT)


@pytest.mark.slow
@SLOW
@given(expr=soup)
def test_token_soup_sweep(expressions_oracle: ExpressionsOracle, expr: str) -> None:
    _generated(expressions_oracle, expr, CONTEXT)


# -- the parser on arbitrary text -------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.text(max_size=40), soup))
def test_parser_only_raises_syntax_errors(text: str) -> None:
    try:
        parse_expression(text)
    except ExpressionSyntaxError as exc:
        assert exc.position is None or 1 <= exc.position <= len(text) + 1
        assert str(exc)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=40), soup, expressions), context=contexts)
def test_evaluator_only_raises_expression_errors(text: str, context: dict[str, object]) -> None:
    try:
        value = evaluate(text, context)
    except ExpressionError:
        return
    assert isinstance(to_string(value), str)
