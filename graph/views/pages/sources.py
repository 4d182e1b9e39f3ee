"""View 6, sources and conflicts: one column per source document with the statistics it
reports, conflicting statistics in rows at the top."""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal

from govkg.graph.views.layout import BOX_PAD, FONT_PX, MAX_LINES
from govkg.graph.views.model import Edge, Info, Node, Page, new_page
from govkg.graph.views.records import Graph, Obs, lexical, local_name, select
from govkg.graph.views.text import (
    COUNT_SCOPE_TEXT,
    fmt_value,
    fmt_value_en,
    qualifier_zh,
    wrap_label,
)


def obs_node(g: Graph, o: Obs, width: int) -> Node:
    measure = g.labels.zh(o.measure)
    value = fmt_value(o.value, o.unit, o.qualifier, o.value_max)
    en_m = g.labels.en(o.measure) or measure
    info: Info = [
        ("统计指标", "measure", f"{measure} ({en_m})", False),
        ("数值", "value", value, False),
        ("约数限定", "qualifier", qualifier_zh(o.qualifier), False),
        ("计数范围", "count scope", COUNT_SCOPE_TEXT.get(o.count_scope, o.count_scope), False),
        ("所属年份", "year", o.period, False),
        ("所涉区域", "area", g.labels.zh(o.area) if o.area else "", False),
        ("来源", "source", g.doc_label(o.doc), False),
        ("原文", "quote", o.quote, True),
    ]
    for c in sorted(o.conflicts, key=lambda c: (g.obs[c].doc, g.obs[c].start, c)):
        oc = g.obs[c]
        info.append(
            ("冲突数值", "conflicts with", fmt_value(oc.value, oc.unit, oc.qualifier), False)
        )
        info.append(("其来源", "its source", g.doc_label(oc.doc), False))
        info.append(("其原文", "its quote", oc.quote, True))
    per_line = int((width - BOX_PAD) / FONT_PX)
    return Node(
        o.iri,
        "ConflictingObservation" if o.conflicts else "StatisticObservation",
        wrap_label(measure, per_line, MAX_LINES) + "\n" + value,
        wrap_label(en_m, per_line, MAX_LINES)
        + "\n"
        + fmt_value_en(o.value, o.unit, o.qualifier, o.value_max),
        width,
        info=info,
        iri=o.iri,
        search=o.quote,
        wrap=99,
    )


def _order_columns(docs: list[str], g: Graph) -> list[str]:
    """Document columns in the order that keeps conflicting statistics closest together
    (every order is tried up to seven documents; beyond that, the given order)."""
    weight: dict[tuple[str, str], int] = defaultdict(int)
    for o in g.obs.values():
        for c in o.conflicts:
            a, b = o.doc, g.obs[c].doc
            if a != b and a in docs and b in docs:
                weight[(min(a, b), max(a, b))] += 1
    if len(docs) > 7 or not weight:
        return docs
    best, best_cost = docs, None
    for perm in itertools.permutations(docs):
        pos = {d: i for i, d in enumerate(perm)}
        cost = sum(w * abs(pos[a] - pos[b]) for (a, b), w in weight.items())
        if best_cost is None or cost < best_cost:
            best, best_cost = list(perm), cost
    return best


