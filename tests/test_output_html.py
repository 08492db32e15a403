"""The HTML report of ``predict``: self-contained, escaped, one row per cache, one cell per run
(or per merged group of runs past the width budget) — checked on the text, then for real in
headless Chromium, whose DOM and screenshot must show the chart drawn."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cachekit.output.html import render_predict_html
from cachekit.predict import PredictedCache, PredictedRun, PredictResult

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
CI, LINT, RELEASE = (
    ".github/workflows/ci.yml",
    ".github/workflows/lint.yml",
    ".github/workflows/release.yml",
)
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
CHANGE = "hashFiles('requirements.txt'): requirements.txt changed in {sha}"


def sha(i: int) -> str:
    return hashlib.sha1(str(i).encode()).hexdigest()


def cache(
    outcome: str = "hit",
    *,
    workflow: str = CI,
    job: str = "test",
    line: int = 19,
    step: str = "actions/cache@v4",
    matrix: dict[str, Any] | None = None,
    key: str = "Linux-pip-1",
    cause: str | None = None,
    code: str | None = None,
    changed: tuple[str, ...] = (),
) -> PredictedCache:
    return PredictedCache(
        workflow,
        job,
        step,
        line,
        matrix or {},
        key,
        outcome != "unknown",
        outcome,
        key if outcome == "hit" else None,
        cause,
        code,
        changed,
    )


def run(i: int, *caches: PredictedCache, subject: str | None = None) -> PredictedRun:
    return PredictedRun(
        sha(i),
        (T0 + timedelta(hours=7 * i)).isoformat(),
        "refs/heads/main",
        "push",
        subject if subject is not None else f"commit {i}",
        caches,
    )


def changed_miss(i: int, outcome: str = "miss", **kw: Any) -> PredictedCache:
    change = CHANGE.format(sha=sha(i)[:7])
    kw.setdefault("key", f"Linux-pip-{i}")
    return cache(
        outcome, cause=f"the key changed: {change}", code="key-changed", changed=(change,), **kw
    )


def first(**kw: Any) -> PredictedCache:
    return cache("miss", cause="the first run of this cache in the history", code="first-run", **kw)


PY311, PY312 = {"os": "ubuntu-latest", "python": "3.11"}, {"os": "ubuntu-latest", "python": "3.12"}
UNKNOWN: dict[str, Any] = {
    "workflow": LINT,
    "job": "lint",
    "line": 8,
    "step": "actions/setup-python@v5",
    "key": "setup-python-‹runner.arch›",
    "cause": "the key is only known at run time",
    "code": "unknown",
}


def small() -> PredictResult:
    """4 runs × 4 caches: 4 hit, 1 restore, 3 miss, 4 unknown, 1 n/a; two key changes."""
    runs = (
        run(0, first(matrix=PY311), first(matrix=PY312), cache("unknown", **UNKNOWN)),
        run(1, cache(matrix=PY311), cache(matrix=PY312), cache("unknown", **UNKNOWN)),
        run(
            2,
            changed_miss(2, matrix=PY311),
            changed_miss(2, "restore", matrix=PY312),
            cache("unknown", **UNKNOWN),
            subject=HOSTILE,
        ),
        run(
            3,
            cache(matrix=PY311, key="Linux-pip-2"),
            cache(matrix=PY312, key="Linux-pip-2"),
            cache("unknown", **UNKNOWN),
            cache("n/a", workflow=RELEASE, job="build", line=30, step="actions/cache/save@v4"),
        ),
    )
    summary = {
        "runs": 4,
        "requests": 12,
        "hit": 4,
        "restore": 1,
        "miss": 3,
        "unknown": 4,
        "hit_rate": 0.5,
        "warm_rate": 0.625,
        "evictions": 0,
        "expirations": 1,
    }
    return PredictResult(runs, summary, ("lint.yml:8: the runner's arch is unknown",))


def wide(n_runs: int, n_caches: int, *, misses_every: int = 97) -> PredictResult:
    """A long history: every cache hits, but misses on a key change now and then."""
    runs = []
    for i in range(n_runs):
        caches = []
        for j in range(n_caches):
            where: dict[str, Any] = {
                "workflow": CI if j % 2 else LINT,
                "job": f"job{j // 10}",
                "line": 10 + j % 10,
                "matrix": {"python": f"3.{j % 7 + 8}"},
            }
            if (i + 13 * j) % misses_every == 0:
                caches.append(changed_miss(i, **where))
            else:
                caches.append(cache(**where))
        runs.append(run(i, *caches))
    return PredictResult(tuple(runs), {})


# -- reading the document back -------------------------------------------------------------


@dataclass
class Timeline:
    """What ``svg#timeline`` holds: its cells' outcome classes, row labels, tooltips."""

    found: bool = False
    width: int = 0
    cells: Counter[str] = field(default_factory=Counter)
    marks: int = 0
    labels: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.timeline = Timeline()
        self.inside = False
        self.text: list[str] | None = None  # collecting a <title> or a label's own text
        self.label = False
        self.elements: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[tag] += 1
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "svg" and a.get("id") == "timeline":
            self.inside, self.timeline.found = True, True
            self.timeline.width = int(a.get("width") or 0)
        if not self.inside:
            return
        if tag == "rect" and "cell" in classes:
            self.timeline.cells.update(c for c in classes if c != "cell")
        elif tag == "path" and "mark" in classes:
            self.timeline.marks += 1
        elif tag == "title":
            self.text = []
        elif tag == "text" and "label" in classes:
            self.label = True
            self.timeline.labels.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.inside = False
        elif tag == "title" and self.text is not None:
            self.timeline.titles.append("".join(self.text))
            self.text = None
        elif tag == "text":
            self.label = False

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)
        elif self.label:
            self.timeline.labels[-1] += data


