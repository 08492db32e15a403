"""Unit tests of what the package cannot check: unknown, symbolic and secret values,
templates, ``hashFiles`` and the status functions, error positions, and ``cachekit.evaluate``.

Everything about known values is proven against GitHub's package in
``test_expressions_oracle.py``.
"""

from __future__ import annotations

import json
import math

import pytest

from cachekit.encoding import encode
from cachekit.errors import CachekitError, HashFilesError
from cachekit.evaluate import EvalResult, evaluate_expression, jsonable
from cachekit.expressions import (
    EvaluationContext,
    Expression,
    ExpressionError,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    Literal,
    Secret,
    Symbolic,
    Unknown,
    evaluate,
    evaluate_template,
    is_known,
    kind_of,
    number_to_string,
    parse_expression,
    split_template,
    to_json,
    to_string,
    unknown_leaves,
)

WEEK = Unknown(
    "steps.date.outputs.week",
    "step output",
    origin="run: echo week=$(date +%V) >> $GITHUB_OUTPUT",
)
TOKEN_VALUE = "hunter2-s3cr3t"


def ctx(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "runner": {"os": "Linux", "arch": "X64"},
        "github": {"ref": "refs/heads/main", "run_id": Unknown("github.run_id", "run-time")},
        "steps": {"date": {"outputs": {"week": WEEK}}, "setup": Unknown("steps.setup", "x")},
        "matrix": {"python": "3.11", "list": ["a", WEEK, "c"], "objs": [{"v": 1}, WEEK]},
        "env": {"EMPTY": ""},
        "secrets": {"TOKEN": Secret("secrets.TOKEN", TOKEN_VALUE), "NPM": Secret("secrets.NPM")},
        "inputs": Unknown("inputs", "workflow_dispatch inputs"),
    }
    base.update(extra)
    return base


def ev(expr: str, **extra: object) -> object:
    return evaluate(expr, ctx(**extra))


def U(name: str) -> str:
    return f"\u2039{name}\u203a"


# -- unknown values ---------------------------------------------------------------------


def test_unknown_leaf_is_returned_as_is() -> None:
    assert ev("steps.date.outputs.week") is WEEK
    assert ev("STEPS.Date.OUTPUTS.week") is WEEK


def test_access_into_unknown_is_a_more_specific_unknown() -> None:
    value = ev("steps.setup.outputs['python-version']")
    assert isinstance(value, Unknown)
    assert value.name == "steps.setup.outputs['python-version']"
    assert value.reason == "x"
    assert ev("inputs.version") == Unknown("inputs.version", "workflow_dispatch inputs")
    assert isinstance(ev("inputs.*"), Unknown)


def test_missing_context_is_unknown_but_missing_keys_are_null() -> None:
    value = evaluate("needs.build.outputs.key", {})
    assert isinstance(value, Unknown) and value.reason == "context not supplied"
    assert ev("steps.nope.outputs.x") is None  # GitHub semantics inside a known context
    assert ev("runner.missing") is None


