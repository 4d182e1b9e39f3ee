"""The Python API (govkg.graph.api) on the corpus build: queries with bindings, statistics,
conflicts, sources, views, networkx projections, Cypher delegation, and its doctests."""

from __future__ import annotations

import doctest
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyoxigraph as ox
import pytest

from govkg.graph import api
from govkg.graph.api import CypherUnavailable, KnowledgeGraph, iri, zh
from govkg.graph.build import BuildError
from govkg.graph.sparql import QueryError
from govkg.ontology import GKD


@pytest.fixture(scope="module")
def kg(corpus_build: Path) -> KnowledgeGraph:
    return KnowledgeGraph.open(corpus_build)


def _doc_text(corpus_dir: Path, doc: str) -> str:
    return (corpus_dir / f"{doc}.txt").read_bytes().decode("utf-8")


# -------------------------------------------------------------------------------- opening


def test_open_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="govkg build"):
        KnowledgeGraph.open(tmp_path / "nothing")


def test_open_exposes_the_report(kg: KnowledgeGraph) -> None:
    assert kg.report["validation"]["conforms"] is True
    assert kg.report["entities"]["SourceDocument"] == 5


def test_build_with_rejected_input_raises(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    victim = sorted(corpus.glob("*.txt"))[0]
    victim.write_bytes("社区党组织".encode() + b"\x80\xff\xfe")  # text in no encoding read
    with pytest.raises(BuildError, match=victim.name):
        KnowledgeGraph.build(corpus, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -------------------------------------------------------------------------------- SPARQL


def test_sparql_returns_a_dataframe_with_bound_values(kg: KnowledgeGraph) -> None:
    df = kg.sparql(
        """SELECT DISTINCT ?m ?area ?value WHERE {
             ?o gk:measure/skos:prefLabel ?m ; gk:area/rdfs:label ?area ; gk:value ?value }
           ORDER BY DESC(?value)""",
        area=zh("吉林市"),
        m=zh("网格"),
    )
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["m", "area", "value"]
    assert df["value"].tolist() == [3438, 2766]


@pytest.mark.parametrize(
    "hostile",
    ['"} . ?s ?p ?o {', '网格" . } #', "\\u0022) DETACH DELETE n //", "a\nb", "<script>"],
)
def test_bound_strings_are_matched_literally(kg: KnowledgeGraph, hostile: str) -> None:
    df = kg.sparql("SELECT ?id ?d WHERE { ?d gk:docId ?id }", id=hostile)
    assert df.empty
    assert list(df.columns) == ["id", "d"]


def test_a_bound_variable_must_be_selected(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="add it to the SELECT clause"):
        kg.sparql("SELECT ?d WHERE { ?d gk:docId ?id }", id="000_9a7ae06e4773128d")


def test_ask_and_construct(kg: KnowledgeGraph) -> None:
    yes = kg.sparql("ASK { ?d gk:docId ?id }", id="000_9a7ae06e4773128d")
    no = kg.sparql("ASK { ?d gk:docId ?id }", id="nope")
    assert yes["result"].tolist() == [True] and no["result"].tolist() == [False]
    triples = kg.sparql(
        "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a rdfs:label ?l }", a=iri("gkd:area/220200")
    )
    assert list(triples.columns) == ["subject", "predicate", "object"]
    assert "吉林市" in set(triples["object"])


def test_syntax_error_is_a_query_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="syntax"):
        kg.sparql("SELECT WHERE {")


@pytest.mark.parametrize(
    ("value", "datatype"),
    [
        (7, "integer"),
        (True, "boolean"),
        (2.5, "double"),
        (Decimal("68900"), "decimal"),
        ("网格", "string"),
    ],
)
def test_python_values_bind_as_typed_literals(value: Any, datatype: str) -> None:
    term = api._term("x", value)
    assert isinstance(term, ox.Literal)
    assert term.datatype.value.endswith("#" + datatype)


def test_unbindable_value_is_a_type_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(TypeError, match="cannot bind"):
        kg.sparql("SELECT ?x WHERE { ?s ?p ?x }", x=["a list"])


def test_iri_expands_prefixed_names() -> None:
    assert iri("gkd:area/吉林市").value == GKD + "area/吉林市"
    assert iri("https://example.org/x").value == "https://example.org/x"
    with pytest.raises(ValueError, match="known prefix"):
        iri("nope:thing")


# -------------------------------------------------------------------------------- facts


def test_statistics_cq09_grids_per_source(kg: KnowledgeGraph) -> None:
    grids = kg.statistics(measure="网格", area="吉林市")
    assert list(grids.columns) == [
        "observation",
        "measure",
        "area",
        "value",
        "value_max",
        "unit",
        "qualifier",
        "doc",
        "start",
        "end",
        "quote",
        "conflicts",
    ]
    by_doc = {d[:3]: v for d, v in zip(grids["doc"], grids["value"], strict=True)}
    assert by_doc == {"000": 3438, "002": 3438, "004": 2766}
    assert (grids["conflicts"] >= 1).all()


def test_statistics_filter_matches_wording_variants(kg: KnowledgeGraph) -> None:
    by_pref = kg.statistics(measure="党建联盟", area="吉林市")
    by_alt = kg.statistics(measure="联盟", area="吉林市")
    assert by_pref["observation"].tolist() == by_alt["observation"].tolist()
    assert set(by_pref["value"]) >= {601, 358}


def test_statistics_quotes_are_the_document_text(kg: KnowledgeGraph, corpus_dir: Path) -> None:
    stats = kg.statistics(area="吉林市")
    assert len(stats) > 50
    texts: dict[str, str] = {}
    for row in stats.itertuples():
        text = texts.setdefault(row.doc, _doc_text(corpus_dir, row.doc))
        assert text[row.start : row.end] == row.quote


@pytest.mark.parametrize(
    ("measure", "values"),
    [
        ("党建联盟", {601, 358}),
        ("成员单位", {1922, 1972}),
        ("社区", {289, 287}),
        ("网格", {3438, 2766}),
    ],
)
def test_conflicts_cq10(kg: KnowledgeGraph, measure: str, values: set[int]) -> None:
    c = kg.conflicts()
    rows = c[(c["measure"] == measure) & (c["area"] == "吉林市")]
    assert values <= set(rows["value"])
    # the disagreeing values are in one group
    groups = set(rows[rows["value"].isin(values)]["group"])
    assert len(groups) == 1


def test_conflict_groups_are_numbered_in_order(kg: KnowledgeGraph) -> None:
    c = kg.conflicts()
    assert list(c.columns[:2]) == ["group", "observation"]
    firsts = c.drop_duplicates("group")
    assert firsts["group"].tolist() == list(range(1, len(firsts) + 1))
    assert (c.groupby("group")["observation"].count() >= 2).all()


def test_sources_cq11_household_count(kg: KnowledgeGraph, corpus_dir: Path) -> None:
    obs = kg.statistics(measure="党员中心户", area="吉林市")
    assert obs["value"].tolist() == [16391, 16391]
    seen = set()
    for o in obs["observation"]:
        spans = kg.sources(o)
        assert list(spans.columns) == ["doc", "start", "end", "quote", "row", "span"]
        assert len(spans) == 1
        span = spans.iloc[0]
        assert "党员中心户16391个" in span["quote"]
        assert _doc_text(corpus_dir, span["doc"])[span["start"] : span["end"]] == span["quote"]
        seen.add(span["doc"][:3])
    assert seen == {"000", "002"}


def test_sources_of_reference_data_is_empty(kg: KnowledgeGraph) -> None:
    assert kg.sources("gkd:org-chain/1").empty


def test_sources_of_a_structure(kg: KnowledgeGraph) -> None:
    spans = kg.sources(iri("gkd:system/五级包保/1"))
    assert not spans.empty
    assert spans["quote"].str.contains("省级").all()


# -------------------------------------------------------------------------------- views


def test_view_inline_embeds_the_page(kg: KnowledgeGraph) -> None:
    frame = kg.view("org-chain", height=300)
    page = (kg.out_dir / "views" / "org-chain.html").read_text(encoding="utf-8")
    assert "height:300px" in frame.data
    # the page goes in escaped, as an attribute value
    assert "<script" not in frame.data.split("srcdoc=", 1)[1]
    assert len(frame.data) > len(page)


def test_view_by_path(kg: KnowledgeGraph) -> None:
    frame = kg.view("baobao.html", inline=False)
    assert frame.src.endswith("baobao.html")
    assert Path(frame.src).resolve() == (kg.out_dir / "views" / "baobao.html").resolve()


def test_unknown_view_lists_the_views(kg: KnowledgeGraph) -> None:
    assert {"index", "org-chain", "alliances", "baobao"} <= set(kg.views())
    with pytest.raises(KeyError, match="org-chain"):
        kg.view("nope")


# -------------------------------------------------------------------------------- networkx


def test_chain_cq01_and_cq02(kg: KnowledgeGraph) -> None:
    g = kg.to_networkx("chain")
    assert isinstance(g, nx.DiGraph)
    top = GKD + "org-chain/1"
    path = [g.nodes[n]["label"] for n in nx.dfs_preorder_nodes(g, top)]
    assert path == ["街道党工委", "社区党组织", "网格党支部", "楼栋党小组", "单元党员中心户"]
    stated = GKD + "hierarchy/五级组织体系"
    assert g.nodes[stated]["kind"] == "Hierarchy"
    levels = {g.nodes[n]["label"]: n for n in nx.descendants(g, stated)}
    building = levels["楼栋党小组"]
    assert [g.nodes[p]["label"] for p in g.predecessors(building)] == ["网格党支部"]
    assert [g.nodes[s]["label"] for s in g.successors(building)] == ["单元党员中心户"]
    assert nx.dag_longest_path_length(g.subgraph(nx.descendants(g, stated) | {stated})) == 5


def test_alliance_graph_cq08(kg: KnowledgeGraph) -> None:
    g = kg.to_networkx("alliance")
    label = {n: g.nodes[n]["label"] for n in g}
    street = GKD + "alliance/街道党建联盟"
    community = GKD + "alliance/社区党建联盟"
    assert g.nodes[street]["bipartite"] == 0
    assert {"公安", "住建", "规划", "城管", "市场监管"} <= {label[m] for m in g[street]}
    assert {"物业公司", "社会组织"} <= {label[m] for m in g[community]}


def test_all_graph_has_no_type_edges(kg: KnowledgeGraph) -> None:
    g = kg.to_networkx("all")
    assert isinstance(g, nx.MultiDiGraph)
    predicates = {d["predicate"] for _, _, d in g.edges(data=True)}
    assert {"wasDerivedFrom", "measure", "inDocument", "broader"} <= predicates
    assert "type" not in predicates and "subClassOf" not in predicates
    obs = kg.statistics(measure="网格", area="吉林市")["observation"][0]
    assert "StatisticObservation" in g.nodes[obs]["types"]


def test_unknown_network_kind(kg: KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        kg.to_networkx("everything")


# -------------------------------------------------------------------------------- Cypher


class RecordingBackend:
    """A Cypher backend that records what it was asked and answers fixed rows."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def run(
        self, query: str, params: dict[str, Any] | None = None
    ) -> tuple[list[str], list[dict[str, Any]]]:
        self.calls.append((query, dict(params or {})))
        return ["below"], [{"below": "单元党员中心户"}]


def test_cypher_passes_params_apart_from_the_query(corpus_build: Path) -> None:
    backend = RecordingBackend()
    kg = KnowledgeGraph.open(corpus_build, cypher_backend=backend)
    query = "MATCH (l)-[:BROADER]->({label_zh: $name}) RETURN l.label_zh AS below"
    df = kg.cypher(query, name="楼栋党小组")
    assert backend.calls == [(query, {"name": "楼栋党小组"})]
    assert df.to_dict("records") == [{"below": "单元党员中心户"}]


def test_cypher_without_a_layer_is_a_clear_error(
    corpus_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "CYPHER_MODULE", "govkg.graph.no_such_module")
    kg = KnowledgeGraph.open(corpus_build)
    with pytest.raises(CypherUnavailable, match="not installed"):
        kg.cypher("RETURN 1 AS one")


@pytest.mark.server
@pytest.mark.skipif(
    not api.cypher_layer_available(),
    reason="the Cypher layer (govkg.graph.mirror) is not in this checkout",
)
def test_cypher_cq02_on_the_local_server(corpus_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(corpus_build, out)  # the local server keeps its data in the output folder
    with KnowledgeGraph.open(out) as kg:
        df = kg.cypher(
            "MATCH (l:HierarchyLevel {label_zh: $level}) "
            "OPTIONAL MATCH (l)-[:BROADER]->(up:HierarchyLevel) "
            "OPTIONAL MATCH (down:HierarchyLevel)-[:BROADER]->(l) "
            "RETURN DISTINCT up.label_zh AS above, down.label_zh AS below",
            level="楼栋党小组",
        )
        assert df.to_dict("records") == [{"above": "网格党支部", "below": "单元党员中心户"}]
        # values go in as parameters: a hostile string is only a string
        hostile = kg.cypher(
            "MATCH (n {label_zh: $name}) RETURN count(n) AS n", name="'}) DETACH DELETE n //"
        )
        assert hostile["n"].tolist() == [0]
        again = kg.cypher("MATCH (n:StatisticObservation) RETURN count(n) AS n")
        assert again["n"].tolist() == [len(kg.statistics())]
    server_state = out / "cypher" / "server.json"
    assert not server_state.exists()  # the server was stopped on close


# -------------------------------------------------------------------------------- doctests


@pytest.mark.server
def test_doctests_of_the_api() -> None:
    try:
        result = doctest.testmod(api, optionflags=doctest.ELLIPSIS, verbose=False)
    finally:
        api.example_graph().close()  # stop the Cypher server the examples started
    assert result.attempted > 20
    assert result.failed == 0


# -------------------------------------------------------------------------------- rosters

ROSTER_TTL = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix unit: <https://w3id.org/govkg/id/unit/> .
@prefix x: <https://w3id.org/govkg/id/test/> .
@prefix alliance: <https://w3id.org/govkg/id/alliance/> .
@prefix area: <https://w3id.org/govkg/id/area/> .
@prefix level: <https://w3id.org/govkg/id/admin-level/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

unit:s1 a gk:StreetPartyWorkingCommittee ; rdfs:label "示例街道党工委"@zh .
unit:c1 a gk:CommunityPartyOrganization ; org:subOrganizationOf unit:s1 ;
    rdfs:label "甲社区党委"@zh .
unit:c2 a gk:CommunityPartyOrganization ; org:subOrganizationOf unit:s1 ;
    rdfs:label "乙社区党委"@zh .
unit:g1 a gk:GridPartyBranch ; org:subOrganizationOf unit:c1 ; rdfs:label "一网格"@zh .
unit:g2 a gk:GridPartyBranch ; org:subOrganizationOf unit:c1 ; rdfs:label "二网格"@zh .
unit:g3 a gk:GridPartyBranch ; org:subOrganizationOf unit:c2 ; rdfs:label "三网格"@zh .
area:g1 gk:administrativeLevel level:网格 ; gk:partOf area:c1 ; rdfs:label "一网格"@zh .
area:g2 gk:administrativeLevel level:网格 ; gk:partOf area:c1 ; rdfs:label "二网格"@zh .
area:g3 gk:administrativeLevel level:网格 ; gk:partOf area:c2 ; rdfs:label "三网格"@zh .
x:assignment-1 a gk:ResponsibilityAssignment ; gk:cadre x:cadre-k1 ;
    gk:coveredUnit area:g1 ; prov:wasDerivedFrom x:row-7 .
x:row-7 a gk:RosterRow ; gk:rowNumber 7 ; gk:inDocument x:roster .
x:roster a gk:SourceDocument ; gk:docId "fixture.assignments.csv" .
alliance:a1 a gk:Alliance ; rdfs:label "示例联盟"@zh .
x:membership-c1 a org:Membership ; org:organization alliance:a1 ;
    org:member unit:c1 ; gk:role "牵头" .
x:membership-c2 a org:Membership ; org:organization alliance:a1 ;
    org:member unit:c2 ; gk:role "成员" .
"""


@pytest.fixture
def roster_kg(tmp_path: Path) -> KnowledgeGraph:
    from govkg.ontology import ONTOLOGY_IRI, ontology_triples

    store = ox.Store()
    onto = ox.NamedNode(ONTOLOGY_IRI)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, onto) for t in ontology_triples())
    roster = ox.NamedNode(GKD + "doc/roster-fixture")
    for t in ox.parse(ROSTER_TTL, format=ox.RdfFormat.TURTLE):
        store.add(ox.Quad(t.subject, t.predicate, t.object, roster))
    return KnowledgeGraph(tmp_path, store)


