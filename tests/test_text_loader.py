"""The report loader on made-up texts (numbers, structures, areas, hostile input) and on
the corpus against the gold annotation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from govkg.graph.build import BuildOptions, build
from govkg.graph.evaluate import evaluate
from govkg.graph.sparql import open_store, run_query
from govkg.loaders.base import GraphWriter
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.text import TextLoader
from govkg.loaders.zh import normalise, parse_cn_int


def _load(text: str, area: str = "吉林市") -> tuple[GraphWriter, CorpusDocument]:
    doc = CorpusDocument("900_test", Path("900_test.txt"), text, "0", {"area": area})
    graph = GraphWriter(doc.iri)
    TextLoader().load(doc, graph)
    return graph, doc


def _observations(graph: GraphWriter) -> list[dict[str, str]]:
    by_subject: dict[str, dict[str, str]] = {}
    for t in graph:
        if "/obs/" in t.subject.value:
            key = t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            by_subject.setdefault(t.subject.value, {})[key] = t.object.value
    return sorted(by_subject.values(), key=lambda o: Decimal(o["value"]))


def _spans_match(graph: GraphWriter, doc: CorpusDocument) -> None:
    spans: dict[str, dict[str, str]] = {}
    for t in graph:
        if "/span/" in t.subject.value:
            spans.setdefault(t.subject.value, {})[t.predicate.value.rsplit("#", 1)[-1]] = (
                t.object.value
            )
    assert spans
    for s in spans.values():
        assert doc.text[int(s["start"]) : int(s["end"])] == s["quote"]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("全市共组建志愿服务队三千余人。", "3000", "人", "approx_more_than"),
        ("累计投入资金1.4亿余元。", "140000000", "元", "approx_more_than"),
        ("全市设立便民服务点６.５万个。", "65000", "个", "exact"),
        ("新增调解员约120名。", "120", "名", "approx_about"),
        ("覆盖居民近900户。", "900", "户", "approx_nearly"),
        ("每个街道至少建成3个服务站。", "3", "个", "approx_more_than"),
        ("居民满意度达到96.5%以上。", "96.5", "%", "approx_more_than"),
    ],
)
def test_numbers(text: str, value: str, unit: str, qualifier: str) -> None:
    graph, doc = _load(text)
    obs = _observations(graph)
    assert len(obs) == 1, obs
    assert Decimal(obs[0]["value"]) == Decimal(value)
    assert obs[0]["unit"] == unit
    assert obs[0]["qualifier"] == qualifier
    _spans_match(graph, doc)


def test_ranges_keep_the_upper_bound() -> None:
    graph, _ = _load("为每个街道平均增设办事机构3—5个。")
    (obs,) = _observations(graph)
    assert Decimal(obs["value"]) == 3 and Decimal(obs["valueMax"]) == 5


def test_dates_ordinals_names_and_articles_are_not_statistics() -> None:
    text = (
        "2021年10月，第二批“三个一”工程启动，出台《关于做好5项工作的意见》，"
        "建立一套制度，坚持“四个平台”建设，按照4个方面推进。"
    )
    graph, _ = _load(text)
    assert _observations(graph) == []


def test_traditional_and_full_width_text() -> None:
    graph, doc = _load("全市劃分網格１２３４個，配備網格員５６７８人。")
    obs = _observations(graph)
    assert [Decimal(o["value"]) for o in obs] == [1234, 5678]
    measures = {o["measure"].rsplit("/", 1)[-1] for o in obs}
    assert measures == {"网格", "网格员"}
    _spans_match(graph, doc)


def test_a_simplified_text_keeps_the_characters_the_converter_would_change() -> None:
    """乾安县 is written in simplified script; the converter turns 乾 into 干 all the same. A
    text in simplified script is left as written; one in traditional script is converted."""
    assert normalise("乾安县共有网格80个。")[0] == "乾安县共有网格80个。"
    assert normalise("乾安縣劃分網格80個。")[0] == "干安县划分网格80个。"
    graph, _doc = _load("乾安县共有网格80个。")
    (obs,) = _observations(graph)
    assert obs["area"].endswith("/220723")


def test_line_break_inside_a_word() -> None:
    text = "目前全市各街道社区在推进基层治理中持续用力，共划分网格4321个并且配齐了专职网\n\n格员876人。"
    graph, doc = _load(text)
    obs = _observations(graph)
    assert [Decimal(o["value"]) for o in obs] == [876, 4321]
    assert obs[0]["measure"].endswith("/网格员")
    _spans_match(graph, doc)


def _statements(graph: GraphWriter, doc: CorpusDocument) -> dict[Decimal, tuple[int, int, str]]:
    """Value → (start, end, quote) of the gk:statement span of each number, checked against
    the text and against the number's own span, which it must enclose."""
    props: dict[str, dict[str, str]] = {}
    for t in graph:
        local = t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        props.setdefault(t.subject.value, {})[local] = t.object.value
    found: dict[Decimal, tuple[int, int, str]] = {}
    for subject, p in props.items():
        if "/obs/" not in subject:
            continue
        number, statement = props[p["wasDerivedFrom"]], props[p["statement"]]
        start, end = int(statement["start"]), int(statement["end"])
        assert doc.text[start:end] == statement["quote"]
        assert start <= int(number["start"]) and int(number["end"]) <= end
        found[Decimal(p["value"])] = (start, end, statement["quote"])
    return found


