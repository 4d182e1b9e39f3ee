"""Roster commands of the ``govkg`` command line: ``synth`` writes a synthetic roster and
``roster-check`` loads a roster on its own and reports what it would reject."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkg.graph.commands.common import err, fail, out
from govkg.loaders.roster import load_rosters
from govkg.loaders.synth import SCALES, synthesize
from govkg.ontology.errors import GovkgError


def synth(
    scale: Annotated[
        str,
        typer.Option(
            help="city (吉林市 exactly), province (~70,000 grids) or sample (a tenth of 吉林市)"
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write the roster into")],
    seed: Annotated[int, typer.Option(help="random seed; the same seed writes the same files")] = 7,
) -> None:
    """Write a synthetic roster consistent with the published aggregates."""
    if scale not in SCALES:
        raise fail(f"unknown scale {scale!r}: use city, province or sample", 2)
    manifest = synthesize(scale, seed, out_dir)
    out.print(f"[bold]govkg synth[/] {manifest['title']} → {out_dir}")
    for name, n in manifest["counts"].items():
        out.print(f"  {name:<12} {n}")


def roster_check(
    roster: Annotated[list[Path], typer.Argument(help="roster folders or files")],
) -> None:
    """Load rosters without building: rows accepted, rejections, and unit-tree checks."""
    try:
        results = load_rosters(roster)
    except GovkgError as exc:
        raise fail(str(exc)) from None
    rejected = 0
    for _name, graph, report in results:
        out.print(
            f"  {Path(report.source).name:<28} {report.details.get('table') or '?':<15} "
            f"{report.read:>8} read {report.accepted:>8} accepted {len(report.rejected):>6} "
            f"rejected {len(graph):>9} triples",
            soft_wrap=True,
        )
        tree = report.details.get("tree")
        if tree:
            out.print(
                f"    unit tree: {tree['units']} units, {tree['roots']} roots, depth "
                f"{tree['max_depth']}, {tree['orphan_count']} orphans"
            )
        for rej in report.rejected:
            err.print(f"  rejected: {rej}", highlight=False, soft_wrap=True)
        rejected += len(report.rejected)
    if rejected:
        raise fail(f"{rejected} roster row(s) or file(s) rejected")


def register(app: typer.Typer) -> None:
    """Add ``synth`` and ``roster-check`` to the command line."""
    app.command("synth")(synth)
    app.command("roster-check")(roster_check)