def test_chain_holds_the_roster_unit_tree(roster_kg: KnowledgeGraph) -> None:
    g = roster_kg.to_networkx("chain")
    unit = GKD + "unit/"
    assert set(g.successors(unit + "s1")) == {unit + "c1", unit + "c2"}
    assert set(g.successors(unit + "c1")) == {unit + "g1", unit + "g2"}
    assert g.nodes[unit + "g3"]["kind"] == "GridPartyBranch"
    assert g.nodes[unit + "g3"]["rank"] == 3
    assert g.nodes[unit + "g3"]["level"] == GKD + "org-chain/3"
    assert g.nodes[unit + "c2"]["label"] == "乙社区党委"
    assert g.edges[unit + "s1", unit + "c1"]["relation"] == "subOrganizationOf"
    units = [n for n, k in g.nodes(data="kind") if k not in ("Hierarchy", "HierarchyLevel")]
    assert nx.dag_longest_path_length(g.subgraph(units)) == 2


def test_alliance_graph_with_roster_members(roster_kg: KnowledgeGraph) -> None:
    g = roster_kg.to_networkx("alliance")
    alliance = GKD + "alliance/a1"
    assert {g.edges[alliance, m]["role"] for m in g[alliance]} == {"牵头", "成员"}
    assert nx.degree_centrality(g)[alliance] == 1.0


def test_uncovered_grids_from_the_roster(roster_kg: KnowledgeGraph) -> None:
    # the question notebook 03 asks: which grids does no cadre cover?
    grids = roster_kg.sparql(
        """SELECT ?level ?grid ?name WHERE {
             ?grid gk:administrativeLevel ?level ; rdfs:label ?name .
             FILTER NOT EXISTS { ?a gk:coveredUnit ?grid } } ORDER BY ?name""",
        level=iri("gkd:admin-level/网格"),
    )
    assert grids["name"].tolist() == ["三网格", "二网格"]


def test_sources_of_a_roster_resource(roster_kg: KnowledgeGraph) -> None:
    spans = roster_kg.sources(iri("gkd:test/assignment-1"))
    assert spans[["doc", "row"]].values.tolist() == [["fixture.assignments.csv", 7]]
    assert spans[["start", "end", "quote"]].isna().all().all()