def read(document: str) -> tuple[Timeline, Counter[str]]:
    reader = _Reader()
    reader.feed(document)
    reader.close()
    return reader.timeline, reader.elements


# -- the document ---------------------------------------------------------------------------


def test_one_row_per_cache_and_one_cell_per_run() -> None:
    timeline, _ = read(render_predict_html(small(), title="t"))
    assert timeline.found
    assert timeline.cells == {"hit": 4, "restore": 1, "miss": 3, "unknown": 4, "na": 1}
    assert timeline.labels == [  # whole: file:line, job and step, matrix values
        "ci.yml:19 test / actions/cache@v4 python=3.11",
        "ci.yml:19 test / actions/cache@v4 python=3.12",
        "lint.yml:8 lint / actions/setup-python@v5",
        "release.yml:30 build / actions/cache/save@v4",
    ]
    assert timeline.marks == 2  # the two key changes of run 2


def test_a_moved_step_keeps_its_row() -> None:
    runs = (run(0, first()), run(1, cache(line=25)), run(2, cache(line=27)))
    timeline, _ = read(render_predict_html(PredictResult(runs, {}), title="t"))
    assert timeline.labels == ["ci.yml:27 test / actions/cache@v4"]
    assert timeline.cells == {"hit": 2, "miss": 1}


def test_tooltips_name_commit_key_outcome_and_cause() -> None:
    timeline, _ = read(render_predict_html(small(), title="t"))
    change = CHANGE.format(sha=sha(2)[:7])
    tip = next(t for t in timeline.titles if "outcome: miss" in t and change in t)
    assert sha(2)[:7] in tip and HOSTILE in tip  # the subject, as text
    assert "key: Linux-pip-2" in tip and "python=3.11" in tip
    assert f"cause: the key changed: {change}" in tip


def test_is_self_contained() -> None:
    document = render_predict_html(small(), title="cachekit predict: .")
    assert document.startswith("<!DOCTYPE html>")
    assert "http://" not in document and "https://" not in document
    assert not re.search(r"""\b(src|href)\s*=|@import|url\(|<link|<script|<iframe""", document)


def test_escapes_what_comes_from_the_repository() -> None:
    evil = '"><img src=x onerror=alert(1)>'
    runs = (
        run(
            0,
            first(key=evil, step=evil, workflow=evil + "/ci.yml", matrix={"p": evil}),
            subject=HOSTILE,
        ),
        run(
            1,
            changed_miss(1, key=evil, step=evil, workflow=evil + "/ci.yml", matrix={"p": evil}),
            subject=HOSTILE,
        ),
    )
    document = render_predict_html(PredictResult(runs, {}, (evil,)), title=HOSTILE)
    _, elements = read(document)
    assert "<script" not in document and "<img" not in document and "<b>bold" not in document
    assert elements["script"] == elements["img"] == 0
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in document
    timeline, _ = read(document)
    assert any(HOSTILE in t for t in timeline.titles)


def test_the_table_of_misses_is_capped_and_says_so() -> None:
    document = render_predict_html(wide(60, 4, misses_every=5), title="t", max_table_rows=7)
    body = document.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 7
    assert re.search(r"Showing the newest 7 of \d+", document)
    full = render_predict_html(wide(60, 4, misses_every=5), title="t")
    assert "Showing the newest" not in full


def test_matrix_combinations_missing_together_share_a_table_row() -> None:
    document = render_predict_html(small(), title="t")
    body = document.split("<tbody>", 1)[1]
    # run 2: 3.11 missed and 3.12 restored (two rows); run 0: both first runs (one row)
    assert body.count("<tr>") == 3
    assert "python=3.11; python=3.12" in body


