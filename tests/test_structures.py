"""The structure recognisers on made-up sentences: every written form of a chain, a
mechanism, a 包保 system and an alliance, and the junk they must refuse, pinned by shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.loaders.base import GraphWriter
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.pipeline import nlp_pipeline
from govkg.loaders.structures import (
    Alliance,
    Chain,
    Mechanism,
    Structure,
    System,
    WorkingGroups,
    find_enumerations,
)
from govkg.loaders.text import TextLoader
from govkg.loaders.zh import normalise
from govkg.ontology import SKOS


def structures(text: str) -> list[Structure]:
    norm, _ = normalise(text)
    return list(nlp_pipeline()(norm)._.structures)


def of(kind: type[Structure], text: str) -> list[Structure]:
    return [s for s in structures(text) if type(s) is kind]


def items(s: Structure) -> list[str]:
    return [i.text for i in s.items]


def written(text: str, doc_id: str) -> GraphWriter:
    """The graph the report loader writes for ``text`` as a report about 吉林市."""
    doc = CorpusDocument(doc_id, Path(f"{doc_id}.txt"), text, "0", {"area": "吉林市"})
    graph = GraphWriter(doc.iri)
    TextLoader().load(doc, graph)
    return graph


def test_components_are_registered_in_the_pipeline() -> None:
    names = nlp_pipeline().pipe_names
    assert names.index("govkg_enumerations") < names.index("govkg_structures")


def test_enumerations_alone() -> None:
    text = "推行“走访、登记、办理、回访”四步工作法。"
    (e,) = find_enumerations(text, 0, len(text))
    assert e.items == ["走访", "登记", "办理", "回访"]
    assert e.name == "四步工作法" and e.count == 4


@pytest.mark.parametrize("joiner", ["—", "－", "–", "-", "→", ">", "+"])
def test_chain_in_every_joiner(joiner: str) -> None:
    levels = ["区委", "街道党工委", "社区党组织", "网格党支部"]
    (chain,) = of(Chain, f"构建“{joiner.join(levels)}”四级组织链条，运转顺畅。")
    assert items(chain) == levels
    assert chain.name == "四级组织链条" and chain.named


def test_unnamed_chain_is_named_from_its_levels() -> None:
    (chain,) = of(Chain, "形成社区党委领导下的“小区—楼院—单元”分层负责的格局。")
    assert items(chain) == ["小区", "楼院", "单元"]
    assert not chain.named and chain.name == "小区—楼院—单元"


def test_roles_with_their_count_are_a_chain() -> None:
    (chain,) = of(Chain, "全面推行网格长、楼栋长、单元长“三长”负责制。")
    assert items(chain) == ["网格长", "楼栋长", "单元长"]


def test_levels_with_a_count_are_a_chain() -> None:
    (chain,) = of(Chain, "推动县、乡、村三级联动。")
    assert items(chain) == ["县", "乡", "村"]


def test_joined_steps_are_a_mechanism() -> None:
    (mech,) = of(Mechanism, "建立“收集-研判-交办-反馈”的闭环链条。")
    assert items(mech) == ["收集", "研判", "交办", "反馈"]
    assert mech.name == "闭环链条"


@pytest.mark.parametrize(("open_", "close"), [("“", "”"), ("「", "」"), ("‘", "’")])
def test_quoted_steps_in_any_quotes(open_: str, close: str) -> None:
    (mech,) = of(Mechanism, f"推行{open_}摸排、交办、督办、反馈{close}的闭环模式。")
    assert items(mech) == ["摸排", "交办", "督办", "反馈"]
    assert mech.name == "闭环模式"


def test_parallel_actions_with_no_name_are_an_unnamed_mechanism() -> None:
    (mech,) = of(Mechanism, "全县压实责任，定岗、定责、定标、定效，推动工作落地。")
    assert items(mech) == ["定岗", "定责", "定标", "定效"]
    assert not mech.named and mech.name == "定岗、定责、定标、定效"


def test_one_action_on_different_objects_is_a_mechanism_though_the_segmenter_misreads_it() -> None:
    """队伍重塑、作风重塑和服务重塑 after 推进: one verb shared (jieba alone tags 重塑 a noun,
    the model a verb); the same shape with a shared noun is a list of people, no method."""
    (mech,) = of(Mechanism, "全区大力推进队伍重塑、作风重塑和服务重塑，群众满意度明显提升。")
    assert items(mech) == ["队伍重塑", "作风重塑", "服务重塑"]
    assert of(Mechanism, "全区大力发动党员志愿者、青年志愿者和巾帼志愿者，成效明显。") == []


@pytest.mark.parametrize(
    ("text", "name", "steps"),
    [
        (
            "全面落实“四议两公开”工作法，即村党组织提议、村“两委”会议商议、党员大会审议、"
            "村民代表会议决议，决议公开、实施结果公开。",
            "四议两公开",
            ["村党组织提议", "村“两委”会议商议", "党员大会审议", "村民代表会议决议", "决议公开", "实施结果公开"],
        ),
        ("落实“三会一课”，即支部党员大会、支部委员会、党小组会和党课。", "三会一课",
         ["支部党员大会", "支部委员会", "党小组会", "党课"]),
        ("推行“三务公开”制度，即党务公开、村务公开、财务公开，接受监督。", "三务公开",
         ["党务公开", "村务公开", "财务公开"]),
        ("抓好“三个一”工程，即一个阵地、一支队伍、一套机制。", "三个一",
         ["一个阵地", "一支队伍", "一套机制"]),
        ("推行“135”工作机制，即1个目标、3支队伍、5项制度。", "135工作机制",
         ["1个目标", "3支队伍", "5项制度"]),
        ("按照“1+3+N”模式配备网格力量，即1名专职网格员、3名兼职网格员、N名志愿者。",
         "1+3+N模式", ["1名专职网格员", "3名兼职网格员", "N名志愿者"]),
    ],
)  # fmt: skip
def test_a_counted_name_glossed_after_ji_has_the_parts_its_counts_say(
    text: str, name: str, steps: list[str]
) -> None:
    (mech,) = of(Mechanism, text)
    assert mech.name == name and items(mech) == steps


@pytest.mark.parametrize(
    "text",
    [
        "加强“两新”，即新经济组织和新社会组织党建工作。",  # one count, no head of a method
        "推行“三务公开”制度，即党务公开、村务公开，接受监督。",  # two parts for a count of three
    ],
)
def test_a_gloss_after_ji_that_does_not_fit_its_name_is_no_mechanism(text: str) -> None:
    assert [m.name for m in of(Mechanism, text) if m.name in ("两新", "三务公开")] == []


def test_baobao_pairs_with_lian_and_a_name_of_one_whole_word_before_them() -> None:
    (system,) = of(System, "建立“县级领导联乡镇、科级干部联村、一般干部联户”的三级联系制度。")
    assert [t.cadre for t in system.tiers] == ["县级领导", "科级干部", "一般干部"]  # type: ignore[attr-defined]
    assert system.name == "三级联系制度"
    (system,) = of(System, "全县实行网格化包保，由县处级领导包抓乡镇、部门包抓村、党员干部包抓户。")
    assert system.name == "网格化包保"


def test_baobao_with_another_verb() -> None:
    (system,) = of(System, "实行县级领导包联乡镇、科级干部包联社区（村）的“两级包联”机制。")
    assert [t.cadre for t in system.tiers] == ["县级领导", "科级干部"]  # type: ignore[attr-defined]
    assert system.name == "两级包联"


def test_alliance_members_after_a_cue_with_their_count() -> None:
    text = (
        "“15”党建联盟中的“1”是指中共某某街道某某社区委员会，“5”是指甲公司党支部、乙医院党支部、"
        "丙学校党支部、丁银行党支部、戊集团党委5家单位的党组织。"
    )
    (alliance,) = of(Alliance, text)
    assert alliance.name == "15党建联盟"
    assert items(alliance)[0] == "中共某某街道某某社区委员会" and len(alliance.items) == 6


# --- junk, by shape -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "开展走访、座谈、慰问等活动，收效明显。",  # a list ending in 等 with no name
        "通过活动共办、人员共培、资源共享等，推动结对共建。",
        "打造“红色驿站”“暖心小屋”“百姓茶馆”等20个服务品牌。",
    ],
)
def test_a_name_never_ends_in_deng(text: str) -> None:
    assert all(not s.name.endswith("等") for s in structures(text))


def test_a_verb_phrase_is_not_a_name() -> None:
    found = structures("为走访登记、矛盾调处、政策宣讲等提供便捷途径。")
    assert not any("提供" in s.name for s in found)
    assert not of(Mechanism, "为走访登记、矛盾调处、政策宣讲等提供便捷途径。")


def test_examples_of_a_counted_category_are_not_a_mechanism() -> None:
    assert not structures("打造“红色驿站”“暖心小屋”“百姓茶馆”等20个服务品牌。")


@pytest.mark.parametrize(
    "text",
    [
        "先后走访了长春市、吉林市、四平市等地。",  # places
        "新建站点12个、驿站30个、服务点45个。",  # numbers
        "力量下沉到街道、社区、网格。",  # bare levels with no count
        "吸引党员、退休干部、退役军人、能人乡贤积极参与。",  # people
        "群众反映最强烈、最突出、最紧迫的治理难题得到解决。",  # a described thing
        "同步完善考核、培训、退出等机制。",  # several mechanisms, not steps
    ],
)
def test_a_list_that_is_not_a_structure_produces_none(text: str) -> None:
    assert not structures(text)


def test_a_name_stops_before_a_quantity() -> None:
    (chain,) = of(Chain, "市、县、乡三级1234名领导干部明确联系对象。")
    assert not any(ch.isdigit() for ch in chain.name)


def test_a_joining_word_inside_a_word_does_not_split_items() -> None:
    (mech,) = of(Mechanism, "开展了访民情听民意、为群众办实事、促邻里共和谐的生动实践。")
    assert items(mech)[-1] == "促邻里共和谐"


def test_a_structure_stated_twice_is_one_resource() -> None:
    text = "推行“摸排、交办、督办、反馈”机制。\n各社区落实“摸排、交办、督办、反馈”机制。"
    graph = written(text, "900_twice")
    mechanisms = {t.subject.value for t in graph if t.object.value.endswith("#Mechanism")}
    assert len(mechanisms) == 1
    (m,) = mechanisms
    spans = [
        t for t in graph if t.subject.value == m and t.predicate.value.endswith("wasDerivedFrom")
    ]
    assert len(spans) == 2


def test_unnamed_is_stated_in_the_graph() -> None:
    text = "全县压实责任，定岗、定责、定标、定效，推动工作落地。"
    graph = written(text, "900_unnamed")
    assert any(t.predicate.value.endswith("#unnamed") and t.object.value == "true" for t in graph)


def test_a_bare_head_after_a_quoted_list_is_named_with_the_list() -> None:
    (m,) = of(Mechanism, "各街道推行“居民点单、社区派单”机制，效果明显。")
    assert m.name == "居民点单、社区派单机制"
    assert items(m) == ["居民点单", "社区派单"]


def test_a_count_or_a_bare_head_is_no_name() -> None:
    from govkg.loaders.structure_writer import not_a_name

    assert all(map(not_a_name, ["三个方面", "五种模式", "三级", "原则", "新格局"]))
    assert not any(map(not_a_name, ["四网融合", "六步工作法", "五级包保", "标准体系"]))
    text = "坚持“收集、会商、落实、反馈”的原则。"
    graph = written(text, "900_bare")
    labels = {
        t.object.value
        for t in graph
        if t.predicate.value.endswith("prefLabel")
        and "/mechanism/" in t.subject.value
        and t.subject.value.count("/") == 7
    }
    unnamed = {t.subject.value for t in graph if t.predicate.value.endswith("#unnamed")}
    assert "原则" not in labels and unnamed


def test_described_parts_of_one_system_are_a_mechanism_with_whole_items() -> None:
    """Items that each describe the same head noun (…的X体系、…的Y体系、…的Z体系) keep their
    的 and head; level characters before the first level open the first item."""
    text = "进一步完善市县两级协调有力的指挥体系、街道社区运转高效的执行体系、小区楼栋覆盖全面的服务体系。"
    (m,) = of(Mechanism, text)
    assert items(m) == [
        "市县两级协调有力的指挥体系",
        "街道社区运转高效的执行体系",
        "小区楼栋覆盖全面的服务体系",
    ]
    assert (m.name, m.named) == ("指挥体系、执行体系、服务体系", False)
    # several mechanisms of one kind, with nothing described, are not one system's parts
    assert of(Mechanism, "建立健全考核机制、激励机制、退出机制，压实责任。") == []


def test_a_line_cut_inside_an_item_is_not_in_its_label() -> None:
    text = "今年以来全县进一步完善市县两级协调有力的指挥体系、街道社区运转高效\n\n的执行体系、小区楼栋覆盖全面的服务体系。"
    graph = written(text, "900_cut")
    steps = {
        t.object.value
        for t in graph
        if t.predicate.value.endswith("prefLabel") and "/step/" in t.subject.value
    }
    assert "街道社区运转高效的执行体系" in steps
    assert not any("\n" in s for s in steps)


def test_a_name_glossed_by_its_parts_in_brackets() -> None:
    (c,) = of(Chain, "各社区推进“三长制”（网格长、楼栋长、单元长），责任到人。")
    assert (c.name, items(c)) == ("三长制", ["网格长", "楼栋长", "单元长"])
    (c,) = of(Chain, "全面推行三长制（网格长、楼栋长、单元长）。")
    assert items(c) == ["网格长", "楼栋长", "单元长"]
    (m,) = of(
        Mechanism,
        "推行“四议两公开”（村党组织提议、村“两委”会议商议、党员大会审议、村民会议决议）。",
    )
    assert m.name == "四议两公开" and len(m.items) == 4
    # brackets that list what a place holds, or two examples with no count, gloss nothing
    assert structures("设立“红色驿站”（含书屋、活动室、阅览室）。") == []
    assert structures("打造“红色驿站”（书屋、活动室）。") == []


def test_baobao_with_ranks_and_levels_the_vocabulary_lacks() -> None:
    """Ranks that end like a rank (…班子成员, 网格员, 党员中心户) and levels below the grid
    (楼栋, 单元) make tiers too; words before the first rank are not part of it."""
    text = "实行区级领导包街道、街道班子成员包社区、网格员包楼栋、党员中心户包单元。"
    (s,) = of(System, text)
    assert [(t.cadre, t.covered) for t in s.tiers] == [
        ("区级领导", "街道"),
        ("街道班子成员", "社区"),
        ("网格员", "楼栋"),
        ("党员中心户", "单元"),
    ]
    assert items(s)[0] == "区级领导包街道"
    graph = written(text, "900_tiers")
    minted = {
        t.subject.value
        for t in graph
        if t.predicate.value.endswith("#inScheme") and "/cadre-rank/" in t.subject.value
    }
    assert any(m.endswith("/网格员") for m in minted)


def test_alliance_members_named_as_examples_of_a_count() -> None:
    text = "街道党工委牵头成立“城东红色联盟”，成员单位包括区人民医院、区市场监管局、城东中学等12家单位。"
    (a,) = of(Alliance, text)
    assert items(a) == ["区人民医院", "区市场监管局", "城东中学"]


def test_a_long_name_made_from_items_is_cut_after_a_whole_item() -> None:
    from govkg.loaders.structure_writer import short_name

    long = "、".join(
        [
            "协调有力的指挥体系",
            "运转高效的执行体系",
            "覆盖全面的服务体系",
            "保障有力的支撑体系",
            "统一规范的标准体系",
        ]
    )
    assert (
        short_name(long)
        == "协调有力的指挥体系、运转高效的执行体系、覆盖全面的服务体系、保障有力的支撑体系…"
    )
    assert short_name("“四网融合”") == "四网融合"


def test_baobao_named_after_its_pairs_down_to_the_village_group() -> None:
    (s,) = of(System, "推行县级领导包联乡镇、乡镇干部包联村、村干部包联组的包联机制。")
    assert s.name == "包联机制" and s.named
    assert [t.covered for t in s.tiers] == ["乡镇", "村", "组"]
    # a name before the list is read from before it, never from inside a pair
    (s,) = of(System, "全面落实五级包保责任制，区级领导包街道、街道班子成员包社区。")
    assert s.name == "五级包保"


def test_steps_numbered_after_a_named_method() -> None:
    (m,) = of(
        Mechanism,
        "推行“三步工作法”：一是摸底排查。逐户走访。二是分类处置，建立台账。三是跟踪回访。",
    )
    assert (m.name, items(m)) == ("三步工作法", ["摸底排查", "分类处置", "跟踪回访"])
    (m,) = of(Mechanism, "实行三步法：第一步收集民意，第二步集体商议，第三步公开结果。")
    assert items(m) == ["收集民意", "集体商议", "公开结果"]
    # sections of a report (做法：一是…二是…) name no method; a count must fit
    assert of(Mechanism, "主要做法：一是夯实组织基础。二是健全包联机制。") == []
    assert of(Mechanism, "推行“四步工作法”：一是摸底排查，二是分类处置，三是跟踪回访。") == []


def test_alliance_members_after_a_verb_of_taking_in() -> None:
    (a,) = of(Alliance, "建立“1+N”党建联盟，吸纳区人社局、区卫健局、区城管局等12家单位加入。")
    assert items(a) == ["区人社局", "区卫健局", "区城管局"]


def test_alliance_made_of_units_listed_before_it() -> None:
    (a,) = of(Alliance, "成立由区人民医院、区教育局、区住建局、区供电公司组成的党建联盟。")
    assert (a.name, items(a)) == ("党建联盟", ["区人民医院", "区教育局", "区住建局", "区供电公司"])
    assert of(Alliance, "由街道党工委牵头，联合辖区单位组成党建联盟。") == []
    # three-character units (派出所, 卫生院) and a count after the examples
    (a,) = of(Alliance, "街道成立了由派出所、卫生院、物业公司等28家单位组成的区域党建联盟。")
    assert (a.name, items(a)) == ("区域党建联盟", ["派出所", "卫生院", "物业公司"])
    # words of reference are no units
    assert of(Alliance, "成立由各单位、其他部门组成的党建联盟。") == []


def test_a_contact_system_whose_levels_are_written_in_pairs() -> None:
    text = "建立市级领导联系县区、县区领导联系乡镇街道、乡镇街道干部联系村社区的联系制度。"
    (s,) = of(System, text)
    assert s.name == "联系制度"
    assert [t.covered for t in s.tiers] == ["县区", "乡镇街道", "村社区"]


def test_steps_numbered_after_a_quoted_name_its_head_and_a_comma() -> None:
    text = "探索“三事分流”工作法，第一步收集民意，第二步分类交办，第三步反馈评价。"
    (m,) = of(Mechanism, text)
    assert (m.name, items(m)) == ("三事分流", ["收集民意", "分类交办", "反馈评价"])
    # a comma with no step mark after it is no gloss
    assert of(Mechanism, "探索“三事分流”工作法，收集民意并反馈评价。") == []


def test_a_counted_name_glossed_by_as_many_clauses_after_a_colon() -> None:
    text = "该区推行“双报到”制度：机关单位党组织到社区报到，在职党员到居住地社区报到。"
    (m,) = of(Mechanism, text)
    assert (m.name, items(m)) == (
        "双报到",
        ["机关单位党组织到社区报到", "在职党员到居住地社区报到"],
    )
    # the count must be the number of clauses
    three = "该区推行“双报到”制度：单位党组织到社区报到，党员到社区报到，群众参与评议。"
    assert of(Mechanism, three) == []


def test_a_quoted_list_of_pairs_is_named_by_the_system_after_its_closing_quote() -> None:
    text = "区委实行“县级领导包镇、镇干部包村、村干部包组”的三级包保责任制。"
    (s,) = of(System, text)
    assert s.name == "三级包保责任制"
    assert [t.covered for t in s.tiers] == ["镇", "村", "组"]


def test_a_quoted_list_opened_by_ji_is_the_list_of_the_name_before_it() -> None:
    text = "街道探索“五步议事法”，即“提出议题、民主协商、形成决议、组织实施、评估反馈”。"
    (m,) = of(Mechanism, text)
    assert m.name == "五步议事法"
    assert items(m) == ["提出议题", "民主协商", "形成决议", "组织实施", "评估反馈"]
    # a count in the name that does not fit the list: no mechanism of that name
    wrong = "街道探索“三步议事法”，即“提出议题、民主协商、形成决议、组织实施、评估反馈”。"
    assert all(s.name != "三步议事法" for s in of(Mechanism, wrong))


def test_working_groups_named_as_examples_of_their_count() -> None:
    text = "区里组建物业治理、网格治理、民生服务等6个专项工作组，由区级领导担任组长。"
    (wg,) = of(WorkingGroups, text)
    assert items(wg) == ["物业治理", "网格治理", "民生服务"]
    assert all(wg.themes) and wg.levels == ["县级"]
    # a count smaller than the list is no count of these groups
    assert of(WorkingGroups, "组建物业治理、网格治理、民生服务等2个专项工作组。") == []


def test_working_groups_counted_before_their_duties() -> None:
    """组建专项工作组4个，分别负责A、B、C、D: the groups, one a duty; a count that does not fit
    the duties, or no 分别, makes none."""
    text = "街道组建专项工作组4个，分别负责物业治理、网格治理、民生服务和平安建设。"
    (wg,) = of(WorkingGroups, text)
    assert wg.name == "专项工作组"
    assert items(wg) == ["物业治理", "网格治理", "民生服务", "平安建设"]
    assert (
        of(WorkingGroups, "街道组建专项工作组3个，分别负责物业治理、网格治理、民生服务和平安建设。")
        == []
    )
    assert (
        of(WorkingGroups, "街道组建工作组4个，负责物业治理、网格治理、民生服务和平安建设。") == []
    )


def test_a_list_after_a_colon_is_named_by_a_counted_or_quoted_name_before_it() -> None:
    steps = "受理、派单、办理、回访、考核、归档"
    (m,) = of(Mechanism, f"街道推行“接诉即办”六步工作法：{steps}。")
    assert (m.name, len(m.items)) == ("“接诉即办”六步工作法", 6)
    (m,) = of(Mechanism, f"推行六步工作法：{steps}。")
    assert m.name == "六步工作法"
    # a count that does not fit leaves the list unnamed; a name with neither is no name
    (m,) = of(Mechanism, f"推行五步工作法：{steps}。")
    assert m.name == steps
    assert [s.name for s in of(Mechanism, "主要做法：受理、派单、办理。")] == ["受理、派单、办理"]


def test_alliance_members_after_each_part_of_its_quoted_formula() -> None:
    """“1”是…，“6”是6个…，“N”是A、B等成员单位: each part's members, a count before a kind
    of member dropped, the examples before 等 and a word for all members kept apart."""
    text = (
        "街道还建立“1+6+N”党建联盟，“1”是街道党工委，“6”是6个社区党委，"
        "“N”是辖区企业、学校等成员单位。"
    )
    (a,) = of(Alliance, text)
    assert a.name == "1+6+N党建联盟"
    assert items(a) == ["街道党工委", "社区党委", "辖区企业", "学校"]


def test_a_quoted_list_of_pairs_down_to_households_named_right_after_its_quote() -> None:
    text = "镇党委实行“镇领导包村、村干部包组、党员包户”三级包联机制，化解纠纷326起。"
    (s,) = of(System, text)
    assert s.name == "三级包联机制"
    assert [(t.cadre, t.covered) for t in s.tiers] == [
        ("镇领导", "村"),
        ("村干部", "组"),
        ("党员", "户"),
    ]


def test_a_quoted_counted_name_alone_before_a_colon_names_the_list_after_it() -> None:
    (m,) = of(Mechanism, "社区打造“三张清单”：需求清单、资源清单、项目清单。")
    assert (m.name, items(m)) == ("三张清单", ["需求清单", "资源清单", "项目清单"])
    # a count that does not fit leaves the list unnamed
    (m,) = of(Mechanism, "社区打造“两张清单”：需求清单、资源清单、项目清单。")
    assert m.name != "两张清单"


def test_an_unquoted_list_after_ji_takes_a_counted_quoted_name() -> None:
    (m,) = of(Mechanism, "推行“三步工作法”，即摸底排查、分类处置、跟踪回访。")
    assert (m.name, len(m.items)) == ("三步工作法", 3)


def test_baobao_pairs_after_a_quoted_name_and_a_colon_joined_by_commas() -> None:
    (s,) = of(System, "该区实行“双包”制度：区级领导包街道，街道领导包社区。")
    assert (s.name, items(s)) == ("双包", ["区级领导包街道", "街道领导包社区"])
    assert of(Mechanism, "该区实行“双包”制度：区级领导包街道，街道领导包社区。") == []


def test_a_rank_opening_with_a_level_ends_the_words_before_it() -> None:
    text = "全面推行区级领导包街、街道干部包社区、社区干部包网格“三级包保”工作机制。"
    (s,) = of(System, text)
    assert items(s)[0] == "区级领导包街"


def test_a_counted_quoted_name_a_few_words_before_ji_names_the_list() -> None:
    text = "街道以“五心”服务为主线，即“用心、耐心、细心、热心、贴心”，打造服务圈。"
    (m,) = of(Mechanism, text)
    assert (m.name, len(m.items)) == ("五心", 5)
    # with words between, a name that does not count the list is no name
    other = "街道以“暖心”服务为主线，即“用心、耐心、细心、热心、贴心”，打造服务圈。"
    assert all(s.name != "暖心" for s in of(Mechanism, other))


def test_a_chain_named_by_a_hierarchy_head_may_end_in_people() -> None:
    """…—楼组党小组—党员”的组织架构, …—党员联系户”四级组织体系: the head noun names a chain
    whose lowest level is people, not a mechanism with steps."""
    text = "形成了“居民区党总支—楼组党小组—党员”的组织架构。"
    (c,) = of(Chain, text)
    assert items(c) == ["居民区党总支", "楼组党小组", "党员"]
    assert not of(Mechanism, text)
    text = "健全“社区党委—网格党支部—楼道党小组—党员联系户”四级组织体系。"
    (c,) = of(Chain, text)
    assert c.name == "四级组织体系" and len(c.items) == 4
    # without the head noun, a list ending in people is no chain
    assert not of(Chain, "坚持“党委—支部—党员”一起抓。")


def test_numbered_steps_after_a_counted_quoted_name_are_read_once() -> None:
    """“四步议事法”：一是…，二是…: one mechanism, its steps without their numbers."""
    text = "该社区推行“四步议事法”：一是居民提事，二是两委议事，三是会议决事，四是公开晒事。"
    (m,) = of(Mechanism, text)
    assert items(m) == ["居民提事", "两委议事", "会议决事", "公开晒事"]


def test_baobao_pairs_with_a_role_ending_in_zhang_and_a_stairwell() -> None:
    """…、网格长包楼道: a role word (网格长) is a cadre rank, 楼道 a covered level; the
    system has all three tiers."""
    text = "全镇落实“三级包干”：镇班子成员包村、村书记包网格、网格长包楼道。"
    (s,) = of(System, text)
    assert [(t.cadre, t.covered) for t in s.tiers] == [
        ("镇班子成员", "村"),
        ("村书记", "网格"),
        ("网格长", "楼道"),
    ]


def test_an_alliance_named_after_a_verb_and_members_after_a_colon() -> None:
    """镇里组建党建联盟，成员单位有：A、B、C: the alliance is 党建联盟 (组建 opens the
    clause, it is no part of the name) and the first member has no colon."""
    text = "镇里组建党建联盟，成员单位有：镇派出所、镇卫生院、镇中心小学等15家。"
    (a,) = of(Alliance, text)
    assert a.name == "党建联盟"
    assert items(a) == ["镇派出所", "镇卫生院", "镇中心小学"]
    (a,) = of(Alliance, "打造邻里共建联盟，成员单位包括社区卫生站、物业公司、幼儿园等8家单位。")
    assert a.name == "邻里共建联盟"


def test_a_quoted_name_counting_the_word_its_items_share_names_the_list_after_ji() -> None:
    """以“三到位”为目标，即“A到位、B到位、C到位”: the count and the shared word name the
    list, though the name ends in a verb."""
    text = "村里以“三到位”为要求，即“宣传到位、排查到位、整改到位”，推进安全治理。"
    (m,) = of(Mechanism, text)
    assert m.name == "三到位"
    assert items(m) == ["宣传到位", "排查到位", "整改到位"]
    # a count that does not fit leaves the list unnamed by it
    assert not [
        s
        for s in structures("以“四到位”为要求，即“宣传到位、排查到位、整改到位”，推进治理。")
        if s.name == "四到位"
    ]


def test_units_a_body_is_made_of_are_no_mechanism() -> None:
    """由A、B、C组成的联合执法组: the parts of a body, not the steps of a method."""
    text = "镇里组建由司法所、派出所、综治中心组成的联合执法组，化解纠纷。"
    assert not of(Mechanism, text)


def test_baobao_pairs_of_units_and_one_character_levels() -> None:
    """县直单位包联村; 领导包片、干部包格、党员包户: a unit covers a level as a cadre does, and
    片, 格 are the levels 片区, 网格 written short."""
    (s,) = of(System, "全县推行“双包联”：县级领导包联乡镇，县直单位包联村。")
    assert [(t.cadre, t.covered) for t in s.tiers] == [("县级领导", "乡镇"), ("县直单位", "村")]
    assert not of(Mechanism, "全县推行“双包联”：县级领导包联乡镇，县直单位包联村。")
    (s,) = of(System, "推行“书记包片、委员包格、党员包户”责任制。")
    assert [t.level_iri.rsplit("/", 1)[-1] for t in s.tiers][:2] == ["片区", "网格（小区）"]


def test_working_groups_under_another_name() -> None:
    """网格治理、物业治理、民生服务3个工作专班: 工作专班 is what many reports call the
    专项工作组."""
    (w,) = of(WorkingGroups, "县里成立网格治理、物业治理、民生服务3个工作专班。")
    assert items(w) == ["网格治理", "物业治理", "民生服务"]
    # a count that does not fit is no list of groups
    assert not of(WorkingGroups, "县里成立网格治理、物业治理、民生服务5个工作专班。")


def test_units_that_found_an_alliance_are_its_members() -> None:
    """A、B、C等12家单位成立「某某联盟」: the founders are members, in either quotes."""
    for q in ("“”", "「」"):
        text = f"社区联合卫生院、派出所、供电所等12家单位成立{q[0]}邻里同心联盟{q[1]}。"
        (a,) = of(Alliance, text)
        assert a.name == "邻里同心联盟"
        assert items(a) == ["卫生院", "派出所", "供电所"]
    (a,) = of(Alliance, "联合卫生院、派出所等9家单位共同组建的社区共治联盟正式运行。")
    assert a.name == "社区共治联盟"


def test_numbered_steps_in_the_sentences_after_the_name() -> None:
    """“五步工作法”。第一步，…；第二步，…: the name ends its sentence, the steps follow,
    each after its mark and a comma."""
    text = (
        "该村推行“三步工作法”。第一步，村民小组长收集意见；第二步，村两委研究方案；"
        "第三步，村民代表会议表决。"
    )
    (m,) = of(Mechanism, text)
    assert m.name == "三步工作法"
    assert items(m) == ["村民小组长收集意见", "村两委研究方案", "村民代表会议表决"]


def test_steps_opened_by_words_of_sequence() -> None:
    """“院坝协商”机制，首先…，其次…，最后…: the steps in order; a colon and a counted
    name read them once, without the words of sequence."""
    text = "该镇探索“院坝协商”机制，首先由村民提出议题，其次由村委会组织协商，最后由村民会议表决。"
    (m,) = of(Mechanism, text)
    assert m.name == "院坝协商"
    assert items(m) == ["由村民提出议题", "由村委会组织协商", "由村民会议表决"]
    text = "推行“三访”工作法：首先访困难群众，然后访老党员，最后访返乡青年。"
    (m,) = of(Mechanism, text)
    assert items(m) == ["访困难群众", "访老党员", "访返乡青年"]
    # without the last word there is no list of steps
    assert not of(Mechanism, "探索“院坝协商”机制，首先由村民提出议题，其次由村委会组织协商。")


def test_members_listed_after_a_cue_with_one_unit_named_by_its_number() -> None:
    """成员单位包括：A派出所、B医院、某某三中、C所等: one member named without a unit's
    ending among three or more is still a member; a quoted alliance name stays whole."""
    text = (
        "街道成立“邻里守望联盟”，成员单位包括：城东派出所、市第二医院、城关三中、城东市场监管所等。"
    )
    (a,) = of(Alliance, text)
    assert a.name == "邻里守望联盟"
    assert items(a) == ["城东派出所", "市第二医院", "城关三中", "城东市场监管所"]
    # two names that are no units are no list of members
    text = "街道成立“邻里守望联盟”，成员单位包括：城东派出所、城关三中、城西二小等。"
    assert not of(Alliance, text)


def test_chains_counted_by_levels_and_a_level_after_a_particle() -> None:
    """…—村—红色管家”四级响应机制: a count of levels that fits names a chain whose last
    level is people; 建立了市、区、…四级联动: the first level follows a particle the segmenter
    glues to it."""
    (c,) = of(Chain, "县里建立“县—乡镇—村—红色管家”四级响应机制。")
    assert items(c) == ["县", "乡镇", "村", "红色管家"]
    (c,) = of(Chain, "城区建立了市、区、街道、社区四级联动的处置机制。")
    assert items(c) == ["市", "区", "街道", "社区"]


def test_a_baobao_system_named_by_a_quoted_word_before_ji() -> None:
    """“双包联”机制，即A包联B、C包联D: the quoted word names the pairs after 即."""
    (s,) = of(System, "全县推行干部“双包联”机制，即县级领导包联乡镇、县直部门包联村。")
    assert s.name == "双包联"
    assert [(t.cadre, t.covered) for t in s.tiers] == [("县级领导", "乡镇"), ("县直部门", "村")]


def test_working_groups_whose_items_end_in_a_word_for_a_group() -> None:
    """下设网格治理组、物业治理组、综合保障组3个工作专班: each group's topic without 组, its
    theme where the ontology has one, its label not doubled (网格治理专项工作组)."""
    text = "区里成立领导小组，下设网格治理组、物业治理组、综合保障组3个工作专班。"
    (w,) = of(WorkingGroups, text)
    assert w.themes[0] is not None and w.themes[0].endswith("/网格治理")
    graph = written(text, "905_wg")
    labels = {
        t.object.value
        for t in graph
        if "/working-group/" in t.subject.value and t.predicate.value.endswith("#prefLabel")
    }
    assert "综合保障专项工作组" in labels
    assert not any(label.endswith("组专项工作组") for label in labels)


def test_a_dashed_chain_named_by_a_bare_head_of_a_hierarchy() -> None:
    """“镇党委—村党支部—村民小组党小组”组织链条: the chain is named 组织链条, not by its
    items and the head; a quoted list of actions keeps its items in its name."""
    (c,) = of(Chain, "全镇健全“镇党委—村党支部—村民小组党小组”组织链条。")
    assert c.name == "组织链条"
    (m,) = of(Mechanism, "全镇推行“村里吹哨、部门报到”机制。")
    assert m.name == "村里吹哨、部门报到机制"


def test_baobao_pairs_are_not_read_again_as_a_list_of_levels() -> None:
    """县级领导联系乡镇、乡镇干部包村、村干部包组的三级联系制度: one system and its chain,
    not a second chain opening with the level the list finder cut from the first pair."""
    text = "全县建立县级领导联系乡镇、乡镇干部包村、村干部包组的三级联系制度。"
    chains = of(Chain, text)
    assert len(chains) == 1
    assert items(chains[0])[0] == "县级领导联系乡镇"


def test_pairs_of_short_items_inside_quotes_are_each_a_step() -> None:
    """“两访两问”，即“访民情、问需求，访困难、问对策”: four short items, two by two."""
    text = "社区推行“两访两问”工作法，即“访民情、问需求，访困难、问对策”，收集意见。"
    (m,) = of(Mechanism, text)
    assert items(m) == ["访民情", "问需求", "访困难", "问对策"]


def test_a_chain_of_units_each_given_its_role_after_yi() -> None:
    """以镇党委为核心、村党支部为基础、党小组为支撑的组织体系: a chain of the units; a list of
    aims given their roles (以需求为导向、项目为载体…) is no chain."""
    text = "建立以镇党委为核心、村党支部为基础、村民小组党小组为支撑的组织体系。"
    (c,) = of(Chain, text)
    assert items(c) == ["镇党委", "村党支部", "村民小组党小组"]
    assert not of(Chain, "形成以需求为导向、项目为载体、服务为核心的工作机制。")


def test_a_chain_of_roles_each_given_its_duty() -> None:
    """“三级书记抓治理”：县委书记抓统筹、乡镇党委书记抓推进、村党组织书记抓落实: a chain of
    the three secretaries; the levels given duties (县里抓…、乡镇抓…) are one too."""
    text = "全县实行“三级书记抓治理”：县委书记抓统筹、乡镇党委书记抓推进、村党组织书记抓落实。"
    (c,) = of(Chain, text)
    assert c.name == "三级书记抓治理"
    assert items(c) == ["县委书记", "乡镇党委书记", "村党组织书记"]
    (c,) = of(Chain, "推行“三级联动”：县里抓统筹、乡镇抓推进、村里抓落实。")
    assert items(c) == ["县", "乡镇", "村"]


def test_a_chain_of_roles_each_set_up_at_a_level() -> None:
    """“四长制”，即社区设片长、网格设格长…: a chain of the four roles, not of the clauses."""
    text = "全镇推行“四长制”，即社区设片长、网格设格长、楼栋设楼长、单元设户长。"
    (c,) = of(Chain, text)
    assert items(c) == ["片长", "格长", "楼长", "户长"]


def test_baobao_levels_with_glosses_in_brackets_and_tiers_of_two_levels() -> None:
    """县级领导包保乡镇（街道）、…包保村（社区）: a gloss with a list inside (县（市、区）) is
    part of the covered level; 乡镇街道领导 is a rank of one tier, not 街道领导."""
    text = "建立市级领导包保县（市、区）、县级领导包保乡镇（街道）、乡镇干部包保村（社区）的三级包保体系。"
    (s,) = of(System, text)
    assert [t.covered for t in s.tiers] == ["县（市、区）", "乡镇（街道）", "村（社区）"]
    text = "实行县级领导包乡镇街道、乡镇街道领导包村社区、村社区干部包组的三级包保机制。"
    (s,) = of(System, text)
    assert [t.cadre for t in s.tiers] == ["县级领导", "乡镇街道领导", "村社区干部"]


def test_baobao_pairs_right_before_the_systems_head_and_a_quoted_rank() -> None:
    """实行“两委”干部包片、党员包户制度: the last pair ends where 制度 begins, and the quoted
    “两委” is part of the first rank."""
    (s,) = of(System, "全村实行“两委”干部包片、党员包户制度。")
    assert [(t.cadre, t.covered) for t in s.tiers] == [("“两委”干部", "片"), ("党员", "户")]


def test_a_name_counting_the_items_by_a_character_each_holds() -> None:
    """以“四联四共”为抓手，即党建联抓、阵地联用、活动联办、事务联治: the first count and 联,
    a character every item holds, name the unquoted list after 即."""
    text = "社区以“四联四共”为抓手，即党建联抓、阵地联用、活动联办、事务联治，推动共建。"
    (m,) = of(Mechanism, text)
    assert m.name == "四联四共"
    assert items(m) == ["党建联抓", "阵地联用", "活动联办", "事务联治"]


def test_working_groups_named_gongzuozu_or_gongzuo_xiaozu() -> None:
    """下设综合协调组、网格管理组、督导考核组3个工作组; …等5个工作小组: lists of groups."""
    (w,) = of(WorkingGroups, "下设综合协调组、网格管理组、督导考核组3个工作组。")
    assert items(w) == ["综合协调组", "网格管理组", "督导考核组"]
    (w,) = of(WorkingGroups, "镇里成立物业管理、矛盾调解、环境整治等5个工作小组。")
    assert items(w) == ["物业管理", "矛盾调解", "环境整治"]


def test_alliances_units_form_after_lianhe_or_join_with_jiecheng() -> None:
    """联合A、B、C组成“某某”联盟; A、B等9家单位结成党建联盟: the units are the members."""
    (a,) = of(Alliance, "村里联合镇卫生院、镇派出所、镇中心校组成“连心”党建联盟。")
    assert (a.name, items(a)) == ("连心党建联盟", ["镇卫生院", "镇派出所", "镇中心校"])
    (a,) = of(Alliance, "街道与驻区的市中心医院、区实验小学等9家单位结成党建联盟。")
    assert items(a) == ["市中心医院", "区实验小学"]


def test_a_chain_joined_by_arrows_typed_in_ascii() -> None:
    """ "A->B->C" (a web copy's ASCII arrows and quotes) is the chain A→B→C."""
    text = '该区构建"街道党工委->社区党委->网格党支部"三级组织链条。'
    (chain,) = of(Chain, text)
    assert len(chain.items) == 3 and chain.name == "三级组织链条"


def test_a_named_method_then_what_doing_it_means() -> None:
    """推行“三心”工作法，做到A、B、C: the method's steps; a list of sundry things after it is
    none (its items not written alike)."""
    (m,) = of(Mechanism, "社区推行“三心”工作法，做到接待热心、办事诚心、服务贴心。")
    assert (m.name, items(m)) == ("三心", ["接待热心", "办事诚心", "服务贴心"])
    sundry = "社区推行“三心”工作法，做到接待、办理群众反映的各类诉求、回访。"
    assert all(x.name != "三心" for x in of(Mechanism, sundry))


def test_members_of_the_alliance_named_before() -> None:
    """该联盟成员单位包括A、B、C: the alliance quoted in the sentence before; with none named
    before, no alliance called 该联盟."""
    text = "街道成立“同心”党建联盟。该联盟成员单位包括区税务局、区人民医院和供电公司。"
    (a,) = of(Alliance, text)
    assert a.name == "同心党建联盟" and len(a.items) == 3
    assert of(Alliance, "该联盟成员单位包括区税务局、区人民医院和供电公司。") == []


def test_members_of_a_bare_alliance_word_belong_to_the_alliance_named_before() -> None:
    """联盟成员单位包括A、B、C after “同心”党建联盟: the same alliance, not one called 联盟; with
    none named before, the bare word stays its name."""
    text = "街道成立“同心”党建联盟。联盟成员单位包括区税务局、区人民医院和供电公司。"
    (a,) = of(Alliance, text)
    assert a.name == "同心党建联盟" and len(a.items) == 3
    (b,) = of(Alliance, "党建联盟成员单位包括区税务局、区人民医院和供电公司。")
    assert b.name == "党建联盟"


def test_units_given_roles_in_clauses_after_yi_are_a_chain() -> None:
    """以社区党委为核心，以小区党支部为基础，以楼栋党小组为支点的组织体系: the units in order;
    aims given roles the same way (以需求为导向，以项目为载体…) are no chain."""
    text = "建立以社区党委为核心，以小区党支部为基础，以楼栋党小组为支点的组织体系。"
    (c,) = of(Chain, text)
    assert items(c) == ["社区党委", "小区党支部", "楼栋党小组"] and c.name == "组织体系"
    assert not of(Chain, "坚持以需求为导向，以项目为载体，以服务为核心的工作思路。")


def test_groups_whose_names_end_in_zu_listed_before_their_count() -> None:
    """综合协调组、宣传动员组…4个工作组: 宣传动员|组 ends an item, it opens no run of levels."""
    (wg,) = of(WorkingGroups, "指挥部下设综合协调组、宣传动员组、安全保障组、后勤保障组4个工作组。")
    assert items(wg) == ["综合协调组", "宣传动员组", "安全保障组", "后勤保障组"]


def test_alliance_members_listed_after_fenbie_shi() -> None:
    text = (
        "社区党委组建“幸福邻里”区域化党建联盟，联盟成员单位分别是区人民医院、区实验小学、"
        "区税务局、城投物业公司党支部。"
    )
    (a,) = of(Alliance, text)
    assert a.name == "幸福邻里区域化党建联盟"
    assert items(a) == ["区人民医院", "区实验小学", "区税务局", "城投物业公司党支部"]


def test_units_set_up_at_levels_are_a_chain() -> None:
    text = "某区把党支部建在小区上、党小组建在楼栋上、党员中心户设在单元里，构建起组织体系。"
    (c,) = of(Chain, text)
    assert items(c) == ["小区党支部", "楼栋党小组", "单元党员中心户"]
    # places that are no levels: no chain
    assert not of(Chain, "把服务阵地建在群众家门口、把调解室设在商圈里、把驿站建在路口上。")


def test_the_organisation_reaching_down_level_by_level_is_a_chain() -> None:
    text = "某街道推动党的组织从社区延伸到小区、楼栋、单元，形成四级网格。"
    (c,) = of(Chain, text)
    assert items(c) == ["社区", "小区", "楼栋", "单元"] and c.name == "四级网格"
    # levels out of order: no chain
    assert not of(Chain, "服务从单元延伸到小区、社区、街道，形成四级网格。")


def test_a_name_that_only_ends_in_a_heads_character_names_no_method() -> None:
    """交警、税务、卫健等执法力量: 执法 ends in 法 but is no method's name."""
    text = "组织交警、税务、卫健、环保等执法力量进小区。"
    assert of(Mechanism, text) == []


def test_a_baobao_pair_outside_the_rule_builds_with_a_warning(tmp_path: Path) -> None:
    """县级领导包村 (county leaders paired with villages, common outside 吉林): what the report
    states is kept; the 包保 rule only warns. 县级领导包镇 and 科级干部包联村社 are pairs it
    allows: 镇 and 村社 are names of its levels."""
    from govkg.graph.build import BuildOptions, build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text(
        "documents:\n  - {id: b1, title: 包保, date: 2026-01-01, area: 阜平县}\n", "utf-8"
    )
    text = (
        "全县实行县级领导包村、乡镇干部包组、党员包户的三级包联机制。"
        "另推行县级领导包镇、科级干部包联村社、网格员包户的三级联系制度。"
    )
    (corpus / "b1.txt").write_text(text, encoding="utf-8")
    result = build(BuildOptions(corpus, tmp_path / "out"))
    validation = result.report["validation"]
    assert result.ok and validation["conforms"], validation
    (finding,) = validation["violations"]  # the one pair outside the rule, as a warning
    assert finding["severity"] == "Warning"
    assert "县级领导" in finding["message"] and finding["value"].endswith("社区（村）")


def test_parts_each_ending_in_a_word_of_a_quoted_formula_before_it() -> None:
    """实行A组建…联盟、B成立业委会的“联盟+业委会”模式: the parts, after the verb of method;
    parts that do not end in the formula's words are no such list."""
    text = "某区实行街道组建红色物业联盟、小区成立业委会的“联盟+业委会”模式，推动物业服务提质。"
    (m,) = of(Mechanism, text)
    assert m.name == "联盟+业委会"
    assert items(m) == ["街道组建红色物业联盟", "小区成立业委会"]
    text = "某县推行村党支部领办合作社、村民以土地入股的“支部+合作社”模式。"
    assert [m.name for m in of(Mechanism, text) if "+" in m.name] == []


def test_ways_listed_with_commas_before_deng_and_a_head() -> None:
    """总结推广A嵌入式服务，“甲、乙、丙”三方协同联动式服务，B结对式服务等模式: the three ways;
    the list quoted inside one of them is a structure of its own."""
    text = (
        "某区总结推广“红色管家”嵌入式服务，“社区、物业、业委会”三方协同联动式服务，"
        "“网格员+志愿者”结对式服务等模式，在30个小区试行。"
    )
    found = of(Mechanism, text)
    ways = [m for m in found if len(m.items) == 3 and items(m)[0].endswith("嵌入式服务")]
    assert [items(m) for m in ways] == [
        [
            "“红色管家”嵌入式服务",
            "“社区、物业、业委会”三方协同联动式服务",
            "“网格员+志愿者”结对式服务",
        ]
    ]
    assert any(items(m) == ["社区", "物业", "业委会"] for m in found)
    # parts that do not end alike are no such list
    assert not [
        m for m in of(Mechanism, "推广网格管理，联户服务，积分激励等模式。") if len(m.items) == 3
    ]


def test_clauses_that_end_in_a_counted_names_word_are_its_parts() -> None:
    """全面开展“双报到”活动。…A积极到街道社区报到，B主动到居住地社区报到: the two parts, in the
    sentence after the name; clauses read already after a colon are not read twice."""
    text = (
        "全区开展“双报到”活动，成效明显。各单位党组织积极到所在社区报到，"
        "党员主动到居住小区报到，参与志愿服务。"
    )
    (m,) = of(Mechanism, text)
    assert m.name == "双报到"
    assert items(m) == ["各单位党组织积极到所在社区报到", "党员主动到居住小区报到"]
    glossed = "推行“双报到”制度：单位党组织到社区报到，在职党员到小区报到。"
    assert len(of(Mechanism, glossed)) == 1


def test_bodies_listed_before_acting_together_are_a_joint_mechanism() -> None:
    """社区党委、居委会、业委会、物业公司共同协商…: bodies listed before 共同 (联合, 携手…) and an
    action work together; the parts are the bodies, in traditional script too. People (党员、
    群众) are no bodies, and 共同体 is no acting together."""
    (m,) = of(Mechanism, "经街道牵头，社区党委、居委会、业委会、物业公司共同协商车棚改造方案。")
    assert items(m) == ["社区党委", "居委会", "业委会", "物业公司"]
    assert m.name == "共同协商" and not m.named
    (t,) = of(Mechanism, "經街道協調,黨總支、居委會、業委會、物業公司共同商議車棚方案。")
    assert items(t) == ["党总支", "居委会", "业委会", "物业公司"]  # read in the normalised view
    assert not of(Mechanism, "社区党员、群众、志愿者共同参与环境整治。")
    assert not of(Mechanism, "我们把共建单位、社会组织、物业企业、业委会共同体建设作为重点。")


def test_ways_listed_after_yi_before_the_action_they_serve() -> None:
    """以A、B、C确定…: ways listed after 以 that end where the action they serve opens (a verb
    and its object); the list stops there, though the object goes on with 和. A list given a
    role (以A、B为…), places, or people (党员、群众) are not ways of acting."""
    (m,) = of(Mechanism, "各组以就近、就熟、方便走访确定联系范围和联系对象。")
    assert items(m) == ["就近", "就熟", "方便走访"] and not m.named
    (n,) = of(Mechanism, "该镇以党建引领、网格管理、数字赋能推动乡村治理。")
    assert items(n) == ["党建引领", "网格管理", "数字赋能"]
    assert not of(Mechanism, "以街道、社区、网格为单元开展排查。")
    assert not of(Mechanism, "以党员、群众、志愿者带动居民参与。")


def _tiers(text: str) -> list[tuple[str, str]]:
    (s,) = of(System, text)
    return [(t.cadre, t.covered) for t in s.tiers]


def test_baobao_ranks_of_two_cadres_a_quoted_bodys_level_and_households() -> None:
    """Two cadres may share a tier (A和B包…); a rank may end in 骨干 or 队员; a quoted body keeps
    the level written before it (社区“两委”干部); households and village groups are covered
    levels; a quoted name with 由 after it names the system."""
    text = (
        "该县建立“四包”责任制，由县级领导包乡镇（街道）、乡镇班子成员包村（社区）、"
        "驻村队员和村干部包村民小组、党员骨干包农户，形成责任链条。"
    )
    (s,) = of(System, text)
    assert s.name == "四包"
    assert [(t.cadre, t.covered) for t in s.tiers] == [
        ("县级领导", "乡镇（街道）"),
        ("乡镇班子成员", "村（社区）"),
        ("驻村队员和村干部", "村民小组"),
        ("党员骨干", "农户"),
    ]
    assert _tiers("实行区领导包街道、社区“两委”干部包网格、党员包楼栋的三级包保。")[1] == (
        "社区“两委”干部",
        "网格",
    )


def test_baobao_levels_of_their_own_in_traditional_script_with_corner_quotes() -> None:
    """「…」 around the pairs and 『…』 in a rank; 苏木镇 and 嘎查村 are levels of their own, kinds
    of the level their last word names; 包联系户 is 包 and 联系户, not 包联 and 系户. A name
    before a level (苏木镇干部) stays with the rank; a verb before it (推行区级领导) does not."""
    text = (
        "推行「旗級領導包蘇木鎮、蘇木鎮幹部包嘎查村、嘎查村『兩委』成員包網格、黨員包聯繫戶」機制。"
    )
    assert _tiers(normalise(text)[0]) == [
        ("旗级领导", "苏木镇"),
        ("苏木镇干部", "嘎查村"),
        ("嘎查村『两委』成员", "网格"),
        ("党员", "联系户"),
    ]
    (s,) = of(System, text)
    town = next(t for t in s.tiers if t.covered == "苏木镇")
    assert town.broader is not None and town.broader.endswith("/街道（乡镇）")
    graph = written(text, "900_banner")
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in graph}
    assert (town.level_iri, SKOS + "broader", town.broader) in triples
    # the concept the vocabulary lacks keeps the source's wording as an alternative label
    assert (town.level_iri, SKOS + "altLabel", "蘇木鎮") in triples
    assert _tiers("全面推行区级领导包街道、街道干部包社区的两级包保。")[0] == ("区级领导", "街道")
    (named,) = of(System, "全面推行区级领导包街道、街道干部包社区的两级包保。")
    assert named.name == "两级包保"


