"""``govkg serve sparql``: a read-only SPARQL 1.1 Protocol endpoint over a build's store, on
loopback; ``govkg serve cypher``: the local FalkorDB server with the build pushed into it,
until Ctrl-C.

The endpoint answers ``GET /sparql?query=…`` and ``POST /sparql`` with the query as
``application/sparql-query`` or as the ``query`` field of a form, over the union of all
graphs, or over the dataset the query names (``FROM`` / ``FROM NAMED``), or the graphs
``default-graph-uri`` / ``named-graph-uri`` name (these win over the query's, as the protocol
says). Results come as SPARQL JSON, XML, CSV or TSV by ``Accept`` header (JSON by default);
CONSTRUCT and DESCRIBE as Turtle or N-Triples. Updates are refused.

No request can take the endpoint down or turn it outward:

- every query is scanned before parsing (:func:`govkg.graph.sparql.check_query`: at most
  1,000,000 characters, brackets nested at most 200 deep, complexity at most 1,000) and one
  over a limit gets 400, because a deeper one overflows the engine's stack;
- queries run in worker processes (``--workers``, default up to 4), one at a time each: a
  query that still crashes the engine costs only its worker (500, and a fresh worker starts);
  one that runs past ``--timeout`` seconds (default 30) or whose client disconnects has its
  worker killed (503): pyoxigraph cannot cancel a running query, a process can be killed;
- ``SERVICE`` is refused with 400 (the engine would send requests to any address a query
  names, and any web page can make a browser send such a GET) unless ``--allow-service
  HOST`` names the host (or ``HOST:PORT``) of every endpoint the query calls, by full IRI;
- HTTP: a body is read only with a valid ``Content-Length`` (411 without, 400 when it is
  not a number or the body ends short of it, 413 over 1 MiB) and after any of these errors
  the connection is closed, what the client still sends being read and dropped first (up
  to 2 s and 4 MiB) so that the answer is not lost to a reset; methods other than GET,
  HEAD and POST get 405, a request line without a version (HTTP/0.9) 400, HTTP/2 or later
  505; a connection idle for ``--idle-timeout`` seconds (default 30) is closed; the
  listen backlog is 128 and at most 256 connections are served at once (the next get 503).
  ``tests/test_sparql_fuzz.py`` sends thousands of generated, mutated and malformed
  requests to one endpoint and checks that each gets a status.

``http.server`` stays the front end: the work per request is a worker round trip, and the
standard library keeps the endpoint free of another server dependency.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

import pyoxigraph as ox

from govkg.graph.sparql import (
    QueryError,
    QueryRefused,
    QueryShape,
    check_query,
    open_store,
    prefix_header,
)
from govkg.graph.sparql_worker import Job, negotiate, text_answer

__all__ = ["SparqlEndpoint", "negotiate"]

PATH = "/sparql"
MAX_BODY = 1 << 20  # a query, not a dataset
MAX_FIELDS = 100  # form or query-string fields of one request
DEFAULT_TIMEOUT = 30.0  # seconds a query may run before its worker is killed
DEFAULT_IDLE_TIMEOUT = 30.0  # seconds a connection may sit without sending a whole request
BACKLOG = 128  # connections the kernel queues before accept()
MAX_CONNECTIONS = 256  # connections served at once; the next ones get 503 and are closed
WORKER_START_S = 60.0
LINGER_S = 2.0  # seconds a closing connection's unread input is drained
LINGER_BYTES = 4 * MAX_BODY  # …and at most this much of it
ALLOWED_METHODS = "GET, HEAD, POST"
MAX_BLANK_LINES = 8  # blank lines skipped before a request line
_DIGITS = re.compile(r"[0-9]+")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class _Worker:
    """One ``govkg.graph.sparql_worker`` process and the two pipes to it."""

    def __init__(self, store_path: Path) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "govkg.graph.sparql_worker",
                    str(store_path),
                    str(to_child_r),
                    str(from_child_w),
                ],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches the endpoint, which stops its workers
            )
        except BaseException:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.inbox = Connection(from_child_r, writable=False)
        self.outbox = Connection(to_child_w, readable=False)

    def wait_ready(self, timeout: float = WORKER_START_S) -> None:
        message = "the SPARQL worker did not start"
        try:
            if self.inbox.poll(timeout):
                kind, detail = self.inbox.recv()
                if kind == "ready":
                    return
                message = str(detail)
        except (EOFError, OSError):
            message = f"the SPARQL worker exited at start (status {self.proc.poll()})"
        self.kill()
        raise QueryError(message)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.inbox.close()
        self.outbox.close()


class _Pool:
    """Worker processes; one query at a time each. A worker that crashed or was killed on a
    timeout is replaced in the background."""

    def __init__(self, store_path: Path, size: int, log: Callable[[str], None]) -> None:
        self.store_path = store_path
        self.log = log
        self.size = size
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.live: set[_Worker] = set()
        self.closed = False
        started = [_Worker(store_path) for _ in range(size)]
        self.live.update(started)
        try:
            for worker in started:
                worker.wait_ready()
        except QueryError:
            self.close()
            raise
        for worker in started:
            self.idle.put(worker)

    def take(self, timeout: float) -> _Worker | None:
        try:
            return self.idle.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def give(self, worker: _Worker) -> None:
        with self.lock:
            if not self.closed:
                self.idle.put(worker)
                return
        worker.kill()

    def replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in its place (in a thread: the caller answers
        its client meanwhile)."""
        worker.kill()
        with self.lock:
            self.live.discard(worker)
        threading.Thread(target=self._respawn, daemon=True).start()

    def _respawn(self) -> None:
        delay = 0.2
        while not self.closed:
            worker = _Worker(self.store_path)
            with self.lock:
                self.live.add(worker)
            try:
                worker.wait_ready()
            except QueryError as exc:
                with self.lock:
                    self.live.discard(worker)
                self.log(f"cannot restart a SPARQL worker: {exc}; retrying")
                time.sleep(delay)
                delay = min(2 * delay, 5.0)
                continue
            self.give(worker)
            return

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.live)
            self.live.clear()
        for worker in workers:
            worker.kill()


