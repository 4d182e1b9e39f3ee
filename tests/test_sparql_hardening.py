"""Hostile queries and malformed HTTP against the SPARQL endpoint and ``govkg sparql``: each
gets a status or a message, and the endpoint stays up. The endpoints run on free ports and
the engine is the real one; nothing is mocked."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from govkg.graph import sparql
from govkg.graph.serve import BACKLOG, SparqlEndpoint
from govkg.graph.sparql import QueryRefused, check_query

ROOT = Path(__file__).resolve().parents[1]
GKD = "https://w3id.org/govkg/id/"
DOC = GKD + "doc/004_76ec77ba1fea5230"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

# Each of these killed the process with SIGSEGV inside pyoxigraph 0.5 (measured).
CRASHERS = {
    "5,000 nested parentheses": "ASK{FILTER(" + "(" * 5000 + "true" + ")" * 5000 + ")}",
    "2,500 nested braces": "ASK" + "{" * 2500 + "}" * 2500,
    "20,000 UNIONs": "SELECT * {" + " UNION ".join(["{?s ?p ?o}"] * 20000) + "}",
    "20,000 additions": "ASK{FILTER(" + "+".join(["1"] * 20000) + ">0)}",
    "3,000 OPTIONALs": "ASK{" + "OPTIONAL{?s ?p ?o}" * 3000 + "}",
    "20,000 objects": "ASK{?s <p:a> " + ",".join(["1"] * 20000) + "}",
    "20,000 FILTERs": "ASK{" + "FILTER(true)" * 20000 + "}",
}


@pytest.fixture(scope="module")
def endpoint(corpus_build: Path) -> Iterator[SparqlEndpoint]:
    with SparqlEndpoint(corpus_build, port=0, timeout=3, workers=2, idle_timeout=2) as ep:
        yield ep


def http(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get(ep: SparqlEndpoint, query: str, **extra: str) -> tuple[int, bytes]:
    return http(f"{ep.url}?{urllib.parse.urlencode({'query': query, **extra})}")


def count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def raw(ep: SparqlEndpoint, request: bytes, wait: float = 5.0) -> bytes:
    """Everything the server sends back on one connection until it closes it (or ``wait``
    seconds of silence)."""
    host, port = ep.httpd.server_address[:2]
    with socket.create_connection((str(host), port), timeout=wait) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            chunks.append(b"<still open>")
        except ConnectionResetError:
            chunks.append(b"<reset>")
    return b"".join(chunks)


def worker_pids(ep: SparqlEndpoint) -> set[int]:
    with ep.pool.lock:
        return {w.proc.pid for w in ep.pool.live}


# -- the guard before parsing --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_guard_refuses_queries_that_crash_the_engine(name: str) -> None:
    with pytest.raises(QueryRefused, match="limit"):
        check_query(CRASHERS[name])


def test_guard_passes_every_competency_question_and_long_values_lists() -> None:
    for path in sorted((ROOT / "ontology" / "queries").glob("*.rq")):
        check_query(path.read_text(encoding="utf-8"))
    values = " ".join(['"名"@zh-Hans', "1.5", '"2"^^xsd:integer', "gk:a-b"] * 20000)
    check_query(f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }}")
    check_query("ASK { FILTER(1 IN (" + ",".join(["1"] * 20000) + ")) }")


def test_queries_just_under_the_limits_do_not_crash_the_engine() -> None:
    """The limits leave a margin: the costliest shapes at the limits run in a thread (smaller
    stack than a main thread's) of a separate process, which must exit normally."""
    script = textwrap.dedent(
        """
        import threading, pyoxigraph as ox
        from govkg.graph.sparql import check_query
        n = 990
        queries = [
            "ASK" + "{" * 199 + "}" * 199,
            "ASK{FILTER(" + "(" * 198 + "true" + ")" * 198 + ")}",
            "ASK{" + "OPTIONAL{?s ?p ?o}" * n + "}",
            "SELECT * {" + " UNION ".join(["{?s ?p ?o}"] * n) + "}",
            "ASK{FILTER(" + "+".join(["1"] * n) + ">0)}",
            "ASK{" + "FILTER(true)" * n + "}",
            "ASK{?s <p:a> " + ",".join(["1"] * 100) + "}",  # slow to plan, not deep
            "ASK" + "{" * 100 + "FILTER(" + "+".join(["1"] * 780) + ">0)" + "}" * 100,
            "SELECT * " + "{ ?s ?p ?o OPTIONAL " * 190 + "{?s ?p ?o}" + "}" * 190,
        ]
        store = ox.Store()
        def run():
            for q in queries:
                check_query(q)
                store.query(q)
        t = threading.Thread(target=run)
        t.start()
        t.join()
        print("survived")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and "survived" in result.stdout, result.stderr[-2000:]


def test_sparql_command_refuses_a_crashing_query(corpus_build: Path, tmp_path: Path) -> None:
    query = tmp_path / "deep.rq"
    query.write_text(CRASHERS["5,000 nested parentheses"], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "govkg.graph.cli", "sparql", str(query), "--out", str(corpus_build)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert "nested too deeply" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


# -- the endpoint stays up -----------------------------------------------------------------


@pytest.mark.server
def test_crashing_queries_get_400_and_the_endpoint_stays_up(endpoint: SparqlEndpoint) -> None:
    for name, query in CRASHERS.items():
        status, body = http(
            endpoint.url, data=query.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        assert status == 400 and b"limit" in body, (name, status, body[:200])
    status, body = get(endpoint, COUNT)
    assert status == 200 and count(body) > 0


@pytest.mark.server
def test_a_crash_costs_only_its_worker(
    endpoint: SparqlEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the guard lifted, the crashing query reaches a worker: the client gets 500, the
    worker is replaced and the endpoint answers the next query."""
    monkeypatch.setattr(sparql, "MAX_QUERY_DEPTH", 10**9)
    monkeypatch.setattr(sparql, "MAX_QUERY_COMPLEXITY", 10**9)
    before = worker_pids(endpoint)
    status, body = get(endpoint, CRASHERS["5,000 nested parentheses"])
    assert status == 500 and b"crashed" in body
    status, body = get(endpoint, COUNT)
    assert status == 200 and count(body) > 0
    assert worker_pids(endpoint) != before


@pytest.mark.server
def test_a_runaway_query_is_stopped_at_the_timeout(endpoint: SparqlEndpoint) -> None:
    started = time.monotonic()
    status, body = get(endpoint, RUNAWAY)
    took = time.monotonic() - started
    assert status == 503 and b"stopped after 3 s" in body
    assert took < 10
    status, body = get(endpoint, COUNT)
    assert status == 200 and count(body) > 0


@pytest.mark.server
def test_a_query_whose_client_left_is_stopped(endpoint: SparqlEndpoint) -> None:
    assert endpoint.timeout == 3
    with SparqlEndpoint(
        Path(endpoint.pool.store_path).parent, port=0, timeout=120, workers=1
    ) as ep:
        (pid,) = worker_pids(ep)
        host, port = ep.httpd.server_address[:2]
        sock = socket.create_connection((str(host), port))
        target = f"/sparql?{urllib.parse.urlencode({'query': RUNAWAY})}"
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(1.0)
        sock.close()
        deadline = time.monotonic() + 20
        while pid in worker_pids(ep) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pid not in worker_pids(ep)
        status, body = get(ep, COUNT)
        assert status == 200 and count(body) > 0


# -- SERVICE --------------------------------------------------------------------------------


class _Listener:
    """A local HTTP server that records every request it gets."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    yield server
    server.close()


@pytest.mark.server
def test_service_is_refused(endpoint: SparqlEndpoint, listener: _Listener) -> None:
    base = f"http://127.0.0.1:{listener.port}"
    escaped = base.replace("//", "\\u002F\\u002F")
    for query in [
        f"SELECT * WHERE {{ SERVICE <{base}/a> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service silent <{base}/b> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped}/c> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <{base}/> SELECT * WHERE {{ SERVICE x:d {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{base}/e> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]:
        status, body = get(endpoint, query)
        assert status == 400 and b"SERVICE" in body, (query, status, body)
    time.sleep(0.3)
    assert listener.hits == []
    # the word in a string, an IRI or a comment is no SERVICE clause
    status, _ = get(endpoint, 'ASK { ?s ?p "SERVICE <http://x/>" } # SERVICE <http://x/>')
    assert status == 200


@pytest.mark.server
def test_allow_service_names_the_hosts(corpus_build: Path, listener: _Listener) -> None:
    with SparqlEndpoint(
        corpus_build, port=0, workers=1, allow_service=[f"127.0.0.1:{listener.port}"]
    ) as ep:
        status, _ = get(
            ep, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/ok> {{ ?s ?p ?o }} }}"
        )
        assert listener.hits  # it was called (its 500 makes the query fail with 400)
        assert status == 400
        status, body = get(ep, "SELECT * WHERE { SERVICE <http://localhost:9/no> { ?s ?p ?o } }")
        assert status == 400 and b"--allow-service" in body


# -- HTTP -----------------------------------------------------------------------------------


@pytest.mark.server
def test_bad_content_length_gets_400_and_the_connection_closes(endpoint: SparqlEndpoint) -> None:
    reply = raw(
        endpoint,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: abc\r\n\r\nASK{}",
    )
    assert reply.startswith(b"HTTP/1.1 400") and b"Content-Length" in reply
    assert reply.count(b"HTTP/1.1") == 1 and not reply.endswith(b"<still open>")
    reply = raw(
        endpoint,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n\r\nASK{}",
    )
    assert reply.startswith(b"HTTP/1.1 411")


@pytest.mark.server
def test_after_413_the_unread_body_is_not_a_request(endpoint: SparqlEndpoint) -> None:
    smuggled = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
    length = (1 << 20) + 1
    reply = raw(
        endpoint,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        + f"Content-Length: {length}\r\n\r\n".encode()
        + smuggled,
    )
    assert reply.startswith(b"HTTP/1.1 413")
    assert reply.count(b"HTTP/1.1") == 1, reply  # the embedded GET was not answered


@pytest.mark.server
def test_an_error_before_the_body_is_read_does_not_leak_it(endpoint: SparqlEndpoint) -> None:
    smuggled = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
    reply = raw(
        endpoint,
        b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        + f"Content-Length: {len(smuggled)}\r\nConnection: close\r\n\r\n".encode()
        + smuggled,
    )
    assert reply.startswith(b"HTTP/1.1 404") and reply.count(b"HTTP/1.1") == 1


@pytest.mark.server
def test_bad_graph_uris_get_400(endpoint: SparqlEndpoint) -> None:
    status, body = get(endpoint, COUNT, **{"default-graph-uri": "not an iri"})
    assert status == 400 and b"default-graph-uri" in body
    status, body = get(endpoint, COUNT, **{"named-graph-uri": "<>"})
    assert status == 400 and b"named-graph-uri" in body


@pytest.mark.server
def test_from_and_from_named_are_honoured(endpoint: SparqlEndpoint) -> None:
    _, everything = get(endpoint, COUNT)
    _, by_protocol = get(endpoint, COUNT, **{"default-graph-uri": DOC})
    _, by_from = get(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{DOC}> WHERE {{ ?s ?p ?o }}")
    assert 0 < count(by_from) == count(by_protocol) < count(everything)
    status, body = get(
        endpoint, f"SELECT DISTINCT ?g FROM NAMED <{DOC}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert status == 200
    graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert graphs == [DOC]


@pytest.mark.server
def test_idle_connections_are_closed(endpoint: SparqlEndpoint) -> None:
    started = time.monotonic()
    reply = raw(endpoint, b"GET /sparql HTTP/1.1\r\n", wait=10)  # never finishes the request
    assert not reply.endswith(b"<still open>")
    assert time.monotonic() - started < 8


@pytest.mark.server
def test_eight_clients_at_once(endpoint: SparqlEndpoint) -> None:
    assert endpoint.httpd.request_queue_size == BACKLOG >= 128
    query = "ASK { ?d a gk:SourceDocument }"

    def client(_: int) -> list[int]:
        return [get(endpoint, query)[0] for _ in range(25)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(client, range(8)) for s in batch]
    assert statuses == [200] * 200