def test_a_quoted_practice_right_after_a_verb_of_putting_it_to_work() -> None:
    """推行“一格多员、一员多能”; 坚持“每周一例会、每月一评议”: a quoted list with no name right after
    推行, 坚持, 做到… is a practice, two items or more of nearly one length; elsewhere, or
    of items far apart in length, it stays a slogan."""
    (m,) = of(Mechanism, "该镇推行“一格多员、一员多能”，落实网格力量配备。")
    assert items(m) == ["一格多员", "一员多能"] and not m.named
    (w,) = of(Mechanism, "社区坚持“每周一例会、每月一评议、每季一通报”，及时解决问题。")
    assert items(w) == ["每周一例会", "每月一评议", "每季一通报"]
    assert not of(Mechanism, "群众说“一格多员、一员多能”，效果很好。")
    assert not of(Mechanism, "该镇推行“网格、让群众满意的贴心服务”，效果很好。")


def test_baobao_pairs_after_words_of_doing_are_not_read_again_as_a_method() -> None:
    """全面推行A包B、C包D…的“四级包保”责任制: the list the pairs stand in opens with the verb
    before the first pair; it is the system's, not a mechanism's."""
    text = "全面推行县级领导包乡镇、乡镇干部包村、村干部包组、党员包户的“四级包保”责任制。"
    assert [s.name for s in of(System, text)] == ["四级包保"]
    assert not of(Mechanism, text)


