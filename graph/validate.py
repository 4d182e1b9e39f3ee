"""Validation of a govkg graph: the SHACL shapes of ``ontology/shapes.ttl`` plus the checks
SHACL cannot express (a span's quote must equal the document text at its offsets).

>>> import rdflib
>>> report = validate_graph(rdflib.Graph(), texts={})
>>> report.conforms, report.violations
(True, [])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from govkg.ontology import GK, PREFIXES, XSD, ontology_triples, shapes_text

__all__ = ["ValidationReport", "Violation", "validate_graph", "validate_output"]

SPAN_TEXT_RULE = "span quote matches the document text"
SPAN_TEXT_MISSING_RULE = "document text is available for span checks"

_TEXT_SPAN = URIRef(GK + "TextSpan")
_IN_DOCUMENT = URIRef(GK + "inDocument")
_DOC_ID = URIRef(GK + "docId")
_FILE_NAME = URIRef(GK + "fileName")
_SOURCE_DOCUMENT = URIRef(GK + "SourceDocument")
_START = URIRef(GK + "start")
_END = URIRef(GK + "end")
_QUOTE = URIRef(GK + "quote")
_XSD_STRING = XSD + "string"
_RDF_LANG_STRING = str(RDF.langString)

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Longest namespace first, so that gkd: wins over a shorter prefix of the same IRI.
_NAMESPACES = sorted(
    {**PREFIXES, "sh": str(SH), "gksh": "https://w3id.org/govkg/shapes#"}.items(),
    key=lambda kv: -len(kv[1]),
)


def shorten(term: str) -> str:
    """Write an IRI with a known prefix (``gk:``, ``gkd:``, ...), else unchanged.

    >>> shorten("https://w3id.org/govkg/id/area/吉林市")
    'gkd:area/吉林市'
    """
    for prefix, ns in _NAMESPACES:
        if term.startswith(ns) and len(term) > len(ns):
            return f"{prefix}:{term[len(ns) :]}"
    return term


def _shorten_text(text: str) -> str:
    for prefix, ns in _NAMESPACES:
        text = text.replace(ns, f"{prefix}:")
    return text


@dataclass(frozen=True, order=True)
class Violation:
    """One failed rule on one node: a SHACL result or a finding of the code checks."""

    focus_node: str
    rule: str
    message: str
    severity: str = "Violation"
    value: str | None = None
    path: str | None = None

    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        return (
            _SEVERITY_ORDER.get(self.severity, 9),
            self.rule,
            self.focus_node,
            self.message,
            self.value or "",
            self.path or "",
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_graph`: conforms unless some result is a Violation."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for v in self.violations if v.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary, sorted so that equal reports give equal output."""
        ordered = sorted(self.violations, key=Violation.sort_key)
        counts = Counter(v.severity for v in ordered)
        return {
            "conforms": self.conforms,
            "counts": {
                s: counts[s] for s in sorted(counts, key=lambda s: _SEVERITY_ORDER.get(s, 9))
            },
            "violations": [v.to_dict() for v in ordered],
        }

    def render(self) -> str:
        """A plain-text report grouped by rule, nodes written with ``gk:``/``gkd:`` prefixes."""
        n_viol, n_warn = self.count("Violation"), self.count("Warning")
        head = "conforms" if self.conforms else "DOES NOT CONFORM"
        lines = [f"govkg validation: {head} ({n_viol} violation(s), {n_warn} warning(s))"]
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in sorted(self.violations, key=Violation.sort_key):
            groups[(v.severity, v.rule)].append(v)
        for (severity, rule), items in groups.items():
            lines.append("")
            lines.append(f"{severity}: {rule} ({len(items)})")
            for v in items:
                lines.append(f"  - {v.message}")
        return "\n".join(lines)


# --- ontology and shapes as rdflib graphs ------------------------------------------------


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        if datatype == _XSD_STRING:
            # rdflib writes xsd:string as a plain literal; keep them equal.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"RDF-star triple terms are not supported: {term}")


def _add_ox_triples(graph: rdflib.Graph, triples: Iterable[ox.Triple | ox.Quad]) -> None:
    graph.addN(
        (_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object), graph)
        for t in triples
    )


