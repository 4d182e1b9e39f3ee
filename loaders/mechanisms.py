"""Recognisers of named mechanisms and their ordered steps (六步工作法, 双报到, …): numbered
steps after a name, clauses glossing a counted name, and lists named by a head noun, a
count or quotes, or parallel actions standing alone. They register with
:func:`govkg.loaders.structures.recogniser`; :mod:`govkg.loaders.pipeline` imports this
module so that they are there when the structure recogniser is built."""

from __future__ import annotations

import re
from collections.abc import Iterable

from govkg.loaders.enumerations import (
    Enumeration,
    _clause_breaks,
    _count_re,
    _echoes,
    _posseg,
    cues,
    heads_alt,
)
from govkg.loaders.lexicon import Lexicon, unify
from govkg.loaders.place_names import tag_words
from govkg.loaders.structures import (
    Context,
    Item,
    Mechanism,
    Structure,
    _count_fits,
    _items,
    _unnamed,
    _valid_name,
    recogniser,
)
from govkg.loaders.zh import CN_NUMERAL, parse_count


def _parallel(items: list[str]) -> bool:
    """Items written alike: at least three, of nearly one length, most of them actions."""
    c = cues()
    if len(items) < c["unnamed_min_items"]:
        return False
    lengths = [len(i) for i in items]
    if min(lengths) < c["unnamed_min_item_chars"] or max(lengths) > c["unnamed_max_item_chars"]:
        return False
    if max(lengths) - min(lengths) > c["unnamed_length_spread"]:
        return False
    # 组织重塑、功能重塑、机制重塑: one word shared at the same end
    for n in (2, 1):
        shared = len({i[-n:] for i in items}) == 1 or len({i[:n] for i in items}) == 1
        if shared:
            return True
    active = sum(any(f.startswith(("v", "a")) for _, f in _posseg(i)) for i in items)
    return active * 2 > len(items)


def _plain(e: Enumeration, lex: Lexicon) -> bool:
    """Items a mechanism may have: words, not numbers; outside quotes not places or bare
    levels either (下沉到街道、社区、网格)."""
    for i in e.items:
        if re.search(r"\d", i):
            return False
        if not e.quoted and (unify(i) in lex.areas or unify(i) in lex.covered_levels):
            return False
    return True


_CN_ORDINALS = "一二三四五六七八九十"


@recogniser("numbered")
def recognise_numbered(ctx: Context) -> Iterable[Structure]:
    """“三步工作法”：一是摸底排查，二是分类处置，三是跟踪回访: a name before a colon, then
    steps numbered in order (一是…二是…, 第一步…第二步…), read on into the next sentences;
    a count in the name must be the number of steps."""
    c, norm = cues(), ctx.norm
    heads = heads_alt()
    # the name, a head noun after a quoted one (“三事分流”工作法), then a colon, or a comma
    # where the first step's mark follows at once
    name_re = re.compile(
        rf"(?:[“「](?P<quoted>[^”」]{{2,12}})[”」](?P<head>{heads})?"
        rf"|(?P<counted>[{_CN_ORDINALS}\d]+[\u4e00-\u9fff]{{1,6}}))[:：，,。]"
    )
    # the mark that ends the sentence may follow the name (“六步工作法”。第一步，…)
    for m in name_re.finditer(norm, ctx.lo, min(len(norm), ctx.hi + 1)):
        written = m.group("quoted") or m.group("counted") or ""
        # (“三会制度”: a count before a word that is no count word is a count all the same)
        lead = re.match(r"[一二两三四五六七八九十]+(?=[\u4e00-\u9fff])", written)
        counted = _count_re().match(written) or lead
        # a counted name's steps may open the next sentence or paragraph instead (推行“四步
        # 工作法”，实现…。\n第一步，…)
        starts = [m.end()] + ([_next_sentence(norm, m.end() - 1)] if counted else [])
        forms = [(s, f) for s in starts for f in c["numbered_step_forms"]]
        for start, (before, after) in forms:
            items: list[Item] = []
            pos = start
            for k, ordinal in enumerate(_CN_ORDINALS, 1):
                mark = f"{before}{ordinal}{after}"
                if not norm.startswith(mark, pos):
                    break
                a = pos + len(mark)
                if norm[a : a + 1] in ("，", ",", "：", ":") and a + 1 < len(norm):
                    a += 1  # 第一步，网格员入户收集诉求: a comma after the mark
                b = a
                while (
                    b < len(norm)
                    and norm[b] not in "，。；：！？,;:!?\n"
                    and b - a <= c["numbered_step_max_chars"]
                ):
                    b += 1
                if b == a or b - a > c["numbered_step_max_chars"]:
                    break
                items.append(Item(norm[a:b], a, b))
                pos = b + 1
                # the next ordinal opens the next clause or sentence, after the step's details
                nxt = f"{before}{_CN_ORDINALS[k]}{after}" if k < len(_CN_ORDINALS) else ""
                stop = norm.find(nxt, pos, pos + 200) if nxt else -1
                if stop < 0 or norm[stop - 1] not in "，。；,;\n ":
                    break
                pos = stop
            if len(items) < 2:
                continue
            name = m.group("quoted") or m.group("counted")  # the head is no part of the name
            count = _count_re().match(name)
            if count or lead:
                n = count.group(1) if count else lead.group(0) if lead else ""
                if parse_count(n) != len(items):
                    continue
            elif m.group("counted"):
                continue
            ctx.take(None, [i.text for i in items])
            yield Mechanism(name, items, m.start(), items[-1].end, True, (m.start(), m.end()))
            break
        else:
            steps = _sequence_steps(norm, m.end())
            quoted_head = m.group("quoted") and re.search(rf"(?:{heads})$", m.group("quoted"))
            if steps and m.group("quoted") and (m.group("head") or quoted_head):
                # “屋场共谋”机制，首先…，其次…，最后…: steps in order, no count to check
                ctx.take(None, [i.text for i in steps])
                name = m.group("quoted")
                yield Mechanism(name, steps, m.start(), steps[-1].end, True, (m.start(), m.end()))


