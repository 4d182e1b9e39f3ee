"""``govkg docs``: the ontology documentation (:mod:`govkg.graph.docs`) into OUT/docs/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkg.graph.docs import write_docs


def register(app: typer.Typer) -> None:
    """Add ``govkg docs`` to the command line."""

    @app.command("docs")
    def docs_command(
        out_dir: Annotated[
            Path, typer.Option("--out", help="output folder; the pages go to OUT/docs/")
        ] = Path("out"),
    ) -> None:
        """Write the ontology documentation (HTML) into OUT/docs/."""
        index = write_docs(out_dir)
        typer.echo(f"wrote {index}")