@cache
def _ontology_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    _add_ox_triples(graph, ontology_triples())
    return graph


@cache
def _shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_text(), format="turtle")


# --- SHACL --------------------------------------------------------------------------------


@cache
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class _PreparedQueryGraph(rdflib.Graph):
    """A graph that parses each SPARQL text once.

    pySHACL runs a SPARQL constraint once per focus node with the query as text; rdflib
    would parse it every time, which dominates validation of large graphs.
    """

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _working_graph(data: rdflib.Graph) -> rdflib.Graph:
    """A fresh graph: the union of ``data`` (all named graphs of a dataset) and the ontology."""
    graph = _PreparedQueryGraph()
    if isinstance(data, rdflib.ConjunctiveGraph):  # also rdflib.Dataset
        graph.addN((s, p, o, graph) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        graph.addN((s, p, o, graph) for s, p, o in data)
    graph.addN((s, p, o, graph) for s, p, o in _ontology_graph())
    return graph


def _types(graph: rdflib.Graph, node: Node) -> str:
    names = sorted(shorten(str(t)).removeprefix("gk:") for t in graph.objects(node, RDF.type))
    return ", ".join(names)


def _node_text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _value_text(node: Node) -> str:
    if isinstance(node, Literal):
        if node.language:
            return f'"{node}"@{node.language}'
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f'"{node}"^^{shorten(str(node.datatype))}'
        return f'"{node}"'
    return shorten(_node_text(node) or "")


def _describe(graph: rdflib.Graph, node: Node) -> str:
    types = _types(graph, node)
    name = shorten(_node_text(node) or "")
    return f"{name} ({types})" if types else name


def _detail(graph: rdflib.Graph, shapes: rdflib.Graph, result: dict[str, Node | None]) -> str:
    """What was actually found, for the constraints whose message cannot say it."""
    component = str(result["component"] or "").removeprefix(str(SH))
    focus, path, value, shape = result["focus"], result["path"], result["value"], result["shape"]
    if component in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
        if isinstance(path, URIRef) and focus is not None:
            return f"; found {len(set(graph.objects(focus, path)))}"
        return ""
    if value is None:
        return ""
    if component == "ClassConstraintComponent":
        cls = shapes.value(shape, SH["class"]) if shape is not None else None
        what = f"a {shorten(str(cls))}" if cls is not None else "of the required class"
        return f"; {_value_text(value)} is not {what}"
    if component in ("SPARQLConstraintComponent", "OrConstraintComponent"):
        return ""
    if isinstance(value, Literal) and value.datatype and component != "DatatypeConstraintComponent":
        return f"; found {value}"  # a number or date reads best bare
    return f"; found {_value_text(value)}"


def _shacl_violations(graph: rdflib.Graph) -> list[Violation]:
    shapes = _shapes_graph()
    _, results, _ = shacl_validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,  # graph is our own copy
        allow_warnings=True,
        abort_on_first=False,
    )
    assert isinstance(results, rdflib.Graph)
    violations = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        res: dict[str, Node | None] = {
            "focus": results.value(r, SH.focusNode),
            "path": results.value(r, SH.resultPath),
            "value": results.value(r, SH.value),
            "shape": results.value(r, SH.sourceShape),
            "component": results.value(r, SH.sourceConstraintComponent),
        }
        shape = res["shape"]
        name = shapes.value(shape, SH.name) if shape is not None else None
        rule = str(name) if name is not None else shorten(_node_text(shape) or "SHACL")
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        message = _shorten_text("; ".join(messages)) if messages else rule
        focus = res["focus"]
        where = _describe(graph, focus) if focus is not None else "?"
        severity = results.value(r, SH.resultSeverity)
        violations.append(
            Violation(
                focus_node=_node_text(focus) or "",
                rule=rule,
                message=f"{where}: {message}{_detail(graph, shapes, res)}",
                severity=shorten(str(severity)).removeprefix("sh:") if severity else "Violation",
                value=_node_text(res["value"]),
                path=_node_text(res["path"]) if isinstance(res["path"], URIRef) else None,
            )
        )
    return violations


# --- span text checks ---------------------------------------------------------------------


def _single(graph: rdflib.Graph, node: Node, prop: URIRef) -> Node | None:
    values = list(graph.objects(node, prop))
    return values[0] if len(values) == 1 else None


