"""Two commands starting the local Cypher server on one data folder at once start one
server: the start lock (``OUT/cypher/.start.lock``) makes the second wait and then find the
first one's server. Real processes; FalkorDB is the real one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from govkg.graph.falkor import ServerError, data_dir_for, start_lock

COMMANDS = 3
HOLD = """
import sys, time
from pathlib import Path
from govkg.graph.falkor import start_lock
with start_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_the_start_lock_is_held_by_one_process_at_a_time(tmp_path: Path) -> None:
    data = tmp_path / "cypher"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data), "1.5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = pytest.raises(ServerError, match=rf"pid {holder.pid}\) has been starting")
        with refused, start_lock(data, timeout=0.2):
            pass
        started = time.monotonic()
        with start_lock(data, timeout=30):  # waits for the holder to let go
            assert holder.poll() is not None or time.monotonic() - started > 0.5
    finally:
        holder.kill()
        holder.wait()


def _redis_servers(data: Path) -> list[int]:
    """Pids of the redis-server processes working in ``data`` (read from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:  # the server runs in its data folder
            stat = (entry / "stat").read_text()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        name, _, rest = stat.partition("(")[2].rpartition(")")
        if name.startswith("redis-server") and rest.split()[0] != "Z" and Path(cwd) == data:
            pids.append(int(entry.name))
    return pids


@pytest.mark.server
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_serve_cypher_started_thrice_at_once_starts_one_server(corpus_build_copy: Path) -> None:
    out = corpus_build_copy
    data = data_dir_for(out).resolve()
    command = [sys.executable, "-m", "govkg.graph.cli", "serve", "cypher", "--out", str(out)]
    env = {**os.environ, "COLUMNS": "200"}
    procs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        for _ in range(COMMANDS)
    ]
    outputs: list[list[str]] = [[] for _ in procs]

    def read(i: int) -> None:  # until the server is up (the Ctrl-C line) or the command ends
        stream = procs[i].stdout
        assert stream is not None
        for line in stream:
            outputs[i].append(line)
            if "Ctrl-C" in line:
                return

    readers = [threading.Thread(target=read, args=(i,)) for i in range(COMMANDS)]
    for t in readers:
        t.start()
    try:
        for t in readers:
            t.join(timeout=180)
        serving = [i for i in range(COMMANDS) if any("Ctrl-C" in x for x in outputs[i])]
        assert len(serving) == 1, outputs
        for other in set(range(COMMANDS)) - set(serving):
            assert procs[other].wait(timeout=60) == 1, outputs[other]
            assert "already serves" in "".join(outputs[other]), outputs[other]
        assert len(_redis_servers(data)) == 1
    finally:
        stop = subprocess.run([*command, "--stop"], capture_output=True, text=True, env=env)
        for proc in procs:
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        leftover = _redis_servers(data)
        for pid in leftover:
            os.kill(pid, signal.SIGKILL)
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert leftover == []