def _client_gone(sock: socket.socket) -> bool:
    """The client closed its side (readable with nothing to read)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(iri: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)


class SparqlEndpoint:
    """A threaded HTTP server answering SPARQL queries over one build's store; the queries
    run in worker processes (see the module documentation)."""

    def __init__(
        self,
        out_dir: Path,
        port: int = 0,
        host: str = "127.0.0.1",
        log: Callable[[str], None] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        workers: int | None = None,
        allow_service: Iterable[str] = (),
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        open_store(out_dir)  # a readable message when there is no store
        self.log = log
        self.timeout = timeout
        self.allow_service = frozenset(h.strip().lower() for h in allow_service if h.strip())
        endpoint = self

        class Handler(_Handler):
            owner = endpoint

        Handler.timeout = idle_timeout
        self.httpd = _Server((host, port), Handler)
        try:
            self.pool = _Pool(
                out_dir / "store", workers or default_workers(), log or (lambda _line: None)
            )
        except BaseException:
            self.httpd.server_close()
            raise
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"

    def start(self) -> SparqlEndpoint:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.pool.close()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def __enter__(self) -> SparqlEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def refuse_service(self, shape: QueryShape) -> str | None:
        """Why the query's SERVICE clauses are refused, or None when they are allowed."""
        for target in shape.services:
            if not self.allow_service:
                return (
                    "SERVICE (federated query) is refused: this endpoint sends no requests to "
                    "other servers unless started with --allow-service HOST"
                )
            if not (target.startswith("<") and target.endswith(">")):
                return (
                    f"SERVICE {target} is refused: name the remote endpoint by a full IRI "
                    "<http://HOST/…> of a host allowed by --allow-service"
                )
            parts = urlsplit(_unescape(target[1:-1]))
            host = (parts.hostname or "").lower()
            try:
                port = parts.port
            except ValueError:
                port = None
            allowed = host in self.allow_service or f"{host}:{port}" in self.allow_service
            if parts.scheme.lower() not in ("http", "https") or not allowed:
                return (
                    f"SERVICE {target} is refused: only http(s) IRIs of the hosts allowed by "
                    f"--allow-service ({', '.join(sorted(self.allow_service))})"
                )
        return None

    def answer(
        self,
        query: str,
        default_graphs: list[str],
        named_graphs: list[str],
        accept: str | None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> tuple[int, str, bytes]:
        """(status, content type, body) for one query: checked here, run by a worker."""
        try:
            shape = check_query(query)
        except QueryRefused as exc:
            return text_answer(HTTPStatus.BAD_REQUEST, str(exc))
        refusal = self.refuse_service(shape)
        if refusal is not None:
            return text_answer(HTTPStatus.BAD_REQUEST, refusal)
        for field, graphs in (
            ("default-graph-uri", default_graphs),
            ("named-graph-uri", named_graphs),
        ):
            for graph in graphs:
                try:
                    ox.NamedNode(graph)
                except ValueError:
                    return text_answer(
                        HTTPStatus.BAD_REQUEST, f"{field} is not an absolute IRI: {graph!r}"
                    )
        text = query if "PREFIX" in query.upper() else prefix_header() + query
        job = Job(text, tuple(default_graphs), tuple(named_graphs), not shape.has_from, accept)
        return self._run(job, cancelled)

    def _run(self, job: Job, cancelled: Callable[[], bool]) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + self.timeout
        worker = None
        while worker is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return text_answer(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"all {self.pool.size} query workers stayed busy for {self.timeout:g} s; "
                    "try again later",
                )
            worker = self.pool.take(min(remaining, 0.25))
            if worker is None and cancelled():
                return text_answer(HTTPStatus.SERVICE_UNAVAILABLE, "the client went away")
        try:
            worker.outbox.send(job)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.pool.replace(worker)
                    return text_answer(
                        HTTPStatus.SERVICE_UNAVAILABLE,
                        f"query stopped after {self.timeout:g} s, the time limit of this "
                        "endpoint (govkg serve sparql --timeout)",
                    )
                if worker.inbox.poll(min(remaining, 0.1)):
                    reply = worker.inbox.recv()
                    self.pool.give(worker)
                    return reply
                if cancelled():
                    self.pool.replace(worker)
                    return text_answer(HTTPStatus.SERVICE_UNAVAILABLE, "the client went away")
        except (EOFError, OSError):
            status = worker.proc.poll()
            self.pool.replace(worker)
            if self.log is not None:
                self.log(f"a query crashed its worker (exit status {status}); restarting it")
            return text_answer(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                "the query crashed the SPARQL engine; its worker process is being restarted",
            )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                body = b"too many connections; try again later\n"
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def shutdown_request(self, request: Any) -> None:
        """Close a connection without resetting it: after the answer is sent (SHUT_WR), what
        the client still sends (a body refused unread, the rest of an overlong line) is
        read and dropped for up to :data:`LINGER_S` seconds. Closing a socket with unread
        input makes the kernel send a reset, which can destroy the answer in flight before
        the client has read it."""
        try:
            request.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_S
            left = LINGER_BYTES
            while left > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                readable, _, _ = select.select([request], [], [], remaining)
                if not readable:
                    break
                chunk = request.recv(min(65536, left))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass
        self.close_request(request)


def _split(target: str) -> SplitResult | None:
    """The parts of a request target; None when it cannot be split (``//[x``: a bad IPv6
    authority)."""
    try:
        return urlsplit(target)
    except ValueError:
        return None


def _one(values: dict[str, list[str]], key: str) -> str | None:
    got = values.get(key)
    return got[0] if got else None


def _params(text: str) -> dict[str, list[str]] | None:
    try:
        return parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return None


class _Handler(BaseHTTPRequestHandler):
    owner: SparqlEndpoint
    server_version = "govkg-sparql"
    protocol_version = "HTTP/1.1"
    # an answer goes out as two writes (head, body): with Nagle's algorithm the second
    # waits for the client's delayed ACK, 40 ms per request on Linux
    disable_nagle_algorithm = True
    # errors on a request line without a version are answered with a status line
    default_request_version = "HTTP/1.0"
    answered = False
    raw_requestline: bytes  # the request line as read (set by handle_one_request)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: `govkg serve sparql` prints its own line per request

    def handle_one_request(self) -> None:
        self.answered = False
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # a bug here must not drop the connection without a word
            self.close_connection = True
            if self.owner.log is not None:
                self.owner.log(
                    f"error answering {getattr(self, 'requestline', '')[:200]!r}: {exc!r}"
                )
            if not self.answered:
                with contextlib.suppress(OSError):
                    self._fail(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {exc!r}")

    def send_response_only(self, code: int, message: str | None = None) -> None:
        self.answered = True
        super().send_response_only(code, message)

    def parse_request(self) -> bool:
        # no method until a request line is read ("" where http.server puts None: both differ
        # from "HEAD", the one method an answer depends on before then)
        self.command, self.request_version = "", self.default_request_version
        self.requestline = ""
        for _ in range(MAX_BLANK_LINES):  # blank lines before a request are ignored (RFC 9112)
            if self.raw_requestline.strip():
                break
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return False
        words = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n").split()
        if not words or len(self.raw_requestline) > 65536:
            self.requestline = str(self.raw_requestline[:200], "iso-8859-1")
            self._fail(HTTPStatus.BAD_REQUEST, "no request line (or one over 65,536 bytes)")
            return False
        if len(words) == 2:  # HTTP/0.9 ("GET /path"): its answer would have no status line
            self.requestline = " ".join(words)
            self._fail(HTTPStatus.BAD_REQUEST, "HTTP/0.9 is not served: send HTTP/1.1")
            return False
        return bool(super().parse_request())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any other method: 405, not http.server's 501
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        status, ctype, body = text_answer(
            HTTPStatus.METHOD_NOT_ALLOWED,
            f"method {self.command[:40]!r} is not allowed: use {ALLOWED_METHODS}",
        )
        self._send(status, ctype, body, close=True, extra={"Allow": ALLOWED_METHODS})

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = _split(self.path)
        if parts is None:
            self._fail(HTTPStatus.BAD_REQUEST, f"malformed request target: {self.path[:80]!r}")
            return
        if parts.path not in (PATH, PATH + "/"):
            self._send(*text_answer(HTTPStatus.NOT_FOUND, f"the endpoint is {PATH}"))
            return
        params = _params(parts.query)
        if params is None:
            self._send(*text_answer(HTTPStatus.BAD_REQUEST, "too many query-string fields"))
            return
        if "update" in params:
            self._send(*text_answer(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only"))
            return
        query = _one(params, "query")
        if not query:
            self._send(*text_answer(HTTPStatus.OK, f"SPARQL endpoint: GET {PATH}?query=… or POST"))
            return
        self._query(query, params)

    def _read_body(self) -> str | None:
        """The request body; None when an error was sent instead (the connection is then
        closed, so that an unread body is never taken for the next request)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._fail(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length")
            return None
        raw = self.headers.get("Content-Length")
        if raw is None:
            self._fail(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
            return None
        if _DIGITS.fullmatch(raw.strip()) is None:  # ASCII digits: "²".isdigit() is true
            self._fail(HTTPStatus.BAD_REQUEST, f"bad Content-Length: {raw[:40]!r}")
            return None
        length = int(raw.strip())
        if length > MAX_BODY:
            self._fail(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"query too long: {length:,} bytes (limit {MAX_BODY:,})",
            )
            return None
        data = self.rfile.read(length)
        if len(data) < length:  # the client closed its side before the whole body
            self._fail(
                HTTPStatus.BAD_REQUEST,
                f"the body ended after {len(data):,} of {length:,} bytes (Content-Length)",
            )
            return None
        return data.decode("utf-8", errors="replace")

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        parts = _split(self.path)
        if parts is None:
            self._fail(HTTPStatus.BAD_REQUEST, f"malformed request target: {self.path[:80]!r}")
            return
        if parts.path not in (PATH, PATH + "/"):
            self._send(*text_answer(HTTPStatus.NOT_FOUND, f"the endpoint is {PATH}"))
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = _params(parts.query)
        if params is None:
            self._send(*text_answer(HTTPStatus.BAD_REQUEST, "too many query-string fields"))
            return
        if ctype == "application/sparql-query":
            self._query(body, params)
        elif ctype == "application/x-www-form-urlencoded":
            form = _params(body)
            if form is None:
                self._send(*text_answer(HTTPStatus.BAD_REQUEST, "too many form fields"))
                return
            if "update" in form:
                self._send(
                    *text_answer(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only")
                )
                return
            query = _one(form, "query")
            if not query:
                self._send(*text_answer(HTTPStatus.BAD_REQUEST, "the form has no 'query' field"))
                return
            self._query(query, {**params, **form})
        elif ctype == "application/sparql-update":
            self._send(*text_answer(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only"))
        else:
            self._send(
                *text_answer(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "send application/sparql-query or application/x-www-form-urlencoded",
                )
            )

    def _query(self, query: str, params: dict[str, list[str]]) -> None:
        started = time.perf_counter()
        status, ctype, body = self.owner.answer(
            query,
            params.get("default-graph-uri", []),
            params.get("named-graph-uri", []),
            self.headers.get("Accept"),
            cancelled=lambda: _client_gone(self.connection),
        )
        self._send(status, ctype, body)
        if self.owner.log is not None:
            ms = 1000 * (time.perf_counter() - started)
            self.owner.log(f"{self.command} {status} {len(body)} bytes {ms:.0f} ms")

    def _fail(self, status: int, message: str) -> None:
        """An error answer after which the connection is closed (its body is unread)."""
        status, ctype, body = text_answer(status, message)
        self._send(status, ctype, body, close=True)

    def _send(
        self,
        status: int,
        ctype: str,
        body: bytes,
        close: bool = False,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if close:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