def test_statement_spans_are_whole_sentences_shared_by_their_numbers() -> None:
    first = "东湖街道新建议事亭6个，培训楼长40名"
    second = "西岭社区开通便民热线3条"
    text = f"{first}。{second}；全年无事故。"
    graph, doc = _load(text)
    spans = _statements(graph, doc)
    assert spans == {
        6: (0, len(first), first),
        40: (0, len(first), first),
        3: (len(first) + 1, len(first) + 1 + len(second), second),
    }
    statement_iris = {t.object.value for t in graph if t.predicate.value.endswith("#statement")}
    assert len(statement_iris) == 2  # one span per statement, shared by its numbers
    assert all("/span/900_test/" in s for s in statement_iris)
    _spans_match(graph, doc)


def test_statement_spans_on_traditional_text_with_full_width_punctuation() -> None:
    first = "本區新建議事亭１２個，培訓樓長３００名"
    second = "另有試點社區８個"
    text = f"\u3000\u3000{first}！{second}？\n\n\u3000\u3000全區開通熱線５條;年內完成"
    graph, doc = _load(text)
    spans = _statements(graph, doc)
    a = 2
    b = a + len(first) + 1
    c = text.index("全區")
    assert spans == {
        12: (a, a + len(first), first),
        300: (a, a + len(first), first),
        8: (b, b + len(second), second),
        5: (c, c + len("全區開通熱線５條"), "全區開通熱線５條"),
    }
    _spans_match(graph, doc)


def test_a_line_break_that_cuts_a_sentence_stays_inside_its_statement() -> None:
    line = "今年以来全区持续推进老旧小区改造和社区服务提质工作，在各街道累计建成"
    text = f"{line}\n共享书屋25个，居民反响良好。"
    graph, doc = _load(text)
    ((start, end, quote),) = set(_statements(graph, doc).values())
    assert (start, end) == (0, len(text) - 1) and quote == text[:-1]
    assert "\n" in quote


def test_a_line_of_page_fields_is_never_the_start_of_the_sentence_after_it() -> None:
    """来源：某日报 | 2026-08-21 08:30 | 责任编辑：某某 ends its line: the report's first
    sentence, and the place that opens it, start on the next one."""
    furniture = "来源：某某日报 | 2026-08-21 08:30 | 责任编辑：陈某某 通讯员 李某某"
    text = f"{furniture}\n丰满区地处吉林市东南部，辖街道6个。"
    norm, _ = normalise(text)
    assert norm.index("\n") == len(furniture)
    (obs,) = _observations(_load(text)[0])
    assert obs["area"].endswith("/220211")


def test_area_follows_the_sentence() -> None:
    text = "全省建成党群服务中心800个。丰满区新建网格党支部45个。通化市投入资金300万元。"
    graph, _ = _load(text)
    areas = {o["value"]: o["area"].rsplit("/", 1)[-1] for o in _observations(graph)}
    # divisions are named by their GB/T 2260 codes: 吉林省, 丰满区, 通化市
    assert areas == {"800.0": "220000", "45.0": "220211", "3000000.0": "220500"}


def test_dash_chain_and_its_name() -> None:
    text = "我们建立“区委—街道党工委—社区党组织—网格党支部”四级组织链条，运转顺畅。"
    graph, doc = _load(text)
    labels = {
        (t.subject.value.rsplit("/", 1)[-1], t.object.value)
        for t in graph
        if t.predicate.value.endswith("prefLabel") and "/hierarchy/" in t.subject.value
    }
    assert ("1", "区委") in labels and ("4", "网格党支部") in labels
    assert any(label == "四级组织链条" for _, label in labels)
    _spans_match(graph, doc)


def _ranked(graph: GraphWriter, cls: str, prop: str) -> list[tuple[int, str]]:
    """(rank, value of ``prop``) of every instance of ``cls``, in rank order."""
    props: dict[str, dict[str, str]] = {}
    members = {t.subject.value for t in graph if t.object.value.endswith("#" + cls)}
    for t in graph:
        if t.subject.value in members:
            props.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    out = []
    for p in props.values():
        rank = next(v for k, v in p.items() if k.endswith("#rank"))
        value = next(v for k, v in p.items() if k.endswith(prop))
        out.append((int(rank), value.rsplit("/", 1)[-1]))
    return sorted(out)


def test_baobao_pairs_in_order() -> None:
    text = "实行科级干部包社区（村）、县级领导包街道（乡镇）、市级领导包县的“三级包保”机制。"
    graph, _ = _load(text)
    tiers = _ranked(graph, "ResponsibilityAssignment", "cadreRank")
    assert tiers == [(1, "科级干部"), (2, "县级领导"), (3, "市级领导")]


def test_mechanism_steps_in_the_order_written() -> None:
    text = "推行“走访、登记、办理、回访”四步工作法，效果明显。"
    graph, _ = _load(text)
    steps = _ranked(graph, "Step", "prefLabel")
    assert [s for _, s in steps] == ["走访", "登记", "办理", "回访"]


