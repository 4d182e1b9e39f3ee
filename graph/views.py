"""Explorable HTML views of a built graph: one self-contained, offline page per view under
``OUT/views/``, read from the embedded store with SPARQL and drawn with vis-network.

Every page inlines vis-network (the copy bundled with pyvis), its data as JSON and a small
script; nothing is fetched. Layouts are computed here, so the same graph always gives the
same bytes, and physics is off. Texts from documents and rosters reach the browser only as
JSON data that the page script puts in with ``textContent`` or draws on the canvas.

>>> _wrap("街道党工委", 4)
'街道党\\n工委'
>>> _fmt_value("68", "个", "exact")
'68个'
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import itertools
import json
import math
import re
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from govkg.graph.sparql import prefix_header
from govkg.ontology import GK, GKD, RDFS, SKOS

ORG_CHAIN = GKD + "scheme/org-chain"
LEAD_ROLE = "牵头"
FONT_PX = 16
BOX_PAD = 22  # vis box margin (8 each side), the border and some air
LINE_PX = 24  # a line of text and the spacer the page script puts between lines
BOX_EXTRA = 16  # a drawn box is LINE_PX per line plus this (margins and border)
BOX_GAP = 8  # least room between two boxes one above the other, once labels are wrapped
MAX_LINES = 12  # labels are wrapped, never cut, up to this many lines
STREET_DEPTH = 4  # street pages go down to this level of the chain (building party groups)

# --------------------------------------------------------------------------------------
# configuration and bundled assets


@cache
def config() -> dict[str, Any]:
    """The view configuration (groups and colours, chain measures, page limits)."""
    text = resources.files("govkg.graph").joinpath("assets/views.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _asset(name: str) -> str:
    return resources.files("govkg.graph").joinpath("assets", name).read_text("utf-8")


def _vis_file(name: str) -> str:
    """A file of the vis-network copy bundled with pyvis, found without importing pyvis
    (which imports IPython: most of a second)."""
    spec = importlib.util.find_spec("pyvis")
    assert spec is not None and spec.submodule_search_locations is not None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "lib" / "vis-9.1.2" / name).read_text("utf-8")


@cache
def _vis_js() -> str:
    return _vis_file("vis-network.min.js")


@cache
def _vis_css() -> str:
    """vis-network's stylesheet without the rules that embed button images (the views turn
    navigation and manipulation buttons off): 13 kB instead of 220 kB per page."""
    css = _vis_file("vis-network.css")
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    return "\n".join(r.strip() for r in rules if "url(" not in r)


# --------------------------------------------------------------------------------------
# the page model


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


# --------------------------------------------------------------------------------------
# reading the store


Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[Term | None, ...]


def _select(store: ox.Store, query: str, **bindings: Term) -> list[Row]:
    """Run a SELECT over the union of all graphs; values go in as bindings (of selected
    variables). A row holds the selected values in the order the query selects them.

    Oxigraph joins a triple pattern to the solutions found before it by looking each one up
    (tens of microseconds a look-up in a province-scale store) but evaluates a sub-select on
    its own and hash-joins it: patterns over many resources are sub-selects. Reading a term
    out of the store costs a look-up too, so queries count and pick in the store and select
    what the pages show."""
    result = store.query(
        prefix_header() + query,
        use_default_graph_as_union=True,
        substitutions={ox.Variable(k): v for k, v in bindings.items()},
    )
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(solution) for solution in result]


def _s(term: Term | None) -> str:
    """The lexical value of a term ('' for an unbound variable)."""
    if term is None:
        return ""
    return term.value if not isinstance(term, ox.BlankNode) else str(term)


def _int(term: Term | None, default: int = 10**6) -> int:
    try:
        return int(_s(term))
    except ValueError:
        return default


def _iri(key: str) -> str | None:
    """A resource (as ``_s`` writes it) as an IRI in SPARQL text, ``<...>``; None for what
    cannot be written so: a blank node or a string that is no IRI. An IRI Oxigraph accepts
    holds none of the characters that could end ``<...>``."""
    try:
        return str(ox.NamedNode(key))
    except ValueError:
        return None


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts 第2网格 before 第10网格."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


@cache
def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/"))[-1]


LabelRow = tuple[str, Term | None, Term | None]  # resource, skos:prefLabel, rdfs:label


class Labels:
    """Chinese and English labels of resources: those of the many resources the roster
    pages draw are read in one pass over the labels of the store (``fetch``, then
    ``take``); any other resource is looked up the first time it is asked for (``load``
    for several at once)."""

    _PATTERN = "{ ?s skos:prefLabel ?pref } UNION { ?s rdfs:label ?label }"

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._zh: dict[str, str] = {}
        self._en: dict[str, str] = {}
        self._read: set[str] = set()

    def fetch(self, where: str) -> list[LabelRow]:
        """The labels of every resource that the SPARQL pattern ``where`` binds to ``?s``,
        hash-joined: one pass over the labels of the store. Only reads the store (``take``
        keeps them), so it may run beside the drawing of other pages. A resource with no
        label is looked up should it be asked for."""
        found = _select(
            self._store,
            f"""SELECT ?s ?pref ?label WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {where} }} }}
                  {{ SELECT ?s ?pref ?label WHERE {{ {self._PATTERN} }} }} }}""",
        )
        return [(_s(s), pref, label) for s, pref, label in found]

    def take(self, rows: Iterable[LabelRow]) -> None:
        """Keep labels read by a query: every (resource, prefLabel, label) row of each
        resource (the labels unbound where it has none), all in one call."""
        # Where a resource has two labels in one language, the least one wins, so the choice
        # is the same on every build (a running minimum: no sort over every label).
        zh_pref: dict[str, str] = {}
        zh: dict[str, str] = {}
        plain: dict[str, tuple[str, str]] = {}
        en: dict[str, tuple[str, str]] = {}
        for s, pref, label in rows:
            self._read.add(s)
            for p, lit in ((SKOS + "prefLabel", pref), (RDFS + "label", label)):
                if not isinstance(lit, ox.Literal):
                    continue
                lang, value = (lit.language or ""), lit.value
                if lang.startswith("zh"):
                    target = zh_pref if p == SKOS + "prefLabel" else zh
                    if s not in target or value < target[s]:
                        target[s] = value
                elif lang.startswith("en") or not lang:
                    other = en if lang else plain
                    key = (p, value)
                    if s not in other or key < other[s]:
                        other[s] = key
        self._zh.update({k: v for k, (_p, v) in plain.items()})
        self._zh.update(zh)
        self._zh.update(zh_pref)
        self._en.update({k: v for k, (_p, v) in en.items()})

    def load(self, keys: Iterable[str]) -> None:
        """Look the labels of these resources up (IRIs, or blank nodes as ``_s`` writes
        them), unless they are read already."""
        rows: list[LabelRow] = []
        todo = sorted(set(keys) - self._read)
        refs = [ref for key in todo if (ref := _iri(key))]
        if refs:
            found = _select(
                self._store,
                f"""SELECT ?s ?pref ?label WHERE {{ VALUES ?s {{ {" ".join(refs)} }}
                      OPTIONAL {{ {self._PATTERN} }} }}""",
            )
            rows.extend((_s(s), pref, label) for s, pref, label in found)
        for key in todo:
            if key.startswith("_:"):  # a blank node: looked up by itself
                found = _select(
                    self._store,
                    f"SELECT ?s ?pref ?label WHERE {{ OPTIONAL {{ {self._PATTERN} }} }}",
                    s=ox.BlankNode(key[2:]),
                )
                rows.extend((key, pref, label) for _s_, pref, label in found)
        self.take(rows)
        self._read.update(todo)  # a string that is no resource has no label

    def zh(self, iri: str) -> str:
        if iri not in self._read:
            self.load([iri])
        return self._zh.get(iri) or self._en.get(iri) or _local(iri)

    def en(self, iri: str) -> str | None:
        if iri not in self._read:
            self.load([iri])
        return self._en.get(iri)


@dataclass
class Obs:
    iri: str
    measure: str
    value: str
    unit: str
    qualifier: str
    area: str
    doc: str
    quote: str
    start: int
    value_max: str = ""
    count_scope: str = ""  # gk:countScope: "total" (all there are) or "subset"
    conflicts: set[str] = field(default_factory=set)
    conflict_rule: dict[str, str] = field(default_factory=dict)  # other → sub-property


@dataclass
class Graph:
    """What several views share: labels, document titles, quotes and statistics."""

    store: ox.Store
    labels: Labels
    doc_titles: dict[str, str]
    doc_ids: dict[str, str]
    quotes: dict[str, list[tuple[str, str, int]]]  # resource -> (doc, quote, start)
    obs: dict[str, Obs]

    def group_names(self, group: str) -> tuple[str, str]:
        style = config()["groups"][group]
        if "zh" in style:
            return style["zh"], style["en"]
        iri = GK + group
        return self.labels.zh(iri), self.labels.en(iri) or group

    def sources(self, iri: str) -> Info:
        """Rows naming each document a resource was read from, with the quoted span."""
        out: Info = []
        for doc, quote, _start in self.quotes.get(iri, []):
            out.append(("来源", "source", self.doc_label(doc), False))
            out.append(("原文", "quote", quote, True))
        return out

    def doc_label(self, doc: str) -> str:
        title = self.doc_titles.get(doc, "")
        ident = self.doc_ids.get(doc, _local(doc))
        return f"《{title}》({ident})" if title else ident


def _read_graph(store: ox.Store) -> Graph:
    labels = Labels(store)
    titles: dict[str, str] = {}
    ids: dict[str, str] = {}
    for d_term, ident, title in _select(
        store,
        """SELECT DISTINCT ?d ?id ?t WHERE { ?d a gk:SourceDocument .
           OPTIONAL { ?d gk:docId ?id } OPTIONAL { ?d dcterms:title ?t } }""",
    ):
        d = _s(d_term)
        if title is not None:
            titles[d] = min(titles.get(d, _s(title)), _s(title))
        if ident is not None:
            ids[d] = _s(ident)
    quotes: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    # from the few quoted spans to what was read from them (not from everything derived)
    for x, doc_term, quote, start in _select(
        store,
        """SELECT DISTINCT ?x ?d ?q ?start WHERE { ?sp gk:quote ?q ; gk:inDocument ?d .
           ?x prov:wasDerivedFrom ?sp . OPTIONAL { ?sp gk:start ?start } }""",
    ):
        quotes[_s(x)].append((_s(doc_term), _s(quote), _int(start, 0)))
    for key in quotes:
        quotes[key].sort(key=lambda t: (t[0], t[2], t[1]))
    obs: dict[str, Obs] = {}
    keys: dict[str, tuple[str, ...]] = {}
    for o_term, *values in _select(
        store,
        """SELECT DISTINCT ?o ?m ?v ?doc ?area ?unit ?qual ?q ?start ?vmax ?scope WHERE {
             ?o a gk:StatisticObservation ; gk:measure ?m ; gk:value ?v .
             OPTIONAL { ?o gk:valueMax ?vmax } OPTIONAL { ?o gk:unit ?unit }
             OPTIONAL { ?o gk:countScope ?scope }
             OPTIONAL { ?o gk:qualifier ?qual } OPTIONAL { ?o gk:area ?area }
             OPTIONAL { ?o gk:reportedIn ?doc }
             OPTIONAL { ?o prov:wasDerivedFrom ?sp . ?sp gk:quote ?q . OPTIONAL { ?sp gk:start ?start } }
           }""",
    ):
        o = _s(o_term)
        fields = tuple(_s(v) for v in values)
        if o in obs and fields >= keys[o]:
            continue  # the model allows one of each; should a source give two, keep the least
        keys[o] = fields
        m, v, doc, area, unit, qual, q, _start, vmax, scope = fields
        obs[o] = Obs(o, m, v, unit, qual, area, doc, q, _int(values[7], 0), vmax, scope)
    labels.load(itertools.chain(*((o.measure, o.area) for o in obs.values())))
    # the sub-property of gk:conflictsWith says by which rule the two were linked
    for a_term, b_term, rule in _select(
        store,
        """SELECT DISTINCT ?a ?b ?p WHERE { ?a gk:conflictsWith ?b .
           OPTIONAL { ?a ?p ?b . ?p rdfs:subPropertyOf gk:conflictsWith } }""",
    ):
        a, b = _s(a_term), _s(b_term)
        if a in obs and b in obs and a != b:
            obs[a].conflicts.add(b)
            obs[b].conflicts.add(a)
            if rule is not None:
                obs[a].conflict_rule[b] = obs[b].conflict_rule[a] = _s(rule)
    return Graph(store, labels, titles, ids, dict(quotes), obs)


# --------------------------------------------------------------------------------------
# text helpers


def _text_units(text: str) -> float:
    """Width in Chinese characters: Latin letters and digits count as about half."""
    return sum([0.6 if c < "\u2e80" else 1.0 for c in text])


@cache  # pages wrap each label twice: to size their layout, then to draw it
def _wrap(text: str, per_line: int, max_lines: int = 3) -> str:
    """Break a label into balanced lines of at most ``per_line`` Chinese characters (Latin
    letters and digits count as about half and words are not split, except after a
    hyphen), at most ``max_lines`` lines, the last ending in … when text is left over;
    line breaks already in the text are kept."""
    lines: list[str] = []
    for para in text.strip().split("\n"):
        para = para.strip()
        total = _text_units(para)
        if total <= per_line:  # one line, as the loop below would make it
            lines.append(para)
            continue
        tokens = re.findall(r"[^\s\u2e80-\uffff-]+-?|-|\s+|.", para)
        # as many lines as needed, then as even as possible: 11 characters in lines of 10
        # become 6 + 5, not 10 + 1; when there is no room for that, fill each line
        needed = max(1, math.ceil(total / per_line - 0.01)) if total else 1
        room = max_lines - len(lines)
        target = total / needed if needed <= room else float(per_line)
        line, width = "", 0.0
        for tok in tokens:
            w = _text_units(tok) if len(tok) > 1 else (0.6 if tok < "\u2e80" else 1.0)
            if line and (width + w > per_line + 0.01 or width >= target - 0.01):
                lines.append(line.rstrip())
                line, width = "", 0.0
                if tok.isspace():
                    continue
            line += tok
            width += w
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while len(last) > 1 and _text_units(last + "…") > per_line + 0.01:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return "\n".join(lines)


def _lines(label: str) -> int:
    return label.count("\n") + 1


def _fmt_number(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def _fmt_value(value: str, unit: str, qualifier: str, value_max: str = "") -> str:
    """A reported number as a Chinese label: 约68个, 7万多个 stays 70000多个."""
    num = _fmt_number(value)
    if value_max:
        num = f"{num}至{_fmt_number(value_max)}"
    if qualifier == "approx_about":
        return f"约{num}{unit}"
    if qualifier == "approx_nearly":
        return f"近{num}{unit}"
    if qualifier == "approx_more_than":
        return f"{num}多{unit}" if unit and unit != "%" else f"{num}{unit}以上"
    return f"{num}{unit}"


def _fmt_value_en(value: str, unit: str, qualifier: str, value_max: str = "") -> str:
    num = _fmt_number(value)
    if value_max:
        num = f"{num}–{_fmt_number(value_max)}"
    unit_en = config()["units_en"].get(unit, "")
    text = f"{num}{unit_en}" if unit_en == "%" else f"{num} {unit_en}".strip()
    prefix = {"approx_about": "about ", "approx_nearly": "nearly ", "approx_more_than": "over "}
    return prefix.get(qualifier, "") + text


#: gk:countScope in the details of a statistic, in both languages: what the number counts
#: and whether it is compared with other numbers for conflicts.
COUNT_SCOPE_TEXT = {
    "total": "总数：该地全部（参与冲突比较） / total: all there are (compared for conflicts)",
    "subset": "部分：仅做了某事的（不与总数比较冲突） / subset: only those that did something "
    "(not compared for conflicts)",
}


def _qualifier_zh(q: str) -> str:
    return {
        "exact": "精确",
        "approx_more_than": "余/多",
        "approx_about": "约",
        "approx_nearly": "近",
        "percent": "百分比",
    }.get(q, q)


# --------------------------------------------------------------------------------------
# layout helpers


def _box_height(text: str, width: int) -> float:
    """Height of a box of ``width`` holding ``text`` once wrapped (as the page draws it)."""
    lines = _lines(_wrap(text, max(2, int((width - BOX_PAD) / FONT_PX)), MAX_LINES))
    return lines * LINE_PX + 10


def _slot(texts: Iterable[str], width: int, gap: float = 14) -> float:
    """Vertical distance between stacked boxes of ``width`` holding these texts."""
    return max((_box_height(t, width) for t in texts), default=_box_height("", width)) + gap


def _prepare(node: Node) -> tuple[str, str | None]:
    """Wrap the labels to the node's width (fixed layouts rely on known box sizes), in
    both languages and without cutting them; return the labels as they were, for the
    tooltip."""
    full = (node.zh, node.en)
    per_line = max(2, int((node.width - BOX_PAD) / FONT_PX))
    if node.wrap:
        per_line = min(per_line, node.wrap)
    node.zh = _wrap(node.zh, per_line, MAX_LINES)
    if node.en:
        node.en = _wrap(node.en, per_line, MAX_LINES)
    return full


def _drawn_height(node: Node) -> int:
    """Height of the box the page draws for a prepared node, in the language whose label
    has more lines: the layout is the same in both languages."""
    return max(_lines(node.zh), _lines(node.en or "")) * LINE_PX + BOX_EXTRA


def _make_room(nodes: list[Node], bin_px: int = 20) -> None:
    """Move nodes down where a wrapped label made a box taller than its layout allowed for,
    so that no box overlaps the one above it. Room is added to a whole row (every node at
    that height) and to everything below it, so rows, columns and trees stay aligned."""
    rows: dict[float, list[Node]] = defaultdict(list)
    for n in nodes:
        rows[n.y].append(n)
    bottoms: dict[int, float] = {}  # lowest box bottom so far per horizontal bin
    shift = 0.0
    for y in sorted(rows):
        row = rows[y]
        need = 0.0
        spans = []
        for n in row:
            half = _drawn_height(n) / 2
            lo, hi = int((n.x - n.width / 2 - 4) // bin_px), int((n.x + n.width / 2 + 4) // bin_px)
            spans.append((n, half, lo, hi))
            above = max((bottoms.get(b, -math.inf) for b in range(lo, hi + 1)), default=-math.inf)
            need = max(need, above + BOX_GAP - (y + shift - half))
        shift += need
        for n, half, lo, hi in spans:
            n.y = y + shift
            for b in range(lo, hi + 1):
                bottoms[b] = max(bottoms.get(b, -math.inf), n.y + half)


def _tree_lr(
    root: str,
    children: Mapping[str, list[str]],
    x0: float,
    y0: float,
    col_w: float,
    slot: float,
    pos: dict[str, tuple[float, float]],
) -> float:
    """Lay a tree out left to right, each parent level with its first child; returns the
    height used. Columns are ``col_w`` apart and leaves ``slot`` apart."""
    y = y0

    def place(key: str, depth: int) -> None:
        nonlocal y
        kids = children.get(key, [])
        top = y
        if not kids:
            y += slot
        for kid in kids:
            place(kid, depth + 1)
        pos[key] = (x0 + depth * col_w, top)

    place(root, 0)
    return y - y0


def _pack_columns(
    blocks: list[tuple[float, float]], gap_x: float, gap_y: float, aspect: float = 1.7
) -> list[tuple[float, float]]:
    """Offsets that stack blocks (width, height) into columns of about equal height, so
    that the whole is roughly ``aspect`` times wider than high."""
    if not blocks:
        return []
    total_h = sum(h + gap_y for _w, h in blocks)
    mean_w = sum(w + gap_x for w, _h in blocks) / len(blocks)
    n_cols = max(1, round(math.sqrt(aspect * total_h / mean_w)))
    max_h = max(max(h for _w, h in blocks), total_h / n_cols)
    out: list[tuple[float, float]] = []
    x = y = col_w = 0.0
    for w, h in blocks:
        if y > 0 and y + h > max_h:
            x += col_w + gap_x
            y = col_w = 0.0
        out.append((x, y))
        y += h + gap_y
        col_w = max(col_w, w)
    return out


def _spread(values: list[float], gap: float) -> list[float]:
    """Push sorted positions apart so that neighbours are at least ``gap`` apart."""
    out: list[float] = []
    for v in values:
        out.append(v if not out or v >= out[-1] + gap else out[-1] + gap)
    return out


# --------------------------------------------------------------------------------------
# view 1: the five-level organisation chain


@dataclass
class Units:
    """Roster units: instances of the classes that sit on a level of the chain."""

    rows: dict[str, dict[str, Any]]  # unit -> cls and rank (its least pair), parent (least)
    below: dict[str, dict[str, int]]  # unit -> class -> units counted under it, not read
    per_class: dict[str, int]  # class -> units
    class_rank: dict[str, int]


def _counted_class(g: Graph, cls: str, two_parents: bool) -> int | None:
    """How many units a class has, where each of them can be counted under its parent in
    the store instead of being read: none has a second class of the chain, a resource
    below it or (where some unit has two parent statements) a second parent. None where
    one does (or the class is no IRI)."""
    ref = _iri(cls)
    if ref is None:
        return None
    odd = [
        f"{{ SELECT ?u WHERE {{ ?c gk:chainLevel ?l . ?u a ?c FILTER(?c != {ref}) }} }}",
        "{ SELECT DISTINCT ?u WHERE { ?x org:subOrganizationOf ?u } }",
    ]
    if two_parents:
        odd.append(
            "{ SELECT ?u WHERE { ?u org:subOrganizationOf ?p } GROUP BY ?u HAVING (COUNT(*) > 1) }"
        )
    if _select(
        g.store,
        f"SELECT ?u WHERE {{ {{ SELECT ?u WHERE {{ ?u a {ref} }} }} {{ {' UNION '.join(odd)} }} }} LIMIT 1",
    ):
        return None
    ((n,),) = _select(g.store, f"SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {{ ?u a {ref} }}")
    return _int(n, 0)


def _unit_rows(g: Graph) -> Units:
    """Roster units. Those of a level below what any page draws (party-member households,
    most of a province's roster) are counted per parent in the store instead of being read
    one by one, where that gives the same counts (see ``_counted_class``)."""
    rank_terms: dict[str, list[Term | None]] = defaultdict(list)
    for cls_term, rank_term in _select(
        g.store,
        "SELECT DISTINCT ?cls ?rank WHERE { ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank }",
    ):
        rank_terms[_s(cls_term)].append(rank_term)
    class_rank = {c: min(_int(r) for r in rs) for c, rs in rank_terms.items()}
    ((statements, subjects),) = _select(
        g.store,
        "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?u) AS ?units) WHERE { ?u org:subOrganizationOf ?p }",
    )
    two_parents = _int(statements, 0) != _int(subjects, 0)  # a unit with two parent statements
    per_class: dict[str, int] = defaultdict(int)
    counted: list[str] = []
    for c in sorted(rank_terms):
        # one level, deeper than street pages go: its units are never drawn
        count = (
            _counted_class(g, c, two_parents)
            if len(rank_terms[c]) == 1 and class_rank[c] > STREET_DEPTH
            else None
        )
        if count:
            counted.append(c)
            per_class[c] += count
    refs = [f"{_iri(c)}" for c in counted]
    below_cols = "".join(f" ?n{i}" for i in range(len(counted)))
    below_joins = "".join(
        f"""OPTIONAL {{ SELECT ?u (COUNT(*) AS ?n{i}) WHERE {{
              {{ SELECT DISTINCT ?leaf WHERE {{ ?leaf a {ref} }} }}
              {{ SELECT ?leaf ?u WHERE {{ ?leaf org:subOrganizationOf ?u }} }} }} GROUP BY ?u }}
        """
        for i, ref in enumerate(refs)
    )
    not_counted = f"FILTER(?cls NOT IN ({', '.join(refs)}))" if refs else ""
    rows: dict[str, dict[str, Any]] = {}
    below: dict[str, dict[str, int]] = {}
    for u_term, cls_term, rank_term, parent, *ns in _select(
        g.store,
        f"""SELECT ?u ?cls ?rank ?parent{below_cols} WHERE {{
              {{ SELECT DISTINCT ?u ?cls ?rank WHERE {{
                   ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank . {not_counted} ?u a ?cls }} }}
              OPTIONAL {{ SELECT ?u ?parent WHERE {{ ?u org:subOrganizationOf ?parent }} }}
              {below_joins}}}""",
    ):
        u, cls, rank = _s(u_term), _s(cls_term), _int(rank_term)
        cur = rows.setdefault(u, {"cls": cls, "rank": rank, "parents": set()})
        if (rank, cls) < (cur["rank"], cur["cls"]):
            cur["rank"], cur["cls"] = rank, cls
        if parent is not None:
            cur["parents"].add(_s(parent))
        for c, n in zip(counted, ns, strict=True):
            if n is not None:
                below.setdefault(u, {})[c] = _int(n, 0)
    for d in rows.values():
        d["parent"] = min(d["parents"]) if d["parents"] else None
        per_class[d["cls"]] += 1
    return Units(rows, below, dict(per_class), class_rank)


def _chain_levels(g: Graph) -> list[tuple[str, int, str | None]]:
    rows = _select(
        g.store,
        """SELECT DISTINCT ?lvl ?rank ?broader ?scheme WHERE { ?lvl skos:inScheme ?scheme ; gk:rank ?rank .
           OPTIONAL { ?lvl skos:broader ?broader } }""",
        scheme=ox.NamedNode(ORG_CHAIN),
    )
    levels: dict[str, tuple[str, int, str | None]] = {}
    for lvl_term, rank, broader_term, _scheme in rows:
        lvl = _s(lvl_term)
        broader = _s(broader_term) or None
        prev = levels.get(lvl)
        if prev is None or (broader or "") < (prev[2] or ""):
            levels[lvl] = (lvl, _int(rank), broader)
    return sorted(levels.values(), key=lambda t: (t[1], t[0]))


def _chain_classes(g: Graph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for cls, lvl in _select(g.store, "SELECT DISTINCT ?cls ?lvl WHERE { ?cls gk:chainLevel ?lvl }"):
        out[_s(lvl)].append(_s(cls))
    return {k: sorted(v) for k, v in out.items()}


def _level_group(g: Graph, level: str, classes: list[str]) -> str:
    """The class drawn for a chain level: the one whose label is the level's label."""
    groups = config()["groups"]
    known = [c for c in classes if _local(c) in groups]
    for c in known:
        if g.labels.zh(c) == g.labels.zh(level):
            return _local(c)
    return _local(known[0]) if known else "Hierarchy"


def _org_chain_page(g: Graph, units: Units, has_overview: bool) -> Page:
    cfg = config()
    page = Page(
        "org-chain.html",
        "五级组织体系",
        "Five-level organisation chain",
        "城市基层党组织的五级链条，自上而下；每一级旁是各报道给出的该级数量（悬停查看出处与原文）。",
        "The five levels of urban party organisation, top to bottom; beside each level, the "
        "counts the reports give for it (hover for the source and the quoted text).",
        edge_legend=[
            ("tree", "上下级", "level above → level below"),
            ("stat", "报道的数量", "count reported for the level"),
        ],
    )
    levels = _chain_levels(g)
    classes = _chain_classes(g)
    scheme = _node_for_scheme(g)
    page.nodes.append(scheme)
    # each level's numbers in rows of a few beside it, so that the whole chain and its
    # numbers fit on one screen
    x_stat0, stat_w, per_row, row_h = 300, 200, 4, 96.0
    alt: dict[str, list[str]] = defaultdict(list)
    for _scheme, lvl_term, word in _select(
        g.store,
        "SELECT DISTINCT ?s ?lvl ?alt WHERE { ?lvl skos:inScheme ?s ; skos:altLabel ?alt }",
        s=ox.NamedNode(ORG_CHAIN),
    ):
        alt[_s(lvl_term)].append(_s(word))
    stated: dict[str, list[str]] = defaultdict(list)
    for _scheme, lvl_term, word in _select(
        g.store,
        """SELECT DISTINCT ?s ?lvl ?w WHERE { ?src skos:exactMatch ?lvl ; skos:inScheme ?h .
           ?lvl skos:inScheme ?s . { ?src skos:prefLabel ?w } UNION { ?src skos:altLabel ?w } }""",
        s=ox.NamedNode(ORG_CHAIN),
    ):
        stated[_s(lvl_term)].append(_s(word))
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
                ("组织类", "class", f"{g.labels.zh(c)} ({g.labels.en(c) or _local(c)})", False)
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
                (f"{g.labels.zh(c)}", g.labels.en(c) or _local(c), str(unit_counts[c]), False)
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
    hierarchies = _select(
        g.store,
        """SELECT DISTINCT ?s ?h WHERE { ?src skos:exactMatch ?lvl ; skos:inScheme ?h .
           ?lvl skos:inScheme ?s . ?h a gk:Hierarchy }""",
        s=ox.NamedNode(ORG_CHAIN),
    )
    names = sorted({_s(h) for _scheme, h in hierarchies})
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
            groups[(o.measure, o.area, _fmt_number(o.value), o.unit)].append(o)
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
        zh = f"{g.labels.zh(measure)} {_fmt_value(value, unit, first.qualifier, first.value_max)}"
        en_measure = g.labels.en(measure) or g.labels.zh(measure)
        en = f"{_fmt_value_en(value, unit, first.qualifier, first.value_max)} {en_measure}"
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
                {_fmt_value(g.obs[c].value, g.obs[c].unit, g.obs[c].qualifier) for c in others}
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
            (f"下辖{g.labels.zh(c)}", f"{g.labels.en(c) or _local(c)} below", str(n), False)
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
    local = _local(cls)
    return order.index(local) if local in order else len(order)


def _descendant_counts(
    children: Mapping[str, list[str]], units: Units
) -> dict[str, dict[str, int]]:
    """For each unit, how many units of each class are below it (any depth): children are
    finished before their parent, each unit visited once (a cycle in a roster is cut).
    Units counted in the store (``Units.below``) are leaves: they add to their parent."""
    rows = units.rows
    counts: dict[str, dict[str, int]] = {}
    started: set[str] = set()  # a unit met again while still open closes a cycle: cut it
    for root in sorted(rows):
        if root in started:
            continue
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            u, done = stack.pop()
            if done:
                mine: dict[str, int] = defaultdict(int, units.below.get(u, {}))
                for k in children.get(u, []):
                    if k in counts:
                        mine[rows[k]["cls"]] += 1
                        for cls, n in counts[k].items():
                            mine[cls] += n
                counts[u] = dict(mine)
            elif u not in started:
                started.add(u)
                stack.append((u, True))
                stack.extend((k, False) for k in children.get(u, []) if k not in started)
    return counts


def _unit_children(units: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """The units under each unit: those it is the (least) parent of."""
    children: dict[str, list[str]] = defaultdict(list)
    for u, d in units.items():
        if d["parent"] in units and d["parent"] != u:
            children[d["parent"]].append(u)
    return children


def _unit_pages(g: Graph, all_units: Units) -> list[Page]:
    """With a roster: a city overview (streets and communities) and pages down to buildings."""
    cfg = config()
    cap = int(cfg["page_node_cap"])
    units = all_units.rows
    children = _unit_children(units)
    # the units pages draw, in order under their parent (order does not change counts)
    drawn = {
        p: sorted(
            (k for k in kids if units[k]["rank"] <= STREET_DEPTH),
            key=lambda k: (units[k]["rank"], _natural(g.labels.zh(k)), k),
        )
        for p, kids in children.items()
    }
    streets = sorted(
        (u for u, d in units.items() if d["rank"] == 1), key=lambda u: (_natural(g.labels.zh(u)), u)
    )
    if not streets:
        return []
    counts = _descendant_counts(children, all_units)
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
            street_file[s] = f"org-street-{i:03d}.html"
    overview = _overview_page(g, units, streets, drawn, counts, street_file, cap)
    pages = [overview]
    for i, grp in enumerate(groups, 1):
        pages.append(
            _street_page(g, all_units, grp, drawn, counts, f"org-street-{i:03d}.html", cap)
        )
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
    page = Page(
        "org-units.html",
        "五级组织体系 · 街道与社区",
        "Organisation chain · streets and communities",
        "名册中的街道党工委及其下的社区党组织；悬停查看下辖各级数量，双击街道打开该街道至楼栋的页面。",
        "Street party working committees from the rosters with their community party "
        "organisations; hover for the counts below, double-click a street to open its page "
        "down to buildings.",
        edge_legend=[("tree", "隶属", "sub-organisation of")],
        up=("org-chain.html", "五级组织体系", "Organisation chain"),
    )
    comm = {s: [k for k in children.get(s, []) if units[k]["rank"] == 2] for s in streets}
    with_comm = len(streets) + sum(len(v) for v in comm.values()) <= cap
    width = 210
    col_w = width + 90.0
    if not with_comm:
        # too many for one page: the communities become a count on their street
        page.desc_zh = page.desc_zh.replace("及其下的社区党组织", "（社区党组织数见标签）")
        page.desc_en = page.desc_en.replace(
            "with their community party organisations", "with their numbers of communities"
        )
    labels = {
        s: (g.labels.zh(s), g.labels.en(s))
        if with_comm
        else (f"{g.labels.zh(s)}\n{len(comm[s])}个社区", f"{len(comm[s])} communities")
        for s in streets
    }
    shown = [*streets, *(k for s in streets for k in comm[s])] if with_comm else streets
    slot = _slot((labels[u][0] if u in labels else g.labels.zh(u) for u in shown), width)
    blocks = []
    for s in streets:
        n = len(comm[s]) if with_comm else 0
        blocks.append((col_w + width if n else width, max(1, n) * slot))
    offsets = _pack_columns(blocks, 90, 40)
    for s, (ox_, oy) in zip(streets, offsets, strict=True):
        kids = {s: comm[s]} if with_comm else {}
        pos: dict[str, tuple[float, float]] = {}
        _tree_lr(s, kids, ox_, oy, col_w, slot, pos)
        file = street_file[s]
        page.nodes.append(
            Node(
                s,
                _local(units[s]["cls"]),
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
                    _local(units[k]["cls"]),
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
    file: str,
    cap: int,
) -> Page:
    names = "、".join(g.labels.zh(s) for s in streets[:3]) + ("等" if len(streets) > 3 else "")
    page = Page(
        file,
        f"{names} · 至楼栋",
        f"{len(streets)} street(s) down to buildings"
        if len(streets) > 1
        else "Street down to buildings",
        "街道党工委—社区党组织—网格党支部（党小组）—楼栋党小组，自左向右；党员中心户计入其上级的悬停信息。",
        "Street committee, community organisations, grid branches and groups, building "
        "groups, left to right; party-member households are counted on the unit above them "
        "(hover).",
        edge_legend=[("tree", "隶属", "sub-organisation of")],
        up=("org-units.html", "街道与社区", "Streets and communities"),
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
    slot = _slot((g.labels.zh(u) for _s_, sub in trees for u in sub), width)
    for s, sub in trees:
        probe: dict[str, tuple[float, float]] = {}
        height = _tree_lr(s, sub, 0, 0, col_w, slot, probe)
        depth = len({p[0] for p in probe.values()})
        blocks.append((depth * col_w, height))
    offsets = _pack_columns(blocks, 80, 60)
    for (s, sub), (bx, by) in zip(trees, offsets, strict=True):
        pos: dict[str, tuple[float, float]] = {}
        _tree_lr(s, sub, bx, by, col_w, slot, pos)
        for u in sorted(pos, key=lambda k: (pos[k][0], pos[k][1], k)):
            page.nodes.append(
                Node(
                    u,
                    _local(units[u]["cls"]),
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


# --------------------------------------------------------------------------------------
# view 2: alliances


def _rank_value(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 10**6


@dataclass
class Alliances:
    kinds: list[str]  # alliance kinds from the reports
    roster: list[str]  # alliances from rosters
    memberships: list[dict[str, str]]  # ms: the membership, "" where no other tells apart
    levels: dict[str, tuple[int, str]]  # alliance -> (level rank, level)
    types: dict[str, set[str]]  # member -> its classes that name a group of nodes


# every alliance, hash-joined
_ALLIANCE = "{ SELECT ?a WHERE { ?a a gk:Alliance } }"
# its members
_ALLIANCE_MEMBER = f"""{_ALLIANCE} {{ SELECT ?ms ?a WHERE {{ ?ms org:organization ?a }} }}
    {{ SELECT ?ms ?m WHERE {{ ?ms org:member ?m }} }}"""


# what roster pages draw, as a pattern that binds ?s to each: the units of the levels
# street pages show, the alliances and their members
_ROSTER_DRAWN = f"""{{ ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank FILTER(?rank <= {STREET_DEPTH})
    ?s a ?cls }} UNION {{ ?s a gk:Alliance }} UNION {{ SELECT (?m AS ?s) WHERE {{ {_ALLIANCE_MEMBER} }} }}"""


def _alliance_rows(g: Graph) -> Alliances:
    """Alliances split into kinds (from reports) and roster alliances (read from a roster
    row), with their memberships, levels and the classes of their members; each list in
    the order of the store (``_alliance_pages`` sorts them)."""
    alliances: set[str] = set()
    roster: set[str] = set()
    levels: dict[str, tuple[int, str]] = {}
    for a_term, from_roster, lvl, rank in _select(
        g.store,
        f"""SELECT ?a ?roster ?l ?rank WHERE {{ {{ SELECT DISTINCT ?a WHERE {{ ?a a gk:Alliance }} }}
             OPTIONAL {{ SELECT DISTINCT ?a (true AS ?roster) WHERE {{
               {{ SELECT ?a ?r WHERE {{ ?a a gk:Alliance ; prov:wasDerivedFrom ?r }} }}
               FILTER EXISTS {{ ?r a gk:RosterRow }} }} }}
             OPTIONAL {{ SELECT ?a ?l ?rank WHERE {{ {_ALLIANCE}
               {{ SELECT ?a ?l WHERE {{ ?a gk:administrativeLevel ?l }} }}
               OPTIONAL {{ SELECT ?l ?rank WHERE {{ ?l gk:rank ?rank }} }} }} }} }}""",
    ):
        a = _s(a_term)
        alliances.add(a)
        if from_roster is not None:
            roster.add(a)
        if lvl is not None:
            cur = (_int(rank), _s(lvl))
            if a not in levels or cur < levels[a]:
                levels[a] = cur
    members: dict[tuple[str, ...], dict[str, str]] = {}
    names = ("ms", "a", "m", "rank", "role", "kind")
    # A membership's IRI is read only where it tells two apart (a unit joins an alliance
    # twice) or its sources are shown (it is quoted); elsewhere "", reading each IRI of a
    # province's memberships costs as much as the rest of the query.
    for terms in _select(
        g.store,
        f"""SELECT ?named ?a ?m ?rank ?role ?kind WHERE {{ {_ALLIANCE_MEMBER}
             OPTIONAL {{ SELECT ?ms ?rank WHERE {{ ?ms gk:rank ?rank }} }}
             OPTIONAL {{ SELECT ?ms ?role WHERE {{ ?ms gk:role ?role }} }}
             OPTIONAL {{ SELECT ?ms ?kind WHERE {{ ?ms gk:memberKind ?kind }} }}
             OPTIONAL {{ SELECT ?a ?m (COUNT(DISTINCT ?ms) AS ?n) WHERE {{
               {{ SELECT ?ms ?a WHERE {{ ?ms org:organization ?a }} }}
               {{ SELECT ?ms ?m WHERE {{ ?ms org:member ?m }} }} }} GROUP BY ?a ?m }}
             OPTIONAL {{ SELECT ?ms (true AS ?quoted) WHERE {{ SELECT DISTINCT ?ms WHERE {{
               ?sp gk:quote ?q ; gk:inDocument ?d . ?ms prov:wasDerivedFrom ?sp }} }} }}
             BIND(IF(BOUND(?quoted) || ?n > 1, ?ms, "") AS ?named) }}""",
    ):
        values = tuple(_s(t) for t in terms)
        key = values[:3]
        if key not in members or values < tuple(members[key].values()):
            members[key] = dict(zip(names, values, strict=True))
    ms = sorted(members.values(), key=lambda m: (m["a"], _rank_value(m["rank"]), m["m"], m["ms"]))
    # only the classes _member_group looks for: those named after a group
    classes = " ".join(ref for name in config()["groups"] if (ref := _iri(GK + name)))
    types: dict[str, set[str]] = defaultdict(set)
    for m, t in _select(
        g.store,
        f"""SELECT DISTINCT ?m ?t WHERE {{ {{ SELECT DISTINCT ?m WHERE {{ {_ALLIANCE_MEMBER} }} }}
             {{ SELECT ?m ?t WHERE {{ VALUES ?t {{ {classes} }} ?m a ?t }} }} }}""",
    ):
        types[_s(m)].add(_s(t))
    return Alliances(list(alliances - roster), list(roster), ms, levels, dict(types))


def _member_group(member: str, types: Mapping[str, set[str]]) -> str:
    groups = config()["groups"]
    mine = types.get(member, set())
    for t in sorted(mine) if mine else ():
        if t.startswith(GK) and _local(t) in groups and _local(t) != "UnitKind":
            return _local(t)
    if GK + "UnitKind" in mine or member.startswith(GKD + "unit-kind/"):
        return "UnitKind"
    return "Organization"


def _alliance_pages(g: Graph, al: Alliances) -> list[Page]:
    def order(a: str) -> tuple[int, str, str]:
        return (al.levels.get(a, (10**6, ""))[0], g.labels.zh(a), a)

    al.kinds.sort(key=order)
    al.roster.sort(key=order)
    pages = [_alliance_kind_page(g, al)]
    if al.roster:
        pages.extend(_alliance_roster_pages(g, al))
    return pages


def _membership_info(g: Graph, m: dict[str, str]) -> Info:
    info: Info = []
    if m["rank"]:
        info.append(("列举顺序", "order written", m["rank"], False))
    if m["role"]:
        info.append(("角色", "role", m["role"], False))
    if m["kind"]:
        info.append(("成员类别", "member kind", g.labels.zh(m["kind"]), False))
    info.extend(g.sources(m["ms"]))
    return info


def _alliance_kind_page(g: Graph, al: Alliances) -> Page:
    page = Page(
        "alliances.html",
        "党建联盟",
        "Party-building alliances",
        "报道中的党建联盟类别（街道、社区）及加入其中的单位类别；右侧为上位类别。",
        "The kinds of party-building alliance the reports describe (street, community) and the "
        "kinds of unit that join them; broader unit kinds on the right.",
        edge_legend=[
            ("tree", "成员", "member"),
            ("faint", "上位类别", "broader kind"),
        ],
    )
    kinds = al.kinds
    order = {a: i for i, a in enumerate(kinds)}
    ms = sorted(
        (m for m in al.memberships if m["a"] in order),
        key=lambda m: (order[m["a"]], _rank_value(m["rank"]), m["m"]),
    )
    member_y: dict[str, float] = {}
    y = 0.0
    for m in ms:
        if m["m"] not in member_y:
            member_y[m["m"]] = y
            y += 60
    broader: dict[str, str] = {}
    for k_term, b_term in _select(
        g.store, "SELECT DISTINCT ?k ?b WHERE { ?k a gk:UnitKind ; skos:broader ?b }"
    ):
        k, b = _s(k_term), _s(b_term)
        if k in member_y and (k not in broader or b < broader[k]):
            broader[k] = b
    for a in kinds:
        ys = [member_y[m["m"]] for m in ms if m["a"] == a]
        ay = sum(ys) / len(ys) if ys else y
        if not ys:
            y += 60
        info: Info = []
        if a in al.levels:
            info.append(("行政层级", "level", g.labels.zh(al.levels[a][1]), False))
        info.append(("成员类别数", "member kinds", str(len(ys)), False))
        info.extend(g.sources(a))
        page.nodes.append(
            Node(a, "Alliance", g.labels.zh(a), g.labels.en(a), 170, 0, ay, info, iri=a)
        )
    for member, my in member_y.items():
        info = []
        if member in broader:
            info.append(("上位类别", "broader", g.labels.zh(broader[member]), False))
        page.nodes.append(
            Node(
                member,
                _member_group(member, al.types),
                g.labels.zh(member),
                g.labels.en(member),
                170,
                330,
                my,
                info,
                iri=member,
            )
        )
    for b in sorted(set(broader.values())):
        ys = [member_y[k] for k, v in broader.items() if v == b]
        page.nodes.append(
            Node(b, "UnitKind", g.labels.zh(b), g.labels.en(b), 170, 660, sum(ys) / len(ys), iri=b)
        )
    for m in ms:
        page.edges.append(Edge(m["a"], m["m"], "tree", info=_membership_info(g, m), curve=True))
    for k in sorted(broader):
        page.edges.append(Edge(k, broader[k], "faint", curve=True))
    _spread_column(page, 660, 60)
    return page


def _spread_column(page: Page, x: float, gap: float) -> None:
    col = sorted((n for n in page.nodes if n.x == x), key=lambda n: (n.y, n.key))
    for n, y in zip(col, _spread([n.y for n in col], gap), strict=True):
        n.y = y


def _alliance_roster_pages(g: Graph, al: Alliances) -> list[Page]:
    cap = int(config()["page_node_cap"])
    by_alliance: dict[str, list[dict[str, str]]] = defaultdict(list)
    for m in al.memberships:
        by_alliance[m["a"]].append(m)
    for ms in by_alliance.values():
        # lead units first, then in the order written, then by name
        ms.sort(
            key=lambda m: (
                LEAD_ROLE not in m["role"],
                _rank_value(m["rank"]),
                _natural(g.labels.zh(m["m"])),
                m["m"],
            )
        )
    chunks: list[list[str]] = [[]]
    seen: set[str] = set()
    size = 0
    for a in al.roster:
        new = {m["m"] for m in by_alliance[a]} - seen
        if chunks[-1] and size + 1 + len(new) > cap:
            chunks.append([])
            seen, size = set(), 0
            new = {m["m"] for m in by_alliance[a]}
        chunks[-1].append(a)
        seen |= new
        size += 1 + len(new)
    pages = []
    for i, chunk in enumerate(chunks, 1):
        page = Page(
            f"alliances-roster-{i:03d}.html",
            f"党建联盟 · 名册 {i}/{len(chunks)}",
            f"Party-building alliances · rosters {i}/{len(chunks)}",
            "名册中的党建联盟及其成员单位；粗绿线与★标出牵头单位。",
            "Alliances from the rosters and their member units; thick green lines and ★ mark "
            "the lead units.",
            edge_legend=[("lead", "牵头", "lead unit"), ("tree", "成员", "member")],
            up=("alliances.html", "党建联盟", "Party-building alliances"),
        )
        width = 210
        slot = _slot(
            [
                *(g.labels.zh(a) for a in chunk),
                *("★ " + g.labels.zh(m["m"]) for a in chunk for m in by_alliance[a]),
            ],
            width,
        )
        placed: set[str] = set()
        blocks: list[tuple[float, float]] = []
        layout: list[tuple[str, list[str]]] = []
        for a in chunk:
            mine = []
            for m in by_alliance[a]:
                if m["m"] not in placed:
                    placed.add(m["m"])
                    mine.append(m["m"])
            layout.append((a, mine))
            blocks.append((2 * width + 90.0, max(1, len(mine)) * slot))
        offsets = _pack_columns(blocks, 100, 50)
        leads = {m["m"] for a in chunk for m in by_alliance[a] if LEAD_ROLE in m["role"]}
        for (a, mine), (bx, by) in zip(layout, offsets, strict=True):
            pos: dict[str, tuple[float, float]] = {}
            _tree_lr(a, {a: mine}, bx, by, width + 90.0, slot, pos)
            info: Info = [("成员数", "members", str(len(by_alliance[a])), False)]
            if a in al.levels:
                info.append(("行政层级", "level", g.labels.zh(al.levels[a][1]), False))
            lead_names = sorted(
                g.labels.zh(m["m"]) for m in by_alliance[a] if LEAD_ROLE in m["role"]
            )
            if lead_names:
                info.append(("牵头单位", "lead unit", "、".join(lead_names), False))
            info.extend(g.sources(a))
            page.nodes.append(
                Node(
                    a,
                    "Alliance",
                    g.labels.zh(a),
                    g.labels.en(a),
                    width,
                    *pos[a],
                    info,
                    iri=a,
                )
            )
            for member in mine:
                lead = member in leads
                minfo: Info = [("牵头单位", "lead unit", "是 / yes", False)] if lead else []
                page.nodes.append(
                    Node(
                        member,
                        _member_group(member, al.types),
                        ("★ " if lead else "") + g.labels.zh(member),
                        None,
                        width,
                        *pos[member],
                        minfo,
                        iri=member,
                        border=4 if lead else None,
                        search=g.labels.zh(member),
                    )
                )
        for a in chunk:
            for m in by_alliance[a]:
                lead = LEAD_ROLE in m["role"]
                page.edges.append(
                    Edge(
                        a,
                        m["m"],
                        "lead" if lead else "tree",
                        "牵头" if lead else None,
                        "lead" if lead else None,
                        _membership_info(g, m),
                        curve=True,
                    )
                )
        pages.append(page)
    return pages


# --------------------------------------------------------------------------------------
# view 3: working groups


def _derived_en(g: Graph, parts: list[str], noun: str) -> str | None:
    """An English label made of the English labels of what a resource is about (a working
    group's theme, a committee's area), where the graph has none for the resource."""
    names = [g.labels.en(p) for p in parts]
    if not names or any(n is None for n in names):
        return None
    return " / ".join(n for n in names if n) + " " + noun


def _working_group_page(g: Graph) -> Page:
    page = Page(
        "working-groups.html",
        "专项工作组",
        "Thematic working groups",
        "基层治理工作委员会 → 专项工作组 → 工作主题；省级与市级并列，中间为主题，某级未设的主题以红色虚框标出（悬停查看组长）。",
        "Committee → working groups → themes, province beside city with the themes in the "
        "middle; a theme a committee has no group for is marked with a dashed red box (hover "
        "for the leaders).",
        edge_legend=[
            ("tree", "下设 / 主题", "sets up / theme"),
            ("missing", "未设立", "not set up"),
        ],
    )
    committees: dict[str, tuple[int, str]] = {}
    for c_term, area_t, rank_t in _select(
        g.store,
        """SELECT DISTINCT ?c ?area ?rank WHERE { ?c a gk:Committee .
             OPTIONAL { ?c gk:area ?area OPTIONAL { ?area gk:areaLevel|gk:administrativeLevel ?l . ?l gk:rank ?rank } } }""",
    ):
        c = _s(c_term)
        cur = (_int(rank_t), _s(area_t))
        if c not in committees or cur < committees[c]:
            committees[c] = cur
    wgs: dict[str, dict[str, Any]] = {}
    for wg_t, c_t, theme_t, rank_t, leader_t, lvl_t in _select(
        g.store,
        """SELECT DISTINCT ?wg ?c ?theme ?rank ?leader ?lvl WHERE { ?wg a gk:WorkingGroup ; gk:committee ?c .
             OPTIONAL { ?wg gk:theme ?theme } OPTIONAL { ?wg gk:rank ?rank }
             OPTIONAL { ?wg gk:leader ?leader } OPTIONAL { ?wg gk:administrativeLevel ?lvl } }""",
    ):
        entry = wgs.setdefault(
            _s(wg_t),
            {"c": set(), "themes": set(), "rank": 10**6, "leaders": set(), "levels": set()},
        )
        entry["c"].add(_s(c_t))
        if theme_t is not None:
            entry["themes"].add(_s(theme_t))
        entry["rank"] = min(entry["rank"], _int(rank_t))
        if leader_t is not None:
            entry["leaders"].add(_s(leader_t))
        if lvl_t is not None:
            entry["levels"].add(_s(lvl_t))
    g.labels.load(
        itertools.chain(
            committees,
            (area for _rank, area in committees.values() if area),
            *([w, *d["c"], *d["themes"], *d["levels"]] for w, d in wgs.items()),
        )
    )
    theme_rank: dict[str, int] = {}
    for t in sorted({t for w in wgs.values() for t in w["themes"]}):
        rows = _select(
            g.store, "SELECT ?t ?r WHERE { ?t gk:rank ?r } ORDER BY ?r LIMIT 1", t=ox.NamedNode(t)
        )
        theme_rank[t] = _int(rows[0][1]) if rows else 10**6
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
        page.desc_zh = (
            "基层治理工作委员会为列（省、市、县依次排列），工作主题为行，格中为专项工作组；"
            "某委员会未设的主题以红色虚框标出。点击节点显示其连线，悬停查看组长。"
        )
        page.desc_en = (
            "Committees as columns (province, city, counties), themes as rows, working groups "
            "in the cells; a theme a committee has no group for is a dashed red box. Click a "
            "node to show its links; hover for the leaders."
        )
        page.edge_legend = [
            ("faint", "下设 / 主题（选中节点时显示）", "sets up / theme (for the selected node)"),
            ("missing", "未设立", "not set up"),
        ]
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
                    ("报道数量", "reported", _fmt_value(o.value, o.unit, o.qualifier), False)
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


# --------------------------------------------------------------------------------------
# view 4: 包保


def _baobao_page(g: Graph) -> Page:
    page = Page(
        "baobao.html",
        "包保责任制",
        "Responsibility systems (baobao)",
        "各包保责任制为一架梯子：左栏干部职级，右栏所包层级，横档为包保关系；五级包保与联点包抓并列，同一职级同一行。",
        "Each responsibility system as a ladder: cadre ranks on the left rail, covered levels "
        "on the right, one rung per tier of responsibility; the five-level system (wuji baobao) "
        "beside the linked-point system (liandian baozhua), each rank on its own row.",
        edge_legend=[
            ("rung", "包保（横档）", "covers (rung)"),
            ("rail", "梯子的边", "ladder rail"),
        ],
    )
    systems: dict[str, dict[str, Any]] = {}

    def system(sys_: Term | None) -> dict[str, Any]:
        return systems.setdefault(
            _s(sys_), {"areas": set(), "tiers": {}, "roster": defaultdict(int)}
        )

    for sys_t, area_t in _select(
        g.store,
        """SELECT DISTINCT ?sys ?area WHERE { ?sys a gk:ResponsibilitySystem . OPTIONAL { ?sys gk:area ?area } }""",
    ):
        d = system(sys_t)
        if area_t is not None:
            d["areas"].add(_s(area_t))
    assignment = """{ SELECT ?ra WHERE { ?ra a gk:ResponsibilityAssignment } }
        { SELECT ?ra ?sys WHERE { ?ra gk:partOf ?sys } }
        { SELECT ?ra ?cr WHERE { ?ra gk:cadreRank ?cr } }
        OPTIONAL { SELECT ?ra ?rank WHERE { ?ra gk:rank ?rank } }
        OPTIONAL { SELECT ?ra ?cl WHERE { ?ra gk:coveredLevel ?cl } }"""
    # assignments of a named cadre (rosters) are counted per cadre rank, in the store
    for sys_t, cr_t, n in _select(
        g.store,
        f"""SELECT ?sys ?cr (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?ra ?sys ?rank ?cr ?cl ?cadre WHERE {{
              {assignment} {{ SELECT ?ra ?cadre WHERE {{ ?ra gk:cadre ?cadre }} }} }} }}
            }} GROUP BY ?sys ?cr""",
    ):
        system(sys_t)["roster"][_s(cr_t)] += _int(n, 0)
    # the tiers of the systems the reports describe
    for ra_t, sys_t, rank_t, cr_t, cl_t in _select(
        g.store,
        f"""SELECT DISTINCT ?ra ?sys ?rank ?cr ?cl WHERE {{ {assignment}
              MINUS {{ SELECT ?ra WHERE {{ ?ra gk:cadre ?cadre }} }} }}""",
    ):
        d = system(sys_t)
        if cl_t is not None:
            d["tiers"].setdefault((_s(cr_t), _s(cl_t)), []).append((_int(rank_t), _s(ra_t)))
    concept_rank: dict[str, int] = {}
    for c_term, r in _select(
        g.store,
        """SELECT DISTINCT ?c ?r WHERE { { SELECT DISTINCT ?c WHERE {
             { SELECT ?ra WHERE { ?ra a gk:ResponsibilityAssignment } }
             { SELECT ?ra ?c WHERE { { ?ra gk:cadreRank ?c } UNION { ?ra gk:coveredLevel ?c } } } } }
             ?c gk:rank ?r }""",
    ):
        c = _s(c_term)
        concept_rank[c] = min(concept_rank.get(c, 10**6), _int(r))
    order = sorted(systems, key=lambda s: (-len(systems[s]["tiers"]), g.labels.zh(s), s))
    row_h, gap = 100.0, 760.0
    for i, sys_ in enumerate(order):
        d = systems[sys_]
        base = i * gap
        tiers = d["tiers"]
        cadres = sorted(
            {cr for cr, _cl in tiers} | set(d["roster"]),
            key=lambda c: (concept_rank.get(c, 10**6), c),
        )
        levels = sorted({cl for _cr, cl in tiers}, key=lambda c: (concept_rank.get(c, 10**6), c))

        def row(c: str, fallback: int) -> float:
            r = concept_rank.get(c)
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


# --------------------------------------------------------------------------------------
# view 5: mechanisms


def _mechanism_page(g: Graph) -> Page:
    page = Page(
        "mechanisms.html",
        "工作机制",
        "Working mechanisms",
        "每个工作机制的步骤按顺序排成一行；不同机制中相同的步骤（同一步骤类型）以黄色圆点相连。",
        "Each mechanism's steps in order along a row; the same step in different mechanisms "
        "(one step kind) is joined through a yellow dot.",
        edge_legend=[
            ("flow", "步骤顺序", "step order"),
            ("shared", "相同步骤", "same step kind"),
        ],
    )
    steps: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for m_t, s_t, rank_t, kind_t in _select(
        g.store,
        """SELECT DISTINCT ?m ?s ?rank ?kind WHERE { ?m a gk:Mechanism ; gk:hasStep ?s .
             OPTIONAL { ?s gk:rank ?rank } OPTIONAL { ?s gk:stepKind ?kind } }""",
    ):
        steps[_s(m_t)].append((_int(rank_t), _s(s_t), _s(kind_t)))
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
        xs_spread = _spread([x for x, _k in placed], 130)
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


# --------------------------------------------------------------------------------------
# view 6: sources and conflicts


def _obs_node(g: Graph, o: Obs, width: int) -> Node:
    measure = g.labels.zh(o.measure)
    value = _fmt_value(o.value, o.unit, o.qualifier, o.value_max)
    en_m = g.labels.en(o.measure) or measure
    info: Info = [
        ("统计指标", "measure", f"{measure} ({en_m})", False),
        ("数值", "value", value, False),
        ("约数限定", "qualifier", _qualifier_zh(o.qualifier), False),
        ("计数范围", "count scope", COUNT_SCOPE_TEXT.get(o.count_scope, o.count_scope), False),
        ("所涉区域", "area", g.labels.zh(o.area) if o.area else "", False),
        ("来源", "source", g.doc_label(o.doc), False),
        ("原文", "quote", o.quote, True),
    ]
    for c in sorted(o.conflicts, key=lambda c: (g.obs[c].doc, g.obs[c].start, c)):
        oc = g.obs[c]
        info.append(
            ("冲突数值", "conflicts with", _fmt_value(oc.value, oc.unit, oc.qualifier), False)
        )
        info.append(("其来源", "its source", g.doc_label(oc.doc), False))
        info.append(("其原文", "its quote", oc.quote, True))
    per_line = int((width - BOX_PAD) / FONT_PX)
    return Node(
        o.iri,
        "ConflictingObservation" if o.conflicts else "StatisticObservation",
        _wrap(measure, per_line, MAX_LINES) + "\n" + value,
        _wrap(en_m, per_line, MAX_LINES)
        + "\n"
        + _fmt_value_en(o.value, o.unit, o.qualifier, o.value_max),
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


def _sources_page(g: Graph) -> Page:
    page = Page(
        "sources.html",
        "来源与冲突",
        "Sources and conflicts",
        "每篇来源文献为一栏，其下为它报道的统计数据。上部每一行是一组冲突：同一区域同一指标而数值不同，"
        "红框红线标出（悬停查看原文与文献标题）；其余数据在下部。",
        "One column per source document with the statistics it reports. Each row at the top is "
        "one conflict, the same measure and area with different values, in red (hover for the "
        "quoted text and the document title); the other statistics follow below.",
        edge_legend=[
            ("faint", "报道于（选中节点时显示）", "reported in (shown for the selected node)"),
            ("conflict", "数据冲突", "conflicting values"),
        ],
    )
    docs = sorted(
        {_s(d) for (d,) in _select(g.store, "SELECT DISTINCT ?d WHERE { ?d a gk:SourceDocument }")},
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
                g.doc_titles.get(d) or g.doc_ids.get(d, _local(d)),
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
            node = _obs_node(g, o, obs_w)
            node.x, node.y = placed[o.iri]
            page.nodes.append(node)
            page.edges.append(Edge(d, o.iri, "faint", arrow=False, on_select=True))
    for k, d in enumerate(silent):
        page.nodes.append(
            Node(
                d,
                "SourceDocument",
                g.doc_titles.get(d) or g.doc_ids.get(d, _local(d)),
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
        values = f"{_fmt_value(oa.value, oa.unit, oa.qualifier)} ≠ {_fmt_value(ob.value, ob.unit, ob.qualifier)}"
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


# --------------------------------------------------------------------------------------
# rendering


@cache  # the same two scripts on every page
def _script_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def _json_for_html(data: Any) -> str:
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


def _page_data(g: Graph | None, page: Page) -> dict[str, Any]:
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
    full = [_prepare(n) for n in page.nodes]
    _make_room(page.nodes)
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
    data = _page_data(g, page)
    vis_js, own_js = _vis_js(), _asset("views.js")
    counts_zh = f"{len(page.nodes)} 个节点 · {len(page.edges)} 条边"
    counts_en = f"{len(page.nodes)} nodes · {len(page.edges)} edges"
    body = [
        _head(f"{page.title_zh} · govkg", [vis_js, own_js]),
        "<style>\n" + _vis_css() + "\n</style>\n",
        "<style>\n" + _asset("views.css") + "</style>\n",
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
        '<script type="application/json" id="govkg-data">' + _json_for_html(data) + "</script>\n",
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
        "<style>\n" + _asset("views.css") + "</style>\n</head>\n<body>\n",
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


# --------------------------------------------------------------------------------------
# entry point


def build_views(store: ox.Store) -> tuple[Graph, list[View]]:
    """Every view and its pages, computed from a store (nothing written)."""
    g = _read_graph(store)
    # The big reads of the roster pages run in threads, beside each other and beside the
    # drawing of the other pages: Oxigraph lets go of the GIL while it evaluates. They only
    # read the store; labels change in this thread alone.
    with ThreadPoolExecutor(max_workers=3) as pool:
        roster_labels = pool.submit(g.labels.fetch, _ROSTER_DRAWN)
        units_read = pool.submit(_unit_rows, g)
        alliances_read = pool.submit(_alliance_rows, g)
        working_groups, baobao = _working_group_page(g), _baobao_page(g)
        mechanisms, sources = _mechanism_page(g), _sources_page(g)
        g.labels.take(roster_labels.result())
        units = units_read.result()
        unit_pages = _unit_pages(g, units) if units.rows else []
        chain = _org_chain_page(g, units, bool(unit_pages))
        alliance_pages = _alliance_pages(g, alliances_read.result())
    views = [
        View(
            "org-chain",
            "五级组织体系",
            "Organisation chain",
            "从街道党工委到单元党员中心户的五级链条，各级的报道数量及名册单位。",
            "The five-level party organisation chain with the counts the reports give per "
            "level and, with rosters, the real units.",
            [chain, *unit_pages],
        ),
        View(
            "alliances",
            "党建联盟",
            "Party-building alliances",
            "联盟类别与加入其中的单位类别；有名册时列出各联盟及牵头单位。",
            "Alliance kinds and the unit kinds that join them; with rosters, every alliance and "
            "its lead unit.",
            alliance_pages,
        ),
        View(
            "working-groups",
            "专项工作组",
            "Working groups",
            "省、市两级基层治理工作委员会下设的专项工作组及其主题，市级缺少的主题一目了然。",
            "Committees, their thematic working groups and themes, province beside city.",
            [working_groups],
        ),
        View(
            "baobao",
            "包保",
            "Responsibility (baobao)",
            "干部职级与所包层级组成的梯子：五级包保与联点包抓并列。",
            "Cadre ranks and the levels they cover as ladders: the five-level system beside "
            "the linked-point system.",
            [baobao],
        ),
        View(
            "mechanisms",
            "工作机制",
            "Mechanisms",
            "各工作机制的步骤流程，相同步骤跨机制相连。",
            "Each mechanism's steps as a flow; the same step in different mechanisms linked.",
            [mechanisms],
        ),
        View(
            "sources",
            "来源与冲突",
            "Sources and conflicts",
            "来源文献与其报道的统计数据，冲突数值高亮。",
            "Documents and the statistics they report, conflicting values highlighted.",
            [sources],
        ),
    ]
    return g, views


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


if __name__ == "__main__":
    raise SystemExit(main())
