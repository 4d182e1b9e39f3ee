"""Explorable HTML views of a built graph: one self-contained, offline page per view under
``OUT/views/``, read from the embedded store with SPARQL and drawn with vis-network.

Every page inlines vis-network (the copy bundled with pyvis), its data as JSON and a small
script; nothing is fetched. Layouts are computed here, so the same graph always gives the
same bytes, and physics is off.

The modules, from the store to the files:

- ``config``: ``assets/views.yaml`` (groups and colours, limits, titles of views and pages)
- ``records``: reading the store (labels, documents, quotes, statistics, roster units)
- ``model``: the page model (nodes, edges, pages, views)
- ``text`` and ``layout``: label text and positions, pure functions
- ``pages``: one module per view, records → pages
- ``render``: pages → HTML
- ``write``: every view of a store, written to ``OUT/views/`` (``python -m govkg.graph.views OUT``)
"""

from __future__ import annotations

from govkg.graph.views.config import config
from govkg.graph.views.model import Edge, Node, Page, View
from govkg.graph.views.records import Graph, Labels, Obs, Units
from govkg.graph.views.render import baseline_page, render_index, render_page
from govkg.graph.views.text import COUNT_SCOPE_TEXT
from govkg.graph.views.write import build_views, main, write_views

__all__ = [
    "COUNT_SCOPE_TEXT",
    "Edge",
    "Graph",
    "Labels",
    "Node",
    "Obs",
    "Page",
    "Units",
    "View",
    "baseline_page",
    "build_views",
    "config",
    "main",
    "render_index",
    "render_page",
    "write_views",
]
