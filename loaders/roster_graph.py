"""A networkx projection of a roster's unit tree, for structural checks the row-by-row
validation cannot see at a glance: depth, branching per level, and orphans.

>>> g = unit_tree([("s", "", "街道党工委"), ("c", "s", "社区党组织"), ("x", "gone", "网格党支部")])
>>> checks = tree_checks(g)
>>> checks["max_depth"], checks["orphans"], checks["roots"]
(2, ['x'], 1)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from statistics import mean
from typing import Any

import networkx as nx

#: Node attribute holding a unit's kind (its code in the units mapping).
KIND = "kind"
ROOT_KINDS = frozenset({"街道党工委"})


def unit_tree(units: Iterable[tuple[str, str, str]]) -> nx.DiGraph:
    """A directed graph parent → child of ``(id, parent id, kind)`` records; a parent id
    that is not itself a unit becomes a node without a kind."""
    g: nx.DiGraph = nx.DiGraph()
    nodes = []
    edges = []
    for key, parent, kind in units:
        nodes.append((key, {KIND: kind}))
        if parent:
            edges.append((parent, key))
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    return g


def tree_checks(g: nx.DiGraph, root_kinds: frozenset[str] = ROOT_KINDS) -> dict[str, Any]:
    """Depth, branching per kind, roots, orphans (units whose parent is missing, or that
    have none but are not of a root kind) and whether the projection is a forest."""
    kinds = nx.get_node_attributes(g, KIND)
    indeg = dict(g.in_degree())
    outdeg = dict(g.out_degree())
    missing = [n for n in g if n not in kinds]
    orphans = sorted(
        {c for m in missing for c in g.successors(m)}
        | {n for n, k in kinds.items() if indeg[n] == 0 and k not in root_kinds}
    )
    roots = [n for n, k in kinds.items() if indeg[n] == 0 and k in root_kinds]
    depth: dict[str, int] = {}
    for r in roots:
        depth.update(nx.single_source_shortest_path_length(g, r))
    by_depth: dict[str, Counter[int]] = defaultdict(Counter)
    for n, d in depth.items():
        by_depth[kinds.get(n, "?")][d + 1] += 1
    branching: dict[str, dict[str, float]] = {}
    children: dict[str, list[int]] = defaultdict(list)
    for n, k in kinds.items():
        children[k].append(outdeg[n])
    for k, degrees in sorted(children.items()):
        branching[k] = {
            "units": len(degrees),
            "min": min(degrees),
            "mean": round(mean(degrees), 3),
            "max": max(degrees),
        }
    # a forest: no node has two parents and there is no cycle (edges = nodes - components)
    forest = all(d <= 1 for d in indeg.values()) and nx.is_directed_acyclic_graph(g)
    return {
        "units": len(kinds),
        "roots": len(roots),
        "max_depth": max(depth.values()) + 1 if depth else 0,
        "depth_by_kind": {k: dict(sorted(v.items())) for k, v in sorted(by_depth.items())},
        "branching": branching,
        "orphans": orphans[:50],
        "orphan_count": len(orphans),
        "is_forest": forest,
    }
