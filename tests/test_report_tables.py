"""Tables inside reports (web copies keep them as lines of cells): every figure of a table is a
statistic with its column's (or row's) measure, its unit, its place and, where a header names
a year, that year; figures the loader cannot give a unit are listed, never dropped silently.
All tables here are made up."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from govkg.loaders.base import GraphWriter
from govkg.loaders.conflicts import Observation, cues, judge
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.report_tables import read_tables
from govkg.loaders.text import TextLoader
from govkg.ontology import GKD


def _load(text: str, area: str = "湖北省武汉市洪山区") -> tuple[list[dict[str, str]], dict]:
    doc = CorpusDocument("905_table", Path("905_table.txt"), text, "0", {"area": area})
    graph = GraphWriter(doc.iri)
    report = TextLoader().load(doc, graph).to_dict()
    by_subject: dict[str, dict[str, str]] = {}
    for t in graph:
        if "/obs/" in t.subject.value:
            key = t.predicate.value.rsplit("#", 1)[-1]
            by_subject.setdefault(t.subject.value, {})[key] = t.object.value
    return sorted(by_subject.values(), key=lambda o: Decimal(o["value"])), report


DISTRICT = GKD + "area/420111"

TAB = "\t"
STREETS = (
    "表1 各街道网格设置（单位：个）\n"
    f"街道{TAB}网格数{TAB}微网格数\n"
    f"关东街道{TAB}120{TAB}310\n"
    f"花山街道{TAB}98{TAB}254\n"
    f"合计{TAB}218{TAB}564\n"
)


def test_each_figure_of_a_table_counts_its_columns_header_in_its_rows_place() -> None:
    obs, _ = _load("全区网格化治理情况如下。\n" + STREETS)
    got = {(Decimal(o["value"]), o["measureText"], o["unit"], o["area"]) for o in obs}
    assert got == {
        (Decimal(120), "网格", "个", DISTRICT + "/关东街道"),
        (Decimal(310), "微网格", "个", DISTRICT + "/关东街道"),
        (Decimal(98), "网格", "个", DISTRICT + "/花山街道"),
        (Decimal(254), "微网格", "个", DISTRICT + "/花山街道"),
        (Decimal(218), "网格", "个", DISTRICT),
        (Decimal(564), "微网格", "个", DISTRICT),
    }


@pytest.mark.parametrize(
    "text",
    [
        "街道 | 网格员数（名） | 覆盖率\n关东街道 | 135 | 98.5%\n花山街道 | 104 | 97.2%\n",
        "|街道|网格员数（名）|覆盖率|\n|关东街道|135|98.5%|\n|花山街道|104|97.2%|\n",
    ],
)
def test_units_in_the_header_or_the_cell_and_pipes_between_cells(text: str) -> None:
    obs, _ = _load(text)
    got = {(Decimal(o["value"]), o["measureText"], o["unit"]) for o in obs}
    assert got == {
        (Decimal(135), "网格员", "名"),
        (Decimal(104), "网格员", "名"),
        (Decimal("98.5"), "覆盖率", "%"),
        (Decimal("97.2"), "覆盖率", "%"),
    }


def test_a_header_of_years_puts_the_measure_in_the_rows_and_the_year_on_each_figure() -> None:
    text = f"指标{TAB}2024年{TAB}2025年\n受理诉求（件）{TAB}1820{TAB}2310\n"
    obs, _ = _load(text)
    got = [(Decimal(o["value"]), o["measureText"], o["unit"], o.get("refPeriod")) for o in obs]
    assert got == [
        (Decimal(1820), "受理诉求", "件", "2024"),
        (Decimal(2310), "受理诉求", "件", "2025"),
    ]


def test_a_header_of_places_puts_each_figure_in_its_columns_place() -> None:
    text = f"指标{TAB}关东街道{TAB}花山街道\n网格数（个）{TAB}120{TAB}98\n"
    obs, _ = _load(text)
    assert [(o["measureText"], o["area"]) for o in obs] == [
        ("网格", DISTRICT + "/花山街道"),
        ("网格", DISTRICT + "/关东街道"),
    ]


def test_a_figure_with_no_unit_anywhere_is_listed_not_dropped() -> None:
    """No unit in the table: the report's own count of the measure lends its unit; where
    there is none, the figure is listed with the reason."""
    table = f"街道{TAB}网格员数{TAB}楼栋数\n关东街道{TAB}135{TAB}80\n花山街道{TAB}104{TAB}66\n"
    obs, report = _load("全区共有网格员436名。\n" + table)
    units = {Decimal(o["value"]): o["unit"] for o in obs}
    assert units == {Decimal(104): "名", Decimal(135): "名", Decimal(436): "名"}
    listed = {r["text"]: r["why"] for r in report["details"]["numbers_not_statistics"]}
    assert set(listed) == {"80", "66"}
    assert all("unit" in why for why in listed.values())


def test_a_table_measure_takes_the_one_unit_of_its_kinds_in_the_report() -> None:
    """The report counts only kinds of the measure (专职网格员…名, 兼职网格员…名; 基础网格…个,
    微网格…个): their one unit is the table's; kinds counted in two units lend none."""
    table = f"街道{TAB}网格数{TAB}网格员数\n关东街道{TAB}135{TAB}80\n花山街道{TAB}104{TAB}66\n"
    prose = "全区划分基础网格900个、微网格3000个，配备专职网格员500名、兼职网格员800名。\n"
    obs, _ = _load(prose + table)
    units = {Decimal(o["value"]): o["unit"] for o in obs}
    assert {v: units[Decimal(v)] for v in (135, 104, 80, 66)} == {
        135: "个",
        104: "个",
        80: "名",
        66: "名",
    }
    mixed = "全区有高层楼栋120栋、老旧楼栋300座。\n"
    obs, report = _load(mixed + f"街道{TAB}楼栋数\n关东街道{TAB}80\n花山街道{TAB}66\n")
    assert {Decimal(o["value"]) for o in obs} == {Decimal(120), Decimal(300)}
    assert {r["text"] for r in report["details"]["numbers_not_statistics"]} == {"80", "66"}