def test_alliance_members() -> None:
    text = "将公安、城管、消防等职能部门纳入街道党建联盟，共商共治。"
    graph, _ = _load(text)
    members = {
        t.object.value.rsplit("/", 1)[-1] for t in graph if t.predicate.value.endswith("org#member")
    }
    assert members == {"公安", "城管", "消防"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\ufeff",
        "\ufeff全市共有社区12个。",
        "今天天气晴朗，适合散步。",
        "１２３４５６" * 10,
        "“”《》——、、、",
    ],
)
def test_odd_input_does_not_crash(text: str) -> None:
    graph, doc = _load(text)
    if "社区12个" in text:
        (obs,) = _observations(graph)
        assert obs["value"] == "12.0"
        _spans_match(graph, doc)


@pytest.mark.slow
def test_large_report_does_not_crash() -> None:
    # over spaCy's default one-million-character limit (about 3 MB of UTF-8); mostly prose,
    # with a statistic every few hundred characters, as a long report has
    prose = "各级党组织持续深化基层治理改革，推动资源力量下沉，服务群众更加精准高效。" * 8
    paragraph = prose + "全市共建成网格1234个，选配网格员5678人。\n"
    text = paragraph * (1_050_000 // len(paragraph))
    assert len(text) > 1_000_000
    graph, _ = _load(text)
    assert len(_observations(graph)) == 2 * text.count("\n")


def test_chinese_numerals() -> None:
    assert parse_cn_int("三十") == 30
    assert parse_cn_int("十八") == 18
    assert parse_cn_int("三千五百") == 3500
    # 零 holds an empty place; a digit right after 百 or 千 is the next place
    assert parse_cn_int("一百零五") == 105 and parse_cn_int("三千零五") == 3005
    assert parse_cn_int("三千五") == 3500 and parse_cn_int("二百五") == 250
    assert parse_cn_int("十五") == 15
    for name in ("九五", "二〇二四", "十百"):
        with pytest.raises(ValueError):
            parse_cn_int(name)


def test_a_chinese_numeral_with_zero_is_a_statistic() -> None:
    graph, _ = _load("全区共有网格员一千二百三十名，较上年增加一百零五名。")
    assert [Decimal(o["value"]) for o in _observations(graph)] == [105, 1230]


def test_normalised_view_maps_back() -> None:
    text = "網格\n\n員１２人"
    norm, index = normalise(text)
    assert norm.startswith("网格")
    assert len(index) == len(norm) + 1


def test_gold_targets(corpus_build: Path, gold_file: Path) -> None:
    result = evaluate(corpus_build, gold_file)
    stats = result["statistics"]
    assert stats["precision"] >= 0.97
    assert stats["recall"] >= 0.97
    assert stats["area_accuracy"] >= 0.95
    assert result["working_groups"]["recall"] == 1.0
    assert result["alliance_members"]["recall"] == 1.0
    assert result["mechanisms"]["found"] >= 32
    assert result["chains"]["found"] >= 10
    assert result["conflicts"]["linked"] >= 9
    assert result["conflicts"]["precision"] >= 0.90
    kinds = ("chains", "baobao", "working_groups", "mechanisms", "alliance_members")
    extracted = sum(result[k]["extracted"] for k in kinds)
    assert sum(result[k]["matched_strict"] for k in kinds) / extracted >= 0.90


def test_undecodable_file_is_named(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text("documents:\n  - id: 100_bad\n", encoding="utf-8")
    # text in neither UTF-8 nor GB 18030 (a GBK file is read: test_build)
    (corpus / "100_bad.txt").write_bytes("网格员".encode() + b"\x80\xff\xfe")
    result = build(BuildOptions(corpus, tmp_path / "out", validate=False))
    assert not result.written
    assert any("100_bad.txt" in r.source for r in result.rejections)


def test_corpus_facts_queryable(corpus_build: Path) -> None:
    store = open_store(corpus_build)
    _, rows = run_query(
        store,
        'SELECT DISTINCT ?v WHERE { ?o gk:measure/skos:prefLabel "网格"@zh ; gk:area/rdfs:label "吉林市"@zh ; gk:value ?v } ORDER BY ?v',
    )
    assert [r["v"] for r in rows] == [2766, 3438]


def _measures(text: str) -> dict[Decimal, str]:
    """Each statistic's value and the label of its measure."""
    graph, _ = _load(text)
    labels = {
        t.subject.value: t.object.value
        for t in graph
        if "/measure/" in t.subject.value and t.predicate.value.endswith("#label")
    }
    out = {}
    for o in _observations(graph):
        out[Decimal(o["value"])] = labels.get(o["measure"], o["measure"].rsplit("/", 1)[-1])
    return out


def test_thousands_grouped_by_commas_are_one_number() -> None:
    assert _measures("全区组建楼栋党小组1,086个，覆盖居民2,350户。") == {
        Decimal(1086): "楼栋党小组",
        Decimal(2350): "居民",
    }


def test_what_is_counted_leaves_out_time_words_and_joining_verbs() -> None:
    measures = _measures("今年累计收集居民诉求2.3万件，办结率达98.5%，群众满意度达到96%。")
    assert measures[Decimal(23000)] == "累计收集居民诉求"
    assert measures[Decimal("98.5")] == "办结率"  # 率 tagged as a verb by the segmenter
    assert measures[Decimal(96)] == "群众满意度"


def test_what_is_counted_starts_after_the_unit_not_after_its_token() -> None:
    # the segmenter joins 个|村 into one token; the counted thing is 村（社区）
    assert _measures("全区已有286个村（社区）建立党建联盟。")[Decimal(286)] == "村(社区)"


def test_words_cleaned_off_a_measure_do_not_hide_the_verb_after_it() -> None:
    """48个小区全覆盖: what is counted is 小区, and the places that did something are a
    subset, never a total another report's count of all 小区 could contradict."""
    graph, _ = _load("实现辖区48个小区全覆盖。")
    (obs,) = _observations(graph)
    assert obs["measure"].endswith("/小区")
    assert obs["countScope"] == "subset"


def test_ascii_punctuation_reads_as_chinese_punctuation() -> None:
    norm, _ = normalise('以"红色联盟"凝聚合力.增长2.5个百分点.')
    assert norm == "以“红色联盟”凝聚合力。增长2.5个百分点。"
    # a dot between a Chinese word and a digit ends a sentence; before a letter, an address
    norm, _ = normalise("和群众事务代理.2025年,召开会议126场.详见某某网.cn")
    assert norm == "和群众事务代理。2025年,召开会议126场。详见某某网.cn"


def test_a_time_phrase_is_not_part_of_what_is_counted() -> None:
    assert _measures("今年以来群众满意率达97.2%。")[Decimal("97.2")] == "群众满意率"


def test_a_percentage_written_in_words() -> None:
    assert _measures("居民参与率提高到百分之九十五。") == {Decimal(95): "居民参与率"}


def test_a_measure_with_a_percent_sign_makes_a_valid_iri() -> None:
    graph, _ = _load("0%（%")  # found by the property test: a lone % in a measure's IRI
    assert all("%" not in o["measure"].rsplit("/", 1)[-1] for o in _observations(graph))


def test_a_number_after_a_verb_of_change_is_a_change_not_a_total() -> None:
    graph, _ = _load("截至目前，全镇党员总数为1,362名，较2020年增加了86名；网格员增加到450名。")
    scope = {Decimal(o["value"]): o["countScope"] for o in _observations(graph)}
    assert scope == {Decimal(1362): "total", Decimal(86): "change", Decimal(450): "total"}


def test_people_counted_with_a_verb_before_their_noun() -> None:
    """3200名在职党员, 45名下沉干部: the verb and the noun of people are what is counted."""
    measures = _measures("目前已有3200名在职党员完成报到，45名下沉干部参加培训。")
    assert measures[Decimal(3200)] == "在职党员" and measures[Decimal(45)] == "下沉干部"


def test_the_measure_before_a_time_and_an_earlier_figure() -> None:
    """居民满意度由2022年的82%提升至96.5%, 网格由30个增加到52个: both numbers count the noun
    before 由, past the year and the earlier figure."""
    text = "居民满意度由2022年的82%提升至96.5%。该区网格由30个增加到52个。"
    by_value = _measures(text)
    assert by_value[Decimal("82")] == by_value[Decimal("96.5")] == "居民满意度"
    assert by_value[Decimal(30)] == by_value[Decimal(52)] == "网格"


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("迅速建立万支服务小分队。", "10000", "exact"),
        ("党员近万名。", "10000", "approx_nearly"),
        ("上万名群众参与。", "10000", "approx_more_than"),
        ("服务群众万余人次。", "10000", "approx_more_than"),
    ],
)
def test_a_bare_wan_is_ten_thousand(text: str, value: str, qualifier: str) -> None:
    (o,) = _observations(_load(text)[0])
    assert (Decimal(o["value"]), o["qualifier"]) == (Decimal(value), qualifier)