def test_unknown_context_name_is_still_a_syntax_error() -> None:
    with pytest.raises(ExpressionSyntaxError, match="Unrecognized named-value: 'foo'"):
        ev("foo.bar")
    # A caller-supplied context becomes a valid name.
    assert evaluate("foo.bar", {"foo": {"bar": 1}}) == 1


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("false && steps.date.outputs.week", False),
        ("'' && steps.date.outputs.week", ""),
        ("true || steps.date.outputs.week", True),
        ("runner.os || steps.date.outputs.week", "Linux"),
        ("false && steps.date.outputs.week == 1", False),
        ("contains(matrix.list, 'c')", True),
        ("contains(matrix.list, 'A')", True),
        ("startsWith(format('{0}-x', steps.date.outputs.week), '')", True),
        ("startsWith(format('Linux-{0}', steps.date.outputs.week), 'linux')", True),
        ("startsWith(format('Linux-{0}', steps.date.outputs.week), 'Windows')", False),
        ("startsWith(format('Li{0}', steps.date.outputs.week), 'Linux')", None),
        ("endsWith(format('{0}-x', steps.date.outputs.week), '-X')", True),
        ("endsWith(format('{0}-x', steps.date.outputs.week), 'y')", False),
        ("startsWith('Linux-1', format('Linux-{0}', steps.date.outputs.week))", None),
        ("startsWith('Windows', format('Linux-{0}', steps.date.outputs.week))", False),
        ("contains(format('{0}-linux', steps.date.outputs.week), 'LINUX')", True),
        ("contains(format('{0}-linux', steps.date.outputs.week), 'mac')", None),
        ("contains('abc', format('{0}-x', steps.date.outputs.week))", False),
        ("format('a-{0}', steps.date.outputs.week) == 'b-1'", False),
        ("format('a-{0}', steps.date.outputs.week) == 'A-1'", None),
        ("format('{0}-z', steps.date.outputs.week) != 'a-b'", True),
        ("format('{0}', steps.date.outputs.week) == runner", False),
        ("format('{0}', steps.date.outputs.week) < runner", False),
        ("!format('x{0}', steps.date.outputs.week)", False),
        ("format('x{0}', steps.date.outputs.week) || 'y'", "SYMBOLIC"),
        ("startsWith(steps.date.outputs.week, runner)", False),
        ("contains(runner, steps.date.outputs.week)", False),
        ("join(steps.date.outputs.week)", None),
        ("join(matrix.list, steps.date.outputs.week)", None),
        ("join(fromJSON('[1]'), steps.date.outputs.week)", "1"),
        ("case(true, 1, steps.date.outputs.week, 2, 3)", 1.0),
        ("case(steps.date.outputs.week, 1, 2)", None),
        ("always() || steps.date.outputs.week", True),
        ("format('{0}', steps.date.outputs.week)[0]", None),
        ("format('{0}', steps.date.outputs.week).*", []),
        ("runner[steps.date.outputs.week]", None),
        ("fromJSON('{}')[steps.date.outputs.week]", None),
    ],
)
def test_decided_regardless_or_unknown(expr: str, expected: object) -> None:
    value = ev(expr)
    if expected is None and "[0]" not in expr and "fromJSON('{}')" not in expr:
        assert isinstance(value, Unknown), value
        assert WEEK in value.leaves()
        assert value.name == expr or value.name in expr
    elif expected == "SYMBOLIC":
        assert isinstance(value, Symbolic)
    else:
        assert value == expected and isinstance(value, type(expected))


@pytest.mark.parametrize(
    "expr",
    [
        "!steps.date.outputs.week",
        "steps.date.outputs.week == 'x'",
        "steps.date.outputs.week < 1",
        "steps.date.outputs.week && 'x'",
        "steps.date.outputs.week || 'x'",
        "contains(steps.date.outputs.week, 'x')",
        "contains(matrix.list, 'zzz')",
        "startsWith(steps.date.outputs.week, 'x')",
        "toJSON(matrix)",
        "fromJSON(steps.date.outputs.week)",
        "format(steps.date.outputs.week, 1)",
        "matrix.objs.*.v",
        "matrix.list[steps.date.outputs.week]",
        "hashFiles(steps.date.outputs.week)",
    ],
)
def test_results_depending_on_unknowns_are_unknown(expr: str) -> None:
    value = ev(expr)
    assert isinstance(value, Unknown)
    assert value.name == expr
    assert value.leaves() == (WEEK,)
    assert "steps.date.outputs.week" in value.reason


def test_last_operand_of_logical_is_returned_itself() -> None:
    assert ev("true && steps.date.outputs.week") is WEEK
    assert ev("false || steps.date.outputs.week") is WEEK


def test_unknown_leaves_collects_through_logical_and_format() -> None:
    value = ev("github.run_id || steps.date.outputs.week")
    assert isinstance(value, Unknown)
    assert [u.name for u in value.leaves()] == ["github.run_id", "steps.date.outputs.week"]
    sym = ev("format('{0}-{1}-{0}', github.run_id, steps.date.outputs.week)")
    assert isinstance(sym, Symbolic)
    assert [u.name for u in unknown_leaves(sym)] == ["github.run_id", "steps.date.outputs.week"]