def test_lines_of_a_page_or_of_prose_are_no_table() -> None:
    text = (
        "发布时间：2026-03-14  来源：某区融媒体中心\n"
        "全区共有网格员436名，  其中专职网格员300名。\n"
        "首页  新闻  基层动态\n"
    )
    assert read_tables(text) == []


def test_figures_of_different_years_are_no_conflict() -> None:
    def obs(iri: str, value: int, period: str, statement: str) -> Observation:
        return Observation(
            iri, "905", GKD + "measure/网格员", DISTRICT, Decimal(value), unit="名",
            statement=statement, period=period,
        )  # fmt: skip

    unit_group = {"名": "person"}
    c = cues()
    a, b = obs("a", 400, "2024", "s1"), obs("b", 436, "", "s2")
    assert judge(a, b, "网格员", unit_group, c).rule == "different_period"
    assert judge(obs("c", 400, "", "s3"), b, "网格员", unit_group, c).linked


def test_a_serial_number_column_and_an_empty_cell_keep_the_columns_in_place() -> None:
    text = (
        f"序号{TAB}街道{TAB}网格数（个）{TAB}专职网格员（名）\n"
        f"1{TAB}关东街道{TAB}45{TAB}90\n"
        f"2{TAB}花山街道{TAB}38{TAB}76\n"
        f"合计{TAB}{TAB}83{TAB}166\n"
    )
    obs, _ = _load(text)
    got = {(Decimal(o["value"]), o["measureText"], o["unit"], o["area"]) for o in obs}
    assert got == {
        (Decimal(45), "网格", "个", DISTRICT + "/关东街道"),
        (Decimal(90), "专职网格员", "名", DISTRICT + "/关东街道"),
        (Decimal(38), "网格", "个", DISTRICT + "/花山街道"),
        (Decimal(76), "专职网格员", "名", DISTRICT + "/花山街道"),
        (Decimal(83), "网格", "个", DISTRICT),
        (Decimal(166), "专职网格员", "名", DISTRICT),
    }


def test_a_tables_year_reaches_the_graph_the_store_and_the_sources_view(tmp_path: Path) -> None:
    """A whole build: the year validates (xsd:gYear), is queried, and shows among the
    statistic's details on 来源与冲突 (所属年份 / year)."""
    import pyoxigraph as ox

    from govkg.graph.build import BuildOptions, build
    from govkg.graph.views import records
    from govkg.graph.views.pages.sources import obs_node

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text(
        "documents:\n  - {id: t1, title: 表, date: 2026-01-01, area: 湖北省武汉市洪山区}\n",
        encoding="utf-8",
    )
    text = f"指标{TAB}2024年{TAB}2025年\n受理诉求（件）{TAB}1820{TAB}2310\n"
    (corpus / "t1.txt").write_text(text, encoding="utf-8")
    result = build(BuildOptions(corpus, tmp_path / "out"))
    assert result.ok, result.report.get("validation")
    g = records.read_graph(ox.Store.read_only(str(tmp_path / "out" / "store")))
    years = {}
    for o in g.obs.values():
        rows = {(zh, en): v for zh, en, v, _ in obs_node(g, o, 240).info}
        years[o.value] = rows[("所属年份", "year")]
    assert {float(k): v for k, v in years.items()} == {1820.0: "2024", 2310.0: "2025"}
    html = (tmp_path / "out" / "views" / "sources.html").read_text(encoding="utf-8")
    assert "所属年份" in html