@pytest.mark.parametrize(
    "text", ["千家万户都受益。", "每万人拥有社工。", "万元以上的项目。", "万人空巷。"]
)
def test_wan_in_words_rates_and_thresholds_is_no_number(text: str) -> None:
    assert _observations(_load(text)[0]) == []


def test_a_division_opening_the_counted_words_is_not_part_of_the_measure() -> None:
    assert _measures("南岗区党员志愿者1000名。") == {Decimal(1000): "党员志愿者"}


def test_an_adverb_glued_to_a_level_word_is_not_part_of_the_measure() -> None:
    measures = _measures("全镇28个村共组建联户小组460个。")
    assert measures[Decimal(28)] == "村" and measures[Decimal(460)] == "联户小组"


@pytest.mark.parametrize("text", ["西江千户苗寨有党员21名。", "千方百计服务群众50次。"])
def test_a_bare_bai_or_qian_in_a_word_is_no_number(text: str) -> None:
    values = {Decimal(o["value"]) for o in _observations(_load(text)[0])}
    assert Decimal(1000) not in values and Decimal(100) not in values and values


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("开展活动百余场次。", "100", "approx_more_than"),
        ("上千名群众参与。", "1000", "approx_more_than"),
    ],
)
def test_a_bare_bai_or_qian_with_a_cue_is_a_number(text: str, value: str, qualifier: str) -> None:
    (o,) = _observations(_load(text)[0])
    assert (Decimal(o["value"]), o["qualifier"]) == (Decimal(value), qualifier)


