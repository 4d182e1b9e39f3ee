"""What a statistic counts, as the loader names it: without the counters, pronouns and place
words before it, nor a one-character verb or particle after it. Texts made up for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.loaders.base import GraphWriter
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.text import TextLoader


def _measure_texts(text: str) -> list[str]:
    doc = CorpusDocument("902_m", Path("902_m.txt"), text, "0", {"area": "随县"})
    graph = GraphWriter(doc.iri)
    TextLoader().load(doc, graph)
    return sorted(t.object.value for t in graph if t.predicate.value.endswith("#measureText"))


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("全县基层党组织共1163个。", "基层党组织"),
        ("新成立的志愿服务队有41个。", "志愿服务队"),
        ("农业人口占90%以上。", "农业人口占比"),  # a share of the whole
        # verbs the segmenter's dictionary does not call verbs (新建 a place, 轮训 a noun)
        ("城关镇北门街道新建服务站5个。", "服务站"),
        ("改扩建服务阵地40处。", "服务阵地"),
        ("今年轮训党员3000人次。", "党员"),
        ("命名示范点20个。", "示范点"),
        # verbs that only say an activity took place; adverbs after what is counted
        ("今年开展政策宣讲320场次。", "政策宣讲"),
        ("召开议事会12次。", "议事会"),
        ("全镇28个嘎查全部建立服务站。", "嘎查"),
        # 联系群众 is one word to the segmenter; 联系 is a verb
        ("全街道联系群众两千多户。", "群众"),
        # an invisible character a web copy left between the words and the number
        ("全区新建服务站\u200b15个。", "服务站"),
        # a verb of change after a rate: the change of the rate
        ("网格覆盖率提高2.5个百分点。", "网格覆盖率"),
        # words the segmenter cuts or tags wrongly (报|到, 主动 a noun, 举措 a verb) and an
        # adjective used as an adverb (积极) end what is counted
        ("全区3000名报到党员积极参与。", "报到党员"),
        ("300名热心居民主动担任网格员。", "热心居民"),
        ("出台12条务实管用举措。", "务实管用举措"),
        # a verb and the noun it describes, ending the clause
        ("全区有120个报到单位。", "报到单位"),
        ("今年成立党小组的楼组有26个。", "楼组"),
        ("全市推进96个超大社区治理。", "超大社区"),
        # a common name the segmenter cuts into a verb and a verb (实践|站)
        ("建成新时代文明实践站（所）52个。", "新时代文明实践站（所）"),
        # a 、 inside brackets ends no clause; a word of a total ends no measure
        ("活动覆盖8个县（市、区）。", "县（市、区）"),
        ("新建场所面积共计2.4万平方米。", "新建场所面积"),
        # divisions in a row before what is counted are all dropped
        ("湖南省浏阳市全市党员志愿者达1.2万名。", "党员志愿者"),
        # names of practices the segmenter cuts (接诉|即|办, 院坝|会)
        ("全区接诉即办响应率达100%。", "接诉即办响应率"),
        ("召开院坝会40场。", "院坝会"),
        ("推动网格党组织覆盖率提升至96%。", "网格党组织覆盖率"),
        ("在城关镇，已有85%的村建立议事厅。", "村"),
        ("全县选派驻村干部86名。", "驻村干部"),
        # a quoted name is counted as written, its numeral part of it
        ("全区开设“三点半课堂”40个。", "三点半课堂"),
        # 点 after a word is a site (服务|点 to the segmenter); 联系点, 联系户 are nouns
        ("街道建成便民服务点46个。", "便民服务点"),
        ("设立党员联系点120个。", "党员联系点"),
        ("确定联系户560户。", "联系户"),
        # the action whose rate it is names the rate
        ("全镇调处成功率达96%。", "调处成功率"),
        # a bare head of a body's name and the verb naming its work
        ("全镇建立村级调解委员会21个。", "村级调解委员会"),
        # a verb and its object the segmenter keeps whole, with no noun before the number
        ("今年共调解纠纷412件。", "调解纠纷"),
        # a quoted part inside what is counted keeps both its quotes
        ("开展“法律进万家”活动64场。", "“法律进万家”活动"),
        ("清理“飞线充电”230处。", "清理“飞线充电”"),
        # quotes around all of it go
        ("建成“暖心驿站”15个。", "暖心驿站"),
        # a verb phrase after a quoted name of the method used is what is counted
        ("依托“五步议事法”累计受理居民诉求215件。", "累计受理居民诉求"),
        ("到年底，全县85%以上的村建成议事点。", "村"),
        ("宜宾市92%的小区成立了业委会。", "小区"),
        # a rate before the number keeps it: the words after 的 are no base
        ("居民知晓率达到95%的水平。", "居民知晓率"),
        # a level word counted before a verb and its object is what is counted
        ("全乡19个村建成议事点。", "村"),
        # a rate and the one character that joins it to its value
        ("全镇群众诉求回访率为97.1%。", "诉求回访率"),
        ("社区矛盾纠纷响应率达99%。", "纠纷响应率"),
        ("群众知晓率达92%。", "群众知晓率"),
        # a word that opens a count, and the words before it
        ("全县共有镇级领导26名。", "镇级领导"),
        ("该社区共受理居民诉求815件。", "受理居民诉求"),
        ("辖区共有在职党员进社区报到1200余人次。", "在职党员进社区报到"),
        # one character of a noun after one of a verb
        ("全年累计派单968件。", "派单"),
        # but a level word after 有 is counted alone
        ("全乡有村11个。", "村"),
    ],
)
def test_words_around_what_is_counted_are_left_out(text: str, measure: str) -> None:
    assert _measure_texts(text) == [measure]


def test_a_longer_verb_can_be_what_is_counted() -> None:
    assert _measure_texts("为群众送医送药159.6万次。") == ["群众送医送药"]


def _observations(text: str, area: str = "吉林市") -> list[dict[str, str]]:
    """Each statistic read from ``text``: its properties by local name."""
    doc = CorpusDocument("903_s", Path("903_s.txt"), text, "0", {"area": area})
    graph = GraphWriter(doc.iri)
    TextLoader().load(doc, graph)
    by: dict[str, dict[str, str]] = {}
    for t in graph:
        if "/obs/" in t.subject.value:
            by.setdefault(t.subject.value, {})[t.predicate.value.rsplit("#", 1)[-1]] = (
                t.object.value
            )
    return list(by.values())


def _scopes(text: str) -> dict[str, str]:
    return {o["measureText"]: o["countScope"] for o in _observations(text)}


def test_places_that_did_something_in_a_list_are_a_subset() -> None:
    assert _scopes("受疫情影响，3个城区、12个街道启用应急预案。") == {
        "城区": "subset",
        "街道": "subset",
    }
    assert _scopes("全市共有城区6个。") == {"城区": "total"}


def test_a_change_after_a_rate_named_before_the_comparison_is_that_rates() -> None:
    """…办结率达96%，居民满意率较上年提高3.5个百分点: the change is 居民满意率's, not the
    办结率's before it."""
    text = "全年办结率达96%，居民满意率较上年提高3.5个百分点。"
    assert _measure_texts(text) == ["办结率", "居民满意率"]
    scopes = _scopes(text)
    assert scopes["居民满意率"] == "change"


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        # a count opening an item of a list, whatever the segmenter calls the word after it
        ("全镇18个机关党组织、35个共建单位全部参与。", ["共建单位", "机关党组织"]),
        # a rank before what is counted after it
        ("全县划分一级网格12个、二级网格140个。", ["一级网格", "二级网格"]),
        # an adverb of two characters after a rate
        ("服务站覆盖率分别达到100%和91%。", ["服务站覆盖率", "服务站覆盖率"]),
        # the earlier and the new figure are both of the subject before 由
        ("全镇网格员由2023年的210名增加到265名。", ["网格员", "网格员"]),
        ("全县巾帼志愿者由原来的500余人发展到1800余人。", ["巾帼志愿者", "巾帼志愿者"]),
        # a new figure after a verb joining it counts what the sentence before counted
        ("前年全县共有红色驿站30个，今年发展到58个。", ["红色驿站", "红色驿站"]),
    ],
)
def test_what_each_count_of_a_sentence_counts(text: str, measures: list[str]) -> None:
    assert _measure_texts(text) == measures


