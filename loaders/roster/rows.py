"""Named row types and the records of a roster load: a row as read from its file, a file and
what became of it, the summary the roll-up reads, and the errors of a roster that cannot
be read."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
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


#: Statements the roster graphs of a load hold in memory, together, before they are sorted
#: and written to chunk files on disk ("spilled"); the environment variable
#: ``GOVKG_SPILL_LINES`` sets another number. A spilled graph is merged back from its
#: chunk files as the build writes it, so that what a roster's statements take in memory is
#: bounded by this setting (about twice it at most) and not by the roster's size.
SPILL_LINES = 1_000_000


def spill_lines() -> int:
    """The spill setting in force: ``GOVKG_SPILL_LINES`` or :data:`SPILL_LINES`."""
    value = os.environ.get("GOVKG_SPILL_LINES", "").strip()
    return max(int(value), 1) if value else SPILL_LINES


def spill_dir() -> str:
    """Where chunk files go: ``GOVKG_SPILL_DIR``, else the system's temporary folder."""
    return os.environ.get("GOVKG_SPILL_DIR") or tempfile.gettempdir()


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)
    paths.clear()


class RosterGraph(GraphWriter):
    """The named graph of one roster file; it carries the roster's summary for linkers.

    Its statements are kept as N-Triples lines (``lines``: bytes, in the order added,
    duplicates included), not as term objects: a province's ten million statements take a
    third of the memory so, and the build sorts and writes the lines as they are (no
    linker reads a roster's statements; they read its summary). ``triples`` parses them
    back, for the few readers that want terms.

    Past :func:`spill_lines` lines the graph is spilled: its lines are sorted,
    de-duplicated and written to a chunk file (``chunks``: their paths, each file one
    statement a line, sorted), and ``lines`` holds only what came after. The chunk files
    are removed with the graph (or by :meth:`release`). ``on_spill``, where set, is called
    with the graph's name and each chunk file's path as soon as the file is written: what a
    chunk holds is final (a set of the graph's statements), so a store can load it while the
    roster is still being read."""

    def __init__(self, name: ox.NamedNode, summary: RosterSummary) -> None:
        self.lines: list[bytes] = []
        self.chunks: list[str] = []
        #: a file that already holds all the graph's statements, sorted and distinct (a
        #: previous build's, kept for reuse): read, never written or removed by the graph
        self.kept: str | None = None
        self.kept_count = 0  # its statements
        self.kept_digest: str | None = None  # the store's hash of them (StoreLoader)
        self.spill_at = spill_lines()
        self.on_spill: Callable[[ox.NamedNode, str], None] | None = None
        weakref.finalize(self, _remove_files, self.chunks)
        super().__init__(name)
        self.summary = summary

    def __getstate__(self) -> dict[str, object]:
        """What a pickled graph keeps: all but the hook (it belongs to the load that ran)."""
        return {**self.__dict__, "on_spill": None}

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        lines = self.lines
        lines.append(f"{s} {p} {o} .".encode())
        if len(lines) >= self.spill_at:
            self.spill()

    def add_triple(self, t: ox.Triple) -> None:
        lines = self.lines
        lines.append(f"{t} .".encode())
        if len(lines) >= self.spill_at:
            self.spill()

    def spill(self) -> None:
        """Write the lines held in memory, sorted and de-duplicated, to a new chunk file."""
        lines, self.lines = self.lines, []
        if not lines:
            return
        lines.sort()
        fd, path = tempfile.mkstemp(prefix="govkg-spill-", suffix=".nt", dir=spill_dir())
        self.chunks.append(path)
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            out.writelines(line + b"\n" for line, _ in itertools.groupby(lines))
        if self.on_spill is not None:
            self.on_spill(self.name, path)

    def merged(self) -> Iterator[bytes]:
        """The graph's distinct statements, sorted, each line ending with a newline: the
        chunk files merged (the lines still in memory spilled first), or the kept file."""
        if self.kept is not None:
            with open(self.kept, "rb", buffering=1 << 18) as fh:
                yield from fh
            return
        self.spill()
        files = [open(path, "rb", buffering=1 << 18) for path in self.chunks]  # noqa: SIM115
        try:
            for line, _ in itertools.groupby(heapq.merge(*files)):
                yield line
        finally:
            for fh in files:
                fh.close()

    def all_lines(self) -> list[bytes]:
        """Every distinct statement, sorted (the spilled ones read back)."""
        if not self.chunks and self.kept is None:
            return [line for line, _ in itertools.groupby(sorted(self.lines))]
        return [line[:-1] for line in self.merged()]

    def release(self) -> None:
        """Remove the chunk files (the statements in them are gone)."""
        _remove_files(self.chunks)

    def absorb(self, other: RosterGraph) -> None:
        """Take ``other``'s statements, its chunk files included, into this graph."""
        for graph in (self, other):
            if graph.kept is not None:  # a kept file is read, never taken over
                graph.lines.extend(line[:-1] for line in graph.merged())
                graph.kept = None
        self.lines.extend(other.lines)
        other.lines = []
        self.chunks.extend(other.chunks)
        other.chunks.clear()  # now this graph's to remove

    @property
    def triples(self) -> set[ox.Triple]:
        text = b"\n".join(self.all_lines()) + b"\n"
        return {q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}

    @triples.setter
    def triples(self, value: set[ox.Triple]) -> None:
        self.release()
        self.lines = [f"{t} .".encode() for t in value]

    def __len__(self) -> int:
        if self.chunks or self.kept is not None:
            return len(self.all_lines())
        return len(set(self.lines))


def settle(graphs: Iterable[RosterGraph]) -> None:
    """Spill every graph's lines where the graphs hold more than the setting together, so
    that the lines a load holds in memory stay bounded however many graphs it has."""
    graphs = list(graphs)
    if graphs and sum(len(g.lines) for g in graphs) > min(g.spill_at for g in graphs):
        for g in graphs:
            g.spill()


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
