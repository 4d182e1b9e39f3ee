"""The SPARQL validation engine against pySHACL: the same shapes, the same findings.

The shapes stay the only statement of the rules: the SPARQL engine compiles them, so a
shape it cannot compile is an error, never a rule silently left out.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SH, XSD

from govkg.graph.validate import (
    ShapeError,
    compile_shapes,
    compiler,
    validate_graph,
    validate_output,
)
from govkg.ontology import GK, GKD, shapes_text

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
T = GKD + "test/"
TEXTS = {"fixture-doc": "某市划分网格120个，组建党建联盟8个，推行三步工作法。"}
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


def load(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURES / name, format="turtle")


def both(data: rdflib.Graph, texts: dict[str, str]) -> tuple[dict, dict]:
    return (
        validate_graph(data, texts, engine="sparql").to_dict(),
        validate_graph(data, texts, engine="pyshacl").to_dict(),
    )


@pytest.fixture(params=["lookups", "anti-joins"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both plans of a missing-statement test: a lookup per focus node (few focus nodes,
    as in these small graphs) and an anti-join (MINUS, what a large build gets)."""
    if request.param == "anti-joins":
        monkeypatch.setattr(compiler, "FEW_FOCUS_NODES", -1)
    return str(request.param)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_engines_agree_on_every_fixture(path: Path, plan: str) -> None:
    for texts in (TEXTS, {}):
        sparql, reference = both(load(path.name), texts)
        assert sparql == reference


def _set(g: rdflib.Graph, s: str, p: URIRef, o: rdflib.term.Node) -> rdflib.Graph:
    g.set((URIRef(T + s), p, o))
    return g


#: Breaks of rules no fixture breaks, each applied to the valid fixture.
BREAKS = {
    "label not in Chinese": lambda g: _set(g, "grids", SKOS.prefLabel, Literal("grids", lang="en")),
    "plain label": lambda g: _set(g, "grids", SKOS.prefLabel, Literal("网格")),
    "area is a document": lambda g: _set(g, "obs", URIRef(GK + "area"), URIRef(T + "doc")),
    "cadre rank a literal": lambda g: _set(g, "tier-1", URIRef(GK + "cadreRank"), Literal("x")),
    "empty quote": lambda g: _set(g, "span", URIRef(GK + "quote"), Literal("")),
    "negative start": lambda g: _set(g, "span", URIRef(GK + "start"), Literal(-1)),
    "start a string": lambda g: _set(g, "span", URIRef(GK + "start"), Literal("4")),
    "range downwards": lambda g: (
        _set(g, "obs", URIRef(GK + "value"), Literal(Decimal("120.5")))
        and _set(g, "obs", URIRef(GK + "valueMax"), Literal(Decimal("100.25")))
    ),
    "conflict with a span": lambda g: _set(
        g, "obs", URIRef(GK + "conflictsWith"), URIRef(T + "span")
    ),
    "no label on an area": lambda g: (
        g.remove((URIRef(T + "area"), None, None))
        or g.add((URIRef(T + "area"), RDF.type, URIRef(GK + "AdministrativeArea")))
    ),
    "two organisations": lambda g: g.add(
        (URIRef(T + "member"), URIRef("http://www.w3.org/ns/org#organization"), URIRef(T + "x"))
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_engines_agree_on_rules_no_fixture_breaks(name: str, plan: str) -> None:
    data = load("valid.ttl")
    BREAKS[name](data)
    sparql, reference = both(data, TEXTS)
    assert sparql["conforms"] is False
    assert sparql == reference


def test_an_ill_typed_value_inside_a_sparql_constraint_is_an_error_not_a_number() -> None:
    """The one place the engines differ: a SPARQL constraint comparing an ill-typed literal
    ("one"^^xsd:integer). SPARQL makes the comparison an error, so the rank does not count
    and the gap is reported; rdflib's engine compares it anyway. Both report the rank."""
    data = load("valid.ttl")
    _set(data, "step-1", URIRef(GK + "rank"), Literal("one", datatype=XSD.integer))
    sparql, reference = both(data, TEXTS)
    assert reference["violations"] == [
        v for v in sparql["violations"] if v["rule"] != "mechanism steps have no gap in ranks"
    ]
    assert {v["rule"] for v in sparql["violations"]} == {
        "step has exactly one rank",
        "mechanism steps have no gap in ranks",
    }


def test_numbers_are_reported_in_their_canonical_form() -> None:
    """The store keeps a number's value, not its spelling: 120.0 is reported as 120."""
    data = load("valid.ttl")
    _set(data, "obs", URIRef(GK + "valueMax"), Literal(Decimal("100.0")))
    sparql, reference = both(data, TEXTS)
    (v,) = sparql["violations"]
    assert v["message"].endswith("found 120") and v["value"] == "120"
    assert reference["violations"] == [{**v, "message": v["message"] + ".0", "value": "120.0"}]


def test_engines_agree_on_the_corpus_build(corpus_build: Path, corpus_dir: Path) -> None:
    sparql = validate_output(corpus_build, corpus_dir, engine="sparql")
    reference = validate_output(corpus_build, corpus_dir, engine="pyshacl")
    assert sparql.to_dict() == reference.to_dict()
    assert sparql.conforms


def test_every_shape_with_a_constraint_is_compiled() -> None:
    shapes = rdflib.Graph().parse(data=shapes_text(), format="turtle")
    checked = {c.shape for c in compile_shapes()}
    constrained = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if set(shapes.predicates(s, None))
        & {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["or"], SH.sparql, SH["in"]}
        | set(shapes.predicates(s, None)) & {SH.lessThan, SH.nodeKind, SH.languageIn}
    }
    assert constrained and constrained <= checked


def test_a_shape_the_compiler_cannot_check_is_an_error() -> None:
    extra = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix gk: <https://w3id.org/govkg/ontology#> .
        <urn:x:Shape> a sh:NodeShape ; sh:targetClass gk:Step ;
            sh:xone ( [ sh:path gk:rank ; sh:minCount 1 ] [ sh:path gk:end ; sh:minCount 1 ] ) .
    """
    shapes = rdflib.Graph().parse(data=shapes_text() + extra, format="turtle")
    with pytest.raises(ShapeError, match="sh:xone"):
        compile_shapes(shapes=shapes)


def test_sparql_constraint_messages_name_the_bound_values() -> None:
    report = validate_graph(load("chain-skips-level.ttl"), TEXTS)
    (v,) = report.violations
    assert v.focus_node == T + "building"
    assert v.value == T + "community"
    assert "is a chain level 4 unit, but its parent gkd:test/community is at level 2" in v.message


def test_a_sub_query_must_select_this_to_see_it() -> None:
    """$this joins the outermost group: a sub-query that uses it without selecting it would
    not be bound to the focus node, so the compiler refuses it."""
    extra = '''
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix gk: <https://w3id.org/govkg/ontology#> .
        <urn:x:Shape> a sh:NodeShape ; sh:targetClass gk:Step ;
            sh:sparql [ sh:select """
                SELECT $this WHERE { { SELECT ?r WHERE { $this gk:rank ?r } } FILTER (?r < 1) }
            """ ] .
    '''
    shapes = rdflib.Graph().parse(data=shapes_text() + extra, format="turtle")
    with pytest.raises(ShapeError, match="must select it"):
        compile_shapes(shapes=shapes)
