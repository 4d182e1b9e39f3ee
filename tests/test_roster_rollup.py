"""The roll-up linker (roster counts against reported statistics) and the networkx checks of
the unit tree."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.graph.build import BuildContext, Dataset
from govkg.graph.ids import iri
from govkg.loaders.base import A
from govkg.loaders.roster import RollupLinker, agrees, load_rosters
from govkg.loaders.roster_graph import tree_checks, unit_tree
from govkg.ontology import GK, RDFS, SKOS, XSD

FIXTURE = Path(__file__).parent / "fixtures" / "rosters" / "basic"


@pytest.mark.parametrize(
    ("count", "value", "qualifier", "expected"),
    [
        (3438, 3438, "exact", True),
        (3437, 3438, "exact", False),
        (70512, 70000, "approx_more_than", True),
        (69999, 70000, "approx_more_than", False),
        (80000, 70000, "approx_more_than", False),
        (4350, 4300, "approx_more_than", True),
        (4400, 4300, "approx_more_than", False),
        (1020, 1000, "approx_about", True),
        (1600, 1000, "approx_about", False),
        (9500, 10000, "approx_nearly", True),
        (10001, 10000, "approx_nearly", False),
        (75, 75, "percent", False),
    ],
)
def test_agreement_reads_the_qualifier(
    count: int, value: int, qualifier: str, expected: bool
) -> None:
    assert agrees(count, Decimal(value), qualifier) is expected


def _observation(
    g: ox.NamedNode, ds: Dataset, n: int, measure: str, area: ox.NamedNode, value: int, scope: str
) -> None:
    w = ds.graph(g)
    obs = iri("obs", "doc1", n)
    m = iri("measure", measure)
    w.add(obs, A, ox.NamedNode(GK + "StatisticObservation"))
    w.add(obs, ox.NamedNode(GK + "measure"), m)
    w.add(obs, ox.NamedNode(GK + "area"), area)
    w.add(
        obs,
        ox.NamedNode(GK + "value"),
        ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal")),
    )
    w.add(obs, ox.NamedNode(GK + "qualifier"), ox.Literal("exact"))
    w.add(obs, ox.NamedNode(GK + "countScope"), ox.Literal(scope))
    w.add(obs, ox.NamedNode(GK + "reportedIn"), g)
    w.add(m, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(measure, language="zh"))


def test_rollup_compares_roster_counts_with_reported_ones() -> None:
    ds = Dataset()
    for name, graph, _ in load_rosters([FIXTURE]):
        ds.graphs[name] = graph
    doc = iri("doc", "doc1")
    # the report names the area by its label; the roster's id for it is T
    area = iri("area", "示例测试市")
    ds.graph(doc).add(area, ox.NamedNode(RDFS + "label"), ox.Literal("示例测试市", language="zh"))
    _observation(doc, ds, 1, "网格", area, 3, "total")
    _observation(doc, ds, 2, "网格", area, 5, "total")
    _observation(doc, ds, 3, "网格", area, 1, "subset")  # a subset count is not compared
    _observation(doc, ds, 4, "党员中心户", area, 2, "total")
    _observation(doc, ds, 5, "网格员", iri("area", "T-C1"), 2, "total")
    ctx = BuildContext([], ds, [], [FIXTURE])
    report = RollupLinker().link(ctx)
    rows = {(r["area"], r["measure"]): r for r in report.details["rollup"]}
    grids = rows[("示例测试市", "网格")]
    assert grids["roster_count"] == 3
    assert [(e["value"], e["agrees"]) for e in grids["reported"]] == [(3, True), (5, False)]
    assert grids["agrees"] is True
    assert rows[("示例测试市", "党员中心户")]["agrees"] is True
    # areas below the root are compared when a report gives a number for them
    assert rows[("示例一社区", "网格员")]["roster_count"] == 2
    # the root area gets every measure, reported or not
    unreported = rows[("示例测试市", "楼栋党小组")]
    assert unreported["roster_count"] == 1 and unreported["reported"] == []
    assert unreported["agrees"] is None
    assert rows[("示例测试市", "成员单位")]["roster_count"] == 3
    assert rows[("示例测试市", "党建联盟")]["roster_count"] == 2
    assert rows[("示例测试市", "街道")]["roster_count"] == 2


def test_rollup_without_rosters_reports_nothing() -> None:
    report = RollupLinker().link(BuildContext([], Dataset(), [], []))
    assert report.details == {} and report.read == 0


def test_unit_tree_checks() -> None:
    g = unit_tree(
        [
            ("s", "", "街道党工委"),
            ("c", "s", "社区党组织"),
            ("b", "c", "网格党支部"),
            ("b2", "c", "网格党支部"),
            ("x", "", "网格党支部"),  # no parent, and not a root kind
            ("y", "gone", "楼栋党小组"),  # parent not in the roster
        ]
    )
    checks = tree_checks(g)
    assert checks["max_depth"] == 3
    assert checks["orphans"] == ["x", "y"]
    assert checks["branching"]["社区党组织"] == {"units": 1, "min": 2, "mean": 2, "max": 2}
    assert checks["depth_by_kind"]["网格党支部"] == {3: 2}
    assert checks["is_forest"]
