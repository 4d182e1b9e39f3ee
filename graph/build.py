"""The build pipeline: run every loader and linker, validate, and write the output folder
atomically (a failed build leaves the previous output untouched)."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import hashlib
import heapq
import io
import itertools
import json
import os
import queue
import shutil
import tempfile
import threading
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from govkg.graph.incremental import (
    DocumentCache,
    RosterCache,
    TextCache,
    previous_store,
    write_graph_hashes,
)
from govkg.graph.swap import exchange
from govkg.loaders.base import LoadReport, Rejection
from govkg.loaders.context import BuildContext, Dataset, Linker
from govkg.loaders.corpus import CorpusDocument, SourceDocumentLoader, read_corpus
from govkg.ontology import ONTOLOGY_IRI, PREFIXES, ontology_triples
from govkg.ontology.errors import BuildError

ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)


Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    corpus_dir: Path | None
    out_dir: Path
    rosters: list[Path] = field(default_factory=list)
    allow_rejects: bool = False
    validate: bool = True
    #: reuse the graphs of reports whose inputs are unchanged since the build in out_dir
    incremental: bool = True


@dataclass
class BuildResult:
    out_dir: Path
    report: dict[str, Any]
    written: bool
    rejections: list[Rejection]
    #: ids of the reports whose graphs were reused from the previous build (incremental)
    reused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.written and self.report.get("validation", {}).get("conforms", True)


def _document_loaders() -> list[Any]:
    from govkg.loaders.text import TextLoader

    return [SourceDocumentLoader(), TextLoader()]


def _linkers() -> list[Linker]:
    from govkg.loaders.conflicts import ConflictLinker
    from govkg.loaders.gazetteer import GazetteerLinker
    from govkg.loaders.roster import RollupLinker

    # the gazetteer graph first: the other linkers read the names of the places it describes
    linkers: list[Linker] = [GazetteerLinker(), ConflictLinker(), RollupLinker()]
    return linkers


def _roster_step(
    ctx: BuildContext,
    progress: Progress,
    cache: RosterCache | None = None,
    on_spill: Callable[[ox.NamedNode, str], None] | None = None,
) -> None:
    if not ctx.roster_paths:
        return
    from govkg.loaders.roster import load_rosters

    loaded = cache.get(ctx.roster_paths) if cache is not None else None
    if loaded is not None:
        progress("rosters (unchanged)")
    else:
        progress("reading rosters")
        loaded = load_rosters(ctx.roster_paths, on_spill)
    if cache is not None:
        cache.remember(loaded)  # kept for the next build, reused or not
    for name, graph, report in loaded:
        progress(f"roster {report.source}")
        ctx.dataset.graphs.setdefault(name, graph)
        if ctx.dataset.graphs[name] is not graph:
            kept = ctx.dataset.graphs[name]
            lines = getattr(kept, "lines", None)
            if hasattr(kept, "absorb") and hasattr(graph, "absorb"):
                kept.absorb(graph)
            elif isinstance(lines, list):
                added = getattr(graph, "lines", None)
                lines.extend(
                    added if isinstance(added, list) else [f"{t} .".encode() for t in graph]
                )
            else:
                kept.triples.update(graph.triples)
        ctx.reports.append(report)


def assemble(
    documents: list[CorpusDocument],
    rosters: list[Path] | None = None,
    progress: Progress | None = None,
    cache: DocumentCache | None = None,
    roster_cache: RosterCache | None = None,
    on_spill: Callable[[ox.NamedNode, str], None] | None = None,
) -> tuple[Dataset, list[LoadReport]]:
    """Run the ontology, document loaders, roster loaders and linkers into one dataset;
    with ``cache``, a report whose inputs are unchanged gets the graph and reports its
    loaders made before, and every report's are kept in the cache; with ``roster_cache``,
    the same for the rosters as a whole; ``on_spill`` gets each chunk file a roster graph
    spills to disk while it is read (:func:`~govkg.loaders.roster.load_rosters`)."""
    say = progress or (lambda _msg: None)
    dataset = Dataset()
    onto = dataset.graph(ONTOLOGY_GRAPH)
    onto.triples.update(ontology_triples())
    reports: list[LoadReport] = []
    loaders: list[Any] | None = None
    for doc in documents:
        kept = cache.get(doc) if cache is not None else None
        if kept is not None:
            say(f"document {doc.doc_id} (unchanged)")
            dataset.graphs[doc.iri], doc_reports = kept
            reports.extend(doc_reports)
            continue
        say(f"document {doc.doc_id}")
        if loaders is None:
            loaders = _document_loaders()
        graph = dataset.graph(doc.iri)
        doc_reports = [loader.load(doc, graph) for loader in loaders]
        reports.extend(doc_reports)
        if cache is not None:
            cache.put(doc, graph, doc_reports)
    ctx = BuildContext(documents, dataset, reports, list(rosters or []))
    _roster_step(ctx, say, roster_cache, on_spill)
    for linker in _linkers():
        say(f"linking: {linker.name}")
        reports.append(linker.link(ctx))
    return dataset, reports


RDF_TYPE_NT = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "


class SortedFile:
    """A graph's distinct statements, sorted, in a file of their own (one a line): what a
    spilled roster graph is merged into, read back by each writer in turn instead of held
    in memory. The file is removed with this object."""

    #: The hash :class:`StoreLoader` computes of the graph's N-Quads, where known already
    #: (a file kept by a previous build): an unchanged graph is then not read for it.
    digest: str | None = None

    def __init__(self, lines: Iterable[bytes]) -> None:
        """Write ``lines`` (sorted, distinct, each ending with a newline)."""
        from govkg.loaders.roster.rows import spill_dir

        fd, path = tempfile.mkstemp(prefix="govkg-merged-", suffix=".nt", dir=spill_dir())
        self.path = path
        self._done = weakref.finalize(self, _unlink, path)
        count = 0
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            for line in lines:
                out.write(line)
                count += 1
        self.count = count

    @classmethod
    def kept(cls, path: str, count: int, digest: str | None) -> SortedFile:
        """The statements of a file written before (a previous build's, kept for reuse):
        read where it is, never removed."""
        self = cls.__new__(cls)
        self.path, self.count, self.digest = path, count, digest
        return self

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[bytes]:
        """The statements, without their newlines (as a list of lines holds them)."""
        return (line[:-1] for line in self.raw())

    def raw(self) -> Iterator[bytes]:
        """The statements, each ending with its newline."""
        with open(self.path, "rb", buffering=1 << 18) as fh:
            yield from fh

    def blocks(self, size: int = 1 << 26) -> Iterator[bytes]:
        """The file's text in blocks of about ``size`` bytes, each ending after a statement."""
        return _blocks(self.path, size)


def _blocks(path: str, size: int) -> Iterator[bytes]:
    """The text of the file at ``path`` (a statement a line) in blocks of about ``size``
    bytes, each ending after a statement."""
    with open(path, "rb") as fh:
        while block := fh.read(size):
            if not block.endswith(b"\n"):
                block += fh.readline()
            yield block


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


#: The statements of one graph: sorted, distinct, in memory or in a file.
Lines = list[bytes] | SortedFile


def _as_list(lines: Lines) -> list[bytes]:
    return lines if isinstance(lines, list) else list(lines)


@dataclass
class Serialized:
    """The dataset as sorted N-Triples lines per named graph (graphs sorted by IRI).

    Sorting and de-duplicating encoded lines (bytes, compared in C) instead of Python term
    objects is what keeps a province-scale build near the cost of the raw store load; every
    output (TriG, Turtle, the store) is written from these lines, so they all agree. A
    roster graph that was spilled to chunk files on disk is merged into a
    :class:`SortedFile` instead of a list, and the union of all graphs (the Turtle, the
    report's counts) is merged from the graphs as it is written, never held whole."""

    graphs: list[tuple[ox.NamedNode, Lines]]
    _stats: tuple[int, dict[str, int]] | None = None

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        consume: bool = False,
        sink: Callable[[ox.NamedNode, Lines], None] | None = None,
    ) -> Serialized:
        """Encode every graph; with ``consume``, each graph's triples are released once
        encoded, so that the objects and the lines of a large build are not held together;
        ``sink`` receives each graph's name and sorted lines as soon as they are encoded."""
        graphs: list[tuple[ox.NamedNode, Lines]] = []
        for name in sorted(dataset.graphs, key=lambda n: n.value):
            graph = dataset.graphs[name]
            encoded = getattr(graph, "lines", None)  # a graph kept as lines already (rosters)
            lines: Lines
            kept = getattr(graph, "kept", None)
            if kept is not None:  # a roster graph a previous build kept sorted on disk
                lines = SortedFile.kept(kept, graph.kept_count, graph.kept_digest)
            elif getattr(graph, "chunks", None):  # a roster graph spilled to disk
                lines = SortedFile(graph.merged())
                if consume:
                    graph.release()
            elif isinstance(encoded, list):
                if consume:
                    graph.lines = []
                    encoded.sort()
                else:
                    encoded = sorted(encoded)
                # duplicates are neighbours once sorted
                lines = [line for line, _ in itertools.groupby(encoded)]
                del encoded
            else:
                body = ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES)
                if consume:
                    graph.triples = set()
                lines = (body or b"").split(b"\n")
                del body
                lines.pop()  # the text ends with a newline
                lines.sort()
            graphs.append((name, lines))
            if sink is not None:
                sink(name, lines)
        return cls(graphs)

    def union(self) -> list[bytes]:
        """The distinct statements of all graphs, sorted (held: for a dataset held in
        memory; one with graphs in files is merged as it is written, :meth:`write_union`)."""
        merged = [line for _, lines in self.graphs for line in lines]
        merged.sort()  # a merge of sorted runs for the sort: near linear
        # equal statements are neighbours once sorted: no set or dict of them all
        return [line for line, _ in itertools.groupby(merged)]

    def stats(self) -> tuple[int, dict[str, int]]:
        """The number of distinct statements and the instances per class (local name) over
        the non-ontology graphs: counted once, by :meth:`write_union` or here."""
        if self._stats is None:
            self.write_union(None)
        assert self._stats is not None
        return self._stats

    def write_union(self, out: BinaryIO | None, cache: TextCache | None = None) -> None:
        """Write the union as Turtle to ``out`` (:func:`_write_turtle`) and count it."""
        if not any(isinstance(lines, SortedFile) for _, lines in self.graphs):
            union = self.union()
            if out is not None:
                _write_turtle(union, out, cache)
            self._stats = (len(union), self._entity_counts())
            return
        counts: dict[str, int] = {}
        total = 0

        def counted() -> Iterator[bytes]:
            nonlocal total
            for line in self._merged(counts):
                total += 1
                yield line

        merged = counted()
        if out is not None:
            # a union with a graph above the compact limit is above it too; else its first
            # COMPACT_MAX + 1 statements say whether it is (held: bounded by the limit)
            large = any(len(lines) > COMPACT_MAX for _, lines in self.graphs)
            head = [] if large else list(itertools.islice(merged, COMPACT_MAX + 1))
            if len(head) <= COMPACT_MAX and not large:
                _write_turtle(head, out, cache)
            else:  # one statement a line, streamed
                out.write(_header() + b"\n")
                if head:
                    out.write(b"\n".join(head) + b"\n")
                del head
                while block := list(itertools.islice(merged, CHUNK_LINES // 5)):
                    out.write(b"\n".join(block) + b"\n")
        for _ in merged:
            pass
        self._stats = (total, dict(sorted(counts.items())))

    def _merged(self, counts: dict[str, int]) -> Iterator[bytes]:
        """The distinct statements of all graphs, sorted, merged from the graphs as they
        are read (those in memory sorted together first); the instances per class of the
        non-ontology graphs counted into ``counts`` on the way."""
        held = [
            line
            for name, lines in self.graphs
            if name != ONTOLOGY_GRAPH and isinstance(lines, list)
            for line in lines
        ]
        held.sort()
        runs: list[Iterable[bytes]] = [[line for line, _ in itertools.groupby(held)]]
        del held
        runs += [lines for _, lines in self.graphs if isinstance(lines, SortedFile)]
        onto: set[bytes] = set()
        for name, lines in self.graphs:
            if name == ONTOLOGY_GRAPH:
                runs.append(lines)
                onto.update(lines)
        # every run is distinct: a statement of the ontology's graph that comes more than
        # once is in another graph too, and counts as an instance there
        prev: bytes | None = None
        times = 0
        for line in heapq.merge(*runs):
            if line == prev:
                times += 1
                continue
            if prev is not None:
                if RDF_TYPE_NT in prev and (times > 1 or prev not in onto):
                    _count(prev, counts)
                yield prev
            prev, times = line, 1
        if prev is not None:
            if RDF_TYPE_NT in prev and (times > 1 or prev not in onto):
                _count(prev, counts)
            yield prev

    def sizes(self) -> dict[str, int]:
        return {name.value: len(lines) for name, lines in self.graphs}

    def entity_counts(self) -> dict[str, int]:
        """Instances per class (local name), over the non-ontology graphs."""
        return self.stats()[1]

    def _entity_counts(self) -> dict[str, int]:
        seen: set[bytes] = set()
        for name, lines in self.graphs:
            if name == ONTOLOGY_GRAPH:
                continue
            seen.update(line for line in lines if RDF_TYPE_NT in line)
        counts: dict[str, int] = {}
        for line in seen:
            _count(line, counts)
        return dict(sorted(counts.items()))


def _count(line: bytes, counts: dict[str, int]) -> None:
    """Count the class of ``line``, an ``rdf:type`` statement, into ``counts``."""
    cls = line.rsplit(b" ", 2)[-2]
    if cls.startswith(b"<"):
        name = cls[1:-1].decode().rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        counts[name] = counts.get(name, 0) + 1


#: Graphs (and a union) of up to this many statements are written in the compact form
#: (prefixed names, statements grouped by subject); larger ones one whole statement per line,
#: N-Triples style, which is still TriG and Turtle: the compact writer costs several times
#: the store load at province scale, and nobody reads such a graph by scrolling.
COMPACT_MAX = 1_000_000


def _nquads(name: ox.NamedNode, lines: list[bytes]) -> bytes:
    if not lines:
        return b""
    text = b"\n".join(lines) + b"\n"
    # a line break inside a literal is escaped in N-Triples, so " .\n" only ends a statement
    return text.replace(b" .\n", f" <{name.value}> .\n".encode())


def _header() -> bytes:
    return "".join(f"@prefix {p}: <{i}> .\n" for p, i in sorted(PREFIXES.items())).encode()


def _trig(ser: Serialized, cache: TextCache | None = None) -> bytes:
    out = io.BytesIO()
    _write_trig(ser, out, cache)
    return out.getvalue()


def _write_trig(ser: Serialized, out: BinaryIO, cache: TextCache | None = None) -> None:
    cache = cache or TextCache(None)
    out.write(_header())
    for name, lines in ser.graphs:
        if not lines:
            continue
        out.write(b"\n")
        if len(lines) <= COMPACT_MAX:
            held = _as_list(lines)
            make = functools.partial(_trig_body, name, held)
            out.write(cache.text(f"trig {name.value}", held, make))
            del held
        else:
            out.write(f"<{name.value}> {{\n".encode())
            if isinstance(lines, SortedFile):
                for block in lines.blocks():
                    out.write(block)
            else:
                _write_lines(lines, out)
            out.write(b"}\n")


def _write_lines(lines: list[bytes], out: BinaryIO) -> None:
    """``lines``, each ending with a newline, written a bounded run at a time (not joined
    whole: the text of a province's graph is gigabytes)."""
    for i in range(0, len(lines), CHUNK_LINES):
        out.write(b"\n".join(lines[i : i + CHUNK_LINES]) + b"\n")


def _trig_body(name: ox.NamedNode, lines: list[bytes]) -> bytes:
    quads = ox.parse(_nquads(name, lines), format=ox.RdfFormat.N_QUADS)
    return _body(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))


def _turtle(lines: list[bytes], cache: TextCache | None = None) -> bytes:
    out = io.BytesIO()
    _write_turtle(lines, out, cache)
    return out.getvalue()


def _write_turtle(lines: list[bytes], out: BinaryIO, cache: TextCache | None = None) -> None:
    """The union as Turtle: compact, written run by run (:func:`_runs`; each run's text is
    the text the writer gives for it within the whole, as its subjects are its own), or one
    statement per line above :data:`COMPACT_MAX`."""
    out.write(_header())
    if not lines:
        return
    out.write(b"\n")
    if len(lines) > COMPACT_MAX:
        _write_lines(lines, out)
        return
    cache = cache or TextCache(None)
    for start, end in _runs(lines):
        run = lines[start:end]
        out.write(cache.text("turtle", run, functools.partial(_turtle_body, run)))


def _turtle_body(lines: list[bytes]) -> bytes:
    triples = ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_TRIPLES)
    return _body(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))


