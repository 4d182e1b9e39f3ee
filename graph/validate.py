"""Validation of a govkg graph: the SHACL shapes of ``ontology/shapes.ttl`` plus the checks
SHACL cannot express (a span's quote must equal the document text at its offsets).

The shapes are the rules; two engines check them with the same report. ``sparql`` (the
default) compiles every shape into SPARQL queries run by Oxigraph over the build's store,
which keeps validation to seconds at province scale; ``pyshacl`` runs pySHACL over an
rdflib copy of the graph and is kept as the reference the other is tested against. A shape
that uses a SHACL feature the compiler does not know stops validation with
:class:`ShapeError` instead of being skipped.

>>> import rdflib
>>> report = validate_graph(rdflib.Graph(), texts={})
>>> report.conforms, report.violations
(True, [])
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from govkg.ontology import GK, ONTOLOGY_IRI, PREFIXES, XSD, ontology_triples, shapes_text

__all__ = [
    "ENGINES",
    "ShapeError",
    "ValidationReport",
    "Violation",
    "compile_shapes",
    "validate_graph",
    "validate_output",
]

Engine = TypingLiteral["sparql", "pyshacl"]
#: The validation engines, the default first.
ENGINES: tuple[Engine, ...] = ("sparql", "pyshacl")

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


def _detail(
    component: str, value: Node | None, found: int | None = None, cls: str | None = None
) -> str:
    """What was actually found, for the constraints whose message cannot say it: ``found``
    is the number of values (count constraints), ``cls`` the required class."""
    if component in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
        return f"; found {found}" if found is not None else ""
    if value is None:
        return ""
    if component == "ClassConstraintComponent":
        what = f"a {shorten(cls)}" if cls is not None else "of the required class"
        return f"; {_value_text(value)} is not {what}"
    if component in ("SPARQLConstraintComponent", "OrConstraintComponent"):
        return ""
    if isinstance(value, Literal) and value.datatype and component != "DatatypeConstraintComponent":
        return f"; found {value}"  # a number or date reads best bare
    return f"; found {_value_text(value)}"


def _pyshacl_detail(graph: rdflib.Graph, shapes: rdflib.Graph, res: dict[str, Node | None]) -> str:
    component = str(res["component"] or "").removeprefix(str(SH))
    focus, path, shape = res["focus"], res["path"], res["shape"]
    found = None
    if isinstance(path, URIRef) and focus is not None:
        found = len(set(graph.objects(focus, path)))
    cls = shapes.value(shape, SH["class"]) if shape is not None else None
    return _detail(component, res["value"], found, str(cls) if cls is not None else None)


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
                message=f"{where}: {message}{_pyshacl_detail(graph, shapes, res)}",
                severity=shorten(str(severity)).removeprefix("sh:") if severity else "Violation",
                value=_node_text(res["value"]),
                path=_node_text(res["path"]) if isinstance(res["path"], URIRef) else None,
            )
        )
    return violations


# --- SHACL compiled to SPARQL ---------------------------------------------------------------


class ShapeError(ValueError):
    """A shape uses a SHACL feature that the SPARQL engine does not implement."""


_RDF_TYPE = str(RDF.type)
_XSD_NUMERIC = {
    XSD + name
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
#: Predicates of a shape that say nothing to check.
_ANNOTATIONS = {
    RDF.type,
    SH.name,
    SH.message,
    SH.description,
    SH.order,
    SH.group,
    SH.severity,
    SH.deactivated,
}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
#: Components that judge each value node alone (SPARQL test on ``v``: the value is fine).
_VALUE_COMPONENTS = {
    SH.datatype: "Datatype",
    SH["class"]: "Class",
    SH.nodeKind: "NodeKind",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive",
    SH["in"]: "In",
    SH.languageIn: "LanguageIn",
    SH.pattern: "Pattern",
}
_COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_PROPERTY_ONLY = {SH.path, SH.minCount, SH.maxCount, SH.lessThan, SH.hasValue}


@dataclass(frozen=True)
class _Check:
    """One SPARQL query for one constraint of one shape; each answer is one result.

    The query selects ``?this`` (the focus node) and, where the constraint has one,
    ``?value``; a SPARQL constraint also selects the variables its message names."""

    shape: Node
    component: str  # the SHACL constraint component's local name
    query: str
    path: str | None = None  # the result path (a property shape's sh:path)
    cls: str | None = None  # the class an sh:class constraint requires
    count: bool = False  # a count constraint: the report says how many values were found
    sparql: Node | None = None  # the sh:sparql constraint node


def _sparql_term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        lexical = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if node.language:
            return f'"{lexical}"@{node.language}'
        if node.datatype is not None:
            return f'"{lexical}"^^<{node.datatype}>'
        return f'"{lexical}"'
    raise ShapeError(f"a blank node cannot be a value in a compiled shape: {node}")


#: Up to this many focus nodes, a missing statement is looked up per node (FILTER NOT
#: EXISTS); above it, the statements are read once and anti-joined (MINUS).
FEW_FOCUS_NODES = 20_000


class _Compiler:
    """Turns the shapes graph into :class:`_Check` queries over a data graph whose class
    hierarchy (``rdfs:subClassOf``) is ``subclasses``: SHACL instances of a class include
    the instances of its subclasses. ``instances(cls)`` says how many direct instances a
    class has (at most ``FEW_FOCUS_NODES + 1``), which picks the plan of each query."""

    def __init__(
        self,
        shapes: rdflib.Graph,
        subclasses: Mapping[str, set[str]],
        instances: Callable[[str], int] | None = None,
    ) -> None:
        self.shapes = shapes
        self.subclasses = subclasses
        self.instances = instances
        self.few = False  # whether the shape being compiled has few focus nodes
        self.checks: list[_Check] = []

    def _few(self, shape: Node) -> bool:
        if self.instances is None:
            return False
        if set(self.shapes.predicates(shape, None)) & (_TARGETS - {SH.targetClass}):
            return False
        classes = {
            c for t in self.shapes.objects(shape, SH.targetClass) for c in self.closure(str(t))
        }
        return sum(self.instances(c) for c in classes) <= FEW_FOCUS_NODES

    def absent(self, pattern: str) -> str:
        """A test that keeps the solutions for which ``pattern`` has no match."""
        if self.few:
            return f"FILTER NOT EXISTS {{ {pattern} }}"
        return f"MINUS {{ {pattern} }}"

    def closure(self, cls: str) -> list[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return sorted(seen)

    def instance_of(self, var: str, cls: str) -> str:
        classes = self.closure(cls)
        if len(classes) == 1:
            return f"{var} <{_RDF_TYPE}> <{classes[0]}> ."
        values = " ".join(f"<{c}>" for c in classes)
        return f"{var} <{_RDF_TYPE}> ?_class . VALUES ?_class {{ {values} }}"

    # -- walking the shapes ------------------------------------------------------------

    def compile(self) -> list[_Check]:
        shapes = self.shapes
        roots = {s for t in _TARGETS for s in shapes.subjects(t, None)}
        for shape in sorted(roots, key=str):
            if self._deactivated(shape):
                continue
            target = self.target(shape)
            self.few = self._few(shape)
            if shapes.value(shape, SH.path) is not None:
                self.property_shape(shape, target)
            else:
                self.node_shape(shape, target)
        return self.checks

    def _deactivated(self, shape: Node) -> bool:
        flag = self.shapes.value(shape, SH.deactivated)
        return isinstance(flag, Literal) and flag.toPython() is True

    def target(self, shape: Node) -> str:
        """A group binding ``?this`` to each focus node of ``shape`` once."""
        parts = []
        for kind in sorted(_TARGETS, key=str):
            for value in sorted(self.shapes.objects(shape, kind), key=str):
                if kind == SH.targetClass:
                    parts.append(self.instance_of("?this", str(value)))
                elif kind == SH.targetSubjectsOf:
                    parts.append(f"?this {_sparql_term(value)} ?_t .")
                elif kind == SH.targetObjectsOf:
                    parts.append(f"?_t {_sparql_term(value)} ?this .")
                else:
                    parts.append(f"VALUES ?this {{ {_sparql_term(value)} }}")
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def _check_keys(self, shape: Node, allowed: set[URIRef]) -> None:
        for p in set(self.shapes.predicates(shape, None)):
            if p in _ANNOTATIONS or p in allowed or not str(p).startswith(str(SH)):
                continue
            raise ShapeError(
                f"{shorten(str(shape))}: {shorten(str(p))} is not implemented by the SPARQL "
                "validation engine"
            )

    def node_shape(self, shape: Node, target: str) -> None:
        shapes = self.shapes
        self._check_keys(shape, {*_TARGETS, SH.property, SH["or"], SH.sparql, *_VALUE_COMPONENTS})
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            if not self._deactivated(prop):
                self.property_shape(prop, target)
        for key, name in _VALUE_COMPONENTS.items():
            for arg in shapes.objects(shape, key):
                ok = self.value_ok(key, arg, "?this", shape)
                self.add(
                    shape,
                    name,
                    f"SELECT DISTINCT ?this ?value WHERE {{ {target} "
                    f"BIND (?this AS ?value) FILTER (!({ok})) }}",
                    cls=self._cls(key, arg),
                )
        for members in shapes.objects(shape, SH["or"]):
            shapes_in = list(Collection(shapes, members))
            missing = [self.missing(m) for m in shapes_in]
            if all(missing):  # each member fails where a statement is missing: anti-joins
                test = " ".join(self.absent(m) for m in missing if m)
            else:
                fails = " && ".join(f"({self.fails(m, '?this')})" for m in shapes_in)
                test = f"FILTER ({fails})"
            query = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {target} BIND (?this AS ?value) {test} }}"
            )
            self.add(shape, "Or", query)
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            self.sparql_constraint(shape, constraint, target)

    def property_shape(self, shape: Node, target: str) -> None:
        shapes = self.shapes
        self._check_keys(
            shape,
            {
                *_TARGETS,
                SH.path,
                SH.minCount,
                SH.maxCount,
                SH.lessThan,
                SH.hasValue,
                *_VALUE_COMPONENTS,
            },
        )
        path = self.path(shape)
        p = f"<{path}>"
        for n in shapes.objects(shape, SH.minCount):
            if int(n) == 1:
                query = (
                    f"SELECT DISTINCT ?this WHERE {{ {target} {self.absent(f'?this {p} ?_v')} }}"
                )
            else:
                query = (
                    f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?_v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {int(n)})"
                )
            self.add(shape, "MinCount", query, path=path, count=True)
        for n in shapes.objects(shape, SH.maxCount):
            query = (
                f"SELECT ?this WHERE {{ {target} ?this {p} ?_v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {int(n)})"
            )
            self.add(shape, "MaxCount", query, path=path, count=True)
        for value in shapes.objects(shape, SH.hasValue):
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {target} "
                f"{self.absent(f'?this {p} {_sparql_term(value)}')} }}"
            )
            self.add(shape, "HasValue", query, path=path)
        for other in shapes.objects(shape, SH.lessThan):
            query = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {p} ?value . "
                f"?this {_sparql_term(other)} ?_o . FILTER (!COALESCE(?value < ?_o, false)) }}"
            )
            self.add(shape, "LessThan", query, path=path)
        for key, name in _VALUE_COMPONENTS.items():
            for arg in shapes.objects(shape, key):
                if key == SH["class"]:  # an anti-join: no lookup per value
                    test = self.absent(self.instance_of("?value", str(arg)))
                else:
                    test = f"FILTER (!({self.value_ok(key, arg, '?value', shape)}))"
                query = (
                    f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {p} ?value . {test} }}"
                )
                self.add(shape, name, query, path=path, cls=self._cls(key, arg))

    def path(self, shape: Node) -> str:
        path = self.shapes.value(shape, SH.path)
        if not isinstance(path, URIRef):
            raise ShapeError(
                f"{shorten(str(shape))}: only a single property is supported as sh:path"
            )
        return str(path)

    @staticmethod
    def _cls(key: URIRef, arg: Node) -> str | None:
        return str(arg) if key == SH["class"] else None

    def add(self, shape: Node, component: str, query: str, **kw: Any) -> None:
        self.checks.append(_Check(shape, f"{component}ConstraintComponent", query, **kw))

    # -- SPARQL expressions ------------------------------------------------------------

    def value_ok(self, key: URIRef, arg: Node, v: str, shape: Node) -> str:
        """A SPARQL expression, true when value ``v`` satisfies the component."""
        if key == SH.datatype:
            test = f"isLiteral({v}) && DATATYPE({v}) = <{arg}>"
            if str(arg) in _XSD_NUMERIC:  # an ill-typed number ("abc"^^xsd:integer) fails
                test += f" && isNumeric({v})"
            return test
        if key == SH["class"]:
            return f"EXISTS {{ {self.instance_of(v, str(arg))} }}"
        if key == SH.nodeKind:
            if arg not in _NODE_KINDS:
                raise ShapeError(f"{shorten(str(shape))}: unknown sh:nodeKind {arg}")
            return _NODE_KINDS[arg].format(v=v)
        if key in (SH.minLength, SH.maxLength):
            op = ">=" if key == SH.minLength else "<="
            return f"!isBlank({v}) && STRLEN(STR({v})) {op} {int(arg)}"
        if key in _COMPARISONS:
            return f"COALESCE({v} {_COMPARISONS[key]} {_sparql_term(arg)}, false)"
        if key == SH["in"]:
            items = [f"sameTerm({v}, {_sparql_term(x)})" for x in Collection(self.shapes, arg)]
            return " || ".join(items) or "false"
        if key == SH.languageIn:
            tags = [f'langMatches(LANG({v}), "{x}")' for x in Collection(self.shapes, arg)]
            return f'isLiteral({v}) && LANG({v}) != "" && ({" || ".join(tags) or "false"})'
        if key == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            extra = f", {_sparql_term(Literal(str(flags)))}" if flags is not None else ""
            return f"!isBlank({v}) && REGEX(STR({v}), {_sparql_term(Literal(str(arg)))}{extra})"
        raise ShapeError(f"{shorten(str(shape))}: {shorten(str(key))} is not implemented")

    def missing(self, shape: Node) -> str | None:
        """The one pattern whose absence for ``?this`` makes ``shape`` fail, where ``shape``
        is a property shape of a single sh:minCount 1 or sh:hasValue (a MINUS pattern:
        Oxigraph evaluates it once for all focus nodes instead of once per node)."""
        keys = set(self.shapes.predicates(shape, None)) - _ANNOTATIONS
        if keys == {SH.path, SH.minCount} and int(self.shapes.value(shape, SH.minCount)) == 1:
            return f"?this <{self.path(shape)}> ?_m"
        if (
            keys == {SH.path, SH.hasValue}
            and len(set(self.shapes.objects(shape, SH.hasValue))) == 1
        ):
            value = self.shapes.value(shape, SH.hasValue)
            return f"?this <{self.path(shape)}> {_sparql_term(value)}"
        return None

    def fails(self, shape: Node, this: str) -> str:
        """A SPARQL expression, true when focus node ``this`` does not conform to ``shape``
        (a member of sh:or: a property shape or a node shape of value components)."""
        shapes = self.shapes
        self._check_keys(shape, {SH.path, SH.minCount, SH.hasValue, *_VALUE_COMPONENTS})
        tests = []
        path = shapes.value(shape, SH.path)
        if path is None:
            for key in _VALUE_COMPONENTS:
                for arg in shapes.objects(shape, key):
                    tests.append(f"!({self.value_ok(key, arg, this, shape)})")
            return " || ".join(tests) or "false"
        p = f"<{self.path(shape)}>"
        for n in shapes.objects(shape, SH.minCount):
            if int(n) != 1:
                raise ShapeError(
                    f"{shorten(str(shape))}: inside sh:or only sh:minCount 1 is supported"
                )
            tests.append(f"NOT EXISTS {{ {this} {p} ?_m }}")
        for value in shapes.objects(shape, SH.hasValue):
            tests.append(f"NOT EXISTS {{ {this} {p} {_sparql_term(value)} }}")
        for key in _VALUE_COMPONENTS:
            for arg in shapes.objects(shape, key):
                ok = self.value_ok(key, arg, "?_m", shape)
                tests.append(f"EXISTS {{ {this} {p} ?_m . FILTER (!({ok})) }}")
        return " || ".join(tests) or "false"

    def sparql_constraint(self, shape: Node, constraint: Node, target: str) -> None:
        shapes = self.shapes
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise ShapeError(f"{shorten(str(shape))}: a SPARQL constraint needs sh:select")
        text = str(select)
        for var in ("$currentShape", "$shapesGraph", "$PATH", "?currentShape", "?shapesGraph"):
            if var in text:
                raise ShapeError(f"{shorten(str(shape))}: {var} is not supported")
        _check_subqueries(shape, text)
        text = text.replace("$this", "?this")
        # the focus nodes join the query's outermost group: $this bound as SHACL pre-binds it.
        # Last in the group, so that Oxigraph joins them by hash after the query's own
        # patterns, unless an order-sensitive form (OPTIONAL, MINUS, BIND...) may see them.
        opening = text.find("{")
        closing = _matching_brace(text, opening)
        if _ORDER_SENSITIVE.search(text) or closing < 0:
            text = text[: opening + 1] + f" {target} " + text[opening + 1 :]
        else:
            text = text[:closing] + f" {target} " + text[closing:]
        prefixes = []
        for ontology in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(ontology, SH.declare):
                prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
                prefixes.append(f"PREFIX {prefix}: <{ns}>\n")
        query = "".join(sorted(set(prefixes))) + text
        self.add(shape, "SPARQL", query, sparql=constraint)


_ORDER_SENSITIVE = re.compile(r"\b(OPTIONAL|MINUS|BIND|VALUES|SERVICE|UNION)\b", re.IGNORECASE)


def _matching_brace(text: str, opening: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``opening`` (braces inside string
    literals are not expected in a shape's query), or -1."""
    depth = 0
    for i in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1


