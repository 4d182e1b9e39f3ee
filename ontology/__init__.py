"""The govkg ontology, concept schemes and SHACL shapes, shipped as Turtle package data.

Everything the model knows about itself lives in the ``.ttl`` files beside this module;
Python code reads them through :func:`ontology_graph` and :func:`shapes_graph` and never
assembles ontology triples by hand.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeVar

import pyoxigraph as ox

GK = "https://w3id.org/govkg/ontology#"
GKD = "https://w3id.org/govkg/id/"
ONTOLOGY_IRI = "https://w3id.org/govkg/ontology"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "gk": GK,
    "gkd": GKD,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "qb": QB,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

#: Turtle files that make up the ontology graph (shapes are kept apart: they are not facts).
SHAPES_FILE = "shapes.ttl"


def _ttl_files() -> list[str]:
    root = resources.files(__name__)
    return sorted(
        p.name for p in root.iterdir() if p.name.endswith(".ttl") and p.name != SHAPES_FILE
    )


def read_text(name: str) -> str:
    """Return the text of one package data file of the ontology."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


#: A subject or an object of a triple: the blank-node renaming gives back what it was given.
_Term = TypeVar("_Term", ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)


class _BlankNames:
    """The parser gives anonymous nodes random ids; this renames them in document order, so
    that every build writes the same bytes."""

    def __init__(self, stem: str) -> None:
        self.stem = stem
        self.names: dict[ox.BlankNode, ox.BlankNode] = {}

    def __call__(self, term: _Term) -> _Term:
        if not isinstance(term, ox.BlankNode):
            return term
        if term not in self.names:
            self.names[term] = ox.BlankNode(f"{self.stem}{len(self.names) + 1}")
        return self.names[term]


@cache
def ontology_triples() -> tuple[ox.Triple, ...]:
    """Every triple of the ontology files (classes, properties, concept schemes, lexicon)."""
    triples: set[ox.Triple] = set()
    for name in _ttl_files():
        stable = _BlankNames(name.removesuffix(".ttl"))
        for t in ox.parse(read_text(name), format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI):
            triples.add(ox.Triple(stable(t.subject), t.predicate, stable(t.object)))
    return tuple(sorted(triples, key=str))


@cache
def shapes_text() -> str:
    """The SHACL shapes graph as Turtle text."""
    return read_text(SHAPES_FILE)
