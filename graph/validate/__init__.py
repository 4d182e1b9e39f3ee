"""Validation of a govkg graph: the SHACL shapes of ``ontology/shapes.ttl`` plus the checks
SHACL cannot express (a span's quote must equal the document text at its offsets).

The shapes are the rules; two engines check them with the same report. ``sparql`` (the
default) compiles every shape into SPARQL queries run by Oxigraph over the build's store,
which keeps validation to seconds at province scale; ``pyshacl`` runs pySHACL over an
rdflib copy of the graph and is kept as the reference the other is tested against. A shape
that uses a SHACL feature the compiler does not know stops validation with
:class:`ShapeError` instead of being skipped.

The modules: ``report`` (violations and the report), ``graphs`` (the data and the rules as
rdflib graphs and Oxigraph stores), ``compiler`` (shapes → SPARQL), ``sparql_engine`` and
``pyshacl_engine`` (the two engines), ``spans`` (quotes against the document text); this
module holds the entry points.

>>> import rdflib
>>> report = validate_graph(rdflib.Graph(), texts={})
>>> report.conforms, report.violations
(True, [])
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import rdflib

from govkg.graph.validate.compiler import ShapeError, compile_shapes
from govkg.graph.validate.graphs import add_ox_triples, graph_store, output_store
from govkg.graph.validate.pyshacl_engine import shacl_violations, working_graph
from govkg.graph.validate.report import (
    SPAN_TEXT_MISSING_RULE,
    SPAN_TEXT_RULE,
    ValidationReport,
    Violation,
    shorten,
)
from govkg.graph.validate.spans import document_texts, span_violations
from govkg.graph.validate.sparql_engine import sparql_violations

__all__ = [
    "ENGINES",
    "SPAN_TEXT_MISSING_RULE",
    "SPAN_TEXT_RULE",
    "ShapeError",
    "ValidationReport",
    "Violation",
    "compile_shapes",
    "shorten",
    "validate_graph",
    "validate_output",
]

Engine = TypingLiteral["sparql", "pyshacl"]
#: The validation engines, the default first.
ENGINES: tuple[Engine, ...] = ("sparql", "pyshacl")


def _report(violations: list[Violation]) -> ValidationReport:
    violations.sort(key=Violation.sort_key)
    conforms = not any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms, violations)


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; one of {', '.join(ENGINES)}")


def validate_graph(
    data: rdflib.Graph, texts: Mapping[str, str] | None = None, engine: Engine = "sparql"
) -> ValidationReport:
    """Validate ``data`` (a graph, or a dataset taken as the union of its graphs) against the
    govkg shapes, with the ontology mixed in, and check span quotes against ``texts``
    (docId → the document text as stored). Spans of documents without a text are reported
    as warnings; warnings do not break conformance."""
    _check_engine(engine)
    store = graph_store(data)
    if engine == "pyshacl":
        violations = shacl_violations(working_graph(data))
    else:
        violations = sparql_violations(store, {})
    return _report(violations + span_violations(store, texts or {}))


def _read_graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    # Oxigraph parses an order of magnitude faster than rdflib's Turtle parser.
    add_ox_triples(graph, ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return graph


def validate_output(
    out_dir: Path, corpus_dir: Path | None = None, engine: Engine = "sparql"
) -> ValidationReport:
    """Validate a built output folder: its store (else ``out_dir/govkg.ttl``), with span
    quotes checked against the corpus files named by each document's ``gk:fileName`` when
    ``corpus_dir`` is given."""
    _check_engine(engine)
    path = Path(out_dir) / "govkg.ttl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: build the graph first (govkg build)")
    store, options = output_store(Path(out_dir))
    texts = document_texts(store, Path(corpus_dir)) if corpus_dir is not None else {}
    if engine == "pyshacl":
        violations = shacl_violations(working_graph(_read_graph(path)))
    else:
        violations = sparql_violations(store, options)
    return _report(violations + span_violations(store, texts))