def _check_subqueries(shape: Node, text: str) -> None:
    """``$this`` joins the query's outermost group; a sub-query that uses it must select it
    (or ``*``), so that it joins there too."""
    for m in list(re.finditer(r"\bSELECT\b", text, flags=re.IGNORECASE))[1:]:
        open_at = text.find("{", m.end())
        head = text[m.end() : open_at]
        body = text[open_at : _matching_brace(text, open_at)]
        if "$this" in body and "$this" not in head and "*" not in head:
            raise ShapeError(f"{shorten(str(shape))}: a sub-query that uses $this must select it")


def _subclasses(store: ox.Store, options: Mapping[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    query = f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}> ?sup }}"
    for sol in store.query(query, **options):  # type: ignore[union-attr]
        sub, sup = sol["sub"], sol["sup"]
        if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            found[sup.value].add(sub.value)
    return found


def _instance_counter(store: ox.Store, options: Mapping[str, Any]) -> Callable[[str], int]:
    @cache
    def instances(cls: str) -> int:
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s WHERE {{ ?s <{_RDF_TYPE}> <{cls}> }} "
            f"LIMIT {FEW_FOCUS_NODES + 1} }} }}"
        )
        for sol in store.query(query, **options):  # type: ignore[union-attr]
            return int(sol["n"].value)
        return 0

    return instances


