"""Ordered structures in reports, recognised by spaCy components: chains (五级组织体系),
mechanisms with ordered steps, 包保 systems, working groups and alliances with their members.

``govkg_enumerations`` finds the lists of each sentence (A、B、C; “A、B、C”; “A”“B”“C”;
A—B—C, A-B-C, A→B, A+B+C) with the name written after them, as ``doc.spans["enumerations"]``
and ``Span._.enumeration``. ``govkg_structures`` runs one small recogniser per kind of
structure, in order, over those lists and the sentences, and leaves records
(:class:`Structure` and its kinds) in ``doc._.structures`` and ``doc.spans["structures"]``;
:mod:`govkg.loaders.structure_writer` turns the records into triples. The lists come from
:mod:`govkg.loaders.enumerations`. Cue words and rules are data: ``structures.yaml`` and the ontology's labels (:func:`govkg.loaders.lexicon.lexicon`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc, Span

from govkg.loaders.enumerations import (
    Enumeration,
    _count_re,
    _heads,
    _level_of,
    _posseg,
    _split_last,
    cues,
    find_enumerations,
    read_name,
    sentences,
)
from govkg.loaders.lexicon import Lexicon, lexicon, unify
from govkg.loaders.zh import CN_NUMERAL, doc_text, parse_cn_int, parse_count

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Item:
    """One item of a structure as written, at normalised offsets [start, end)."""

    text: str
    start: int
    end: int


@dataclass
class Structure:
    """A recognised structure: its name (from the text, or made from its items when the text
    gives none: ``named`` false), its items in order and the normalised span stating it."""

    kind: ClassVar[str] = "structure"
    name: str
    items: list[Item]
    start: int
    end: int
    named: bool = True
    claim: tuple[int, int] | None = None  # numerals here name the structure, not statistics

    def key(self) -> tuple[str, ...]:
        """What makes two structures of a document the same: their kind and items."""
        return (self.kind, *(unify(i.text) for i in self.items))


@dataclass
class Chain(Structure):
    kind: ClassVar[str] = "hierarchy"


@dataclass
class Mechanism(Structure):
    kind: ClassVar[str] = "mechanism"


@dataclass(frozen=True)
class Tier:
    cadre: str
    covered: str
    cadre_iri: str
    level_iri: str
    broader: str | None = None  # the level a covered word of its own is a kind of (苏木镇: 镇)


@dataclass
class System(Structure):
    """A 包保 system: each item is one tier (a cadre rank covering a level)."""

    kind: ClassVar[str] = "system"
    tiers: list[Tier] = field(default_factory=list)


@dataclass
class WorkingGroups(Structure):
    """The thematic working groups of a committee; ``province`` when led at province level."""

    kind: ClassVar[str] = "working-groups"
    themes: list[str | None] = field(default_factory=list)
    leader: str = ""
    levels: list[str] = field(default_factory=list)


@dataclass
class Alliance(Structure):
    """An alliance and its members, in the order written; ``role`` the category of member
    the text gives (职能部门)."""

    kind: ClassVar[str] = "alliance"
    role: str = ""


# --------------------------------------------------------------------------- recognisers


@dataclass
class Context:
    """One sentence being read: its lists, and what the recognisers before took."""

    norm: str
    lo: int
    hi: int
    enumerations: list[Enumeration]
    lex: Lexicon
    found: set[tuple[str, ...]] = field(default_factory=set)
    used: set[int] = field(default_factory=set)  # ids of enumerations already read

    def take(self, e: Enumeration | None, items: Iterable[str]) -> None:
        if e is not None:
            self.used.add(id(e))
        self.found.add(tuple(unify(i) for i in items))

    def free(self) -> list[Enumeration]:
        return [
            e
            for e in self.enumerations
            if id(e) not in self.used and tuple(unify(i) for i in e.items) not in self.found
        ]


Recogniser = Callable[[Context], Iterable[Structure]]
RECOGNISERS: dict[str, Recogniser] = {}


def recogniser(name: str) -> Callable[[Recogniser], Recogniser]:
    def register(fn: Recogniser) -> Recogniser:
        RECOGNISERS[name] = fn
        return fn

    return register


def _items(e: Enumeration) -> list[Item]:
    return [Item(t, a, b) for t, (a, b) in zip(e.items, e.item_spans, strict=True)]


def _unnamed(e: Enumeration) -> str:
    return e.joiner.join(e.items) if e.joiner != "、" else "、".join(e.items)


def _count_fits(e: Enumeration) -> bool:
    """A count in the name (四网融合, 六步工作法) is the number of items; after 等 a count
    that differs counts a category the items are examples of (等20个服务品牌)."""
    if e.count is None or e.count == len(e.items):
        return True
    # “加强、延伸、创新”六字 counts characters
    return "字" in e.name[:4] and e.count == sum(len(i) for i in e.items)


def _is_role(item: str) -> bool:
    return item.endswith(tuple(cues()["role_suffixes"]))


def _is_unit(item: str, lex: Lexicon) -> bool:
    """An organisational level or unit: a chain level, a covered level, ends like an
    organisation (党支部, 两委) or opens with a level."""
    u = unify(item)
    if u in lex.chain_levels or u in lex.covered_levels or u in lex.admin_levels:
        return True
    if item.endswith(tuple(cues()["organisation_suffixes"])):
        return True
    lv = _level_of(item)
    return lv is not None and len(lv[1]) <= 4


def is_chain(items: list[str], lex: Lexicon) -> bool:
    """Items that are levels from the top down, organisational units or roles."""
    if len(items) < 3 or len(set(items)) < len(items):
        return False
    roles = [i for i in items if _is_role(i)]
    if (
        len(roles) == len(items)
        and sum(i.endswith("长") for i in items) >= cues()["min_roles_with_head"]
    ):
        return True
    if len({i[-2:] for i in items}) == 1 and _is_role(items[0]):
        # 市委书记、县（市、区）委书记、乡镇（街道）党（工）委书记…: one role at each level
        bare = [re.sub(r"[（(][^）)]*[）)]", "", i) for i in items]
        ranks_of = [_level_of(b) for b in bare]
        if all(r is not None for r in ranks_of):
            ranked = [r[0] for r in ranks_of if r is not None]
            if all(a < b for a, b in pairwise(ranked)):
                return True
    levels = [_level_of(i) for i in items]
    if all(lv is not None for lv in levels):
        ranks = [lv[0] for lv in levels if lv is not None]
        descending = all(a <= b for a, b in pairwise(ranks)) and ranks[0] < ranks[-1]
        rests = [lv[1] for lv in levels if lv is not None]
        if descending and all(len(r) <= 4 for r in rests) and sum(bool(r) for r in rests) >= 2:
            return True
    limit = cues()["max_unit_chars"]
    return all((_is_unit(i, lex) or _is_role(i)) and len(i) <= limit for i in items)


def _valid_name(name: str) -> bool:
    """A name is a noun phrase: not empty, not a tail with 等, not a number phrase, not
    ending in a verb (一键切换) unless in a head noun (联动, 融合)."""
    if not name or name.endswith("等") or name.startswith("等"):
        return False
    if re.fullmatch(rf"[\d.{CN_NUMERAL}万亿]+[个次人名户家项条]?", name):
        return False
    if name[0].isdigit() and _count_re().match(name) is None:
        return False
    if "、" in name:
        return name.endswith(_heads())  # a list and its head (摸排、交办、反馈机制)
    words = _posseg(name)
    ends_in_verb = words[-1][1] == "v" and len(words[-1][0]) >= 2
    if ends_in_verb and not name.endswith(_heads()):
        return False
    # 提供便捷途径: a verb and its object
    return not (words[0][1] == "v" and len(words[0][0]) >= 2 and len(name) - len(words[0][0]) >= 3)


@recogniser("compact-levels")
def recognise_compact_levels(ctx: Context) -> Iterable[Structure]:
    """省市县三级: single-character levels written together, then their count with 级."""
    norm = ctx.norm
    chars = cues()["compact_levels"]
    for m in re.finditer(rf"([{chars}]{{3,5}})([{CN_NUMERAL}]+)级", norm[ctx.lo : ctx.hi]):
        items = list(m.group(1))
        if parse_cn_int(m.group(2)) != len(items) or len(set(items)) < len(items):
            continue
        a = ctx.lo + m.start()
        end = ctx.lo + m.end()
        name, used, _ = read_name(norm[a : min(ctx.hi, a + 24)])
        name = name or m.group(0)
        ctx.take(None, items)
        yield Chain(
            name,
            [Item(t, a + i, a + i + 1) for i, t in enumerate(items)],
            a,
            max(end, a + used),
            True,
            (a, max(end, a + used)),
        )


@recogniser("joined")
def recognise_joined(ctx: Context) -> Iterable[Structure]:
    """A—B—C, A-B-C, A→B→C, A+B+C: a chain when its items are levels, units or roles,
    else a mechanism whose steps are the items."""
    for e in ctx.free():
        if e.joiner == "、":
            continue
        if not _count_fits(e):
            continue
        chain = is_chain(e.items, ctx.lex) or _headed_chain(e, ctx.lex)
        named = _valid_name(e.name)
        name = e.name if named else _unnamed(e)
        ctx.take(e, e.items)
        cls = Chain if chain else Mechanism
        yield cls(
            name,
            _items(e),
            e.start,
            max(e.end, e.name_end),
            named,
            (e.start, max(e.end, e.name_end)),
        )


def _headed_chain(e: Enumeration, lex: Lexicon) -> bool:
    """A chain named by a head noun of a hierarchy (…”五级组织体系, …”的组织架构) or by a
    count of levels that fits (四级响应机制), where all items but one are levels, units or
    roles: its lowest level may be people (…楼栋党小组—党员, …社区—小巷管家)."""
    if len(e.items) < 3 or len(set(e.items)) < len(e.items):
        return False
    # or a count of levels that fits (…—小巷管家”四级响应机制)
    levels = re.match(rf"([{CN_NUMERAL}]+|\d+)级", e.name)
    counted = levels is not None and e.count == len(e.items)
    if not (e.name.endswith(tuple(cues()["hierarchy_heads"])) or counted):
        return False
    limit = cues()["max_unit_chars"]
    units = sum((_is_unit(i, lex) or _is_role(i)) and len(i) <= limit for i in e.items)
    return units >= len(e.items) - 1


def group_topic(item: str) -> str:
    """A working group's topic without the word for a group it may end in (网格治理组,
    物业管理小组 → 网格治理, 物业管理)."""
    for tail in cues()["group_words"]:
        if item.endswith(tail) and len(item) - len(tail) >= 2:
            return item[: -len(tail)]
    return item


@recogniser("working-groups")
def recognise_working_groups(ctx: Context) -> Iterable[Structure]:
    """街道管理体制、简政放权…6个专项工作组, with who leads them."""
    c, lex, norm = cues(), ctx.lex, ctx.norm
    for e in ctx.free():
        word = next((w for w in c["working_group_names"] if w in e.name), None)
        if word is None:
            given = _groups_given_duties(ctx, e)
            if given is not None:
                yield given
            continue
        # 物业治理、网格治理、民生服务等6个专项工作组: examples of the six, each a group
        examples = e.kind == "deng" and e.count is not None and e.count >= len(e.items)
        if not (_count_fits(e) or examples):
            continue
        themes = [
            lex.themes.get(i) or lex.themes.get(unify(i)) or lex.themes.get(group_topic(i))
            for i in e.items
        ]
        leaders = "|".join(map(re.escape, c["leader_words"]))
        leader = re.search(
            rf"(?:\d+|[{CN_NUMERAL}]+)位([^，。；]{{1,10}}?(?:{leaders}))", norm[e.end : ctx.hi]
        )
        leader_text = leader.group(1) if leader else ""
        sentence = norm[ctx.lo : ctx.hi]
        scope = leader_text + sentence
        if "省级" in leader_text or (
            "省" in scope[: scope.find("工作组" if "工作组" in word else word)]
            and "市" not in leader_text
        ):
            levels = ["省级"]
        else:
            levels = [
                lv
                for lv, words in (("市级", ("市",)), ("县级", ("县", "区级")))
                if any(w in (leader_text or sentence) for w in words)
            ]
        ctx.take(e, e.items)
        yield WorkingGroups(
            e.name,
            _items(e),
            e.start,
            e.name_end,
            True,
            (e.end, e.name_end),
            themes=themes,
            leader=leader_text,
            levels=levels,
        )


def _groups_given_duties(ctx: Context, e: Enumeration) -> WorkingGroups | None:
    """组建专项工作组6个，分别负责A、B…F: groups counted and named before a list of as many
    duties, one each (分别负责, 分别牵头…): the groups, each by its duty; or before their
    names (下设6个专项工作组，分别为平安稳定组、…)."""
    c, norm = cues(), ctx.norm
    if e.kind != "bare" or e.name:
        return None
    words = "|".join(map(re.escape, sorted(c["working_group_names"], key=len, reverse=True)))
    num = rf"\d+|[{CN_NUMERAL}]+"
    m = re.search(
        rf"(?:(?P<w1>{words})(?P<n1>{num})个|(?P<n2>{num})个(?P<w2>{words}))[，,]?"
        rf"分别(?P<verb>负责|承担|牵头|聚焦|主抓|为|是)[:：]?$",
        norm[ctx.lo : e.start],
    )
    if m is None:
        return None
    if m.group("verb") in ("为", "是") and not all(
        i.endswith(tuple(c["group_words"])) for i in e.items
    ):
        return None  # 分别为 names the groups: each a group (平安稳定组…)
    n = m.group("n1") or m.group("n2")
    if parse_count(n) != len(e.items):
        return None
    themes = [ctx.lex.themes.get(i) or ctx.lex.themes.get(unify(i)) for i in e.items]
    ctx.take(e, e.items)
    name = m.group("w1") or m.group("w2")
    return WorkingGroups(name, _items(e), ctx.lo + m.start(), e.end, True, None, themes=themes)


@recogniser("alliance-joining")
def recognise_alliance_joining(ctx: Context) -> Iterable[Structure]:
    """公安、住建…等职能部门纳入街道党建联盟: the units that join an alliance."""
    c, norm = cues(), ctx.norm
    verbs = "|".join(map(re.escape, c["alliance_join_verbs"] + c["alliance_found_verbs"]))
    word = _alliance_words()
    for e in ctx.free():
        if e.kind != "deng":
            continue
        m = re.match(
            rf"等([^，。；]{{0,8}}?)(?:{verbs})([\u4e00-\u9fff“”「」]{{0,8}}?{word})",
            norm[e.end : ctx.hi],
        )
        if m is None:
            continue
        name = re.sub("[“”「」]", "", m.group(2)).removeprefix("的")  # 共同组建的…联盟
        end = e.end + m.end()
        ctx.take(e, e.items)
        items = _with_lead(ctx, _items(e), e.start)
        yield Alliance(
            name, items, items[0].start, end, True, (e.end, end), role=m.group(1).strip()
        )


def _with_lead(ctx: Context, items: list[Item], start: int) -> list[Item]:
    """The members of an alliance listed from ``start``, with the body that leads it first
    (由社区党委牵头，联合A、B…组建: 社区党委 is a member too) and the first without words of
    where the members are (联合辖区A → A)."""
    c, units = cues(), tuple(cues()["unit_suffixes"])
    out = list(items)
    first = out[0]
    prefixes = sorted(c["member_dropped_prefixes"], key=len, reverse=True)
    dropped = next((w for w in prefixes if first.text.startswith(w)), "")
    if dropped and _is_member_unit(first.text[len(dropped) :], units):
        out[0] = Item(first.text[len(dropped) :], first.start + len(dropped), first.end)
    before = ctx.norm[ctx.lo : start]
    lead = re.search(r"由(?P<lead>[^，,、由]{2,20}?)牵头[，,]?(?:联合|联手|会同)?$", before)
    if lead is not None and _is_member_unit(lead.group("lead"), units):
        a = ctx.lo + lead.start("lead")
        out.insert(0, Item(lead.group("lead"), a, a + len(lead.group("lead"))))
    return out


def _alliance_words() -> str:
    """The words an alliance's name ends in, as a group of alternatives (联盟, 联合体)."""
    words = sorted(cues()["alliance_words"], key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def _is_member_unit(name: str, suffixes: tuple[str, ...]) -> bool:
    """True when ``name``, an item of a list of members, names a unit or a kind of unit
    (派出所, 卫生院, 某某物业公司): it ends like one and is no shorter than the shortest
    such name the cues allow (not a bare 局 or 所)."""
    c = cues()
    return (
        name.endswith(suffixes)
        and c["unit_min_chars"] <= len(name) <= c["unit_max_chars"]
        and not set(name) & set(c["unit_banned_chars"])
        and name not in c["member_categories"]
    )


def _after_last_verb(text: str) -> str:
    """The words of a name before its head noun, without the clause before them: what
    follows the last verb that is not the last word (街道成立党建 → 党建; 邻里共建 stays)."""
    if not text or not re.fullmatch(r"[\u4e00-\u9fff]+", text):
        return text
    words = list(_posseg(text))
    cut = 0
    pos = 0
    for w, flag in words[:-1]:
        pos += len(w)
        if flag.startswith("v") and len(w) >= 2:
            cut = pos
    return text[cut:]


def _member_list(parts: list[str], units: tuple[str, ...]) -> bool:
    """Items listed after a member cue that name units: every one, or, in a list of three or
    more, all but one whose name is short and holds no word of reference (某某五中, a school
    by its number)."""
    c = cues()
    named = [p for p in parts if _is_member_unit(p, units)]
    if len(named) == len(parts):
        return True
    others = [p for p in parts if p not in named]
    return (
        len(parts) >= 3
        and len(others) == 1
        and c["unit_min_chars"] <= len(others[0]) <= c["max_unit_chars"]
        and re.fullmatch(r"[\u4e00-\u9fff]+", others[0]) is not None
        and not set(others[0]) & set(c["unit_banned_chars"])
    )


@recogniser("alliance-composed")
def recognise_alliance_composed(ctx: Context) -> Iterable[Structure]:
    """成立由A、B、C组成的党建联盟, 联合A、B、C组成…联盟: the units an alliance is made of,
    listed before it."""
    c, norm = cues(), ctx.norm
    word = _alliance_words()
    units = tuple(c["unit_suffixes"])
    openers = "|".join(map(re.escape, c["alliance_composed_openers"]))
    verbs = "|".join(map(re.escape, c["alliance_composed_verbs"]))
    # 由A、B、C组成的…联盟; 联合A、B、C、D组成“某某”党建联盟
    pattern = re.compile(
        rf"(?:{openers})(?P<body>[^，。；,;由]{{4,300}}?)(?:等\d+家(?:单位)?)?(?:共同)?"
        rf"(?:{verbs})的?(?P<name>[\u4e00-\u9fff“”]{{0,10}}?{word})"
    )
    for m in pattern.finditer(norm, ctx.lo, ctx.hi):
        parts = m.group("body").split("、")
        if len(parts) < 2 or not all(_is_member_unit(p, units) for p in parts):
            continue
        if tuple(unify(p) for p in parts) in ctx.found:
            continue  # read already as units that found it (…等9家单位共同组建的…联盟)
        items, pos = [], m.start("body")
        for p in parts:
            items.append(Item(p, pos, pos + len(p)))
            pos += len(p) + 1
        items = _with_lead(ctx, items, m.start())
        parts = [i.text for i in items]
        name = m.group("name").replace("“", "").replace("”", "")
        ctx.take(None, parts)
        yield Alliance(name, items, m.start(), m.end(), True, (m.start(), m.end()))


@recogniser("alliance-members")
def recognise_alliance_members(ctx: Context) -> Iterable[Structure]:
    """“17”党建联盟中的“1”是指A，“7”是指B、C…7家单位; 联盟成员单位包括A、B、C: an alliance
    named in the sentence and the units listed after a member cue, in order. Every unit ends
    like an organisation; a count written after a list (7家) must equal its length."""
    c, norm = cues(), ctx.norm
    sentence = norm[ctx.lo : ctx.hi]
    words = _alliance_words()
    m = re.search(rf"((?:[“「][^”」]{{1,6}}[”」])?[\u4e00-\u9fff]{{0,8}}?{words})", sentence)
    # “鼓楼红盟”: a quoted name ending in 盟 names an alliance by itself
    short = re.search(r"[“「]([^”」]{1,6}盟)[”」]", sentence)
    if short is not None and (m is None or short.start() < m.start()):
        m, name, word = short, short.group(1), "盟"
    elif m is None:
        return
    else:
        word = next(w for w in c["alliance_words"] if m.group(1).endswith(w))
        name = re.sub(
            rf"^[\u4e00-\u9fff]*?(?=[\u4e00-\u9fff]{{0,6}}{word}$)", "", m.group(1), count=1
        )
        quoted = sentence[max(0, m.start(1) + len(m.group(1)) - len(name) - 1) :].startswith(
            ("“", "「")
        )
        if not quoted:  # “近邻党建联盟”: a quoted name is whole
            name = _after_last_verb(name[: -len(word)]) + word
    cue_words = "|".join(map(re.escape, sorted(c["alliance_member_cues"], key=len, reverse=True)))
    units = tuple(c["unit_suffixes"])
    counts = "".join(c["member_count_units"])
    items: list[Item] = []
    after = ctx.lo + m.end()
    for cm in re.finditer(cue_words, sentence[m.end() :]):
        a = ctx.lo + m.end() + cm.end()
        if a - len(cm.group(0)) < after:
            continue  # inside the list before
        while a < ctx.hi and norm[a] in ":：":
            a += 1  # 成员单位有：A、B…
        q = a
        while q < ctx.hi and norm[q] not in "，。；,;":
            q += 1
        run = norm[a:q]
        count = re.search(rf"(\d+|[{CN_NUMERAL}]+)[{counts}]", run)
        if count is not None and count.start() == 0 and count.end() < len(run):
            # “6”是6个社区党委: a count of one kind of member, the kind after it
            a, run, count = a + count.end(), run[count.end() :], None
        body = run[: count.start()] if count else run
        # A、B、C等16家单位, A、B等成员单位: named examples of the members
        tail = re.search(rf"等(?:{'|'.join(map(re.escape, c['member_categories']))})?$", body)
        examples = tail is not None
        body = body[: tail.start()] if tail else body
        parts = body.split("、")
        parts = [*parts[:-1], *_split_last(parts[-1])] if parts else parts
        if not parts or not _member_list(parts, units):
            continue
        if count and len(parts) > 1 and not examples:
            n = count.group(1)
            written = parse_count(n)
            if written != len(parts):
                continue
        pos = a
        for p in parts:
            k = norm.index(p, pos)
            items.append(Item(p, k, k + len(p)))
            pos = k + len(p)
        after = q
    if len(items) < 2:
        return
    anaphoric = name.startswith(tuple(c["alliance_anaphora"]))
    if anaphoric or name in (word, "党建" + word):
        # 该联盟成员单位包括…, 联盟成员单位包括…: the alliance named last before this sentence
        earlier = re.findall(
            rf"((?:[“「][^”」]{{1,8}}[”」])[\u4e00-\u9fff]{{0,6}}{words})", norm[: ctx.lo]
        )
        if earlier:
            name = earlier[-1]
        elif anaphoric:
            return
    clean = name.replace("“", "").replace("”", "").replace("「", "").replace("」", "")
    ctx.take(None, [i.text for i in items])
    start = ctx.lo + m.start()
    yield Alliance(clean, items, start, items[-1].end, True, (start, items[-1].end))


@recogniser("roles-chain")
def recognise_roles_chain(ctx: Context) -> Iterable[Structure]:
    """以A为核心，以B为基础，以C为支点的组织体系: units each given a role after 以, the
    clauses joined by commas (the list joined by 、 is read with the other lists): the
    units, in order, a chain when they are levels from the top down."""
    c, norm = cues(), ctx.norm
    limit = c["role_in_chain_chars"]
    role = rf"以(?P<u>[^，,、；;。以]{{2,14}}?)为[\u4e00-\u9fff]{{1,{limit}}}?(?=[，,、的])"
    one = re.compile(role)
    run = re.compile(rf"{role}(?:[，,、]{role})+".replace("(?P<u>", "(?:"))
    for m in run.finditer(norm, ctx.lo, ctx.hi):
        if "，" not in m.group(0) and "," not in m.group(0):
            continue  # joined by 、 only: a list, read by the listed-chain recogniser
        items: list[Item] = []
        pos = m.start()
        while (u := one.match(norm, pos)) is not None and u.start() < m.end() + 1:
            items.append(Item(u.group("u"), u.start("u"), u.end("u")))
            pos = u.end() + 1
        if len(items) < 3 or not is_chain([i.text for i in items], ctx.lex):
            continue
        end = items[-1].end
        stop = pos - 1
        name = ""
        head = re.match(
            rf"的([\u4e00-\u9fff]{{2,10}}?(?:{'|'.join(c['hierarchy_heads'])}))", norm[stop:]
        )
        if head is not None:
            name, end = head.group(1), stop + head.end()
        ctx.take(None, [i.text for i in items])
        yield Chain(
            name or "、".join(i.text for i in items),
            items,
            m.start(),
            end,
            bool(name),
            (m.start(), end),
        )


@recogniser("listed-chain")
def recognise_listed_chain(ctx: Context) -> Iterable[Structure]:
    """市、区、街道和社区四级联动; 网格长、楼栋长、单元长“三长”; 街道党工委、社区党委、网格党支部
    的构架: a list of levels, units or roles with a count of levels (N级, N长) or a head noun
    of a hierarchy (构架, 体系), or of levels from the top down."""
    c = cues()
    for e in ctx.free():
        if e.joiner != "、" or len(e.items) < 3 or not _count_fits(e):
            continue
        roles = _units_with_roles(ctx.norm, e) or _roles_with_duties(e) or _roles_set_up(e)
        if roles and is_chain([i.text for i in roles], ctx.lex):
            # 以街道党工委为核心、社区党组织为基础、…为末梢的组织体系: the units, in order
            ctx.take(e, e.items)
            named = _valid_name(e.name) or (e.quoted_name and e.kind == "quoted-name")
            name = e.name if named else "、".join(i.text for i in roles)
            end = max(e.end, e.name_end)
            yield Chain(name, roles, e.start, end, named, (e.end, end))
            continue
        counted = (
            e.count is not None and re.match(rf"^([{CN_NUMERAL}]+|\d+)(级|长)", e.name) is not None
        )
        headed = e.name.endswith(tuple(c["hierarchy_heads"])) and e.kind in (
            "de",
            "numeral",
            "direct",
            "quoted-name",
        )
        # bare levels (街道、社区、网格) need a count or a head noun to be a chain
        levels_only = all((lv := _level_of(i)) is not None and not lv[1] for i in e.items)
        if (
            (counted and (is_chain(e.items, ctx.lex) or levels_only))
            or (headed and is_chain(e.items, ctx.lex))
            or (e.kind == "bare" and is_chain(e.items, ctx.lex) and not levels_only)
        ):
            pass
        else:
            continue
        named = _valid_name(e.name)
        name = e.name if named else _unnamed(e)
        ctx.take(e, e.items)
        end = max(e.end, e.name_end)
        yield Chain(name, _items(e), e.start, end, named, (e.end, end))


def _units_with_roles(norm: str, e: Enumeration) -> list[Item]:
    """The units of a list opened by 以 whose items each give a unit its role (以A为核心、B为
    基础、C为支撑): the units with their spans; none where the list is not of that form."""
    opened = e.items[0].startswith("以")  # the list may hold its 以 (…构建以A为核心、…)
    if norm[max(0, e.start - 1) : e.start] != "以" and not opened:
        return []
    limit = cues()["role_in_chain_chars"]
    out: list[Item] = []
    for k, (text, (a, _b)) in enumerate(zip(e.items, e.item_spans, strict=True)):
        if k == 0 and opened:
            text, a = text[1:], a + 1
        m = re.fullmatch(rf"(.{{2,}}?)为[\u4e00-\u9fff]{{1,{limit}}}", text)
        if m is None:
            return []
        out.append(Item(m.group(1), a, a + len(m.group(1))))
    return out


def _roles_with_duties(e: Enumeration) -> list[Item]:
    """The roles of a list named by a count of levels whose items each give a role, a unit or
    a level its duty (“三级书记抓治理”：区委书记抓统筹、街道党工委书记抓推进、社区党组织书记抓落实;
    区里抓统筹、街道抓推进、社区抓落实): those, with their spans; none where the list is not of
    that form."""
    c = cues()
    if e.count != len(e.items) or re.match(rf"([{CN_NUMERAL}]+|\d+)级", e.name) is None:
        return []
    verbs = "|".join(map(re.escape, c["duty_verbs"]))
    ends = tuple(c["role_suffixes"]) + tuple(c["organisation_suffixes"])
    out: list[Item] = []
    for text, (a, _b) in zip(e.items, e.item_spans, strict=True):
        m = re.fullmatch(rf"(.{{1,}}?)(?:{verbs})[\u4e00-\u9fff]{{1,6}}", text)
        level = _level_of(m.group(1)) if m is not None else None
        if m is None or not (m.group(1).endswith(ends) or (level and len(level[1]) <= 1)):
            return []  # a role, a unit, or a level (区里抓统筹、街道抓推进)
        who = m.group(1)
        if level and level[1] and not who.endswith(ends):
            who = who[: -len(level[1])]  # 区里 → 区
        out.append(Item(who, a, a + len(who)))
    return out


def _roles_set_up(e: Enumeration) -> list[Item]:
    """The roles of a list whose items each set one up at a level (“五长制”，即街道设街长、
    社区设路长、网格设格长…): the roles with their spans, in order; none otherwise."""
    c = cues()
    verbs = "|".join(map(re.escape, c["set_up_verbs"]))
    out: list[Item] = []
    for text, (a, _b) in zip(e.items, e.item_spans, strict=True):
        m = re.fullmatch(rf"(.{{1,4}}?)(?:{verbs})(.{{1,5}})", text)
        if m is None or _level_of(m.group(1)) is None or not _is_role(m.group(2)):
            return []
        out.append(Item(m.group(2), a + m.start(2), a + m.end(2)))
    return out


DEFAULT_RECOGNISERS = [
    "numbered",
    "baobao",
    "counted-gloss",
    "formula-of-parts",
    "comma-listed",
    "glossed-clauses",
    "echoed-clauses",
    "joined",
    "compact-levels",
    "working-groups",
    "alliance-joining",
    "alliance-composed",
    "alliance-members",
    "roles-chain",
    "units-at-levels",
    "reaching-down",
    "listed-chain",
    "echoed-lists",
    "joint-actors",
    "means-before-action",
    "named-list",
    "graded-clauses",
    "mechanism",
]


# --------------------------------------------------------------------------- components

if not Span.has_extension("enumeration"):
    Span.set_extension("enumeration", default=None)
if not Span.has_extension("structure"):
    Span.set_extension("structure", default=None)
if not Doc.has_extension("structures"):
    Doc.set_extension("structures", default=None)
if not Doc.has_extension("enumerations"):
    Doc.set_extension("enumerations", default=None)


def _span(doc: Doc, a: int, b: int, label: str) -> Span | None:
    return doc.char_span(a, b, label=label, alignment_mode="expand")


class EnumerationFinder:
    """The lists of every sentence: ``doc._.enumerations`` (the text read, and for each
    sentence its bounds and lists) and ``doc.spans["enumerations"]``."""

    def __call__(self, doc: Doc) -> Doc:
        norm = doc_text(doc)
        by_sentence: list[tuple[int, int, list[Enumeration]]] = []
        spans: list[Span] = []
        for lo, hi in sentences(norm):
            found = find_enumerations(norm, lo, hi) if _may_list(norm, lo, hi) else []
            by_sentence.append((lo, hi, found))
            for e in found:
                sp = _span(doc, e.start, max(e.end, e.name_end), "ENUMERATION")
                if sp is not None:
                    sp._.enumeration = e
                    spans.append(sp)
        doc._.enumerations = (norm, by_sentence)
        doc.spans["enumerations"] = spans
        return doc


def _may_list(norm: str, lo: int, hi: int) -> bool:
    text = norm[lo:hi]
    runs = ("”“", "」「", "』『", "’‘")  # “A”“B”“C”: quoted items with no 、
    return "、" in text or any(j in text for j in (*cues()["joiners"], *runs))


class StructureRecogniser:
    """Runs the recognisers, in order, over each sentence's lists; records in
    ``doc._.structures`` (document order, one per structure) and ``doc.spans["structures"]``."""

    def __init__(self, recognisers: list[str]) -> None:
        unknown = [r for r in recognisers if r not in RECOGNISERS]
        if unknown:
            raise ValueError(f"unknown structure recognisers: {', '.join(unknown)}")
        self.recognisers = [RECOGNISERS[r] for r in recognisers]

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon()
        records: list[Structure] = []
        if doc._.enumerations is not None:
            text, enumerations = doc._.enumerations
        else:
            text = doc_text(doc)
            enumerations = [(lo, hi, find_enumerations(text, lo, hi)) for lo, hi in sentences(text)]
        first_marks = tuple(f"{a}一{b}" for a, b in cues()["numbered_step_forms"])
        for lo, hi, found in enumerations:
            cued = found or any(w in text[lo:hi] for w in cues()["sentence_cues"])
            # or a name whose steps open the next sentence (“六步工作法”。第一步，…)
            if not cued and not text[hi : hi + 12].lstrip("。！？!? \n\u3000\t").startswith(
                first_marks
            ):
                continue
            ctx = Context(text, lo, hi, found, lex)
            for rec in self.recognisers:
                records.extend(rec(ctx))
        spans = []
        for r in records:
            sp = _span(doc, r.start, r.end, r.kind.upper())
            if sp is not None:
                sp._.structure = r
                spans.append(sp)
        doc._.structures = records
        doc.spans["structures"] = spans
        return doc


@Language.factory("govkg_enumerations")
def make_enumeration_finder(nlp: Language, name: str) -> EnumerationFinder:
    return EnumerationFinder()


@Language.factory("govkg_structures", default_config={"recognisers": DEFAULT_RECOGNISERS})
def make_structure_recogniser(
    nlp: Language, name: str, recognisers: list[str]
) -> StructureRecogniser:
    return StructureRecogniser(recognisers)
