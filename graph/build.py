"""The build pipeline: run every loader and linker, validate, and write the output folder
atomically (a failed build leaves the previous output untouched)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from govkg.loaders.base import A, GraphWriter, LoadReport, Rejection
from govkg.loaders.corpus import CorpusDocument, SourceDocumentLoader, read_corpus
from govkg.ontology import ONTOLOGY_IRI, PREFIXES, ontology_triples

ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)


class BuildError(Exception):
    """The build cannot go on; the message names the input at fault."""


@dataclass
class Dataset:
    """The named graphs of one build, keyed by graph IRI."""

    graphs: dict[ox.NamedNode, GraphWriter] = field(default_factory=dict)

    def graph(self, name: ox.NamedNode) -> GraphWriter:
        if name not in self.graphs:
            self.graphs[name] = GraphWriter(name)
        return self.graphs[name]

    def quads(self) -> Iterable[ox.Quad]:
        for name, g in self.graphs.items():
            for t in g:
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    def sorted_quads(self) -> list[ox.Quad]:
        return sorted(self.quads(), key=_quad_key)

    def union(self) -> list[ox.Triple]:
        triples: set[ox.Triple] = set()
        for g in self.graphs.values():
            triples.update(g.triples)
        return sorted(triples, key=_triple_key)

    def instances(self, cls: ox.NamedNode) -> set[ox.NamedNode | ox.BlankNode]:
        out: set[ox.NamedNode | ox.BlankNode] = set()
        for g in self.graphs.values():
            out.update(t.subject for t in g if t.predicate == A and t.object == cls)
        return out


def _triple_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def _quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


@dataclass
class BuildContext:
    """What loaders and linkers may read while the dataset is being assembled."""

    documents: list[CorpusDocument]
    dataset: Dataset
    reports: list[LoadReport]
    roster_paths: list[Path]


class Linker(Protocol):
    """A step that runs after every loader and may relate resources across sources."""

    name: str

    def link(self, ctx: BuildContext) -> LoadReport: ...


Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    corpus_dir: Path | None
    out_dir: Path
    rosters: list[Path] = field(default_factory=list)
    allow_rejects: bool = False
    validate: bool = True


@dataclass
class BuildResult:
    out_dir: Path
    report: dict[str, Any]
    written: bool
    rejections: list[Rejection]

    @property
    def ok(self) -> bool:
        return self.written and self.report.get("validation", {}).get("conforms", True)


def _document_loaders() -> list[Any]:
    from govkg.loaders.text import TextLoader

    return [SourceDocumentLoader(), TextLoader()]


def _linkers() -> list[Linker]:
    from govkg.loaders.roster import RollupLinker
    from govkg.loaders.text import ConflictLinker

    linkers: list[Linker] = [ConflictLinker(), RollupLinker()]
    return linkers


def _roster_step(ctx: BuildContext, progress: Progress) -> None:
    if not ctx.roster_paths:
        return
    from govkg.loaders.roster import load_rosters

    for name, graph, report in load_rosters(ctx.roster_paths):
        progress(f"roster {report.source}")
        ctx.dataset.graphs.setdefault(name, graph)
        if ctx.dataset.graphs[name] is not graph:
            ctx.dataset.graphs[name].triples.update(graph.triples)
        ctx.reports.append(report)


def assemble(
    documents: list[CorpusDocument],
    rosters: list[Path] | None = None,
    progress: Progress | None = None,
) -> tuple[Dataset, list[LoadReport]]:
    """Run the ontology, document loaders, roster loaders and linkers into one dataset."""
    say = progress or (lambda _msg: None)
    dataset = Dataset()
    onto = dataset.graph(ONTOLOGY_GRAPH)
    onto.triples.update(ontology_triples())
    reports: list[LoadReport] = []
    loaders = _document_loaders()
    for doc in documents:
        say(f"document {doc.doc_id}")
        graph = dataset.graph(doc.iri)
        for loader in loaders:
            reports.append(loader.load(doc, graph))
    ctx = BuildContext(documents, dataset, reports, list(rosters or []))
    _roster_step(ctx, say)
    for linker in _linkers():
        say(f"linking: {linker.name}")
        reports.append(linker.link(ctx))
    return dataset, reports


def entity_counts(dataset: Dataset) -> dict[str, int]:
    """Instances per class (local name), over the non-ontology graphs."""
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for name, g in dataset.graphs.items():
        if name == ONTOLOGY_GRAPH:
            continue
        for t in g:
            if t.predicate == A and isinstance(t.object, ox.NamedNode):
                key = (str(t.subject), t.object.value)
                if key not in seen:
                    seen.add(key)
                    local = t.object.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                    counts[local] += 1
    return dict(sorted(counts.items()))


def write_output(
    dataset: Dataset, report: dict[str, Any], target: Path, with_store: bool = True
) -> None:
    """Write govkg.trig, govkg.ttl, store/ and report.json into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "govkg.trig").write_bytes(serialize(dataset.sorted_quads(), ox.RdfFormat.TRIG))
    (target / "govkg.ttl").write_bytes(serialize(dataset.union(), ox.RdfFormat.TURTLE))
    if with_store:
        store = ox.Store(str(target / "store"))
        store.bulk_load(path=str(target / "govkg.trig"), format=ox.RdfFormat.TRIG)
        store.optimize()
        store.flush()
        del store
    write_report(report, target)