def compile_shapes(
    subclasses: Mapping[str, set[str]] | None = None,
    shapes: rdflib.Graph | None = None,
    instances: Callable[[str], int] | None = None,
) -> list[_Check]:
    """The SPARQL queries that check ``shapes`` (default: the govkg shapes) on a data graph
    with the class hierarchy ``subclasses`` (class IRI → its direct subclasses) and
    ``instances`` (class IRI → number of direct instances, for the plans); raises
    :class:`ShapeError` for a shape the compiler cannot check."""
    graph = shapes if shapes is not None else _shapes_graph()
    return _Compiler(graph, subclasses or {}, instances).compile()


def _ox_types(store: ox.Store, node: Any) -> str:
    types = {q.object.value for q in store.quads_for_pattern(node, _OX_TYPE, None, None)}
    return ", ".join(sorted(shorten(t).removeprefix("gk:") for t in types))


def _ox_describe(store: ox.Store, node: Any) -> str:
    types = _ox_types(store, node)
    name = shorten(_node_text(_rdflib_term(node)) or "")
    return f"{name} ({types})" if types else name


def _fill(message: str, bound: Mapping[str, str]) -> str:
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", lambda _m, v=val: v, message)
    return message


def _severity(shapes: rdflib.Graph, shape: Node) -> str:
    severity = shapes.value(shape, SH.severity)
    return shorten(str(severity)).removeprefix("sh:") if severity is not None else "Violation"


