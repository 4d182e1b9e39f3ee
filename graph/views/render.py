"""Rendering: the HTML of a view page (its data as JSON, vis-network and the page script
inlined, a content security policy that allows only those scripts) and of the index.
Texts from documents and rosters reach the browser only as JSON data that the page script
puts in with ``textContent`` or draws on the canvas."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import defaultdict
from functools import cache
from typing import Any

from govkg.graph.views.config import asset_text, config, vis_network_css, vis_network_js
from govkg.graph.views.layout import make_room, prepare_labels
from govkg.graph.views.model import Node, Page, View
from govkg.graph.views.records import Graph


@cache  # the same two scripts on every page
def _script_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def json_for_html(data: Any) -> str:
    """JSON that cannot end the <script> element holding it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _t(zh: str, en: str, tag: str = "span", attrs: str = "") -> str:
    """An element whose text the language toggle switches; both texts escaped."""
    e = html.escape
    return f'<{tag}{attrs} data-zh="{e(zh)}" data-en="{e(en)}">{e(zh)}</{tag}>'


def _head(title: str, scripts: list[str]) -> str:
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_script_hash(s) for s in scripts) or chr(39) + 'none' + chr(39)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
    )


def _nav(views: list[View], current: Page, view: View) -> str:
    e = html.escape
    parts = ['<a href="index.html">' + _t("目录", "Index") + "</a>"]
    for v in views:
        main = v.pages[0]
        cls = ' class="gk-here"' if v is view else ""
        parts.append(f'<a href="{e(main.file)}"{cls}>{_t(v.title_zh, v.title_en)}</a>')
    if current.up:
        f, zh, en = current.up
        parts.append(f'<a href="{e(f)}">↑ {_t(zh, en)}</a>')
    return "<nav>" + "".join(parts) + "</nav>"


def page_data(g: Graph | None, page: Page) -> dict[str, Any]:
    groups_cfg = config()["groups"]
    # a resource that two rules both draw appears once; edges to nothing are dropped
    unique: dict[str, Node] = {}
    for n in page.nodes:
        unique.setdefault(n.key, n)
    if len(unique) != len(page.nodes):
        page.nodes = list(unique.values())
    page.edges = [e for e in page.edges if e.source in unique and e.target in unique]
    ids = {n.key: f"n{i}" for i, n in enumerate(page.nodes)}
    used: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    nodes = []
    full = [prepare_labels(n) for n in page.nodes]
    make_room(page.nodes)
    for n, (full_zh, full_en) in zip(page.nodes, full, strict=True):
        if n.group not in used:
            used.append(n.group)
        counts[n.group] += 1
        item: dict[str, Any] = {
            "id": ids[n.key],
            "g": n.group,
            "x": round(n.x, 1),
            "y": round(n.y, 1),
            "w": n.width,
            "zh": n.zh,
            "en": n.en,
        }
        if full_zh != n.zh:
            item["tz"] = full_zh  # the label as written, for the tooltip and search
        if full_en and full_en != n.en:
            item["te"] = full_en
        if n.info:
            item["i"] = [[k, ke, v, 1] if q else [k, ke, v] for k, ke, v, q in n.info if v != ""]
        if n.href:
            item["h"] = n.href
        if n.search:
            item["s"] = n.search
        if n.border:
            item["b"] = n.border
        if n.iri:
            item["iri"] = n.iri
        nodes.append(item)
    edges = []
    for i, ed in enumerate(page.edges):
        item = {"id": f"e{i}", "f": ids[ed.source], "t": ids[ed.target], "k": ed.kind}
        if ed.zh:
            item["zh"] = ed.zh
            item["en"] = ed.en
        if ed.info:
            item["i"] = [[k, ke, v, 1] if q else [k, ke, v] for k, ke, v, q in ed.info if v != ""]
        if not ed.arrow:
            item["a"] = 0
        if ed.curve:
            item["c"] = 1
        if ed.on_select:
            item["sel"] = 1
        edges.append(item)
    legend_order = list(groups_cfg)
    legend = sorted(used, key=legend_order.index)
    groups = {}
    for name in legend:
        style = dict(groups_cfg[name])
        assert g is not None  # a page with nodes comes from a graph
        zh, en = g.group_names(name)
        style["zh"], style["en"] = zh, en
        groups[name] = style
    return {
        "page": {
            "file": page.file,
            "legend": legend,
            "group_counts": dict(sorted(counts.items())),
            "edge_legend": [list(t) for t in page.edge_legend],
        },
        "groups": groups,
        "nodes": nodes,
        "edges": edges,
    }