def _as_int(node: Node | None) -> int | None:
    if not isinstance(node, Literal):
        return None
    try:
        return int(str(node))
    except ValueError:
        return None


def _span_violations(graph: rdflib.Graph, texts: Mapping[str, str]) -> list[Violation]:
    """Quote == text[start:end] for spans of documents in ``texts``; one warning per other
    document. Spans whose shape is broken are left to SHACL, which already reports them."""
    found: list[Violation] = []
    unchecked: dict[tuple[str, Node], int] = defaultdict(int)
    for span in set(graph.subjects(RDF.type, _TEXT_SPAN)):
        doc = _single(graph, span, _IN_DOCUMENT)
        doc_id = _single(graph, doc, _DOC_ID) if doc is not None else None
        start, end = _as_int(_single(graph, span, _START)), _as_int(_single(graph, span, _END))
        quote = _single(graph, span, _QUOTE)
        if doc is None or doc_id is None or start is None or end is None or quote is None:
            continue
        if start < 0 or end <= start:
            continue
        text = texts.get(str(doc_id))
        if text is None:
            unchecked[(str(doc_id), doc)] += 1
            continue
        actual = text[start:end]
        if actual == str(quote):
            continue
        if end > len(text):
            problem = f"ends at {end}, beyond the end of the text ({len(text)} characters)"
        else:
            problem = f"the text at [{start}:{end}] is {actual!r} but the quote is {str(quote)!r}"
        found.append(
            Violation(
                focus_node=_node_text(span) or "",
                rule=SPAN_TEXT_RULE,
                message=f"{_describe(graph, span)}: quote does not match document {doc_id}: "
                f"{problem}",
                value=actual,
                path=str(_QUOTE),
            )
        )
    for (missing_id, doc), n in unchecked.items():
        found.append(
            Violation(
                focus_node=_node_text(doc) or "",
                rule=SPAN_TEXT_MISSING_RULE,
                message=f"{_describe(graph, doc)}: no text for document {missing_id}; "
                f"{n} span(s) not checked against it",
                severity="Warning",
            )
        )
    return found


# --- entry points ---------------------------------------------------------------------------


def validate_graph(data: rdflib.Graph, texts: Mapping[str, str] | None = None) -> ValidationReport:
    """Validate ``data`` (a graph, or a dataset taken as the union of its graphs) against the
    govkg shapes, with the ontology mixed in, and check span quotes against ``texts``
    (docId → the document text as stored). Spans of documents without a text are reported
    as warnings; warnings do not break conformance."""
    graph = _working_graph(data)
    violations = _shacl_violations(graph) + _span_violations(graph, texts or {})
    violations.sort(key=Violation.sort_key)
    conforms = not any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms, violations)


def _read_graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    # Oxigraph parses an order of magnitude faster than rdflib's Turtle parser.
    _add_ox_triples(graph, ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return graph


def _document_texts(graph: rdflib.Graph, corpus_dir: Path) -> dict[str, str]:
    """The text of every document that has spans, read from ``corpus_dir / gk:fileName``."""
    texts: dict[str, str] = {}
    for doc in set(graph.subjects(RDF.type, _SOURCE_DOCUMENT)):
        doc_id, file_name = _single(graph, doc, _DOC_ID), _single(graph, doc, _FILE_NAME)
        if doc_id is None or file_name is None or graph.value(None, _IN_DOCUMENT, doc) is None:
            continue
        path = corpus_dir / str(file_name)
        try:
            # Bytes then decode: text mode would translate line endings and shift offsets.
            texts[str(doc_id)] = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported as a warning: the spans of this document are not checked
    return texts


def validate_output(out_dir: Path, corpus_dir: Path | None = None) -> ValidationReport:
    """Validate a built output folder: ``out_dir/govkg.ttl``, with span quotes checked
    against the corpus files named by each document's ``gk:fileName`` when ``corpus_dir``
    is given."""
    path = Path(out_dir) / "govkg.ttl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: build the graph first (govkg build)")
    graph = _read_graph(path)
    texts = _document_texts(graph, Path(corpus_dir)) if corpus_dir is not None else {}
    return validate_graph(graph, texts)