def sources_page(g: Graph) -> Page:
    page = new_page("sources")
    docs = sorted(
        {
            lexical(d)
            for (d,) in select(g.store, "SELECT DISTINCT ?d WHERE { ?d a gk:SourceDocument }")
        },
        key=lambda d: (g.doc_ids.get(d, d), d),
    )
    reporting = {o.doc for o in g.obs.values()}
    # documents that report statistics are the columns; the others (rosters) are listed
    # in one more column at the right
    silent = [d for d in docs if d not in reporting]
    docs = _order_columns([d for d in docs if d in reporting], g)
    col_of = {d: i for i, d in enumerate(docs)}
    shown = [o for o in g.obs.values() if o.doc in col_of]
    # one statistic per row in each document's column, so that every document's column
    # fits beside the others on a laptop screen (the rows go on below)
    cols, cell_w, cell_h, obs_w = 1, 178.0, 78.0, 180
    col_w = cols * cell_w + 40
    # conflicts: connected groups, one band of rows each, aligned across the columns
    group_of: dict[str, int] = {}
    groups: list[list[Obs]] = []
    for o in sorted(shown, key=lambda o: (g.labels.zh(o.measure), g.labels.zh(o.area), o.iri)):
        if not o.conflicts or o.iri in group_of:
            continue
        members, stack = [], [o.iri]
        group_of[o.iri] = len(groups)
        while stack:
            cur = g.obs[stack.pop()]
            members.append(cur)
            for c in sorted(cur.conflicts):
                if c not in group_of and g.obs[c].doc in col_of:
                    group_of[c] = len(groups)
                    stack.append(c)
        groups.append(members)
    y = 160.0
    placed: dict[str, tuple[float, float]] = {}
    for members in groups:
        by_doc: dict[str, list[Obs]] = defaultdict(list)
        for o in members:
            by_doc[o.doc].append(o)
        rows = 1
        for d, mine in by_doc.items():
            mine.sort(key=lambda o: (Decimal(o.value), o.start, o.iri))
            for j, o in enumerate(mine):
                placed[o.iri] = (col_of[d] * col_w + (j % cols) * cell_w, y + (j // cols) * cell_h)
            rows = max(rows, (len(mine) + cols - 1) // cols)
        y += rows * cell_h
    y += 60
    for d in docs:
        rest = sorted(
            (o for o in shown if o.doc == d and o.iri not in placed),
            key=lambda o: (g.labels.zh(o.measure), o.start, o.iri),
        )
        for j, o in enumerate(rest):
            placed[o.iri] = (col_of[d] * col_w + (j % cols) * cell_w, y + (j // cols) * cell_h)
    for d in docs:
        mine = [o for o in shown if o.doc == d]
        dinfo: Info = [
            ("文献编号", "document id", g.doc_ids.get(d, ""), False),
            ("统计数据", "statistics", str(len(mine)), False),
            ("存在冲突", "in conflict", str(sum(1 for o in mine if o.conflicts)), False),
        ]
        x0 = col_of[d] * col_w
        page.nodes.append(
            Node(
                d,
                "SourceDocument",
                g.doc_titles.get(d) or g.doc_ids.get(d, local_name(d)),
                g.labels.en(d),
                int(col_w - 20),
                x0 + (cols - 1) * cell_w / 2,
                0,
                dinfo,
                iri=d,
                search=g.doc_ids.get(d, ""),
            )
        )
        for o in sorted(mine, key=lambda o: (placed[o.iri][1], placed[o.iri][0], o.iri)):
            node = obs_node(g, o, obs_w)
            node.x, node.y = placed[o.iri]
            page.nodes.append(node)
            page.edges.append(Edge(d, o.iri, "faint", arrow=False, on_select=True))
    for k, d in enumerate(silent):
        page.nodes.append(
            Node(
                d,
                "SourceDocument",
                g.doc_titles.get(d) or g.doc_ids.get(d, local_name(d)),
                g.labels.en(d),
                300,
                len(docs) * col_w + 60,
                k * 80.0,
                [
                    ("文献编号", "document id", g.doc_ids.get(d, ""), False),
                    ("统计数据", "statistics", "0", False),
                ],
                iri=d,
                search=g.doc_ids.get(d, ""),
            )
        )
    pairs = sorted(
        {
            (min(o.iri, c), max(o.iri, c))
            for o in shown
            for c in o.conflicts
            if g.obs[c].doc in col_of
        }
    )
    for a, b in pairs:
        oa, ob = g.obs[a], g.obs[b]
        values = f"{fmt_value(oa.value, oa.unit, oa.qualifier)} ≠ {fmt_value(ob.value, ob.unit, ob.qualifier)}"
        info: Info = [
            ("数值", "values", values, False),
            ("统计指标", "measure", g.labels.zh(oa.measure), False),
            ("所涉区域", "area", g.labels.zh(oa.area) if oa.area else "", False),
        ]
        rule = oa.conflict_rule.get(b)
        if rule:
            info.append(("冲突依据", "why", f"{g.labels.zh(rule)} ({g.labels.en(rule)})", False))
        page.edges.append(Edge(a, b, "conflict", info=info, arrow=False))
    return page
