"""Places: the national division table, places below the county read from the text, the
place each statistic is about, and builds of reports about places the project never saw.
Every text here is made up for the test."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from govkg.graph.build import BuildOptions, build
from govkg.graph.evaluate import evaluate
from govkg.graph.sparql import open_store, run_query
from govkg.loaders.base import GraphWriter
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.gazetteer import Gazetteer, gazetteer, short_forms, text_names
from govkg.loaders.places import is_generic_head, party_organisations, recognise_sub_areas
from govkg.loaders.text import TextLoader
from govkg.ontology import GKD
from tests.conftest import shared_dir


def _load(text: str, area: str | None) -> tuple[GraphWriter, dict]:
    doc = CorpusDocument("901_place", Path("901_place.txt"), text, "0", {"area": area})
    graph = GraphWriter(doc.iri)
    report = TextLoader().load(doc, graph)
    return graph, report.to_dict()


def _obs_props(graph: GraphWriter) -> dict[Decimal, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for t in graph:
        if "/obs/" in t.subject.value:
            key = t.predicate.value.rsplit("#", 1)[-1]
            out.setdefault(t.subject.value, {})[key] = t.object.value
    return {Decimal(p["value"]): p for p in out.values()}


# --------------------------------------------------------------------------- the gazetteer


def test_every_level_is_there_with_codes_and_parents() -> None:
    gaz = gazetteer()
    levels = [d.level for d in gaz.divisions.values()]
    assert levels.count("province") == 34  # 23 provinces, 5 regions, 4 municipalities, 2 SARs
    assert levels.count("prefecture") > 300 and levels.count("county") > 2800
    chain = [d.name for d in gaz.ancestors("220723")]
    assert chain == ["乾安县", "松原市", "吉林省"]
    # a municipality's districts lie in the municipality; no second "北京市" below it
    assert [d.name for d in gaz.ancestors("110105")] == ["朝阳区", "北京市"]
    # a county-level city the province governs directly
    assert gaz.divisions["429004"].parent == "420000"


def test_short_forms_follow_the_naming_rules() -> None:
    assert short_forms("浙江省") == ["浙江"]
    assert short_forms("内蒙古自治区") == ["内蒙古"]
    assert short_forms("延边朝鲜族自治州") == ["延边", "延边州"]
    assert short_forms("乾安县") == ["乾安"]
    assert short_forms("随县") == []  # one character left: no short form


def test_a_short_form_means_the_highest_level_that_has_it() -> None:
    gaz = gazetteer()
    assert [d.code for d in gaz.candidates("吉林")] == ["220000"]
    assert [d.code for d in gaz.candidates("吉林市")] == ["220200"]


def test_a_shared_name_is_decided_by_the_places_around_it() -> None:
    gaz = gazetteer()
    assert len(gaz.candidates("西湖区")) == 2
    assert [d.code for d in gaz.resolve("西湖区", ["330100"])] == ["330106"]
    assert [d.code for d in gaz.resolve("西湖区", ["360000"])] == ["360103"]
    assert len(gaz.resolve("西湖区", [])) == 2


def test_rows_that_are_not_divisions_are_left_out() -> None:
    gaz = Gazetteer.from_rows(
        [("990000000000", "某某交界"), ("220000000000", "吉林省"), ("220200000000", "吉林市")]
    )
    assert sorted(gaz.divisions) == ["220000", "220200"]


def test_common_words_are_not_place_names_in_text() -> None:
    names = set(text_names())
    assert {"乾安县", "随县", "浙江", "延边"} <= names
    assert "城区" not in names  # a district's name, far more often a common noun
    assert "大同" not in names  # the city's short form is also an adverb


# --------------------------------------------------------------------------- below the county


def test_places_below_the_county_are_read_with_their_names() -> None:
    found = {s.name: s.level for s in recognise_sub_areas("乾安县万安社区建立了网格。")}
    assert found == {"万安社区": "社区"}
    found = {s.name for s in recognise_sub_areas("北京路街道党工委召开会议。")}
    assert found == {"北京路街道"}


def test_descriptions_are_not_places() -> None:
    assert recognise_sub_areas("目前社区共有党员120名。") == []
    assert is_generic_head("各")
    assert is_generic_head("街道")  # 街道社区: level words only
    assert is_generic_head("示范")
    assert not is_generic_head("万安")


# --------------------------------------------------------------------------- the loader


def test_a_named_community_lies_in_the_county_the_text_names() -> None:
    graph, _ = _load("乾安县万安社区新建党员活动室12个。", area="乾安縣")
    obs = _obs_props(graph)[Decimal(12)]
    community = obs["area"]
    assert community == GKD + "area/220723/万安社区"
    broader = {
        t.object.value for t in graph if t.subject.value == community and "broader" in str(t)
    }
    assert broader == {GKD + "area/220723"}


def test_a_sentence_without_a_place_takes_the_document_area_marked_inferred() -> None:
    graph, report = _load("今年新增志愿者300名。", area="绿园区")
    obs = _obs_props(graph)[Decimal(300)]
    assert obs["area"] == GKD + "area/220106"
    assert obs["areaInferred"] == "true"
    (listed,) = report["details"]["area_inferred"]
    assert listed["text"] == "300名"


def test_the_sentence_subject_is_the_place_of_its_later_clauses() -> None:
    text = "随县是全省面积最大的县，辖乡镇20个。"
    graph, _ = _load(text, area="随县")
    assert _obs_props(graph)[Decimal(20)]["area"] == GKD + "area/421321"


def test_an_ambiguous_manifest_area_is_decided_by_the_text_or_kept_undetermined() -> None:
    """西湖区 names two districts: the text's 杭州市 decides; where the text names none the
    report still builds, its area a place called 西湖区 without a code, and the report lists
    the candidates as a warning."""
    graph, report = _load("杭州市西湖区新建服务站5个。", area="西湖区")
    assert report["rejected"] == [] and report["details"]["document_area_unresolved"] == []
    assert _obs_props(graph)[Decimal(5)]["area"] == GKD + "area/330106"
    graph, report = _load("新建服务站5个。", area="西湖区")
    assert report["rejected"] == []
    (listed,) = report["details"]["document_area_unresolved"]
    assert listed["candidates"] == ["330106", "360103"] and "西湖区" in listed["why"]
    area = _obs_props(graph)[Decimal(5)]["area"]
    assert area == GKD + "area/西湖区"
    labels = {t.object.value for t in graph if t.subject.value == area}
    assert "西湖区" in labels
    # 桥西区 of 石家庄, 邢台 and 张家口 all lie in 河北省: so does the place
    graph, _ = _load("新建服务站5个。", area="桥西区")
    area = _obs_props(graph)[Decimal(5)]["area"]
    assert area == GKD + "area/130000/桥西区"
    broader = {t.object.value for t in graph if t.subject.value == area}
    assert GKD + "area/130000" in broader


@pytest.mark.parametrize("area", ["浙江省杭州市西湖区", "浙江杭州西湖区", "杭州市西湖区"])
def test_a_manifest_area_written_as_a_path_is_its_last_division(area: str) -> None:
    graph, report = _load("新建服务站5个。", area=area)
    assert report["rejected"] == []
    assert _obs_props(graph)[Decimal(5)]["area"] == GKD + "area/330106"


def test_a_manifest_path_may_end_below_the_county() -> None:
    graph, report = _load("新建服务站5个。西湖区共有党员800名。", area="杭州市西湖区北山街道")
    assert report["rejected"] == []
    obs = _obs_props(graph)
    assert obs[Decimal(5)]["area"] == GKD + "area/330106/北山街道"
    # the district the manifest names decides the text's 西湖区 (杭州, not 南昌)
    assert obs[Decimal(800)]["area"] == GKD + "area/330106"


def test_a_manifest_run_of_places_below_the_county_nests_them() -> None:
    graph, _ = _load("新建服务站5个。", area="河南省南阳市社旗县赊店镇东裕社区")
    town, community = GKD + "area/411327/赊店镇", GKD + "area/411327/东裕社区"
    assert _obs_props(graph)[Decimal(5)]["area"] == community
    broader = {
        (t.subject.value, t.object.value) for t in graph if t.predicate.value.endswith("broader")
    }
    assert {(community, town), (town, GKD + "area/411327")} <= broader


def test_a_path_of_divisions_is_read_part_by_part() -> None:
    gaz = gazetteer()
    parts, rest = gaz.path("南昌市西湖区")
    assert [d.code for d in parts] == ["360100", "360103"] and rest == ""
    parts, rest = gaz.path("北京市朝阳区和平街道")
    assert [d.code for d in parts] == ["110000", "110105"] and rest == "和平街道"
    # a part that is not inside the one before ends the path
    parts, rest = gaz.path("浙江省南昌市")
    assert [d.code for d in parts] == ["330000"] and rest == "南昌市"


def test_an_unknown_manifest_area_is_listed_and_the_text_places_the_report() -> None:
    """An area that names no division nor a known kind of place does not stop the build:
    it is listed, naming it, and the places come from the text."""
    graph, report = _load("乾安县共有服务站5个。", area="不存在的地方")
    assert report["rejected"] == []
    (listed,) = report["details"]["document_area_unresolved"]
    assert listed["area"] == "不存在的地方" and "不存在的地方" in listed["why"]
    assert _obs_props(graph)[Decimal(5)]["area"] == GKD + "area/220723"


def test_build_writes_each_named_division_once_with_its_chain(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text(
        "documents:\n  - id: a\n    area: 乾安县\n  - id: b\n    area: 浙江\n", encoding="utf-8"
    )
    (corpus / "a.txt").write_text("乾安县万安社区新建网格8个。全县共有党员900名。", "utf-8")
    (corpus / "b.txt").write_text("全省建成微网格4.5万个。", encoding="utf-8")
    result = build(BuildOptions(corpus, tmp_path / "out"))
    assert result.ok, result.report.get("validation")
    store = open_store(tmp_path / "out")
    _, rows = run_query(
        store,
        """SELECT ?v ?code WHERE { ?o gk:value ?v ; gk:area ?a .
             ?a skos:broader* ?p . ?p skos:notation ?code ; gk:areaLevel ?l .
             ?l skos:prefLabel "省级"@zh } ORDER BY ?v""",
    )
    assert [(int(float(r["v"])), str(r["code"])) for r in rows] == [
        (8, "220000"),
        (900, "220000"),
        (45000, "330000"),
    ]
    _, rows = run_query(
        store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{GKD}area/220700> a gk:AdministrativeArea }} }}"
    )
    assert [r["g"] for r in rows] == [GKD + "gazetteer"]


@pytest.mark.slow
def test_reports_from_other_provinces_build_and_score(tmp_path: Path) -> None:
    extra = shared_dir() / "corpus-extra"
    if not extra.is_dir():
        pytest.skip("../shared/corpus-extra not present")
    out = tmp_path / "out"
    result = build(BuildOptions(extra, out))
    assert result.ok, result.report.get("validation")
    result = evaluate(out, extra / "gold.json")
    stats = result["statistics"]
    assert stats["area_accuracy"] >= 0.90
    assert stats["precision"] >= 0.95 and stats["recall"] >= 0.95
    assert result["chains"]["found"] >= 3 and result["mechanisms"]["found"] >= 15
    assert result["alliance_members"]["recall"] == 1.0
    kinds = ("chains", "baobao", "working_groups", "mechanisms", "alliance_members")
    extracted = sum(result[k]["extracted"] for k in kinds)
    assert sum(result[k]["matched_strict"] for k in kinds) / extracted >= 0.85


def test_a_roster_names_the_same_divisions_as_the_reports(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text("documents:\n  - id: a\n    area: 吉林市\n", "utf-8")
    (corpus / "a.txt").write_text("船营区新建网格党支部45个。", encoding="utf-8")
    roster = tmp_path / "r"
    roster.mkdir()
    # a row may give the division code as its id, or a name read under its parent row
    (roster / "areas.csv").write_text(
        "id,name,level,parent\n220200,吉林市,市,\nD1,船营区,区,220200\nS1,某某街道,街道,D1\n",
        encoding="utf-8",
    )
    result = build(BuildOptions(corpus, tmp_path / "out", rosters=[roster], validate=False))
    assert result.written
    store = open_store(tmp_path / "out")
    _, rows = run_query(
        store,
        "SELECT DISTINCT ?a WHERE { ?o a gk:StatisticObservation ; gk:area ?a . "
        '?s skos:broader ?a ; gk:areaLevel ?l . ?l skos:prefLabel "街道"@zh }',
    )
    assert [r["a"] for r in rows] == [GKD + "area/220204"]
    _, rows = run_query(store, f"ASK {{ <{GKD}area/220204> skos:broader <{GKD}area/220200> }}")
    assert rows == [{"result": True}]


def test_origins_and_scopes_are_not_what_a_number_is_about() -> None:
    graph, _ = _load("培训班吸引了来自全国的学员300名。", area="吉林市")
    assert _obs_props(graph)[Decimal(300)]["area"] == GKD + "area/220200"
    graph, _ = _load("其中有6个社区入围全省评选，有2个案例获奖。", area="吉林市")
    assert _obs_props(graph)[Decimal(2)]["area"] == GKD + "area/220200"


def test_a_report_with_no_area_in_the_manifest_still_builds(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text("documents:\n  - id: a\n  - id: b\n", "utf-8")
    (corpus / "a.txt").write_text("新建服务站12个。", encoding="utf-8")
    (corpus / "b.txt").write_text("上海市普陀区有居民区7个。新增志愿者90名。", encoding="utf-8")
    result = build(BuildOptions(corpus, tmp_path / "out"))
    assert result.ok, result.report.get("validation")
    _, rows = run_query(
        open_store(tmp_path / "out"),
        "SELECT ?v ?a ?inf WHERE { ?o gk:value ?v ; gk:area ?a "
        "OPTIONAL { ?o gk:areaInferred ?inf } } ORDER BY ?v",
    )
    got = [(int(float(r["v"])), r["a"].rsplit("/", 1)[-1], r.get("inf")) for r in rows]
    # 普陀区 is a district of Shanghai and of Zhoushan: the text's 上海市 decides
    assert got == [(7, "310107", None), (12, "CN", True), (90, "310107", True)]


def test_a_place_in_a_company_name_is_not_the_topic() -> None:
    text = "杭州市红星汽车服务有限公司党支部进驻青山社区，开展活动12场。"
    graph, _ = _load(text, area="杭州市")
    assert _obs_props(graph)[Decimal(12)]["area"].endswith("/青山社区")


def test_a_party_organisation_of_a_body_does_not_place_its_numbers() -> None:
    """A place inside the full name of a body's party organisation (中共…支部委员会) names the
    body; an organisation made of places and their organ only is the place's own."""
    text = (
        "西湖区青山社区党委牵头成立联盟。成员是中共杭州市红星果园支部委员会、"
        "中共浙江蓝天检测有限公司支部委员会等6家单位。"
    )
    graph, _ = _load(text, area="杭州市")
    assert _obs_props(graph)[Decimal(6)]["area"] == GKD + "area/330106/青山社区"
    own = "中共西湖区青山社区委员会"
    assert party_organisations(own, [(2, 5), (5, 9)]) == []
    body = "中共西湖区红星果园支部委员会"
    assert party_organisations(body, [(2, 5)]) == [(0, len(body))]


