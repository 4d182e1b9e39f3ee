"""Recognisers of chains written as clauses rather than lists: units each set up at a level
(党支部建在小区上、党小组建在楼栋上、党员中心户设在单元里) and the party's organisation
reaching down from one level to the next ones (从社区延伸到小区、楼栋、单元，形成四级网格).
They register with :func:`govkg.loaders.structures.recogniser`;
:mod:`govkg.loaders.pipeline` imports this module so that they are there when the structure
recogniser is built."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from govkg.loaders.enumerations import _level_of, cues
from govkg.loaders.structures import Chain, Context, Item, Structure, is_chain, recogniser
from govkg.loaders.zh import CN_NUMERAL, parse_count


@recogniser("units-at-levels")
def recognise_units_at_levels(ctx: Context) -> Iterable[Structure]:
    """把党支部建在小区上、党小组建在楼栋上、党员中心户设在单元里: each unit with the level it
    is set up at, the levels from the top down: a chain of the units at their levels
    (小区党支部, 楼栋党小组, 单元党员中心户)."""
    c, norm = cues(), ctx.norm
    verbs = "|".join(map(re.escape, c["set_up_at_verbs"]))
    # 把|党支部|建在|小区|上: the unit after 把 or 将, the level before 上, 里, 中 or 内
    unit = r"(?:(?![把将])[\u4e00-\u9fff]){2,8}?"
    one = (
        rf"(?P<unit>{unit})(?:{verbs})(?P<level>[\u4e00-\u9fff]{{1,4}}?)[上里中内]?"
        r"(?=[、，,；;。]|$)"
    )
    pair = re.compile(one)
    run = re.compile(
        rf"{one}(?:[、，,；;]{one})+".replace("(?P<unit>", "(?:").replace("(?P<level>", "(?:")
    )
    for m in run.finditer(norm, ctx.lo, ctx.hi):
        items: list[Item] = []
        pos = m.start()
        while (p := pair.match(norm, pos)) is not None and p.start() < m.end():
            unit, level = p.group("unit"), p.group("level")
            if _level_of(level) is None:
                break
            items.append(Item(level + unit, p.start("unit"), p.end("level")))
            pos = p.end() + 1
        if len(items) < 3 or not is_chain([i.text for i in items], ctx.lex):
            continue
        ctx.take(None, [i.text for i in items])
        name = "、".join(i.text for i in items)
        yield Chain(name, items, items[0].start, items[-1].end, False, (m.start(), m.end()))


@recogniser("reaching-down")
def recognise_reaching_down(ctx: Context) -> Iterable[Structure]:
    """从社区延伸到小区、楼栋、单元，形成四级网格: the level reached from and the levels reached,
    from the top down; named by a count of levels after it in the sentence (四级网格) that
    fits them, or by the levels."""
    c, norm = cues(), ctx.norm
    verbs = "|".join(map(re.escape, c["reach_down_verbs"]))
    start_re = re.compile(rf"从(?P<top>[\u4e00-\u9fff]{{1,6}}?)(?:{verbs})")
    for m in start_re.finditer(norm, ctx.lo, ctx.hi):
        e = next((e for e in ctx.free() if e.start == m.end() and e.joiner == "、"), None)
        if e is None:
            continue
        texts = [m.group("top"), *e.items]
        levels = [_level_of(t) for t in texts]
        ranks = [lv[0] for lv in levels if lv is not None]
        if len(ranks) < len(texts) or any(a >= b for a, b in pairwise(ranks)):
            continue  # levels only, from the top down, each below the one before
        items = [Item(m.group("top"), m.start("top"), m.end("top"))]
        items += [Item(t, a, b) for t, (a, b) in zip(e.items, e.item_spans, strict=True)]
        # …，再延伸到党员中心户: one more level reached, below the last
        more = re.match(
            rf"[，,]再(?:{verbs})(?P<more>[\u4e00-\u9fff]{{2,8}}?)(?=[，,。；;])", norm[e.end :]
        )
        if more is not None and _below(more.group("more"), ranks[-1]):
            a = e.end + more.start("more")
            items.append(Item(more.group("more"), a, a + len(more.group("more"))))
        named = re.search(
            rf"(?:形成|构建|建立|打造)(?:了|起)?(?:[\u4e00-\u9fff]{{1,8}}的)?"
            rf"(?P<name>(?P<n>(?:[{CN_NUMERAL}]|\d){{1,2}})级"
            rf"[\u4e00-\u9fff]{{1,6}})",
            norm[e.end : ctx.hi],
        )
        fits = named is not None and _count(named.group("n")) == len(items)
        if len(items) < 3 and not fits:
            continue
        ctx.take(e, e.items)
        name = named.group("name") if fits and named else "、".join(i.text for i in items)
        end = e.end + named.end() if fits and named else e.end
        yield Chain(name, items, m.start(), end, bool(fits), (m.start(), end))


def _below(text: str, rank: int) -> bool:
    """``text`` is a level, or a unit named by a level word at its end (党员中心户), below
    ``rank``."""
    lv = _level_of(text)
    if lv is not None:
        return lv[0] > rank
    rows = cues()["level_order"]
    return any(text.endswith(tuple(words)) for words in rows[rank:])


def _count(n: str) -> int | None:
    try:
        return parse_count(n)
    except ValueError:
        return None