def test_symbolic_format() -> None:
    value = ev("format('{0}-{1}', runner.os, steps.date.outputs.week)")
    assert value == Symbolic(("Linux-", WEEK))
    assert isinstance(value, Symbolic)
    assert to_string(value) == "Linux-" + U("steps.date.outputs.week")
    assert kind_of(value) == "string"
    assert not is_known(value)
    assert value.prefix() == "Linux-" and value.suffix() == ""


def test_symbolic_join_and_nested_symbolic() -> None:
    value = ev("join(matrix.list, '+')")
    assert value == Symbolic(("a+", WEEK, "+c"))
    again = ev("format('[{0}]', join(matrix.list, '+'))")
    assert again == Symbolic(("[a+", WEEK, "+c]"))


def test_unknown_in_filter_results() -> None:
    assert ev("matrix.list.*") == ["a", WEEK, "c"]
    value = ev("matrix.objs.*.v")
    assert isinstance(value, Unknown)  # an unknown element may or may not be an object


def test_index_order_and_unknown_key() -> None:
    value = ev("matrix.list[steps.date.outputs.week]")
    assert isinstance(value, Unknown)
    assert ev("matrix.list[1]") is WEEK


# -- hashFiles and status functions -----------------------------------------------------


def test_hash_files_callback_receives_stringified_arguments() -> None:
    calls: list[list[str]] = []

    def hash_files(args: list[str]) -> str:
        calls.append(args)
        return "d1g3st"

    context = EvaluationContext(contexts=ctx(), hash_files=hash_files)
    assert evaluate("hashFiles('**/req*.txt', 1, true, null, runner.os)", context) == "d1g3st"
    assert calls == [["**/req*.txt", "1", "true", "", "Linux"]]
    assert evaluate("HASHFILES('x')", context) == "d1g3st"


def test_hash_files_without_callback_or_with_unknown_arguments() -> None:
    value = ev("hashFiles('**/requirements.txt')")
    assert isinstance(value, Unknown)
    assert value.name == "hashFiles('**/requirements.txt')"
    context = EvaluationContext(contexts=ctx(), hash_files=lambda args: "never")
    value = evaluate("hashFiles(format('{0}/x', steps.date.outputs.week))", context)
    assert isinstance(value, Unknown) and value.leaves() == (WEEK,)


def test_hash_files_callback_may_answer_unknown_or_fail() -> None:
    later = Unknown("hashFiles('x')", "file not in the tree")
    context = EvaluationContext(contexts=ctx(), hash_files=lambda args: later)
    assert evaluate("format('k-{0}', hashFiles('x'))", context) == Symbolic(("k-", later))

    def failing(args: list[str]) -> str:
        raise HashFilesError("Invalid glob option --x, avaliable option: '...'")

    with pytest.raises(CachekitError):
        evaluate("hashFiles('--x', 'y')", EvaluationContext(hash_files=failing))


def test_hash_files_arity() -> None:
    with pytest.raises(ExpressionSyntaxError, match="Too few parameters supplied: 'hashFiles'"):
        ev("hashFiles()")
    assert isinstance(ev("hashFiles(" + ", ".join(["'a'"] * 255) + ")"), Unknown)
    with pytest.raises(ExpressionSyntaxError, match="Too many parameters"):
        ev("hashFiles(" + ", ".join(["'a'"] * 256) + ")")


@pytest.mark.parametrize("status", ["success", "failure", "cancelled"])
def test_status_functions(status: str) -> None:
    context = EvaluationContext(job_status=status)
    for name in ("success", "failure", "cancelled"):
        assert evaluate(f"{name}()", context) is (name == status)
    assert evaluate("always()", context) is True


def test_unknown_job_status() -> None:
    context = EvaluationContext(job_status=Unknown("job.status", "not run yet"))
    assert isinstance(evaluate("success()", context), Unknown)
    assert evaluate("always()", context) is True
    assert evaluate("failure() || true", context) is not True  # unknown, not guessed


