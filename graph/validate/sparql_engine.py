"""The default engine: the compiled shapes run over the build's store, each selected focus
node reported as pySHACL would report it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH
from rdflib.term import Node

from govkg.graph.validate.compiler import RDF_TYPE, compile_shapes, instance_counter, subclasses
from govkg.graph.validate.graphs import rdflib_term, shapes_graph
from govkg.graph.validate.report import Violation, node_text, shorten, shorten_text, what_was_found


def _ox_types(store: ox.Store, node: Any) -> str:
    types = {
        q.object.value
        for q in store.quads_for_pattern(node, OX_TYPE, None, None)
        if not isinstance(q.object, ox.Triple)
    }
    return ", ".join(sorted(shorten(t).removeprefix("gk:") for t in types))


def ox_describe(store: ox.Store, node: Any) -> str:
    types = _ox_types(store, node)
    name = shorten(node_text(rdflib_term(node)) or "")
    return f"{name} ({types})" if types else name


def _fill(message: str, bound: Mapping[str, str]) -> str:
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", val.replace("\\", "\\\\"), message)  # taken literally
    return message


def _severity(shapes: rdflib.Graph, shape: Node) -> str:
    severity = shapes.value(shape, SH.severity)
    return shorten(str(severity)).removeprefix("sh:") if severity is not None else "Violation"


def sparql_violations(store: ox.Store, options: Mapping[str, Any]) -> list[Violation]:
    """Run every compiled check on ``store`` (queried with ``options``)."""
    shapes = shapes_graph()
    found: list[Violation] = []
    checks = compile_shapes(subclasses(store, options), None, instance_counter(store, options))
    for check in checks:
        name = shapes.value(check.shape, SH.name)
        rule = str(name) if name is not None else shorten(node_text(check.shape) or "SHACL")
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
            value_node = rdflib_term(value) if value is not None else None
            path = bound.get("path")
            path_text = path.value if isinstance(path, ox.NamedNode) else check.path
            if check.sparql is not None:
                words = {n: _rdflib_text(t) for n, t in bound.items()}
                messages = sorted({_fill(m, words) for m in templates})
            else:
                messages = sorted(set(templates))
            message = shorten_text("; ".join(messages)) if messages else rule
            count = None
            if check.count and check.path is not None:
                objects = store.quads_for_pattern(focus, ox.NamedNode(check.path), None, None)
                count = len({q.object for q in objects})
            detail = what_was_found(check.component, value_node, count, check.cls)
            found.append(
                Violation(
                    focus_node=node_text(rdflib_term(focus)) or "",
                    rule=rule,
                    message=f"{ox_describe(store, focus)}: {message}{detail}",
                    severity=severity,
                    value=node_text(value_node),
                    path=path_text,
                )
            )
    return found


def _rdflib_text(term: Any) -> str:
    """A term as pySHACL writes it into a message (``str`` of the rdflib term)."""
    return str(rdflib_term(term))


OX_TYPE = ox.NamedNode(RDF_TYPE)
