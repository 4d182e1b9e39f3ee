"""``govkg serve cypher --stop`` ends a running ``govkg serve cypher`` and its FalkorDB
server: afterwards neither is in the process table, and no child of either is left as a
zombie (defunct). Real processes, read from /proc."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from govkg.graph.falkor import STATE_FILE, data_dir_for
from tests.conftest import start_serve_cypher

pytestmark = pytest.mark.server


def _processes() -> dict[int, tuple[str, int, str]]:
    """Every process: pid -> (state letter, parent pid, name and command line; a zombie's
    command line is empty, its name stays)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name, _, rest = stat.partition("(")[2].rpartition(")")
        fields = rest.split()
        table[int(entry.name)] = (fields[0], int(fields[1]), f"{name} {cmd}".strip())
    return table


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_stop_ends_serve_cypher_and_its_server(corpus_build_copy: Path) -> None:
    out = corpus_build_copy
    proc, lines = start_serve_cypher(out)
    state = data_dir_for(out) / STATE_FILE
    server_pid = None
    try:
        server_pid = json.loads(state.read_text())["pid"]
        table = _processes()
        assert table[server_pid][1] == proc.pid, "".join(lines)  # the server is its child
        stop = subprocess.run(
            [
                sys.executable,
                "-m",
                "govkg.graph.cli",
                "serve",
                "cypher",
                "--out",
                str(out),
                "--stop",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
            timeout=120,
        )
        assert stop.returncode == 0, stop.stdout + stop.stderr
        assert f"stopped the Cypher server of {out} (pid {server_pid})" in stop.stdout
        # `--stop` returns once the serving command has ended: it is no longer running
        # (its exit status is waiting for us, its parent), and its server is gone
        table = _processes()
        assert table.get(proc.pid, ("Z",))[0] == "Z", table.get(proc.pid)
        assert server_pid not in table, table.get(server_pid)
        assert [p for p, (_s, ppid, _c) in table.items() if ppid == proc.pid] == []
        assert proc.wait(timeout=5) == 0
        rest = proc.stdout.read()
        assert "stopped" in rest and "restarted" not in rest, rest
        assert not state.exists()
        defunct = [(p, c) for p, (s, _pp, c) in _processes().items() if s == "Z" and "redis" in c]
        assert defunct == []
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if server_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(server_pid, signal.SIGKILL)
