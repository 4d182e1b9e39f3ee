"""The recogniser of 包保 systems: pairs of a cadre rank, a 包保 verb and a covered level
(省级领导包市、市级领导包县…), joined by 、 or commas, and the system's name around them. It
registers with :func:`govkg.loaders.structures.recogniser`; :mod:`govkg.loaders.pipeline`
imports this module so that it is there when the structure recogniser is built."""

from __future__ import annotations

import re
from collections.abc import Iterable

from govkg.loaders.enumerations import _level_rank, _posseg, cues
from govkg.loaders.lexicon import Lexicon, unify
from govkg.loaders.structures import Chain, Context, Item, Structure, System, Tier, recogniser
from govkg.ontology.ids import iri


@recogniser("baobao")
def recognise_baobao(ctx: Context) -> Iterable[Structure]:
    """省级领导包市、市级领导包县…: two or more pairs of a cadre rank, a 包保 verb and a
    covered level."""
    lex, norm = ctx.lex, ctx.norm
    c = cues()
    ranks = "|".join(map(re.escape, sorted(lex.cadre_ranks, key=len, reverse=True)))
    heads = "|".join(
        map(re.escape, sorted({*c["cadre_heads"], *c["role_words"]}, key=len, reverse=True))
    )
    # a rank the lexicon knows, or a phrase that ends like one (街道班子成员, 社区“两委”成员)
    one = rf"(?:{ranks}|[\u4e00-\u9fff“”「」『』‘’（）()]{{0,{c['cadre_max_chars']}}}?(?:{heads}))"
    # two ranks sharing a tier (科级干部和社区两委成员包网格)
    rank = rf"{one}(?:[和及与]{one})?"
    verbs = "|".join(map(re.escape, sorted(c["baobao_verbs"], key=len, reverse=True)))
    # the covered level may carry a gloss in brackets, a list inside it (县（市、区）)
    covered = r"[^、，。；,;“”「」『』（(]{1,8}?(?:[（(][^）)]{1,8}[）)])?"
    # …党员包户制度: a system's head may follow the last pair at once
    ends = "|".join(map(re.escape, c["baobao_name_heads"]))
    # (街道班子成员每人联系1至2个社区: each cadre, and how many of the level each covers)
    each = r"(?:每人|每名|每位)?"
    many = r"(?:\d+(?:[至到~—-]\d+)?个)?"
    pair = rf"({rank}){each}({verbs}){many}({covered})(?=[、，。；,;“”「」『』的]|{ends})"
    sentence = norm[ctx.lo : ctx.hi]
    # pairs joined by 、, or by commas where each clause is a pair (“双包”：A包B，C包D)
    for m in re.finditer(rf"{pair}(?:[、，,；;]{pair})+", sentence):
        tiers: list[Tier] = []
        items: list[Item] = []
        for pm in re.finditer(pair, m.group(0) + "、"):
            cadre, covered = _rank_phrase(pm.group(1), lex), pm.group(3)
            cut = len(pm.group(1)) - len(cadre)  # 实行|市级领导: words before the rank
            found = _covered_level(covered, lex)
            verb = pm.group(2)
            if found is None and len(verb) == 2 and verb[:1] in c["baobao_verbs"]:
                # 党员包联系户: 包 and 联系户, not 包联 and 系户
                retry = _covered_level(verb[1:] + covered, lex)
                if retry is not None:
                    found, covered = retry, verb[1:] + covered
            if found is None:
                break
            level, broader = found
            cadre_iri = lex.cadre_ranks.get(cadre) or iri("cadre-rank", unify(cadre)).value
            tiers.append(Tier(cadre, covered, cadre_iri, level, broader))
            a = ctx.lo + m.start() + pm.start() + cut
            items.append(Item(pm.group(0)[cut:], a, a + len(pm.group(0)) - cut))
        else:
            if len(tiers) < 2:
                continue
            a, b = items[0].start, ctx.lo + m.end()
            # “…包镇、…包村”的三级包保责任制: the name after a quoted list
            tail = b + 1 if norm[b : b + 1] in "”」" else b
            # 的“五级包保”责任制: the quoted word is the system's name
            quoted = re.match(r"的?[“「]([^”」]{2,8})[”」]", norm[tail : tail + 12])
            name, used = (quoted.group(1), quoted.end()) if quoted else ("", 0)
            if not name:  # …的包联机制: a name after the list that ends in a system's head
                heads = "|".join(map(re.escape, c["baobao_name_heads"]))
                # 的 may be left out right after the quote (“…包组”三级包联机制)
                de = "的?" if tail > b else "的"
                after = re.match(
                    rf"{de}([\u4e00-\u9fff]{{1,8}}?(?:{heads}))", norm[tail : tail + 14]
                )
                # …的两级包保。: the system's own word ends the name
                names = "|".join(map(re.escape, c["baobao_names"]))
                after = after or re.match(
                    rf"{de}([\u4e00-\u9fff]{{0,6}}(?:{names}))(?![\u4e00-\u9fff])",
                    norm[tail : tail + 14],
                )
                name, used = (after.group(1), after.end()) if after else ("", 0)
            end = tail + used if name else b
            if not name:  # a quoted name and a colon right before the list (“双包”制度：…)
                heads = "|".join(map(re.escape, c["baobao_name_heads"]))
                # or a gloss after it (“双联系”制度，即…)
                openers = "|".join(map(re.escape, c["gloss_openers"]))
                # (“四包”责任制，由…: by whom each tier is taken)
                glossed = re.search(
                    rf"[“「]([^”」]{{2,8}})[”」](?:{heads})?(?:[:：]|[，,]?(?:{openers}|由)[:：]?)$",
                    norm[max(ctx.lo, a - 20) : a],
                )
                name = glossed.group(1) if glossed else ""
            if not name:  # a name before the list (落实五级包保责任制，…)
                names = "|".join(map(re.escape, c["baobao_names"]))
                named = re.search(rf"[\u4e00-\u9fff]{{2}}(?:{names})", norm[ctx.lo : a])
                name = named.group(0) if named else ""
                if named is not None:
                    # 实行网格化包保: the whole word before the name's head (网格化, not 格化)
                    head_at = ctx.lo + named.start() + 2
                    word = _posseg(norm[ctx.lo : head_at])[-1]
                    if len(word[0]) > 2 and not word[1].startswith(("v", "p", "d", "c")):
                        name = word[0] + name[2:]
            unnamed = not name
            name = name or "、".join(i.text for i in items)
            ctx.take(None, [i.text for i in items])
            for e in ctx.enumerations:
                if a < e.end <= b:
                    ctx.used.add(id(e))  # the same pairs as a list (县级领导联系|乡镇、…)
            yield System(name, items, a, end, not unnamed, (a, end), tiers=tiers)
            if not any(re.search(r"\d", i.text) for i in items):
                # (pairs that say how many each covers assign cadres; they rank no levels)
                yield Chain(name, items, a, end, not unnamed, (a, end))