def test_the_subject_after_a_word_of_time_is_carried_to_the_next_sentence() -> None:
    graph, _ = _load("今年，西湖区青山社区组织志愿活动。每名志愿者服务群众8户。", area="杭州市")
    assert _obs_props(graph)[Decimal(8)]["area"] == GKD + "area/330106/青山社区"


def test_a_paragraph_of_quoted_speech_keeps_the_place_of_the_one_before() -> None:
    text = "西湖区青山社区推行包联制度。\n“每名党员联系群众10户，每周走访一次。”"
    graph, _ = _load(text, area="杭州市")
    assert _obs_props(graph)[Decimal(10)]["area"] == GKD + "area/330106/青山社区"
    # without the quotation mark the new paragraph starts afresh
    graph, _ = _load(text.replace("“", "").replace("”", ""), area="杭州市")
    assert _obs_props(graph)[Decimal(10)]["area"] == GKD + "area/330100"


def test_a_name_cut_into_common_words_after_a_place_is_one_place() -> None:
    found = {s.name for s in recognise_sub_areas("临朐县城关街道前五里网格已有党员30名。")}
    assert "前五里网格" in found
    # words of quantity or reference describe: no place
    assert {s.name for s in recognise_sub_areas("城关街道全部网格都已建成。")} == {"城关街道"}
    # and the numeral inside the name, here or where its short form recurs, is no statistic
    text = "临朐县城关街道后三台网格有党员30名。在后三台等3个网格试行。"
    graph, report = _load(text, area="临朐县")
    assert set(_obs_props(graph)) == {Decimal(30), Decimal(3)}
    assert any(
        r["why"] == "part of a place name" for r in report["details"]["numbers_not_statistics"]
    )