# -- secrets ----------------------------------------------------------------------------


def all_text(obj: object) -> str:
    """Everything a caller could print about a value."""
    return " ".join([repr(obj), str(obj), to_string(obj), json.dumps(jsonable(obj))])


def test_secret_never_renders_its_value() -> None:
    secret = Secret("secrets.TOKEN", TOKEN_VALUE)
    assert TOKEN_VALUE not in all_text(secret)
    assert to_string(secret) == "***"
    assert secret == Secret("secrets.TOKEN")  # the value takes no part in equality


@pytest.mark.parametrize(
    "expr",
    [
        "secrets.TOKEN",
        "format('t={0}', secrets.TOKEN)",
        "join(fromJSON('[1, 2]'), secrets.TOKEN)",
        "toJSON(secrets)",
        "toJSON(secrets.TOKEN)",
        "fromJSON(format('\"{0}\"', secrets.TOKEN))",
        "format(secrets.TOKEN)",
        "secrets.TOKEN || 'x'",
        "format('{0}', secrets.NPM)",
        "toJSON(secrets.NPM)",
        "secrets",
    ],
)
def test_secret_values_stay_hidden(expr: str) -> None:
    value = ev(expr)
    assert TOKEN_VALUE not in all_text(value)
    result = evaluate_expression(expr, context=ctx())
    assert TOKEN_VALUE not in json.dumps(encode(result))
    assert TOKEN_VALUE not in repr(result)


def test_known_secret_takes_part_in_decisions() -> None:
    assert ev("secrets.TOKEN != ''") is True
    assert ev("startsWith(secrets.TOKEN, 'hunter')") is True
    assert ev("secrets.TOKEN && 'has token'") == "has token"
    assert ev("contains(format('a{0}', secrets.TOKEN), 's3cr3t')") is True
    assert ev("format('k-{0}', secrets.TOKEN)") == Symbolic(("k-", Secret("secrets.TOKEN")))


def test_unsupplied_secret_behaves_as_unknown_and_renders_stars() -> None:
    value = ev("secrets.NPM != ''")
    assert isinstance(value, Unknown)
    assert [u.name for u in value.leaves()] == ["secrets.NPM"]
    result = evaluate_template("npm-${{ secrets.NPM }}-${{ runner.os }}", ctx())
    assert result.text == "npm-***-Linux"
    assert not result.is_known
    assert [u.name for u in unknown_leaves(result.value)] == ["secrets.NPM"]


def test_secret_format_string_errors_are_masked() -> None:
    context = ctx(secrets={"F": Secret("secrets.F", "{0} " + TOKEN_VALUE)})
    with pytest.raises(ExpressionEvaluationError) as info:
        evaluate("format(secrets.F)", context)
    assert TOKEN_VALUE not in str(info.value)
    assert "format string references more arguments than were supplied: ***" in str(info.value)


# -- templates --------------------------------------------------------------------------


def test_template_parts_and_rendering() -> None:
    template = (
        "${{ runner.os }}-${{ steps.date.outputs.week }}-py${{ matrix.python }}"
        "-${{ hashFiles('**/requirements.txt') }}"
    )
    result = evaluate_template(template, ctx())
    assert result.text == (
        "Linux-" + U("steps.date.outputs.week") + "-py3.11-" + U("hashFiles('**/requirements.txt')")
    )
    kinds = [type(p).__name__ for p in result.parts]
    assert kinds == [
        "Expression",
        "Literal",
        "Expression",
        "Literal",
        "Expression",
        "Literal",
        "Expression",
    ]
    first = result.parts[0]
    assert isinstance(first, Expression)
    assert (first.source, first.start, first.end, first.value) == ("runner.os", 0, 16, "Linux")
    assert template[first.start : first.end] == "${{ runner.os }}"
    assert result.parts[1] == Literal("-")
    assert not result.is_known
    assert isinstance(result.value, Symbolic)