def test_a_counted_quoted_name_echoed_by_lists_later_in_its_sentence() -> None:
    """“三零”…实现零上访、零事故、零案件; “三进三帮”…进A、进B、进C，帮D、帮E、帮F; “三事分流”…按
    大事、小事、私事分类: a list per count, its items opening or ending with the count's
    word; a list of another size is no echo."""
    (z,) = of(Mechanism, "开展“三零”社区创建，推动实现零上访、零事故、零案件，成效明显。")
    assert z.name == "三零" and items(z) == ["零上访", "零事故", "零案件"]
    text = "开展“两进两帮”活动，干部进楼院、进商铺，帮就业、帮就医，受到欢迎。"
    (two,) = of(Mechanism, text)
    assert items(two) == ["进楼院", "进商铺", "帮就业", "帮就医"]
    (f,) = of(Mechanism, "推行“三事分流”，把诉求按大事、小事、私事分类处置。")
    assert f.name == "三事分流" and items(f) == ["大事", "小事", "私事"]
    assert not [
        m for m in of(Mechanism, "开展“三零”创建，实现零上访、零事故。") if m.name == "三零"
    ]


def test_a_counted_name_whose_parts_follow_baokuo() -> None:
    """“四事”工作机制，包括A、B、C、D: 包括 (主要包括, 分别是…) lists the parts of a counted
    name as 即 does."""
    text = "社区推行“四事”工作机制，包括居民说事、支部议事、多方办事、群众评事，效果明显。"
    (m,) = of(Mechanism, text)
    assert m.name == "四事" and items(m) == ["居民说事", "支部议事", "多方办事", "群众评事"]


