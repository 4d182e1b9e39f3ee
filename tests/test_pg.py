"""The property-graph mapping (vocabulary.md, "In the property graph"), without a server."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.graph import cypher as cy
from govkg.graph.pg import (
    RESOURCE,
    NodeRow,
    PropertyGraph,
    content_hash,
    literal_value,
    property_graph,
    read_quads,
    rel_type,
)

FIXTURE = Path(__file__).parent / "fixtures" / "pg" / "mini.trig"
GKD = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="module")
def pg() -> PropertyGraph:
    return property_graph(read_quads(FIXTURE))


def node(pg: PropertyGraph, key: str) -> NodeRow:
    return next(n for n in pg.nodes if n.uri == GKD + key)


def test_every_resource_is_a_node_with_uri_and_sources(pg: PropertyGraph) -> None:
    uris = [n.uri for n in pg.nodes]
    assert uris == sorted(uris) and len(uris) == len(set(uris))
    # subjects of the source graphs, and what they point to (from the ontology graph too)
    for key in ("doc/d1", "span/d1/10-16", "obs/d2/5-9", "unit/community", "measure/网格"):
        assert GKD + key in uris
    assert GKD + "scheme/measure" in uris  # reached from the measure, two hops from the data
    assert GKD + "area/吉林省" in uris
    # reference data nobody points to, the ontology itself and its classes stay out
    assert GKD + "area/unused" not in uris
    assert "https://w3id.org/govkg/ontology" not in uris
    assert not any(u.startswith("https://w3id.org/govkg/ontology#") for u in uris)
    for n in pg.nodes:
        assert n.props["uri"] == n.uri
        assert isinstance(n.props["sources"], list)


def test_labels_are_class_local_names_and_resource(pg: PropertyGraph) -> None:
    assert node(pg, "obs/d1/10-16").labels == ("Resource", "StatisticObservation")
    assert node(pg, "measure/网格").labels == ("Concept", "Measure", "Resource")
    # ex:Bad-Class cannot be a label: left out and reported
    assert node(pg, "unit/branch").labels == ("GridPartyBranch", RESOURCE)
    assert any("Bad-Class" in s for s in pg.skipped)
    assert any("weird-name" in s for s in pg.skipped)


def test_datatype_properties(pg: PropertyGraph) -> None:
    area = node(pg, "area/吉林市").props
    assert area["label_zh"] == "吉林市" and area["label_en"] == "Jilin City"
    obs = node(pg, "obs/d1/10-16").props
    assert obs["value"] == 3438 and isinstance(obs["value"], int)  # integral decimal
    assert node(pg, "obs/d2/5-9").props["value"] == 2766.5
    doc = node(pg, "doc/d1").props
    assert doc["charCount"] == 1200
    assert doc["dateApproximate"] is True
    assert doc["date"] == "2022-11"
    span = node(pg, "span/d1/10-16").props
    assert (span["start"], span["end"], span["quote"]) == (10, 16, "网格3438个")
    branch = node(pg, "unit/branch").props
    assert branch["altLabel_zh"] == ["小区党支部", "网格(小区)党支部"]  # several → sorted list
    assert branch["label_zh"] == "网格党支部"  # the same value in two graphs is one value
    assert "weird-name" not in branch


def test_sources_are_the_documents_that_state_something_about_the_node(
    pg: PropertyGraph,
) -> None:
    assert node(pg, "unit/branch").props["sources"] == ["d1", "d2"]
    assert node(pg, "obs/d1/10-16").props["sources"] == ["d1"]
    assert node(pg, "doc/d2").props["sources"] == ["d2"]
    assert node(pg, "measure/网格").props["sources"] == []  # described by the ontology only


def test_object_properties_become_relationships(pg: PropertyGraph) -> None:
    keys = {r.key: r for r in pg.rels}
    o1, o2 = GKD + "obs/d1/10-16", GKD + "obs/d2/5-9"
    assert (o1, "WAS_DERIVED_FROM", GKD + "span/d1/10-16") in keys
    assert (o1, "CONFLICTS_WITH", o2) in keys and (o2, "CONFLICTS_WITH", o1) in keys
    rel = keys[(GKD + "unit/branch", "SUB_ORGANIZATION_OF", GKD + "unit/community")]
    assert rel.props == {"sources": ["d1"]}
    assert (GKD + "area/吉林市", "PART_OF", GKD + "area/吉林省") in keys
    assert keys[(GKD + "area/吉林市", "PART_OF", GKD + "area/吉林省")].props["sources"] == []
    assert not any(r.type in ("TYPE", "IS_DEFINED_BY") for r in pg.rels)
    node_uris = {n.uri for n in pg.nodes}
    assert all(r.start in node_uris and r.end in node_uris for r in pg.rels)
    assert [r.key for r in pg.rels] == sorted(r.key for r in pg.rels)
    for r in pg.rels:
        assert cy.check_name(r.type) == r.type


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("http://www.w3.org/ns/org#subOrganizationOf", "SUB_ORGANIZATION_OF"),
        ("https://w3id.org/govkg/ontology#hasStep", "HAS_STEP"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", "WAS_DERIVED_FROM"),
        ("http://www.w3.org/2004/02/skos/core#broader", "BROADER"),
        ("https://w3id.org/govkg/ontology#conflictsWith", "CONFLICTS_WITH"),
        ("http://www.w3.org/ns/org#member", "MEMBER"),
    ],
)
def test_rel_type_names(iri: str, expected: str) -> None:
    assert rel_type(iri) == expected


def test_literal_values() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"

    def lit(text: str, dt: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(xsd + dt))

    assert literal_value(lit("68900.0", "decimal")) == 68900
    assert literal_value(lit("0.5", "decimal")) == 0.5
    assert literal_value(lit("7", "integer")) == 7
    assert literal_value(lit("false", "boolean")) is False
    assert literal_value(lit("not a number", "integer")) == "not a number"
    assert literal_value(ox.Literal("网格", language="zh")) == "网格"


def test_deterministic_whatever_the_quad_order(pg: PropertyGraph) -> None:
    quads = read_quads(FIXTURE)
    for seed in range(3):
        random.Random(seed).shuffle(quads)
        again = property_graph(quads)
        assert again.nodes == pg.nodes and again.rels == pg.rels
        assert [content_hash(n.labels, n.props) for n in again.nodes] == [
            content_hash(n.labels, n.props) for n in pg.nodes
        ]


def test_hash_changes_with_content(pg: PropertyGraph) -> None:
    n = pg.nodes[0]
    h = content_hash(n.labels, n.props)
    assert content_hash(n.labels, {**n.props, "_hash": "ignored"}) == h
    assert content_hash(n.labels, {**n.props, "extra": 1}) != h
    assert content_hash((*n.labels, "Other"), n.props) != h


def test_cypher_names_are_checked() -> None:
    for bad in ("X}) DETACH DELETE n //", "a b", "", "1abc", "Label`", "网格", "A\nB"):
        with pytest.raises(cy.UnsafeName):
            cy.check_name(bad)
        with pytest.raises(cy.UnsafeName):
            cy.rel_upsert(bad)
    statement = cy.node_upsert({"StatisticObservation"}, {"Old"})
    assert "SET n:StatisticObservation" in statement and "REMOVE n:Old" in statement
    assert "$rows" in statement and "MERGE (n:Resource {uri: row.props.uri})" in statement
    assert cy.node_create(["Step", "Resource"]).startswith(
        "UNWIND $rows AS row MERGE (n:Resource:Step {uri: row.props.uri})"
    )
    assert cy.NEO4J.schema_statements(["Step"], set()) == [
        "CREATE CONSTRAINT govkg_resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE",
        "CREATE CONSTRAINT govkg_step_uri IF NOT EXISTS FOR (n:Step) REQUIRE n.uri IS UNIQUE",
    ]
    assert cy.FALKORDB.schema_statements(["Step", "Hierarchy"], set()) == [
        "CREATE INDEX FOR (n:Resource) ON (n.uri)"
    ]
    assert cy.FALKORDB.schema_statements(["Step"], {"Resource"}) == []


def test_bolt_falkordb_strings_are_escaped_for_its_splicing() -> None:
    value = {"a": ["it's", "back\\slash"], "n": 1}
    assert cy.FALKORDB_BOLT.encode(value) == {"a": ["it\\'s", "back\\\\slash"], "n": 1}
    assert cy.NEO4J.encode(value) == value


def test_corpus_mapping_covers_the_public_names(corpus_build: Path) -> None:
    from govkg.graph.pg import from_output

    pg = from_output(corpus_build)
    labels = pg.label_counts()
    for label in ("StatisticObservation", "TextSpan", "SourceDocument", "HierarchyLevel", "Step"):
        assert labels.get(label, 0) > 0
    types = pg.type_counts()
    for rtype in ("WAS_DERIVED_FROM", "HAS_STEP", "BROADER", "CONFLICTS_WITH", "IN_DOCUMENT"):
        assert types.get(rtype, 0) > 0
    obs = [n for n in pg.nodes if "StatisticObservation" in n.labels]
    assert all(len(n.props["sources"]) == 1 for n in obs)
    assert all(isinstance(n.props["value"], (int, float)) for n in obs)
