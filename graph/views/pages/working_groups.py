"""View 3, thematic working groups: committees, the working groups they set up and the
themes, with a dashed box for a theme a committee has no group for."""

from __future__ import annotations

import itertools
from typing import Any

import pyoxigraph as ox

from govkg.graph.views.config import config
from govkg.graph.views.model import Edge, Info, Node, Page, new_page
from govkg.graph.views.records import Graph, integer, lexical, select
from govkg.graph.views.text import fmt_value


def _derived_en(g: Graph, parts: list[str], noun: str) -> str | None:
    """An English label made of the English labels of what a resource is about (a working
    group's theme, a committee's area), where the graph has none for the resource."""
    names = [g.labels.en(p) for p in parts]
    if not names or any(n is None for n in names):
        return None
    return " / ".join(n for n in names if n) + " " + noun


def working_group_page(g: Graph) -> Page:
    page = new_page("working-groups")
    committees: dict[str, tuple[int, str]] = {}
    for c_term, area_t, rank_t in select(
        g.store,
        """SELECT DISTINCT ?c ?area ?rank WHERE { ?c a gk:Committee .
             OPTIONAL { ?c gk:area ?area OPTIONAL { ?area gk:areaLevel|gk:administrativeLevel ?l . ?l gk:rank ?rank } } }""",
    ):
        c = lexical(c_term)
        cur = (integer(rank_t), lexical(area_t))
        if c not in committees or cur < committees[c]:
            committees[c] = cur
    wgs: dict[str, dict[str, Any]] = {}
    for wg_t, c_t, theme_t, rank_t, leader_t, lvl_t in select(
        g.store,
        """SELECT DISTINCT ?wg ?c ?theme ?rank ?leader ?lvl WHERE { ?wg a gk:WorkingGroup ; gk:committee ?c .
             OPTIONAL { ?wg gk:theme ?theme } OPTIONAL { ?wg gk:rank ?rank }
             OPTIONAL { ?wg gk:leader ?leader } OPTIONAL { ?wg gk:administrativeLevel ?lvl } }""",
    ):
        entry = wgs.setdefault(
            lexical(wg_t),
            {"c": set(), "themes": set(), "rank": 10**6, "leaders": set(), "levels": set()},
        )
        entry["c"].add(lexical(c_t))
        if theme_t is not None:
            entry["themes"].add(lexical(theme_t))
        entry["rank"] = min(entry["rank"], integer(rank_t))
        if leader_t is not None:
            entry["leaders"].add(lexical(leader_t))
        if lvl_t is not None:
            entry["levels"].add(lexical(lvl_t))
    g.labels.load(
        itertools.chain(
            committees,
            (area for _rank, area in committees.values() if area),
            *([w, *d["c"], *d["themes"], *d["levels"]] for w, d in wgs.items()),
        )
    )
    theme_rank: dict[str, int] = {}
    for t in sorted({t for w in wgs.values() for t in w["themes"]}):
        rows = select(
            g.store, "SELECT ?t ?r WHERE { ?t gk:rank ?r } ORDER BY ?r LIMIT 1", t=ox.NamedNode(t)
        )
        theme_rank[t] = integer(rows[0][1]) if rows else 10**6
    themes = sorted(theme_rank, key=lambda t: (theme_rank[t], g.labels.zh(t), t))
    row_of = {t: i for i, t in enumerate(themes)}
    for c in {c for w in wgs.values() for c in w["c"]}:
        committees.setdefault(c, (10**6, ""))
    active = sorted(
        (c for c in committees if any(c in w["c"] for w in wgs.values())),
        key=lambda c: (committees[c][0], g.labels.zh(c), c),
    )
    idle = sorted(
        (c for c in committees if c not in active),
        key=lambda c: (committees[c][0], g.labels.zh(c), c),
    )
    ordered = active + idle
    half = (len(ordered) + 1) // 2
    row_h = 80.0
    # Two committees face each other across the themes; more become the columns of a
    # matrix (themes as rows) whose edges show for the selected node only, since drawn
    # lines would cross the columns in between.
    matrix = len(ordered) > 2
    top = 130.0 if matrix else 0.0
    col_w = 250.0
    if matrix:
        meta = config()["pages"]["working-groups"]["matrix"]
        page.desc_zh, page.desc_en = meta["about"]["zh"], meta["about"]["en"]
        page.edge_legend = [(k, zh, en) for k, zh, en in meta["edges"]]
    for t in themes:
        page.nodes.append(
            Node(
                t,
                "Theme",
                g.labels.zh(t),
                g.labels.en(t),
                180,
                0,
                top + row_of[t] * row_h,
                [("序位", "rank", str(theme_rank[t]) if theme_rank[t] < 10**6 else "", False)],
                iri=t,
            )
        )
    home = {w: min(d["c"], key=ordered.index) for w, d in wgs.items()}  # drawn once, here
    for i, c in enumerate(ordered):
        side = -1 if i < half else 1
        j = i if i < half else i - half
        wg_x = side * (260.0 + j * 560)
        c_x = wg_x + side * 260
        if matrix:
            wg_x = c_x = 300 + i * col_w
        mine = sorted(
            (w for w, d in wgs.items() if c in d["c"]),
            key=lambda w: (
                min((row_of[t] for t in wgs[w]["themes"]), default=len(themes)),
                wgs[w]["rank"],
                w,
            ),
        )
        used: set[float] = set()
        ys = []
        for w in mine:
            d = wgs[w]
            if home[w] != c:
                page.edges.append(Edge(c, w, "faint" if matrix else "tree", on_select=matrix))
                continue
            y = top + min((row_of[t] for t in d["themes"]), default=len(themes)) * row_h
            while y in used:
                y += row_h / 2
            used.add(y)
            ys.append(y)
            info: Info = []
            if d["leaders"]:
                info.append(("组长", "leader", "、".join(sorted(d["leaders"])), False))
            if d["levels"]:
                info.append(
                    (
                        "行政层级",
                        "level",
                        "、".join(g.labels.zh(lv) for lv in sorted(d["levels"])),
                        False,
                    )
                )
            if d["rank"] < 10**6:
                info.append(("列举顺序", "order written", str(d["rank"]), False))
            info.extend(g.sources(w))
            page.nodes.append(
                Node(
                    w,
                    "WorkingGroup",
                    g.labels.zh(w),
                    g.labels.en(w) or _derived_en(g, sorted(d["themes"]), "working group"),
                    200,
                    wg_x,
                    y,
                    info,
                    iri=w,
                    search=" ".join(sorted(d["leaders"])),
                )
            )
            kind = "faint" if matrix else "tree"
            page.edges.append(Edge(c, w, kind, curve=not matrix, on_select=matrix))
            for t in sorted(d["themes"], key=lambda t: row_of[t]):
                page.edges.append(Edge(w, t, kind, curve=True, on_select=matrix))
        if c in active:
            covered = {t for w in mine for t in wgs[w]["themes"]}
            for t in themes:
                if t in covered:
                    continue
                key = f"missing|{c}|{t}"
                y = top + row_of[t] * row_h
                while y in used:
                    y += row_h / 2
                used.add(y)
                page.nodes.append(
                    Node(
                        key,
                        "Missing",
                        f"未设{g.labels.zh(t)}组",
                        f"no {g.labels.en(t) or g.labels.zh(t)} group",
                        200,
                        wg_x,
                        y,
                        [
                            ("委员会", "committee", g.labels.zh(c), False),
                            ("说明", "note", "该委员会下没有以此为主题的专项工作组", False),
                        ],
                    )
                )
                page.edges.append(
                    Edge(key, t, "missing", arrow=False, curve=True, on_select=matrix)
                )
        area = committees[c][1]
        cinfo: Info = []
        if area:
            cinfo.append(("所涉区域", "area", g.labels.zh(area), False))
        cinfo.append(("专项工作组", "working groups", str(len(mine)), False))
        for o in sorted(g.obs.values(), key=lambda o: (o.doc, o.start)):
            if area and o.area == area and g.labels.zh(o.measure) == "专项工作组":
                cinfo.append(
                    ("报道数量", "reported", fmt_value(o.value, o.unit, o.qualifier), False)
                )
                cinfo.append(("来源", "source", g.doc_label(o.doc), False))
                cinfo.append(("原文", "quote", o.quote, True))
        cinfo.extend(g.sources(c))
        cy = 0.0 if matrix else (sum(ys) / len(ys) if ys else 0.0)
        page.nodes.append(
            Node(
                c,
                "Committee",
                g.labels.zh(c),
                g.labels.en(c) or _derived_en(g, [area] if area else [], "governance committee"),
                200,
                c_x,
                cy,
                cinfo,
                iri=c,
            )
        )
    return page
