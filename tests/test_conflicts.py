"""The conflict linker: which pairs of reported numbers disagree, pinned by shape on made-up
observation records, on a made-up dataset and on two made-up reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.graph.build import BuildContext, Dataset
from govkg.graph.ids import iri
from govkg.loaders.base import A, GraphWriter
from govkg.loaders.conflicts import (
    ConflictLinker,
    Observation,
    Verdict,
    cues,
    judge,
    value_bounds,
)
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.lexicon import lexicon
from govkg.ontology import GK, XSD

MEASURE = "https://w3id.org/govkg/id/measure/网格"
AREA = "https://w3id.org/govkg/id/area/示例市"


def _obs(
    value: str,
    doc: str = "d1",
    statement: str = "",
    *,
    unit: str = "个",
    qualifier: str = "exact",
    scope: str = "total",
    value_max: str | None = None,
    measure_text: str = "网格",
    quote: str = "",
) -> Observation:
    return Observation(
        iri=f"https://w3id.org/govkg/id/obs/{doc}/{value}",
        doc=doc,
        measure=MEASURE,
        area=AREA,
        value=Decimal(value),
        value_max=Decimal(value_max) if value_max is not None else None,
        unit=unit,
        qualifier=qualifier,
        scope=scope,
        statement=statement or f"{doc}/statement-of-{value}",
        measure_text=measure_text,
        quote=quote or f"{measure_text}{value}{unit}",
    )


def _judge(a: Observation, b: Observation) -> Verdict:
    return judge(a, b, "网格", lexicon().units, cues())


# --- what is not a disagreement ---------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        # one sentence: before and after (由80%提高到95%), never a conflict
        (
            _obs("80", "d1", "d1/s1", unit="%"),
            _obs("95", "d1", "d1/s1", unit="%"),
            "same_statement",
        ),
        # 项 and 条 are both counters of the count group, but of different things
        (_obs("6", "d1", unit="项"), _obs("11", "d2", unit="条"), "different_counter"),
        (_obs("6", "d1", unit="个"), _obs("11", "d2", unit="家"), "different_counter"),
        # a range holds every value inside it
        (_obs("30", "d1", value_max="50"), _obs("42", "d2"), "range_contains_value"),
        # those that did something are a part of all there are
        (_obs("95", "d1", scope="subset"), _obs("300", "d2"), "not_a_total"),
        # 城区网格 counts the urban part of the area only
        (_obs("215", "d1", measure_text="城区网格"), _obs("300", "d2"), "part_of_area"),
        (_obs("300", "d1"), _obs("300", "d2"), "same_value"),
        # 余: less than one more of the last digit written
        (
            _obs("4300", "d1", qualifier="approx_more_than", quote="网格4300余个"),
            _obs("4350", "d2"),
            "within_approximation",
        ),
        # 以上 and 超过 set no upper bound
        (
            _obs("3000", "d1", qualifier="approx_more_than", quote="网格3000个以上"),
            _obs("8000", "d2"),
            "within_approximation",
        ),
        (
            _obs("120", "d1", qualifier="approx_about", quote="约120个网格"),
            _obs("126", "d2"),
            "within_approximation",
        ),
        (
            _obs("900", "d1", qualifier="approx_nearly", quote="近900个网格"),
            _obs("850", "d2"),
            "within_approximation",
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_refused_by_shape(a: Observation, b: Observation, reason: str) -> None:
    assert _judge(a, b) == Verdict(False, reason)
    assert _judge(b, a) == Verdict(False, reason)  # the order of the two does not matter


def test_numbers_whose_measure_was_not_found_are_not_compared() -> None:
    verdict = judge(_obs("300", "d1"), _obs("280", "d2"), "未说明指标", lexicon().units, cues())
    assert verdict == Verdict(False, "measure_unstated")


# --- what is -------------------------------------------------------------------------------


def test_two_documents_with_different_totals_are_linked_with_why() -> None:
    verdict = _judge(_obs("300", "d1"), _obs("280", "d2"))
    assert verdict.linked and verdict.rule == "across_documents"
    assert verdict.why.startswith("different documents report different totals")
    assert "网格300个" in verdict.why and "网格280个" in verdict.why


def test_one_document_in_two_statements_is_linked_within_it() -> None:
    verdict = _judge(_obs("300", "d1", "d1/s1"), _obs("280", "d1", "d1/s2"))
    assert verdict.linked and verdict.rule == "within_document"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # 4300余 is 4300 to 4400: a count of the same order but beyond it disagrees
        (
            _obs("4300", "d1", qualifier="approx_more_than", quote="网格4300余个"),
            _obs("8100", "d2"),
        ),
        (_obs("120", "d1", qualifier="approx_about", quote="约120个网格"), _obs("140", "d2")),
        # 近 is at most the number
        (_obs("900", "d1", qualifier="approx_nearly", quote="近900个网格"), _obs("950", "d2")),
        (_obs("30", "d1", value_max="50"), _obs("70", "d2")),
        # people are people whether counted in 人 or in 名
        (_obs("300", "d1", unit="人"), _obs("280", "d2", unit="名")),
        (_obs("12", "d1", unit="栋"), _obs("15", "d2", unit="幢")),
    ],
)
def test_values_that_cannot_both_hold_are_linked(a: Observation, b: Observation) -> None:
    assert _judge(a, b).linked
    assert _judge(b, a).linked


@pytest.mark.parametrize(
    ("value", "quote", "bounds"),
    [
        ("110000", "11万余人", ("110000", "120000")),
        ("100", "百余场", ("100", "200")),
        ("4300", "4300多户", ("4300", "4400")),
        ("3000", "超过3000户", ("3000", None)),
        ("4300", "4300餘人", ("4300", "4400")),  # traditional script
    ],
)
def test_more_than_reaches_to_the_last_digit_written(
    value: str, quote: str, bounds: tuple[str, str | None]
) -> None:
    o = _obs(value, qualifier="approx_more_than", quote=quote)
    lo, hi = value_bounds(o, cues())
    assert (lo, hi) == (Decimal(bounds[0]), Decimal(bounds[1]) if bounds[1] else None)


def test_thresholds_are_data() -> None:
    c = cues()
    assert c.tolerance["approx_about"] == (Decimal("0.10"), Decimal("0.10"))
    assert "person" in c.comparable_groups and "count" not in c.comparable_groups
    assert set(c.link_why) == set(c.link_property) == {"across_documents", "within_document"}


# --- the linker on a dataset ----------------------------------------------------------


def _doc(doc_id: str, text: str = "") -> CorpusDocument:
    return CorpusDocument(doc_id, Path(f"{doc_id}.txt"), text, "0", {"area": "吉林市"})


def _write_obs(g: GraphWriter, o: Observation) -> None:
    s = ox.NamedNode(o.iri)
    span = iri("span", o.doc, str(o.value))
    g.add(s, A, ox.NamedNode(GK + "StatisticObservation"))
    for p, v in (("measure", o.measure), ("area", o.area), ("statement", o.statement)):
        g.add(s, ox.NamedNode(GK + p), ox.NamedNode(v))
    g.add(s, ox.NamedNode(GK + "reportedIn"), g.name)
    g.add(
        s,
        ox.NamedNode(GK + "value"),
        ox.Literal(str(o.value), datatype=ox.NamedNode(XSD + "decimal")),
    )
    for p, text in (("unit", o.unit), ("qualifier", o.qualifier), ("countScope", o.scope)):
        g.lit(s, ox.NamedNode(GK + p), text)
    g.lit(s, ox.NamedNode(GK + "measureText"), o.measure_text)
    g.add(s, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), span)
    g.lit(span, ox.NamedNode(GK + "quote"), o.quote)
    g.lit(span, ox.NamedNode(GK + "start"), 0)


def test_linker_writes_the_rule_and_reports_why() -> None:
    d1, d2 = _doc("901_a"), _doc("902_b")
    ds = Dataset()
    a = _obs("300", d1.doc_id, "https://w3id.org/govkg/id/span/901_a/s1")
    a_after = _obs("320", d1.doc_id, "https://w3id.org/govkg/id/span/901_a/s1")
    b = _obs("280", d2.doc_id, "https://w3id.org/govkg/id/span/902_b/s1")
    b_items = _obs("17", d2.doc_id, "https://w3id.org/govkg/id/span/902_b/s2", unit="条")
    for doc, o in ((d1, a), (d1, a_after), (d2, b), (d2, b_items)):
        _write_obs(ds.graph(doc.iri), o)
    report = ConflictLinker().link(BuildContext([d1, d2], ds, [], []))

    def linked(x: Observation, p: str) -> set[str]:
        g = ds.graph(d1.iri if x.doc == d1.doc_id else d2.iri)  # each link in its subject's graph
        return {
            t.object.value for t in g if t.subject.value == x.iri and t.predicate.value == GK + p
        }

    assert linked(a, "conflictsWith") == linked(a, "conflictsAcrossDocuments") == {b.iri}
    assert linked(b, "conflictsWith") == {a.iri, a_after.iri}
    assert linked(a_after, "conflictsWithinDocument") == set()
    [entry] = report.details["conflicts"]
    assert entry["rule"] == "across_documents"
    assert entry["why"] == "different documents report different totals"
    assert {(lk["a"], lk["b"]) for lk in entry["links"]} == {(a.iri, b.iri), (a_after.iri, b.iri)}
    assert all(lk["why"].startswith(entry["why"] + ": ") for lk in entry["links"])
    # 300 → 320 in one sentence; 17条 against the others' 个
    assert report.details["refused"] == {"same_statement": 1, "different_counter": 3}
    assert report.details["pairs"] == 2


def test_two_made_up_reports() -> None:
    """The text loader's observations, statements and quotes, read by the linker."""
    from govkg.loaders.text import TextLoader

    docs = [
        _doc("903_c", "全市共建立党建联盟120个。全市居民满意度由80%提高到95%。"),
        _doc("904_d", "全市共建立党建联盟95个。"),
    ]
    ds = Dataset()
    loader = TextLoader()
    for d in docs:
        loader.load(d, ds.graph(d.iri))
    report = ConflictLinker().link(BuildContext(docs, ds, [], []))
    [entry] = report.details["conflicts"]
    assert entry["measure"] == "党建联盟" and entry["rule"] == "across_documents"
    assert sorted(v["value"] for v in entry["values"]) == [95.0, 120.0]
    assert report.details["refused"].get("same_statement", 0) >= 1
