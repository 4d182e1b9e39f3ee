"""``govkg push`` and ``govkg cypher``: the Cypher mirror (:mod:`govkg.graph.mirror`) on
the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkg.graph import cypher as cy
from govkg.graph.commands.common import (
    DatabaseOpt,
    DialectOpt,
    FormatOpt,
    OutOpt,
    PasswordOpt,
    UriOpt,
    UserOpt,
    check_format,
    err,
    fail,
    out,
    read_query_arg,
    work_progress,
)
from govkg.graph.falkor import ServerError
from govkg.graph.mirror import (
    Connection,
    CypherError,
    NativeTarget,
    forget_push,
    open_target,
    parse_params,
    push,
    record_push,
    trig_digest,
)
from govkg.graph.pg import from_output


def register(app: typer.Typer) -> None:
    @app.command("push")
    def push_command(
        out_dir: OutOpt = Path("out"),
        uri: UriOpt = None,
        user: UserOpt = None,
        password: PasswordOpt = None,
        database: DatabaseOpt = None,
        batch_size: Annotated[
            int | None, typer.Option("--batch-size", min=1, help="rows per statement")
        ] = None,
        prune: Annotated[
            bool, typer.Option("--prune", help="delete what is no longer in the RDF")
        ] = False,
        dialect: DialectOpt = "auto",
    ) -> None:
        """Mirror the built graph into Neo4j, or into the local Cypher server."""
        if dialect not in ("auto", *cy.DIALECTS):
            raise fail(f"unknown dialect {dialect!r}", 2)
        conn = Connection.resolve(uri, user, password, database, dialect)
        try:
            pg = from_output(out_dir)
            for attempt in (1, 2):
                died = False
                with (
                    work_progress("pushing") as step,
                    open_target(conn, out_dir, sync=False) as target,
                ):

                    def progress(phase: str, done: int, total: int) -> None:
                        step(phase, done, total)

                    try:
                        if isinstance(target, NativeTarget):
                            forget_push(target.server)
                        report = push(pg, target, batch_size, prune, progress)
                        if isinstance(target, NativeTarget):
                            record_push(target.server, trig_digest(out_dir))
                    except (CypherError, ServerError) as exc:
                        died = isinstance(target, NativeTarget) and not target.server.running()
                        if not died or attempt == 2:
                            raise CypherError(str(exc)) from None
                if not died:
                    break
                err.print(
                    "the local Cypher server died during the push; pushing again into a new one",
                    highlight=False,
                )
        except (CypherError, FileNotFoundError, cy.UnsafeName) as exc:
            raise fail(str(exc)) from None
        out.print(f"[bold]govkg push[/] → {report.target}", highlight=False)
        for line in report.lines():
            out.print(f"  {line}", highlight=False)
        for name in report.skipped:
            err.print(f"  skipped: {name}", highlight=False)

    @app.command("cypher")
    def cypher_command(
        query: Annotated[str, typer.Argument(help="a Cypher query, or a file holding one")],
        out_dir: OutOpt = Path("out"),
        uri: UriOpt = None,
        user: UserOpt = None,
        password: PasswordOpt = None,
        database: DatabaseOpt = None,
        fmt: FormatOpt = "table",
        param: Annotated[
            list[str] | None, typer.Option("--param", help="NAME=VALUE query parameter; repeatable")
        ] = None,
        dialect: DialectOpt = "auto",
    ) -> None:
        """Cypher over Neo4j, else over the local Cypher server (started on demand)."""
        from govkg.graph.output import render

        check_format(fmt)
        try:
            params = parse_params(param)
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        conn = Connection.resolve(uri, user, password, database, dialect)
        try:
            text = read_query(query)
            with open_target(conn, out_dir) as target:
                columns, rows = target.run(text, params)
        except (CypherError, OSError) as exc:
            raise fail(str(exc)) from None
        typer.echo(render(columns, rows, fmt))


def read_query(arg: str) -> str:
    """A query given inline, or the path of a file holding it."""
    try:
        return read_query_arg(arg)
    except OSError:  # not a file name after all (too long, odd characters)
        return arg
