"""The property-graph view of the RDF dataset (vocabulary.md, "In the property graph"): a pure
function from quads to node rows and relationship rows, shared by the Cypher mirror and the
graph exports.

Every IRI that is the subject of a statement in a source graph is a node, and so is every IRI
those nodes reach through object properties (concepts, areas, levels, schemes), described by
its statements in every graph, the ontology graph included. A node has a unique ``uri``, one
label per ``rdf:type`` class (local name) plus :data:`RESOURCE`, its datatype properties by
local name (language-tagged ones as ``label_zh``/``label_en``; several values as a sorted
list) and ``sources``, the sorted ``gk:docId`` list of the source graphs that make
statements about it (empty for reference data that only the ontology graph describes).
Object properties become relationships named by local name in UPPER_SNAKE_CASE, carrying the
``sources`` of the statement.

>>> import pyoxigraph as ox
>>> g = ox.NamedNode("https://w3id.org/govkg/id/doc/d1")
>>> gk = "https://w3id.org/govkg/ontology#"
>>> quads = [
...     ox.Quad(g, ox.NamedNode(gk + "docId"), ox.Literal("d1"), g),
...     ox.Quad(ox.NamedNode("https://w3id.org/govkg/id/x"),
...             ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), g, g),
... ]
>>> pg = property_graph(quads)
>>> [(n.uri.rsplit("/", 1)[-1], n.labels, n.props["sources"]) for n in pg.nodes]
[('d1', ('Resource',), ['d1']), ('x', ('Resource',), ['d1'])]
>>> [r.type for r in pg.rels]
['WAS_DERIVED_FROM']
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.ontology import GK, ONTOLOGY_IRI, OWL, RDF, RDFS, XSD

#: Label and relationship-type names must match this before they go into a Cypher statement.
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

#: The label every mirrored node carries, so that one uniqueness constraint on ``uri`` covers
#: them all and ``MERGE`` finds a node whatever its classes (neosemantics does the same).
RESOURCE = "Resource"

#: Property names the mapping itself writes; an RDF property of the same local name gets a
#: trailing underscore instead of overwriting them.
RESERVED = frozenset({"uri", "sources", "_hash"})

RDF_TYPE = RDF + "type"
DOC_ID = GK + "docId"

#: Schema-level statements that describe where a term is defined rather than the governance
#: facts; following them would pull the OWL ontology itself into the mirror.
SKIPPED_PREDICATES = frozenset(
    {
        RDFS + "isDefinedBy",
        RDFS + "subClassOf",
        RDFS + "subPropertyOf",
        RDFS + "domain",
        RDFS + "range",
        OWL + "imports",
        OWL + "equivalentClass",
        OWL + "inverseOf",
    }
)

_INTEGER = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT = {XSD + "double", XSD + "float"}


@dataclass(frozen=True)
class NodeRow:
    """One node: ``props`` holds every property, ``uri`` and ``sources`` included."""

    uri: str
    labels: tuple[str, ...]
    props: dict[str, Any] = field(hash=False, compare=True)


@dataclass(frozen=True)
class RelRow:
    """One relationship ``(start)-[:type]->(end)``; ``props`` holds its ``sources``."""

    start: str
    type: str
    end: str
    props: dict[str, Any] = field(hash=False, compare=True)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.start, self.type, self.end)


@dataclass
class PropertyGraph:
    """Nodes sorted by ``uri``, relationships by (start, type, end); ``skipped`` names the
    RDF terms whose local names cannot be labels, relationship types or property keys."""

    nodes: list[NodeRow]
    rels: list[RelRow]
    skipped: list[str] = field(default_factory=list)

    def label_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for n in self.nodes:
            for label in n.labels:
                counts[label] += 1
        return dict(sorted(counts.items()))

    def type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for r in self.rels:
            counts[r.type] += 1
        return dict(sorted(counts.items()))


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("http://www.w3.org/ns/org#subOrganizationOf")
    'subOrganizationOf'
    """
    return re.split(r"[#/]", iri)[-1]


def rel_type(iri: str) -> str:
    """UPPER_SNAKE_CASE relationship type of an object property.

    >>> rel_type("http://www.w3.org/ns/prov#wasDerivedFrom")
    'WAS_DERIVED_FROM'
    >>> rel_type("https://w3id.org/govkg/ontology#hasURLStep")
    'HAS_URL_STEP'
    """
    name = local_name(iri).replace("-", "_")
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.upper()


def is_name(name: str) -> bool:
    return bool(NAME_PATTERN.match(name))


def literal_value(lit: ox.Literal) -> Any:
    """A property value: integers as int, decimals as int when integral else float, doubles
    as float, booleans as bool, everything else (dates included) as its lexical form."""
    dt = lit.datatype.value
    text = lit.value
    try:
        if dt in _INTEGER:
            return int(text)
        if dt == XSD + "decimal":
            d = Decimal(text)
            return int(d) if d == d.to_integral_value() else float(d)
        if dt in _FLOAT:
            f = float(text)
            return f if math.isfinite(f) else text
        if dt == XSD + "boolean":
            return text in ("true", "1")
    except (ValueError, InvalidOperation):
        return text  # an ill-typed literal keeps its text rather than failing the mirror
    return text