def test_wide_histories_are_merged_into_columns_showing_the_worst() -> None:
    runs = [run(i, cache(), cache(matrix=PY312)) for i in range(3000)]
    runs[1500] = run(1500, changed_miss(1500), cache(matrix=PY312))
    runs[2000] = run(2000, cache(), cache("restore", matrix=PY312, cause="scope"))
    document = render_predict_html(PredictResult(tuple(runs), {}), title="t")
    timeline, _ = read(document)
    assert sum(timeline.cells.values()) == 2 * 1000  # 3 runs a column, 1,000 columns a row
    assert timeline.cells["miss"] == 1 and timeline.cells["restore"] == 1
    assert timeline.marks == 1
    assert "every column merges 3 adjacent runs (1,000 columns)" in document
    merged = next(t for t in timeline.titles if t.startswith("runs") and "1 miss" in t)
    assert merged.startswith("runs 1501–1503 of 3,000") and "1 miss, 2 hit" in merged

    timeline, _ = read(
        render_predict_html(PredictResult(tuple(runs), {}), title="t", max_columns=100)
    )
    assert sum(timeline.cells.values()) == 2 * 100
    # the cells keep to their budget; the label column is as wide as the longest label
    label_w = max(300, int(max(len(x.split("\n")[-1]) for x in timeline.labels) * 6.6) + 70)
    assert timeline.width <= label_w + 780 + 30


def test_a_thousand_runs_by_fifty_caches_stays_small_and_quick() -> None:
    result = wide(1000, 50)
    started = time.perf_counter()
    document = render_predict_html(result, title="t")
    seconds = time.perf_counter() - started
    timeline, _ = read(document)
    assert len(timeline.labels) == 50
    assert sum(timeline.cells.values()) == 50_000
    assert len(document.encode()) < 12 * 1024**2, len(document)
    assert seconds < 10, seconds


def test_an_empty_history_still_renders() -> None:
    document = render_predict_html(PredictResult((), {}), title="t")
    assert "No runs with caches" in document and "No misses" in document


# -- in a real browser ----------------------------------------------------------------------

HIT, RESTORE, MISS = (0x2D, 0xA4, 0x4E), (0xE3, 0xA0, 0x08), (0xD1, 0x24, 0x2F)
UNKNOWN_GREY = (0x8C, 0x95, 0x9F)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        reason = "chromium not installed: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Chromium without network chatter, sandbox (we may be root) or GPU, 60 s at most."""
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-color-profile=srgb",
        f"--user-data-dir={profile}",
    ]
    done = subprocess.run(
        [browser, *flags, *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def read_png(path: Path) -> tuple[int, int, list[bytes], int]:
    """Width, height, unfiltered rows and bytes per pixel of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, bytearray()
    width = height = depth = color = interlace = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    raw, stride = zlib.decompress(bytes(idat)), width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(p - c) <= tolerance for p, c in zip(pixel, colour, strict=True))


def browser_report() -> PredictResult:
    """60 runs, so that cells are 13 px and fill the chart to its right edge; a miss at run 50
    and a restore at run 47 land in the columns the screenshot check reads."""
    runs = []
    for i in range(60):
        a = (
            first(matrix=PY311)
            if i == 0
            else (changed_miss(i, matrix=PY311) if i == 50 else cache(matrix=PY311))
        )
        b = (
            first(matrix=PY312)
            if i == 0
            else (changed_miss(i, "restore", matrix=PY312) if i == 47 else cache(matrix=PY312))
        )
        runs.append(
            run(
                i,
                a,
                b,
                cache("unknown", **UNKNOWN),
                cache(workflow=RELEASE, job="build", line=30),
                subject=HOSTILE if i == 50 else None,
            )
        )
    return PredictResult(tuple(runs), {})


@pytest.mark.browser
def test_chromium_draws_the_timeline(tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "report.html"
    page.write_text(
        render_predict_html(browser_report(), title="cachekit predict: demo"), encoding="utf-8"
    )

    dom = headless(browser, tmp_path / "profile-dom", "--dump-dom", page.as_uri()).stdout
    timeline, elements = read(dom)
    assert timeline.found, dom[:500]
    assert timeline.cells == {"hit": 60 * 4 - 60 - 3 - 1, "miss": 3, "restore": 1, "unknown": 60}
    assert len(timeline.labels) == 4 and timeline.marks == 2
    assert elements["script"] == 0  # the hostile subject stayed text
    assert any(HOSTILE in t for t in timeline.titles)

    shot = tmp_path / "report.png"
    headless(
        browser,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1200,800",
        page.as_uri(),
    )
    width, height, rows, bpp = read_png(shot)
    assert (width, height) == (1200, 800)
    # The chart's rows are the pixel rows where the far right of the page (x 900..1100, right
    # of the summary bar, left of the hit rates) is mostly cell colour.
    colours = Counter[str]()
    chart_rows = 0
    for line in rows:
        pixels = [tuple(line[x * bpp : x * bpp + 3]) for x in range(900, 1100)]
        named = [
            name
            for px in pixels
            for name, rgb in (
                ("hit", HIT),
                ("restore", RESTORE),
                ("miss", MISS),
                ("unknown", UNKNOWN_GREY),
            )
            if near(px, rgb)
        ]
        if len(named) > len(pixels) // 2:
            chart_rows += 1
            colours.update(named)
    assert chart_rows >= 4 * 12 - 4, chart_rows  # four rows of 12 px cells
    assert colours["hit"] > 1000 and colours["unknown"] > 1000, colours
    assert colours["miss"] > 20 and colours["restore"] > 20, colours  # runs 50 and 47
