"""``govkg export``: the built graph in another format (:mod:`govkg.graph.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkg.graph.commands.common import OutOpt, fail, out
from govkg.graph.export import FORMATS, export


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_command(
        dest: Annotated[Path, typer.Argument(help="file to write (a folder for neo4j-csv)")],
        fmt: Annotated[
            str, typer.Option("--format", help="nquads, jsonld, graphml or neo4j-csv")
        ] = "nquads",
        out_dir: OutOpt = Path("out"),
        keep_formulas: Annotated[
            bool,
            typer.Option(
                "--keep-formulas",
                help="neo4j-csv: write text cells that start with = + - @ as they are "
                "(default: with a leading ' so that spreadsheets do not run them)",
            ),
        ] = False,
    ) -> None:
        """Write the built graph in another format."""
        if fmt not in FORMATS:
            raise fail(f"unknown format {fmt!r}: use {', '.join(FORMATS)}", 2)
        if fmt != "neo4j-csv" and dest.is_dir():
            raise fail(f"{dest} is a folder; {fmt} is written to a file", 2)
        try:
            counts = export(fmt, out_dir, dest, keep_formulas)
        except (FileNotFoundError, ValueError) as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot write {dest}: {exc.strerror or exc}") from None
        summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
        out.print(f"wrote {dest} ({fmt}: {summary})", highlight=False)