def test_a_division_inside_an_organisation_word_opens_the_place_chain() -> None:
    graph, _ = _load("西湖区青山社区党委牵头成立联盟，建成网格6个。", area="杭州市")
    assert _obs_props(graph)[Decimal(6)]["area"] == GKD + "area/330106/青山社区"


def test_a_facility_a_sentence_opens_with_is_where_its_numbers_are() -> None:
    text = "全县首个党群服务驿站试点已投入运行，引进社会组织4家，聘请专家12人。"
    graph, _ = _load(text, area="乾安县")
    area = _obs_props(graph)[Decimal(12)]["area"]
    assert area == GKD + "area/220723/乾安县首个党群服务驿站试点"
    broader = {t.object.value for t in graph if t.subject.value == area and "broader" in str(t)}
    assert broader == {GKD + "area/220723"}
    # without an ordinal it is a kind of facility, not one place
    graph, _ = _load(text.replace("首个", ""), area="乾安县")
    assert _obs_props(graph)[Decimal(12)]["area"] == GKD + "area/220723"


def test_a_proper_name_before_a_bare_suffix_names_the_place() -> None:
    """A word the model tags as a name (of a person or a body) and the segmenter does not
    know, right before 社区, names the community; a body's name (…局) does not."""
    found = {
        s.name for s in recognise_sub_areas("。夏西社区第一网格党支部书记介绍，网格内共有党员47名")
    }
    assert "夏西社区" in found
    assert recognise_sub_areas("民政局社区科召开会议。") == []


