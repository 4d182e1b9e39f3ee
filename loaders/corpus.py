"""Reads a corpus folder (``corpus.yaml`` plus one UTF-8 text file per report) into
:class:`CorpusDocument` records and describes each as a ``gk:SourceDocument``."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
import yaml

from govkg.graph.ids import doc_iri, gk
from govkg.loaders.base import A, GraphWriter, LoadReport, Rejection
from govkg.ontology import DCTERMS, RDFS, XSD

CORPUS_ENV = "GOVKG_CORPUS"
MANIFEST = "corpus.yaml"


class CorpusError(Exception):
    """The corpus as a whole cannot be read (missing folder, broken manifest)."""


@dataclass(frozen=True)
class CorpusDocument:
    """One report: its id, its text exactly as stored, and its manifest metadata."""

    doc_id: str
    path: Path
    text: str
    sha256: str
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def iri(self) -> ox.NamedNode:
        return doc_iri(self.doc_id)

    @property
    def out_of_scope(self) -> list[tuple[int, int]]:
        ranges = self.meta.get("out_of_scope") or []
        return sorted((int(a), int(b)) for a, b in ranges)

    @property
    def area(self) -> str | None:
        area = self.meta.get("area")
        return str(area) if area else None


def default_corpus_dir(cwd: Path | None = None) -> Path | None:
    """``$GOVKG_CORPUS``, else ``../shared/corpus`` when it exists."""
    env = os.environ.get(CORPUS_ENV)
    if env:
        return Path(env)
    candidate = (cwd or Path.cwd()) / ".." / "shared" / "corpus"
    return candidate.resolve() if candidate.is_dir() else None


def read_text_file(path: Path) -> str:
    """Decode a file as UTF-8 exactly as stored; raise ValueError naming the byte offset."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid UTF-8 at byte {exc.start} (is it GBK or another legacy encoding?)"
        ) from None


def read_corpus(corpus_dir: Path) -> tuple[list[CorpusDocument], list[Rejection]]:
    """Read every document the manifest lists; files it cannot read are rejections."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    manifest_path = corpus_dir / MANIFEST
    rejections: list[Rejection] = []
    entries: list[dict[str, Any]] = []
    if manifest_path.exists():
        try:
            manifest = yaml.safe_load(read_text_file(manifest_path)) or {}
        except (ValueError, yaml.YAMLError) as exc:
            raise CorpusError(f"{manifest_path}: cannot be read: {exc}") from None
        raw = manifest.get("documents") if isinstance(manifest, dict) else None
        if not isinstance(raw, list):
            raise CorpusError(f"{manifest_path}: expected a 'documents' list")
        for i, entry in enumerate(raw, 1):
            if not isinstance(entry, dict) or not entry.get("id"):
                rejections.append(
                    Rejection(str(manifest_path), f"document entry {i}", "entry has no 'id'")
                )
                continue
            entries.append(entry)
    else:
        raise CorpusError(f"{manifest_path} not found: the corpus folder needs a manifest")

    listed = {str(e["id"]) for e in entries}
    docs: list[CorpusDocument] = []
    seen: set[str] = set()
    for entry in entries:
        doc_id = str(entry["id"])
        if doc_id in seen:
            rejections.append(
                Rejection(str(manifest_path), f"document {doc_id}", "listed twice in the manifest")
            )
            continue
        seen.add(doc_id)
        path = corpus_dir / f"{doc_id}.txt"
        if not path.is_file():
            rejections.append(
                Rejection(str(path), "", f"listed in {MANIFEST} but the file is not there")
            )
            continue
        try:
            text = read_text_file(path)
        except (OSError, ValueError) as exc:
            rejections.append(Rejection(str(path), "", f"unreadable: {exc}"))
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        docs.append(CorpusDocument(doc_id, path, text, digest, dict(entry)))
    for path in sorted(corpus_dir.glob("*.txt")):
        if path.stem not in listed:
            rejections.append(
                Rejection(str(path), "", f"not listed in {MANIFEST}; add an entry for it")
            )
    docs.sort(key=lambda d: d.doc_id)
    return docs, rejections


def _date_literal(value: object) -> ox.Literal | None:
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    text = str(value).strip()
    if len(text) == 4 and text.isdigit():
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
    if len(text) == 7 and text[4] == "-":
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYearMonth"))
    if len(text) == 10:
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    return None


class SourceDocumentLoader:
    """Describes a corpus document as a ``gk:SourceDocument`` from its manifest entry."""

    name: ClassVar[str] = "source-document"

    def load(self, source: CorpusDocument, graph: GraphWriter) -> LoadReport:
        report = LoadReport(self.name, str(source.path), read=1, accepted=1)
        d = source.iri
        graph.add(d, A, gk("SourceDocument"))
        graph.lit(d, gk("docId"), source.doc_id)
        graph.lit(d, gk("fileName"), source.path.name)
        graph.lit(d, gk("sha256"), source.sha256)
        graph.lit(d, gk("charCount"), len(source.text))
        title = source.meta.get("title")
        if title:
            graph.lit(d, ox.NamedNode(DCTERMS + "title"), str(title), lang="zh")
            graph.label(d, str(title))
        else:
            graph.label(d, source.doc_id)
        if source.meta.get("publisher"):
            graph.lit(d, ox.NamedNode(DCTERMS + "publisher"), str(source.meta["publisher"]), "zh")
        date = _date_literal(source.meta.get("date")) if source.meta.get("date") else None
        if date is not None:
            graph.add(d, ox.NamedNode(DCTERMS + "date"), date)
            graph.lit(d, gk("dateApproximate"), bool(source.meta.get("approximate", False)))
        # dcterms:spatial (the place the report is about) is written by the report loader,
        # which resolves the manifest's area against the gazetteer
        if source.meta.get("note"):
            graph.lit(d, ox.NamedNode(RDFS + "comment"), str(source.meta["note"]), "en")
        return report