def test_numbers_sharing_a_unit_after_fenbie_in_a_comparison() -> None:
    """受理率97.2%，回访率91.4%，较上年分别提高1.5和2.8个百分点: 1.5 is a statistic too, the
    change of the first rate, and 2.8 the change of the second."""
    text = "全县诉求受理率97.2%，回访率91.4%，较上年分别提高1.5和2.8个百分点。"
    measures = {o["value"]: o["measureText"] for o in _observations(text, "随县")}
    assert measures == {
        "97.2": "诉求受理率",
        "91.4": "回访率",
        "1.5": "诉求受理率",
        "2.8": "回访率",
    }
    # years listed share no unit
    assert _measure_texts("东西两站分别于2024和2025年建成。") == []


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        # ranks listed before the noun they share, whatever the segmenter calls them
        ("全镇26名处级、科级干部下沉到村。", "处级、科级干部"),
        # a verb of pairing is no part of what is counted
        ("全县45名干部结对帮扶困难户230户。", "困难户"),
    ],
)
def test_ranks_listed_and_verbs_of_pairing(text: str, measure: str) -> None:
    assert measure in _measure_texts(text)


def test_each_action_of_a_list_of_actions_counted_is_its_own_measure() -> None:
    texts = _measure_texts("网格员为老人送医送药1.2万次、配餐送餐3800次、代购代办900次。")
    assert sorted(texts) == sorted(["老人送医送药", "配餐送餐", "代购代办"])


