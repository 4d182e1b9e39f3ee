"""Roster loaders: CSV, XLSX and YAML tables of areas, party units, people, alliances,
memberships, working groups and 包保 assignments, turned into triples by the declarative
mappings of ``loaders/mappings/*.yaml``. Every row lands in the graph or is rejected with
its file, row, column and reason; :class:`RollupLinker` compares roster counts with the
statistics the reports give.

``--roster PATH`` is a folder (with a ``roster.yaml`` manifest listing its files and their
tables, or with files named after their table: ``units.csv``, ``areas.xlsx`` …) or one file.
Each file is a ``gk:SourceDocument`` with its own named graph; each row is a ``gk:RosterRow``
(``gkd:row/{docId}/{rowNumber}``) that the resources it describes are derived from.

The modules, in the order a load runs them (as followthemoney's ``mapping`` splits sources,
records, entity and property mappings):

- ``rows``: the named row types (:class:`Row`, :class:`Cells`) and the records of a load
- ``sources``: which files a ``--roster`` argument names, and their tables
- ``reading``: CSV, XLSX and YAML files → rows of column values
- ``state``: :class:`RosterLoad`, the rows of one load per table, accepted and rejected
- ``checks``: the checks each row passes, or the reason it is rejected
- ``emit``: the triples of every accepted row, compiled from the mapping
- ``rollup``: roster counts beside the reported statistics
- ``load``: :func:`load_rosters`, the phases in order
"""

from __future__ import annotations

from govkg.loaders.roster.checks import normalize_date
from govkg.loaders.roster.emit import fast_iri
from govkg.loaders.roster.load import load_rosters
from govkg.loaders.roster.reading import read_rows
from govkg.loaders.roster.rollup import RollupLinker, agrees
from govkg.loaders.roster.rows import (
    LOADER,
    MANIFEST,
    SUFFIXES,
    Cells,
    FileRejected,
    RosterError,
    RosterFile,
    RosterGraph,
    RosterSummary,
    Row,
)
from govkg.loaders.roster.sources import discover
from govkg.loaders.roster.state import RosterLoad

__all__ = [
    "LOADER",
    "MANIFEST",
    "SUFFIXES",
    "Cells",
    "FileRejected",
    "RollupLinker",
    "RosterError",
    "RosterFile",
    "RosterGraph",
    "RosterLoad",
    "RosterSummary",
    "Row",
    "agrees",
    "discover",
    "fast_iri",
    "load_rosters",
    "normalize_date",
    "read_rows",
]