def test_a_page_counter_is_furniture_not_a_statistic() -> None:
    graph, _ = _load("鼓楼区建成网格136个。\n【打印本页】 浏览次数：1234次\n阅读量: 5600次")
    assert {Decimal(o["value"]) for o in _observations(graph)} == {Decimal(136)}


def test_a_one_character_rate_takes_the_words_before_it() -> None:
    assert _measures("全市诉求按时办结率99.2%。") == {Decimal("99.2"): "按时办结率"}


def test_a_measure_opens_with_a_word_not_a_sign() -> None:
    measures = _measures("全市打造“1+N”服务阵地300余处。")
    assert measures[Decimal(300)] == "服务阵地"


def test_spaces_around_a_number_from_a_web_page() -> None:
    """社区 28 个, 96.5 %: the number meets its unit; the span still quotes the text as stored."""
    graph, doc = _load("答: 全区共有社区 28 个 , 网格员 412 名 . 满意度达到 96.5 % .")
    assert {Decimal(o["value"]) for o in _observations(graph)} == {
        Decimal(28),
        Decimal(412),
        Decimal("96.5"),
    }
    _spans_match(graph, doc)


def test_a_noun_ending_in_the_unit_before_the_number_is_what_it_counts() -> None:
    measures = _measures("苏木党委组织党员中心户56户联系牧户680户。")
    assert measures[Decimal(56)] == "党员中心户"


def test_level_words_of_inner_mongolia_are_words() -> None:
    """嘎查 (a village) and 全苏木 (the whole sumu): the segmenter keeps 嘎查 whole."""
    text = "阿尔巴斯苏木推行网格治理，全苏木8个嘎查共划分网格24个。"
    assert _measures(text)[Decimal(8)] == "嘎查"


def test_numbers_after_qizhong_are_parts_of_a_total() -> None:
    graph, _ = _load("街道共设立网格47个，其中综合网格41个、专属网格6个。")
    scope = {Decimal(o["value"]): o["countScope"] for o in _observations(graph)}
    assert scope == {Decimal(47): "total", Decimal(41): "subset", Decimal(6): "subset"}


def test_after_a_level_word_only_a_plain_noun_goes_on_in_the_measure() -> None:
    measures = _measures("下一步将在全区21个街道全面推广，68个街道党工委参与。")
    assert measures[Decimal(21)] == "街道" and measures[Decimal(68)] == "街道党工委"


def test_numbers_of_what_was_added_or_compared_are_changes() -> None:
    graph, _ = _load(
        "今年新增“红色驿站”15个，累计达到86个。全年新发展党员320名。比上年减少网格12个。"
    )
    scope = {Decimal(o["value"]): o["countScope"] for o in _observations(graph)}
    assert scope == {
        Decimal(15): "change",
        Decimal(86): "total",
        Decimal(320): "change",
        Decimal(12): "change",
    }


def test_a_rank_word_before_the_counted_noun_is_part_of_it() -> None:
    obs = _observations(_load("街道将辖区划分为12个一级网格、68个二级网格。")[0])
    texts = {Decimal(o["value"]): o["measureText"] for o in obs}
    assert texts == {Decimal(12): "一级网格", Decimal(68): "二级网格"}


def test_a_verb_the_dictionary_calls_a_noun_is_no_part_of_the_measure() -> None:
    obs = _observations(_load("街道选派专职网格员1100余名，联系牧户680户。")[0])
    texts = {Decimal(o["value"]): o["measureText"] for o in obs}
    assert texts == {Decimal(1100): "专职网格员", Decimal(680): "牧户"}


def test_a_comparison_after_a_rate_is_the_change_of_that_rate() -> None:
    graph, _ = _load("群众满意率98.7%，较去年同期提升3.2个百分点。")
    obs = {Decimal(o["value"]): o for o in _observations(graph)}
    assert obs[Decimal("3.2")]["measureText"] == "群众满意率"
    assert obs[Decimal("3.2")]["countScope"] == "change"


def test_a_role_the_dictionary_lacks_stays_whole_in_the_measure() -> None:
    obs = _observations(_load("全街道配齐网格长218名、网格员436名。")[0])
    texts = {Decimal(o["value"]): o["measureText"] for o in obs}
    assert texts[Decimal(218)] == "网格长"


def test_a_time_limit_is_no_statistic() -> None:
    """2个工作日内答复, 3天内办结: how soon, not how many; the count beside them stays."""
    graph, _ = _load("社区承诺群众诉求2个工作日内答复、3天内办结，今年受理诉求612件。")
    assert [Decimal(o["value"]) for o in _observations(graph)] == [Decimal(612)]


def test_lifts_counted_by_bu_and_hours_of_service_but_not_limits_or_departments() -> None:
    """加装电梯63部 and 服务时长5.6万小时 are counts; 5部门 is no count in 部, 24小时服务 is
    round the clock and 12小时内回复 a limit."""
    text = (
        "全区完成加装电梯63部，联合5部门出台办法。志愿者服务时长5.6万小时，"
        "热线24小时服务，诉求12小时内回复。"
    )
    graph, _ = _load(text)
    units = {Decimal(o["value"]): o["unit"] for o in _observations(graph)}
    assert units == {Decimal(63): "部", Decimal(56000): "小时"}


