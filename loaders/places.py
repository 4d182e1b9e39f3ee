"""Places in a report: PRC divisions (from the national gazetteer), places below the county
(街道, 乡镇, 社区, 村, 居民区, 小区, recognised by Baidu's LAC model and suffix rules), deictic
words (全市, 全省) and named institutions; and which place each statistic is about.

:mod:`govkg.loaders.place_names` reads the places below the county (the ``govkg_places``
spaCy component puts them in ``doc._.sub_areas``); :class:`AreaFinder` resolves every
mention of a document to an area IRI: divisions by their code (a name
that several divisions share is decided by the other places the document names), places
below the county under the division the text or the document places them in.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from govkg.loaders.base import Ranges
from govkg.loaders.gazetteer import ROOT_IRI, Division, Gazetteer, gazetteer, place_rules
from govkg.loaders.place_names import (  # noqa: F401  (read_places and more: used from here)
    _CJK_NAME,
    SubArea,
    _jieba_words,
    _place_ends,
    _suffix_of,
    is_generic_head,
    organ_places,
    own_organ,
    party_organisations,
    read_places,
    recognise_sub_areas,
)
from govkg.loaders.zh import CN_NUMERAL
from govkg.ontology import GKD
from govkg.ontology.errors import InputError

_CLAUSE_BREAK = "，。；！？：,;!?:\n"


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Area:
    """A resolved area: a division (with its code) or a place below the county."""

    iri: str
    label: str
    level: str  # admin-level concept label: 省级, 市级, 县级, 街道, 社区, 小区
    code: str | None = None
    parent: str | None = None  # IRI of the area it lies in

    @property
    def is_division(self) -> bool:
        return self.code is not None


def division_area(d: Division) -> Area:
    levels: dict[str, str] = place_rules()["division_levels"]
    parent = GKD + "area/" + d.parent if d.parent else ROOT_IRI
    return Area(d.iri, d.name, levels[d.level], d.code, parent)


ROOT = Area(ROOT_IRI, "中国", "国家")


@dataclass(frozen=True)
class AreaMention:
    start: int
    end: int
    area: Area
    inferred: bool = False  # taken from the document, not found in the text
    in_name: bool = False  # inside an organisation's name (中共杭州市…委员会): not a topic
    organ: bool = False  # the place of an organ that acts (成都市委): a subject, not a topic
    scope: bool = False  # a word such as 全省 inside a clause (入围全省…): its clause only

    @property
    def iri(self) -> str:
        return self.area.iri

    @property
    def label(self) -> str:
        return self.area.label

    @property
    def named_sub(self) -> bool:
        return not self.area.is_division and self.area.iri != ROOT_IRI

    @property
    def specific(self) -> bool:
        return self.area.iri != ROOT_IRI


class DocumentAreaError(InputError, ValueError):
    """The document's ``area`` in the manifest cannot be resolved to one place."""


