"""The data and the rules in the forms the engines read: the ontology and the shapes as
rdflib graphs, terms converted between rdflib and Oxigraph, and a graph or a built output
folder as an Oxigraph store."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.term import Node

from govkg.ontology import GK, ONTOLOGY_IRI, XSD, ontology_triples, shapes_text

TEXT_SPAN = URIRef(GK + "TextSpan")
IN_DOCUMENT = URIRef(GK + "inDocument")
DOC_ID = URIRef(GK + "docId")
FILE_NAME = URIRef(GK + "fileName")
SOURCE_DOCUMENT = URIRef(GK + "SourceDocument")
START = URIRef(GK + "start")
END = URIRef(GK + "end")
QUOTE = URIRef(GK + "quote")
XSD_STRING = XSD + "string"
RDF_LANG_STRING = str(RDF.langString)


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        if datatype == XSD_STRING:
            # rdflib writes xsd:string as a plain literal; keep them equal.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"RDF-star triple terms are not supported: {term}")


def add_ox_triples(graph: rdflib.Graph, triples: Iterable[ox.Triple | ox.Quad]) -> None:
    graph.addN(
        (rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object), graph)
        for t in triples
    )


@cache
def ontology_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    add_ox_triples(graph, ontology_triples())
    return graph


@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_text(), format="turtle")


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


def graph_store(data: rdflib.Graph) -> ox.Store:
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


def output_store(out_dir: Path) -> tuple[ox.Store, dict[str, Any]]:
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