def test_units_given_roles_in_a_list_that_holds_its_yi() -> None:
    """构建以A为核心、B为骨干、C为基础、D为触角的…体系: the list holds the 以 of its first item;
    the units are the chain."""
    text = "全面构建以社区党委为核心、小区党支部为骨干、楼栋党小组为基础、党员中心户为支点的四级组织体系。"
    (c,) = of(Chain, text)
    assert items(c) == ["社区党委", "小区党支部", "楼栋党小组", "党员中心户"]
    assert c.name == "四级组织体系" and not of(Mechanism, text)


def test_a_count_word_of_one_character_ends_a_name_only_after_a_count() -> None:
    """按照“A、B、C”方式分类处置: 类 ends 三类, not 分类; the name ends at 方式. 三级长 is a
    name still."""
    (m,) = of(Mechanism, "社区按照“即收即办、限时办结、上报协调”方式分类处置诉求。")
    assert items(m) == ["即收即办", "限时办结", "上报协调"]
    assert m.name.endswith("方式")
    (e,) = find_enumerations("设立街长、巷长、楼长三级长。", 0, 14)
    assert e.name == "三级长"


def test_numbered_steps_of_a_counted_name_in_the_paragraphs_after_it() -> None:
    """推行“三步工作法”，实现…。\\n第一步，…。\\n第二步，…: a counted name's steps may open the
    next sentence or paragraph, each in a paragraph of its own with its details."""
    text = (
        "西城街道推行“三步工作法”，实现诉求办理闭环。\n"
        "    第一步，网格“吹哨”收诉求。网格员每日巡查。\n"
        "    第二步，社区研判分类办。每周召开研判会。\n"
        "    第三步，群众评单回头看。办结后回访。\n"
    )
    (m,) = of(Mechanism, text)
    assert m.name == "三步工作法"
    assert items(m) == ["网格“吹哨”收诉求", "社区研判分类办", "群众评单回头看"]
    # a name with no count is not read on into other sentences
    assert not of(Mechanism, text.replace("三步工作法", "诉求工作法"))


