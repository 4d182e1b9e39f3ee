"""Named row types and the records of a roster load: a row as read from its file, a file and
what became of it, the summary the roll-up reads, and the errors of a roster that cannot
be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from govkg.loaders.base import GraphWriter, LoadReport
from govkg.ontology.errors import InputError
from govkg.ontology.ids import doc_iri

MANIFEST = "roster.yaml"
SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
LOADER = "roster"


class Cells(NamedTuple):
    """A row as a reader yields it: the cells of a line of a file, before they are put in
    the order of their table's columns."""

    number: int  # the row's number among the file's rows (1 for the first after the header)
    line: int  # the line of the file it starts on (CSV), or its row in the sheet (XLSX)
    cells: list[str]


class Row(NamedTuple):
    """A row of a roster table: where it is and its values, one per column of its table in
    the order the mapping declares them ("" where the file leaves a value out)."""

    file: int  # index of its file in the load
    number: int
    line: int
    values: tuple[str, ...]


class RosterError(InputError):
    """A roster cannot be read at all (a broken manifest, an unknown table kind)."""


class FileRejected(InputError):
    """A whole roster file cannot be read; ``location`` says where it went wrong."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(reason)
        self.location = location
        self.reason = reason


@dataclass
class RosterSummary:
    """What the roll-up needs from a loaded roster: its areas and, per measure, the area
    each counted item is attributed to."""

    areas: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    items: dict[str, list[str]] = field(default_factory=dict)
    distinct: dict[str, set[tuple[str, str]]] = field(default_factory=dict)


class RosterGraph(GraphWriter):
    """The named graph of one roster file; it carries the roster's summary for linkers.

    Its statements are kept as N-Triples lines (``lines``: bytes, in the order added,
    duplicates included), not as term objects: a province's ten million statements take a
    third of the memory so, and the build sorts and writes the lines as they are (no
    linker reads a roster's statements; they read its summary). ``triples`` parses them
    back, for the few readers that want terms."""

    def __init__(self, name: ox.NamedNode, summary: RosterSummary) -> None:
        self.lines: list[bytes] = []
        super().__init__(name)
        self.summary = summary

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.lines.append(f"{s} {p} {o} .".encode())

    def add_triple(self, t: ox.Triple) -> None:
        self.lines.append(f"{t} .".encode())

    @property
    def triples(self) -> set[ox.Triple]:
        text = b"\n".join(self.lines) + b"\n"
        return {q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}

    @triples.setter
    def triples(self, value: set[ox.Triple]) -> None:
        self.lines = [f"{t} .".encode() for t in value]

    def __len__(self) -> int:
        return len(set(self.lines))


@dataclass
class RosterFile:
    """One file of a roster and what became of it."""

    path: Path
    table: str
    doc_id: str
    title: str
    report: LoadReport
    graph: RosterGraph
    data: bytes = b""

    @property
    def doc(self) -> ox.NamedNode:
        return doc_iri(self.doc_id)