@dataclass
class AreaFinder:
    """Finds the places of one document and which place each position is about."""

    norm: str
    doc_area: str | None
    ents: Iterable[Any]
    sub_areas: list[SubArea]
    skip: list[tuple[int, int]]
    organisations: list[tuple[int, int]] = field(default_factory=list)
    organ_places: list[tuple[int, int, str]] = field(default_factory=list)
    gaz: Gazetteer = field(default_factory=gazetteer)
    mentions: list[AreaMention] = field(default_factory=list)
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    areas: dict[str, Area] = field(default_factory=dict)
    # the manifest's area, where several divisions share its name and the text decides none
    manifest_unresolved: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._skip = Ranges(self.skip, open_start=True)
        self._mention_ending: dict[int, AreaMention] = {}  # the first mention ending at each offset
        self._only: dict[str, Area | None] = {}
        self._sub_area_ending: dict[int, SubArea] | None = None
        self.default: Area | None = None
        self._manifest_parent: Area | None = None  # the division a manifest path names
        raw = self._division_mentions()
        known = [c[0].code for _, _, c, _ in raw if len(c) == 1]
        name = self._manifest_area()
        self.default = self._document_division(name, known) if name else None
        spans = [(a, b) for a, b, _c, _o in raw] + [(x.start, x.end) for x in self.sub_areas]
        ends = _place_ends(spans)
        self.organisations = [
            (a, b) for a, b in self.organisations if not own_organ(self.norm, a, b, ends)
        ]
        self._orgs = Ranges(self.organisations)
        context = list(known)
        for given in (self.default, self._manifest_parent):
            if given is not None:
                context += [a.code for a in self.chain(given) if a.code]
        for start, end, cands, organ in raw:
            picked = self.gaz.resolve(cands[0].name, context) if len(cands) > 1 else cands
            if len(picked) != 1:
                self.ambiguous.append(
                    {
                        "offset": start,
                        "name": self.norm[start:end],
                        "candidates": [d.code for d in cands],
                    }
                )
                continue
            if self.norm[start:end] in place_rules()["generic_division_names"] and not any(
                a.code in context for a in self.chain(self._division(picked[0]))[1:]
            ):
                continue  # 九龙坡区的老城区: the old town, not 洛阳's 老城区 (no 洛阳 named)
            in_name = (
                self._in_name(start, end) or self._names_media(end) or self._opens_body(start, end)
            )
            area = self._division(picked[0])
            self._add(AreaMention(start, end, area, in_name=in_name, organ=organ))
        if name and self.default is None:
            self.default = self._document_sub_area(name, known)
        if self.default is None:
            # no area in the manifest: the first place the text names (the last of a run of
            # names, 上海市普陀区 → 普陀区), else the country
            named = sorted(
                (m for m in self.mentions if not (m.in_name or m.organ)), key=lambda m: m.start
            )
            first = named[0] if named else None
            while first is not None:
                nxt = next((m for m in named if m.start == first.end), None)
                if nxt is None:
                    break
                first = nxt
            self.default = first.area if first is not None else ROOT
            run_end = first.end if first is not None else -1
        else:
            run_end = -1
        self._sub_area_mentions()
        # …安定区内官营镇: a place below the county that ends the run is the report's place
        below = self._mention_ending.get(run_end)
        after = next((m for m in self.mentions if m.start == run_end and m.named_sub), None)
        if run_end >= 0 and after is not None and below is not None:
            self.default = after.area
        self._deixis()
        self._institutions()
        self._facilities()
        self.mentions.sort(key=lambda a: (a.start, -a.end))
        self._starts = [m.start for m in self.mentions]
        self._first: dict[str, tuple[int, int]] | None = None

    # -- building blocks
    def _division(self, d: Division) -> Area:
        area = division_area(d)
        self.areas[area.iri] = area
        return area

    def _add(self, mention: AreaMention) -> None:
        self.mentions.append(mention)
        self.areas.setdefault(mention.iri, mention.area)
        self._mention_ending.setdefault(mention.end, mention)

    def sub_area(self, name: str, level: str, parent: Area | None) -> Area:
        """A place below the county, one resource per name within its nearest division."""
        name = zone_short_name(name)
        division = next((a for a in self.chain(parent) if a.is_division), None) if parent else None
        key = f"{division.code}/{name}" if division is not None else name
        area = Area(GKD + "area/" + key, name, level, None, parent.iri if parent else None)
        self.areas.setdefault(area.iri, area)
        return self.areas[area.iri]

    def parent_of(self, area: Area) -> Area | None:
        if area.parent is None or area.parent == ROOT_IRI:
            return None
        if area.parent in self.areas:
            return self.areas[area.parent]
        code = area.parent.rsplit("/", 1)[-1]
        if code in self.gaz.divisions:
            return self._division(self.gaz.divisions[code])
        return None

    def chain(self, area: Area) -> list[Area]:
        """The area and the areas it lies in, up to the province."""
        out = [area]
        while len(out) < 12 and (up := self.parent_of(out[-1])) is not None:
            out.append(up)
        return out

    def _division_mentions(self) -> list[tuple[int, int, list[Division], bool]]:
        found = []
        inside_sub = Ranges([(s.start, s.end) for s in self.sub_areas])
        found_in = [(e.start_char, e.end_char, e.text) for e in self.ents if e.label_ == "AREA"]
        found_in += self.organ_places
        area_ends = {e for _s, e, _n in found_in}
        for start, end, name in sorted(set(found_in)):
            longer = name + self.norm[end : end + 1]
            if self.gaz.candidates(longer) and longer in self.gaz.by_name:
                end, name = end + 1, longer  # jieba split 吉林|市委: the place is 吉林市
            # 吉林省委, 市政府: an organ of the place acts; the sentence need not be about it
            organ = self.norm[end : end + 2].startswith(("委", "政府"))
            if start in self._skip:
                continue
            # 北京 in 北京路街道: part of a longer place name
            if any(end <= b and (a, b) != (start, end) for a, b in inside_sub.holding(start)):
                continue
            # (江西|南昌: a place ending right where it starts splits no word: not 西南)
            if start not in area_ends and _splits_a_word(self.norm, start):
                continue
            cands = self.gaz.candidates(name)
            if cands:
                found.append((start, end, cands, organ))
        return found

    def _manifest_area(self) -> str | None:
        if not self.doc_area:
            return None
        from govkg.loaders.zh import normalise, simplified

        return normalise(simplified(self.doc_area))[0].strip() or None

    def _document_division(self, name: str, known: list[str]) -> Area | None:
        """The manifest's area as a division (traditional or simplified, full or short);
        None when it names no division (a place below the county)."""
        if name in place_rules()["country_names"]:
            return ROOT  # a report about the whole country (全国)
        cands = self.gaz.candidates(name)
        if not cands:
            # a path (浙江省杭州市西湖区, 杭州市西湖区留下街道): its last division, and a place
            # below the county that ends it lies in that division
            parts, rest = self.gaz.path(name)
            if parts and not rest:
                return self._division(parts[-1])
            if parts and _suffix_of(rest) is not None:
                self._manifest_parent = self._division(parts[-1])
                return None
            if parts:
                # 深圳市前海: what follows the divisions is no known kind of place; the
                # report is placed in the last division, and that is listed
                last = self._division(parts[-1])
                why = f"{rest!r} after {last.label} names no known kind of place; placed in it"
                self.manifest_unresolved.append({"area": name, "candidates": [], "why": why})
                return last
            if _suffix_of(name) is None:
                raise DocumentAreaError(
                    f"area {name!r} is not a PRC division (GB/T 2260) nor a place name ending "
                    f"in {'/'.join(place_rules()['sub_area_suffixes'])}"
                )
            return None
        picked = self.gaz.resolve(name, known) if len(cands) > 1 else cands
        if len(picked) != 1:
            names = ", ".join(
                f"{d.code} {'/'.join(a.name for a in reversed(list(self.gaz.ancestors(d.code))))}"
                for d in cands
            )
            # the report still builds: its area is a place of that name, in what the
            # divisions share (湖北省 for two 城关区 of Hubei; none across provinces)
            self.manifest_unresolved.append(
                {
                    "area": name,
                    "candidates": [d.code for d in cands],
                    "why": f"names {len(cands)} divisions ({names}) and the report names no "
                    "place that tells them apart; write the full name with its city or "
                    "province to place it",
                }
            )
            return self._undetermined(name, cands)
        return self._division(picked[0])

    def _undetermined(self, name: str, cands: list[Division]) -> Area:
        """A division name several divisions share, as a place of that name within the
        deepest division they all lie in (or none)."""
        chains = [[a.code for a in self.gaz.ancestors(d.code)][1:] for d in cands]
        shared = [c for c in chains[0] if all(c in other for other in chains[1:])]
        parent = self._division(self.gaz.divisions[shared[0]]) if shared else None
        levels = {d.level for d in cands}
        level = place_rules()["division_levels"][levels.pop()] if len(levels) == 1 else "县级"
        return self.sub_area(name, level, parent)

    def _document_sub_area(self, name: str, known: list[str]) -> Area:
        """A manifest area below the county, placed where the text first names it after
        another place, else under the most specific division the text names."""
        level = place_rules()["sub_area_suffixes"][_suffix_of(name)]
        parent = self._manifest_parent
        if parent is not None:
            # the manifest wrote the divisions it lies in: they place it, not the text
            for part, part_level in _nested_names(self.gaz.path(name)[1]):
                parent = self.sub_area(part, part_level, parent)
            return parent
        for s in sorted(self.sub_areas, key=lambda s: s.start):
            if zone_short_name(s.name) == zone_short_name(name):
                parent = self._place_before(s.start)
                if parent is not None:
                    return self.sub_area(name, level, parent)
        known_areas = [self._division(self.gaz.divisions[c]) for c in known]
        deepest = max(known_areas, key=lambda a: len(self.chain(a)), default=None)
        return self.sub_area(name, level, deepest)

    def _place_before(self, pos: int) -> Area | None:
        """The place whose name ends right where ``pos`` begins (杭州市西湖区|留下街道)."""
        m = self._mention_ending.get(pos)
        if m is not None:
            return m.area
        if self._sub_area_ending is None:
            self._sub_area_ending = {}
            for x in self.sub_areas:
                self._sub_area_ending.setdefault(x.end, x)
        s = self._sub_area_ending.get(pos)
        if s is not None:
            parent = self._place_before(s.start)
            return self.sub_area(s.name, s.level, parent or self.default_division())
        return None

    def default_division(self) -> Area | None:
        area = self.default
        while area is not None and not area.is_division:
            area = self.parent_of(area)
        return area

    def _parent_for_sub_areas(self) -> Area | None:
        """Where a place below the county lies when no place right before it says: the one
        county-level division the report names as a topic, where the report's division is the
        city right above it (华大街道 in a report on 鼓楼区 filed under 福州市), else that
        division."""
        division = self.default_division()
        county = self._only_named("县级")
        # only right below a city: a province's report naming one county is not about it
        if county is not None and division is not None and division.level == "市级":
            return county if county.parent == division.iri else division
        return division

    def _sub_area_mentions(self) -> None:
        # 安定区|内|官营镇 read as 官营镇 where the report also names 内官营镇: the longer name
        names = {x.name for x in self.sub_areas}
        longer = {n: sorted((m for m in names if m != n and m.endswith(n)), key=len) for n in names}
        adjusted = []
        for s in self.sub_areas:
            for name in longer[s.name]:
                extra = len(name) - len(s.name)
                if s.start >= extra and self.norm[s.start - extra : s.end] == name:
                    s = dataclasses.replace(s, start=s.start - extra, name=name)
                    break
            adjusted.append((s, self._place_before(s.start)))
        resolved: dict[str, Area] = {}
        # a name where a place before it says where it lies first (龙岗区坂田街道), then
        # where it stands alone (坂田街道共设立…): the same place, not one under the
        # report's area; recurrences the model did not read last
        for s, before in sorted(
            adjusted, key=lambda sb: (sb[0].tag == "recurs", sb[1] is None, sb[0].start)
        ):
            if s.start in self._skip:
                continue
            if self.default is not None and s.name == self.default.label:
                self._add(AreaMention(s.start, s.end, self.default))
                continue
            in_name = self._in_name(s.start, s.end)
            if before is None and s.level == place_rules()["zone_level"] and s.name not in resolved:
                before = self._division_opening(s.name)
            area = resolved.get(s.name) if before is None else None
            if area is None:
                area = self.sub_area(s.name, s.level, before or self._parent_for_sub_areas())
                resolved.setdefault(s.name, area)
            self._add(AreaMention(s.start, s.end, area, in_name=in_name))

    def _division_opening(self, name: str) -> Area | None:
        """The one province or city whose name opens ``name`` (成都 in 成都高新区), the
        longest (a county's short name is no name in running text: 东湖 in 东湖高新区)."""
        for k in range(len(name) - 2, 1, -1):
            cands = [d for d in self.gaz.candidates(name[:k]) if d.level != "county"]
            if len(cands) == 1:
                return self._division(cands[0])
        return None

    def at_level(self, level: str) -> Area | None:
        if self.default is None:
            return None
        for area in self.chain(self.default):
            if area.level == level:
                return area
        return None

    def city(self) -> Area | None:
        return self.at_level("市级") or self.at_level("省级")

    def province(self) -> Area | None:
        return self.at_level("省级")

    def _deixis(self) -> None:
        words: dict[str, str] = place_rules()["deixis"]
        for word, level in words.items():
            if level == "国家":
                target: Area | None = ROOT
            elif level == "市级":
                target = self.city()
                # 全市 in a report on a county-level city (延吉市, 义乌市) is that city
                own = self.default_division()
                if own is not None and _county_city(own):
                    target = own
            else:
                target = self.at_level(level) or self._only_named(level)
            named = sorted(
                (
                    m
                    for m in self.mentions
                    if (m.area.level == level or (level == "市级" and _county_city(m.area)))
                    and not m.in_name
                ),
                key=lambda m: m.start,
            )
            starts = [m.start for m in named]
            for m in re.finditer(word, self.norm):
                # 在许昌市，全市…: the place of that level named before it in its sentence
                k = bisect.bisect_left(starts, m.start()) - 1
                here = named[k] if k >= 0 and named[k].end <= m.start() else None
                if here is not None and any(
                    ch in "。！？!?\n" for ch in self.norm[here.end : m.start()]
                ):
                    here = None
                if here is None and word.startswith(place_rules()["anaphoric_opener"]) and k >= 0:
                    # 该区 in the sentence after the one that named 肥乡区: that district
                    here = named[k] if named[k].end <= m.start() else None
                chosen = here.area if here is not None else target
                # 宁夏全区, 吉林市全市: right after a place whose name ends as the word does,
                # the word is that place as a whole
                before = self._mention_ending.get(m.start())
                if before is not None and before.area.label.endswith(word[-1]):
                    chosen = before.area
                if chosen is None:
                    continue
                scope = m.start() > 0 and self.norm[m.start() - 1] not in _CLAUSE_BREAK + " "
                self._add(AreaMention(m.start(), m.end(), chosen, scope=scope))
        self._anaphora()

    def _only_named(self, level: str) -> Area | None:
        """The one place of ``level`` the report names (a county, a street, a community), if
        only one."""
        if level not in self._only:
            # a division counts where it is a topic (not inside a body's name, not an organ)
            named = {
                m.iri: m.area
                for m in self.mentions
                if m.area.level == level
                and (m.named_sub or (m.area.is_division and not (m.in_name or m.organ)))
            }
            self._only[level] = next(iter(named.values())) if len(named) == 1 else None
        return self._only[level]

    def _anaphora(self) -> None:
        """A bare level word that opens a sentence (街道全面落实…, 社区推行…) is the one place of
        that level the report names."""
        import jieba

        words: dict[str, str] = place_rules()["anaphora"]
        pattern = re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))
        for m in pattern.finditer(self.norm):
            pos = m.start()
            opener = _opener_before(self.norm, pos)
            if not (pos == 0 or self.norm[pos - 1] in _SENTENCE_OPEN or opener):
                continue
            if jieba.lcut(self.norm[pos : pos + 8])[:1] != [m.group(0)]:
                continue  # 社区工作者…: a longer word
            target = self.at_level(words[m.group(0)]) or self._only_named(words[m.group(0)])
            if target is not None and not target.is_division:
                self._add(AreaMention(pos, m.end(), target))

    def _institutions(self) -> None:
        """Named institutions (吉林长春社区干部学院) are places statistics are about; the bare
        head word (学院) refers back to the last one named."""
        heads = place_rules()["institution_suffixes"]
        names = sorted(
            {self.norm[m.start : m.end] for m in self.mentions if m.area.is_division},
            key=len,
            reverse=True,
        )
        if not names:
            return
        pattern = re.compile(
            rf"(?:{'|'.join(map(re.escape, names))})[\u4e00-\u9fff]{{1,10}}?(?:{'|'.join(heads)})"
        )
        named = list(pattern.finditer(self.norm))
        covered = Ranges([(m.start(), m.end()) for m in named])
        self.mentions = [x for x in self.mentions if x.start not in covered]
        for m in named:
            area = Area(GKD + "area/" + m.group(0), m.group(0), "社区", None, None)
            self._add(AreaMention(m.start(), m.end(), area))
        for head in heads:
            last: AreaMention | None = None
            for m in re.finditer(head, self.norm):
                owner = [x for x in named if x.start() <= m.start() < x.end()]
                if owner:
                    o = owner[0]
                    last = AreaMention(o.start(), o.end(), self.areas[GKD + "area/" + o.group(0)])
                elif last is not None:
                    self._add(AreaMention(m.start(), m.end(), last.area))

    def _facilities(self) -> None:
        """A facility a clause opens with, after a place and an ordinal (全市首个…驿站): a
        place of its own under that place, for the numbers of its sentence."""
        import jieba.posseg

        rules = place_rules()
        heads = tuple(rules["facility_heads"])
        ordinals = "|".join(map(re.escape, rules["facility_ordinals"]))
        by_end = {m.end: m for m in self.mentions if not m.in_name and m.specific}
        for o in re.finditer(ordinals, self.norm):
            place = by_end.get(o.start())
            if place is None or not self._opens_clause(place, 0):
                continue
            tail = self.norm[o.end() : o.end() + rules["facility_max_chars"]]
            name, best = "", ""
            for w in jieba.posseg.lcut(tail):
                if not w.flag.startswith(("n", "a", "b", "vn")) or not _CJK_NAME.fullmatch(w.word):
                    break
                name += w.word
                if name.endswith(heads):
                    best = name
            if not best:
                continue
            end = o.end() + len(best)
            area = self.sub_area(place.area.label + self.norm[o.start() : end], "社区", place.area)
            self.mentions = [x for x in self.mentions if not (place.start <= x.start < end)]
            self._add(AreaMention(place.start, end, area))

    # -- queries
    def name_spans(self) -> list[tuple[int, int]]:
        """[start, end) of every place name in the text, and of the short form of each named
        place below the county wherever it recurs (前九台网格 → 前九台): numbers inside them
        are parts of names."""
        spans = [(m.start, m.end) for m in self.mentions if m.start >= 0]
        shorts = set()
        for s in self.sub_areas:
            suffix = _suffix_of(s.name)
            short = s.name[: -len(suffix)] if suffix else ""
            if len(short) >= 2:
                shorts.add(short)
        for short in sorted(shorts):
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(short), self.norm)]
        return sorted(set(spans))

    def first_span(self, area: Area) -> tuple[int, int] | None:
        """Where the text first names ``area`` ([start, end) of the normalised text)."""
        if self._first is None:
            self._first = {}
            for m in self.mentions:
                self._first.setdefault(m.iri, (m.start, m.end))
        return self._first.get(area.iri)

    def area_at(
        self, pos: int, sentence: tuple[int, int], carry: AreaMention | None
    ) -> AreaMention | None:
        """The place a number at ``pos`` is about: the last place named before it in its
        clause; else the place that opens its sentence (its subject); else the last place
        named before it in the sentence; else the subject carried from the sentence before;
        else the document's place (marked inferred). A country-wide word (全国) gives way to
        any more specific place."""
        paired = self._respectively(pos, sentence[0])
        if paired is not None:
            return paired
        lo = bisect.bisect_left(self._starts, sentence[0])
        hi = bisect.bisect_right(self._starts, pos)
        named = [m for m in self.mentions[lo:hi] if m.end <= pos and not m.in_name]
        # an organ that acts (四川省成都市委组织部启动…) counts only when it opens its clause,
        # not inside a phrase (在吉林省委统一部署下)
        named = [m for m in named if not m.organ or self._opens_clause(m, sentence[0])]
        named = [m for m in named if m.specific] or named
        clause = pos
        while clause > sentence[0] and self.norm[clause - 1] not in _CLAUSE_BREAK:
            clause -= 1
        named = [m for m in named if not self._after_origin_cue(m)]  # 来自全国: an origin
        # 区人民医院、某某学院、…等16家单位: a place that is one item of a list is no topic
        named = [m for m in named if not self._list_item(m)]
        in_clause = [m for m in named if m.start >= clause and not m.organ]
        named = [m for m in named if not m.scope]  # 入围全省: the scope of its clause only
        subject = self.subject(sentence)
        if in_clause:
            return in_clause[-1]
        if subject is not None and subject.end <= pos:
            return subject
        if named:
            return named[-1]
        if carry is not None:
            return carry
        if self.default is not None:
            return AreaMention(-1, -1, self.default, inferred=True)
        return None

    def _respectively(self, pos: int, floor: int) -> AreaMention | None:
        """球场街道、大智街道分别组建队伍8支、11支: after places listed before 分别, the k-th
        number of the list after it is about the k-th place."""
        cue = place_rules()["respectively"]
        k = self.norm.rfind(cue, floor, pos)
        if k < 0:
            return None
        # …分别组建…412个、286个，下沉党员干部分别达到2100名、1560名: a later 分别 with no
        # places before it pairs its numbers with the places of the one before
        while k >= 0 and not self._places_ending(k, floor):
            k = self.norm.rfind(cue, floor, k)
        if k < 0:
            return None
        between = self.norm[k + len(cue) : pos]
        if any(ch in "。！？!?\n" for ch in between):
            return None
        # the clause the number is in (…8支、11支，发展党员12名、15名): its numbers pair with
        # the places only where they are as many
        start = max(between.rfind(ch) for ch in "，,；;") + 1
        stop = pos
        while stop < len(self.norm) and self.norm[stop] not in _CLAUSE_BREAK:
            stop += 1
        index = between[start:].count("、")
        listed = index + self.norm[pos:stop].count("、") + 1
        if self.norm[pos : pos + 1].isdigit():
            # 326个和418个: numbers joined by 和 (与, 及) pair in order as well
            number = r"\d+(?:\.\d+)?"
            index = len(re.findall(number, between[start:]))
            listed = index + len(re.findall(number, self.norm[pos:stop]))
        places = self._places_ending(k, floor)
        return places[index] if len(places) >= 2 and listed == len(places) else None

    def _places_ending(self, end: int, floor: int) -> list[AreaMention]:
        """The places listed one after another (joined by 、和及与) that end at ``end``."""
        joins = place_rules()["list_joins"]
        places: list[AreaMention] = []
        while (m := self._mention_ending.get(end)) is not None and not m.in_name:
            places.insert(0, m)
            if m.start <= floor or self.norm[m.start - 1] not in joins:
                break
            end = m.start - 1
        return places

    def _in_name(self, start: int, end: int) -> bool:
        """True for a place inside an organisation's name that is not its own organ."""
        return any(
            end <= b and (a < start or self._names_a_body(a, b))
            for a, b in self._orgs.holding(start)
        )

    def _names_a_body(self, start: int, end: int) -> bool:
        """True for the name of a company or institution (浙江…有限公司, 杭州市儿童福利院),
        where a place is part of the name; not for an organ of the place (成都市委组织部)."""
        heads: list[str] = place_rules()["body_name_heads"]
        return any(h in self.norm[start:end] for h in heads)

    def _opens_body(self, start: int, end: int) -> bool:
        """True for a division that opens an item of a list ending in the word for a company,
        an institution or another unit (…、某区公安分局某某派出所、某省电力有限公司某某供电公司等
        21家): part of the unit's name."""
        m = re.match(r"[\u4e00-\u9fff]{1,14}?(?=[、，。；,;]|等|$)", self.norm[end : end + 15])
        if m is None or not m.group(0):
            return False
        after = self.norm[end + m.end() : end + m.end() + 1]
        # an item of a list: after a separator or a colon, before another or 等; the place
        # opens it or stands inside it (…电力有限公司哈尔滨供电公司)
        opening = re.search(
            r"[、：:，。；,;!?！？\n][^、：:，。；,;!?！？\n]{0,20}$",
            self.norm[max(0, start - 22) : start],
        )
        listed = opening is not None and opening.group(0)[0] in "、：:" and after in ("、", "等")
        from govkg.loaders.enumerations import cues

        heads = (*place_rules()["body_name_heads"], *cues()["unit_suffixes"])
        return listed and m.group(0).endswith(heads)

    def _names_media(self, end: int) -> bool:
        """True for a division that opens the name of a newspaper, a news site or a station
        (西安新闻网讯, 临沂日报): the outlet's name, not what the sentence is about."""
        heads: list[str] = place_rules()["media_name_heads"]
        if self.norm.startswith(tuple(heads), end):
            return True
        # 新华社北京3月5日电, 本报成都5月10日讯: where the report was filed, not its topic
        return _dateline().match(self.norm, end) is not None

    def _list_item(self, mention: AreaMention) -> bool:
        """True for a name that is a whole item of a list (、 on either side of it)."""
        if mention.named_sub is False and mention.area.is_division:
            return False  # 长春市、吉林市: divisions listed are places still
        before = self.norm[mention.start - 1 : mention.start]
        after = self.norm[mention.end : mention.end + 1]
        if after.isdigit() or (after and after in CN_NUMERAL):
            return False  # 东湖社区120户、西湖社区95户: each item is a place and its number
        return before == "、" or after == "、"

    def _after_origin_cue(self, mention: AreaMention) -> bool:
        cues: list[str] = place_rules()["origin_cues"]
        return self.norm[max(0, mention.start - 2) : mention.start].endswith(tuple(cues))

    def _opens_clause(self, mention: AreaMention, floor: int) -> bool:
        """True when only other place names stand between the clause start and ``mention``."""
        key = (id(self.mentions), len(self.mentions))
        if getattr(self, "_ends_key", None) != key:
            self._ends_key = key
            self._by_end: dict[int, AreaMention] = {}
            for m in self.mentions:
                if m.start < m.end:
                    self._by_end.setdefault(m.end, m)
        pos = mention.start
        while pos > floor and self.norm[pos - 1] not in _CLAUSE_BREAK:
            before = self._by_end.get(pos)
            if before is None:
                return False
            pos = before.start
        return True

    def subject(self, sentence: tuple[int, int]) -> AreaMention | None:
        """The place that opens a sentence: the last of the places named one after another
        at its start (诸城市舜王街道前九台网格…, 四川省成都市委…)."""
        lo = bisect.bisect_left(self._starts, sentence[0])
        pos = sentence[0]
        while pos < sentence[1] and self.norm[pos] in " \u3000“”\"'「」":
            pos += 1
        opener = _opener().match(self.norm, pos, sentence[1])
        if opener is not None:  # 今年，某街道…: the subject follows a word of time
            pos = opener.end()
        found: AreaMention | None = None
        for k in range(lo, len(self.mentions)):  # no slice: a copy of the rest every sentence
            m = self.mentions[k]
            if m.start > pos or m.start >= sentence[1]:
                break
            if m.start == pos and not m.in_name:
                found, pos = m, m.end
                if m.organ:
                    break
        return found

    def sentence_subject(self, sentence: tuple[int, int]) -> AreaMention | None:
        """A named place below the county that opens the sentence, inherited by the next; so
        is a division that lies inside the report's own (鼓楼区 in a report on 福州市)."""
        m = self.subject(sentence)
        if m is None:
            return None
        if m.named_sub:
            return m
        inside = (
            self.default is not None
            and m.area.is_division
            and m.iri != self.default.iri
            and self.default.iri in {a.iri for a in self.chain(m.area)}
        )
        return m if inside else None


