"""The shapes compiled to SPARQL: every node and property shape of ``ontology/shapes.ttl``
becomes queries that select the focus nodes breaking it, so that Oxigraph checks a rule in
one pass over the store. A shape using a SHACL feature the compiler does not know raises
:class:`ShapeError` instead of being skipped."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from govkg.graph.validate.graphs import shapes_graph
from govkg.graph.validate.report import shorten
from govkg.ontology import XSD
from govkg.ontology.errors import InputError


class ShapeError(InputError):
    """A shape uses a SHACL feature the compiler does not know (or one it cannot check in
    SPARQL): validation stops rather than skip the rule. The shapes are an input of the
    build, so this is an :class:`~govkg.ontology.errors.InputError`."""


RDF_TYPE = str(RDF.type)
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


def _integer(shape: Node, key: URIRef, node: Node | None) -> int:
    """The integer a shape gives for ``key`` (sh:minCount, sh:maxLength …)."""
    if isinstance(node, Literal):
        try:
            return int(node)
        except ValueError:
            pass
    raise ShapeError(f"{shorten(str(shape))}: {shorten(str(key))} {node} is not an integer")


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
            return f"{var} <{RDF_TYPE}> <{classes[0]}> ."
        values = " ".join(f"<{c}>" for c in classes)
        return f"{var} <{RDF_TYPE}> ?_class . VALUES ?_class {{ {values} }}"

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
            if _integer(shape, SH.minCount, n) == 1:
                query = (
                    f"SELECT DISTINCT ?this WHERE {{ {target} {self.absent(f'?this {p} ?_v')} }}"
                )
            else:
                query = (
                    f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?_v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {_integer(shape, SH.minCount, n)})"
                )
            self.add(shape, "MinCount", query, path=path, count=True)
        for n in shapes.objects(shape, SH.maxCount):
            query = (
                f"SELECT ?this WHERE {{ {target} ?this {p} ?_v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {_integer(shape, SH.maxCount, n)})"
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
            if not isinstance(arg, URIRef) or arg not in _NODE_KINDS:
                raise ShapeError(f"{shorten(str(shape))}: unknown sh:nodeKind {arg}")
            return _NODE_KINDS[arg].format(v=v)
        if key in (SH.minLength, SH.maxLength):
            op = ">=" if key == SH.minLength else "<="
            return f"!isBlank({v}) && STRLEN(STR({v})) {op} {_integer(shape, key, arg)}"
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
        if keys == {SH.path, SH.minCount}:
            count = self.shapes.value(shape, SH.minCount)
            if _integer(shape, SH.minCount, count) == 1:
                return f"?this <{self.path(shape)}> ?_m"
        values = list(self.shapes.objects(shape, SH.hasValue))
        if keys == {SH.path, SH.hasValue} and len(values) == 1:
            return f"?this <{self.path(shape)}> {_sparql_term(values[0])}"
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
            if _integer(shape, SH.minCount, n) != 1:
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


def subclasses(store: ox.Store, options: Mapping[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    query = f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}> ?sup }}"
    for sol in store.query(query, **options):  # type: ignore[union-attr]
        sub, sup = sol["sub"], sol["sup"]
        if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            found[sup.value].add(sub.value)
    return found


def instance_counter(store: ox.Store, options: Mapping[str, Any]) -> Callable[[str], int]:
    @cache
    def instances(cls: str) -> int:
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s WHERE {{ ?s <{RDF_TYPE}> <{cls}> }} "
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
    graph = shapes if shapes is not None else shapes_graph()
    return _Compiler(graph, subclasses or {}, instances).compile()