def test_a_population_in_wan_with_no_unit_counts_people() -> None:
    """常住人口约21万, 流动人口近5.2万: a population with no unit after 万 counts people, with
    the qualifier its cue sets; 人口占比 stays a rate."""
    graph, _ = _load("某街道常住人口约21万，流动人口近5.2万，少数民族人口占比12%。")
    got = {Decimal(o["value"]): (o["unit"], o["qualifier"]) for o in _observations(graph)}
    assert got[Decimal(210000)] == ("人", "approx_about")
    assert got[Decimal(52000)] == ("人", "approx_nearly")
    assert got[Decimal(12)][0] == "%"


def test_points_and_a_place_described_by_a_count_before_de() -> None:
    """发放积分23.6万分 counts points (十分, 2分钟 and 1080分辨率 do not); 有居民4300余户的老旧
    社区被划成12个网格: the count describes the place, it is no bar picking out the next."""
    text = (
        "全县发放积分23.6万分，这十分重要，2分钟响应。这个有居民4300余户的老旧社区被划成12个网格。"
    )
    graph, _ = _load(text)
    got = {Decimal(o["value"]): o["unit"] for o in _observations(graph)}
    assert got == {Decimal(236000): "分", Decimal(4300): "户", Decimal(12): "个"}


def test_a_line_cut_between_a_number_and_its_unit() -> None:
    """A copy of a PDF cuts lines anywhere: 1263|件 on two lines is one quantity."""
    line = "今年以来全乡依托联系机制累计走访群众两千余户次，收集意见建议1263"
    graph, _ = _load(line + "\n件，办结1198件。")
    assert Decimal(1263) in {Decimal(o["value"]) for o in _observations(graph)}


def test_the_terms_of_a_quoted_formula_glossed_after_ji_are_no_statistics() -> None:
    """“1+2+N”队伍，即1名网格长、2名网格员和N名志愿者: the formula's terms; a count after
    the gloss is a statistic."""
    text = "每个网格组建“1+2+N”队伍，即1名网格长、2名网格员和N名志愿者，全镇共组建队伍86支。"
    graph, _ = _load(text)
    assert [Decimal(o["value"]) for o in _observations(graph)] == [Decimal(86)]


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "measure"),
    [
        ("群众满意度达九成以上。", 90, "approx_more_than", "群众满意度"),
        ("超八成的社区建立了议事会。", 80, "approx_more_than", "社区"),
        ("全区80%的社区建立了议事会。", 80, "exact", "社区"),
        ("近三成社区建立了议事会。", 30, "approx_nearly", "社区"),
        ("七成多居民参与议事。", 70, "approx_more_than", "居民"),
    ],
)
def test_tenths_and_shares_of_what_follows_de_are_percentages(
    text: str, value: int, qualifier: str, measure: str
) -> None:
    (obs,) = _observations(_load(text)[0])
    assert Decimal(obs["value"]) == value and obs["unit"] == "%"
    assert obs["qualifier"] == qualifier and obs["measureText"] == measure


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "measure"),
    [
        ("全镇三分之二以上的村建立了议事会。", "66.67", "approx_more_than", "村"),
        ("近四分之一社区建立了议事会。", "25.00", "approx_nearly", "社区"),
        ("网格员中2/3为党员。", "66.67", "exact", "网格员"),
    ],
)
def test_fractions_are_percentages(text: str, value: str, qualifier: str, measure: str) -> None:
    (obs,) = _observations(_load(text)[0])
    assert Decimal(obs["value"]) == Decimal(value) and obs["unit"] == "%"
    assert obs["qualifier"] == qualifier and measure in obs["measureText"]


def test_slashes_of_dates_and_scores_are_no_fractions() -> None:
    text = "2026/04/11发布。考核得分3/5分之间，比分11/12，5/3不是分数。"
    assert _observations(_load(text)[0]) == []


def test_those_picked_out_by_a_clause_before_de_are_a_subset_and_the_bar_no_statistic() -> None:
    """收入超过50万元的村有37个: 37 villages, some of all (no total to compare with the
    county's 209); 50万元 is the bar that picks them out; 村|有 counts 村."""
    text = "全县共有行政村209个。集体收入超过50万元的村有37个。全县的社区有12个。"
    obs = {Decimal(o["value"]): o for o in _observations(_load(text, area="阜平县")[0])}
    assert set(obs) == {Decimal(12), Decimal(37), Decimal(209)}
    assert obs[Decimal(37)]["measureText"] == "村"
    assert obs[Decimal(37)]["countScope"] == "subset"
    assert obs[Decimal(12)]["countScope"] == "total"  # 全县的: a place before 的, no clause


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "全区诉求解决率和满意率分别达到93.5%、94.2%，较去年同期分别提升2.1和1.8个百分点。",
            {"93.5": "诉求解决率", "94.2": "满意率", "2.1": "诉求解决率", "1.8": "满意率"},
        ),
        ("全区网格员、楼栋长分别达到436名、1200名。", {"436": "网格员", "1200": "楼栋长"}),
        ("城市社区和农村社区分别有120个和86个。", {"120": "城市社区", "86": "农村社区"}),
    ],
)
def test_measures_listed_before_fenbie_pair_with_the_values_after_it(
    text: str, expected: dict[str, str]
) -> None:
    obs = _observations(_load(text)[0])
    assert {_fmt_value(o["value"]): o["measureText"] for o in obs} == expected


