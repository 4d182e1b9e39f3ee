"""The local Cypher server survives its crashes: real FalkorDB servers killed with SIGKILL
mid-push, damaged snapshots, a stale ``server.json``, and a rebuild under ``serve cypher``.
Every server a test starts is stopped (or killed) before it ends."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkg.graph.build import BuildOptions, build
from govkg.graph.cli import app
from govkg.graph.falkor import STATE_FILE, FalkorServer, data_dir_for, free_port
from govkg.graph.mirror import NativeTarget, expected_snapshot, push, snapshot
from govkg.graph.pg import PropertyGraph, from_output
from tests.conftest import start_serve_cypher

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def corpus_pg(corpus_build: Path) -> PropertyGraph:
    return from_output(corpus_build)


@pytest.fixture
def out(corpus_build: Path, tmp_path: Path) -> Path:
    """A copy of the corpus build (its TriG and store), without a Cypher folder."""
    target = tmp_path / "out"
    target.mkdir()
    shutil.copy(corpus_build / "govkg.trig", target / "govkg.trig")
    shutil.copytree(corpus_build / "store", target / "store")
    return target


def _killer(server_pid: int, at: int = 3):  # type: ignore[no-untyped-def]
    """A push progress hook that SIGKILLs the server at its ``at``-th statement, the way a
    crash or the OOM killer would (the process is not reaped: a zombie until its parent
    waits for it)."""
    count = 0

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal count
        count += 1
        if count == at:
            os.kill(server_pid, signal.SIGKILL)

    return progress


def _held(out: Path) -> tuple[object, object]:
    """What the server of ``out`` holds, read through a server started on its data."""
    with FalkorServer(data_dir_for(out)) as server:
        return snapshot(NativeTarget(server))


def _half(pg: PropertyGraph) -> PropertyGraph:
    nodes = pg.nodes[: len(pg.nodes) // 2]
    uris = {n.uri for n in nodes}
    return PropertyGraph(nodes, [r for r in pg.rels if r.start in uris and r.end in uris])


def test_killed_server_restarts_from_its_last_snapshot(
    tmp_path: Path, corpus_pg: PropertyGraph
) -> None:
    data = tmp_path / "killed"
    half = _half(corpus_pg)
    server = FalkorServer(data).start()
    try:
        push(half, NativeTarget(server))
        server.save()
        with pytest.raises(Exception, match="connection failed"):
            push(corpus_pg, NativeTarget(server), batch_size=200, progress=_killer(server.pid))
        # the client sees the closed connection before the kernel has always finished the
        # process off (on a loaded machine): it is gone within moments
        deadline = time.monotonic() + 5
        while server.running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not server.running()
        server.stop()  # nothing to stop: forgets the dead one
        started = time.monotonic()
        server = FalkorServer(data).start()
        assert time.monotonic() - started < 10
        target = NativeTarget(server)
        assert snapshot(target) == expected_snapshot(half)  # the last snapshot, exactly
        resumed = push(corpus_pg, target)
        assert resumed.nodes_unchanged == len(half.nodes) and resumed.nodes_created > 0
        assert snapshot(target) == expected_snapshot(corpus_pg)
        assert not push(corpus_pg, target).changed
    finally:
        server.stop()


def test_push_after_the_server_was_killed_mid_push(
    out: Path, corpus_pg: PropertyGraph, caplog: pytest.LogCaptureFixture
) -> None:
    """A server left running for ``out`` (as ``serve cypher`` leaves one) is killed while
    a push writes: the next ``govkg push`` finds it gone at once, starts a server on its
    data and completes the graph, equal to a clean push."""
    server = FalkorServer(data_dir_for(out)).start()
    try:
        with pytest.raises(Exception, match="connection failed"):
            push(corpus_pg, NativeTarget(server), batch_size=200, progress=_killer(server.pid))
        state = json.loads((data_dir_for(out) / STATE_FILE).read_text())
        assert state["pid"] == server.pid  # server.json still names the dead server
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="govkg.graph.falkor"):
            result = CliRunner().invoke(app, ["push", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert time.monotonic() - started < 30
        assert "is gone" in caplog.text
        assert f"nodes: {len(corpus_pg.nodes)} created" in result.output
        assert _held(out) == expected_snapshot(corpus_pg)
    finally:
        server.stop()


def test_damaged_snapshot_is_set_aside_and_the_graph_pushed_again(
    out: Path, corpus_pg: PropertyGraph, caplog: pytest.LogCaptureFixture
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["push", "--out", str(out)]).exit_code == 0
    data = data_dir_for(out)
    snapshot_file = data / "dump.rdb"
    size = snapshot_file.stat().st_size
    with snapshot_file.open("r+b") as f:  # half-written: cut in the middle
        f.truncate(size // 2)
    query = "MATCH (n:StatisticObservation) RETURN count(n) AS n"
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="govkg.graph.falkor"):
        result = runner.invoke(app, ["cypher", query, "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    expected = sum("StatisticObservation" in n.labels for n in corpus_pg.nodes)
    assert json.loads(result.output) == [{"n": expected}]
    assert "could not load its data" in caplog.text
    assert (data / "set-aside" / "dump.rdb").stat().st_size == size // 2
    assert _held(out) == expected_snapshot(corpus_pg)
    # garbage instead of a snapshot: the same
    snapshot_file.write_bytes(b"REDIS0011\xfa\x09not a snapshot" * 50)
    assert runner.invoke(app, ["push", "--out", str(out)]).exit_code == 0
    assert _held(out) == expected_snapshot(corpus_pg)


def test_a_stale_server_json_is_detected_without_waiting(tmp_path: Path) -> None:
    """server.json naming a live process that is no server of ours (a reused pid) and a
    closed port: the next command neither waits for it nor kills it."""
    data = tmp_path / "cypher"
    data.mkdir()
    port = free_port()  # free, and closed again
    state = {"pid": os.getpid(), "port": port, "password": "x", "bolt_port": None}
    (data / STATE_FILE).write_text(json.dumps({**state, "data_dir": str(data)}))
    started = time.monotonic()
    assert FalkorServer.attach(data) is None
    assert time.monotonic() - started < 2
    assert not (data / STATE_FILE).exists()


@pytest.fixture
def serve_cypher(out: Path) -> Iterator[subprocess.Popen[str]]:
    proc, lines = start_serve_cypher(out)
    try:
        assert (data_dir_for(out) / STATE_FILE).is_file(), "".join(lines)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        state = data_dir_for(out) / STATE_FILE
        if state.is_file():  # a server left behind by a failed test
            with contextlib.suppress(ProcessLookupError, ValueError, KeyError):
                os.kill(json.loads(state.read_text())["pid"], signal.SIGKILL)


def _state(out: Path) -> dict[str, object]:
    """server.json (empty while a restarted server is starting)."""
    try:
        return dict(json.loads((data_dir_for(out) / STATE_FILE).read_text()))
    except (OSError, ValueError):
        return {}


def _wait_for(condition, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_serve_cypher_restarts_a_server_killed_mid_push(
    out: Path, corpus_pg: PropertyGraph, serve_cypher: subprocess.Popen[str]
) -> None:
    first = _state(out)
    server = FalkorServer.attach(data_dir_for(out))
    assert server is not None
    clean = expected_snapshot(corpus_pg)
    assert snapshot(NativeTarget(server)) == clean  # serve cypher pushed the build
    with pytest.raises(Exception, match="connection failed"):
        # the same graph again, changed, so that the push writes
        push(PropertyGraph(corpus_pg.nodes, []), NativeTarget(server), prune=True,
             progress=_killer(server.pid, at=1))  # fmt: skip
    assert _wait_for(lambda: _state(out).get("pid") not in (None, first["pid"])), "not restarted"
    runner = CliRunner()
    query = "MATCH (n:Resource) RETURN count(n) AS n"
    result = runner.invoke(app, ["cypher", query, "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"n": len(corpus_pg.nodes)}]
    restarted = FalkorServer.attach(data_dir_for(out))
    assert restarted is not None and restarted.pid == _state(out)["pid"]
    assert snapshot(NativeTarget(restarted)) == clean
    stop = runner.invoke(app, ["serve", "cypher", "--stop", "--out", str(out)])
    assert stop.exit_code == 0 and "stopped the Cypher server" in stop.output


def test_rebuild_keeps_the_running_servers_folder(
    corpus_dir: Path, tmp_path: Path, serve_cypher: subprocess.Popen[str], out: Path
) -> None:
    """``govkg build`` into the folder ``serve cypher`` works in: the server keeps its data
    and server.json, goes on answering, and ``--stop`` finds it."""
    before = _state(out)
    assert build(BuildOptions(corpus_dir, out, validate=False)).written
    assert (out / "views").is_dir()  # the new build is in place
    assert _state(out) == before
    server = FalkorServer.attach(data_dir_for(out))
    assert server is not None and server.pid == before["pid"]
    result = CliRunner().invoke(
        app, ["cypher", "MATCH (n:Resource) RETURN count(n) AS n", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    stop = CliRunner().invoke(app, ["serve", "cypher", "--stop", "--out", str(out)])
    assert stop.exit_code == 0 and f"pid {before['pid']}" in stop.output


def test_a_hung_server_is_killed_and_replaced(tmp_path: Path) -> None:
    """A server that is alive but answers nothing (here: stopped with SIGSTOP) is killed by
    the next command, which starts a new one on the same data."""
    data = tmp_path / "cypher"
    server = FalkorServer(data).start()
    try:
        os.kill(server.pid, signal.SIGSTOP)
        started = time.monotonic()
        assert FalkorServer.attach(data) is None
        assert time.monotonic() - started < 15
        assert not server.running()
        assert not (data / STATE_FILE).exists()
        with FalkorServer(data) as again:
            assert NativeTarget(again).run("RETURN 1 AS one")[1] == [{"one": 1}]
    finally:
        server.stop()
