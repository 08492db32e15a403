"""Run logs read into jobs, steps and cache events (``cachekit.evidence``).

The fixtures under ``tests/cases/logs/`` are hand-written in the formats GitHub writes. Where each
format comes from:

* the line format ``{DateTime.UtcNow:O} {message}`` (seven fractional digits), a BOM at the
  start of each file, continuation lines without a timestamp: actions/runner
  ``src/Runner.Common/Logging.cs`` (``PagingLogger.Write``, a .NET ``StreamWriter`` in UTF-8);
* ``##[group]Run owner/repo@ref``, the ``with:``/``env:`` echo, ``Post job cleanup.``:
  actions/runner ``src/Runner.Worker/Handlers/Handler.cs`` (``PrintActionDetails``);
  ``Cleaning up orphan processes``: ``src/Runner.Worker/JobExtension.cs``;
  ``##[error]Process completed with exit code N.``: ``src/Runner.Worker/Handlers/ScriptHandler.cs``;
* the archive layout ``<n>_<job>.txt``, ``<job>/<n>_<step>.txt``, ``<job>/system.txt`` and the
  name sanitising: cli/cli ``pkg/cmd/run/view/logs.go`` (``getZipLogMap``,
  ``getJobNameForLogFilename``) and archives listed in public repositories
  (``13_Post Run actions_setup-node@v4.txt``);
* ``gh run view --log`` lines ``job\\tstep\\tline`` and ``UNKNOWN STEP``: cli/cli
  ``pkg/cmd/run/view/view.go`` (``displayLogSegments``, ``copyLogWithLinePrefix``), cli/cli#10740;
* every cache message: see the per-test comments, and ``cachekit/evidence/messages.py``.
"""

from __future__ import annotations

import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cachekit.evidence import (
    CacheEvent,
    EvidenceError,
    JobLog,
    LogBundle,
    read_log_text,
    read_logs,
)
from cachekit.evidence import lines as lines_module
from cachekit.evidence.messages import classify

CASES = Path(__file__).parent / "cases" / "logs"
ARCHIVE = CASES / "run-archive"
PYTEST = "pytest (3.12)"  # not "build": the repository's .gitignore has build/
UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def job(bundle: LogBundle, name: str) -> JobLog:
    found = bundle.job(name)
    assert found is not None, [j.name for j in bundle.jobs]
    return found


def events(j: JobLog, phase: str) -> list[CacheEvent]:
    return [e for e in j.events if e.phase == phase]


def ts_line(t: str, text: str) -> str:
    return f"{t}Z {text}"


# -- the archive, extracted ---------------------------------------------------------------------


def test_step_files_give_steps_with_their_names_and_times() -> None:
    build = job(read_logs(ARCHIVE), PYTEST)
    assert [(s.number, s.name, s.post) for s in build.steps] == [
        (1, "Set up job", False),
        (2, "Run actions/checkout@v4", False),  # file "2_Run actions_checkout@v4.txt"
        (3, "Set up Python", False),
        (4, "Cache virtualenv", False),
        (5, "Run pip install -r requirements.txt", False),
        (6, "Run pytest", False),
        (8, "Post Cache virtualenv", True),  # step 7 was skipped: no file
        (9, "Post Set up Python", True),
        (10, "Post Run actions/checkout@v4", True),
        (11, "Complete job", False),
    ]
    assert [s.action for s in build.steps][1:4] == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "actions/cache@v4",
    ]
    post = build.step("Post Cache virtualenv")
    assert post is not None and post.action == "actions/cache@v4"
    # The queueing preamble (system.txt, repeated atop the job log) is not the job's start.
    assert build.started_at == at("2024-05-01T12:00:00.681200")
    assert build.finished_at == at("2024-05-01T12:01:14.710200")
    assert build.duration == timedelta(seconds=74, microseconds=29000)
    # A step ends where the next begins.
    python = build.steps[2]
    assert python.started_at == at("2024-05-01T12:00:08.671200")
    assert python.finished_at == build.steps[3].started_at
    assert build.conclusion == "success"
    assert all(s.conclusion is None for s in build.steps)