def test_an_alliance_named_lianheti_and_the_body_that_leads_one() -> None:
    """区域化党建联合体 is an alliance as 联盟 is; 由X牵头，联合辖区A、B…等N家单位组建…: X leads and
    is a member, the first; 辖区 only says where A is."""
    text = (
        "街道党工委共同组建“同心”区域化党建联合体，成员单位包括：东湖医院党委、东湖中学党支部、"
        "东湖派出所党支部。"
    )
    (a,) = of(Alliance, text)
    assert a.name == "同心区域化党建联合体"
    assert items(a) == ["东湖医院党委", "东湖中学党支部", "东湖派出所党支部"]
    led = (
        "东坡社区由社区党委牵头，联合辖区东坡派出所党支部、东坡小学党支部、东坡医院党总支等3家单位"
        "组建“东坡先锋”党建联盟。"
    )
    (b,) = of(Alliance, led)
    assert items(b) == ["社区党委", "东坡派出所党支部", "东坡小学党支部", "东坡医院党总支"]


def test_working_groups_called_tuijinzu() -> None:
    """楼宇党建、社区减负、网格提效3个专项推进组: groups named 推进组 are working groups too."""
    text = "和平区成立楼宇党建、社区减负、网格提效3个专项推进组，分别由区委各部门牵头。"
    (w,) = of(WorkingGroups, text)
    assert items(w) == ["楼宇党建", "社区减负", "网格提效"]
    assert not of(Mechanism, text)


