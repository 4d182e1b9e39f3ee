"""View 1, the five-level organisation chain: the chain with the counts the reports give
for each level and, with rosters, an overview of streets and communities and pages from
each street down to its buildings."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

import pyoxigraph as ox

from govkg.graph.views.config import ORG_CHAIN, STREET_DEPTH, config
from govkg.graph.views.layout import (
    box_slot,
    descendant_counts,
    pack_columns,
    tree_lr,
    unit_children,
)
from govkg.graph.views.model import Edge, Info, Node, Page, new_page
from govkg.graph.views.records import (
    Graph,
    Obs,
    Units,
    integer,
    lexical,
    local_name,
    natural_key,
    select,
)
from govkg.graph.views.text import fmt_number, fmt_value, fmt_value_en


def _chain_levels(g: Graph) -> list[tuple[str, int, str | None]]:
    rows = select(
        g.store,
        """SELECT DISTINCT ?lvl ?rank ?broader ?scheme WHERE { ?lvl skos:inScheme ?scheme ; gk:rank ?rank .
           OPTIONAL { ?lvl skos:broader ?broader } }""",
        scheme=ox.NamedNode(ORG_CHAIN),
    )
    levels: dict[str, tuple[str, int, str | None]] = {}
    for lvl_term, rank, broader_term, _scheme in rows:
        lvl = lexical(lvl_term)
        broader = lexical(broader_term) or None
        prev = levels.get(lvl)
        if prev is None or (broader or "") < (prev[2] or ""):
            levels[lvl] = (lvl, integer(rank), broader)
    return sorted(levels.values(), key=lambda t: (t[1], t[0]))


def _chain_classes(g: Graph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for cls, lvl in select(g.store, "SELECT DISTINCT ?cls ?lvl WHERE { ?cls gk:chainLevel ?lvl }"):
        out[lexical(lvl)].append(lexical(cls))
    return {k: sorted(v) for k, v in out.items()}


def _level_group(g: Graph, level: str, classes: list[str]) -> str:
    """The class drawn for a chain level: the one whose label is the level's label."""
    groups = config()["groups"]
    known = [c for c in classes if local_name(c) in groups]
    for c in known:
        if g.labels.zh(c) == g.labels.zh(level):
            return local_name(c)
    return local_name(known[0]) if known else "Hierarchy"


