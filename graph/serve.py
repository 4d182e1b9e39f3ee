"""``govkg serve sparql``: a read-only SPARQL 1.1 Protocol endpoint over a build's store, on
loopback; ``govkg serve cypher``: the local FalkorDB server with the build pushed into it,
until Ctrl-C.

The endpoint answers ``GET /sparql?query=…`` and ``POST /sparql`` with the query as
``application/sparql-query`` or as the ``query`` field of a form, over the union of all
graphs (or the graphs ``default-graph-uri`` / ``named-graph-uri`` name). Results come as
SPARQL JSON, XML, CSV or TSV by ``Accept`` header (JSON by default); CONSTRUCT and DESCRIBE
as Turtle or N-Triples. Updates are refused.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import typer

from govkg.graph.mirror import OutOpt
from govkg.graph.sparql import QueryError, open_store, prefix_header

PATH = "/sparql"
MAX_BODY = 1 << 20  # a query, not a dataset

_RESULT_TYPES = [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
_GRAPH_TYPES = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
]


def _accepted(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, ties kept in order)."""
    if not accept:
        return []
    ranked = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0] and q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(ranked)]


def negotiate(accept: str | None, offers: list[tuple[str, Any]]) -> tuple[str, Any] | None:
    """The first offer the client accepts (``*/*`` and ``type/*`` included); the default
    offer when there is no Accept header; None when nothing offered is acceptable."""
    wanted = _accepted(accept)
    if not wanted:
        return offers[0]
    for media in wanted:
        for offer in offers:
            if media in (offer[0], "*/*") or (
                media.endswith("/*") and offer[0].startswith(media[:-1])
            ):
                return offer
    return None