def render_page(g: Graph | None, page: Page, view: View, views: list[View]) -> str:
    """The complete HTML of one view page."""
    data = page_data(g, page)
    vis_js, own_js = vis_network_js(), asset_text("views.js")
    counts_zh = f"{len(page.nodes)} 个节点 · {len(page.edges)} 条边"
    counts_en = f"{len(page.nodes)} nodes · {len(page.edges)} edges"
    body = [
        _head(f"{page.title_zh} · govkg", [vis_js, own_js]),
        "<style>\n" + vis_network_css() + "\n</style>\n",
        "<style>\n" + asset_text("views.css") + "</style>\n",
        "</head>\n<body>\n<header>\n",
        _t(page.title_zh, page.title_en, "h1") + "\n",
        _t(counts_zh, counts_en, "span", ' class="gk-sub"') + "\n",
        _nav(views, page, view) + "\n",
        '<div class="gk-controls">\n',
        '<input id="q" type="search" autocomplete="off" placeholder="搜索节点…" '
        'data-ph-zh="搜索节点…" data-ph-en="Search nodes…" aria-label="search">\n',
        '<span id="hits"></span>\n',
        '<label><input id="only" type="checkbox"> '
        + _t("仅显示匹配", "only matches")
        + "</label>\n",
        '<button id="home" type="button">' + _t("复位", "Reset view") + "</button>\n",
        '<button id="lang" type="button">English</button>\n',
        "</div>\n</header>\n<main>\n",
        '<div id="network"></div>\n<aside>\n',
        _t(page.desc_zh, page.desc_en, "p", ' class="gk-desc"') + "\n",
        _t("图例 · 筛选", "Legend · filter", "h2") + "\n",
        '<div id="legend"></div>\n',
        _t("详情", "Details", "h2") + "\n",
        '<div id="details" data-empty="点击节点查看详情" data-empty-zh="点击节点查看详情" '
        'data-empty-en="Click a node for its details"></div>\n',
        "</aside>\n</main>\n",
        '<script type="application/json" id="govkg-data">' + json_for_html(data) + "</script>\n",
        "<script>" + vis_js + "</script>\n",
        "<script>" + own_js + "</script>\n",
        "</body>\n</html>\n",
    ]
    return "".join(body)


def baseline_page() -> str:
    """The page template with an empty network: what the benchmarks measure views against
    (parsing vis-network and drawing nothing)."""
    page = Page("baseline.html", "空白", "Empty", "", "")
    view = View("baseline", "空白", "Empty", "", "", [page])
    return render_page(None, page, view, [view])


def render_index(views: list[View]) -> str:
    e = html.escape
    out = [
        _head("govkg · 视图目录 / views", []),
        "<style>\n" + asset_text("views.css") + "</style>\n</head>\n<body>\n",
        '<div class="gk-index">\n<h1>govkg · 党建引领基层治理知识图谱 · 视图</h1>\n',
        "<p>Explorable views of the govkg knowledge graph. 每个页面独立可离线打开；"
        "悬停查看出处与原文，右上角切换英文。 Every page works offline; hover for sources, "
        "switch to English at the top right.</p>\n",
        '<div class="gk-cards">\n',
    ]
    for v in views:
        main = v.pages[0]
        out.append('<div class="gk-card">\n')
        out.append(f'<h2><a href="{e(main.file)}">{e(v.title_zh)}</a></h2>\n')
        out.append(f'<div class="gk-en">{e(v.title_en)}</div>\n')
        out.append(f"<p>{e(v.desc_zh)}</p>\n<p>{e(v.desc_en)}</p>\n")
        out.append(
            f'<div class="gk-counts">{len(main.nodes)} nodes · {len(main.edges)} edges</div>\n'
        )
        if len(v.pages) > 1:
            out.append(
                f"<details><summary>{len(v.pages) - 1} 个下级页面 / more pages</summary><ul>\n"
            )
            for p in v.pages[1:]:
                out.append(
                    f'<li><a href="{e(p.file)}">{e(p.title_zh)}</a> '
                    f"<small>({len(p.nodes)} / {len(p.edges)})</small></li>\n"
                )
            out.append("</ul></details>\n")
        out.append("</div>\n")
    out.append("</div>\n</div>\n</body>\n</html>\n")
    return "".join(out)