def _covered_level(covered: str, lex: Lexicon) -> tuple[str, str | None] | None:
    """The level a 包保 pair covers and, for a level word of its own, the level it is a kind
    of; None for words that name no level."""
    c = cues()
    level = lex.covered_levels.get(covered) or lex.covered_levels.get(unify(covered))
    bare = re.sub(r"[（(][^）)]*[）)]$", "", covered)  # 县（市、区） → 县
    if level is None and bare != covered:
        level = lex.covered_levels.get(bare) or lex.covered_levels.get(unify(bare))
    if level is None:
        level = _covered_by_initial(covered, lex)
    short = c["covered_short_forms"].get(covered)
    if level is None and short is not None:
        # 包片, 包格: one character for the level (片区, 网格)
        level = lex.covered_levels.get(short) or iri("covered-level", short).value
    if level is None and _one_level(covered):
        # 楼栋, 单元: a level still; 乡镇街道, 村社区: two names of one level
        level = iri("covered-level", unify(covered)).value
    if level is not None:
        return level, None
    # 苏木镇, 嘎查村: a level of its own, a kind of the level its last word names
    ends = [covered[k:] for k in range(1, len(covered)) if covered[k:] in lex.covered_levels]
    if not ends:
        return None
    return iri("covered-level", unify(covered)).value, lex.covered_levels[ends[0]]