def test_a_bare_level_word_opening_a_sentence_is_the_one_place_of_that_level() -> None:
    text = "涪城区城厢街道推行网格化管理。\n街道全面落实包保责任制，共明确责任人860名。\n目前，全街道共有网格46个。"
    graph, _ = _load(text, area=None)
    props = _obs_props(graph)
    assert props[Decimal(860)]["area"].endswith("/城厢街道")
    assert props[Decimal(46)]["area"].endswith("/城厢街道")


def test_a_place_that_is_one_item_of_a_list_is_not_the_topic() -> None:
    text = "城厢街道成立联盟，成员单位包括区人民医院、绵阳师范学院、城东中学等16家单位。"
    graph, _ = _load(text, area=None)
    assert _obs_props(graph)[Decimal(16)]["area"].endswith("/城厢街道")


def test_the_report_is_about_the_place_that_ends_its_first_run_of_names() -> None:
    """With no area in the manifest, a report that opens with 省…市…区…镇 is about the town,
    even where the model cut its name (安定区|内|官营镇) and the text names it whole later."""
    text = "甘肃省定西市安定区内官营镇推进网格治理。\n内官营镇党委把全镇18个行政村划分为96个网格。\n全镇组建志愿服务队25支。"
    graph, _ = _load(text, area=None)
    props = _obs_props(graph)
    assert {props[Decimal(v)]["area"].rsplit("/", 1)[-1] for v in (18, 96, 25)} == {"内官营镇"}
    assert {props[Decimal(v)]["countScope"] for v in (18, 96)} == {"total"}


