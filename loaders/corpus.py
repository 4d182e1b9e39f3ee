"""Reads a corpus folder (``corpus.yaml`` plus one text file per report: UTF-8, else UTF-16
with its mark or GBK/GB 18030, :mod:`govkg.loaders.encoding`) into
:class:`CorpusDocument` records and describes each as a ``gk:SourceDocument``.

``corpus.yaml`` holds ``documents:``, a list of entries with the keys in :data:`ENTRY_KEYS`
(``id`` required), and optionally ``max_document_bytes:``. Everything is checked before a
document is read, and each problem is a rejection naming ``corpus.yaml`` and the entry, or
the document (the build then exits 1 unless ``--allow-rejects``):

- ``id`` is the stem of a file inside the corpus folder (:data:`DOC_ID_PATTERN`: letters,
  digits, ``_``, ``-``, ``.``; no ``/``, no leading dot, so no ``..`` and no absolute path),
  and the resolved file must lie inside the folder (a symbolic link out of it is refused);
- a key outside :data:`ENTRY_KEYS` is an error, not a warning: a misspelt ``out_of_scope``
  would otherwise change what is extracted without a word;
- ``out_of_scope`` is a list of ``[start, end]`` character offsets, integers with
  ``0 <= start < end <=`` the document's length;
- a document over ``max_document_bytes`` (default :data:`MAX_DOCUMENT_BYTES`, 2 MiB) is
  refused, because extraction time grows faster than the size (about 10 s for 1 MB and 30 s
  for 2 MB); set ``max_document_bytes: N`` at the top of ``corpus.yaml`` to raise it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
import yaml

from govkg.loaders.base import A, GraphWriter, LoadReport, Rejection
from govkg.loaders.encoding import decode
from govkg.ontology import DCTERMS, RDFS, XSD
from govkg.ontology.errors import InputError
from govkg.ontology.ids import doc_iri, gk

CORPUS_ENV = "GOVKG_CORPUS"
MANIFEST = "corpus.yaml"
DOC_ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,199}")
ENTRY_KEYS = frozenset(
    {"id", "title", "date", "approximate", "area", "publisher", "note", "out_of_scope"}
)
MANIFEST_KEYS = frozenset({"documents", "max_document_bytes"})
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class CorpusError(InputError):
    """The corpus as a whole cannot be read (missing folder, broken manifest)."""


@dataclass(frozen=True)
class CorpusDocument:
    """One report: its id, its text exactly as stored, and its manifest metadata."""

    doc_id: str
    path: Path
    text: str
    sha256: str
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    #: What the file was read as (:mod:`govkg.loaders.encoding`): its offsets count the
    #: characters of that text.
    encoding: str = field(default="utf-8", compare=False)

    @cached_property
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


@dataclass
class Text:
    """A document's search view (normalised, :func:`govkg.loaders.zh.normalise`) with the
    map back to stored offsets: what the report loader reads."""

    doc: CorpusDocument
    norm: str
    index: list[int]

    def orig(self, start: int, end: int) -> tuple[int, int]:
        """Stored [start, end) for a normalised [start, end)."""
        return self.index[start], self.index[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        a, b = self.orig(start, end)
        return self.doc.text[a:b]

    def written(self, start: int, end: int) -> str:
        """The stored characters of a normalised [start, end), in their own script, without
        the line breaks the normalised view dropped (a line cut mid-sentence)."""
        return "".join(self.doc.text[self.index[i]] for i in range(start, end))


def default_corpus_dir(cwd: Path | None = None) -> Path | None:
    """``$GOVKG_CORPUS``, else ``../shared/corpus`` when it exists."""
    env = os.environ.get(CORPUS_ENV)
    if env:
        return Path(env)
    candidate = (cwd or Path.cwd()) / ".." / "shared" / "corpus"
    return candidate.resolve() if candidate.is_dir() else None


def read_text_file(path: Path) -> str:
    """The text of a file exactly as stored (:func:`read_text_and_encoding`)."""
    return read_text_and_encoding(path)[0]


def read_text_and_encoding(path: Path) -> tuple[str, str]:
    """``(text, encoding)`` of a file: UTF-8 exactly as stored, else UTF-16 after its mark or
    GBK/GB 18030 (:func:`govkg.loaders.encoding.decode`); raise ValueError naming the line
    and byte where it is none of them."""
    return decode(path.read_bytes())


def read_corpus(corpus_dir: Path) -> tuple[list[CorpusDocument], list[Rejection]]:
    """Read every document the manifest lists; files it cannot read are rejections."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    manifest_path = corpus_dir / MANIFEST
    rejections: list[Rejection] = []
    entries: list[dict[str, Any]] = []
    named: set[str] = set()  # every id the manifest gives, refused entries' included
    if manifest_path.exists():
        try:
            manifest = yaml.safe_load(read_text_file(manifest_path)) or {}
        except (ValueError, yaml.YAMLError) as exc:
            raise CorpusError(f"{manifest_path}: cannot be read: {exc}") from None
        raw = manifest.get("documents") if isinstance(manifest, dict) else None
        if not isinstance(raw, list):
            raise CorpusError(f"{manifest_path}: expected a 'documents' list")
        max_bytes = _max_bytes(manifest, manifest_path)
        for key in sorted(set(map(str, manifest)) - MANIFEST_KEYS):
            rejections.append(
                Rejection(str(manifest_path), "top level", _unknown_key(key, MANIFEST_KEYS))
            )
        for i, entry in enumerate(raw, 1):
            if not isinstance(entry, dict) or not entry.get("id"):
                rejections.append(
                    Rejection(str(manifest_path), f"document entry {i}", "entry has no 'id'")
                )
                continue
            named.add(str(entry["id"]))
            problems = _entry_problems(entry, corpus_dir)
            if problems:
                where = f"document entry {i} (id {str(entry['id'])!r})"
                rejections.extend(Rejection(str(manifest_path), where, p) for p in problems)
                continue
            entries.append(entry)
    else:
        raise CorpusError(f"{manifest_path} not found: the corpus folder needs a manifest")

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
        size = path.stat().st_size
        if size > max_bytes:
            rejections.append(
                Rejection(
                    str(path),
                    "",
                    f"{size:,} bytes, over the limit of {max_bytes:,} bytes for one report "
                    "(extraction time grows faster than the size); split the report, or raise "
                    f"the limit with 'max_document_bytes: N' at the top of {MANIFEST}",
                )
            )
            continue
        try:
            text, encoding = read_text_and_encoding(path)
        except (OSError, ValueError) as exc:
            rejections.append(Rejection(str(path), "", f"unreadable: {exc}"))
            continue
        bad_ranges = _range_problems(entry.get("out_of_scope"), len(text))
        if bad_ranges:
            rejections.extend(Rejection(str(path), "out_of_scope", p) for p in bad_ranges)
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        docs.append(CorpusDocument(doc_id, path, text, digest, dict(entry), encoding))
    for path in sorted(corpus_dir.glob("*.txt")):
        if path.stem not in named:
            rejections.append(
                Rejection(str(path), "", f"not listed in {MANIFEST}; add an entry for it")
            )
    docs.sort(key=lambda d: d.doc_id)
    return docs, rejections