def _prop_key(pred: str, lit: ox.Literal) -> str:
    name = local_name(pred)
    if lit.language:
        name = f"{name}_{lit.language.lower().replace('-', '_')}"
    return name + "_" if name in RESERVED else name


def _sorted_values(values: set[Any]) -> Any:
    """One value as itself; several as a sorted list of one type (Neo4j lists are typed)."""
    if len(values) == 1:
        return next(iter(values))
    kinds = {type(v) for v in values}
    if kinds <= {int, float}:
        return sorted(values)
    if len(kinds) > 1:
        values = {json.dumps(v) if not isinstance(v, str) else v for v in values}
    return sorted(values)


def content_hash(labels: Iterable[str], props: dict[str, Any]) -> str:
    """A digest of a node's or relationship's labels and properties (``_hash`` excluded),
    stored beside them so that a push can tell unchanged rows without comparing values.
    (``repr`` of sorted items is deterministic for the value types the mapping makes and
    several times cheaper than JSON, which matters at a push's scale.)"""
    items = sorted((k, v) for k, v in props.items() if k != "_hash")
    payload = repr((sorted(labels), items))
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def property_graph(quads: Iterable[ox.Quad], ontology_iri: str = ONTOLOGY_IRI) -> PropertyGraph:
    """Map a dataset to node and relationship rows, deterministically."""
    by_subject: dict[str, list[tuple[str, ox.NamedNode | ox.Literal, str | None]]] = defaultdict(
        list
    )
    seeds: set[str] = set()
    doc_ids: dict[str, str] = {}
    for q in quads:
        s, p, o, g = q.subject, q.predicate, q.object, q.graph_name
        if not isinstance(s, ox.NamedNode) or isinstance(o, (ox.BlankNode, ox.Triple)):
            continue
        graph = g.value if isinstance(g, ox.NamedNode) else None
        by_subject[s.value].append((p.value, o, graph))
        if graph != ontology_iri:
            seeds.add(s.value)
        if p.value == DOC_ID and isinstance(o, ox.Literal):
            doc_ids[s.value] = o.value

    def source_of(graph: str | None) -> str | None:
        if graph is None or graph == ontology_iri:
            return None
        return doc_ids.get(graph, local_name(graph))

    # Nodes: the seeds and everything they reach through object properties.
    nodes: set[str] = set()
    queue = sorted(seeds)
    while queue:
        uri = queue.pop()
        if uri in nodes:
            continue
        nodes.add(uri)
        for pred, obj, _ in by_subject.get(uri, ()):
            if (
                isinstance(obj, ox.NamedNode)
                and pred != RDF_TYPE
                and pred not in SKIPPED_PREDICATES
                and obj.value not in nodes
            ):
                queue.append(obj.value)

    skipped: set[str] = set()
    sources: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    props: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    rels: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for uri in nodes:
        for pred, obj, graph in by_subject.get(uri, ()):
            src = source_of(graph)
            if src is not None:
                sources[uri].add(src)
            if pred in SKIPPED_PREDICATES:
                continue
            if pred == RDF_TYPE:
                name = local_name(obj.value)
                if is_name(name):
                    labels[uri].add(name)
                else:
                    skipped.add(f"class {obj.value}: {name!r} is not a valid label")
            elif isinstance(obj, ox.Literal):
                key = _prop_key(pred, obj)
                if is_name(key):
                    props[uri][key].add(literal_value(obj))
                else:
                    skipped.add(f"property {pred}: {key!r} is not a valid property key")
            elif obj.value in nodes:
                rtype = rel_type(pred)
                if is_name(rtype):
                    key3 = (uri, rtype, obj.value)
                    srcs = rels.setdefault(key3, set())
                    if src is not None:
                        srcs.add(src)
                else:
                    skipped.add(f"property {pred}: {rtype!r} is not a valid relationship type")

    node_rows = []
    for uri in sorted(nodes):
        row_props: dict[str, Any] = {"uri": uri}
        for key in sorted(props[uri]):
            row_props[key] = _sorted_values(props[uri][key])
        row_props["sources"] = sorted(sources[uri])
        node_rows.append(NodeRow(uri, tuple(sorted(labels[uri] | {RESOURCE})), row_props))
    rel_rows = [
        RelRow(s, t, e, {"sources": sorted(srcs)}) for (s, t, e), srcs in sorted(rels.items())
    ]
    return PropertyGraph(node_rows, rel_rows, sorted(skipped))


def read_quads(path: Path) -> list[ox.Quad]:
    """The quads of a TriG or N-Quads file."""
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    return list(ox.parse(path=str(path), format=fmt))


def from_output(out_dir: Path) -> PropertyGraph:
    """The property graph of a build's ``govkg.trig``."""
    path = out_dir / "govkg.trig"
    if not path.is_file():
        raise FileNotFoundError(f"no build at {out_dir}: run `govkg build --out {out_dir}` first")
    return property_graph(read_quads(path))