def test_a_common_word_between_a_division_and_a_suffix_names_the_place() -> None:
    """Street names are often common words (留下, 胜利, 幸福, 前进): right after a division
    they name the place, whether the model reads the name whole or cut; a verb needs the
    place's organ or a place inside it after the suffix; words that describe places in that
    position (城市, 部分, 试点) still do not, nor a level after a province or glossed."""
    for text, name in [
        ("近日，西湖区留下街道党工委召开推进会。", "留下街道"),
        ("西湖区留下街道青山社区建成网格。", "留下街道"),
        ("道里区胜利街道开展走访。", "胜利街道"),
        ("南关区幸福街道建成网格。", "幸福街道"),
        ("朝阳区前进街道办事处推行议事会。", "前进街道"),
    ]:
        assert name in {s.name for s in recognise_sub_areas(text)}, text
    for text in [
        "该区部分街道开展试点。",
        "全区重点社区名单公布。",
        "南岗区示范小区挂牌。",
        # a verb acting on the level: no organ, no place inside it after the suffix
        "某市赋予街道管理权限。",
        "近日，西湖区留下街道召开推进会。",
        # after a province, before a gloss of the level: the level
        "出台《某某省赋予街道（乡镇）权力事项目录》。",
    ]:
        assert recognise_sub_areas(text) == [], text


def test_a_name_read_once_is_the_same_place_where_it_recurs_alone() -> None:
    """西湖区留下街道 once, then 留下街道 alone (no division before it for the model): every
    number in those sentences is about the one street, with its district as parent."""
    text = (
        "近日，西湖区留下街道党工委召开推进会。\n"
        "留下街道党工委书记介绍，街道下辖12个社区，划分网格186个。\n"
        "据统计，全街道化解纠纷1300余件。"
    )
    graph, report = _load(text, area="杭州市")
    props = _obs_props(graph)
    street = GKD + "area/330106/留下街道"
    assert {props[Decimal(n)]["area"] for n in (12, 186, 1300)} == {street}
    assert report["details"].get("area_inferred", []) == []
    spans = [(s.start, s.name) for s in recognise_sub_areas(text)]
    assert [n for _s, n in spans].count("留下街道") == 2


def test_words_for_this_county_mean_the_one_county_the_report_names() -> None:
    """With the city as the manifest area, 全区 and 该区 are the one district the report
    names (its numbers are the district's, not the city's); with two districts named they
    stay undecided and the number takes the report's area."""
    text = "游仙区构建四级联动体系。\n全区划分网格1260个。\n该区建立党建联盟46个。"
    graph, _ = _load(text, area="绵阳市")
    props = _obs_props(graph)
    assert props[Decimal(1260)]["area"] == GKD + "area/510704"
    assert props[Decimal(46)]["area"] == GKD + "area/510704"
    two = "游仙区、涪城区构建四级联动体系。\n全区划分网格1260个。"
    graph, _ = _load(two, area="绵阳市")
    assert _obs_props(graph)[Decimal(1260)]["area"] == GKD + "area/510700"


def test_a_place_read_again_alone_is_the_place_read_after_its_division() -> None:
    """龙岗区坂田街道 once, then 坂田街道 alone (the model reads it both times): the same
    street under its district, not a second one under the report's city."""
    text = (
        "深圳新闻网讯 近日，龙岗区坂田街道推行网格治理。\n截至目前，坂田街道共设立网格党支部312个。"
    )
    graph, _ = _load(text, area=None)
    assert _obs_props(graph)[Decimal(312)]["area"] == GKD + "area/440307/坂田街道"


def test_a_place_suffix_between_a_place_and_another_suffix_is_no_name() -> None:
    """光明|社区|划分|网格: the words between a place and 网格 hold 社区, the suffix of the
    place itself; no grid named 社区划分网格."""
    found = {
        s.name for s in recognise_sub_areas("其中，东风社区划分网格12个，光明社区划分网格15个。")
    }
    assert "社区划分网格" not in found and {"东风社区", "光明社区"} <= found


def test_a_suffix_the_model_cut_in_two_and_a_numbered_name() -> None:
    """居民|区 is one suffix again; 梅川|一|居民区 is one name with its number."""
    found = {s.name for s in recognise_sub_areas("长征镇梅川一居民区党总支书记介绍。")}
    assert "梅川一居民区" in found
    found = {s.name for s in recognise_sub_areas("曹杨新村街道梅岭居民区开展议事。")}
    assert "梅岭居民区" in found
    assert recognise_sub_areas("全镇共有居民区42个。") == []


def test_a_place_below_the_county_lies_in_the_one_county_the_report_names() -> None:
    """A report on 鼓楼区 filed under 福州市: a street named with no district before it lies
    in 鼓楼区; with two districts named it lies in the city."""
    text = "鼓楼区推行一窗通办。\n其中，华大街道组建志愿服务队12支。"
    graph, _ = _load(text, area="福州市")
    assert _obs_props(graph)[Decimal(12)]["area"] == GKD + "area/350102/华大街道"
    two = "鼓楼区、台江区推行一窗通办。\n其中，华大街道组建志愿服务队12支。"
    graph, _ = _load(two, area="福州市")
    assert _obs_props(graph)[Decimal(12)]["area"] == GKD + "area/350100/华大街道"