def _unknown_key(key: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; known keys: {', '.join(sorted(known))}"


def _max_bytes(manifest: dict[str, Any], manifest_path: Path) -> int:
    value = manifest.get("max_document_bytes", MAX_DOCUMENT_BYTES)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise CorpusError(
            f"{manifest_path}: max_document_bytes must be a positive whole number of bytes, "
            f"not {value!r}"
        )
    return value


def _entry_problems(entry: dict[str, Any], corpus_dir: Path) -> list[str]:
    """What is wrong with one manifest entry before its file is read: an id that is not a
    file stem inside the corpus folder, unknown keys."""
    problems = []
    doc_id = str(entry["id"])
    if not DOC_ID_PATTERN.fullmatch(doc_id):
        problems.append(
            f"id {doc_id!r} is not the stem of a file in the corpus folder: use letters, "
            "digits, '_', '-' and '.', not starting with '.' (no '/', '..' or absolute path)"
        )
    else:
        folder = corpus_dir.resolve()
        target = (corpus_dir / f"{doc_id}.txt").resolve()
        if target.parent != folder:
            problems.append(
                f"id {doc_id!r} names a file outside the corpus folder ({target}); "
                "documents must lie in the corpus folder itself"
            )
    for key in sorted(set(map(str, entry)) - ENTRY_KEYS):
        problems.append(_unknown_key(key, ENTRY_KEYS))
    return problems


def _range_problems(ranges: object, length: int) -> list[str]:
    """What is wrong with a document's ``out_of_scope`` ranges (character offsets into a
    text of ``length`` characters)."""
    if ranges is None:
        return []
    if not isinstance(ranges, list):
        return [f"expected a list of [start, end] ranges, got {ranges!r}"]
    problems = []
    for k, pair in enumerate(ranges, 1):
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
        ):
            problems.append(f"range {k} {pair!r} is not a pair of whole numbers [start, end]")
            continue
        start, end = pair
        if start < 0 or end < 0:
            problems.append(f"range {k} [{start}, {end}] is negative")
        elif start >= end:
            problems.append(f"range {k} [{start}, {end}] is empty or reversed (start >= end)")
        elif end > length:
            problems.append(
                f"range {k} [{start}, {end}] runs past the end of the document "
                f"({length:,} characters)"
            )
    return problems


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