def test_setup_python_pip_hit_with_the_v2_cache_service() -> None:
    # setup-python src/cache-distributions/cache-distributor.ts ("Cache restored from key: …");
    # @actions/cache packages/cache/src/cache.ts restoreCacheV2 ("Cache hit for: …", "Cache Size:
    # ~N MB (N B)", "Cache restored successfully"); internal/downloadUtils.ts ("Received …").
    bundle = read_logs(ARCHIVE)
    build = job(bundle, PYTEST)
    hit, _ = events(build, "restore")
    key = (
        "setup-python-Linux-x64-22.04-Ubuntu-python-3.12.3-pip-"
        + "4c9b1c2e8a7d6f5e4d3c2b1a"
        + ("0f9e8d7c6b5a49382716059483726150493827ab")
    )
    assert (hit.step, hit.action, hit.outcome) == (
        "Set up Python",
        "actions/setup-python@v5",
        "hit",
    )
    assert hit.key == hit.matched_key == key
    assert hit.size_bytes == 48234567
    assert (hit.transferred_bytes, hit.throughput_mbs) == (48234567, 22.9)
    assert hit.transfer_seconds == pytest.approx(48234567 / (22.9 * 2**20), abs=1e-3)
    assert hit.source.endswith("3_Set up Python.txt") and hit.line == 21
    assert hit.timestamp == at("2024-05-01T12:00:12.981100")
    step = bundle.step_of(hit)
    assert step is not None and step.name == "Set up Python"
    assert step.duration == timedelta(seconds=4, microseconds=339900)
    # setup-python src/cache-save.ts: exact hit, nothing saved.
    (save,) = [e for e in events(build, "save") if e.action == "actions/setup-python@v5"]
    assert (save.step, save.outcome, save.key) == ("Post Set up Python", "skipped", key)
    assert save.detail is not None and save.detail.startswith("Cache hit occurred on the primary")


def test_actions_cache_miss_then_save() -> None:
    # actions/cache src/restoreImpl.ts ("Cache not found for input keys: a, b"), src/saveImpl.ts
    # ("Cache saved with key: K"); @actions/cache internal/uploadUtils.ts ("Sent …").
    build = job(read_logs(ARCHIVE), PYTEST)
    venv = "venv-Linux-3.12.3-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    miss = events(build, "restore")[1]
    assert (miss.step, miss.outcome, miss.key, miss.matched_key) == (
        "Cache virtualenv",
        "miss",
        venv,
        None,
    )
    assert miss.restore_keys == ("venv-Linux-3.12.3-",) and miss.paths == (".venv",)
    saved = events(build, "save")[0]
    assert (saved.step, saved.action, saved.outcome, saved.key) == (
        "Post Cache virtualenv",
        "actions/cache@v4",
        "saved",
        venv,
    )
    assert saved.restore_keys == ("venv-Linux-3.12.3-",) and saved.paths == (".venv",)
    assert (saved.transferred_bytes, saved.throughput_mbs) == (181403648, 130.6)
    assert saved.size_bytes is None  # the v2 service prints no "Cache Size" on save


