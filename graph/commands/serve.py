"""``govkg serve sparql`` and ``govkg serve cypher``: the SPARQL endpoint
(:mod:`govkg.graph.serve`) and the local Cypher server (:mod:`govkg.graph.falkor`) until
Ctrl-C."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from govkg.graph.commands.common import OutOpt, err, fail, out
from govkg.graph.falkor import FalkorServer, ServerError, data_dir_for, start_lock
from govkg.graph.mirror import CypherError, ensure_pushed
from govkg.graph.serve import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_TIMEOUT,
    SparqlEndpoint,
)
from govkg.graph.sparql import QueryError


def _wait_forever(tick: Callable[[], None] | None = None) -> None:
    """Sleep until Ctrl-C, SIGTERM or SIGHUP (a background job ignores SIGINT, and a server
    left behind by a terminated command would hold the data folder); call ``tick`` every
    second meanwhile."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
    try:
        while True:
            time.sleep(3600 if tick is None else 1.0)
            if tick is not None:
                tick()
    except KeyboardInterrupt:
        return


def register(app: typer.Typer) -> None:
    serve_app = typer.Typer(help="Serve the graph: a SPARQL endpoint or the local Cypher server.")
    app.add_typer(serve_app, name="serve")

    @serve_app.command("sparql")
    def serve_sparql(
        out_dir: OutOpt = Path("out"),
        port: Annotated[int, typer.Option("--port", help="port on 127.0.0.1 (0: any free)")] = 7878,
        timeout: Annotated[
            float,
            typer.Option("--timeout", min=0.1, help="seconds a query may run before it is stopped"),
        ] = DEFAULT_TIMEOUT,
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers", min=1, help="worker processes running queries (default: up to 4)"
            ),
        ] = None,
        allow_service: Annotated[
            list[str] | None,
            typer.Option(
                "--allow-service",
                help="allow SERVICE calls to this HOST or HOST:PORT (repeatable; default: "
                "SERVICE is refused)",
            ),
        ] = None,
        idle_timeout: Annotated[
            float,
            typer.Option(
                "--idle-timeout", min=0.1, help="seconds before an idle connection is closed"
            ),
        ] = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        """A SPARQL 1.1 Protocol endpoint over the store, on loopback, until Ctrl-C."""
        try:
            endpoint = SparqlEndpoint(
                out_dir,
                port,
                log=lambda line: err.print(line, highlight=False),
                timeout=timeout,
                workers=workers,
                allow_service=allow_service or (),
                idle_timeout=idle_timeout,
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
            # a `serve cypher` holding the server ends with it (it stops and reaps the
            # server); else the server is stopped here
            if not running.stop_holder():
                running.stop()
            out.print(f"stopped the Cypher server of {out_dir} (pid {pid})")
            return
        if not (out_dir / "govkg.trig").is_file():
            raise fail(f"no build at {out_dir}: run `govkg build --out {out_dir}` first")
        server = FalkorServer(data_dir_for(out_dir), port, bolt=bolt, bolt_port=bolt_port)
        try:
            # one command at a time looks for a server and starts one: two `serve cypher`
            # (or a `push`) starting together do not start two servers on the same data
            with start_lock(data_dir_for(out_dir)):
                running = FalkorServer.attach(data_dir_for(out_dir))
                if running is not None:
                    raise fail(
                        f"a Cypher server already serves {out_dir} (pid {running.pid}, "
                        f"port {running.port}); stop it first"
                    )
                server.start()
                server.hold()
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

        def keep_up() -> None:  # a server that died is restarted from its snapshot
            try:
                if server.ensure_running():
                    ensure_pushed(server, out_dir)
                    out.print(f"restarted: FalkorDB on 127.0.0.1:{server.port}", highlight=False)
            except (ServerError, CypherError) as exc:
                err.print(f"the Cypher server could not be restarted: {exc}", highlight=False)

        _wait_forever(keep_up)
        server.stop()
        out.print("stopped")