def _one_level(text: str) -> bool:
    """True for a level word (楼栋) or two words of one level written together (乡镇街道)."""
    ranks = _level_rank()
    if text in ranks:
        return True
    return any(
        text[:k] in ranks and ranks.get(text[k:]) == ranks[text[:k]] for k in range(1, len(text))
    )


def _rank_phrase(text: str, lex: Lexicon) -> str:
    """The cadre rank a 包保 pair opens with, without the words before it: the longest rank
    the lexicon knows that ends it (实行市级领导 → 市级领导), else a level, 级 and a head
    that end it (全面推行区级领导 → 区级领导), else the phrase without its leading verbs,
    adverbs and function words (全面落实网格员 → 网格员)."""
    both = re.fullmatch(r"(.+?[^\W\d_])([和及与])(.{2,})", text)
    if both is not None and _rank_phrase(both.group(3), lex) == both.group(3):
        # 驻村工作队员和村干部: two ranks of one tier, each read alone
        return _rank_phrase(both.group(1), lex) + both.group(2) + both.group(3)
    parts = re.split(r"([“「『‘])", text)
    if len(parts) > 1:
        # 实行“镇领导: the rank opens the quoted list; 社区“两委”干部: the quote is the rank's,
        # with the level before it
        closed = any(q in parts[-1] for q in "”」』’")
        text = parts[-2] + parts[-1] if closed else parts[-1]
        words = list(_posseg(parts[-3])) if closed and len(parts) > 2 else []
        while words and words[0][1].startswith(("v", "d", "p", "c")):
            words = words[1:]
        before = "".join(w for w, _f in words)
        level_words = tuple(w for ws in cues()["level_order"] for w in ws)
        bare = re.sub(r"[（(][^）)]*[）)]$", "", before)  # 村（社区）“两委”成员
        if len(bare) <= 4 and bare.endswith(level_words):
            text = before + text  # 嘎查村『两委』成员: the level the quoted body is of
    known = [r for r in lex.cadre_ranks if text.endswith(r)]
    if known:
        return max(known, key=len)
    # 全面推行区级领导 → 区级领导: a level word (and 级) opening the rank ends what is before
    levels = "|".join(
        sorted((w for ws in cues()["level_order"] for w in ws), key=len, reverse=True)
    )
    c = cues()
    heads = "|".join(
        map(re.escape, sorted({*c["cadre_heads"], *c["role_words"]}, key=len, reverse=True))
    )
    # 区直部门 too; and two levels of one tier (乡镇街道领导, 村社区干部)
    leveled = re.search(rf"(?:{levels})+[级直]?(?:{heads})$", text)
    words = list(_posseg(text))
    if leveled is not None:
        before = _posseg(text[: leveled.start()])
        cuts = {sum(len(w) for w, _f in words[:k]) for k in range(len(words) + 1)}
        # …推行|区级领导; but 苏木镇干部: a name before the level is the rank's own, and so is
        # a word the level is part of (驻村|队员)
        named = bool(before) and before[-1][1] in ("ns", "nr", "nrt", "nz")
        if leveled.start() in cuts and not named:
            return leveled.group(0)
    while len(words) > 1 and words[0][1].startswith(("v", "d", "p", "c", "u", "r", "ad")):
        words = words[1:]
    return "".join(w for w, _f in words)


def _covered_by_initial(text: str, lex: Lexicon) -> str | None:
    for label, s in sorted(lex.covered_levels.items(), key=lambda kv: -len(kv[0])):
        if label and text[:1] == label[:1] and len(label) >= 2:
            return s
    return None