def test_whole_job_log_windows_crlf_across_midnight() -> None:
    # 1_lint.txt has no step folder (cli/cli#10551: archives without step logs), CRLF endings.
    # Legacy cache service (@actions/cache 3.x): no "Cache hit for" line, so setup-python's
    # primary key appears only in its post step ("Cache saved with the key: K", setup-python
    # src/cache-save.ts, with "the"); "Cache saved successfully" is cacheHttpClient.ts saveCache.
    lint = job(read_logs(ARCHIVE), "lint")
    assert [s.name for s in lint.steps] == [
        "Set up job",
        "Run actions/checkout@v4",
        "Run actions/setup-python@v5",
        "Run actions/cache@v4",
        "Run pip install ruff==0.4.2; ruff check --output-format=github .",
        "Post Run actions/cache@v4",
        "Post Run actions/setup-python@v5",
        "Post Run actions/checkout@v4",
        "Complete job",
    ]
    assert lint.started_at == at("2024-05-01T23:59:45.418500")
    assert lint.finished_at == at("2024-05-02T00:00:20.529000")
    assert lint.duration == timedelta(seconds=35, microseconds=110500)
    assert all(s.duration is not None and s.duration >= timedelta(0) for s in lint.steps)
    python, ruff = events(lint, "restore")
    assert (python.outcome, python.matched_key) == (
        "restore",
        "setup-python-Windows-python-3.12.3-pip-"
        + "9f2d0c1b8a7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c",
    )
    assert python.key == (
        "setup-python-Windows-python-3.12.3-pip-"
        + "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"
    )
    assert python.timestamp is not None and python.timestamp.day == 2
    # A restore-key hit; the multi-line restore-keys echo continues on untimestamped lines.
    assert ruff.outcome == "restore"
    assert ruff.key is not None and ruff.key.startswith("ruff-Windows-0.4.2-7c1e")
    assert ruff.matched_key is not None and ruff.matched_key.startswith("ruff-Windows-0.4.2-0f9e")
    assert ruff.restore_keys == ("ruff-Windows-0.4.2-", "ruff-Windows-")
    assert ruff.size_bytes == 1048576
    # @actions/cache cache.ts saveCacheV1: ReserveCacheError logged as info, "Failed to save: ".
    exists, saved = events(lint, "save")
    assert (exists.step, exists.outcome, exists.key) == (
        "Post Run actions/cache@v4",
        "exists",
        ruff.key,
    )
    assert (
        exists.detail is not None
        and "Cache already exists. Scope: refs/heads/main" in exists.detail
    )
    assert (saved.step, saved.outcome, saved.key) == (
        "Post Run actions/setup-python@v5",
        "saved",
        python.key,
    )
    assert saved.size_bytes == 97517568
    assert lint.conclusion == "success"


# -- the archive, zipped ------------------------------------------------------------------------