def _next_sentence(norm: str, pos: int) -> int:
    """Where the sentence after the one holding ``pos`` opens, past blanks and line breaks."""
    k = pos
    while k < len(norm) and norm[k] not in "。！？!?\n":
        k += 1
    while k < len(norm) and norm[k] in "。！？!?\n \u3000\t":
        k += 1
    return k


def _sequence_steps(norm: str, pos: int) -> list[Item]:
    """Steps opened by words of sequence at ``pos`` (首先…，其次…，最后…): the first word, any
    of the middle ones, and the last, each opening a clause within a few sentences; none
    unless the last word closes them."""
    c = cues()
    limit = c["sequence_step_max_chars"]
    for first, middles, last in c["sequence_step_words"]:
        if not norm.startswith(first, pos):
            continue
        items: list[Item] = []
        mark = first
        while True:
            a = pos + len(mark)
            if norm[a : a + 1] in ("，", ","):
                a += 1
            b = a
            while b < len(norm) and norm[b] not in "，。；：！？,;:!?\n" and b - a <= limit:
                b += 1
            if b == a or b - a > limit:
                return []
            items.append(Item(norm[a:b], a, b))
            if mark == last:
                return items if len(items) >= 2 else []
            found = [(norm.find(w, b, b + 200), w) for w in (*middles, last)]
            found = [(k, w) for k, w in found if k > 0 and norm[k - 1] in "，。；,;\n "]
            if not found:
                return []
            pos, mark = min(found)
    return []


def _step_mark(text: str, k: int) -> str:
    """The mark of the ``k``-th numbered step that opens ``text`` (一是, 第二步; 首先, 其次,
    最后), or ""."""
    if k > len(_CN_ORDINALS):
        return ""
    for before, after in cues()["numbered_step_forms"]:
        mark = f"{before}{_CN_ORDINALS[k - 1]}{after}"
        if text.startswith(mark):
            return mark
    for first, middles, last in cues()["sequence_step_words"]:
        words = [first] if k == 1 else [*middles, last]
        mark = next((w for w in words if text.startswith(w) and len(text) > len(w) + 1), "")
        if mark:
            return mark  # 首先问需于民，然后…
    return ""


@recogniser("named-list")
def recognise_named_list(ctx: Context) -> Iterable[Structure]:
    """推行“民情日记”工作法，做到A、B、C: a quoted name and the head of a method, a comma and a
    verb of doing it (做到, 坚持…), then a list of three or more parallel items that ends its
    clause: the method's steps."""
    c, norm = cues(), ctx.norm
    heads = heads_alt()
    verbs = "|".join(map(re.escape, c["method_doing_verbs"]))
    name_re = re.compile(
        rf"[“「](?P<quoted>[^”」]{{2,12}})[”」](?P<head>{heads})[，,](?:{verbs})[:：]?"
    )
    for m in name_re.finditer(norm, ctx.lo, ctx.hi):
        e = next((e for e in ctx.free() if e.start == m.end() and e.joiner == "、"), None)
        if e is None or e.kind != "bare" or len(e.items) < 3:
            continue
        lengths = [len(i) for i in e.items]
        if min(lengths) < 2 or max(lengths) > 10 or max(lengths) - min(lengths) > 2:
            continue  # items written alike: steps, not a list of sundry things
        ctx.take(e, e.items)
        name = m.group("quoted")  # the head is no part of the name
        yield Mechanism(name, _items(e), m.start(), e.end, True, (m.start(), m.end()))