def test_places_listed_before_fenbie_pair_in_order_with_the_numbers_after_it() -> None:
    text = "江岸区球场街道和大智街道分别组建志愿服务队8支、11支，发展党员12名、15名。"
    props = _obs_props(_load(text, area="武汉市")[0])
    street = GKD + "area/420102/"
    assert props[Decimal(8)]["area"] == props[Decimal(12)]["area"] == street + "球场街道"
    assert props[Decimal(11)]["area"] == props[Decimal(15)]["area"] == street + "大智街道"
    # a number alone in its clause is not one of the pairs
    one = "球场街道、大智街道分别组建志愿服务队，共19支。"
    assert _obs_props(_load(one, area="武汉市")[0])[Decimal(19)]["area"] != street + "大智街道"


def test_a_county_opening_a_sentence_after_a_time_phrase_is_carried_to_the_next() -> None:
    """截至2024年底，鼓楼区…。今年以来累计…: the second sentence names no place; it goes on
    about the county (inside the report's city), not the city."""
    text = "截至2024年底，鼓楼区党员人数达到1.2万人。今年以来累计为群众办实事3600余件。"
    props = _obs_props(_load(text, area="福州市")[0])
    assert props[Decimal(3600)]["area"] == GKD + "area/350102"


def test_a_deictic_word_means_the_place_of_its_level_named_before_it_in_its_sentence() -> None:
    """A province's report: 在许昌市，全市… is 许昌市, not the province; 全市 with no city
    named before it in its sentence keeps the report's own."""
    text = (
        "河南省深化基层治理。\n在许昌市，全市党组织书记一肩挑比例达到98%。\n全省建成网格28.6万个。"
    )
    props = _obs_props(_load(text, area="河南省")[0])
    assert props[Decimal(98)]["area"] == GKD + "area/411000"
    assert props[Decimal(286000)]["area"] == GKD + "area/410000"


def test_a_kind_of_place_counted_is_no_place() -> None:
    """郑州市建成智慧社区320个: 智慧社区 is a kind counted; the number is about 郑州市."""
    assert recognise_sub_areas("郑州市建成智慧社区320个。") == []
    props = _obs_props(_load("郑州市建成智慧社区320个。", area="河南省")[0])
    assert props[Decimal(320)]["area"] == GKD + "area/410100"


def test_a_list_of_places_each_with_its_number() -> None:
    """东湖社区120户、西湖社区95户…: each number is its own place's, counting the measure
    named before the list (党员中心户), not the places."""
    text = "全街道党员中心户分布为：东湖社区120户、西湖社区95户、南湖社区88户。"
    props = _obs_props(_load(text, area="杭州市")[0])
    assert [props[Decimal(n)]["area"].rsplit("/", 1)[-1] for n in (120, 95, 88)] == [
        "东湖社区",
        "西湖社区",
        "南湖社区",
    ]
    assert {props[Decimal(n)]["measure"].rsplit("/", 1)[-1] for n in (120, 95, 88)} == {
        "党员中心户"
    }
    # a place followed by a count of something else is still a place
    props = _obs_props(_load("其中东风社区3个网格、西湖社区5个网格。", area="杭州市")[0])
    assert props[Decimal(3)]["area"].endswith("/东风社区")


def test_a_kind_of_place_organ_counted_is_no_place() -> None:
    """柳江区新增小区党组织46个: the organs of a kind of place are counted; the number is
    about 柳江区, not about a place called 新增小区."""
    text = "今年，柳江区新增小区党组织46个，覆盖率提高到91.2%。"
    assert [s.name for s in recognise_sub_areas(text)] == []
    props = _obs_props(_load(text, area="广西壮族自治区柳州市")[0])
    assert props[Decimal(46)]["area"] == GKD + "area/450206"


def test_a_division_naming_a_road_is_part_of_the_place_name() -> None:
    """天津路街道 in a report on 汇川区: 天津 names the road, not the place's parent; the
    numbers of the street are its own, never 天津市's."""
    text = "汇川区持续深化网格治理。天津路街道推行“两访”工作法，收集群众意见320余条。"
    props = _obs_props(_load(text, area="贵州省遵义市")[0])
    assert props[Decimal(320)]["area"].endswith("/天津路街道")
    assert "120000" not in props[Decimal(320)]["area"]


def test_a_division_opening_a_news_outlets_name_is_not_the_topic() -> None:
    """洛阳新闻网讯…，某街道辖区…，常住人口约8万人: the numbers are the street's, not 洛阳市's,
    whose name opens the outlet's."""
    text = "洛阳新闻网讯（记者 刘洋）记者从西工区获悉，红山街道辖区共有社区9个，常住人口约8万人。"
    props = _obs_props(_load(text, area=None)[0])
    assert props[Decimal(80000)]["area"].endswith("/红山街道")
    assert props[Decimal(9)]["area"].endswith("/红山街道")