def _fmt_value(value: str) -> str:
    return format(Decimal(value).normalize(), "f")


def test_area_and_counts_of_books_are_statistics_and_a_place_opening_the_measure_is_its_area() -> (
    None
):
    text = "新阳路街道辖区面积4.2平方公里，为社区减少工作台账30余本，发放宣传手册2000册。"
    obs = {_fmt_value(o["value"]): o for o in _observations(_load(text, area="道里区")[0])}
    assert {k: (o["measureText"], o["unit"]) for k, o in obs.items()} == {
        "4.2": ("辖区面积", "平方公里"),
        "30": ("工作台账", "本"),
        "2000": ("宣传手册", "册"),
    }
    assert obs["4.2"]["area"].endswith("/新阳路街道")


def test_a_figure_a_count_went_to_from_another_with_cong_counts_the_same() -> None:
    """从300户降至150户, 党员占比达到35%: the new figure counts what the old one did."""
    text = "社区工作者人均服务户数从300户降至150户，全区党员占比达到35%。"
    obs = {_fmt_value(o["value"]): o["measureText"] for o in _observations(_load(text)[0])}
    assert obs == {
        "300": "社区工作者人均服务户数",
        "150": "社区工作者人均服务户数",
        "35": "党员占比",
    }


def test_the_size_a_per_figure_is_for_is_no_statistic() -> None:
    """每300户至500户划分1个网格, 每2周走访1次: 300, 500 and 2 say what each figure is for."""
    text = "全市按照每300户至500户划分1个网格，网格员每2周走访1次，全市共划分网格1200个。"
    obs = [(_fmt_value(o["value"]), o["countScope"]) for o in _observations(_load(text)[0])]
    assert obs == [("1", "per"), ("1", "per"), ("1200", "total")]


def test_a_count_of_times_right_after_an_action_counts_the_action() -> None:
    text = "网格员全年走访3200次，社区全年共调解18次，召开议事会12次。"
    obs = {_fmt_value(o["value"]): o["measureText"] for o in _observations(_load(text)[0])}
    assert obs == {"3200": "走访", "18": "调解", "12": "议事会"}


def test_shang_before_a_hundred_is_part_of_the_number() -> None:
    (obs,) = _observations(_load("全年开展活动上百场。")[0])
    assert obs["measureText"] == "活动" and obs["qualifier"] == "approx_more_than"
    assert Decimal(obs["value"]) == 100
    # visits by household are a unit of their own
    (obs,) = _observations(_load("网格员累计走访居民2.3万户次。")[0])
    assert obs["unit"] == "户次" and Decimal(obs["value"]) == 23000
    # 上千 read by the segmenter as one word
    (obs,) = _observations(_load("服务群众上千人次。")[0])
    assert obs["measureText"] == "服务群众" and Decimal(obs["value"]) == 1000


def test_a_figure_in_brackets_after_another_is_a_part_of_it() -> None:
    """城市社区289个（其中涉农社区33个）, 网格4360个（含专属网格512个）: the bracket says more
    of the figure before it, whose measure stands before its number."""
    text = "全市共有城市社区289个（其中涉农社区33个），网格4360个（含专属网格512个）。"
    obs = {
        _fmt_value(o["value"]): (o["measureText"], o["countScope"])
        for o in _observations(_load(text)[0])
    }
    assert obs == {
        "289": ("城市社区", "total"),
        "33": ("涉农社区", "subset"),
        "4360": ("网格", "total"),
        "512": ("专属网格", "subset"),
    }


def test_a_clause_describing_what_is_counted_stands_between_the_number_and_it() -> None:
    """40项群众急需且镇街能够承接的行政权力, 12个有特色的党建品牌: what is counted follows 的;
    由14名镇村干部组成的专班 counts the people who make it up."""
    text = (
        "下放40项群众急需且镇街能够承接的行政权力，培育12个有特色的党建品牌，"
        "组建由14名镇村干部组成的矛盾调处专班。"
    )
    obs = {_fmt_value(o["value"]): o["measureText"] for o in _observations(_load(text)[0])}
    assert obs == {"40": "行政权力", "12": "党建品牌", "14": "镇村干部"}


def test_people_of_several_kinds_then_the_role_they_serve_in_count_the_role() -> None:
    text = (
        "组建了300余名退休教师、法律工作者、社区能人担任调解员的“调解队伍”，"
        "选派200名机关党员担任楼栋长，发动150名党员参与志愿服务。"
    )
    obs = {_fmt_value(o["value"]): o["measureText"] for o in _observations(_load(text)[0])}
    assert obs == {"300": "调解员", "200": "机关党员", "150": "党员"}
    # no kind of people named: what they serve as (示范|户, a counter closing the role)
    text = "街道挑选85人在西苑等3个小区担当示范户，让他们联系群众。"
    obs = {_fmt_value(o["value"]): o["measureText"] for o in _observations(_load(text)[0])}
    assert obs["85"] == "示范户"


