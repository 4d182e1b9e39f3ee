"""View 4, responsibility systems (包保): each system as a ladder of cadre ranks and the
levels they cover."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

from govkg.graph.views.model import Edge, Info, Node, Page, new_page
from govkg.graph.views.records import Graph, Term, integer, lexical, select


def baobao_page(g: Graph) -> Page:
    page = new_page("baobao")
    systems: dict[str, dict[str, Any]] = {}

    def system(sys_: Term | None) -> dict[str, Any]:
        return systems.setdefault(
            lexical(sys_), {"areas": set(), "tiers": {}, "roster": defaultdict(int)}
        )

    for sys_t, area_t in select(
        g.store,
        """SELECT DISTINCT ?sys ?area WHERE { ?sys a gk:ResponsibilitySystem . OPTIONAL { ?sys gk:area ?area } }""",
    ):
        d = system(sys_t)
        if area_t is not None:
            d["areas"].add(lexical(area_t))
    assignment = """{ SELECT ?ra WHERE { ?ra a gk:ResponsibilityAssignment } }
        { SELECT ?ra ?sys WHERE { ?ra gk:partOf ?sys } }
        { SELECT ?ra ?cr WHERE { ?ra gk:cadreRank ?cr } }
        OPTIONAL { SELECT ?ra ?rank WHERE { ?ra gk:rank ?rank } }
        OPTIONAL { SELECT ?ra ?cl WHERE { ?ra gk:coveredLevel ?cl } }"""
    # assignments of a named cadre (rosters) are counted per cadre rank, in the store
    for sys_t, cr_t, n in select(
        g.store,
        f"""SELECT ?sys ?cr (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?ra ?sys ?rank ?cr ?cl ?cadre WHERE {{
              {assignment} {{ SELECT ?ra ?cadre WHERE {{ ?ra gk:cadre ?cadre }} }} }} }}
            }} GROUP BY ?sys ?cr""",
    ):
        system(sys_t)["roster"][lexical(cr_t)] += integer(n, 0)
    # the tiers of the systems the reports describe
    for ra_t, sys_t, rank_t, cr_t, cl_t in select(
        g.store,
        f"""SELECT DISTINCT ?ra ?sys ?rank ?cr ?cl WHERE {{ {assignment}
              MINUS {{ SELECT ?ra WHERE {{ ?ra gk:cadre ?cadre }} }} }}""",
    ):
        d = system(sys_t)
        if cl_t is not None:
            d["tiers"].setdefault((lexical(cr_t), lexical(cl_t)), []).append(
                (integer(rank_t), lexical(ra_t))
            )
    concept_rank: dict[str, int] = {}
    for c_term, r in select(
        g.store,
        """SELECT DISTINCT ?c ?r WHERE { { SELECT DISTINCT ?c WHERE {
             { SELECT ?ra WHERE { ?ra a gk:ResponsibilityAssignment } }
             { SELECT ?ra ?c WHERE { { ?ra gk:cadreRank ?c } UNION { ?ra gk:coveredLevel ?c } } } } }
             ?c gk:rank ?r }""",
    ):
        c = lexical(c_term)
        concept_rank[c] = min(concept_rank.get(c, 10**6), integer(r))
    order = sorted(systems, key=lambda s: (-len(systems[s]["tiers"]), g.labels.zh(s), s))
    row_h, gap = 100.0, 760.0
    for i, sys_ in enumerate(order):
        d = systems[sys_]
        base = i * gap
        tiers = d["tiers"]
        # ranks and levels a report names that the vocabulary lacks have no rank of their
        # own: then the whole ladder follows the system's tiers, one rung a tier
        by_tier: dict[str, int] = {}
        for (cr, cl), found in tiers.items():
            first = min(r for r, _ra in found)
            for c in (cr, cl):
                by_tier[c] = min(by_tier.get(c, first), first)
        concepts = {cr for cr, _cl in tiers} | {cl for _cr, cl in tiers}
        ranks = concept_rank if concepts <= concept_rank.keys() else by_tier
        cadres = sorted(
            {cr for cr, _cl in tiers} | set(d["roster"]),
            key=lambda c: (ranks.get(c, 10**6), c),
        )
        levels = sorted({cl for _cr, cl in tiers}, key=lambda c: (ranks.get(c, 10**6), c))

        def row(c: str, fallback: int, ranks: dict[str, int] = ranks) -> float:
            r = ranks.get(c)
            return (r if r is not None else fallback) * row_h

        info: Info = [("层数", "tiers", str(len(tiers)), False)]
        for a in sorted(d["areas"]):
            info.append(("所涉区域", "area", g.labels.zh(a), False))
        info.extend(g.sources(sys_))
        page.nodes.append(
            Node(
                sys_,
                "ResponsibilitySystem",
                g.labels.zh(sys_),
                g.labels.en(sys_),
                200,
                base + 150,
                0,
                info,
                iri=sys_,
            )
        )
        for k, c in enumerate(cadres):
            cinfo: Info = [("包保责任制", "system", g.labels.zh(sys_), False)]
            if d["roster"].get(c):
                cinfo.append(("名册包保关系", "roster assignments", str(d["roster"][c]), False))
            page.nodes.append(
                Node(
                    f"{sys_}|{c}",
                    "CadreRank",
                    g.labels.zh(c),
                    g.labels.en(c),
                    160,
                    base,
                    row(c, len(cadres) + k + 1),
                    cinfo,
                    iri=c,
                )
            )
        for k, c in enumerate(levels):
            page.nodes.append(
                Node(
                    f"{sys_}|{c}",
                    "CoveredLevel",
                    g.labels.zh(c),
                    g.labels.en(c),
                    160,
                    base + 300,
                    row(c, len(levels) + k + 1),
                    [("包保责任制", "system", g.labels.zh(sys_), False)],
                    iri=c,
                )
            )
        if cadres:
            page.edges.append(Edge(sys_, f"{sys_}|{cadres[0]}", "tree"))
        for a, b in itertools.pairwise(cadres):
            page.edges.append(Edge(f"{sys_}|{a}", f"{sys_}|{b}", "rail", arrow=False))
        for a, b in itertools.pairwise(levels):
            page.edges.append(Edge(f"{sys_}|{a}", f"{sys_}|{b}", "rail", arrow=False))
        for (cr, cl), found in sorted(tiers.items(), key=lambda kv: (min(kv[1]), kv[0])):
            einfo: Info = [
                ("层次", "tier", "、".join(str(r) for r, _ in sorted(found) if r < 10**6), False)
            ]
            for _r, ra in sorted(found):
                einfo.extend(g.sources(ra))
            page.edges.append(Edge(f"{sys_}|{cr}", f"{sys_}|{cl}", "rung", "包", "covers", einfo))
    return page