def test_an_adjective_alone_after_the_number_is_not_what_is_counted() -> None:
    assert "不等" not in _measure_texts("每名党员联系8-20户不等。")


def test_a_count_right_after_a_unit_counts_what_the_next_count_counts() -> None:
    """12条30项执法职能: 12 and 30 count the same powers (条 and 项 two ways of listing them)."""
    assert _measure_texts("全区下放12条30项行政执法职能。") == ["行政执法职能"] * 2


def test_quoted_words_before_de_describe_what_is_counted() -> None:
    assert _measure_texts("共打造86个“冬可取暖、夏可纳凉”的“爱心驿站”。") == ["爱心驿站"]


def test_a_second_count_after_he_counts_what_the_first_does() -> None:
    """分别建立调解室15个和9个: the second count is of 调解室 too, not of the words before."""
    assert _measure_texts("城东片区、城西片区也分别建立调解室15个和9个。") == ["调解室", "调解室"]
    # a noun after the second number still names what it counts
    assert _measure_texts("全县建成服务中心12个和服务站86个。") == ["服务中心", "服务站"]


def test_a_level_alone_after_qizhong_qualifies_the_measure_before() -> None:
    """服务站64个，其中镇级8个、村级56个: the stations at each level, not 镇级 and 村级."""
    assert _measure_texts("全县建成党群服务站64个，其中镇级8个、村级56个。") == [
        "党群服务站",
        "村级党群服务站",
        "镇级党群服务站",
    ]


def test_a_change_after_the_parts_of_a_total_by_level_is_the_totals() -> None:
    """服务站64个，其中镇级8个、村级56个，较上年增加9个: 9 is the change of all stations."""
    got = _measure_texts("全县建成党群服务站64个，其中镇级8个、村级56个，较上年增加9个。")
    assert sorted(got) == sorted(["党群服务站", "党群服务站", "村级党群服务站", "镇级党群服务站"])


def test_another_action_on_what_was_counted_before_in_the_sentence() -> None:
    """受理…件；办结…件: the second action is on the same appeals (same unit, across a
    semicolon); a comparison after a figure is cut off what is counted."""
    texts = _measure_texts("全区受理群众诉求3120件；办结2980件，信访总量较去年同期减少45件。")
    assert sorted(texts) == sorted(["受理群众诉求", "办结群众诉求", "信访总量"])
    # the action is on what the first counts, not on who did it or how (网格收集|民生诉求)
    texts = _measure_texts("通过网格收集民生诉求2361件，办结2298件。")
    assert texts == ["办结民生诉求", "网格收集民生诉求"]
    # an adverb before the action (已办结) is no part of it
    texts = _measure_texts("通过网格收集民生诉求2361件，已办结2298件。")
    assert texts == ["办结民生诉求", "网格收集民生诉求"]


def test_a_difference_of_rates_is_in_percentage_points() -> None:
    units = sorted(o["unit"] for o in _observations("办结率达96.4%，环比提高0.8个百分点。"))
    assert units == ["%", "个百分点"]


def test_a_percentage_a_part_takes_of_a_whole_is_its_share() -> None:
    """少数民族居民约占23%, 少数民族人口占总人口的46.3%, 流动人口占全区人口的比例为31%: the
    part's share (…占比); 辖区 only says where. A rate stays a rate."""
    texts = _measure_texts(
        "辖区少数民族居民约占23%。少数民族人口占总人口的46.3%。流动人口占全区人口的比例为31%。"
        "群众满意率达98%。农村人口约占全区总人口的62%。"
    )
    assert texts == [
        "农村人口占比",
        "少数民族人口占比",
        "少数民族居民占比",
        "流动人口占比",
        "群众满意率",
    ]