def test_bare_levels_listed_after_a_verb_the_segmenter_reads_as_a_place() -> None:
    """建成县、乡、村三级中心: the segmenter reads 成县 (a county) across 建成|县; bare levels all,
    the first is 县 still."""
    (c,) = of(Chain, "全县投入资金900万元，建成县、乡、村三级综治中心80个。")
    assert items(c) == ["县", "乡", "村"]


def test_what_a_place_is_like_is_no_method() -> None:
    """老旧小区多、流动人口多、商务楼宇多: parallel items that end in a word describing a place are
    not steps of a method; 明责、赋权、扩能、减负 are."""
    assert not of(Mechanism, "该社区老旧小区多、流动人口多、商务楼宇多，治理难度大。")
    (m,) = of(Mechanism, "通过明责、赋权、扩能、减负，提升基层效能。")
    assert items(m) == ["明责", "赋权", "扩能", "减负"]


def test_baobao_ranks_in_single_quotes_and_with_a_level_glossed_in_brackets() -> None:
    """社区‘两委’成员包小区 (single quotes inside double ones); 村（社区）“两委”成员包网格 (a level
    with its gloss in brackets before the quoted body)."""
    text = "实行“区领导包街道、街道班子成员包社区、社区‘两委’成员包小区”三级包联责任制。"
    assert _tiers(text)[2] == ("社区‘两委’成员", "小区")
    text = "即市级领导联系县（市、区）、乡镇领导包村（社区）、村（社区）“两委”成员包网格。"
    assert _tiers(text)[2] == ("村（社区）“两委”成员", "网格")


