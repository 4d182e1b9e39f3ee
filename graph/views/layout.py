"""Layout: pure functions from a graph's shape to positions (trees laid out left to right,
blocks packed into columns, boxes sized by their wrapped labels and kept from overlapping),
in the manner of networkx's ``drawing/layout.py``. Layouts are computed here, not in the
browser, so the same graph always gives the same bytes."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from govkg.graph.views.model import Node, Page
from govkg.graph.views.records import Units
from govkg.graph.views.text import line_count, wrap_label

FONT_PX = 16
BOX_PAD = 22  # vis box margin (8 each side), the border and some air
LINE_PX = 24  # a line of text and the spacer the page script puts between lines
BOX_EXTRA = 16  # a drawn box is LINE_PX per line plus this (margins and border)
BOX_GAP = 8  # least room between two boxes one above the other, once labels are wrapped
MAX_LINES = 12  # labels are wrapped, never cut, up to this many lines


def box_height(text: str, width: int) -> float:
    """Height of a box of ``width`` holding ``text`` once wrapped (as the page draws it)."""
    lines = line_count(wrap_label(text, max(2, int((width - BOX_PAD) / FONT_PX)), MAX_LINES))
    return lines * LINE_PX + 10


def box_slot(texts: Iterable[str], width: int, gap: float = 14) -> float:
    """Vertical distance between stacked boxes of ``width`` holding these texts."""
    return max((box_height(t, width) for t in texts), default=box_height("", width)) + gap


def prepare_labels(node: Node) -> tuple[str, str | None]:
    """Wrap the labels to the node's width (fixed layouts rely on known box sizes), in
    both languages and without cutting them; return the labels as they were, for the
    tooltip."""
    full = (node.zh, node.en)
    per_line = max(2, int((node.width - BOX_PAD) / FONT_PX))
    if node.wrap:
        per_line = min(per_line, node.wrap)
    node.zh = wrap_label(node.zh, per_line, MAX_LINES)
    if node.en:
        node.en = wrap_label(node.en, per_line, MAX_LINES)
    return full


def drawn_height(node: Node) -> int:
    """Height of the box the page draws for a prepared node, in the language whose label
    has more lines: the layout is the same in both languages."""
    return max(line_count(node.zh), line_count(node.en or "")) * LINE_PX + BOX_EXTRA


def make_room(nodes: list[Node], bin_px: int = 20) -> None:
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
            half = drawn_height(n) / 2
            lo, hi = int((n.x - n.width / 2 - 4) // bin_px), int((n.x + n.width / 2 + 4) // bin_px)
            spans.append((n, half, lo, hi))
            above = max((bottoms.get(b, -math.inf) for b in range(lo, hi + 1)), default=-math.inf)
            need = max(need, above + BOX_GAP - (y + shift - half))
        shift += need
        for n, half, lo, hi in spans:
            n.y = y + shift
            for b in range(lo, hi + 1):
                bottoms[b] = max(bottoms.get(b, -math.inf), n.y + half)


def tree_lr(
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


def pack_columns(
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


def spread_out(values: list[float], gap: float) -> list[float]:
    """Push sorted positions apart so that neighbours are at least ``gap`` apart."""
    out: list[float] = []
    for v in values:
        out.append(v if not out or v >= out[-1] + gap else out[-1] + gap)
    return out


def spread_column(page: Page, x: float, gap: float) -> None:
    col = sorted((n for n in page.nodes if n.x == x), key=lambda n: (n.y, n.key))
    for n, y in zip(col, spread_out([n.y for n in col], gap), strict=True):
        n.y = y


def descendant_counts(children: Mapping[str, list[str]], units: Units) -> dict[str, dict[str, int]]:
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


def unit_children(units: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """The units under each unit: those it is the (least) parent of."""
    children: dict[str, list[str]] = defaultdict(list)
    for u, d in units.items():
        if d["parent"] in units and d["parent"] != u:
            children[d["parent"]].append(u)
    return children