def chain_page(g: Graph, units: Units, has_overview: bool) -> Page:
    cfg = config()
    page = new_page("org-chain")
    levels = _chain_levels(g)
    classes = _chain_classes(g)
    scheme = _node_for_scheme(g)
    page.nodes.append(scheme)
    # each level's numbers in rows of a few beside it, so that the whole chain and its
    # numbers fit on one screen
    x_stat0, stat_w, per_row, row_h = 300, 200, 4, 96.0
    alt: dict[str, list[str]] = defaultdict(list)
    for _scheme, lvl_term, word in select(
        g.store,
        "SELECT DISTINCT ?s ?lvl ?alt WHERE { ?lvl skos:inScheme ?s ; skos:altLabel ?alt }",
        s=ox.NamedNode(ORG_CHAIN),
    ):
        alt[lexical(lvl_term)].append(lexical(word))
    stated: dict[str, list[str]] = defaultdict(list)
    for _scheme, lvl_term, word in select(
        g.store,
        """SELECT DISTINCT ?s ?lvl ?w WHERE { ?src skos:exactMatch ?lvl ; skos:inScheme ?h .
           ?lvl skos:inScheme ?s . { ?src skos:prefLabel ?w } UNION { ?src skos:altLabel ?w } }""",
        s=ox.NamedNode(ORG_CHAIN),
    ):
        stated[lexical(lvl_term)].append(lexical(word))
    by_rank_measures = {int(k): set(v) for k, v in cfg["chain_measures"].items()}
    unit_counts = units.per_class
    level_keys = {lvl for lvl, _r, _b in levels}
    tops = [lvl for lvl, _r, b in levels if b not in level_keys]
    y = 110.0
    for lvl, rank, broader in levels:
        cls = classes.get(lvl, [])
        info: Info = [("序位", "rank", str(rank), False)]
        for c in cls:
            info.append(
                ("组织类", "class", f"{g.labels.zh(c)} ({g.labels.en(c) or local_name(c)})", False)
            )
        words = sorted(set(alt.get(lvl, [])) | set(stated.get(lvl, [])) - {g.labels.zh(lvl)})
        if words:
            info.append(("原文表述", "as written", "、".join(words), False))
        page.nodes.append(
            Node(
                lvl,
                _level_group(g, lvl, cls),
                g.labels.zh(lvl),
                g.labels.en(lvl),
                180,
                0,
                y,
                info,
                iri=lvl,
                search=" ".join(words),
            )
        )
        if broader in level_keys:
            page.edges.append(
                Edge(broader, lvl, "tree", info=[("关系", "relation", "skos:broader", False)])
            )
        satellites: list[Node] = []
        n_units = sum(unit_counts.get(c, 0) for c in cls)
        if n_units:
            info_r: Info = [
                (f"{g.labels.zh(c)}", g.labels.en(c) or local_name(c), str(unit_counts[c]), False)
                for c in cls
                if unit_counts.get(c, 0)
            ]
            satellites.append(
                Node(
                    f"roster|{lvl}",
                    "RosterCount",
                    f"名册 {n_units}个",
                    f"roster: {n_units} units",
                    190,
                    info=info_r,
                    href="org-units.html" if has_overview else None,
                )
            )
        satellites.extend(_chain_stats(g, lvl, by_rank_measures.get(rank, set())))
        for k, node in enumerate(satellites):
            node.width = stat_w
            node.x, node.y = x_stat0 + (k % per_row) * (stat_w + 15), y + (k // per_row) * row_h
            page.nodes.append(node)
            page.edges.append(Edge(lvl, node.key, "stat", arrow=False, curve=True))
        y += max(1, math.ceil(len(satellites) / per_row)) * row_h + 20
    for top in tops:
        page.edges.append(Edge(scheme.key, top, "tree"))
    return page


def _node_for_scheme(g: Graph) -> Node:
    info: Info = []
    hierarchies = select(
        g.store,
        """SELECT DISTINCT ?s ?h WHERE { ?src skos:exactMatch ?lvl ; skos:inScheme ?h .
           ?lvl skos:inScheme ?s . ?h a gk:Hierarchy }""",
        s=ox.NamedNode(ORG_CHAIN),
    )
    names = sorted({lexical(h) for _scheme, h in hierarchies})
    if names:
        info.append(
            ("来源中的名称", "named in sources", "、".join(g.labels.zh(h) for h in names), False)
        )
    for h in names:
        info.extend(g.sources(h))
    return Node(
        ORG_CHAIN,
        "Hierarchy",
        g.labels.zh(ORG_CHAIN),
        g.labels.en(ORG_CHAIN),
        180,
        0,
        0,
        info,
        iri=ORG_CHAIN,
        search=" ".join(g.labels.zh(h) for h in names),
    )


def _chain_stats(g: Graph, level: str, measures: set[str]) -> list[Node]:
    """One node per distinct reported number for a level: (measure, area, value, unit)."""
    groups: dict[tuple[str, str, str, str], list[Obs]] = defaultdict(list)
    for o in g.obs.values():
        if g.labels.zh(o.measure) in measures:
            groups[(o.measure, o.area, fmt_number(o.value), o.unit)].append(o)
    nodes = []
    order = sorted(
        groups, key=lambda k: (g.labels.zh(k[0]), g.labels.zh(k[1]), Decimal(k[2]), k[3])
    )
    for key in order:
        measure, area, value, unit = key
        members = sorted(groups[key], key=lambda o: (o.doc, o.start, o.iri))
        first = members[0]
        conflict = any(o.conflicts for o in members)
        area_zh = g.labels.zh(area) if area else ""
        zh = f"{g.labels.zh(measure)} {fmt_value(value, unit, first.qualifier, first.value_max)}"
        en_measure = g.labels.en(measure) or g.labels.zh(measure)
        en = f"{fmt_value_en(value, unit, first.qualifier, first.value_max)} {en_measure}"
        if area:
            zh += f"\n{area_zh}"
            en += f"\n{g.labels.en(area) or area_zh}"
        info: Info = [
            ("统计指标", "measure", f"{g.labels.zh(measure)} ({en_measure})", False),
            ("所涉区域", "area", area_zh, False),
            ("报道次数", "times reported", str(len(members)), False),
        ]
        for o in members:
            info.append(("来源", "source", g.doc_label(o.doc), False))
            info.append(("原文", "quote", o.quote, True))
        if conflict:
            others = sorted({c for o in members for c in o.conflicts})
            vals = sorted(
                {fmt_value(g.obs[c].value, g.obs[c].unit, g.obs[c].qualifier) for c in others}
            )
            info.append(("冲突数值", "conflicting values", "、".join(vals), False))
        node_key = "stat|" + "|".join([level, *key])
        nodes.append(
            Node(
                node_key,
                "ConflictingObservation" if conflict else "StatisticObservation",
                zh,
                en,
                190,
                info=info,
                search=" ".join(o.quote for o in members),
            )
        )
    return nodes


def _unit_info(
    g: Graph, u: str, units: dict[str, dict[str, Any]], below: Mapping[str, int]
) -> Info:
    info: Info = []
    parent = units[u]["parent"]
    if parent:
        info.append(("上级", "parent", g.labels.zh(parent), False))
    for c, n in sorted(below.items(), key=lambda kv: (_class_order(kv[0]), kv[0])):
        info.append(
            (f"下辖{g.labels.zh(c)}", f"{g.labels.en(c) or local_name(c)} below", str(n), False)
        )
    return info


@cache
def _class_order(cls: str) -> int:
    order = [
        "StreetPartyWorkingCommittee",
        "CommunityPartyOrganization",
        "GridPartyBranch",
        "GridPartyGroup",
        "BuildingPartyGroup",
        "PartyMemberHousehold",
    ]
    local = local_name(cls)
    return order.index(local) if local in order else len(order)


def unit_pages(g: Graph, all_units: Units) -> list[Page]:
    """With a roster: a city overview (streets and communities) and pages down to buildings."""
    cfg = config()
    cap = int(cfg["page_node_cap"])
    units = all_units.rows
    children = unit_children(units)
    # the units pages draw, in order under their parent (order does not change counts)
    drawn = {
        p: sorted(
            (k for k in kids if units[k]["rank"] <= STREET_DEPTH),
            key=lambda k: (units[k]["rank"], natural_key(g.labels.zh(k)), k),
        )
        for p, kids in children.items()
    }
    streets = sorted(
        (u for u, d in units.items() if d["rank"] == 1),
        key=lambda u: (natural_key(g.labels.zh(u)), u),
    )
    if not streets:
        return []
    counts = descendant_counts(children, all_units)
    pack = len(streets) > int(cfg["max_street_pages"])
    # street pages: each street down to level 4, households counted on their parents
    groups: list[list[str]] = []
    cls_rank = all_units.class_rank
    sizes = {
        s: 1 + sum(n for c, n in counts[s].items() if cls_rank[c] <= STREET_DEPTH) for s in streets
    }
    for s in streets:
        if pack and groups and sum(sizes[x] for x in groups[-1]) + sizes[s] <= cap:
            groups[-1].append(s)
        else:
            groups.append([s])
    street_file: dict[str, str] = {}
    for i, grp in enumerate(groups, 1):
        for s in grp:
            street_file[s] = config()["pages"]["org-street"]["file"].format(n=i)
    overview = _overview_page(g, units, streets, drawn, counts, street_file, cap)
    pages = [overview]
    for i, grp in enumerate(groups, 1):
        pages.append(_street_page(g, all_units, grp, drawn, counts, i, cap))
    return pages


def _overview_page(
    g: Graph,
    units: dict[str, dict[str, Any]],
    streets: list[str],
    children: Mapping[str, list[str]],
    counts: Mapping[str, Mapping[str, int]],
    street_file: Mapping[str, str],
    cap: int,
) -> Page:
    page = new_page("org-units")
    comm = {s: [k for k in children.get(s, []) if units[k]["rank"] == 2] for s in streets}
    with_comm = len(streets) + sum(len(v) for v in comm.values()) <= cap
    width = 210
    col_w = width + 90.0
    if not with_comm:
        # too many for one page: the communities become a count on their street
        about = config()["pages"]["org-units"]["about_counted"]
        page.desc_zh, page.desc_en = about["zh"], about["en"]
    labels = {
        s: (g.labels.zh(s), g.labels.en(s))
        if with_comm
        else (f"{g.labels.zh(s)}\n{len(comm[s])}个社区", f"{len(comm[s])} communities")
        for s in streets
    }
    shown = [*streets, *(k for s in streets for k in comm[s])] if with_comm else streets
    slot = box_slot((labels[u][0] if u in labels else g.labels.zh(u) for u in shown), width)
    blocks = []
    for s in streets:
        n = len(comm[s]) if with_comm else 0
        blocks.append((col_w + width if n else width, max(1, n) * slot))
    offsets = pack_columns(blocks, 90, 40)
    for s, (ox_, oy) in zip(streets, offsets, strict=True):
        kids = {s: comm[s]} if with_comm else {}
        pos: dict[str, tuple[float, float]] = {}
        tree_lr(s, kids, ox_, oy, col_w, slot, pos)
        file = street_file[s]
        page.nodes.append(
            Node(
                s,
                local_name(units[s]["cls"]),
                *labels[s],
                width,
                *pos[s],
                _unit_info(g, s, units, counts.get(s, {})),
                href=file,
                iri=s,
            )
        )
        for k in kids.get(s, []):
            page.nodes.append(
                Node(
                    k,
                    local_name(units[k]["cls"]),
                    g.labels.zh(k),
                    g.labels.en(k),
                    width,
                    *pos[k],
                    _unit_info(g, k, units, counts.get(k, {})),
                    href=file,
                    iri=k,
                )
            )
            page.edges.append(Edge(s, k, "tree", arrow=False, curve=True))
    return page


def _street_page(
    g: Graph,
    all_units: Units,
    streets: list[str],
    children: Mapping[str, list[str]],
    counts: Mapping[str, Mapping[str, int]],
    number: int,
    cap: int,
) -> Page:
    names = "、".join(g.labels.zh(s) for s in streets[:3]) + ("等" if len(streets) > 3 else "")
    page = new_page("org-street", n=number, names=names)
    if len(streets) > 1:
        page.title_en = config()["pages"]["org-street"]["title_several"]["en"].format(
            streets=len(streets)
        )
    units, cls_rank = all_units.rows, all_units.class_rank
    max_rank = STREET_DEPTH
    while max_rank > 1:
        total = sum(
            1 + sum(n for c, n in counts[s].items() if cls_rank[c] <= max_rank) for s in streets
        )
        if total <= cap:
            break
        max_rank -= 1
    width = 210
    col_w = width + 90.0
    trees: list[tuple[str, dict[str, list[str]]]] = []
    blocks: list[tuple[float, float]] = []
    for s in streets:
        sub: dict[str, list[str]] = {}
        seen: set[str] = set()
        stack = [s]
        while stack:
            u = stack.pop()
            if u in seen:
                continue  # a cycle in the roster: draw each unit once
            seen.add(u)
            sub[u] = [
                k for k in children.get(u, []) if units[k]["rank"] <= max_rank and k not in seen
            ]
            stack.extend(reversed(sub[u]))
        trees.append((s, sub))
    slot = box_slot((g.labels.zh(u) for _s_, sub in trees for u in sub), width)
    for s, sub in trees:
        probe: dict[str, tuple[float, float]] = {}
        height = tree_lr(s, sub, 0, 0, col_w, slot, probe)
        depth = len({p[0] for p in probe.values()})
        blocks.append((depth * col_w, height))
    offsets = pack_columns(blocks, 80, 60)
    for (s, sub), (bx, by) in zip(trees, offsets, strict=True):
        pos: dict[str, tuple[float, float]] = {}
        tree_lr(s, sub, bx, by, col_w, slot, pos)
        for u in sorted(pos, key=lambda k: (pos[k][0], pos[k][1], k)):
            page.nodes.append(
                Node(
                    u,
                    local_name(units[u]["cls"]),
                    g.labels.zh(u),
                    g.labels.en(u),
                    width,
                    *pos[u],
                    _unit_info(g, u, units, counts.get(u, {})),
                    iri=u,
                )
            )
        for u in sorted(pos, key=lambda k: (pos[k][0], pos[k][1], k)):
            for k in sub.get(u, []):
                page.edges.append(Edge(u, k, "tree", arrow=False, curve=True))
    return page