def test_counted_names_glossed_after_ji_with_words_between_and_echoing_parts() -> None:
    """“五个一”服务，即一个…、一支…: one count, no head, but every part holds the counted word;
    “一约四会”为抓手，即A和B、C、D、E: words between, the first part before 和; “1+3+N”模式，即
    …3支队伍（A、B、C）…: a 、 inside brackets parts nothing. “两新”，即…: two kinds, no method."""
    text = "推出“三个一”服务，即一个服务站、一支志愿队、一张服务清单，群众满意。"
    (m,) = of(Mechanism, text)
    assert m.name == "三个一" and items(m) == ["一个服务站", "一支志愿队", "一张服务清单"]
    (f,) = of(Mechanism, "推行“三事分流”，即大事政府办、小事社区办、私事自己办。")
    assert items(f) == ["大事政府办", "小事社区办", "私事自己办"]
    text = "以“一约三会”为抓手，即村规民约和红白理事会、道德评议会、禁赌会，破解难题。"
    (y,) = of(Mechanism, text)
    assert items(y) == ["村规民约", "红白理事会", "道德评议会", "禁赌会"]
    text = "探索“1+2+N”模式，即1个社区党委、2支队伍（网格员队伍、志愿者队伍）、N个共建单位。"
    (x,) = of(Mechanism, text)
    assert items(x)[1] == "2支队伍（网格员队伍、志愿者队伍）"
    assert not of(Mechanism, "街道关注“两新”，即新业态、新就业群体。")


def test_a_quoted_pair_joined_by_plus_and_counted_by_the_name_after_it() -> None:
    """推行“物业服务+党群服务”双站合一: two parts joined by + stand when the name after them
    counts two; a pair with no such name is no list."""
    (m,) = of(Mechanism, "社区推行“物业服务+党群服务”双站合一，设立服务站。")
    assert m.name == "双站合一" and items(m) == ["物业服务", "党群服务"]
    assert not of(Mechanism, "社区推行“党建+网格”，效果好。")


def test_a_quoted_list_a_method_is_called() -> None:
    """我们的办法叫“A、B、C”: a quoted list after 叫 (称为, 概括为…) is the method so named."""
    (m,) = of(Mechanism, "我们的办法叫“小事不出楼、大事不出社区、难事大家帮”，很管用。")
    assert items(m) == ["小事不出楼", "大事不出社区", "难事大家帮"]


def test_a_name_led_by_a_count_of_a_word_that_is_no_count_word() -> None:
    """“三会制度”。\\n第一步，…: a count before a word (三会) counts the steps in the paragraphs
    after it, and is a name (not a bare head like 新格局)."""
    from govkg.loaders.structure_writer import not_a_name

    text = (
        "街道推行“三会制度”。\n第一步，召开听证会。业主参加。\n第二步，召开协调会。上门沟通。\n"
        "第三步，召开评议会。代表评议。\n"
    )
    (m,) = of(Mechanism, text)
    assert m.name == "三会制度" and items(m) == ["召开听证会", "召开协调会", "召开评议会"]
    assert not of(Mechanism, text.replace("三会制度", "两会制度"))
    assert not not_a_name("三会制度") and not_a_name("三级体系") and not_a_name("新格局")


def test_alliance_members_ending_in_a_business_office() -> None:
    """…中国移动某分公司某营业部等6家单位党组织为成员单位: an office (营业部, 支行) is a unit."""
    text = (
        "街道成立“红色”区域化党建联盟，首批吸纳市人民医院、某某大学、长安路派出所、"
        "某某银行长安路支行、中国移动某分公司碑林营业部等5家单位党组织为成员单位。"
    )
    (a,) = of(Alliance, text)
    assert items(a)[-2:] == ["某某银行长安路支行", "中国移动某分公司碑林营业部"]


def test_a_quoted_alliance_name_ending_in_meng() -> None:
    """“东湖红盟”首批吸纳A、B、C3家单位为成员单位: a quoted name ending in 盟 is an alliance."""
    text = "“东湖红盟”首批吸纳市第二医院党委、东湖供电公司党委、东湖支行党支部3家单位为成员单位。"
    (a,) = of(Alliance, text)
    assert a.name == "东湖红盟"
    assert items(a) == ["市第二医院党委", "东湖供电公司党委", "东湖支行党支部"]