#: A run of the union ends, once it holds this many statements, before a statement whose
#: hash has the low bits of :data:`RUN_MASK` clear and that starts a new subject: runs are cut
#: by content, so that statements added or removed change only the runs they fall in.
RUN_MIN = 4_000
RUN_MASK = 0x3FF


def _runs(lines: list[bytes]) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, end)`` ranges of ``lines`` (sorted N-Triples), each starting
    with a new subject (a subject's statements stay in one run)."""
    start, n = 0, len(lines)
    i = RUN_MIN
    while i < n:
        if not zlib.crc32(lines[i]) & RUN_MASK:
            subject = lines[i][: lines[i].index(b" ")]
            if not lines[i - 1].startswith(subject + b" "):
                yield start, i
                start, i = i, i + RUN_MIN
                continue
        i += 1
    yield start, n


def _body(text: bytes | None) -> bytes:
    """Serializer output without its prefix lines (the file has one header, in fixed order)."""
    lines = (text or b"").split(b"\n")
    start = 0
    while start < len(lines) and (lines[start].startswith(b"@prefix ") or not lines[start]):
        start += 1
    return b"\n".join(lines[start:])


class StoreLoader:
    """Bulk-loads N-Quads into a new on-disk store from a second thread, graph by graph as
    they are handed over, so that the store fills while this thread encodes the next graph
    and writes the TriG and Turtle files (the bulk loader releases the interpreter lock).

    With ``base`` (the previous build's store) and ``known`` (the hash of each graph it
    holds: a hash of its N-Quads), the new store starts as a copy of ``base`` (its immutable
    files hard-linked, :func:`~govkg.graph.incremental.copy_store`) and only the graphs
    whose statements differ are replaced, and those no longer built removed: adding one
    report rewrites a few thousand statements instead of loading every roster graph again.
    The store's contents are the same either way."""

    def __init__(
        self, path: Path, base: Path | None = None, known: dict[str, str] | None = None
    ) -> None:
        # a chunk is N-Quads text, or (a str) the path of a file of a graph's N-Triples
        # lines to load and then remove (:meth:`preload`)
        self._chunks: queue.SimpleQueue[tuple[str, bytes | str] | None] = queue.SimpleQueue()
        # what is handed over and not loaded yet is bounded: a producer faster than the
        # loader waits instead of piling up a province's N-Quads in memory
        self._room = threading.BoundedSemaphore(QUEUED_CHUNKS)
        self._failure: BaseException | None = None
        self._base = base if base is not None and known is not None else None
        self._known = dict(known or {}) if self._base is not None else {}
        self.hashes: dict[str, str] = {}
        self.replaced: list[str] = []
        #: graphs whose statements were all handed over by :meth:`preload`
        self._preloaded: set[str] = set()
        self._thread = threading.Thread(
            target=self._run, args=(path,), name="govkg-store-load", daemon=True
        )
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            if self._base is not None:
                from govkg.graph.incremental import copy_store

                copy_store(self._base, path)
            store = ox.Store(str(path))
            cleared: set[str] = set()
            while (item := self._chunks.get()) is not None:
                name, chunk = item
                if isinstance(chunk, str):
                    _load_file(store, name, chunk)
                    continue
                self._room.release()
                if self._base is not None and name in self._known and name not in cleared:
                    store.remove_graph(ox.NamedNode(name))
                    cleared.add(name)
                if chunk:
                    store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
                del item, chunk
            if self._base is not None:
                for name in sorted(set(self._known) - set(self.hashes)):
                    store.remove_graph(ox.NamedNode(name))
            store.flush()
            if self._base is None:
                # Each bulk load adds its own sorted files; a lookup probes every one of
                # them, and a store opened read-only never merges them. Merged once here
                # (in this thread, while the TriG and Turtle are written), a lookup costs a
                # third to a quarter: the competency questions, validation and views all
                # read this store. (A copied store was merged when first built.)
                store.optimize()
            del store
        except BaseException as exc:
            self._failure = exc
            # let the producer finish handing over
            while (item := self._chunks.get()) is not None:
                if isinstance(item[1], str):
                    _unlink(item[1])
                else:
                    self._room.release()

    def _put(self, name: str, chunk: bytes) -> None:
        self._room.acquire()
        self._chunks.put((name, chunk))

    def preload(self, name: ox.NamedNode, path: str) -> None:
        """Load the N-Triples lines in the file at ``path`` into graph ``name`` (a roster's
        chunk file, as the roster is read: the store fills beside the reading instead of
        after it). Only for a new store; the file is linked under a name of its own, so its
        owner may remove it at once. The graph must still be handed over whole by
        :meth:`add_lines` (for its hash); its statements are not loaded a second time."""
        if self._base is not None:
            raise ValueError("a store copied from a previous build is not preloaded")
        fd, link = tempfile.mkstemp(prefix="govkg-preload-", suffix=".nt", dir=Path(path).parent)
        os.close(fd)
        os.unlink(link)
        try:
            os.link(path, link)
        except OSError:
            shutil.copyfile(path, link)
        self._preloaded.add(name.value)
        self._chunks.put((name.value, link))

    def add(self, name: ox.NamedNode, chunk: bytes) -> None:
        """Hand over the N-Quads of graph ``name`` (every graph once, empty ones too)."""
        self.add_chunks(name, [chunk])

    def add_lines(self, name: ox.NamedNode, lines: Lines) -> None:
        """Hand over graph ``name`` as its sorted N-Triples lines, encoded as N-Quads a
        bounded run at a time (a graph of millions is not copied whole at once)."""
        digest = lines.digest if isinstance(lines, SortedFile) else None
        if digest is not None and self._base is not None and self._known.get(name.value) == digest:
            self.hashes[name.value] = digest  # the store holds it already: not read again
            return
        if isinstance(lines, SortedFile):
            suffix = f" <{name.value}> .\n".encode()
            self.add_chunks(
                name, (block.replace(b" .\n", suffix) for block in lines.blocks(CHUNK_BYTES))
            )
            return
        self.add_chunks(
            name,
            (
                _nquads(name, lines[i : i + CHUNK_LINES])
                for i in range(0, max(len(lines), 1), CHUNK_LINES)
            ),
        )

    def add_chunks(self, name: ox.NamedNode, chunks: Iterable[bytes]) -> None:
        """Hand over graph ``name`` in N-Quads chunks: loaded as they come where there is
        no previous store; held until the graph's hash says whether it changed where
        there is one."""
        h = hashlib.blake2b(digest_size=16)
        held: list[bytes] = []
        loaded = name.value in self._preloaded
        for chunk in chunks:
            h.update(chunk)
            if self._base is None:
                if chunk and not loaded:
                    self._put(name.value, chunk)
            else:
                held.append(chunk)
        digest = h.hexdigest()
        self.hashes[name.value] = digest
        if self._base is None or self._known.get(name.value) == digest:
            return
        self.replaced.append(name.value)
        if name.value not in self._known:
            held = [c for c in held if c]
        while held:
            self._put(name.value, held.pop(0))

    def finish(self) -> None:
        """Wait for the last chunk to be loaded; raise what the loader raised, if anything."""
        self._chunks.put(None)
        self._thread.join()
        if self._failure is not None:
            raise self._failure


def _load_file(store: ox.Store, name: str, path: str) -> None:
    """Bulk-load the N-Triples lines of the file at ``path`` into graph ``name``, a block at
    a time; remove the file."""
    suffix = f" <{name}> .\n".encode()
    try:
        for block in _blocks(path, CHUNK_BYTES):
            # a line break inside a literal is escaped: " .\n" only ends a statement
            store.bulk_load(block.replace(b" .\n", suffix), format=ox.RdfFormat.N_QUADS)
    finally:
        _unlink(path)


#: Statements per N-Quads chunk handed to the store loader, and chunks waiting at most.
CHUNK_LINES = 500_000
#: The same for a graph read back from a file, in bytes (about as many statements).
CHUNK_BYTES = 64 << 20
QUEUED_CHUNKS = 4


def write_files(ser: Serialized, target: Path, cache: TextCache | None = None) -> None:
    """Write govkg.trig and govkg.ttl into ``target``; with ``cache``, the compact text of
    statements written the same way by the previous build is reused (and kept for the next)."""
    with (target / "govkg.trig").open("wb") as out:
        _write_trig(ser, out, cache)
    with (target / "govkg.ttl").open("wb") as out:
        ser.write_union(out, cache)


def write_report(report: dict[str, Any], target: Path) -> None:
    text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (target / "report.json").write_text(text, encoding="utf-8")


#: Folders an output keeps across rebuilds: the local Cypher server's (a running
#: ``govkg serve cypher`` works in it; the next Cypher command pushes the new build into it).
KEPT_ACROSS_BUILDS = ("cypher",)


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp`` with renames only, so readers never see half a build:
    in one step where the system can exchange two folders (a reader finds the old output or
    the new one, never none), else in two, ``out_dir`` missing for an instant (readers wait,
    see :func:`govkg.graph.sparql.open_store`)."""
    if out_dir.exists():
        kept = _carry_over(out_dir, tmp)
        try:
            swapped = exchange(tmp, out_dir)
        except OSError:
            _carry_over(tmp, out_dir, kept)
            raise
        if swapped:
            shutil.rmtree(tmp, ignore_errors=True)  # the previous output, under tmp's name
            return
        _carry_over(tmp, out_dir, kept)
        old = out_dir.with_name(out_dir.name + ".old-" + str(os.getpid()))
        os.replace(out_dir, old)
        kept = _carry_over(old, tmp)
        try:
            os.replace(tmp, out_dir)
        except OSError:
            _carry_over(tmp, old, kept)
            os.replace(old, out_dir)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out_dir)


def _carry_over(src: Path, dst: Path, names: Iterable[str] = KEPT_ACROSS_BUILDS) -> list[str]:
    """Move the kept folders from ``src`` into ``dst`` (a rename: a server working in one
    goes on working in it)."""
    moved = []
    for name in names:
        if (src / name).exists() and not (dst / name).exists():
            os.replace(src / name, dst / name)
            moved.append(name)
    return moved


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``.OUT.lock`` beside ``out_dir`` while building into it: a second build into
    the same folder fails at once with :class:`BuildError`. Holding it, the temporary
    folders of builds that were killed are removed (and an output a killed build had moved
    aside for its swap is put back)."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir.parent / f".{out_dir.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise BuildError(
                f"another build (pid {holder}) is writing {out_dir}; wait for it to end or "
                "build into another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _remove_leftovers(out_dir)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race)


def _remove_leftovers(out_dir: Path) -> None:
    olds = sorted(out_dir.parent.glob(f"{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not out_dir.exists():
        os.replace(olds.pop(), out_dir)
    for path in [*olds, *out_dir.parent.glob(f".{out_dir.name}.building-*")]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the knowledge graph; raise :class:`BuildError` for input that stops it."""
    # A province-scale build holds tens of millions of objects; every pass of the cycle
    # collector would walk them all, for cycles the build does not make (memory is freed by
    # reference counting). The collector is paused for the build and restored after it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with output_lock(options.out_dir):
            return _build(options, progress)
    finally:
        if enabled:
            gc.enable()


def _build(options: BuildOptions, progress: Progress | None) -> BuildResult:
    from govkg.loaders.corpus import CorpusError

    say = progress or (lambda _msg: None)
    if options.corpus_dir is None:
        raise BuildError(
            "no corpus folder: pass --corpus DIR or set GOVKG_CORPUS (../shared/corpus not found)"
        )
    try:
        documents, corpus_rejections = read_corpus(options.corpus_dir)
    except CorpusError as exc:
        raise BuildError(str(exc)) from None
    for path in options.rosters:
        if not path.exists():
            raise BuildError(f"roster not found: {path}")
    out_dir = options.out_dir.resolve()
    cache = DocumentCache.of_output(out_dir) if options.incremental else DocumentCache(None)
    rosters = RosterCache.of_output(out_dir) if options.incremental else RosterCache(None)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    written = False
    try:
        base, known = previous_store(out_dir) if options.incremental else (None, None)
        # the store is started first: into a new store, a roster's statements are loaded as
        # its chunk files are written, beside the reading of the rest of it
        loader = StoreLoader(tmp / "store", base, known)
        try:
            spilled = loader.preload if base is None else None
            dataset, reports = assemble(documents, options.rosters, say, cache, rosters, spilled)
            corpus_report = LoadReport("corpus", str(options.corpus_dir), read=len(documents))
            corpus_report.accepted = len(documents)
            corpus_report.read += len(corpus_rejections)
            corpus_report.rejected.extend(corpus_rejections)
            corpus_report.details["not_utf8"] = [
                {"document": d.doc_id, "encoding": d.encoding}
                for d in documents
                if d.encoding != "utf-8"
            ]
            reports.insert(0, corpus_report)
            rejections = sorted(r for rep in reports for r in rep.rejected)
            if rejections and not options.allow_rejects:
                ser = Serialized.of(dataset, consume=True)
                report = _report(options, ser, reports, rejections)
                return BuildResult(options.out_dir, report, written=False, rejections=rejections)
            say("sorting statements and loading the store")
            ser = Serialized.of(dataset, consume=True, sink=loader.add_lines)
            del dataset
            say("writing TriG and Turtle")
            texts = TextCache.of_output(out_dir) if options.incremental else TextCache(None)
            write_files(ser, tmp, texts)  # counts the union for the report on the way
            report = _report(options, ser, reports, rejections)
            cache.write(tmp)
            texts.write(tmp)
            del texts
            write_graph_hashes(tmp, loader.hashes)
            rosters.write(tmp, {name.value: lines for name, lines in ser.graphs}, loader.hashes)
            del ser
            say("loading the store")
        finally:
            loader.finish()
        if options.validate:
            say("validating (SHACL and span checks)")
            from govkg.graph.validate import validate_output

            result = validate_output(tmp, options.corpus_dir)
            report["validation"] = result.to_dict()
        else:
            report["validation"] = {"skipped": True}
        _after_write(tmp, report, say)
        write_report(report, tmp)
        _swap_into_place(tmp, out_dir)
        written = True
    finally:
        if not written:
            shutil.rmtree(tmp, ignore_errors=True)
    return BuildResult(out_dir, report, written=True, rejections=rejections, reused=cache.reused)


def _report(
    options: BuildOptions,
    ser: Serialized,
    reports: list[LoadReport],
    rejections: list[Rejection],
) -> dict[str, Any]:
    return {
        "corpus": str(options.corpus_dir),
        "rosters": [str(p) for p in options.rosters],
        "triples": ser.stats()[0],
        "graphs": ser.sizes(),
        "entities": ser.stats()[1],
        "loaders": [r.to_dict() for r in reports],
        "rejections": [r.__dict__ for r in rejections],
        "conflicts": [c for r in reports for c in r.details.get("conflicts", [])],
        "rollup": [c for r in reports for c in r.details.get("rollup", [])],
        "warnings": _warnings(reports),
    }


#: What a loader only partly understood: listed in the report, fatal only with --strict.
WARNING_KINDS = {
    "area_inferred": "statistics placed by the document's area (their sentence names no place)",
    "places_ambiguous": "place names that several divisions share, left unresolved",
    "document_area_unresolved": "manifest areas the loader cannot place: names several "
    "divisions share that the report does not tell apart (kept as a place of that name), or "
    "names of no division or known kind of place (the report's places come from its text)",
    "not_utf8": "reports read as GBK/GB 18030 or UTF-16, not UTF-8 (their offsets count "
    "the characters of that text)",
}


def _warnings(reports: list[LoadReport]) -> list[dict[str, Any]]:
    out = []
    for r in reports:
        for kind, what in WARNING_KINDS.items():
            items = r.details.get(kind) or []
            if items:
                out.append({"source": r.source, "kind": kind, "what": what, "count": len(items)})
    return out


def _after_write(tmp: Path, report: dict[str, Any], say: Progress) -> None:
    """Steps that read the written output (views); they run before the output is swapped in."""
    from govkg.graph import views

    say("writing views")
    report["views"] = views.write_views(tmp)