def _zip_of(folder: Path, prefix: str = "") -> dict[str, bytes]:
    return {
        prefix + p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _corrupt(path: Path, member: str) -> None:
    """Flip bytes inside one member's compressed data (a CRC or inflate error on reading)."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + info.compress_size - 4, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _summary(bundle: LogBundle) -> list[tuple[str, list[tuple[str, str | None, str | None]]]]:
    return [
        (j.name, [(s.name, str(s.started_at), str(s.finished_at)) for s in j.steps])
        for j in bundle.jobs
    ]


def test_zip_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "logs_14157243625.zip"
    _write_zip(archive, _zip_of(ARCHIVE))
    from_zip, from_dir = read_logs(archive), read_logs(ARCHIVE)
    assert _summary(from_zip) == _summary(from_dir)
    assert [(e.outcome, e.key, e.line) for e in from_zip.events] == [
        (e.outcome, e.key, e.line) for e in from_dir.events
    ]
    assert from_zip.events[0].source == f"{archive}!{PYTEST}/3_Set up Python.txt"
    assert from_zip.problems == ()
    # The same archive extracted into a folder, then zipped again, has one more level.
    wrapped = tmp_path / "wrapped.zip"
    _write_zip(wrapped, _zip_of(ARCHIVE, prefix="logs_14157243625/"))
    assert _summary(read_logs(wrapped)) == _summary(from_dir)


def test_zip_with_malformed_members(tmp_path: Path) -> None:
    members = _zip_of(ARCHIVE)
    members[f"{PYTEST}/7_Upload coverage.txt"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40
    members["notes.txt"] = b"these are my notes\nnothing timestamped here\n"
    members["../escape.txt"] = members["1_lint.txt"]
    members[f"__MACOSX/{PYTEST}/._6_Run pytest.txt"] = b"\x00\x05\x16\x07"
    members[f"{PYTEST}/nested/1_deeper.txt"] = b"2024-05-01T12:00:00.0000000Z hello\n"
    members["runner-diagnostic-logs/1234-build.zip"] = b"PK\x03\x04"
    archive = tmp_path / "logs.zip"
    _write_zip(archive, members)
    _corrupt(archive, f"{PYTEST}/6_Run pytest.txt")
    bundle = read_logs(archive)
    build = job(bundle, PYTEST)
    assert "Run pytest" not in [s.name for s in build.steps]  # unreadable member, rolled back
    assert "Upload coverage" not in [s.name for s in build.steps]
    assert len(events(build, "restore")) == 2
    assert job(bundle, "lint").events  # the rest is read
    problems = bundle.problems
    assert len(problems) == 6, problems
    assert all(p.startswith(f"{archive}!") and "\n" not in p for p in problems)
    by_member = {p.split("!", 1)[1].split(": ", 1)[0]: p for p in problems}
    assert set(by_member) == {
        f"{PYTEST}/6_Run pytest.txt",
        f"{PYTEST}/7_Upload coverage.txt",
        "notes.txt",
        "../escape.txt",
        f"{PYTEST}/nested/1_deeper.txt",
        "runner-diagnostic-logs/1234-build.zip",
    }
    assert "unreadable" in by_member[f"{PYTEST}/6_Run pytest.txt"]
    assert "binary" in by_member[f"{PYTEST}/7_Upload coverage.txt"]
    assert "no timestamped log lines" in by_member["notes.txt"]
    assert "unsafe member name" in by_member["../escape.txt"]
    assert not (tmp_path / "escape.txt").exists()


def test_one_jobs_step_folder_and_a_saved_gh_log(tmp_path: Path) -> None:
    (build,) = read_logs(ARCHIVE / PYTEST).jobs
    assert (build.name, len(build.steps), len(build.events)) == (PYTEST, 10, 4)
    saved = tmp_path / "run-14157243625.log"  # `gh run view --log > run-….log`
    saved.write_bytes((CASES / "gh-run-view.txt").read_bytes())
    assert [j.name for j in read_logs(saved).jobs] == ["test (ubuntu-latest, 20)", "e2e"]


def test_unreadable_inputs_raise_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no-such\.zip: cannot read"):
        read_logs(tmp_path / "no-such.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(EvidenceError, match=r"broken\.zip: not a readable zip archive"):
        read_logs(broken)
    for name, data, why in [
        ("empty.txt", b"", "empty"),
        ("picture.txt", b"GIF89a\x00\x01\x00", "binary"),
        ("prose.txt", b"just some words\n", "no timestamped log lines"),
    ]:
        (tmp_path / name).write_bytes(data)
        bundle = read_logs(tmp_path / name)
        assert bundle.jobs == ()
        assert len(bundle.problems) == 1 and why in bundle.problems[0]


# -- gh run view --log --------------------------------------------------------------------------


def test_gh_run_view_log() -> None:
    bundle = read_logs(CASES / "gh-run-view.txt")
    test, e2e = bundle.jobs
    assert test.name == "test (ubuntu-latest, 20)"
    assert [s.name for s in test.steps] == [
        "Set up job",
        "Run actions/checkout@v4",
        "Run actions/setup-node@v4",
        "Run npm ci",
        "Post Run actions/setup-node@v4",
        "Post Run actions/checkout@v4",
        "Complete job",
    ]
    # setup-node src/cache-restore.ts ("Cache restored from key: K") with the legacy service: no
    # "Cache hit for" line; the post step (src/cache-save.ts) names the primary key.
    (restore,) = events(test, "restore")
    (save,) = events(test, "save")
    assert (restore.action, restore.outcome, restore.key) == (
        "actions/setup-node@v4",
        "hit",
        save.key,
    )
    assert save.outcome == "skipped"
    assert test.conclusion == "success"
    # UNKNOWN STEP: the whole job log, cut at the runner's markers.
    assert [s.name for s in e2e.steps] == [
        "Set up job",
        "Run actions/checkout@v4",
        "Run actions/cache/restore@v4",
        "Run npx playwright test",
        "Post Run actions/checkout@v4",  # actions/cache/restore has no post step
        "Complete job",
    ]
    # restoreImpl.ts with lookup-only (v3.3.0+): "Cache found and can be restored from key: K";
    # cache.ts: "Lookup only - skipping download".
    (lookup,) = e2e.events
    assert (lookup.outcome, lookup.lookup_only, lookup.size_bytes) == ("hit", True, None)
    assert lookup.paths == ("~/.cache/ms-playwright",)
    assert e2e.steps[3].conclusion == "failure" and e2e.conclusion == "failure"


def test_gh_output_saved_by_powershell_as_utf16(tmp_path: Path) -> None:
    text = (CASES / "gh-run-view.txt").read_text(encoding="utf-8")
    path = tmp_path / "run.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    assert _summary(read_logs(path)) == _summary(read_logs(CASES / "gh-run-view.txt"))


# -- older and newer wording --------------------------------------------------------------------


def test_actions_cache_v1_wording() -> None:
    # actions/cache v1.2.1 src/restore.ts: "Cache not found for input keys: a, b." (period);
    # src/save.ts: "Unable to reserve cache with key K, another job may be creating this cache."
    (j,) = read_logs(CASES / "cache-v1.txt").jobs
    miss, exists = j.events
    assert (miss.outcome, miss.key, miss.restore_keys) == (
        "miss",
        "Linux-node-3c5d9a1e",
        ("Linux-node-",),
    )
    assert (exists.outcome, exists.key, exists.step) == (
        "exists",
        "Linux-node-3c5d9a1e",
        "Post Run actions/cache@v1",
    )


def test_actions_cache_4_2_0_wording() -> None:
    # @actions/cache 4.0.0 (actions/cache v4.2.0): core.warning("Cache not found for keys: …")
    # before the action's own miss line; a 409 from the v2 service as "Failed to save: Failed to
    # CreateCacheEntry: … (409) Conflict …" (cacheTwirpClient.ts), before 4.0.2 wrapped it.
    (j,) = read_logs(CASES / "cache-v4.2.0-conflict.txt").jobs
    miss, exists = j.events
    assert (miss.outcome, miss.restore_keys, miss.paths) == (
        "miss",
        ("go-Linux-",),
        ("~/.cache/go-build", "~/go/pkg/mod"),
    )
    assert miss.line == 16  # the decisive line, not the warning before it
    assert (exists.outcome, exists.key) == ("exists", miss.key)


def test_save_only_with_nothing_to_save() -> None:
    # @actions/cache cache.ts saveCache: "Path Validation Error: Path(s) specified in the action
    # for caching do(es) not exist, hence no cache is being saved." logged by actions/cache's
    # logWarning as "[warning]…"; then saveOnlyRun's core.warning("Cache save failed.").
    (j,) = read_logs(CASES / "cache-save-nothing.txt").jobs
    (event,) = j.events
    assert (event.phase, event.outcome, event.key, event.paths) == (
        "save",
        "skipped",
        "docs-Linux-42",
        ("site/.cache",),
    )
    assert event.detail is not None and event.detail.startswith("Path Validation Error")


T0 = "2025-06-02T10:00:0"


def _log(*messages: str, header: str = "actions/cache@v4", key: str = "k-1") -> str:
    lines = [
        ts_line(T0 + "0.0000001", f"##[group]Run {header}"),
        ts_line(T0 + "0.0000002", "with:"),
        ts_line(T0 + "0.0000003", "  path: out"),
        ts_line(T0 + "0.0000004", f"  key: {key}"),
        ts_line(T0 + "0.0000005", "##[endgroup]"),
    ]
    lines += [ts_line(f"{T0}{1 + i}.0000000", m) for i, m in enumerate(messages)]
    return "\n".join(lines) + "\n"


def test_failed_download_is_one_failed_restore() -> None:
    # cache.ts restoreCache catch: core.warning(`Failed to restore: …`); actions/cache then prints
    # its miss line for the undefined key.
    (event,) = read_log_text(
        _log(
            "##[warning]Failed to restore: Request timeout: /cache.tzst",
            "Cache not found for input keys: k-1",
        )
    ).events
    assert (event.outcome, event.key) == ("failed", "k-1")
    assert event.detail == "Failed to restore: Request timeout: /cache.tzst"


def test_restore_key_hit_on_the_v2_service() -> None:
    # @actions/cache 4.0.4+ (actions/cache v4.2.4): "Cache hit for restore-key: M".
    text = _log(
        "Cache hit for restore-key: k-0",
        "Received 5 of 5 (100.0%), 0.0 MBs/sec",
        "Cache Size: ~0 MB (5 B)",
        "Cache restored successfully",
        "Cache restored from key: k-0",
    )
    (event,) = read_log_text(text).events
    assert (event.outcome, event.key, event.matched_key, event.size_bytes) == (
        "restore",
        "k-1",
        "k-0",
        5,
    )
    assert event.transfer_seconds is None  # 0.0 MBs/sec says nothing about the time


def test_keys_compare_ignoring_case() -> None:
    # actions/cache src/utils/actionUtils.ts isExactKeyMatch: localeCompare, sensitivity "accent".
    (event,) = read_log_text(_log("Cache restored from key: K-1")).events
    assert event.outcome == "hit"


def test_setup_python_before_6_3_claims_a_save_after_a_refusal() -> None:
    # setup-python < v6.3.0 src/cache-save.ts printed "Cache saved with the key" whatever
    # saveCache returned; @actions/cache had just printed the reservation failure.
    text = _log(
        "Failed to save: Unable to reserve cache with key setup-python-x, another job may be"
        " creating this cache.",
        "Cache saved with the key: setup-python-x",
        header="actions/setup-python@v5",
    ).replace("##[group]Run actions/setup-python@v5", "Post job cleanup.")
    (event,) = read_log_text(text).events
    assert (event.phase, event.outcome, event.key) == ("save", "exists", "setup-python-x")
    assert event.detail is not None and "nothing was saved" in event.detail


def test_write_denied_with_a_read_only_token() -> None:
    # @actions/cache (2026) CacheWriteDeniedError: core.warning(`Failed to save: Unable to reserve
    # cache with key K. More details: cache write denied: …`).
    text = _log(
        "##[warning]Failed to save: Unable to reserve cache with key k-1. More details: cache write"
        " denied: the token for this run is read-only",
        header="actions/cache/save@v5",
    )
    (event,) = read_log_text(text).events
    assert (event.phase, event.outcome, event.key) == ("save", "failed", "k-1")


def test_fail_on_cache_miss_fails_the_step() -> None:
    text = _log(
        "##[error]Failed to restore cache entry. Exiting as fail-on-cache-miss is set."
        " Input key: k-1"
    )
    bundle = read_log_text(text)
    (event,) = bundle.events
    assert event.outcome == "miss"
    assert bundle.jobs[0].steps[0].conclusion == "failure"


def test_bom_crlf_and_job_name_from_file_name() -> None:
    text = "\ufeff" + _log("Cache not found for input keys: k-1").replace("\n", "\r\n")
    bundle = read_log_text(text, name="3_unit tests.txt")
    (j,) = bundle.jobs
    assert j.name == "unit tests"
    assert j.started_at == at("2025-06-02T10:00:00.000000")
    assert j.events[0].key == "k-1"


def test_cancelled_job() -> None:
    text = _log("Cache not found for input keys: k-1") + ts_line(
        "2025-06-02T10:05:00.0000000", "##[error]The operation was canceled."
    )
    assert read_log_text(text).jobs[0].conclusion == "cancelled"


def test_overlong_lines_are_cut_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lines_module, "MAX_LINE", 64)
    text = (
        ts_line("2025-06-02T10:00:00.0000000", "x" * 1000)
        + "\n"
        + _log("Cache restored from key: k-1")
    )
    (event,) = read_log_text(text).events
    assert event.line == 7


@pytest.mark.parametrize(
    ("text", "kind", "args"),
    [
        ("Cache hit for: k", "hit_for", ("k",)),
        ("Cache hit for restore-key: k-", "hit_restore_key", ("k-",)),
        (
            "Received 12345 of 12345 (100.0%), 1.2 MBs/sec",
            "received",
            ("12345", "12345", "100.0", "1.2"),
        ),
        ("Sent 0 of 0 (NaN%), NaN MBs/sec", "sent", ("0", "0", "NaN", "NaN")),
        ("Cache Size: ~123 MB (128974848 B)", "size", ("123", "128974848")),
        ("pip cache is not found", "not_found_pm", ()),
        ("Cache is not found", "not_found_pm", ()),  # setup-go
        ("Cache saved with the key: k", "saved_with", ("k",)),
        ("Cache not found for version v1 of keys: a, b", "not_found_version", ("v1", "a, b")),
        (
            "Unable to reserve cache with key k, another job may be creating this cache."
            " More details: x",
            "reserve_exists",
            ("k", "x"),
        ),
        (
            "Failed to save: Unable to finalize cache with key k, another job may be finalizing"
            " this cache.",
            "finalize_exists",
            ("k",),
        ),
        (
            "Cache size of ~10241 MB (10738466816 B) is over the 10GB limit, not saving cache.",
            "over_limit",
            ("10241", "10738466816", "10GB"),
        ),
        (
            "There are no cache folders on the disk",
            "nothing_to_save",
            ("There are no cache folders on the disk",),
        ),
        ("Process completed with exit code 2.", "exit_code", ("2",)),
        ("Cache restored from the key: k", None, None),
        ("Restored cache entry with key k", None, None),
    ],
)
def test_message_catalogue(text: str, kind: str | None, args: tuple[str, ...] | None) -> None:
    msg = classify(text)
    if kind is None:
        assert msg is None
    else:
        assert msg is not None and (msg.kind, msg.args) == (kind, args)


# -- never a traceback --------------------------------------------------------------------------

_FRAGMENTS = [
    "##[group]Run actions/cache@v4",
    "##[group]Run actions/setup-python@v5",
    "##[group]Run echo hi",
    "with:",
    "  key: k",
    "  restore-keys: a",
    "##[endgroup]",
    "Post job cleanup.",
    "Cleaning up orphan processes",
    "Cache hit for: k",
    "Cache hit for restore-key: k",
    "Cache restored from key: k",
    "Cache not found for input keys: ",
    "Cache not found for input keys: , ,",
    "Received 1 of 0 (Infinity%), 0.0 MBs/sec",
    "Cache Size: ~0 MB (0 B)",
    "Cache saved with key: k",
    "Failed to save: x",
    "##[warning]Cache save failed.",
    "##[error]Process completed with exit code 1.",
    "##[section]Starting: x",
    "Lookup only - skipping download",
]
_TS = st.sampled_from(["2024-05-01T12:00:00.1234567Z ", "2024-02-30T12:00:00Z ", "", "\ufeff"])
_LINE = st.one_of(
    st.text(max_size=40),
    st.builds(lambda t, f: t + f, _TS, st.sampled_from(_FRAGMENTS)),
    st.builds(
        lambda j, s, t, f: f"{j}\t{s}\t{t}{f}",
        st.sampled_from(["a", "b"]),
        st.sampled_from(["UNKNOWN STEP", "Post x", "x"]),
        _TS,
        st.text(max_size=20) | st.sampled_from(_FRAGMENTS),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]))
def test_the_parser_never_raises(lines: list[str], eol: str) -> None:
    bundle = read_log_text(eol.join(lines))
    for j in bundle.jobs:
        assert all(0 <= e.step_index < len(j.steps) for e in j.events)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_in_an_archive_never_raise(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "logs.zip")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("0_job.txt", data)
            z.writestr("job/1_Set up job.txt", data)
        read_logs(path)
        path.write_bytes(b"PK" + data)
        try:
            read_logs(path)
        except EvidenceError as e:
            assert "\n" not in str(e)