def test_a_common_word_street_is_a_name_where_it_comes_again_before_a_place_inside_it() -> None:
    # 前进 is a verb to the dictionary: a name only where something corroborates it, here its
    # second mention, right before a community
    text = "长春市朝阳区前进街道。该街道辖8个社区。在前进街道光明社区，今年解决问题56个。"
    graph, _ = _load(text, area=None)
    obs = _obs_props(graph)
    assert obs[Decimal(8)]["area"] == GKD + "area/220104/前进街道"
    # the verb alone after a division, with nothing to corroborate it, names no place
    graph, _ = _load("长春市朝阳区前进街道。该街道辖8个社区。", area=None)
    assert _obs_props(graph)[Decimal(8)]["area"] != GKD + "area/220104/前进街道"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("银川市兴庆区有社区40个。宁夏全区共有城市社区537个。", "640000"),
        ("南宁市青秀区有社区9个。广西全区共有社区党组织2100个。", "450000"),
    ],
)
def test_a_deictic_word_right_after_a_place_is_that_place(text: str, code: str) -> None:
    graph, _ = _load(text, area=None)
    obs = _obs_props(graph)
    assert obs[max(obs)]["area"] == GKD + f"area/{code}"


def test_a_second_fenbie_without_places_pairs_with_the_places_of_the_first() -> None:
    """甲区、乙区分别建立…12个、9个，选派干部分别达到300名、260名: the numbers of the second
    list are the places' of the first, in order."""
    text = "宝安区、龙岗区分别建立网格党支部120个、96个，下沉党员干部分别达到300名、260名。"
    props = _obs_props(_load(text, area="广东省深圳市")[0])
    assert props[Decimal(300)]["area"] == GKD + "area/440306"
    assert props[Decimal(260)]["area"] == GKD + "area/440307"
    assert props[Decimal(300)]["measure"].endswith("/下沉党员干部")


def test_words_for_the_city_in_a_report_on_a_county_level_city() -> None:
    """全市 in a report on 义乌市 (a city under 金华市) is 义乌市, not 金华市."""
    text = "义乌市推行网格化治理。全市14个镇街共划分网格1120个。"
    props = _obs_props(_load(text, area="浙江省金华市义乌市")[0])
    assert props[Decimal(1120)]["area"] == GKD + "area/330782"
    assert props[Decimal(14)]["area"] == GKD + "area/330782"
    # in a report on the prefecture, 全市 is still the prefecture
    props = _obs_props(
        _load("金华市推行网格化治理。全市共划分网格9800个。", area="浙江省金华市")[0]
    )
    assert props[Decimal(9800)]["area"] == GKD + "area/330700"


def test_a_first_character_the_model_cuts_off_a_place_name() -> None:
    """劲松街道|劲|松北社区: the model reads 松北社区 and leaves 劲 alone; the name is whole."""
    text = "劲松街道劲松北社区在全市率先推行楼门长制度。"
    assert [s.name for s in recognise_sub_areas(text)] == ["劲松街道", "劲松北社区"]


def test_a_place_inside_an_item_of_a_list_of_units_is_part_of_its_name() -> None:
    """成员单位有：某区公安分局某派出所、某省电力公司某供电公司等15家: the places name the
    units; the count is the members', about the street the sentence is in."""
    text = (
        "红旗街道推行网格治理。街道成立党建联盟，成员单位有：南关区公安分局红旗派出所、"
        "吉林省电力有限公司长春供电公司等15家。"
    )
    props = _obs_props(_load(text, area="吉林省长春市南关区")[0])
    assert props[Decimal(15)]["area"].endswith("/红旗街道")
    assert props[Decimal(15)]["measure"].endswith("/成员单位")


def test_a_place_name_opening_with_a_numeral_is_a_name() -> None:
    """千峰街道, 万家社区: a numeral character and a word of a name (the segmenter tags 千峰
    as a number) name a place; 五个社区 is a count."""
    assert [s.name for s in recognise_sub_areas("在万柏林区，千峰街道推行联动模式。")] == [
        "千峰街道"
    ]
    assert recognise_sub_areas("全县五个社区推行联动模式。") == []


def test_places_and_numbers_joined_by_he_pair_in_order() -> None:
    """涉县和武安市分别组建…326个和418个: the first number is 涉县's, the second 武安市's."""
    text = "邯郸市推进网格治理。涉县和武安市分别组建网格党支部326个和418个。"
    props = _obs_props(_load(text, area="河北省邯郸市")[0])
    assert props[Decimal(326)]["area"] == GKD + "area/130426"
    assert props[Decimal(418)]["area"] == GKD + "area/130481"


def test_gai_qu_points_back_to_the_district_named_in_an_earlier_sentence() -> None:
    """肥乡区…。该区还推行…，对1.2万户群众: 该区 is 肥乡区, named a sentence before, though
    the report is about 邯郸市 and names other districts later."""
    text = (
        "邯郸市推进网格治理。在肥乡区，全区265个村共划分网格1120个。"
        "该区还推行三色管理，服务群众1.2万户。涉县和武安市也建立了网格党支部。"
    )
    props = _obs_props(_load(text, area="河北省邯郸市")[0])
    assert props[Decimal(12000)]["area"] == GKD + "area/130407"


def test_a_kind_of_place_counted_with_grouped_thousands_is_no_place() -> None:
    """城市社区党群服务中心4,126个: a kind of place counted (its number written with a
    thousands comma), not a community named 城市社区."""
    graph, _ = _load("全省已建成城市社区党群服务中心4,126个。", area="江西省")
    assert _obs_props(graph)[Decimal(4126)]["area"] == GKD + "area/360000"


