"""Load on ``govkg serve sparql``: 8 clients, each on one keep-alive connection, send small
queries for a bounded time to a running endpoint (the command, in its own process, with its
default workers) over a build's store.

Rows ``endpoint_req_per_s`` (target at least 500) and ``endpoint_p95_ms`` (target at most
20); the baseline of each is the same queries run directly on the pyoxigraph store, one
thread, in this process: the ratio is what HTTP, the query guard and the worker round trip
cost. ``python -m benchmarks.bench_endpoint OUT [--seconds S]`` prints the rows.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from benchmarks.rows import row

CLIENTS = 8
SECONDS = 5.0
#: Small queries: an answer of a few rows each, as a page or a lookup asks.
QUERIES = [
    "ASK { ?d a gk:SourceDocument }",
    "SELECT ?d WHERE { ?d a gk:SourceDocument } LIMIT 5",
    "SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 10",
    "SELECT (COUNT(*) AS ?n) WHERE { ?d a gk:SourceDocument }",
]


def start_endpoint(
    out_dir: Path, *options: str, stderr: Any = subprocess.DEVNULL
) -> tuple[subprocess.Popen[str], str, int]:
    """``govkg serve sparql --out OUT --port 0 [options]``; the process, host and port."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govkg.graph.cli",
            "serve",
            "sparql",
            "--out",
            str(out_dir),
            "--port",
            "0",
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"http://([\d.]+):(\d+)/sparql", line)
    if m is None:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"govkg serve sparql did not start: {line!r}")
    return proc, m[1], int(m[2])


def load(host: str, port: int, seconds: float, clients: int = CLIENTS) -> tuple[int, list[float]]:
    """Requests answered and their latencies (ms) with ``clients`` threads for ``seconds``;
    every answer must be 200."""
    targets = ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in QUERIES]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        k = i
        try:
            while time.monotonic() < stop:
                started = time.perf_counter()
                conn.request("GET", targets[k % len(targets)])
                response = conn.getresponse()
                response.read()
                latencies[i].append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    failures.append(f"status {response.status}")
                    return
                k += 1
        except OSError as exc:
            failures.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"the endpoint failed under load: {failures[:3]}")
    return sum(len(x) for x in latencies), [ms for x in latencies for ms in x]


def direct(out_dir: Path, seconds: float) -> tuple[int, list[float]]:
    """The same queries on the store itself, one thread, serialized as the endpoint does."""
    import pyoxigraph as ox

    from govkg.graph.sparql import distinct_select, open_store, prefix_header

    store = open_store(out_dir)
    texts = [distinct_select(prefix_header() + q) for q in QUERIES]
    latencies = []
    stop = time.monotonic() + seconds
    k = 0
    while time.monotonic() < stop:
        started = time.perf_counter()
        result = store.query(texts[k % len(texts)], use_default_graph_as_union=True)
        result.serialize(format=ox.QueryResultsFormat.JSON)
        latencies.append((time.perf_counter() - started) * 1000)
        k += 1
    return len(latencies), latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(out_dir: Path, seconds: float = SECONDS) -> list[dict[str, Any]]:
    """Rows ``endpoint_req_per_s`` and ``endpoint_p95_ms``."""
    proc, host, port = start_endpoint(out_dir)
    try:
        load(host, port, min(1.0, seconds))  # warm up: connections, the workers' caches
        started = time.perf_counter()
        answered, latencies = load(host, port, seconds)
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    base_n, base_latencies = direct(out_dir, min(seconds, 2.0))
    base_rate = base_n / sum(base_latencies) * 1000
    return [
        row("endpoint_req_per_s", answered / elapsed, "req/s", base_rate, 500.0, True),
        row("endpoint_p95_ms", p95(latencies), "ms", p95(base_latencies), 20.0),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_endpoint")
    parser.add_argument("out", type=Path, help="a build's output folder")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args(argv)
    for r in run(args.out, args.seconds):
        print(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
