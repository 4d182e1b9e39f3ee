"""The entry point: every roster file of the ``--roster`` arguments loaded into its own
named graph, the phases run in order over all of them at once."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from govkg.loaders.base import GraphWriter, LoadReport
from govkg.loaders.roster.checks import check
from govkg.loaders.roster.emit import describe_file, emit
from govkg.loaders.roster.reading import read
from govkg.loaders.roster.rollup import summarize
from govkg.loaders.roster.rows import RosterError, RosterFile
from govkg.loaders.roster.sources import open_files
from govkg.loaders.roster.state import RosterLoad
from govkg.loaders.roster_mapping import MappingError
from govkg.ontology.errors import BuildError


def load_rosters(
    paths: Sequence[Path], on_spill: Callable[[ox.NamedNode, str], None] | None = None
) -> list[tuple[ox.NamedNode, GraphWriter, LoadReport]]:
    """Load every roster file of ``paths`` (folders or files) into its own named graph.

    Validation runs across all the files at once (a unit's parent may be in another file);
    every row is either in its file's graph or a rejection in its file's report. With
    ``on_spill``, each chunk file a graph spills to disk is handed over as it is written
    (:class:`~govkg.loaders.roster.rows.RosterGraph`).
    """
    try:
        files = open_files(paths)
    except (RosterError, MappingError) as exc:
        raise BuildError(str(exc), file=exc.file, row=exc.row) from None
    for f in files:
        f.graph.on_spill = on_spill
    # Millions of row tuples would make every cyclic-GC pass walk them all; nothing here
    # builds reference cycles, so collection waits until the load is done.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _load(files)
    finally:
        if enabled:
            gc.enable()
    return [(f.graph.name, f.graph, f.report) for f in files]


def _load(files: list[RosterFile]) -> None:
    loadable = [f for f in files if f.table and f.data and not f.report.rejected]
    load = RosterLoad(loadable)
    read(load)
    check(load)
    emit(load)
    for f in files:
        if f not in loadable:
            describe_file(f)
        f.report.details.setdefault("table", f.table or None)
        f.report.details.setdefault("doc_id", f.doc_id)
        f.data = b""
    summarize(load)
    _tree_details(load, files)


def _tree_details(load: RosterLoad, files: list[RosterFile]) -> None:
    """Depth, branching and orphan checks of the unit tree, on the first units file."""
    spec = load.specs.get("units")
    units = load.accepted.get("units", {})
    target = next((f for f in files if f.table == "units"), None)
    if spec is None or not units or target is None:
        return
    from govkg.loaders.roster_graph import tree_checks, unit_tree  # networkx: only when needed

    pi, ki = spec.index["parent"], spec.index["kind"]
    tree = unit_tree((k, r.values[pi], r.values[ki]) for k, r in units.items())
    target.report.details["tree"] = tree_checks(tree)