def _sparql_violations(store: ox.Store, options: Mapping[str, Any]) -> list[Violation]:
    """Run every compiled check on ``store`` (queried with ``options``)."""
    shapes = _shapes_graph()
    found: list[Violation] = []
    checks = compile_shapes(_subclasses(store, options), None, _instance_counter(store, options))
    for check in checks:
        name = shapes.value(check.shape, SH.name)
        rule = str(name) if name is not None else shorten(_node_text(check.shape) or "SHACL")
        templates = [str(m) for m in shapes.objects(check.shape, SH.message)]
        if check.sparql is not None:
            templates += [str(m) for m in shapes.objects(check.sparql, SH.message)]
        severity = _severity(shapes, check.shape)
        solutions = store.query(check.query, **options)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        seen: set[tuple[Any, ...]] = set()
        for sol in solutions:
            row = tuple(sol[n] for n in names)
            if row in seen:
                continue
            seen.add(row)
            bound = {n: t for n, t in zip(names, row, strict=True) if t is not None}
            focus = bound.get("this")
            if focus is None:
                continue
            value = bound.get("value")
            value_node = _rdflib_term(value) if value is not None else None
            path = bound.get("path")
            path_text = path.value if isinstance(path, ox.NamedNode) else check.path
            if check.sparql is not None:
                words = {n: _rdflib_text(t) for n, t in bound.items()}
                messages = sorted({_fill(m, words) for m in templates})
            else:
                messages = sorted(set(templates))
            message = _shorten_text("; ".join(messages)) if messages else rule
            count = None
            if check.count and check.path is not None:
                objects = store.quads_for_pattern(focus, ox.NamedNode(check.path), None, None)
                count = len({q.object for q in objects})
            detail = _detail(check.component, value_node, count, check.cls)
            found.append(
                Violation(
                    focus_node=_node_text(_rdflib_term(focus)) or "",
                    rule=rule,
                    message=f"{_ox_describe(store, focus)}: {message}{detail}",
                    severity=severity,
                    value=_node_text(value_node),
                    path=path_text,
                )
            )
    return found


