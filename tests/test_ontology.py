"""The ontology files: every term of the design vocabulary is declared with exactly its IRI,
labelled and aligned to the standard vocabularies; the concept schemes are well formed; the
generated term constants are up to date."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.term import Node

from govkg.graph.ids import iri
from govkg.ontology import GK, GKD, ONTOLOGY_IRI, PREFIXES, gen_terms, ontology_triples, terms

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO.parent / "shared"))
VOCABULARY = SHARED / "design" / "vocabulary.md"
ONTOLOGY = URIRef(ONTOLOGY_IRI)
GKN = rdflib.Namespace(GK)
QB = rdflib.Namespace(PREFIXES["qb"])
ORG = rdflib.Namespace(PREFIXES["org"])
TTL_FILES = sorted(
    p.name for p in resources.files("govkg.ontology").iterdir() if p.name.endswith(".ttl")
)
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
QB_COMPONENTS = {QB.DimensionProperty, QB.MeasureProperty, QB.AttributeProperty}


def _graph(name: str) -> rdflib.Graph:
    text = resources.files("govkg.ontology").joinpath(name).read_text(encoding="utf-8")
    return rdflib.Graph().parse(data=text, format="turtle")


@cache
def core() -> rdflib.Graph:
    return _graph("core.ttl")


@cache
def schemes() -> rdflib.Graph:
    return _graph("schemes.ttl")


@cache
def ontology() -> rdflib.Graph:
    """Every ontology file but the shapes, as the package loader reads them."""
    graph = rdflib.Graph()
    for name in TTL_FILES:
        if name != "shapes.ttl":
            graph += _graph(name)
    return graph


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def _vocabulary_text() -> str:
    if not VOCABULARY.is_file():
        pytest.skip(f"design vocabulary not found at {VOCABULARY} (set GOVKG_SHARED)")
    return VOCABULARY.read_text(encoding="utf-8")


def vocabulary_rows() -> list[tuple[list[str], str]]:
    """(gk terms of the first cell, kind cell) for each table row of vocabulary.md."""
    if not VOCABULARY.is_file():
        return []
    rows = []
    for line in VOCABULARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2:
            names = re.findall(r"`(gk:\w+)`", cells[0])
            if names:
                rows.append((names, cells[1]))
    return rows


def vocabulary_terms() -> list[str]:
    """Every gk: term the vocabulary names, in tables or prose."""
    if not VOCABULARY.is_file():
        return ["gk:SourceDocument"]  # keeps parametrization non-empty; the test skips
    return sorted(set(re.findall(r"`(gk:\w+)`", VOCABULARY.read_text(encoding="utf-8"))))


def vocabulary_alignments() -> list[tuple[str, str]]:
    """(term, standard term) for each ``⊑ `x:Y``` the vocabulary tables state."""
    pairs = []
    for names, kind in vocabulary_rows():
        for parent in re.findall(r"⊑\s*`(\w+:\w+)`", kind):
            pairs.extend((name, parent) for name in names)
    return pairs or [("gk:SourceDocument", "prov:Entity")]


def ancestors(graph: rdflib.Graph, term: Node, prop: URIRef) -> set[Node]:
    return set(graph.transitive_objects(term, prop)) - {term}


def literals(graph: rdflib.Graph, s: Node, p: URIRef, lang: str | None = None) -> list[str]:
    return [
        str(o)
        for o in graph.objects(s, p)
        if isinstance(o, Literal) and (lang is None or o.language == lang)
    ]


def core_terms() -> list[URIRef]:
    graph = core()
    kinds = {OWL.Class, *PROPERTY_TYPES}
    return sorted(
        s
        for s in set(graph.subjects(RDF.type, None))
        if isinstance(s, URIRef) and s.startswith(GK) and kinds & set(graph.objects(s, RDF.type))
    )


# --- the files parse ---------------------------------------------------------------------


@pytest.mark.parametrize("name", TTL_FILES)
def test_ttl_file_parses_with_oxigraph_and_rdflib(name: str) -> None:
    text = resources.files("govkg.ontology").joinpath(name).read_text(encoding="utf-8")
    ox_triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=ONTOLOGY_IRI))
    assert len(ox_triples) == len(rdflib.Graph().parse(data=text, format="turtle")) > 0


def test_loader_reads_every_ontology_file_but_the_shapes() -> None:
    triples = ontology_triples()
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    assert GK + "StatisticObservation" in subjects
    assert GKD + "scheme/org-chain" in subjects
    assert "https://w3id.org/govkg/shapes#StatisticObservationShape" not in subjects
    assert len(triples) == len(ontology())


def test_ontology_header() -> None:
    graph = core()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    for prop in (rdflib.DCTERMS.title, rdflib.DCTERMS.description):
        assert literals(graph, ONTOLOGY, prop, "en") and literals(graph, ONTOLOGY, prop, "zh")
    assert graph.value(ONTOLOGY, OWL.versionInfo) is not None


# --- the design vocabulary ---------------------------------------------------------------


@pytest.mark.parametrize("curie", vocabulary_terms())
def test_vocabulary_term_is_declared_and_labelled(curie: str) -> None:
    _vocabulary_text()
    term = expand(curie)
    graph = core()
    types = set(graph.objects(term, RDF.type))
    assert types & {OWL.Class, *PROPERTY_TYPES}, f"{curie} is not declared in core.ttl"
    assert literals(graph, term, RDFS.label, "zh"), f"{curie} has no Chinese label"
    assert literals(graph, term, RDFS.label, "en"), f"{curie} has no English label"
    assert literals(graph, term, SKOS.definition, "en"), f"{curie} has no definition"
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in graph


def test_vocabulary_is_parsed() -> None:
    _vocabulary_text()
    names = vocabulary_terms()
    # A guard against a parser that silently finds nothing.
    assert {"gk:StatisticObservation", "gk:TextSpan", "gk:chainLevel", "gk:end"} <= set(names)
    assert ("gk:StatisticObservation", "qb:Observation") in vocabulary_alignments()


@pytest.mark.parametrize(("curie", "parent"), vocabulary_alignments())
def test_vocabulary_alignment(curie: str, parent: str) -> None:
    _vocabulary_text()
    term, standard = expand(curie), expand(parent)
    graph = ontology()
    supers = ancestors(graph, term, RDFS.subClassOf) | ancestors(graph, term, RDFS.subPropertyOf)
    assert standard in supers, f"{curie} is not aligned with {parent}"


def test_vocabulary_kinds() -> None:
    """Kinds the tables state: datatype properties with their ranges, object properties."""
    _vocabulary_text()
    graph = core()
    for names, kind in vocabulary_rows():
        for name in names:
            term, types = expand(name), set(graph.objects(expand(name), RDF.type))
            if kind.startswith("class"):
                assert OWL.Class in types, name
            elif "object property" in kind:
                assert OWL.ObjectProperty in types, name
                if kind.startswith("symmetric"):
                    assert OWL.SymmetricProperty in types, name
            elif kind.startswith(("datatype", "xsd:")):
                assert OWL.DatatypeProperty in types, name
                if kind.startswith("xsd:"):
                    assert graph.value(term, RDFS.range) == expand(kind.strip("`")), name


def test_stated_property_alignments() -> None:
    graph = ontology()
    assert (GKN.conflictsWith, RDF.type, OWL.SymmetricProperty) in graph
    assert rdflib.DCTERMS.isPartOf in ancestors(graph, GKN.partOf, RDFS.subPropertyOf)
    assert rdflib.DCTERMS.source in ancestors(graph, GKN.reportedIn, RDFS.subPropertyOf)
    assert (GKN.measure, RDF.type, QB.DimensionProperty) in graph
    assert (GKN.value, RDF.type, QB.MeasureProperty) in graph
    assert graph.value(GKN.measure, RDFS.domain) == GKN.StatisticObservation


# --- every term of core.ttl --------------------------------------------------------------


@pytest.mark.parametrize("term", core_terms(), ids=lambda t: t.removeprefix(GK))
def test_core_term_is_labelled_and_aligned(term: URIRef) -> None:
    graph = core()
    assert literals(graph, term, RDFS.label, "zh") and literals(graph, term, RDFS.label, "en")
    assert literals(graph, term, SKOS.definition, "en")
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in graph
    if (term, RDF.type, OWL.Class) in graph:
        supers = ancestors(graph, term, RDFS.subClassOf)
        assert any(not s.startswith(GK) for s in supers), f"{term} has no standard superclass"
        return
    supers = ancestors(graph, term, RDFS.subPropertyOf)
    aligned = any(not s.startswith(GK) for s in supers) or bool(
        QB_COMPONENTS & set(graph.objects(term, RDF.type))
    )
    # A property with no standard counterpart must say why in a scope note.
    assert aligned or literals(graph, term, SKOS.scopeNote, "en"), f"{term} is not aligned"


def test_no_term_is_declared_twice_with_different_labels() -> None:
    graph = ontology()
    for term in core_terms():
        for lang in ("zh", "en"):
            assert len(literals(graph, term, RDFS.label, lang)) == 1, (term, lang)


# --- the five-level chain ----------------------------------------------------------------

CHAIN = {
    "StreetPartyWorkingCommittee": (1, "街道党工委"),
    "CommunityPartyOrganization": (2, "社区党组织"),
    "GridPartyBranch": (3, "网格党支部"),
    "BuildingPartyGroup": (4, "楼栋党小组"),
    "GridPartyGroup": (4, "网格党小组"),
    "PartyMemberHousehold": (5, "单元党员中心户"),
}


@pytest.mark.parametrize("local", sorted(CHAIN))
def test_chain_class_points_to_its_level(local: str) -> None:
    rank, label = CHAIN[local]
    graph = ontology()
    cls = GKN[local]
    assert {GKN.PartyOrganization, ORG.Organization} <= ancestors(graph, cls, RDFS.subClassOf)
    assert label in literals(graph, cls, RDFS.label, "zh")
    levels = list(graph.objects(cls, GKN.chainLevel))
    assert levels == [URIRef(f"{GKD}org-chain/{rank}")]
    assert graph.value(levels[0], GKN.rank) == Literal(rank)


def test_chain_levels_ranked_one_to_five() -> None:
    graph = ontology()
    ranks = sorted(
        int(graph.value(graph.value(GKN[local], GKN.chainLevel), GKN.rank))  # type: ignore[arg-type]
        for local in CHAIN
        if local != "GridPartyGroup"
    )
    assert ranks == [1, 2, 3, 4, 5]


def test_org_chain_scheme() -> None:
    graph = schemes()
    scheme = URIRef(GKD + "scheme/org-chain")
    assert {SKOS.ConceptScheme, GKN.Hierarchy} <= set(graph.objects(scheme, RDF.type))
    assert literals(graph, scheme, RDFS.label, "zh") == ["党组织五级链条"]
    labels = ["街道党工委", "社区党组织", "网格党支部", "楼栋党小组", "单元党员中心户"]
    for rank, label in enumerate(labels, 1):
        level = URIRef(f"{GKD}org-chain/{rank}")
        assert (level, RDF.type, GKN.HierarchyLevel) in graph
        assert literals(graph, level, SKOS.prefLabel, "zh") == [label]
        assert literals(graph, level, RDFS.label, "zh") == [label]
        assert graph.value(level, GKN.rank) == Literal(rank)
        above = graph.value(level, SKOS.broader)
        assert above == (URIRef(f"{GKD}org-chain/{rank - 1}") if rank > 1 else None)
    alt = {
        a
        for lvl in graph.subjects(SKOS.inScheme, scheme)
        for a in literals(graph, lvl, SKOS.altLabel)
    }
    assert {
        "网格(小区)党支部",
        "网格（小区）党支部",
        "楼(院)党小组",
        "楼（院）党小组",
        "党员中心户",
    } <= alt


# --- the concept schemes -----------------------------------------------------------------

EXPECTED_SCHEMES = {
    "cadre-rank": ["省级领导", "市级领导", "县级领导", "科级干部", "其他干部"],
    "covered-level": ["市", "县", "街道（乡镇）", "社区（村）", "网格（小区）"],
    "admin-level": ["省级", "市级", "县级", "街道", "社区", "网格", "小区"],
    "theme": [
        "街道（乡镇）管理体制改革",
        "简政放权",
        "网格治理",
        "物业治理",
        "民生服务",
        "警地融合",
    ],
}
UNIT_KINDS = [
    "公安", "住建", "规划", "城管", "市场监管", "企(事)业单位", "社会组织", "物业公司",
    "职能部门", "驻区单位", "学校", "医院", "国有企业", "非公企业",
]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(EXPECTED_SCHEMES))
def test_ranked_scheme_has_its_concepts_in_order(kind: str) -> None:
    graph = schemes()
    scheme = URIRef(f"{GKD}scheme/{kind}")
    for rank, key in enumerate(EXPECTED_SCHEMES[kind], 1):
        concept = iri(kind, key)  # the IRI the loaders mint
        node = URIRef(concept.value)
        assert (node, SKOS.inScheme, scheme) in graph, concept.value
        assert literals(graph, node, SKOS.prefLabel, "zh") == [key]
        assert graph.value(node, GKN.rank) == Literal(rank)
    members = set(graph.subjects(SKOS.inScheme, scheme))
    assert len(members) == len(EXPECTED_SCHEMES[kind])


def test_unit_kinds() -> None:
    graph = schemes()
    scheme = URIRef(GKD + "scheme/unit-kind")
    for key in UNIT_KINDS:
        node = URIRef(iri("unit-kind", key).value)
        assert (node, SKOS.inScheme, scheme) in graph, key
        assert (node, RDF.type, GKN.UnitKind) in graph
    variants = literals(graph, URIRef(iri("unit-kind", "企(事)业单位").value), SKOS.altLabel)
    assert {"企（事）业单位", "企事业单位"} <= set(variants)
    assert graph.value(URIRef(iri("unit-kind", "公安").value), SKOS.broader) == URIRef(
        iri("unit-kind", "职能部门").value
    )


def test_may_cover_pairs() -> None:
    graph = schemes()
    pairs = {
        (str(s).removeprefix(GKD + "cadre-rank/"), str(o).removeprefix(GKD + "covered-level/"))
        for s, o in graph.subject_objects(GKN.mayCover)
    }
    assert pairs == {
        ("省级领导", "市"),
        ("市级领导", "县"),
        ("县级领导", "街道（乡镇）"),
        ("科级干部", "社区（村）"),
        ("其他干部", "网格（小区）"),
    }


def test_theme_variants() -> None:
    graph = schemes()
    node = URIRef(iri("theme", "街道（乡镇）管理体制改革").value)
    assert {"街道(乡镇)管理体制", "街道（乡镇）管理体制", "街道管理体制改革"} <= set(
        literals(graph, node, SKOS.altLabel, "zh")
    )


def test_schemes_are_well_formed() -> None:
    graph = schemes()
    all_schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(all_schemes) == 6
    for scheme in all_schemes:
        for lang in ("zh", "en"):
            assert literals(graph, scheme, RDFS.label, lang), (scheme, lang)
        assert literals(graph, scheme, SKOS.definition, "en")
        assert (scheme, RDFS.isDefinedBy, ONTOLOGY) in graph
    pref_labels: dict[Node, set[str]] = defaultdict(set)
    for concept in set(graph.subjects(RDF.type, SKOS.Concept)):
        where = str(concept)
        prefs = literals(graph, concept, SKOS.prefLabel, "zh")
        assert len(prefs) == 1, where
        assert literals(graph, concept, RDFS.label, "zh") == prefs, where
        assert literals(graph, concept, RDFS.label, "en"), where
        assert prefs[0] not in literals(graph, concept, SKOS.altLabel), where
        assert (concept, RDFS.isDefinedBy, ONTOLOGY) in graph, where
        (scheme,) = graph.objects(concept, SKOS.inScheme)
        assert scheme in all_schemes, where
        assert prefs[0] not in pref_labels[scheme], f"two concepts labelled {prefs[0]}"
        pref_labels[scheme].add(prefs[0])
        broader = list(graph.objects(concept, SKOS.broader))
        is_top = (concept, SKOS.topConceptOf, scheme) in graph
        assert is_top == (not broader), where
        assert is_top == ((scheme, SKOS.hasTopConcept, concept) in graph), where
        for above in broader:
            assert (above, SKOS.inScheme, scheme) in graph, where


def test_scheme_ranks_are_one_to_n() -> None:
    graph = schemes()
    for scheme in set(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        ranks = sorted(
            int(r)  # type: ignore[call-overload]
            for c in graph.subjects(SKOS.inScheme, scheme)
            for r in graph.objects(c, GKN.rank)
        )
        assert ranks in ([], list(range(1, len(ranks) + 1))), scheme


# --- generated term constants ------------------------------------------------------------


def test_terms_module_is_up_to_date() -> None:
    text = Path(terms.__file__).read_text(encoding="utf-8")
    assert gen_terms.render() == text, "run python -m govkg.ontology.gen_terms"


def test_terms_cover_the_vocabulary() -> None:
    _vocabulary_text()
    for curie in vocabulary_terms():
        local = curie.removeprefix("gk:")
        assert getattr(terms.GK, local) == URIRef(GK + local)
    with pytest.raises(AttributeError):
        terms.GK.NoSuchTerm  # noqa: B018 - the attribute access is the test


def test_every_term_the_code_writes_is_declared() -> None:
    """gk("…") in the loaders and the graph layer names a term of the ontology: a misspelt
    property would otherwise be written silently."""
    root = Path(terms.__file__).resolve().parents[1]
    used: dict[str, str] = {}
    for path in sorted([*root.glob("loaders/**/*.py"), *root.glob("graph/**/*.py")]):
        for local in re.findall(
            r"""\bgk\(\s*["']([A-Za-z][A-Za-z0-9]*)["']\s*\)""", path.read_text("utf-8")
        ):
            used.setdefault(local, str(path.relative_to(root)))
    assert used, "no gk(...) calls found: the scan is broken"
    unknown = {local: where for local, where in used.items() if not hasattr(terms.GK, local)}
    assert not unknown, f"terms written but not in the ontology: {unknown}"