@pytest.mark.parametrize(
    ("template", "value"),
    [
        ("${{ 1 }}", 1.0),
        ("${{ true }}", True),
        ("${{ null }}", None),
        ("${{ fromJSON('[1]') }}", [1.0]),
        ("  ${{ 1 }}", "  1"),
        ("${{ 1 }} ", "1 "),
        ("${{ 1 }}${{ 2 }}", "12"),
        ("${{ null }}-${{ true }}-${{ runner }}-${{ matrix.list.* }}", "-true-Object-Array"),
        ("${{ 1.50 }}/${{ 1e21 }}", "1.5/1e+21"),
        ("plain text", "plain text"),
        ("", ""),
        ("$${{ 'x' }}", "$x"),
        ("${{ format('{{0}}') }}", "{0}"),
        ("${{ '}}' }}", "}}"),
        ("${{ 'a''}}''b' }}", "a'}}'b"),
        ("a ${{ '${{' }} b", "a ${{ b"),
        ("${{runner.os}}", "Linux"),
        ("${{\n  runner.os\n}}", "Linux"),
        ("x }} y", "x }} y"),
        ("${{ 'x' }}}", "x}"),
    ],
)
def test_template_values(template: str, value: object) -> None:
    result = evaluate_template(template, ctx())
    assert result.value == value and type(result.value) is type(value)


def test_split_template_spans() -> None:
    pieces = split_template("a${{ x }}b${{ 'y}}' }}")
    assert pieces[0] == "a" and pieces[2] == "b"
    assert [(p.source, p.start, p.end) for p in pieces if not isinstance(p, str)] == [
        ("x", 1, 9),
        ("'y}}'", 10, 22),
    ]