def _rdflib_text(term: Any) -> str:
    """A term as pySHACL writes it into a message (``str`` of the rdflib term)."""
    return str(_rdflib_term(term))


_OX_TYPE = ox.NamedNode(_RDF_TYPE)


# --- the data as an Oxigraph store ----------------------------------------------------------


def _ox_term(node: Node, blanks: dict[str, ox.BlankNode]) -> Any:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        if str(node) not in blanks:
            try:
                blanks[str(node)] = ox.BlankNode(str(node))
            except ValueError:
                blanks[str(node)] = ox.BlankNode()
        return blanks[str(node)]
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"unsupported term {node!r}")


def _graph_store(data: rdflib.Graph) -> ox.Store:
    """An in-memory store whose default graph is ``data`` (a dataset: the union of its
    graphs) plus the ontology."""
    store = ox.Store()
    blanks: dict[str, ox.BlankNode] = {}
    triples: Iterable[tuple[Node, Node, Node]]
    if isinstance(data, rdflib.ConjunctiveGraph):  # also rdflib.Dataset
        triples = ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        triples = iter(data)
    default = ox.DefaultGraph()
    store.extend(
        ox.Quad(_ox_term(s, blanks), _ox_term(p, blanks), _ox_term(o, blanks), default)
        for s, p, o in triples
    )
    store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in ontology_triples())
    return store