def serialize(items: list[ox.Quad] | list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Serialize sorted statements with a prefix header in a fixed order."""
    body = ox.serialize(items, format=fmt, prefixes=PREFIXES) or b""
    lines = body.split(b"\n")
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    header = "".join(f"@prefix {p}: <{i}> .\n" for p, i in sorted(PREFIXES.items()))
    return header.encode() + b"\n" + b"\n".join(lines[start:])


def write_report(report: dict[str, Any], target: Path) -> None:
    text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (target / "report.json").write_text(text, encoding="utf-8")


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp`` with renames only, so readers never see half a build."""
    if out_dir.exists():
        old = out_dir.with_name(out_dir.name + ".old-" + str(os.getpid()))
        os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out_dir)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the knowledge graph; raise :class:`BuildError` for input that stops it."""
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
    dataset, reports = assemble(documents, options.rosters, say)
    corpus_report = LoadReport("corpus", str(options.corpus_dir), read=len(documents))
    corpus_report.accepted = len(documents)
    corpus_report.read += len(corpus_rejections)
    corpus_report.rejected.extend(corpus_rejections)
    reports.insert(0, corpus_report)
    rejections = sorted(r for rep in reports for r in rep.rejected)

    report: dict[str, Any] = {
        "corpus": str(options.corpus_dir),
        "rosters": [str(p) for p in options.rosters],
        "triples": sum(1 for _ in dataset.union()),
        "graphs": {
            str(name.value): len(g)
            for name, g in sorted(dataset.graphs.items(), key=lambda kv: kv[0].value)
        },
        "entities": entity_counts(dataset),
        "loaders": [r.to_dict() for r in reports],
        "rejections": [r.__dict__ for r in rejections],
        "conflicts": [c for r in reports for c in r.details.get("conflicts", [])],
        "rollup": [c for r in reports for c in r.details.get("rollup", [])],
    }
    if rejections and not options.allow_rejects:
        return BuildResult(options.out_dir, report, written=False, rejections=rejections)

    out_dir = options.out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        say("writing TriG, Turtle and the store")
        write_output(dataset, report, tmp)
        if options.validate:
            say("validating (SHACL and span checks)")
            from govkg.graph.validate import validate_output

            result = validate_output(tmp, options.corpus_dir)
            report["validation"] = result.to_dict()
        else:
            report["validation"] = {"skipped": True}
        _after_write(tmp, dataset, report, say)
        write_report(report, tmp)
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildResult(out_dir, report, written=True, rejections=rejections)


def _after_write(tmp: Path, dataset: Dataset, report: dict[str, Any], say: Progress) -> None:
    """Steps that read the written output (views); they run before the output is swapped in."""
    from govkg.graph import views

    say("writing views")
    report["views"] = views.write_views(tmp)