def test_a_leading_verb_is_dropped_only_before_a_whole_word() -> None:
    """建成|区级社会治理中心: the verb goes; 建成区|面积: the segmenter's word stays."""
    text = "全区建成区级社会治理中心1个，建成区面积85平方公里。"
    obs = {_fmt_value(o["value"]): o["measureText"] for o in _observations(_load(text)[0])}
    assert obs == {"1": "区级社会治理中心", "85": "建成区面积"}


def test_a_part_named_by_the_action_done_on_it_after_qizhong() -> None:
    """上报事件8.6万件，其中自行处置5.2万件: those of the events handled by themselves."""
    text = "网格员累计上报事件8.6万件，其中自行处置5.2万件。"
    obs = {
        _fmt_value(o["value"]): (o["measureText"], o["countScope"])
        for o in _observations(_load(text)[0])
    }
    assert obs == {"86000": ("事件", "total"), "52000": ("自行处置事件", "subset")}


def test_years_in_a_row_count_what_was_done() -> None:
    text = "全省连续4年开展“红色轮训”，街道连续5年被评为先进街道。"
    obs = [
        (_fmt_value(o["value"]), o["unit"], o["measureText"]) for o in _observations(_load(text)[0])
    ]
    assert obs == [("4", "年", "开展“红色轮训”"), ("5", "年", "被评为先进街道")]


def test_a_list_inside_brackets_before_the_number_stays_in_what_is_counted() -> None:
    obs = _observations(_load("全县辖乡(林场、园区)12个，村(社区)156个。", area="随县")[0])
    assert [o["measureText"] for o in obs] == ["乡(林场、园区)", "村(社区)"]


def test_quanyuan_after_what_is_counted_is_no_part_of_it() -> None:
    (obs,) = _observations(_load("疫情期间20多个社区全员隔离。")[0])
    assert obs["measureText"] == "社区"


def test_an_average_is_a_figure_for_each_one() -> None:
    text = "全区街道执法队员平均8人，网格员平均年龄41岁。"
    obs = [(o["measureText"], o["countScope"]) for o in _observations(_load(text)[0])]
    assert obs == [("街道执法队员", "per"), ("网格员平均年龄", "total")]


def test_a_role_named_after_rural_revitalisation_is_one_noun() -> None:
    (obs,) = _observations(_load("为每个村招聘1名乡村振兴专干。")[0])
    assert obs["measureText"] == "乡村振兴专干" and obs["countScope"] == "per"


def test_tenths_inside_words_are_no_numbers() -> None:
    assert _observations(_load("方案一成不变，三成为新建，两成立即整改。")[0]) == []


def test_an_average_age_is_a_statistic_a_persons_age_is_not() -> None:
    text = "网格员平均年龄41.5岁，较去年下降2.3岁。72岁的李阿姨报名参加，为75岁以上老人送餐。"
    obs = _observations(_load(text)[0])
    assert [Decimal(o["value"]) for o in obs] == [Decimal("2.3"), Decimal("41.5")]
    assert {o["unit"] for o in obs} == {"岁"}
    assert [o["countScope"] for o in obs if Decimal(o["value"]) == Decimal("2.3")] == ["change"]


def test_a_count_right_after_a_quoted_list_of_as_many_items_is_no_statistic() -> None:
    """“森林防火、河道巡查、纠纷调处”三项任务: the count names the list, it counts nothing."""
    graph, _ = _load("全镇划分网格30个，实现“森林防火、河道巡查、纠纷调处”三项任务网格全覆盖。")
    assert [Decimal(o["value"]) for o in _observations(graph)] == [Decimal(30)]


def test_the_digits_of_a_quoted_name_glossed_after_ji_are_no_statistics() -> None:
    """“246”工作法，即2个…、4支…、6项…: each digit a term of the name; a count after the
    gloss is a statistic."""
    text = "推行“246”工作法，即2个平台、4支队伍、6项制度，全镇组建队伍58支。"
    assert [Decimal(o["value"]) for o in _observations(_load(text)[0])] == [Decimal(58)]


def test_a_figure_for_each_one_is_no_total() -> None:
    """每个网格配备网格员2名, 每万人口拥有社区工作者18人: countScope "per", never compared
    with the totals of the same measure (全县网格员1200名)."""
    text = "全县网格员1200名，每个网格配备网格员2名；每万人口拥有社区工作者18人。"
    scopes = {Decimal(o["value"]): o["countScope"] for o in _observations(_load(text)[0])}
    assert scopes == {Decimal(1200): "total", Decimal(2): "per", Decimal(18): "per"}


def test_cards_counted_by_zhang_and_cases_by_zong_in_digits_only() -> None:
    """已发放2100余张 counts cards, 化解矛盾纠纷856宗 cases; 三张清单 names a method, 3宗教场所
    counts no cases."""
    graph, _ = _load("全区已发放爱心卡2100余张，推行三张清单制度，化解矛盾纠纷856宗，有3宗教场所。")
    got = {Decimal(o["value"]): o["unit"] for o in _observations(graph)}
    assert got[Decimal(2100)] == "张" and got[Decimal(856)] == "宗"
    assert Decimal(3) not in got or got[Decimal(3)] != "宗"