def _output_store(out_dir: Path) -> tuple[ox.Store, dict[str, Any]]:
    """The store of a built output and the options that query the union of its graphs;
    where there is no store (or one without the ontology), ``govkg.ttl`` loaded into memory."""
    path = out_dir / "store"
    if path.is_dir():
        store = ox.Store.read_only(str(path))
        if store.contains_named_graph(ox.NamedNode(ONTOLOGY_IRI)):
            from govkg.graph.sparql import dataset_options

            return store, dataset_options(store)
    store = ox.Store()
    store.bulk_load(path=str(out_dir / "govkg.ttl"), format=ox.RdfFormat.TURTLE)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology_triples())
    return store, {}


# --- span text checks ---------------------------------------------------------------------


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
        q.subject for q in store.quads_for_pattern(None, _OX_TYPE, ox.NamedNode(str(cls)), None)
    }


def _span_violations(store: ox.Store, texts: Mapping[str, str]) -> list[Violation]:
    """Quote == text[start:end] for spans of documents in ``texts``; one warning per other
    document. Spans whose shape is broken are left to SHACL, which already reports them."""
    found: list[Violation] = []
    unchecked: dict[tuple[str, Any], int] = defaultdict(int)
    for span in sorted(_subjects_of_type(store, _TEXT_SPAN), key=str):
        doc = _ox_single(store, span, _IN_DOCUMENT)
        doc_id = _ox_single(store, doc, _DOC_ID) if doc is not None else None
        start, end = (
            _ox_int(_ox_single(store, span, _START)),
            _ox_int(_ox_single(store, span, _END)),
        )
        quote = _ox_single(store, span, _QUOTE)
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
                focus_node=_node_text(_rdflib_term(span)) or "",
                rule=SPAN_TEXT_RULE,
                message=f"{_ox_describe(store, span)}: quote does not match document "
                f"{doc_id.value}: {problem}",
                value=actual,
                path=str(_QUOTE),
            )
        )
    for (missing_id, doc), n in unchecked.items():
        found.append(
            Violation(
                focus_node=_node_text(_rdflib_term(doc)) or "",
                rule=SPAN_TEXT_MISSING_RULE,
                message=f"{_ox_describe(store, doc)}: no text for document {missing_id}; "
                f"{n} span(s) not checked against it",
                severity="Warning",
            )
        )
    return found