@pytest.mark.parametrize(
    ("template", "message", "position"),
    [
        ("key-${{ runner.os", "The expression is not closed", 5),
        ("${{ 'a }}", "The expression is not closed", 1),
        ("a ${{ }} b", "An expression was expected", 3),
        ("${{}}", "An expression was expected", 1),
        ("${{ runner.os }}-${{ foo }}", "Unrecognized named-value: 'foo'", 1),
        ("${{ 1 +}}", "Unexpected symbol: '+'", 3),
    ],
)
def test_template_errors(template: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        evaluate_template(template, ctx())
    assert info.value.message.startswith(message)
    assert info.value.position == position


def test_template_depth_counts_the_generated_format_call() -> None:
    deep = "(" * 49 + "1" + ")" * 49
    assert evaluate_template("${{ " + deep + " }}").value == 1.0
    with pytest.raises(ExpressionSyntaxError, match="Exceeded max expression depth 50"):
        evaluate_template("x-${{ " + deep + " }}")


# -- errors and positions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "message", "position"),
    [
        ("github.ref == ", "Unexpected end of expression: '=='", 12),
        ("1 = 1", "Unexpected symbol: '='", 3),
        ("runner.os ) ", "Unexpected symbol: ')'", 11),
        ("format('a' 'b')", "Unexpected symbol: 'b'", 12),
        ("contains(1)", "Too few parameters supplied: 'contains'", 1),
        ("  nope()", "Unrecognized function: 'nope'", 3),
        ("'abc", "Unexpected symbol: ''abc'", 1),
        ("1 && 0x1G", "Unexpected symbol: '0x1G'", 6),
        ("   ", "An expression was expected", 1),
    ],
)
def test_syntax_error_messages_and_positions(expr: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_expression(expr)
    error = info.value
    assert error.message == message
    assert error.position == position
    assert str(error) == (f"{message}. Located at position {position} within expression: {expr}")
    assert isinstance(error, ExpressionError) and isinstance(error, CachekitError)


@pytest.mark.parametrize(
    ("expr", "message", "position"),
    [
        ("1 && fromJSON('{')", "Error parsing JSON when evaluating fromJson", 6),
        ("fromJSON(' ')", "empty input", 1),
        ("format('{1}', 0)", "The following format string references more arguments", 1),
        ("x || format('}')", "The following format string is invalid: }", 6),
        ("runner[fromJSON('')]", "could not evaluate index for index access: empty input", 8),
        ("case(1, 2, 3)", "case predicate must evaluate to a boolean value", 1),
    ],
)
def test_evaluation_errors(expr: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionEvaluationError) as info:
        evaluate(expr, ctx(x=False))
    assert info.value.message.startswith(message)
    assert info.value.position == position


def test_evaluation_error_after_unknown_condition_is_not_raised() -> None:
    # Whether fromJSON('x') runs depends on the unknown: the result is unknown, not an error.
    value = ev("steps.date.outputs.week || fromJSON('x')")
    assert isinstance(value, Unknown)


def test_long_comparison_chains_do_not_exhaust_the_stack() -> None:
    assert evaluate("==".join(["1"] * 5000)) is True  # (1 == 1) == 1, and so on


# -- conversions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1.0, "1"),
        (-0.0, "0"),
        (0.5, "0.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-16, "0"),
        (1 / 3, "0.333333333333333"),
        (0.84551240822557006, "0.84551240822557"),
        (123456789.123456789, "123456789.12345679"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (2**53, "9007199254740992"),
    ],
)
def test_number_to_string(number: float, text: str) -> None:
    assert number_to_string(float(number)) == text


def test_to_string_and_to_json() -> None:
    assert [to_string(v) for v in (None, True, False, "s", [1], {"a": 1}, 3)] == [
        "",
        "true",
        "false",
        "s",
        "Array",
        "Object",
        "3",
    ]
    assert to_json({"a": [1, {"b": None}], "A": 2, "c": {}}) == (
        '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": {}\n}'
    )
    assert to_json(["\x1f\ud800\u2028"]) == '[\n  "\\u001f\\ud800\u2028"\n]'


# -- cachekit.evaluate ----------------------------------------------------------------------


def test_evaluate_expression_bare_and_template() -> None:
    bare = evaluate_expression("matrix.python == '3.11' && 3", context=ctx())
    assert isinstance(bare, EvalResult)
    assert (bare.value, bare.text, bare.kind, bare.is_known, bare.unknowns) == (
        3,
        "3",
        "number",
        True,
        [],
    )
    assert bare.parts == (Expression("matrix.python == '3.11' && 3", 0, 28, 3.0),)
    template = evaluate_expression(
        "${{ runner.os }}-${{ steps.date.outputs.week }}",
        context=ctx(),
    )
    assert template.kind == "string"
    assert template.value == template.text == "Linux-" + U("steps.date.outputs.week")
    assert not template.is_known
    assert template.unknowns == [WEEK]
    data = encode(template)
    assert data["unknowns"] == [{"name": WEEK.name, "reason": WEEK.reason, "origin": WEEK.origin}]
    parts = data["parts"]
    assert isinstance(parts, list)
    assert [p.get("literal", p.get("expression")) for p in parts] == [
        "runner.os",
        "-",
        "steps.date.outputs.week",
    ]


def test_evaluate_expression_values_are_json() -> None:
    result = evaluate_expression(
        'fromJSON(\'{"a": [1, 1.5, -0, 1e300], "A": 2, "u": null}\')', context={}
    )
    assert result.value == {"a": [1, 1.5, 0, 1e300], "u": None}
    assert result.kind == "object" and result.text == "Object"
    json.dumps(encode(result))
    unknown = evaluate_expression("github.sha", context={})
    assert unknown.kind == "unknown" and unknown.value == U("github.sha")
    assert unknown.unknowns == [Unknown("github.sha", "context not supplied")]


def test_evaluate_expression_hash_files_and_errors() -> None:
    result = evaluate_expression(
        "${{ runner.os }}-${{ hashFiles('a', 'b') }}",
        context={"runner": {"os": "macOS"}},
        hash_files="-".join,
    )
    assert result.text == "macOS-a-b" and result.is_known
    with pytest.raises(ExpressionSyntaxError):
        evaluate_expression("${{ runner.os", context={})
    with pytest.raises(ExpressionSyntaxError):
        evaluate_expression("", context={})
