"""The check SHACL cannot express: a text span's quote must equal the document text at its
offsets (documents whose text is not at hand are reported as warnings)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from govkg.graph.validate.graphs import (
    DOC_ID,
    END,
    FILE_NAME,
    IN_DOCUMENT,
    QUOTE,
    SOURCE_DOCUMENT,
    START,
    TEXT_SPAN,
    rdflib_term,
)
from govkg.graph.validate.report import SPAN_TEXT_MISSING_RULE, SPAN_TEXT_RULE, Violation, node_text
from govkg.graph.validate.sparql_engine import OX_TYPE, ox_describe
from govkg.loaders.corpus import read_text_file


def _ox_single(store: ox.Store, node: Any, prop: URIRef) -> Any:
    values = {q.object for q in store.quads_for_pattern(node, ox.NamedNode(str(prop)), None, None)}
    return next(iter(values)) if len(values) == 1 else None


def _ox_int(term: Any) -> int | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return int(term.value)
    except ValueError:
        return None


def _subjects_of_type(store: ox.Store, cls: URIRef) -> Iterator[Any]:
    yield from {
        q.subject for q in store.quads_for_pattern(None, OX_TYPE, ox.NamedNode(str(cls)), None)
    }


def span_violations(store: ox.Store, texts: Mapping[str, str]) -> list[Violation]:
    """Quote == text[start:end] for spans of documents in ``texts``; one warning per other
    document. Spans whose shape is broken are left to SHACL, which already reports them."""
    found: list[Violation] = []
    unchecked: dict[tuple[str, Any], int] = defaultdict(int)
    for span in sorted(_subjects_of_type(store, TEXT_SPAN), key=str):
        doc = _ox_single(store, span, IN_DOCUMENT)
        doc_id = _ox_single(store, doc, DOC_ID) if doc is not None else None
        start, end = (
            _ox_int(_ox_single(store, span, START)),
            _ox_int(_ox_single(store, span, END)),
        )
        quote = _ox_single(store, span, QUOTE)
        if doc is None or doc_id is None or start is None or end is None or quote is None:
            continue
        if start < 0 or end <= start:
            continue
        text = texts.get(doc_id.value)
        if text is None:
            unchecked[(doc_id.value, doc)] += 1
            continue
        actual = text[start:end]
        if actual == quote.value:
            continue
        if end > len(text):
            problem = f"ends at {end}, beyond the end of the text ({len(text)} characters)"
        else:
            problem = f"the text at [{start}:{end}] is {actual!r} but the quote is {quote.value!r}"
        found.append(
            Violation(
                focus_node=node_text(rdflib_term(span)) or "",
                rule=SPAN_TEXT_RULE,
                message=f"{ox_describe(store, span)}: quote does not match document "
                f"{doc_id.value}: {problem}",
                value=actual,
                path=str(QUOTE),
            )
        )
    for (missing_id, doc), n in unchecked.items():
        found.append(
            Violation(
                focus_node=node_text(rdflib_term(doc)) or "",
                rule=SPAN_TEXT_MISSING_RULE,
                message=f"{ox_describe(store, doc)}: no text for document {missing_id}; "
                f"{n} span(s) not checked against it",
                severity="Warning",
            )
        )
    return found


def document_texts(store: ox.Store, corpus_dir: Path) -> dict[str, str]:
    """The text of every document that has spans, read from ``corpus_dir / gk:fileName``."""
    texts: dict[str, str] = {}
    in_document = ox.NamedNode(str(IN_DOCUMENT))
    for doc in _subjects_of_type(store, SOURCE_DOCUMENT):
        doc_id, file_name = _ox_single(store, doc, DOC_ID), _ox_single(store, doc, FILE_NAME)
        if doc_id is None or file_name is None:
            continue
        if next(iter(store.quads_for_pattern(None, in_document, doc, None)), None) is None:
            continue
        path = corpus_dir / file_name.value
        try:
            # Bytes then decode: text mode would translate line endings and shift offsets.
            texts[doc_id.value] = read_text_file(path)  # as the loader read it
        except (OSError, ValueError):
            continue  # reported as a warning: the spans of this document are not checked
    return texts