def _document_texts(store: ox.Store, corpus_dir: Path) -> dict[str, str]:
    """The text of every document that has spans, read from ``corpus_dir / gk:fileName``."""
    texts: dict[str, str] = {}
    in_document = ox.NamedNode(str(_IN_DOCUMENT))
    for doc in _subjects_of_type(store, _SOURCE_DOCUMENT):
        doc_id, file_name = _ox_single(store, doc, _DOC_ID), _ox_single(store, doc, _FILE_NAME)
        if doc_id is None or file_name is None:
            continue
        if next(iter(store.quads_for_pattern(None, in_document, doc, None)), None) is None:
            continue
        path = corpus_dir / file_name.value
        try:
            # Bytes then decode: text mode would translate line endings and shift offsets.
            texts[doc_id.value] = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported as a warning: the spans of this document are not checked
    return texts


# --- entry points ---------------------------------------------------------------------------


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
    store = _graph_store(data)
    if engine == "pyshacl":
        violations = _shacl_violations(_working_graph(data))
    else:
        violations = _sparql_violations(store, {})
    return _report(violations + _span_violations(store, texts or {}))


def _read_graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    # Oxigraph parses an order of magnitude faster than rdflib's Turtle parser.
    _add_ox_triples(graph, ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
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
    store, options = _output_store(Path(out_dir))
    texts = _document_texts(store, Path(corpus_dir)) if corpus_dir is not None else {}
    if engine == "pyshacl":
        violations = _shacl_violations(_working_graph(_read_graph(path)))
    else:
        violations = _sparql_violations(store, options)
    return _report(violations + _span_violations(store, texts))
