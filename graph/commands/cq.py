"""``govkg cq list`` and ``govkg cq run``: the competency questions (:mod:`govkg.graph.cq`)
answered with SPARQL or Cypher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from govkg.graph.commands.common import (
    DatabaseOpt,
    OutOpt,
    PasswordOpt,
    UriOpt,
    UserOpt,
    check_format,
    fail,
    out,
)
from govkg.graph.cq import CompetencyQuestion, get, load_all, run_cypher, run_sparql
from govkg.graph.mirror import Connection, CypherError, open_target


def register(app: typer.Typer) -> None:
    cq_app = typer.Typer(help="The competency questions shipped with the project.")
    app.add_typer(cq_app, name="cq")

    @cq_app.command("list")
    def list_command() -> None:
        """List the competency questions."""
        for cq in load_all():
            out.print(f"[bold]{cq.id}[/]  {cq.question}", highlight=False)

    @cq_app.command("run")
    def run_command(
        cq_id: Annotated[str | None, typer.Argument(help="CQ01 … CQ14")] = None,
        all_: Annotated[bool, typer.Option("--all", help="run every question")] = False,
        engine: Annotated[str, typer.Option("--engine", help="sparql or cypher")] = "sparql",
        fmt: Annotated[str, typer.Option("--format", help="json, table or csv")] = "json",
        out_dir: OutOpt = Path("out"),
        uri: UriOpt = None,
        user: UserOpt = None,
        password: PasswordOpt = None,
        database: DatabaseOpt = None,
    ) -> None:
        """Answer one question (or --all) with SPARQL or Cypher."""
        from govkg.graph.output import render
        from govkg.graph.sparql import QueryError

        check_format(fmt)
        if engine not in ("sparql", "cypher"):
            raise fail(f"unknown engine {engine!r}: use sparql or cypher", 2)
        if all_ == (cq_id is not None):
            raise fail("give one question id or --all", 2)
        try:
            questions = list(load_all()) if all_ else [get(cq_id or "")]
        except KeyError as exc:
            raise fail(str(exc.args[0]), 2) from None
        results: list[tuple[CompetencyQuestion, list[str], list[dict[str, Any]]]] = []
        try:
            if engine == "sparql":
                for cq in questions:
                    results.append((cq, *run_sparql(cq, out_dir)))
            else:
                conn = Connection.resolve(uri, user, password, database)
                with open_target(conn, out_dir) as target:
                    for cq in questions:
                        results.append((cq, *run_cypher(cq, target)))
        except (QueryError, CypherError) as exc:
            raise fail(str(exc)) from None
        if not all_:
            _, columns, rows = results[0]
            typer.echo(render(columns, rows, fmt))
        elif fmt == "json":
            typer.echo(
                json.dumps(
                    {cq.id: [{c: r[c] for c in cols} for r in rows] for cq, cols, rows in results},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for cq, columns, rows in results:
                typer.echo(f"{cq.id}: {cq.question}")
                typer.echo(render(columns, rows, fmt))
                typer.echo("")
