"""The page model every view page is drawn from: nodes with their positions and details,
edges, pages and views. Pages are built by ``govkg.graph.views.pages`` and turned into HTML
by ``govkg.graph.views.render``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govkg.graph.views.config import config

Info = list[tuple[str, str, str, bool]]  # (key in Chinese, key in English, value, is a quote)


@dataclass
class Node:
    key: str
    group: str
    zh: str
    en: str | None = None
    width: int = 160
    x: float = 0.0
    y: float = 0.0
    info: Info = field(default_factory=list)
    href: str | None = None
    search: str = ""
    border: float | None = None
    iri: str | None = None
    wrap: int | None = None  # characters per line; None: from the width


@dataclass
class Edge:
    source: str
    target: str
    kind: str = "tree"
    zh: str | None = None
    en: str | None = None
    info: Info = field(default_factory=list)
    arrow: bool = True
    curve: bool = False  # leave and enter horizontally (edges of left-to-right trees)
    on_select: bool = False  # drawn only while one of its ends is selected


@dataclass
class Page:
    file: str
    title_zh: str
    title_en: str
    desc_zh: str
    desc_en: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    edge_legend: list[tuple[str, str, str]] = field(default_factory=list)
    up: tuple[str, str, str] | None = None  # (file, zh, en) of the page above this one

    def summary(self) -> dict[str, Any]:
        return {
            "file": f"views/{self.file}",
            "title": self.title_zh,
            "title_en": self.title_en,
            "nodes": len(self.nodes),
            "edges": len(self.edges),
        }


@dataclass
class View:
    key: str
    title_zh: str
    title_en: str
    desc_zh: str
    desc_en: str
    pages: list[Page]


def new_page(kind: str, **fill: object) -> Page:
    """An empty page of a kind that ``pages`` in views.yaml describes: its file, title,
    description, edge legend and the page above it, ``{name}`` in the file and the title
    filled in from ``fill``."""
    meta = config()["pages"][kind]
    up = meta.get("up")
    return Page(
        meta["file"].format(**fill),
        meta["title"]["zh"].format(**fill),
        meta["title"]["en"].format(**fill),
        meta["about"]["zh"],
        meta["about"]["en"],
        edge_legend=[(k, zh, en) for k, zh, en in meta.get("edges", [])],
        up=(up["file"], up["zh"], up["en"]) if up else None,
    )


def new_view(key: str, pages: list[Page]) -> View:
    """A view that ``views`` in views.yaml describes, made of these pages."""
    (meta,) = [v for v in config()["views"] if v["key"] == key]
    title, about = meta["title"], meta["about"]
    return View(key, title["zh"], title["en"], about["zh"], about["en"], pages)