@recogniser("counted-gloss")
def recognise_counted_gloss(ctx: Context) -> Iterable[Structure]:
    """“四议两公开”工作法，即A、B、C、D，E、F: a quoted name holding counts, 即, then lists
    whose sizes are those counts in order (4 then 2), or one list as long as their sum
    (“三会一课”，即A、B、C和D): the parts of the method, whatever their lengths."""
    c, norm = cues(), ctx.norm
    heads = heads_alt()
    openers = "|".join(
        map(re.escape, sorted(c["gloss_openers"] + c["parts_openers"], key=len, reverse=True))
    )
    # (“135”工作机制, “1+3+N”模式配备网格力量，即…: a few words may stand around the head)
    name_re = re.compile(
        rf"[“「](?P<quoted>[^”」]{{1,12}})[”」](?:(?P<headed>[\u4e00-\u9fff]{{0,4}}?(?P<head>{heads}))[\u4e00-\u9fff]{{0,8}}?|[\u4e00-\u9fff]{{1,6}}?)?"
        rf"[，,：:]?\s*(?:{openers})[:：]?"
    )
    joins = tuple(c["gloss_last_joins"])
    for m in name_re.finditer(norm, ctx.lo, ctx.hi):
        terms = _formula_terms(m.group("quoted"))
        counts = [len(terms)] if terms else _counts_in(m.group("quoted"))
        # “两新”，即…: one count and no head of a method names no method, unless every part
        # holds the counted word (“三事分流”，即大事…、小事…、私事…; “五个一”服务，即一个…)
        echo = _counted_word(m.group("quoted")) if len(counts) == 1 and not m.group("head") else ""
        if echo in c["role_suffixes"]:
            echo = ""  # “五长制”，即街道设街长…: roles, read as a chain
        # (a formula's terms open its parts: checked below, enough without a head)
        if not counts or (len(counts) < 2 and not m.group("head") and not echo and not terms):
            continue
        end = m.end()
        while end < ctx.hi and norm[end] not in "。！？!?\n":
            end += 1
        parts: list[list[Item]] = []
        pos = m.end()
        for part in re.split(r"[，；,;]", norm[m.end() : end]):
            texts = _split_outside_brackets(part)
            # …，以及A、B: the join that opens a part is no part of its first item
            lead = next(
                (j for j in sorted(joins, key=len, reverse=True) if texts[0].startswith(j)), ""
            )
            texts[0] = texts[0][len(lead) :]
            # A、B、C和D: the last item after a joining word; A和B、C、D (“一约四会”，即村规民约
            # 和村民议事会、…): the first before one, where the counts ask for one more item
            for at_k in (len(texts) - 1, 0):
                text_k = texts[at_k]
                j_k = next(
                    (j for j in sorted(joins, key=len, reverse=True) if text_k.find(j) > 0), None
                )
                if j_k is not None and len(texts) + 1 <= sum(counts):
                    k = text_k.find(j_k)
                    texts[at_k : at_k + 1] = [text_k[:k], text_k[k + len(j_k) :]]
                    break
            items: list[Item] = []
            at = pos
            for t in texts:
                text = t.strip()
                # “访民情、问需求，…”: the quotes around the whole gloss are no part of an item
                if text[:1] in "“「" and not any(q in text for q in "”」"):
                    text = text[1:]
                close = min((text.find(q) for q in "”」" if q in text), default=-1)
                if close >= 0 and not any(q in text[:close] for q in "“「"):
                    text = text[:close]  # …德治”相结合: the quoted gloss ends at its quote
                if not text:
                    break
                a = norm.index(text, at)
                items.append(Item(text, a, a + len(text)))
                at = a + len(text)
            pos += len(part) + 1
            if len(items) != len(texts):
                break
            parts.append(items)
            sizes = [len(p) for p in parts]
            if sizes == counts or (len(parts) == 1 and sizes[0] == sum(counts) > counts[0]):
                break
        sizes = [len(p) for p in parts]
        if not (sizes == counts or (len(parts) == 1 and sizes[0] == sum(counts))):
            continue
        steps = [i for p in parts for i in p]
        if any(not 2 <= len(i.text) <= c["max_item_chars"] for i in steps):
            continue
        if echo and (len(steps) < 3 or not all(echo in i.text for i in steps)):
            continue  # (“两新”，即新业态、新就业群体: two kinds, not a method's parts)
        vague = tuple(c["vague_counts"])
        if terms and not all(
            i.text.startswith(t) or (t in "Nn" and i.text.startswith(vague))
            for i, t in zip(steps, terms, strict=True)
        ):
            continue  # “135”，即1个目标、3支队伍、5项制度: each part opens with its term
        for e in ctx.enumerations:
            if m.start() <= e.start and e.end <= steps[-1].end:
                ctx.take(e, e.items)  # the lists inside the gloss: read here
        ctx.take(None, [i.text for i in steps])
        # a formula alone is no name (135 reads as a count): with its head it is (135工作机制)
        name = m.group("quoted") + ((m.group("headed") or "") if terms else "")
        yield Mechanism(name, steps, m.start(), steps[-1].end, True, (m.start(), m.end()))


def _counted_word(name: str) -> str:
    """The word a name of one count counts (三事分流 → 事, 五个一 → 一); empty for others."""
    m = re.match(r"[一二两三四五六七八九十]+个?([\u4e00-\u9fff])", name)
    return m.group(1) if m else ""