@cache
def _dateline() -> re.Pattern[str]:
    return re.compile(place_rules()["dateline_after_place"])


def zone_short_name(name: str) -> str:
    """东湖新技术开发区 → 东湖高新区: a zone's long name as the short one it goes by."""
    for long, short in place_rules()["zone_short_forms"].items():
        if name.endswith(long) and len(name) > len(long):
            return name[: -len(long)] + short
    return name


def _county_city(area: Area) -> bool:
    """True for a county-level city (延吉市, 昆山市): a 市 that words for the city mean."""
    return area.is_division and area.level == "县级" and area.label.endswith("市")


_SENTENCE_OPEN = "。！？；;!?\n "


def _nested_names(run: str) -> list[tuple[str, str]]:
    """The places of a run of names below the county, each with its level, the largest
    first: 赊店镇东裕社区 → (赊店镇, 街道), (东裕社区, 社区). A run is cut after a name of a
    higher level than what follows it; each name keeps two characters before its suffix."""
    levels = place_rules()["sub_area_suffixes"]
    order = place_rules()["sub_area_levels"]
    for i in range(3, len(run) - 2):
        head, tail = run[:i], run[i:]
        first, second = _suffix_of(head), _suffix_of(tail)
        if (
            first is not None
            and second is not None
            and len(head) - len(first) >= 2
            and len(tail) - len(second) >= 2
            and order.index(levels[first]) < order.index(levels[second])
        ):
            return [(head, levels[first]), *_nested_names(tail)]
    suffix = _suffix_of(run)
    return [(run, levels[suffix])] if suffix is not None else []


def _opener_before(text: str, pos: int) -> bool:
    """True when a sentence opens at ``pos`` after a word of time (今年，|街道…)."""
    start = pos
    while start > 0 and text[start - 1] not in _SENTENCE_OPEN:
        start -= 1
    m = _opener().fullmatch(text, start, pos)
    return m is not None and start < pos


@cache
def _opener() -> re.Pattern[str]:
    openers: list[str] = place_rules()["sentence_openers"]
    return re.compile(rf"(?:{'|'.join(openers)})[，,、 ]?")


def _splits_a_word(text: str, start: int) -> bool:
    """True when a name found at ``start`` begins inside a common word: 大社区 in 超大社区
    (超大). A name right after a division's suffix (吉林省|长春市) starts a word."""
    if start == 0 or text[start - 1] in "省市县区州旗盟":
        return False
    _tags, freq = _jieba_words()
    return freq.get(text[start - 1 : start + 1], 0) >= place_rules()["boundary_word_min_freq"]
