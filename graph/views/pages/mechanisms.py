"""View 5, working mechanisms: each mechanism's steps in order, the same step kind in
different mechanisms joined through one dot."""

from __future__ import annotations

import itertools
from collections import defaultdict

from govkg.graph.views.layout import spread_out
from govkg.graph.views.model import Edge, Info, Node, Page, new_page
from govkg.graph.views.records import Graph, integer, lexical, select


def mechanism_page(g: Graph) -> Page:
    page = new_page("mechanisms")
    steps: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for m_t, s_t, rank_t, kind_t in select(
        g.store,
        """SELECT DISTINCT ?m ?s ?rank ?kind WHERE { ?m a gk:Mechanism ; gk:hasStep ?s .
             OPTIONAL { ?s gk:rank ?rank } OPTIONAL { ?s gk:stepKind ?kind } }""",
    ):
        steps[lexical(m_t)].append((integer(rank_t), lexical(s_t), lexical(kind_t)))
    g.labels.load(
        itertools.chain(steps, *([s, kind] for found in steps.values() for _r, s, kind in found))
    )
    flows: dict[str, list[tuple[str, str]]] = {}
    for m, found in steps.items():
        best: dict[str, tuple[int, str]] = {}
        for rank, s, kind in sorted(found):
            best.setdefault(s, (rank, kind))
        flows[m] = [
            (s, best[s][1]) for s in sorted(best, key=lambda s: (best[s][0], g.labels.zh(s), s))
        ]
    users: dict[str, set[str]] = defaultdict(set)
    for m, flow in flows.items():
        for _step, kind in flow:
            if kind:
                users[kind].add(m)
    shared = {k for k, ms in users.items() if len(ms) > 1}
    # mechanisms that share a step are put next to each other (connected components)
    parent = {m: m for m in flows}

    def find(m: str) -> str:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for k in sorted(shared):
        ms = sorted(users[k])
        for other in ms[1:]:
            ra, rb = find(ms[0]), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    comps: dict[str, list[str]] = defaultdict(list)
    for m in flows:
        comps[find(m)].append(m)
    ordered_comps = sorted(
        (sorted(c, key=lambda m: (g.labels.zh(m), m)) for c in comps.values()),
        key=lambda c: (-len(c), g.labels.zh(c[0]), c[0]),
    )
    row_h, lane_h, step_dx, x0 = 78.0, 70.0, 180.0, 250.0
    row_y: dict[str, float] = {}
    hubs_after: dict[str, list[str]] = defaultdict(list)  # hub lane below a mechanism's row
    y = 0.0
    for comp in ordered_comps:
        index = {m: i for i, m in enumerate(comp)}
        for k in sorted(shared):
            ms = [m for m in comp if m in users[k]]
            if ms:
                first = min(ms, key=lambda m: index[m])
                lane = first if index[first] < len(comp) - 1 else comp[index[first] - 1]
                hubs_after[lane].append(k)
        for m in comp:
            row_y[m] = y
            y += row_h + (lane_h if hubs_after.get(m) else 0)
        y += 24
    step_pos: dict[str, tuple[float, float]] = {}
    for m in sorted(flows, key=lambda m: row_y[m]):
        flow = flows[m]
        info: Info = [("步骤数", "steps", str(len(flow)), False)]
        info.extend(g.sources(m))
        page.nodes.append(
            Node(
                m,
                "Mechanism",
                g.labels.zh(m),
                g.labels.en(m),
                200,
                0,
                row_y[m],
                info,
                iri=m,
                search=" ".join(g.labels.zh(s) for s, _k in flow),
            )
        )
        prev = m
        for i, (s, kind) in enumerate(flow):
            x = x0 + i * step_dx
            step_pos[s] = (x, row_y[m])
            sinfo: Info = [
                ("所属机制", "mechanism", g.labels.zh(m), False),
                ("序位", "order", str(i + 1), False),
            ]
            if kind in shared:
                others = sorted(g.labels.zh(o) for o in users[kind] if o != m)
                sinfo.append(("亦见于", "also in", "、".join(others), False))
            sinfo.extend(g.sources(s))
            page.nodes.append(
                Node(s, "Step", g.labels.zh(s), g.labels.en(s), 160, x, row_y[m], sinfo, iri=s)
            )
            page.edges.append(Edge(prev, s, "flow"))
            prev = s
    for lane, kinds in sorted(hubs_after.items(), key=lambda kv: row_y[kv[0]]):
        placed: list[tuple[float, str]] = []
        for k in kinds:
            xs = [step_pos[s][0] for m in sorted(users[k]) for s, kk in flows[m] if kk == k]
            placed.append((sum(xs) / len(xs), k))
        placed.sort()
        xs_spread = spread_out([x for x, _k in placed], 130)
        for (_x, k), x in zip(placed, xs_spread, strict=True):
            names = sorted(g.labels.zh(m) for m in users[k])
            page.nodes.append(
                Node(
                    k,
                    "StepKind",
                    g.labels.zh(k),
                    g.labels.en(k),
                    110,
                    x,
                    row_y[lane] + (row_h + lane_h) / 2 - 8,
                    [("出现于", "appears in", "、".join(names), False)],
                    iri=k,
                )
            )
    for m in sorted(flows, key=lambda m: row_y[m]):
        for s, kind in flows[m]:
            if kind in shared:
                page.edges.append(Edge(s, kind, "shared", arrow=False))
    return page
