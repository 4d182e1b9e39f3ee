"""View 2, party-building alliances: the alliance kinds the reports describe with the kinds
of unit that join them and, with rosters, every alliance with its members and lead units."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from govkg.graph.views.config import LEAD_ROLE, config
from govkg.graph.views.layout import box_slot, pack_columns, spread_column, tree_lr
from govkg.graph.views.model import Edge, Info, Node, Page, new_page
from govkg.graph.views.records import (
    Alliances,
    Graph,
    lexical,
    local_name,
    natural_key,
    rank_value,
    select,
)
from govkg.ontology import GK, GKD


def _member_group(member: str, types: Mapping[str, set[str]]) -> str:
    groups = config()["groups"]
    mine = types.get(member, set())
    for t in sorted(mine) if mine else ():
        if t.startswith(GK) and local_name(t) in groups and local_name(t) != "UnitKind":
            return local_name(t)
    if GK + "UnitKind" in mine or member.startswith(GKD + "unit-kind/"):
        return "UnitKind"
    return "Organization"


def alliance_pages(g: Graph, al: Alliances) -> list[Page]:
    def order(a: str) -> tuple[int, str, str]:
        return (al.levels.get(a, (10**6, ""))[0], g.labels.zh(a), a)

    al.kinds.sort(key=order)
    al.roster.sort(key=order)
    pages = [_alliance_kind_page(g, al)]
    if al.roster:
        pages.extend(_alliance_roster_pages(g, al))
    return pages


def _membership_info(g: Graph, m: dict[str, str]) -> Info:
    info: Info = []
    if m["rank"]:
        info.append(("列举顺序", "order written", m["rank"], False))
    if m["role"]:
        info.append(("角色", "role", m["role"], False))
    if m["kind"]:
        info.append(("成员类别", "member kind", g.labels.zh(m["kind"]), False))
    info.extend(g.sources(m["ms"]))
    return info


def _alliance_kind_page(g: Graph, al: Alliances) -> Page:
    page = new_page("alliances")
    kinds = al.kinds
    order = {a: i for i, a in enumerate(kinds)}
    ms = sorted(
        (m for m in al.memberships if m["a"] in order),
        key=lambda m: (order[m["a"]], rank_value(m["rank"]), m["m"]),
    )
    member_y: dict[str, float] = {}
    y = 0.0
    for m in ms:
        if m["m"] not in member_y:
            member_y[m["m"]] = y
            y += 60
    broader: dict[str, str] = {}
    for k_term, b_term in select(
        g.store, "SELECT DISTINCT ?k ?b WHERE { ?k a gk:UnitKind ; skos:broader ?b }"
    ):
        k, b = lexical(k_term), lexical(b_term)
        if k in member_y and (k not in broader or b < broader[k]):
            broader[k] = b
    for a in kinds:
        ys = [member_y[m["m"]] for m in ms if m["a"] == a]
        ay = sum(ys) / len(ys) if ys else y
        if not ys:
            y += 60
        info: Info = []
        if a in al.levels:
            info.append(("行政层级", "level", g.labels.zh(al.levels[a][1]), False))
        info.append(("成员类别数", "member kinds", str(len(ys)), False))
        info.extend(g.sources(a))
        page.nodes.append(
            Node(a, "Alliance", g.labels.zh(a), g.labels.en(a), 170, 0, ay, info, iri=a)
        )
    for member, my in member_y.items():
        info = []
        if member in broader:
            info.append(("上位类别", "broader", g.labels.zh(broader[member]), False))
        page.nodes.append(
            Node(
                member,
                _member_group(member, al.types),
                g.labels.zh(member),
                g.labels.en(member),
                170,
                330,
                my,
                info,
                iri=member,
            )
        )
    for b in sorted(set(broader.values())):
        ys = [member_y[k] for k, v in broader.items() if v == b]
        page.nodes.append(
            Node(b, "UnitKind", g.labels.zh(b), g.labels.en(b), 170, 660, sum(ys) / len(ys), iri=b)
        )
    for m in ms:
        page.edges.append(Edge(m["a"], m["m"], "tree", info=_membership_info(g, m), curve=True))
    for k in sorted(broader):
        page.edges.append(Edge(k, broader[k], "faint", curve=True))
    spread_column(page, 660, 60)
    return page


def _alliance_roster_pages(g: Graph, al: Alliances) -> list[Page]:
    cap = int(config()["page_node_cap"])
    by_alliance: dict[str, list[dict[str, str]]] = defaultdict(list)
    for m in al.memberships:
        by_alliance[m["a"]].append(m)
    for ms in by_alliance.values():
        # lead units first, then in the order written, then by name
        ms.sort(
            key=lambda m: (
                LEAD_ROLE not in m["role"],
                rank_value(m["rank"]),
                natural_key(g.labels.zh(m["m"])),
                m["m"],
            )
        )
    chunks: list[list[str]] = [[]]
    seen: set[str] = set()
    size = 0
    for a in al.roster:
        new = {m["m"] for m in by_alliance[a]} - seen
        if chunks[-1] and size + 1 + len(new) > cap:
            chunks.append([])
            seen, size = set(), 0
            new = {m["m"] for m in by_alliance[a]}
        chunks[-1].append(a)
        seen |= new
        size += 1 + len(new)
    pages = []
    for i, chunk in enumerate(chunks, 1):
        page = new_page("alliances-roster", n=i, of=len(chunks))
        width = 210
        slot = box_slot(
            [
                *(g.labels.zh(a) for a in chunk),
                *("★ " + g.labels.zh(m["m"]) for a in chunk for m in by_alliance[a]),
            ],
            width,
        )
        placed: set[str] = set()
        blocks: list[tuple[float, float]] = []
        layout: list[tuple[str, list[str]]] = []
        for a in chunk:
            mine = []
            for m in by_alliance[a]:
                if m["m"] not in placed:
                    placed.add(m["m"])
                    mine.append(m["m"])
            layout.append((a, mine))
            blocks.append((2 * width + 90.0, max(1, len(mine)) * slot))
        offsets = pack_columns(blocks, 100, 50)
        leads = {m["m"] for a in chunk for m in by_alliance[a] if LEAD_ROLE in m["role"]}
        for (a, mine), (bx, by) in zip(layout, offsets, strict=True):
            pos: dict[str, tuple[float, float]] = {}
            tree_lr(a, {a: mine}, bx, by, width + 90.0, slot, pos)
            info: Info = [("成员数", "members", str(len(by_alliance[a])), False)]
            if a in al.levels:
                info.append(("行政层级", "level", g.labels.zh(al.levels[a][1]), False))
            lead_names = sorted(
                g.labels.zh(m["m"]) for m in by_alliance[a] if LEAD_ROLE in m["role"]
            )
            if lead_names:
                info.append(("牵头单位", "lead unit", "、".join(lead_names), False))
            info.extend(g.sources(a))
            page.nodes.append(
                Node(
                    a,
                    "Alliance",
                    g.labels.zh(a),
                    g.labels.en(a),
                    width,
                    *pos[a],
                    info,
                    iri=a,
                )
            )
            for member in mine:
                lead = member in leads
                minfo: Info = [("牵头单位", "lead unit", "是 / yes", False)] if lead else []
                page.nodes.append(
                    Node(
                        member,
                        _member_group(member, al.types),
                        ("★ " if lead else "") + g.labels.zh(member),
                        None,
                        width,
                        *pos[member],
                        minfo,
                        iri=member,
                        border=4 if lead else None,
                        search=g.labels.zh(member),
                    )
                )
        for a in chunk:
            for m in by_alliance[a]:
                lead = LEAD_ROLE in m["role"]
                page.edges.append(
                    Edge(
                        a,
                        m["m"],
                        "lead" if lead else "tree",
                        "牵头" if lead else None,
                        "lead" if lead else None,
                        _membership_info(g, m),
                        curve=True,
                    )
                )
        pages.append(page)
    return pages