def _split_outside_brackets(part: str) -> list[str]:
    """``part`` split at each 、 outside brackets (3支队伍（网格员队伍、志愿者队伍）is one)."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(part):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            out.append(part[start:k])
            start = k + 1
    out.append(part[start:])
    return out


def _formula_terms(name: str) -> list[str]:
    """The terms of a name written as a formula of counts: 1+3+N → [1, 3, N], 135 → [1, 3,
    5]; [] for any other name."""
    if re.fullmatch(r"(?:\d+|[A-Za-z])(?:[+＋](?:\d+|[A-Za-z]))+", name):
        return re.split(r"[+＋]", name)
    if re.fullmatch(r"[1-9]{2,5}", name):
        return list(name)
    return []


def _counts_in(name: str) -> list[int]:
    """The counts a name holds, in order (四议两公开 → [4, 2], 三会一课 → [3, 1]); a count of
    items that are each one of something is one count (三个一 → [3])."""
    each = re.match(r"([一二两三四五六七八九十]+|\d+)个一", name)
    if each is not None:
        n = each.group(1)
        return [parse_count(n)]
    out = []
    for n in re.findall(r"[一二两三四五六七八九十]+|\d+", name):
        try:
            out.append(parse_count(n))
        except ValueError:
            return []
    return out


@recogniser("formula-of-parts")
def recognise_formula_of_parts(ctx: Context) -> Iterable[Structure]:
    """实行A成立…小组、B建立…联盟的“小组+联盟”模式: a quoted name joining words with +, after
    as many parts, each ending in its word (a closing quote may follow it): the parts, in
    order, from after a verb of method (实行, 推行…) or the clause start."""
    c, norm = cues(), ctx.norm
    for m in re.finditer(
        r"的[“「](?P<name>[\u4e00-\u9fff]{1,6}(?:[+＋][\u4e00-\u9fff]{1,6})+)[”」]",
        norm[ctx.lo : ctx.hi],
    ):
        terms = re.split(r"[+＋]", m.group("name"))
        end = ctx.lo + m.start()
        lo = end
        while lo > ctx.lo and norm[lo - 1] not in "，。；！？,;!?\n":
            lo -= 1
        verbs = sorted(c["method_verbs"] + c["method_doing_verbs"], key=len, reverse=True)
        opener = max(
            (norm.rfind(v, lo, end) + len(v) for v in verbs if norm.find(v, lo, end) >= 0),
            default=lo,
        )
        items: list[Item] = []
        pos = opener
        for k, term in enumerate(terms):
            last = k == len(terms) - 1
            hit = re.compile(re.escape(term) + r"[”」]?" + ("$" if last else "(?=、)"))
            found = hit.search(norm, pos, end)
            if found is None:
                break
            items.append(Item(norm[pos : found.end()], pos, found.end()))
            pos = found.end() + 1
        if len(items) != len(terms) or any(len(i.text) < 4 for i in items):
            continue
        ctx.take(None, [i.text for i in items])
        for e in ctx.enumerations:
            if opener <= e.start and e.end <= end:
                ctx.take(e, e.items)  # the lists inside the parts: read here
        yield Mechanism(
            m.group("name"), items, opener, ctx.lo + m.end(), True, (end, ctx.lo + m.end())
        )


@recogniser("comma-listed")
def recognise_comma_listed(ctx: Context) -> Iterable[Structure]:
    """推广A嵌入式服务，“甲、乙、丙”三方协同联动式服务，B结对式服务等模式: ways listed with
    commas (their own words hold 、) before 等 and a head of a method; three or more, all
    ending in one word (服务), the first after the verb that introduces them."""
    c, norm = cues(), ctx.norm
    heads = heads_alt()
    verbs = sorted(c["method_verbs"] + c["method_doing_verbs"] + c["promote_verbs"], key=len)
    for m in re.finditer(rf"等(?P<head>{heads})", norm[ctx.lo : ctx.hi]):
        end = ctx.lo + m.start()
        parts: list[tuple[int, int]] = []
        stop = end
        while True:
            k = max(norm.rfind(",", ctx.lo, stop), norm.rfind("，", ctx.lo, stop))
            parts.insert(0, (k + 1, stop))
            if k < ctx.lo:
                break
            stop = k
        texts = [norm[a:b] for a, b in parts]
        ending = texts[-1][-2:]
        # the run of parts that end in the last one's word
        run = len(texts)
        while run > 0 and texts[run - 1].endswith(ending):
            run -= 1
        keep = parts[run:]
        if len(keep) < 3 or len(ending) < 2:
            continue
        a, b = keep[0]
        first = norm[a:b]
        cut = max((first.rfind(v) + len(v) for v in verbs if v in first), default=-1)
        if cut <= 0:
            continue  # the first part opens after the verb that introduces the list
        keep[0] = (a + cut, b)
        items = [Item(norm[x:y], x, y) for x, y in keep]
        if any(not 4 <= len(i.text) <= c["comma_listed_max_chars"] for i in items):
            continue
        # the lists quoted inside the parts (“社区、物业、业委会”三方协同…) stay free:
        # they are structures of their own
        ctx.take(None, [i.text for i in items])
        name = "、".join(i.text for i in items)
        yield Mechanism(name, items, items[0].start, end, False, (items[0].start, ctx.lo + m.end()))


@recogniser("echoed-clauses")
def recognise_echoed_clauses(ctx: Context) -> Iterable[Structure]:
    """开展“双报到”活动。A积极到街道社区报到，B主动到居住地社区报到: a quoted name that counts
    (双, 三…) and a word (报到), then, later in its sentence or at the start of the next,
    exactly that many clauses in a row that each end in that word: its parts."""
    c, norm = cues(), ctx.norm
    counts = c["gloss_counts"]
    name_re = re.compile(rf"[“「](?P<n>[{''.join(counts)}])(?P<w>[\u4e00-\u9fff]{{1,3}})[”」]")
    heads = heads_alt()
    for m in name_re.finditer(norm, ctx.lo, ctx.hi):
        n, word = counts[m.group("n")], m.group("w")
        if re.match(rf"(?:{heads})?[:：]", norm[m.end() : m.end() + 8]):
            continue  # “双报到”制度：… is a gloss after a colon, read as such or not at all
        stop = ctx.hi
        nxt = stop
        while nxt < len(norm) and norm[nxt] not in "。！？!?\n":
            nxt += 1
        for lo, hi in ((m.end(), stop), (stop, nxt)):
            clauses: list[Item] = []
            pos = lo
            for part in re.split(r"[，；,;。:：]", norm[lo:hi]):
                text = part.strip()
                a = norm.find(text, pos) if text else pos
                pos = a + len(text) + 1
                if text.endswith(word) and len(text) >= len(word) + 4:
                    mark = _step_mark(text, len(clauses) + 1)  # 一是…, 二是…
                    clauses.append(Item(text[len(mark) :], a + len(mark), a + len(text)))
                elif clauses:
                    break
            if len(clauses) == n:
                if tuple(unify(i.text) for i in clauses) in ctx.found:
                    break  # read already (after a colon, or numbered)
                ctx.take(None, [i.text for i in clauses])
                name = m.group("n") + word
                yield Mechanism(
                    name, clauses, m.start(), clauses[-1].end, True, (m.start(), m.end())
                )
                break


@recogniser("echoed-lists")
def recognise_echoed_lists(ctx: Context) -> Iterable[Structure]:
    """开展“三零”创建，推动实现零上访、零事故、零案件; “三进三帮”…进A、进B、进C，帮D、帮E、帮F: a
    quoted name of counts and words, then, later in its sentence, one list for each count
    with that many items, each opening or ending with the count's word (the last item cut
    after it: 按大事、小事、私事分类处置)."""
    norm = ctx.norm
    part_re = re.compile(rf"([{CN_NUMERAL}])([\u4e00-\u9fff])")
    for m in re.finditer(r"[“「]([^”」]{2,6})[”」]", norm[ctx.lo : ctx.hi]):
        name = m.group(1)
        parts = []
        for p in part_re.finditer(name):
            try:
                parts.append((parse_count(p.group(1)), p.group(2)))
            except ValueError:
                break
        if not parts or part_re.match(name) is None:
            continue
        after = [e for e in ctx.free() if e.start >= ctx.lo + m.end() and e.joiner == "、"]
        steps: list[Item] = []
        used: list[Enumeration] = []
        for (n, word), e in zip(parts, after, strict=False):
            got = _echoing(e, n, word)
            if got is None:
                break
            steps += got
            used.append(e)
        if len(used) != len(parts) or len(steps) < 2:
            continue
        for e in used:
            ctx.take(e, e.items)
        ctx.take(None, [i.text for i in steps])
        start = ctx.lo + m.start()
        yield Mechanism(name, steps, start, steps[-1].end, True, (start, ctx.lo + m.end()))


def _echoing(e: Enumeration, n: int, word: str) -> list[Item] | None:
    """The items of ``e`` when there are ``n`` and each opens or ends with ``word`` (the last
    cut right after it when the others end with it)."""
    if len(e.items) != n:
        return None
    found = _items(e)
    if all(i.text.startswith(word) and len(i.text) > 1 for i in found):
        return found
    if all(i.text.endswith(word) for i in found[:-1]) and word in found[-1].text:
        last = found[-1]
        cut = last.text.index(word) + 1
        return [*found[:-1], Item(last.text[:cut], last.start, last.start + cut)]
    return None


@recogniser("glossed-clauses")
def recognise_glossed_clauses(ctx: Context) -> Iterable[Structure]:
    """推行“双报到”制度：A到社区报到，B到居住地社区报到。: a quoted name that opens with a
    count (双, 两, 三…), a colon, and exactly that many clauses to the end of the sentence,
    each a step or part of it."""
    c, norm = cues(), ctx.norm
    heads = heads_alt()
    counts = c["gloss_counts"]
    name_re = re.compile(
        rf"[“「](?P<quoted>(?P<n>[{''.join(counts)}])[^”」]{{1,10}})[”」](?P<head>{heads})?[:：]"
    )
    low, high = c["gloss_clause_chars"]
    for m in name_re.finditer(norm, ctx.lo, ctx.hi):
        end = m.end()
        while end < ctx.hi and norm[end] not in "。！？!?\n":
            end += 1
        items: list[Item] = []
        pos = m.end()
        for part in re.split(r"[，；,;]", norm[m.end() : end]):
            text = part.strip()
            if text:
                a = norm.index(text, pos)
                # 一是…，二是…: the step's number is no part of it
                mark = _step_mark(text, len(items) + 1)
                items.append(Item(text[len(mark) :], a + len(mark), a + len(text)))
            pos += len(part) + 1
        if len(items) != counts[m.group("n")]:
            continue
        if tuple(unify(i.text) for i in items) in ctx.found:
            continue  # read already (the pairs of a 包保 system)
        if not all(low <= len(i.text) <= high for i in items):
            continue
        ctx.take(None, [i.text for i in items])
        name = m.group("quoted")  # 双报到, not 双报到制度: the head says what kind it is
        yield Mechanism(name, items, m.start(), items[-1].end, True, (m.start(), m.end()))


@recogniser("joint-actors")
def recognise_joint_actors(ctx: Context) -> Iterable[Structure]:
    """党支部、居委、业委会、物业共同协商方案: three or more bodies listed before a word of
    acting together (共同, 联合…) and the action: a joint mechanism whose parts are the
    bodies, named by the action."""
    c = cues()
    together = "|".join(map(re.escape, c["joint_action_cues"]))
    endings = tuple(c["actor_endings"]) + tuple(c["organisation_suffixes"])
    for e in ctx.free():
        if e.joiner != "、" or e.quoted or e.kind != "bare" or len(e.items) < 3:
            continue
        m = re.match(rf"(.{{1,12}}?)(?:等)?(?:[{CN_NUMERAL}多]方)?(?P<cue>{together})", e.items[-1])
        if m is None:
            continue
        words, pos = _posseg(e.items[-1]), 0
        while words and pos < m.start("cue"):
            pos += len(words[0][0])
            words = words[1:]
        # the cue a word of its own and an action after it; not 共同体
        if pos != m.start("cue") or len(words) < 2 or words[0][0] != m.group("cue"):
            continue
        items = [*e.items[:-1], m.group(1)]
        if len(set(items)) < len(items) or not all(i.endswith(endings) for i in items):
            continue
        a, _ = e.item_spans[-1]
        spans = [*e.item_spans[:-1], (a, a + len(m.group(1)))]
        parts = [Item(t, x, y) for t, (x, y) in zip(items, spans, strict=True)]
        ctx.take(e, items)
        cue_end = a + m.end() + len(words[1][0])
        name = ctx.norm[a + m.start("cue") : cue_end]
        yield Mechanism(name, parts, e.start, cue_end, False, (spans[-1][1], cue_end))


@recogniser("means-before-action")
def recognise_means_before_action(ctx: Context) -> Iterable[Structure]:
    """以就近、就熟、方便走访确定联户范围: ways listed after 以 (or a verb of method) and
    before the action they serve, with no name; the last way ends where that action opens
    (a verb and its object). 以A、B为… gives the list a role, not a way of acting."""
    c = cues()
    openers = ("以", *c["method_verbs"])
    low, high = c["unnamed_min_item_chars"], c["unnamed_max_item_chars"]
    for e in ctx.free():
        if e.joiner != "、" or e.quoted or e.kind != "bare" or len(e.items) < 3:
            continue
        if not ctx.norm[max(ctx.lo, e.start - 2) : e.start].endswith(openers):
            continue
        # the item where the action opens: the list ends there (…确定联户范围和联户对象)
        at, cut = next(((k, _action_at(i)) for k, i in enumerate(e.items) if _action_at(i)), (0, 0))
        if at < 2:
            continue
        items = [*e.items[:at], e.items[at][:cut]]
        if not all(low <= len(i) <= high for i in items) or len(set(items)) < len(items):
            continue
        if any(unify(i) in ctx.lex.areas or unify(i) in ctx.lex.covered_levels for i in items):
            continue
        # ways of acting: most items hold a word of action or manner, not bare nouns (党员)
        active = sum(any(f[0] in "vadl" for _, f in _posseg(i)) for i in items)
        if active * 2 <= len(items):
            continue
        a, _ = e.item_spans[at]
        spans = [*e.item_spans[:at], (a, a + cut)]
        parts = [Item(t, x, y) for t, (x, y) in zip(items, spans, strict=True)]
        ctx.take(e, items)
        yield Mechanism("、".join(items), parts, e.start, a + cut, False)


def _action_at(item: str) -> int:
    """Where an action (a verb and its object) opens inside ``item`` after a way of two or
    more characters: 方便走访|确定联户范围 → 4; 0 when none does, or 为 (or another
    preposition) comes first."""
    low = cues()["unnamed_min_item_chars"]
    words, pos = _posseg(item), 0
    for k, (w, f) in enumerate(words):
        if f == "p":
            return 0
        nxt = words[k + 1][1] if k + 1 < len(words) else ""
        if pos >= low and f == "v" and (nxt.startswith("n") or nxt in ("vn", "l", "j")):
            return pos
        pos += len(w)
    return 0


@recogniser("graded-clauses")
def recognise_graded_clauses(ctx: Context) -> Iterable[Structure]:
    """网格事项实行分级处置：一般事项网格自办，复杂事项社区联办，重大事项街道统办: after a
    colon, two or more clauses to the end of the sentence, each a kind of one thing (the
    same word after a different one of two characters: 一般|事项, 复杂|事项) and how it is
    handled; named by the words before the colon, after the verb that opens them."""
    c, norm = cues(), ctx.norm
    low, high = c["graded_clause_chars"]
    verbs = tuple(sorted(c["method_verbs"] + c["method_doing_verbs"], key=len, reverse=True))
    for m in re.finditer(r"[:：]", norm[ctx.lo : ctx.hi]):
        colon = ctx.lo + m.start()
        end = colon + 1
        while end < len(norm) and norm[end] not in "。！？!?\n":
            end += 1
        items: list[Item] = []
        pos = colon + 1
        for part in re.split(r"[，,；;]", norm[colon + 1 : end]):
            text = part.strip()
            if text:
                a = norm.index(text, pos)
                items.append(Item(text, a, a + len(text)))
            pos += len(part) + 1
        if len(items) < 2 or not all(low <= len(i.text) <= high for i in items):
            continue
        if any(re.search(r"\d", i.text) for i in items):
            continue  # 城区网格320个，农村网格150个: figures, not ways of handling
        kinds = {i.text[:2] for i in items}
        if len({i.text[2:4] for i in items}) != 1 or len(kinds) != len(items):
            continue
        if not _posseg(items[0].text[2:4])[-1][1].startswith("n"):
            continue  # the shared word names the thing (事项), not an action
        if tuple(unify(i.text) for i in items) in ctx.found:
            continue
        before = _clause_before(norm, colon, ctx.lo)
        cut = max((before.rfind(v) + len(v) for v in verbs if v in before), default=0)
        name = before[cut:] if 2 <= len(before) - cut <= 10 else ""
        ctx.take(None, [i.text for i in items])
        start = colon - len(name) if name else items[0].start
        yield Mechanism(
            name or "、".join(i.text for i in items), items, start, items[-1].end, bool(name)
        )


@recogniser("mechanism")
def recognise_mechanism(ctx: Context) -> Iterable[Structure]:
    """A mechanism and its steps: a quoted list named by a count that fits, a head noun or a
    quoted name (“摸底、组建…”六步工作法; “就近、就便、就熟”原则), or standing alone
    (“选、育、用、管”); an unquoted list of three or more named the same ways (三张清单;
    “三建一管”方式; …的原则, …等方式); a list with no name whose items are parallel
    actions and end their clause (明责、赋权、扩能、减负)."""
    for e in ctx.free():
        if e.joiner != "、" or not _count_fits(e) or not _plain(e, ctx.lex):
            continue
        if _composition(ctx.norm, e):
            continue
        if _mechanism_named(e) or _mechanism_unnamed(e, ctx):
            ctx.take(e, e.items)
            named = _valid_name(e.name) or _echoed_name(e)
            name = e.name if named else _unnamed(e)
            if not named and _described_parts(e.items):
                # …的领导体系、…的权责体系、…的标准体系 → 领导体系、权责体系、标准体系
                name = "、".join(i.rsplit("的", 1)[-1] for i in e.items)
            end = max(e.end, e.name_end)
            yield Mechanism(name, _items(e), e.start, end, named, (e.end, end))


def _composition(norm: str, e: Enumeration) -> bool:
    """由A、B、C组成的…: the list says what a body is made of, not the steps of a method."""
    verbs = tuple(cues()["composition_verbs"])
    return norm[max(0, e.start - 1) : e.start] == "由" and e.items[-1].endswith(verbs)


def _echoed_name(e: Enumeration) -> bool:
    """A quoted name that counts the items by the word they share (“三到位”…，即“组织到位、
    人员到位、责任到位”): a name, though it ends in a verb."""
    return e.kind == "quoted-name" and _echoes(e.name, e.items)


def _mechanism_named(e: Enumeration) -> bool:
    c = cues()
    if _echoed_name(e):
        return True
    lead = re.match(r"[一二两三四五六七八九十]+", e.name) if e.kind == "quoted-name" else None
    if lead is not None and len(e.name) > len(lead.group(0)) and len(e.items) >= 2:
        # A、B、C“三驾马车”: a quoted name that opens with the count of the items
        fits = parse_count(lead.group(0)) == len(e.items) and _counts_in(e.name) == [len(e.items)]
        if fits and all(len(i) >= 2 for i in e.items):  # (not 一、建强社区“两委”: a heading)
            return True
    if not _valid_name(e.name):
        return False
    if len(e.items) < (2 if e.quoted and not e.run else c["unquoted_min_items"]):
        return False
    if e.kind == "numeral" or (e.count is not None and e.kind != "deng"):
        return e.count is not None
    # a head of one character needs a name before it (六步法, 积分制): 执法 is no method
    headed = any(
        e.name.endswith(h) and (len(h) > 1 or len(e.name) >= 3) for h in c["mechanism_heads"]
    )
    if e.kind == "deng" and e.name in c["deng_plural_heads"]:
        return False  # 考核、培训、退出等机制: several mechanisms, not one with steps
    if e.kind in ("de", "deng", "quoted-name", "direct"):
        # “冷可取暖、…”的“暖新驿站”: a quoted list may be named by a quoted word alone
        return headed or (e.quoted and e.quoted_name)
    return False


def _mechanism_unnamed(e: Enumeration, ctx: Context) -> bool:
    c = cues()
    if e.name or e.run:
        return False
    if e.quoted and e.kind in ("standalone", "direct"):
        # “选、育、用、管”: steps abbreviated to a character or two; “访民情、议民事、解民难”
        # 活动: a quoted list that a noun follows names what it is; other quoted phrases with
        # no name are slogans, unless a quoted pair opens its sentence (“街道吹哨、部门报到”，…)
        if e.kind == "standalone" and _after_slogan_verb(ctx.norm, e.start, ctx.lo):
            # 推行“一格多员、一员多能”; 坚持“每日一碰头、每周一调度…”: what is done, quoted
            low, high = c["quoted_practice_chars"]
            lengths = [len(i) for i in e.items]
            if min(lengths) >= low and max(lengths) <= high and max(lengths) - min(lengths) <= 1:
                return True
        if len(e.items) >= c["unnamed_min_items"]:
            after = _posseg(ctx.norm[e.end : e.end + 4])
            if e.kind == "direct" and after and after[0][1] in ("n", "vn", "nz"):
                return True
            # “找出来、组起来、动起来”: actions of one length that end in one word, in order
            one_end = len({i[-1] for i in e.items}) == 1 and len({len(i) for i in e.items}) == 1
            if e.kind == "standalone" and one_end and _parallel(e.items):
                # but not how it turns out (送得安心、住得舒心: 得 and a state)
                outcome = any("得" in i[1:-1] for i in e.items)
                return not outcome and not e.items[0].endswith(tuple(c["describing_endings"]))
            return all(len(i) <= c["abbreviated_step_chars"] for i in e.items)
        return (
            e.kind == "standalone"
            and not ctx.norm[ctx.lo : e.start].strip()
            and len({len(i) for i in e.items}) == 1
            and len(e.items[0]) >= 4
        )
    if e.kind == "deng" and ctx.norm[e.end + 1 : e.end + 2] in _clause_breaks():
        # 通过A、B、C等，…; but 为A、B、C等提供便捷途径: a list before a verb is its object
        return _parallel(e.items)
    if e.kind == "bare" and len(e.items) == 2 and _paired_rule(ctx.norm, e, ctx.lo):
        return True
    if e.kind != "bare" or len(e.items) < c["unnamed_min_items"]:
        return False
    if all(any(ch in c.opens for ch in i[:3]) for i in e.items):
        return True  # each item a quoted practice: “一口清”导办、“一门式”受理…
    if _described_parts(e.items):
        return True
    if not _parallel(e.items):
        return False
    describing = tuple(c["describing_endings"])
    if all(i.endswith(describing) for i in e.items):
        return False  # 老旧小区多、流动人口多、商务楼宇多: what a place is like, not a method
    # a list that ends its clause is a mechanism when it is the whole clause (明责、赋权、
    # 扩能、减负) or follows a verb of method (通过…), or when its items are one action on
    # different objects (组织重塑、功能重塑、机制重塑)
    before = _clause_before(ctx.norm, e.start, ctx.lo)
    if not before or before.endswith(tuple(c["method_verbs"])):
        return True
    opens = {i[:2] for i in e.items}
    if len(opens) == 1 and all(len(i) >= 4 for i in e.items):
        # 带头摸底、带头签字、带头出资: one way of acting (a verb or an adverb) on each
        return _posseg(next(iter(opens)))[0][1] in ("v", "d", "vd")
    ends = {i[-2:] for i in e.items}
    if len(ends) != 1:
        return False
    # the shared word is a verb, as the segmenter tags it alone or the model in the item
    # (the segmenter tags 重塑 a noun; the model, reading 队伍|重塑, a verb)
    end = next(iter(ends))
    verbs = ("v", "vn")
    return _posseg(end)[-1][1] in verbs or tag_words(e.items[0])[-1] == (end, "v")


def _after_slogan_verb(norm: str, start: int, lo: int) -> bool:
    """A quoted list right after a verb of putting practices to work (推行, 坚持…), or one
    that ends a clause such a verb opens (推行小区党组织与物业企业“双向进入、交叉任职”，)."""
    verbs = tuple(cues()["quoted_practice_verbs"])
    if norm[max(lo, start - 3) : start].endswith(verbs):
        return True
    clause = _clause_before(norm, start, lo)
    end = norm.find("”", start)
    closes = end > 0 and norm[end + 1 : end + 2] in _clause_breaks()
    return closes and len(clause) <= 20 and clause.startswith(verbs)


def _paired_rule(norm: str, e: Enumeration, lo: int) -> bool:
    """做到小事不出网格、大事不出社区: two rules written alike (one word in the same place of
    both, 不出), the whole of what a verb of method asks for."""
    a, b = e.items
    before = _clause_before(norm, e.start, lo)
    if not before.endswith(tuple(cues()["method_doing_verbs"])) or abs(len(a) - len(b)) > 1:
        return False
    if a.startswith("以") or b.startswith("以"):
        return False  # 以职业化为基础、以专业化为导向: roles given, not rules
    return len(a) >= 4 and a[:2] != b[:2] and a[2:4] == b[2:4]


def _described_parts(items: list[str]) -> bool:
    """The parts of one system, each described before one head noun of a mechanism
    (…有力的领导体系、…高效的权责体系、…规范的标准体系): every item holds a 的 and they all end
    in the same head."""
    heads = sorted(cues()["mechanism_heads"], key=len, reverse=True)
    ends = {next((h for h in heads if i.endswith(h)), None) for i in items}
    (head,) = ends if len(ends) == 1 else (None,)
    de = cues()["name_openers"]["de"]
    return head is not None and len(head) >= 2 and all(any(d in i for d in de) for i in items)


def _clause_before(norm: str, start: int, lo: int) -> str:
    """The text of the clause before ``start``, without blanks or ellipses."""
    k = start
    breaks = _clause_breaks()
    while k > lo and norm[k - 1] not in breaks:
        k -= 1
    return norm[k:start].strip(" …\u3000")
