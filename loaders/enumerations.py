"""Lists in report sentences, the first step of reading ordered structures: A、B、C;
“A、B、C”; “A”“B”“C”; A—B—C, A-B-C, A→B, A+B+C, each with the name written after it (的X,
等X, “X”, a count name). The cue words are data (``structures.yaml``);
:mod:`govkg.loaders.structures` reads structures from these lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from govkg.loaders.zh import CN_NUMERAL, parse_cn_int, parse_count

_SENT_BREAK = "。；！？;!?｡\n"

# --------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cues:
    """The rules of ``structures.yaml``, with the regular expressions built from them."""

    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def opens(self) -> str:
        return "".join(o for o, _ in self.data["quotes"] if o != "'")

    @property
    def closes(self) -> str:
        return "".join(c for o, c in self.data["quotes"] if o != "'")


@cache
def cues() -> Cues:
    text = resources.files("govkg.loaders").joinpath("structures.yaml").read_text("utf-8")
    return Cues(yaml.safe_load(text))


@cache
def heads_alt() -> str:
    """The heads of a method's name (工作法, 机制…) as a regular-expression alternation,
    longest first."""
    return "|".join(map(re.escape, sorted(cues()["mechanism_heads"], key=len, reverse=True)))


@cache
def _heads() -> tuple[str, ...]:
    c = cues()
    words = set(c["mechanism_heads"]) | set(c["hierarchy_heads"]) | set(c["count_words"])
    words |= set(c["baobao_names"]) | set(c["working_group_names"]) | set(c["alliance_words"])
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _counted_only() -> frozenset[str]:
    """Count words of one character that are no head alone (类 of 分类): only after a count
    (三类, 九联, 三级长)."""
    c = cues()
    own = set(c["mechanism_heads"]) | set(c["hierarchy_heads"])
    return frozenset(w for w in c["count_words"] if len(w) == 1 and w not in own)


def _ends_in_head(text: str) -> bool:
    if not text.endswith(_heads()):
        return False  # the common case, decided at once
    for h in _heads():
        if text.endswith(h):
            if h not in _counted_only():
                return True
            # 三类, 三级长: a count right before it, or before one more count word
            if re.search(rf"[\d{CN_NUMERAL}]", text[-len(h) - 2 : -len(h)]):
                return True
    return False


@cache
def _count_re() -> re.Pattern[str]:
    words = "|".join(map(re.escape, sorted(cues()["count_words"], key=len, reverse=True)))
    return re.compile(rf"^([{CN_NUMERAL}]+|\d+)(?={words})")


@cache
def _level_rank() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, words in enumerate(cues()["level_order"], 1):
        for w in words:
            ranks.setdefault(w, rank)
    return ranks


@lru_cache(maxsize=8192)
def _posseg(text: str) -> tuple[tuple[str, str], ...]:
    import jieba.posseg

    return tuple((w, f) for w, f in jieba.posseg.cut(text))


def _level_of(item: str) -> tuple[int, str] | None:
    """The level an item opens with (街道（乡镇）班子 → 街道) and what follows it."""
    ranks = _level_rank()
    for w in sorted(ranks, key=len, reverse=True):
        if item.startswith(w):
            rest = re.sub(r"（[^）]*）|\([^)]*\)|[“”「」]", "", item[len(w) :])
            return ranks[w], rest
    return None


# --------------------------------------------------------------------------- enumerations


@dataclass
class Enumeration:
    """A list of two or more items in one sentence and the name written after it."""

    items: list[str]
    item_spans: list[tuple[int, int]]
    start: int
    end: int  # end of the list (before the name)
    quoted: bool
    joiner: str = "、"
    name: str = ""
    name_end: int = 0
    # how the name is attached: "de" (…的X), "deng" (…等X), "quoted-name" (…“X”),
    # "numeral" (…四网融合), "direct" (“…”机制), "standalone" (“…” alone), "bare" (the list
    # ends its clause)
    kind: str = ""
    count: int | None = None
    quoted_name: bool = False
    run: bool = False  # quoted items one after another (“A”“B”“C”)


def _clause_breaks() -> str:
    return cues()["clause_breaks"]


def _one_of(ch: str, chars: str) -> bool:
    return bool(ch) and ch in chars


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _boundaries(text: str) -> set[int]:
    out, pos = {0}, 0
    for w, _ in _posseg(text):
        pos += len(w)
        out.add(pos)
    return out


def _trim_first(segment: str, others: list[str]) -> int:
    """How many characters at the end of the first list segment belong to the first item:
    as long as the other items when they all have one length and the cut falls between
    words, else the noun-like words before the first separator."""
    lengths = {len(o) for o in others}
    if len(lengths) == 1:
        n = lengths.pop()
        cut = len(segment) - n
        if cut == 0:
            return n
        if cut > 0 and cut in _boundaries(segment):
            cand = segment[-n:]
            balanced = all(cand.count(a) == cand.count(b) for a, b in ("()", "（）", "“”"))
            # the cut follows a verb or a function word (实施了|…, 通过|…), or the items
            # share a character in place (“一口清”导办、“一门式”受理)
            before = _word_before(segment, cut)
            shares = all(
                any(a == b and a not in "的()（）" for a, b in zip(cand, o, strict=False))
                for o in others
            )
            verb = before.startswith(("v", "p", "u", "d", "c", "r")) and before != "vn"
            if balanced and (shares or verb):
                return n
    # 进街道（乡镇）班子、社区（村）“两委”: when every other item opens with a level, so does
    # the first
    if others and all(_level_of(o) is not None for o in others):
        longest = max(len(o) for o in others) + 2
        bounds = _boundaries(segment)
        for k in range(len(segment) - 1, max(-1, len(segment) - longest - 1), -1):
            rest = segment[k:]
            balanced = all(rest.count(a) == rest.count(b) for a, b in ("()", "（）", "“”"))
            # 建立了|市: a particle the segmenter glues to a level (了市) is a boundary too
            bound = k in bounds or (k > 0 and segment[k - 1] in cues()["glued_particles"])
            # 建成县、乡、村: bare levels all, though the segmenter reads a place (成县) across
            ranks = _level_rank()
            bound = bound or (rest in ranks and all(o in ranks for o in others))
            if bound and balanced and _level_of(rest) is not None:
                # 省市县三级…: level characters right before the level open the item too
                while k > 0 and segment[k - 1] in cues()["level_chars"]:
                    k -= 1
                return len(segment) - k
    words = _posseg(segment)
    acc = ""
    depth = 0
    for w, f in reversed(words):
        if w in ")）”」":
            depth += 1
            acc = w + acc
            continue
        if w in "(（“「":
            depth -= 1
            acc = w + acc
            continue
        if depth > 0:
            acc = w + acc
            continue
        if w in "，、。；：,;:":
            break
        if f.startswith(("c", "p", "uj", "ul", "r")) and acc:
            break
        if f.startswith("v") and not f.startswith("vn") and acc and len(w) >= 2:
            break
        if f.startswith("d") and len(acc) >= 2:
            break
        acc = w + acc
    n = len(acc)
    prefixes = {o[:1] for o in others}
    if len(prefixes) == 1 and len(others) >= 2:
        p = prefixes.pop()
        k = segment.rfind(p, 0, len(segment) - n + 1)
        if acc[:1] != p and k >= 0 and len(segment) - k <= max(len(o) for o in others) + 2:
            n = len(segment) - k
    return n


def _word_before(text: str, cut: int) -> str:
    """The jieba tag of the word that ends at ``cut``."""
    pos = 0
    for w, f in _posseg(text):
        pos += len(w)
        if pos == cut:
            return f
    return ""


def _split_last(segment: str) -> list[str]:
    """The last segment split where a joining word (和, 及, 与, 或) stands as a word of its
    own between two items: never the 和 of 和谐."""
    joiners = set(cues()["last_item_joiners"])
    pos = 0
    words = _posseg(segment)
    for i, (w, _f) in enumerate(words):
        if (
            w in joiners
            and 0 < i < len(words) - 1
            and pos >= 2
            and len(segment) - pos - len(w) >= 2
        ):
            return [segment[:pos], segment[pos + len(w) :]]
        pos += len(w)
    return [segment]


def find_enumerations(norm: str, lo: int, hi: int) -> list[Enumeration]:
    """Lists of two or more items in ``norm[lo:hi]`` and the name that follows each."""
    out: list[Enumeration] = []
    out += _joined(norm, lo, hi)
    out += _quoted_lists(norm, lo, hi)
    out += _quoted_runs(norm, lo, hi)
    out += _glossed_lists(norm, lo, hi)
    breaks = _clause_breaks()
    clause_start = lo
    for i in range(lo, hi + 1):
        if i == hi or norm[i] in breaks:
            if "、" in norm[clause_start:i]:
                _unquoted_lists(norm, clause_start, i, out)
            clause_start = i + 1
    return out


@cache
def _gloss_re() -> re.Pattern[str]:
    c = cues()
    opens, closes = re.escape(c.opens), re.escape(c.closes)
    # “三长制”（A、B、C） or 三长制（A、B、C）: a name, then its items in brackets
    return re.compile(
        rf"(?:[{opens}](?P<quoted>[^{opens}{closes}]{{1,20}})[{closes}]"
        rf"|(?P<counted>(?:[{CN_NUMERAL}]+|\d+)[\u4e00-\u9fff]{{1,6}}))"
        rf"[（(](?P<inner>[^（）()\n]{{3,80}})[）)]"
    )


def _glossed_lists(norm: str, lo: int, hi: int) -> list[Enumeration]:
    """A name glossed by its items in brackets right after it: “三长制”（网格长、楼栋长、单元长）."""
    out = []
    for m in _gloss_re().finditer(norm, lo, hi):
        inner = m.group("inner")
        if "、" not in inner or inner.startswith(tuple(cues()["gloss_not_opening"])):
            continue  # （含书屋、活动室）: what a place holds, not its parts
        items = [it.strip() for it in inner.split("、")]
        if len(items) < 2 or any(not it or len(it) > cues()["max_item_chars"] for it in items):
            continue
        spans, pos = [], m.start("inner")
        for it in items:
            k = norm.index(it, pos)
            spans.append((k, k + len(it)))
            pos = k + len(it)
        name = m.group("quoted") or m.group("counted")
        # a quoted name glossed by its parts reads like a quoted list (“四议两公开”（…）)
        quoted = bool(m.group("quoted"))
        e = Enumeration(items, spans, m.start(), m.end("inner"), quoted, "、", name, m.end("inner"))
        e.kind = "quoted-name" if m.group("quoted") else "numeral"
        e.quoted_name = bool(m.group("quoted"))
        count = _count_re().match(name)
        if count and len(re.findall(rf"[{CN_NUMERAL}\d]+", name)) == 1:
            try:
                e.count = (
                    int(count.group(1))
                    if count.group(1).isdigit()
                    else parse_cn_int(count.group(1))
                )
            except ValueError:
                e.count = None
        if m.group("counted") and e.count is None:
            continue  # only a name that counts its items may stand before them unquoted
        if e.count is None and len(items) < cues()["unnamed_min_items"]:
            continue  # two parts and no count: too little to tell a gloss from an example
        out.append(e)
    return out


# a character of an item, or a gloss in brackets that may list (县（市、区）)
_ITEM = r"(?:[（(][\u3400-\u9fff、]{1,10}[）)]|[\u3400-\u9fff（）()])"


@cache
def _joined_res() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    c = cues()
    for j in c["joiners"]:
        jj = re.escape(j)
        # two items and more: a quoted pair counted by the name after it stands too
        out.append((j, re.compile(rf"{_ITEM}{{1,16}}(?:{jj}{_ITEM}{{1,16}})+")))
    return out


def _joined(norm: str, lo: int, hi: int) -> list[Enumeration]:
    """A—B—C, A-B-C, A→B→C, A+B+C: one joiner throughout, in quotes or not."""
    out: list[Enumeration] = []
    seen: set[int] = set()
    text = norm[lo:hi]
    c = cues()
    for j, rx in _joined_res():
        if j not in text:
            continue
        for m in rx.finditer(text):
            a, b = lo + m.start(), lo + m.end()
            if a in seen or (j == "—" and norm[a - 1 : a] == "—"):
                continue
            parts = m.group(0).split(j)
            quoted = _one_of(norm[a - 1 : a], c.opens) and _one_of(norm[b : b + 1], c.closes)
            if not quoted:
                # unquoted: the first item is the end of its words, the last stops before a
                # count or 的 (四级组织链条, 的闭环)
                keep = _trim_first(parts[0], parts[1:])
                a += len(parts[0]) - keep
                parts[0] = parts[0][len(parts[0]) - keep :]
                tail = re.search(rf"的|[{CN_NUMERAL}]+(?=级|个|步|大|项|张|种)", parts[-1])
                if tail and tail.start() > 0:
                    b -= len(parts[-1]) - tail.start()
                    parts[-1] = parts[-1][: tail.start()]
            # a quoted pair stands when a name counting two follows (“A+B”双站合一)
            pair = quoted and len(parts) == 2
            if any(not p for p in parts) or (len(parts) < c["min_joined_items"] and not pair):
                continue
            spans, pos = [], a
            for p in parts:
                spans.append((pos, pos + len(p)))
                pos += len(p) + len(j)
            e = Enumeration(parts, spans, a - quoted, b + quoted, quoted, joiner=j)
            _name_after(norm, e, hi)
            if len(parts) < c["min_joined_items"]:
                two = re.match(r"[双两二][\u4e00-\u9fff]{1,4}?(?=[，,。；;、]|$)", norm[b + 1 : hi])
                if two is None:
                    continue
                e.name, e.name_end, e.count, e.kind = two.group(0), b + 1 + two.end(), 2, "numeral"
            seen.add(a)
            out.append(e)
    return out


def _per_quote(pattern: Callable[[str, str], str]) -> list[re.Pattern[str]]:
    """``pattern(open, close)`` compiled for each pair of quotes the cues name (their
    escaped forms; the ASCII apostrophe left out)."""
    return [
        re.compile(pattern(re.escape(o), re.escape(cl))) for o, cl in cues()["quotes"] if o != "'"
    ]


@cache
def _quoted_list_res() -> list[re.Pattern[str]]:
    return _per_quote(lambda oo, cc: rf"{oo}([^{oo}{cc}\n]{{2,120}}?){cc}")


def _quoted_lists(norm: str, lo: int, hi: int) -> list[Enumeration]:
    """“A、B、C”, 「A、B、C」, ‘A、B、C’."""
    out: list[Enumeration] = []
    limit = cues()["max_quoted_item_chars"]
    for rx in _quoted_list_res():
        for m in rx.finditer(norm, lo, hi):
            body = m.group(1)
            if "、" not in body:
                continue
            parts = body.split("、")
            parts = [*parts[:-1], *_split_last(parts[-1])]
            # “访民情、问需求，访困难、问对策”: pairs of short items joined by 、, the pairs by
            # commas: every short item is one
            pieces = [x for p in parts for x in re.split(r"[，,]", p)]
            if len(pieces) > len(parts) and all(
                2 <= len(x) <= cues()["abbreviated_pair_chars"] for x in pieces
            ):
                parts = pieces
            if any(not p or len(p) > limit for p in parts):
                continue
            spans, pos = [], m.start(1)
            for p in parts:
                k = norm.index(p, pos)
                spans.append((k, k + len(p)))
                pos = k + len(p)
            e = Enumeration(parts, spans, m.start(), m.end(), True)
            _name_after(norm, e, hi)
            out.append(e)
    return out


@cache
def _quoted_run_res() -> list[re.Pattern[str]]:
    return _per_quote(lambda oo, cc: rf"(?:{oo}[^{oo}{cc}\n、，,]{{1,10}}{cc}、?){{2,}}")


def _quoted_runs(norm: str, lo: int, hi: int) -> list[Enumeration]:
    """“A”“B”“C” (or “A”、“B”、“C”) followed by a name."""
    out: list[Enumeration] = []
    for rx in _quoted_run_res():
        for m in rx.finditer(norm, lo, hi):
            end = m.end() - (1 if m.group(0).endswith("、") else 0)
            parts, spans = [], []
            i = m.start()
            while i < end:
                j = i + 1
                while norm[j] not in cues().closes:
                    j += 1
                parts.append(norm[i + 1 : j])
                spans.append((i + 1, j))
                i = j + 1
                if i < end and norm[i] == "、":
                    i += 1
            e = Enumeration(parts, spans, m.start(), end, True, run=True)
            _name_after(norm, e, hi)
            if e.kind and e.kind != "standalone":
                out.append(e)
    return out


def _mask(clause: str) -> str:
    """The clause with quoted and bracketed text blanked, so that its 、 are not separators."""
    c = cues()
    for o, cl in c["quotes"]:
        if o == "'":
            continue
        oo, cc = re.escape(o), re.escape(cl)
        clause = re.sub(
            rf"{oo}[^{oo}{cc}]*{cc}",
            lambda m: m.group(0)[0] + "＿" * (len(m.group(0)) - 2) + m.group(0)[-1],
            clause,
        )
    return re.sub(r"\([^()]*\)|（[^（）]*）", lambda m: "＿" * len(m.group(0)), clause)


@cache
def _terminator_re() -> re.Pattern[str]:
    c = cues()
    opens = re.escape(c.opens)
    words = "|".join(map(re.escape, sorted(c["count_words"], key=len, reverse=True)))
    de = "|".join(map(re.escape, c["name_openers"]["de"] + c["name_openers"]["deng"]))
    return re.compile(rf"({de}|[{opens}]|\d|[{CN_NUMERAL}]+(?:{words}))")


def _parallel_de(
    clause: str, seg_bounds: list[tuple[int, int]], tail: str, term: re.Match[str]
) -> bool:
    """True when a 的 that would end the last item is one of the items' own: every item
    before it holds a 的 and ends in the same head noun of two or more characters as the
    whole last segment (…有力的领导体系、…高效的权责体系、…规范的标准体系)."""
    if term.group(0) not in cues()["name_openers"]["de"]:
        return False
    head = tail[term.end() :].strip()[-2:]
    if len(head) < 2 or not all(_is_cjk(ch) for ch in head):
        return False
    segs = [clause[s:e] for s, e in seg_bounds]
    return all(seg.endswith(head) and term.group(0) in seg for seg in segs)


def _unquoted_lists(norm: str, a: int, b: int, out: list[Enumeration]) -> None:
    clause = norm[a:b]
    masked = _mask(clause)
    idx = [i for i, ch in enumerate(masked) if ch == "、"]
    if not idx:
        return
    seg_bounds = []
    prev = 0
    for i in idx:
        seg_bounds.append((prev, i))
        prev = i + 1
    last_sep = idx[-1]
    tail = masked[last_sep + 1 :]
    term = None
    for t in _terminator_re().finditer(tail):
        if t.group(0) in cues().opens and t.start() == 0:
            continue  # an item may open with a quoted word
        term = t
        break
    if term is not None and _parallel_de(clause, seg_bounds, tail, term):
        term = None  # A的X体系、B的Y体系、C的Z体系: the 的 is inside the last item
    last_end = last_sep + 1 + (term.start() if term else len(tail))
    seg_bounds.append((last_sep + 1, last_end))
    segs = [clause[s:e] for s, e in seg_bounds]
    if any(not s.strip() for s in segs):
        return
    # 干部、社工和律师进街道班子、社区两委、网格小组: a verb inside an item that
    # opens a run of levels ends one list and starts another
    for (s0, _e0), seg in zip(seg_bounds[1:-1], segs[1:-1], strict=True):
        pos = 0
        for k, (w, f) in enumerate(_posseg(seg)):
            pos += len(w)
            # (宣传动员|组: one character left is no run of levels)
            if k > 0 and f == "v" and pos < len(seg) - 1 and _level_of(seg[pos:]) is not None:
                _unquoted_lists(norm, a + s0 + pos, b, out)
                return
    last_parts = _split_last(segs[-1])
    others = segs[1:-1] + last_parts
    keep = _trim_first(segs[0], others)
    first = segs[0][len(segs[0]) - keep :] if keep else ""
    if not first:
        return
    items = [it.strip() for it in [first, *segs[1:-1], *last_parts]]
    if any(len(it) > cues()["max_item_chars"] or not it for it in items):
        return
    spans = []
    pos = a + seg_bounds[0][1] - len(first)
    for it in items:
        k = norm.index(it, pos)
        spans.append((k, k + len(it)))
        pos = k + len(it)
    e = Enumeration(items, spans, spans[0][0], a + last_end, False)
    _name_after(norm, e, b)
    if e.kind:
        out.append(e)


def _name_after(norm: str, e: Enumeration, hi: int) -> None:
    """Read the name that follows a list: 的X, 等X, “X”, a count name (四网融合), a name
    right after a quoted list, or none (a quoted list alone, a list that ends its clause)."""
    c = cues()
    p = e.end
    breaks = _clause_breaks() + "、"
    q = p
    while q < min(hi, p + 30) and norm[q] not in breaks:
        q += 1
    run = norm[p:q]
    de, deng = c["name_openers"]["de"], c["name_openers"]["deng"]
    opener = next((w for w in deng + de if run.startswith(w)), "")
    if opener in de:
        if e.items and e.items[-1][-1:] in "上中下里内":
            return  # 在…上的: a place, not a list's name
        e.kind, body, skip = "de", run[len(opener) :], len(opener)
    elif opener:
        e.kind, body, skip = "deng", run[len(opener) :], len(opener)
    elif run and run[0] in c.opens:
        e.kind, body, skip = "quoted-name", run, 0
    elif _count_re().match(run):
        e.kind, body, skip = "numeral", run, 0
    elif e.quoted:
        e.kind, body, skip = ("direct" if run else "standalone"), run, 0
    elif not run:
        e.kind, body, skip = "bare", "", 0
    else:
        return
    if e.kind in ("standalone", "bare") and _name_before(norm, e):
        return
    name, used, quoted = read_name(body)
    chain_head = e.joiner != "、" and e.joiner != "+" and name in c["hierarchy_heads"]
    if e.kind == "direct" and name in _heads() and not chain_head:
        # “街道吹哨、部门报到”机制: a bare head right after a quoted list names it with the list
        # (a chain joined by dashes keeps the head alone: “A—B—C”组织链条)
        name = "、".join(e.items) + name
    e.name = name
    e.quoted_name = quoted
    e.name_end = p + skip + used
    m = _count_re().match(name)
    # 三建一管, “九五”: numerals that make a word, not a count of the items
    if m and len(re.findall(rf"[{CN_NUMERAL}\d]+", name)) == 1:
        try:
            e.count = int(m.group(1)) if m.group(1).isdigit() else parse_cn_int(m.group(1))
        except ValueError:
            e.count = None


def _name_before(norm: str, e: Enumeration) -> bool:
    """A list named before it: “五步议事法”，即“提出议题、…” (a quoted list the word 即, that
    is, opens right after a quoted name), or “接诉即办”六步工作法：受理、派单… and
    六步工作法：… (a list right after a colon and a name with a quoted word or a count, and
    a head); set the name (kind "quoted-name"), its count checked against the items."""
    c = cues()
    heads = heads_alt()
    cue = "|".join(map(re.escape, c["gloss_openers"]))
    before = norm[max(0, e.start - 30) : e.start]
    glossed = re.search(
        rf"[“「](?P<name>[^”」]{{2,12}})[”」](?:{heads})?[，,]?(?:{cue})[:：]?$", before
    )
    if glossed is None:
        # “五心”服务为主线，即“用心、…”: a few words between, where the name counts the list
        far = re.search(
            rf"[“「](?P<name>[^”」]{{2,12}})[”」][\u4e00-\u9fff]{{1,8}}[，,](?:{cue})[:：]?$",
            before,
        )
        if far is not None and (
            _fits(far.group("name"), len(e.items)) or _echoes(far.group("name"), e.items)
        ):
            glossed = far
    alone = re.search(r"[“「](?P<name>[^”」]{2,12})[”」][:：]$", before)
    if glossed is not None and (e.quoted or _count_re().match(glossed.group("name"))):
        # an unquoted list after 即 only where the name counts it (“四议…”，即A、B、C、D)
        name = counted = glossed.group("name")
    elif alone is not None and (
        _count_re().match(alone.group("name")) or alone.group("name").endswith(_heads())
    ):
        # “三张清单”：需求清单、…: a quoted name alone before the colon, counted or headed
        name = counted = alone.group("name")
    else:
        tail = rf"[\u4e00-\u9fff]{{0,6}}?(?:{heads})"
        m = re.search(
            rf"(?:[“「](?P<quoted>[^”」]{{2,12}})[”」](?P<named>[{CN_NUMERAL}\d]*{tail})"
            rf"|(?P<counted>[{CN_NUMERAL}\d]+{tail}))[:：]$",
            before,
        )
        if m is None:
            return False
        counted = m.group("named") or m.group("counted")
        # “接诉即办”六步工作法: the quoted word stays quoted in the name
        name = (f"“{m.group('quoted')}”" if m.group("quoted") else "") + counted
    number = _count_of(counted)
    if number is not None and number != len(e.items):
        return False  # the name counts something else: the list is read as if unnamed
    e.kind, e.name, e.quoted_name, e.name_end = "quoted-name", name, True, e.end
    e.count = number
    return True


def _count_of(name: str) -> int | None:
    """The count ``name`` opens with (五心 → 5, 三张清单 → 3), where it holds one number."""
    count = _count_re().match(name)
    if count is None or len(re.findall(rf"[{CN_NUMERAL}\d]+", name)) != 1:
        return None
    n = count.group(1)
    try:
        return parse_count(n)
    except ValueError:
        return None


def _echoes(name: str, items: list[str]) -> bool:
    """True when ``name`` is a count of the items and the words they all end with or all
    open with (三到位: 组织到位、人员到位、责任到位; 五进: 进社区、进小区…), or opens with a
    count of the items and a character each holds after its first (五联五共: 组织联建…)."""
    m = re.fullmatch(rf"([{CN_NUMERAL}]+|\d+)([\u4e00-\u9fff]{{1,3}})", name)
    if m is not None and _shared_word(m, items):
        return True
    if len(items) >= 3:
        # 五联五共: the first count and its word, a word every item holds (组织联建、阵地联用…)
        first = re.match(rf"([{CN_NUMERAL}]+|\d+)([\u4e00-\u9fff])[{CN_NUMERAL}]", name)
        if first is not None and all(first.group(2) in i[1:] for i in items):
            n = first.group(1)
            try:
                return parse_count(n) == len(items)
            except ValueError:
                return False
    return False


def _shared_word(m: re.Match[str], items: list[str]) -> bool:
    """True when the count ``m`` opens with is the number of the items and the word after it
    ends them all or opens them all."""
    if len(items) < 2:
        return False
    n = m.group(1)
    try:
        count = parse_count(n)
    except ValueError:
        return False
    word = m.group(2)
    shared = all(i.endswith(word) and len(i) > len(word) for i in items) or all(
        i.startswith(word) and len(i) > len(word) for i in items
    )
    return count == len(items) and shared


def _fits(name: str, items: int) -> bool:
    """True when ``name`` opens with one count and it is ``items``."""
    return _count_of(name) == items


def read_name(body: str) -> tuple[str, int, bool]:
    """The name at the start of ``body``: a quoted word (with the words after it up to a head
    noun), or the words up to the last head noun (格局, 机制, 工作法, 联盟, 四级…) before a
    clause ends. Returns the name without quotes, how many characters of ``body`` it takes
    and whether it opened with a quoted word. A name is cut between words, never inside one,
    and never opens with a function word; with no head noun there is no name."""
    c = cues()
    limit = c["max_name_chars"]
    never = set(c["name_never_starts"])
    opens, closes = c.opens, c.closes
    quoted = ""
    start = 0
    if body and body[0] in opens:
        close = next((i for i in range(1, min(len(body), 22)) if body[i] in closes), -1)
        if close < 0:
            return "", 0, False
        quoted = body[1:close]
        start = close + 1
    rest = body[start : start + limit]
    best = 0
    pos = 0
    for k, (w, f) in enumerate(_words(rest)):
        if w[0] in opens:
            pos += len(w)
            continue  # a quoted word inside a name (吉林特色“警地融合”基层治理工作体系)
        if not (_is_cjk(w[0]) or w[0].isdigit()):
            break
        if k == 0 and not quoted and w in never:
            return "", 0, False
        if k > 0 and f.startswith(("p", "c")) and w in never:
            break
        if k > 0 and (w[0].isdigit() or w == "的"):
            break  # 三级3311名…: a quantity begins; …分层负责的格局: a clause
        pos += len(w)
        if _ends_in_head(quoted + rest[:pos]):
            best = pos
    name = _strip_quotes(rest[:best])
    if quoted:
        return quoted + name, start + best, True
    return name, best, False


def _strip_quotes(text: str) -> str:
    c = cues()
    return "".join(ch for ch in text if ch not in c.opens and ch not in c.closes)


def _words(text: str) -> list[tuple[str, str]]:
    """jieba words of ``text``, a quoted word (with its quotes) counted as one."""
    c = cues()
    out: list[tuple[str, str]] = []
    depth_word = ""
    for w, f in _posseg(text):
        if depth_word:
            depth_word += w
            if w[-1] in c.closes:
                out.append((depth_word, "nz"))
                depth_word = ""
            continue
        if w[0] in c.opens:
            depth_word = w
            continue
        out.append((w, f))
    if depth_word:
        out.append((depth_word, "x"))
    return out


# --------------------------------------------------------------------------- sentences


def sentences(norm: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence (to 。！？； or a line break)."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(norm):
        if ch in _SENT_BREAK:
            if i > start:
                out.append((start, i + 1))
            start = i + 1
    if start < len(norm):
        out.append((start, len(norm)))
    return out
