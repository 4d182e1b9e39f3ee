"""The reference engine: pySHACL over an rdflib copy of the graph with the ontology mixed
in. Slow on a roster (its SPARQL rules run once per focus node) but the yardstick the
compiled engine is tested against."""

from __future__ import annotations

from functools import cache
from typing import Any

import rdflib
from pyshacl import validate as shacl_validate
from rdflib import RDF, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from govkg.graph.validate.graphs import ontology_graph, shapes_graph
from govkg.graph.validate.report import Violation, node_text, shorten, shorten_text, what_was_found


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


def working_graph(data: rdflib.Graph) -> rdflib.Graph:
    """A fresh graph: the union of ``data`` (all named graphs of a dataset) and the ontology."""
    graph = _PreparedQueryGraph()
    if isinstance(data, rdflib.ConjunctiveGraph):  # also rdflib.Dataset
        graph.addN((s, p, o, graph) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        graph.addN((s, p, o, graph) for s, p, o in data)
    graph.addN((s, p, o, graph) for s, p, o in ontology_graph())
    return graph


def _types(graph: rdflib.Graph, node: Node) -> str:
    names = sorted(shorten(str(t)).removeprefix("gk:") for t in graph.objects(node, RDF.type))
    return ", ".join(names)


def _describe(graph: rdflib.Graph, node: Node) -> str:
    types = _types(graph, node)
    name = shorten(node_text(node) or "")
    return f"{name} ({types})" if types else name


def _pyshacl_detail(graph: rdflib.Graph, shapes: rdflib.Graph, res: dict[str, Node | None]) -> str:
    component = str(res["component"] or "").removeprefix(str(SH))
    focus, path, shape = res["focus"], res["path"], res["shape"]
    found = None
    if isinstance(path, URIRef) and focus is not None:
        found = len(set(graph.objects(focus, path)))
    cls = shapes.value(shape, SH["class"]) if shape is not None else None
    return what_was_found(component, res["value"], found, str(cls) if cls is not None else None)


def shacl_violations(graph: rdflib.Graph) -> list[Violation]:
    shapes = shapes_graph()
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
        rule = str(name) if name is not None else shorten(node_text(shape) or "SHACL")
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        message = shorten_text("; ".join(messages)) if messages else rule
        focus = res["focus"]
        where = _describe(graph, focus) if focus is not None else "?"
        severity = results.value(r, SH.resultSeverity)
        violations.append(
            Violation(
                focus_node=node_text(focus) or "",
                rule=rule,
                message=f"{where}: {message}{_pyshacl_detail(graph, shapes, res)}",
                severity=shorten(str(severity)).removeprefix("sh:") if severity else "Violation",
                value=node_text(res["value"]),
                path=node_text(res["path"]) if isinstance(res["path"], URIRef) else None,
            )
        )
    return violations
