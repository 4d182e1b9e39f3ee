"""Constants for every ``gk:`` term of the govkg ontology, generated from its ``.ttl``.

Do not edit: run ``python -m govkg.ontology.gen_terms`` after changing the ontology.

>>> from govkg.ontology.terms import GK
>>> GK.StatisticObservation
rdflib.term.URIRef('https://w3id.org/govkg/ontology#StatisticObservation')
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["GK"]


class GK(DefinedNamespace):
    """The govkg ontology namespace, ``https://w3id.org/govkg/ontology#``."""

    _NS = Namespace("https://w3id.org/govkg/ontology#")
    _fail = True  # an unknown name is a typo, not a new term

    # Classes
    AdministrativeArea: URIRef  # administrative area (行政区域)
    Alliance: URIRef  # party-building alliance (党建联盟)
    BuildingHead: URIRef  # building head (楼栋长)
    BuildingPartyGroup: URIRef  # building party group (楼栋党小组)
    Committee: URIRef  # grassroots governance committee (基层治理工作委员会)
    CommunityPartyOrganization: URIRef  # community party organisation (社区党组织)
    GridPartyBranch: URIRef  # grid party branch (网格党支部)
    GridPartyGroup: URIRef  # grid party group (网格党小组)
    GridWorker: URIRef  # grid worker (网格员)
    Hierarchy: URIRef  # hierarchy (层级体系)
    HierarchyLevel: URIRef  # hierarchy level (层级)
    Measure: URIRef  # measure (统计指标)
    Mechanism: URIRef  # working mechanism (工作机制)
    PartyMemberHousehold: URIRef  # party member household (单元党员中心户)
    PartyOrganization: URIRef  # party organisation (党组织)
    Qualifier: URIRef  # qualifier (数值限定)
    ResponsibilityAssignment: URIRef  # responsibility assignment (包保关系)
    ResponsibilitySystem: URIRef  # responsibility system (包保责任制)
    RosterRow: URIRef  # roster row (名册行)
    SourceDocument: URIRef  # source document (来源文献)
    StatisticObservation: URIRef  # statistic (统计数据)
    Step: URIRef  # step (步骤)
    StreetPartyWorkingCommittee: URIRef  # street party working committee (街道党工委)
    StructureWord: URIRef  # structure word (结构词)
    TextSpan: URIRef  # text span (文本片段)
    Unit: URIRef  # unit of count (计量单位)
    UnitHead: URIRef  # unit head (单元长)
    UnitKind: URIRef  # unit kind (单位类别)
    WorkingGroup: URIRef  # thematic working group (专项工作组)

    # Object properties
    administrativeLevel: URIRef  # administrative level (行政层级)
    area: URIRef  # area (所涉区域)
    areaLevel: URIRef  # area level (区域层级)
    cadre: URIRef  # cadre (包保干部)
    cadreRank: URIRef  # cadre rank (干部职级)
    chainLevel: URIRef  # chain level (链条层级)
    committee: URIRef  # committee (所属委员会)
    conflictsAcrossDocuments: URIRef  # conflicts across documents (文献间数据冲突)
    conflictsWith: URIRef  # conflicts with (数据冲突)
    conflictsWithinDocument: URIRef  # conflicts within a document (文献内数据冲突)
    coveredLevel: URIRef  # covered level (包保层级)
    coveredUnit: URIRef  # covered unit (包保对象)
    hasStep: URIRef  # has step (包含步骤)
    inDocument: URIRef  # in document (所在文献)
    mayCover: URIRef  # may cover (可包保)
    measure: URIRef  # measure (统计对象)
    memberKind: URIRef  # member kind (成员类别)
    partOf: URIRef  # part of (隶属于)
    reportedIn: URIRef  # reported in (出处)
    statement: URIRef  # statement (所在语句)
    stepKind: URIRef  # step kind (步骤类型)
    theme: URIRef  # theme (工作主题)
    tier: URIRef  # tier (包保层次)

    # Datatype properties
    areaInferred: URIRef  # area inferred (区域为推定)
    charCount: URIRef  # character count (字符数)
    countScope: URIRef  # count scope (计数范围)
    cueAfter: URIRef  # cue after the number (后置提示词)
    cueBefore: URIRef  # cue before the number (前置提示词)
    dateApproximate: URIRef  # date is approximate (日期为推断)
    docId: URIRef  # document id (文献编号)
    end: URIRef  # end offset (结束位置)
    fileName: URIRef  # file name (文件名)
    leader: URIRef  # leader (组长)
    measureText: URIRef  # measure as written (指标原文)
    qualifier: URIRef  # qualifier (约数限定)
    quote: URIRef  # quote (原文)
    rank: URIRef  # rank (序位)
    refPeriod: URIRef  # reference year (所属年份)
    role: URIRef  # role as written (角色)
    rowNumber: URIRef  # row number (行号)
    sha256: URIRef  # SHA-256 digest (SHA-256 摘要)
    start: URIRef  # start offset (起始位置)
    unit: URIRef  # unit (计量单位)
    unitGroup: URIRef  # unit group (单位类别)
    unnamed: URIRef  # unnamed (原文未命名)
    validFrom: URIRef  # valid from (起始日期)
    validTo: URIRef  # valid to (终止日期)
    value: URIRef  # value (数值)
    valueMax: URIRef  # maximum value (数值上限)