def test_levels_joined_by_dashes_with_glosses_that_list() -> None:
    """“市—县（市、区）—乡镇（街道）—村（社区）—网格”: a 、 inside a level's gloss keeps the
    level whole."""
    (c,) = of(Chain, "构建“市—县（市、区）—乡镇（街道）—村（社区）—网格”五级联动体系。")
    assert items(c) == ["市", "县（市、区）", "乡镇（街道）", "村（社区）", "网格"]


def test_one_role_at_each_level_from_the_top_down_is_a_chain() -> None:
    """市委书记、县（市、区）委书记、乡镇（街道）党（工）委书记…: the secretaries of the levels,
    in order, are a chain, not a method."""
    text = (
        "压实市委书记、县（市、区）委书记、乡镇（街道）党（工）委书记、村（社区）党组织书记、"
        "网格党支部书记五级书记抓基层治理责任。"
    )
    (c,) = of(Chain, text)
    assert items(c)[0] == "市委书记" and items(c)[-1] == "网格党支部书记"
    assert not of(Mechanism, text)


def test_a_quoted_practice_ending_a_clause_a_verb_of_putting_to_work_opens() -> None:
    """推行A与B“双向进入、交叉任职”，…: the verb opens the clause, the quoted list closes it; an
    outcome (实现“A、B”) is no practice."""
    text = "推行小区党组织与物业企业“双向进入、交叉任职”，书记可兼任业委会主任。"
    (m,) = of(Mechanism, text)
    assert items(m) == ["双向进入", "交叉任职"]
    assert not of(Mechanism, "全省实现“一网统筹、一网统管”，缩减服务半径。")


def test_kinds_of_one_thing_and_how_each_is_handled_after_a_colon() -> None:
    """实行分级处置：一般事项网格自办，复杂事项社区联办，重大事项街道统办: each clause a kind
    of 事项 and who handles it, named by the words before the colon; clauses of figures are
    no such list."""
    text = "网格事项实行分级处置：一般事项网格自办，复杂事项社区联办，重大事项街道统办。"
    (m,) = of(Mechanism, text)
    assert m.name == "分级处置"
    assert items(m) == ["一般事项网格自办", "复杂事项社区联办", "重大事项街道统办"]
    assert not of(Mechanism, "全区情况如下：城区网格320个，农村网格150个。")


def test_working_groups_counted_and_then_named_after_fenbie_wei() -> None:
    """下设6个专项工作组，分别为A组、B组…: the groups by their names; a list after 分别为 that
    names no groups is no such list."""
    text = "委员会下设3个专项工作组，分别为平安稳定组、企业服务组、环境整治组，由副书记协调。"
    (w,) = of(WorkingGroups, text)
    assert items(w) == ["平安稳定组", "企业服务组", "环境整治组"]
    assert not of(WorkingGroups, "委员会下设3个专项工作组，分别为平安、服务、环境，由副书记协调。")


def test_a_formula_glossed_after_ji_whose_n_is_written_as_a_vague_count() -> None:
    """“1+3+N”力量，即1名网格长、3名专职网格员和若干名志愿者: a formula needs no head; its N may
    be 若干."""
    text = "每个网格配备“1+3+N”力量，即1名网格长、3名专职网格员和若干名志愿者，效果好。"
    (m,) = of(Mechanism, text)
    assert items(m) == ["1名网格长", "3名专职网格员", "若干名志愿者"]


def test_one_way_of_acting_on_each_and_a_chain_ending_in_households() -> None:
    """带头摸底、带头签字、带头出资: one way of acting on each, a method; “小区党支部—楼栋长—单元长
    —党员联系户”: units, roles and the households they link, a chain."""
    (m,) = of(Mechanism, "由党员楼组长带头摸底、带头签字、带头出资，推动加梯。")
    assert items(m) == ["带头摸底", "带头签字", "带头出资"]
    (c,) = of(Chain, "推行“小区党支部—楼栋长—单元长—党员联系户”管理模式。")
    assert items(c) == ["小区党支部", "楼栋长", "单元长", "党员联系户"]


def test_quoted_actions_of_one_length_ending_in_one_word() -> None:
    """把队伍“找出来、组起来、动起来”: actions in order, a method; “送得安心、住得舒心、干得暖心”:
    how it turns out, a slogan."""
    (m,) = of(Mechanism, "为了把这支队伍“找出来、组起来、动起来”，全区建立党组织。")
    assert items(m) == ["找出来", "组起来", "动起来"]
    assert not of(Mechanism, "让骑手“送得安心、住得舒心、干得暖心”，效果好。")


def test_a_counted_gloss_whose_second_part_opens_with_yiji() -> None:
    """“四议两公开”工作法，包括A、B、C、D，以及E、F: 以及 opens the second part; it is not split
    into 以 and 及."""
    text = (
        "推行“四议两公开”工作法，包括党支部会提议、两委会商议、党员大会审议、村民代表会议决议，"
        "以及决议公开、实施结果公开，成效明显。"
    )
    (m,) = of(Mechanism, text)
    assert items(m)[-2:] == ["决议公开", "实施结果公开"] and len(items(m)) == 6


def test_baobao_pairs_with_how_many_each_cadre_covers() -> None:
    """街道班子成员每人联系1至2个社区，社区“两委”成员每人联系3至5个网格: each cadre and how many
    of the level; the levels are covered."""
    text = "实行“双联系”制度：街道班子成员每人联系1至2个社区，社区“两委”成员每人联系3至5个网格。"
    assert _tiers(text) == [("街道班子成员", "社区"), ("社区“两委”成员", "网格")]


def test_alliance_members_listed_after_a_bare_fenbie_shi() -> None:
    """…党建联盟，首批成员单位4家，分别是A、B、C和D: 分别是 lists the members, the last after 和."""
    text = (
        "街道党工委牵头成立“湖畔”区域化党建联盟，首批成员单位4家，分别是市交响乐团党委、"
        "湖畔卫生服务中心党支部、第二物业管理所党支部和某银行湖畔支行党支部。"
    )
    (a,) = of(Alliance, text)
    assert items(a)[0] == "市交响乐团党委" and items(a)[-1] == "某银行湖畔支行党支部"
    assert len(items(a)) == 4


def test_baobao_covering_the_doorways_of_a_building() -> None:
    """…在职党员包楼门院: 楼门院 (a building's doorways and yard) is a level below the grid."""
    text = "建立区级领导包街乡、街乡班子成员包社区（村）、社区党组织书记包网格、党员包楼门院的四级包联机制。"
    assert _tiers(text)[-1] == ("党员", "楼门院")


def test_steps_in_sequence_after_a_quoted_name_that_holds_its_head() -> None:
    """推行“议事三步法”：首先…，其次…，最后…: the head is inside the quotes."""
    text = (
        "街道推行“楼组议事三步法”：首先由党小组收集意见，其次由议事会形成方案，最后由联席会议落实。"
    )
    (m,) = of(Mechanism, text)
    assert m.name == "楼组议事三步法"
    assert items(m) == ["由党小组收集意见", "由议事会形成方案", "由联席会议落实"]


def test_two_rules_written_alike_after_zuodao() -> None:
    """做到小事不出网格、大事不出社区: two rules alike, what the method asks; roles given after
    以 (坚持以A为基础、以B为导向) are not rules."""
    (m,) = of(Mechanism, "我们做到小事不出网格、大事不出社区，群众满意。")
    assert items(m) == ["小事不出网格", "大事不出社区"]
    assert not of(Mechanism, "坚持以职业化为基础、以专业化为导向，建设队伍。")


def test_levels_reached_again_and_a_chain_named_after_a_description() -> None:
    """从社区党委延伸至A、B，再延伸到C，形成上下贯通的四级组织链条: the level reached again is one
    more; the name may follow words that describe it."""
    text = "我市将党的组织从社区党委延伸至网格党支部、楼栋党小组，再延伸到党员中心户，形成上下贯通的四级组织链条。"
    (c,) = of(Chain, text)
    assert c.name == "四级组织链条"
    assert items(c) == ["社区党委", "网格党支部", "楼栋党小组", "党员中心户"]


def test_baobao_pairs_with_counts_assign_cadres_and_rank_no_levels() -> None:
    """街道班子成员每人联系1至2个社区，…: a 包保 system, but no chain of levels."""
    text = "实行“双联系”制度：街道班子成员每人联系1至2个社区，社区“两委”成员每人联系3至5个网格。"
    assert of(System, text) and not of(Chain, text)


def test_a_list_named_by_a_quoted_count_of_its_items() -> None:
    """居委会、业委会、物业服务企业“三驾马车”: a quoted name that opens with the number of the
    items; 一、建强社区“两委” (a heading) is none."""
    (m,) = of(Mechanism, "最后由居委会、业委会、物业服务企业“三驾马车”联席会议推动落实。")
    assert m.name == "三驾马车" and items(m) == ["居委会", "业委会", "物业服务企业"]
    assert not of(Mechanism, "一、建强社区“两委”，夯实基层战斗堡垒")


def test_a_long_last_step_after_zuihou() -> None:
    """最后由居委会、业委会、物业服务企业联席会议推动落实并公示结果: a step opened by a word of
    sequence may run long; it stays one step."""
    text = (
        "推行“议事三步法”：首先由党小组收集意见，其次由议事会形成方案，"
        "最后由居委会、业委会、物业服务企业联席会议推动落实并公示结果。"
    )
    (m,) = of(Mechanism, text)
    assert items(m)[-1] == "由居委会、业委会、物业服务企业联席会议推动落实并公示结果"
