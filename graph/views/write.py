"""Every view of a built graph, computed from its store and written to ``OUT/views/``:
the store is read once, the big roster reads run in threads beside the drawing of the other
pages, and each page is rendered to its own file."""

from __future__ import annotations

import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.graph.views.config import config
from govkg.graph.views.model import View, new_view
from govkg.graph.views.pages import (
    alliances,
    baobao,
    mechanisms,
    org_chain,
    sources,
    working_groups,
)
from govkg.graph.views.records import ROSTER_DRAWN, Graph, alliance_rows, read_graph, unit_rows
from govkg.graph.views.render import render_index, render_page


def build_views(store: ox.Store) -> tuple[Graph, list[View]]:
    """Every view and its pages, computed from a store (nothing written); the views in the
    order and with the texts views.yaml gives them."""
    g = read_graph(store)
    # The big reads of the roster pages run in threads, beside each other and beside the
    # drawing of the other pages: Oxigraph lets go of the GIL while it evaluates. They only
    # read the store; labels change in this thread alone.
    with ThreadPoolExecutor(max_workers=3) as pool:
        roster_labels = pool.submit(g.labels.fetch, ROSTER_DRAWN)
        units_read = pool.submit(unit_rows, g)
        alliances_read = pool.submit(alliance_rows, g)
        pages = {
            "working-groups": [working_groups.working_group_page(g)],
            "baobao": [baobao.baobao_page(g)],
            "mechanisms": [mechanisms.mechanism_page(g)],
            "sources": [sources.sources_page(g)],
        }
        g.labels.take(roster_labels.result())
        units = units_read.result()
        streets = org_chain.unit_pages(g, units) if units.rows else []
        pages["org-chain"] = [org_chain.chain_page(g, units, bool(streets)), *streets]
        pages["alliances"] = alliances.alliance_pages(g, alliances_read.result())
    return g, [new_view(v["key"], pages[v["key"]]) for v in config()["views"]]


def write_views(out_dir: Path) -> dict[str, Any]:
    """Write ``out_dir/views/`` from the store in ``out_dir/store``; return a summary (per
    view: its file, node and edge counts, and its further pages)."""
    out_dir = Path(out_dir)
    store = ox.Store.read_only(str(out_dir / "store"))
    try:
        g, views = build_views(store)
        target = out_dir / "views"
        if target.exists():
            shutil.rmtree(target)  # the folder is the views' own; stale pages must go
        target.mkdir(parents=True)
        summary: dict[str, Any] = {"index": "views/index.html", "views": []}
        for v in views:
            for p in v.pages:
                (target / p.file).write_text(render_page(g, p, v, views), encoding="utf-8")
            main = v.pages[0]
            entry: dict[str, Any] = {"id": v.key, **main.summary()}
            if len(v.pages) > 1:
                entry["pages"] = [p.summary() for p in v.pages[1:]]
            summary["views"].append(entry)
        (target / "index.html").write_text(render_index(views), encoding="utf-8")
    finally:
        del store
    return summary


def main(argv: list[str] | None = None) -> int:
    """``python -m govkg.graph.views OUT``: rewrite the views of a built output folder."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "out")
    summary = write_views(out)
    for v in summary["views"]:
        extra = f" (+{len(v.get('pages', []))} pages)" if v.get("pages") else ""
        print(f"{v['file']}: {v['nodes']} nodes, {v['edges']} edges{extra}")
    return 0