@pytest.mark.parametrize(
    ("text", "value", "area"),
    [
        # a city named before the zone in full: the zone lies in it, under its short name
        ("湖北省武汉市东湖新技术开发区下辖街道8个。", 8, "420100/东湖高新区"),
        # a zone whose name opens with its city's short name lies in that city
        ("成都高新区设立社区42个。", 42, "510100/成都高新区"),
        ("青岛西海岸新区设立社区党组织156个。", 156, "370200/青岛西海岸新区"),
        # the long and the short names are one place; 全区 after it is the zone
        ("合肥市经济技术开发区共有社区30个。合肥经开区新建驿站6个。", 6, "340100/合肥经开区"),
        ("武汉市东湖新技术开发区下辖街道8个。全区新建驿站5个。", 5, "420100/东湖高新区"),
    ],
)
def test_a_development_zone_is_a_place_in_its_city(text: str, value: int, area: str) -> None:
    graph, _ = _load(text, area=None)
    assert _obs_props(graph)[Decimal(value)]["area"] == GKD + "area/" + area


def test_a_zone_in_the_manifest_is_placed_by_the_city_the_text_names() -> None:
    """东湖 is also a county of 南昌 by its short name: it opens no path of divisions."""
    graph, report = _load("湖北省武汉市东湖新技术开发区下辖街道8个。", area="东湖高新区")
    assert report["rejected"] == []
    assert _obs_props(graph)[Decimal(8)]["area"] == GKD + "area/420100/东湖高新区"


def test_a_zone_suffix_after_a_description_is_no_place() -> None:
    graph, _ = _load("全市各类开发区共12个，建成城市新区3个。", area="青岛市")
    assert {p["area"] for p in _obs_props(graph).values()} == {GKD + "area/370200"}


def test_the_speakers_own_place_in_an_interview() -> None:
    """记者：…南湖街道… 书记：我们街道共有社区12个: the street the question named."""
    text = "记者：请介绍一下南湖街道的情况。\n王书记：我们街道共有社区12个，划分网格156个。"
    graph, _ = _load(text, area="长春市朝阳区")
    areas = {int(v): p["area"] for v, p in _obs_props(graph).items()}
    assert areas == {12: GKD + "area/220104/南湖街道", 156: GKD + "area/220104/南湖街道"}


def test_a_datelines_place_is_where_the_report_was_filed_not_its_topic() -> None:
    text = "新华社北京3月5日电（记者张某）记者从民政部获悉，全国已建成社区综合服务设施50万个。"
    graph, _ = _load(text, area=None)
    assert _obs_props(graph)[Decimal(500000)]["area"] == GKD + "area/CN"


def test_a_manifest_area_of_the_whole_country_or_a_division_and_an_unknown_place() -> None:
    """全国 is the country; 深圳市前海 is placed in 深圳市, what follows it listed."""
    graph, report = _load("新建服务站5个。", area="全国")
    assert report["details"]["document_area_unresolved"] == []
    assert report["details"]["document_area"] == GKD + "area/CN"
    graph, report = _load("新建服务站5个。", area="深圳市前海")
    assert _obs_props(graph)[Decimal(5)]["area"] == GKD + "area/440300"
    (listed,) = report["details"]["document_area_unresolved"]
    assert "前海" in listed["why"] and report["rejected"] == []


def test_words_merged_before_a_place_suffix_that_describe_or_open_a_clause() -> None:
    """新建小区 (newly built compounds) and 把老旧小区 (a verb's object) are no places; in
    新屯子村村集体 the second 村 opens the next word."""
    text = "计划新建小区党支部60个，破解新建小区“管不好”难题。全区把老旧小区改造作为重点。"
    assert [s.name for s in recognise_sub_areas(text)] == []
    found = recognise_sub_areas("其中新屯子村村集体经济收入达到78万元。")
    assert [(s.name, s.end - s.start) for s in found] == [("新屯子村", 4)]


def test_a_division_named_like_a_part_of_any_city_needs_its_city() -> None:
    """九龙坡区的老城区: the old town of 九龙坡区, not 洛阳's 老城区 (no 洛阳 named); with 洛阳市
    named before it, or in the manifest, it is that district."""
    graph, _ = _load("杨家坪街道是九龙坡区的老城区，辖11个社区。", area=None)
    assert _obs_props(graph)[Decimal(11)]["area"] != GKD + "area/410302"
    graph, _ = _load("洛阳市老城区新建服务站5个。", area=None)
    assert _obs_props(graph)[Decimal(5)]["area"] == GKD + "area/410302"


def test_a_place_right_after_another_splits_no_word() -> None:
    """江西南昌推行…，全市已有…: 西南 is a word, but 江西 ends where 南昌 starts; 全市 is 南昌."""
    graph, _ = _load(
        "全区推行联户制度。江西南昌推行红色物业，全市已有小区600个建立党组织。", area="南宁市"
    )
    assert _obs_props(graph)[Decimal(600)]["area"] == GKD + "area/360100"
