"""The oracles' node machinery on fake scripts: a hung node and a dead node both raise fast."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from node_process import NodeJsonLines

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")

ECHO = """
const rl = require('readline').createInterface({input: process.stdin})
rl.on('line', line => console.log(JSON.stringify({pid: process.pid, got: JSON.parse(line)})))
"""
SILENT = "process.stderr.write('listening, never answering\\n'); setInterval(() => {}, 1000)\n"
DYING = "process.stderr.write('boom: the fake oracle gave up\\n'); process.exit(3)\n"


class FakeError(RuntimeError):
    pass


def _node(tmp_path: Path, source: str, timeout: float = 5.0) -> NodeJsonLines:
    script = tmp_path / "fake.js"
    script.write_text(source)
    return NodeJsonLines(script, tmp_path, timeout, FakeError, name="fake")


def test_round_trip(tmp_path: Path) -> None:
    with _node(tmp_path, ECHO) as node:
        assert node.request({"n": 1})["got"] == {"n": 1}
        assert node.request({"n": 2})["got"] == {"n": 2}


def _wait_for_stderr(node: NodeJsonLines, text: str, limit: float = 60.0) -> None:
    """Until node has written ``text`` to stderr: on a loaded machine node can take longer
    to start than the timeout under test, and its start-up is not what that timeout bounds."""
    deadline = time.monotonic() + limit
    while not any(text in line for line in list(node._stderr_tail)):
        assert time.monotonic() < deadline, f"node wrote no {text!r} within {limit:g}s"
        time.sleep(0.02)


def test_hung_node_times_out_and_is_killed(tmp_path: Path) -> None:
    node = _node(tmp_path, SILENT, timeout=0.5)
    node.start()
    _wait_for_stderr(node, "never answering")  # up and hung: the wait below is the timeout's
    started = time.monotonic()
    with pytest.raises(FakeError, match=r"fake: no response within 0\.5s") as info:
        node.request({"n": 1})
    assert 0.5 <= time.monotonic() - started < 3  # waited the timeout, then killed at once
    assert "never answering" in str(info.value)  # the end of node's stderr
    assert node._proc is None  # killed and reaped
    # the next call starts a fresh process (which hangs in turn)
    with pytest.raises(FakeError, match="no response"):
        node.request({"n": 2})
    node.close()


def test_dead_node_raises_with_its_stderr(tmp_path: Path) -> None:
    node = _node(tmp_path, DYING)
    started = time.monotonic()
    for _ in range(2):  # each call starts a fresh process, which dies in turn
        with pytest.raises(FakeError, match=r"^fake: ") as info:
            node.request({"n": 1})
        assert "boom: the fake oracle gave up" in str(info.value)
    assert time.monotonic() - started < 3
    node.close()


def test_restart_after_failure(tmp_path: Path) -> None:
    with _node(tmp_path, ECHO) as node:
        first = node.request({})["pid"]
        with pytest.raises(FakeError, match="fake: giving up"):
            node.fail("giving up")
        assert node.request({})["pid"] != first