class SparqlEndpoint:
    """A threaded HTTP server answering SPARQL queries over one build's store."""

    def __init__(
        self,
        out_dir: Path,
        port: int = 0,
        host: str = "127.0.0.1",
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.store = open_store(out_dir)
        self.log = log
        endpoint = self

        class Handler(_Handler):
            owner = endpoint

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
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
        if self.thread is not None:
            self.thread.join(timeout=10)

    def __enter__(self) -> SparqlEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(
        self, query: str, default_graphs: list[str], named_graphs: list[str], accept: str | None
    ) -> tuple[int, str, bytes]:
        """(status, content type, body) for one query."""
        text = query if "PREFIX" in query.upper() else prefix_header() + query
        kwargs: dict[str, Any] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(text, **kwargs)
        except SyntaxError as exc:
            return _text(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            return _text(HTTPStatus.BAD_REQUEST, f"SPARQL query failed: {exc}")
        graph_result = isinstance(result, ox.QueryTriples)
        offers = _GRAPH_TYPES if graph_result else _RESULT_TYPES
        chosen = negotiate(accept, offers)
        if chosen is None:
            kinds = ", ".join(m for m, _ in offers)
            return _text(HTTPStatus.NOT_ACCEPTABLE, f"acceptable result types: {kinds}")
        media, fmt = chosen
        body = result.serialize(format=fmt) or b""
        charset = "; charset=utf-8" if media.startswith(("text/", "application/")) else ""
        return HTTPStatus.OK, media + charset, body


def _text(status: HTTPStatus, message: str) -> tuple[int, str, bytes]:
    return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")


def _one(values: dict[str, list[str]], key: str) -> str | None:
    got = values.get(key)
    return got[0] if got else None


class _Handler(BaseHTTPRequestHandler):
    owner: SparqlEndpoint
    server_version = "govkg-sparql"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: `govkg serve sparql` prints its own line per request

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path not in (PATH, PATH + "/"):
            self._send(*_text(HTTPStatus.NOT_FOUND, f"the endpoint is {PATH}"))
            return
        params = parse_qs(parts.query, keep_blank_values=True)
        if "update" in params:
            self._send(*_text(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only"))
            return
        query = _one(params, "query")
        if not query:
            self._send(*_text(HTTPStatus.OK, f"SPARQL endpoint: GET {PATH}?query=… or POST"))
            return
        self._query(query, params)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if parts.path not in (PATH, PATH + "/"):
            self._send(*_text(HTTPStatus.NOT_FOUND, f"the endpoint is {PATH}"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(*_text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too long"))
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(parts.query, keep_blank_values=True)
        if ctype == "application/sparql-query":
            self._query(body, params)
        elif ctype == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                self._send(*_text(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only"))
                return
            query = _one(form, "query")
            if not query:
                self._send(*_text(HTTPStatus.BAD_REQUEST, "the form has no 'query' field"))
                return
            self._query(query, {**params, **form})
        elif ctype == "application/sparql-update":
            self._send(*_text(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only"))
        else:
            self._send(
                *_text(
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
        )
        self._send(status, ctype, body)
        if self.owner.log is not None:
            ms = 1000 * (time.perf_counter() - started)
            self.owner.log(f"{self.command} {status} {len(body)} bytes {ms:.0f} ms")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _wait_forever() -> None:
    """Sleep until Ctrl-C, SIGTERM or SIGHUP (a background job ignores SIGINT, and a server
    left behind by a terminated command would hold the data folder)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return


def register(app: typer.Typer) -> None:
    from govkg.graph.cli import err, fail, out
    from govkg.graph.falkor import FalkorServer, ServerError, data_dir_for
    from govkg.graph.mirror import CypherError, ensure_pushed

    serve_app = typer.Typer(help="Serve the graph: a SPARQL endpoint or the local Cypher server.")
    app.add_typer(serve_app, name="serve")

    @serve_app.command("sparql")
    def serve_sparql(
        out_dir: OutOpt = Path("out"),
        port: Annotated[int, typer.Option("--port", help="port on 127.0.0.1 (0: any free)")] = 7878,
    ) -> None:
        """A SPARQL 1.1 Protocol endpoint over the store, on loopback, until Ctrl-C."""
        try:
            endpoint = SparqlEndpoint(
                out_dir, port, log=lambda line: err.print(line, highlight=False)
            )
        except QueryError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        out.print(f"SPARQL endpoint on [bold]{endpoint.url}[/] (Ctrl-C stops it)", highlight=False)
        endpoint.start()
        _wait_forever()
        endpoint.stop()
        out.print("stopped")

    @serve_app.command("cypher")
    def serve_cypher(
        out_dir: OutOpt = Path("out"),
        port: Annotated[
            int | None, typer.Option("--port", help="Redis port on 127.0.0.1 (default: any free)")
        ] = None,
        bolt: Annotated[
            bool,
            typer.Option(
                "--bolt",
                help="also open FalkorDB's Bolt port for Neo4j tools (it binds every "
                "interface and takes no password)",
            ),
        ] = False,
        bolt_port: Annotated[
            int | None, typer.Option("--bolt-port", help="Bolt port (below 32768)")
        ] = None,
        stop: Annotated[
            bool, typer.Option("--stop", help="stop the server left running for this build")
        ] = False,
    ) -> None:
        """The local Cypher server with the graph loaded, until Ctrl-C."""
        if stop:
            running = FalkorServer.attach(data_dir_for(out_dir))
            if running is None:
                out.print(f"no Cypher server is running for {out_dir}")
                return
            pid = running.pid
            running.stop()
            out.print(f"stopped the Cypher server of {out_dir} (pid {pid})")
            return
        if not (out_dir / "govkg.trig").is_file():
            raise fail(f"no build at {out_dir}: run `govkg build --out {out_dir}` first")
        running = FalkorServer.attach(data_dir_for(out_dir))
        if running is not None:
            raise fail(
                f"a Cypher server already serves {out_dir} (pid {running.pid}, "
                f"port {running.port}); stop it first"
            )
        server = FalkorServer(data_dir_for(out_dir), port, bolt=bolt, bolt_port=bolt_port)
        try:
            server.start()
            report = ensure_pushed(server, out_dir)
        except (ServerError, CypherError) as exc:
            server.stop()
            raise fail(str(exc)) from None
        if report is not None:
            for line in report.lines():
                out.print(f"  {line}", highlight=False)
        out.print(
            f"FalkorDB on [bold]127.0.0.1:{server.port}[/] (graph 'falkordb'; password in "
            f"{server.data_dir / 'server.json'}); `govkg cypher` uses it",
            highlight=False,
        )
        if server.bolt_port is not None:
            out.print(f"Bolt: [bold]{server.bolt_uri}[/] (no authentication)", highlight=False)
            err.print(
                "warning: FalkorDB's Bolt port listens on every interface without a password",
                highlight=False,
            )
        out.print("Ctrl-C stops it")
        _wait_forever()
        server.stop()
        out.print("stopped")
