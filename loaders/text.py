"""The report loader: reads Chinese governance reports with the spaCy pipeline of
:mod:`govkg.loaders.zh` and writes statistics, ordered structures, 包保 systems, working
groups, mechanisms and alliance memberships, each with the exact span it came from."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import pyoxigraph as ox

from govkg.graph.ids import gk, iri
from govkg.loaders.base import DERIVED, PREF_LABEL, A, GraphWriter, LoadReport, literal
from govkg.loaders.components import Quantity
from govkg.loaders.corpus import CorpusDocument
from govkg.loaders.gazetteer import ROOT_IRI
from govkg.loaders.lexicon import lexicon, unify
from govkg.loaders.places import Area, AreaFinder, AreaMention, DocumentAreaError
from govkg.loaders.zh import CN_NUMERAL, nlp_pipeline, normalise, parse_cn_int
from govkg.ontology import DCTERMS, GKD, ORG, SKOS

ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
BROADER = ox.NamedNode(SKOS + "broader")
EXACT_MATCH = ox.NamedNode(SKOS + "exactMatch")
SPATIAL = ox.NamedNode(DCTERMS + "spatial")

_CLAUSE_BREAK = "，。；！？：,;!?:\n"
# Sentence (statement) ends in the normalised view: full-width ！？； are folded to !?; there,
# ｡ is the half-width ideographic full stop; a line break is one that normalise kept.
_SENT_BREAK = "。；！？;!?｡\n"
_OPEN, _CLOSE = '“「『"', '”」』"'
# Deictic jurisdiction words: 全市 means the city the report is about, 全省 its province.
_DEIXIS_CITY = ("全市", "我市", "本市")
_DEIXIS_PROVINCE = ("全省", "我省", "本省")
# Parts of speech (jieba tags) that may sit inside a noun phrase naming what is counted.
_NOUNISH = ("n", "j", "l", "vn", "an", "nz", "nt", "ns", "zg", "ng", "b", "a", "eng", "i", "s")
_STOP_ALWAYS = ("c", "p", "uj", "ul", "r", "x", "m", "u", "y", "e", "o", "w")


def _posseg(text: str) -> list[tuple[str, str]]:
    import jieba.posseg

    return [(w, f) for w, f in jieba.posseg.cut(text)]


def _is_nounish(word: str, flag: str) -> bool:
    if word in "()（）“”·":
        return True
    return flag.startswith(_NOUNISH) and not flag.startswith(("nr", "r"))


# --------------------------------------------------------------------------- text model


@dataclass
class Text:
    """A document's search view (normalised) with the map back to stored offsets."""

    doc: CorpusDocument
    norm: str
    index: list[int]

    def orig(self, start: int, end: int) -> tuple[int, int]:
        """Stored [start, end) for a normalised [start, end)."""
        return self.index[start], self.index[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        a, b = self.orig(start, end)
        return self.doc.text[a:b]


def _masked(doc: CorpusDocument) -> str:
    text = doc.text
    if not doc.out_of_scope:
        return text
    chars = list(text)
    for a, b in doc.out_of_scope:
        for i in range(max(0, a), min(b, len(chars))):
            chars[i] = "\n"
    return "".join(chars)


def _bracket_ranges(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Short quoted phrases (names) and book titles, as [start, end) ranges."""
    quotes: list[tuple[int, int]] = []
    titles: list[tuple[int, int]] = []
    for m in re.finditer(r"“[^“”\n]{1,40}”|「[^「」\n]{1,40}」", norm):
        quotes.append((m.start(), m.end()))
    for m in re.finditer(r"《[^《》\n]{1,80}》", norm):
        titles.append((m.start(), m.end()))
    return quotes, titles


def _inside(pos: int, ranges: list[tuple[int, int]]) -> tuple[int, int] | None:
    for a, b in ranges:
        if a < pos < b:
            return (a, b)
    return None


def _sentences(norm: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph number) of each sentence."""
    out: list[tuple[int, int, int]] = []
    para = 0
    start = 0
    for i, ch in enumerate(norm):
        if ch in _SENT_BREAK:
            if i > start:
                out.append((start, i + 1, para))
            if ch == "\n":
                para += 1
            start = i + 1
    if start < len(norm):
        out.append((start, len(norm), para))
    return out


def statement_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The normalised [start, end) of the statement holding ``norm[start:end]``: the text
    between the sentence ends (。！？； full or half width, a kept line break) around it,
    without the ends themselves, surrounding blanks or a closing quote left over from the
    statement before.

    >>> statement_bounds("甲市建成站点3个。乙区新增12人；完毕", 12, 15)
    (9, 16)
    """
    a = start
    while a > 0 and norm[a - 1] not in _SENT_BREAK:
        a -= 1
    b = end
    while b < len(norm) and norm[b] not in _SENT_BREAK:
        b += 1
    while a < start and (norm[a].isspace() or norm[a] in "”」』"):
        a += 1
    while b > end and norm[b - 1].isspace():
        b -= 1
    return a, b


# --------------------------------------------------------------------------- enumerations


@dataclass
class Enumeration:
    items: list[str]
    item_spans: list[tuple[int, int]]
    start: int
    end: int  # end of the list (before the name)
    quoted: bool
    name: str = ""
    name_end: int = 0
    kind: str = ""  # "numeral", "de", "deng", "quoted-name", "standalone"
    count: int | None = None


_ITEM_STOP_TAGS = ("c", "p", "uj", "ul", "r")


def _trim_first(segment: str, others: list[str]) -> int:
    """How many characters of the first list segment belong to the first item."""
    lengths = {len(o) for o in others}
    if len(lengths) == 1:
        n = lengths.pop()
        if len(segment) >= n:
            cand = segment[-n:]
            every_item_shares = all(
                any(a == b and a not in "的()（）" for a, b in zip(cand, o, strict=False))
                for o in others
            )
            balanced = cand.count("(") == cand.count(")") and cand.count("（") == cand.count("）")
            if every_item_shares and balanced:
                return n
    words = _posseg(segment)
    acc = ""
    depth = 0
    for w, f in reversed(words):
        if w in ")）”":
            depth += 1
            acc = w + acc
            continue
        if w in "(（“":
            depth -= 1
            acc = w + acc
            continue
        if depth > 0:
            acc = w + acc
            continue
        if w in "，、。；：,;:":
            break
        if f.startswith(_ITEM_STOP_TAGS) and acc:
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


def _split_last(segment: str) -> list[str]:
    m = re.search(r"(以及|及|和|与)", segment)
    if m and m.start() > 0 and m.end() < len(segment):
        return [segment[: m.start()], segment[m.end() :]]
    return [segment]


_NAME_NUMERAL = re.compile(rf"^([{CN_NUMERAL}]+|\d+)")
_NAME_COUNT = re.compile(
    rf"^([{CN_NUMERAL}]+|\d+)(?=个|种|级|步|项|条|长制|网|方|社|有|字|大|类|支|张|化|必)"
)


def find_enumerations(norm: str, lo: int, hi: int) -> list[Enumeration]:
    """Lists of two or more items in ``norm[lo:hi]`` and the name that follows each."""
    out: list[Enumeration] = []
    # quoted lists: “A、B、C”
    for m in re.finditer(r"“([^“”\n]{2,80}?)”", norm[lo:hi]):
        body = m.group(1)
        if "、" not in body:
            continue
        parts = body.split("、")
        if any(not p or len(p) > 20 for p in parts):
            continue
        a = lo + m.start(1)
        spans = []
        for p in parts:
            spans.append((a, a + len(p)))
            a += len(p) + 1
        e = Enumeration(parts, spans, lo + m.start(), lo + m.end(), True)
        _name_after(norm, e, hi)
        out.append(e)
    # runs of quoted items: “A”“B”“C”等“name”
    for m in re.finditer(r"(?:“[^“”\n、，]{1,10}”){2,}", norm[lo:hi]):
        parts = re.findall(r"“([^“”]+)”", m.group(0))
        spans = []
        pos = lo + m.start()
        for p in parts:
            k = norm.index("“" + p + "”", pos)
            spans.append((k + 1, k + 1 + len(p)))
            pos = k + len(p) + 2
        e = Enumeration(parts, spans, lo + m.start(), lo + m.end(), True)
        _name_after(norm, e, hi)
        if e.kind and e.kind != "standalone":
            out.append(e)
    # unquoted lists inside a clause
    clause_start = lo
    for i in range(lo, hi + 1):
        if i == hi or norm[i] in "，。；：！？,;:!?\n":
            _unquoted_lists(norm, clause_start, i, out)
            clause_start = i + 1
    return out


def _unquoted_lists(norm: str, a: int, b: int, out: list[Enumeration]) -> None:
    clause = norm[a:b]
    if "、" not in clause:
        return
    # drop quoted lists (handled above) by masking their interior commas
    masked = re.sub(r"“[^“”]*”", lambda m: "“" + "＿" * (len(m.group(0)) - 2) + "”", clause)
    masked = re.sub(r"\([^()]*\)|（[^（）]*）", lambda m: "＿" * len(m.group(0)), masked)
    idx = [i for i, ch in enumerate(masked) if ch == "、"]
    if not idx:
        return
    first_sep, last_sep = idx[0], idx[-1]
    seg_bounds = []
    prev = 0
    for i in idx:
        seg_bounds.append((prev, i))
        prev = i + 1
    # the last item ends at a terminator: 的, 等, a quote, a digit or numeral-name, 纳入/加入
    tail = masked[last_sep + 1 :]
    term = None
    for t in re.finditer(
        rf"(的|等|“|\d|[{CN_NUMERAL}]+(?:个|种|级|步|大|项|条|支|长制|网|方|社|有|字|类))", tail
    ):
        if t.group(0) == "“" and t.start() == 0:
            continue  # an item may open with a quoted word
        term = t
        break
    if term is None:
        return
    last_end = last_sep + 1 + term.start()
    seg_bounds.append((last_sep + 1, last_end))
    segs = [clause[s:e] for s, e in seg_bounds]
    if any(not s.strip() for s in segs):
        return
    last_parts = _split_last(segs[-1])
    others = segs[1:-1] + last_parts
    keep = _trim_first(segs[0], others if others else segs[1:])
    first = segs[0][len(segs[0]) - keep :] if keep else ""
    if not first:
        return
    items = [first, *segs[1:-1], *last_parts]
    items = [it.strip() for it in items]
    if any(len(it) > 24 or not it for it in items):
        return
    spans = []
    pos = a + seg_bounds[0][1] - len(first)
    for it in items:
        k = norm.index(it, pos)
        spans.append((k, k + len(it)))
        pos = k + len(it)
    del first_sep
    e = Enumeration(items, spans, spans[0][0], a + last_end, False)
    _name_after(norm, e, b)
    if e.kind:
        out.append(e)


def _name_after(norm: str, e: Enumeration, hi: int) -> None:
    """Read the name that follows a list: 的X, 等X, “X”, a numeral name, or a direct name."""
    p = e.end
    rest = norm[p : min(len(norm), p + 30)]
    stop = re.search(r"[，。；：！？,;:!?\n、]", rest)
    run = rest[: stop.start()] if stop else rest
    if run.startswith("的"):
        name = run[1:]
        if e.items and e.items[-1][-1:] in "上中下里内":
            return
        e.kind = "de"
    elif run.startswith("等"):
        name = run[1:]
        e.kind = "deng"
    elif run.startswith("“"):
        close = run.find("”")
        if close < 0:
            return
        name = run[1:close] + run[close + 1 :]
        e.kind = "quoted-name"
    elif _NAME_NUMERAL.match(run):
        name = run
        e.kind = "numeral"
    elif e.quoted and run and not run[0].isdigit():
        name = run
        e.kind = "direct"
    elif e.quoted:
        name = ""
        e.kind = "standalone"
    else:
        return
    name = name.replace("“", "").replace("”", "")
    # a name is short: cut at a verb-like boundary
    name = re.split(r"(?:为|是|和|与|在|从|,)", name)[0][:16]
    e.name = name
    e.name_end = p + len(run)
    m = _NAME_COUNT.match(name)
    if m:
        try:
            e.count = parse_cn_int(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
        except ValueError:
            e.count = None


# --------------------------------------------------------------------------- writer


@dataclass
class DocResult:
    observations: list[dict[str, Any]] = field(default_factory=list)
    structures: list[dict[str, Any]] = field(default_factory=list)


class TextLoader:
    """Reads one corpus document and writes what it says into the document's graph."""

    name: ClassVar[str] = "text"

    def __init__(self) -> None:
        self.lex = lexicon()

    # -- spans
    def _span(self, g: GraphWriter, t: Text, start: int, end: int) -> ox.NamedNode:
        a, b = t.orig(start, end)
        quote = t.doc.text[a:b]
        if t.doc.text[a:b] != quote or not quote:
            raise AssertionError("span quote does not match the document")
        s = iri("span", t.doc.doc_id, a, b)
        g.add(s, A, gk("TextSpan"))
        g.add(s, gk("inDocument"), t.doc.iri)
        g.lit(s, gk("start"), a)
        g.lit(s, gk("end"), b)
        g.lit(s, gk("quote"), quote)
        return s

    def load(self, source: CorpusDocument, graph: GraphWriter) -> LoadReport:
        report = LoadReport(self.name, str(source.path))
        norm, index = normalise(_masked(source))
        text = Text(source, norm, index)
        nlp = nlp_pipeline()
        doc = nlp(norm)
        quotes, titles = _bracket_ranges(norm)
        areas = self._areas(report, source, doc, quotes + titles)
        sentences = _sentences(norm)
        counts: dict[str, int] = defaultdict(int)
        rejected_numbers: list[dict[str, Any]] = []
        unplaced: list[dict[str, Any]] = []

        # ---- structures first: their numerals are names, not statistics
        claimed: list[tuple[int, int]] = []
        for s_start, s_end, _para in sentences:
            for kind, n in self._structures(graph, text, s_start, s_end, areas, claimed):
                counts[kind] += n

        # ---- statistics
        carry: AreaMention | None = None
        prev_para = -1
        q_by_sentence: dict[int, list[Any]] = defaultdict(list)
        sentence_starts = [a for a, _b, _p in sentences]
        for sp in doc.spans["quantities"]:
            k = bisect.bisect_right(sentence_starts, sp.start_char) - 1
            if k >= 0:
                q_by_sentence[k].append(sp)
        for k, (s_start, s_end, para) in enumerate(sentences):
            if para != prev_para:
                carry = None
                prev_para = para
            prev_measure: dict[int, tuple[str, int, int]] = {}
            for sp in q_by_sentence.get(k, []):
                q: Quantity = sp._.quantity
                report.read += 1
                why = self._not_a_statistic(text, sp, q, quotes + titles, claimed)
                if why:
                    rejected_numbers.append(
                        {
                            "offset": text.orig(sp.start_char, sp.end_char)[0],
                            "text": sp.text,
                            "why": why,
                        }
                    )
                    continue
                measure_text, m_start, m_end = self._measure(text, sp, s_start, prev_measure)
                if (
                    measure_text
                    and m_end <= sp.start_char
                    and measure_text.endswith(tuple(self.lex.structure_words))
                ):
                    pass
                if any(measure_text.startswith(w) for w in self.lex.structure_words):
                    rejected_numbers.append(
                        {
                            "offset": text.orig(sp.start_char, sp.end_char)[0],
                            "text": sp.text,
                            "why": "counts the parts of a named structure",
                        }
                    )
                    continue
                prev_measure[id(sp)] = (measure_text, m_start, m_end)
                prev_measure[-1] = (measure_text, m_start, m_end)
                area = areas.area_at(sp.start_char, (s_start, s_end), carry)
                self._observation(graph, text, sp, q, measure_text, m_start, m_end, area, areas)
                if area is None or area.inferred:
                    unplaced.append(
                        {
                            "offset": text.orig(sp.start_char, sp.end_char)[0],
                            "text": sp.text,
                            "area": area.label if area else None,
                        }
                    )
                report.accepted += 1
                counts["StatisticObservation"] += 1
            subject = areas.sentence_subject((s_start, s_end))
            if subject is not None:
                carry = subject
        report.details = {
            "extracted": dict(sorted(counts.items())),
            "numbers_not_statistics": rejected_numbers,
            "area_inferred": unplaced,
            "places_ambiguous": areas.ambiguous,
            "document_area": areas.default.iri if areas.default else None,
        }
        if areas.default is not None:
            graph.add(source.iri, SPATIAL, ox.NamedNode(areas.default.iri))
            self._write_area(graph, text, areas, areas.default, None)
        return report

    def _areas(
        self, report: LoadReport, source: CorpusDocument, doc: Any, skip: list[tuple[int, int]]
    ) -> AreaFinder:
        """The document's places; a manifest area that names no one place is rejected (the
        rest of the document still loads, its statistics placed by the text alone)."""
        try:
            return AreaFinder(
                doc.text,
                source.area,
                doc.ents,
                doc._.sub_areas,
                skip,
                doc._.organisations,
                doc._.organ_places,
            )
        except DocumentAreaError as exc:
            report.reject("corpus.yaml area", str(exc), source.area or "")
            return AreaFinder(
                doc.text,
                None,
                doc.ents,
                doc._.sub_areas,
                skip,
                doc._.organisations,
                doc._.organ_places,
            )

    def _write_area(
        self, g: GraphWriter, t: Text, areas: AreaFinder, area: Area, span: ox.NamedNode | None
    ) -> None:
        """Describe a place below the county (and the places below the county it lies in);
        divisions are described once, in the gazetteer graph."""
        if area.is_division or area.iri == ROOT_IRI:
            return
        node = ox.NamedNode(area.iri)
        g.add(node, A, gk("AdministrativeArea"))
        g.label(node, area.label, pref=True)
        for written in (
            t.quote(*areas.first_span(area)) if areas.first_span(area) else "",
            t.doc.area if area is areas.default else "",
        ):
            if written and written != area.label:
                g.add(node, ALT_LABEL, ox.Literal(written, language="zh"))
        g.add(node, gk("areaLevel"), iri("admin-level", area.level))
        if span is not None:
            g.add(node, DERIVED, span)
        parent = areas.parent_of(area)
        if parent is not None:
            g.add(node, BROADER, ox.NamedNode(parent.iri))
            self._write_area(g, t, areas, parent, None)

    # -- statistics
    def _not_a_statistic(
        self,
        t: Text,
        sp: Any,
        q: Quantity,
        brackets: list[tuple[int, int]],
        claimed: list[tuple[int, int]],
    ) -> str:
        norm = t.norm
        start = q.number_start
        if _inside(start, brackets) and _inside(start, brackets) == _inside(
            sp.end_char - 1, brackets
        ):
            return "part of a quoted name or title"
        if norm[max(0, start - 1) : start] == "第":
            return "an ordinal"
        if q.chinese and q.value == 1 and q.value_max is None:
            return "一 used as an article"
        if q.unit == "年":
            if not q.chinese and norm[max(0, start - 2) : start] in ("连续",) and q.value < 100:
                return ""
            return "a date or a period, not a count"
        after = norm[sp.end_char : sp.end_char + 3]
        if any(after.startswith(w) for w in self.lex.structure_words):
            return "counts the parts of a named structure"
        if q.unit in self.lex.structure_words:
            return "counts the parts of a named structure"
        if q.chinese and any(a <= start < b for a, b in claimed):
            return "names an ordered structure"
        if norm[start - 1 : start] in "(（" and norm[sp.end_char : sp.end_char + 1] in ")）":
            return "a label in brackets (a phase or an edition)"
        return ""

    def _measure(
        self, t: Text, sp: Any, s_start: int, prev: dict[int, tuple[str, int, int]]
    ) -> tuple[str, int, int]:
        norm = t.norm
        end = sp.end_char
        # clause bounds
        c_end = end
        while c_end < len(norm) and norm[c_end] not in "，。；：！？,;:!?\n、":
            c_end += 1
        c_start = sp.start_char
        while c_start > s_start and norm[c_start - 1] not in "，。；：！？,;:!?\n、":
            c_start -= 1
        after = norm[end:c_end]
        words = _posseg(after) if after else []
        # pre-nominal: 289个社区 …
        if words and (_is_nounish(*words[0]) or words[0][0] == "“"):
            acc = ""
            i = 0
            depth = 0
            while i < len(words):
                w, f = words[i]
                if w in "“(（":
                    depth += 1
                elif w in "”)）":
                    depth -= 1
                elif depth <= 0 and not _is_nounish(w, f):
                    if (
                        len(acc.strip("“”")) < 2
                        and f.startswith("v")
                        and i + 1 < len(words)
                        and _is_nounish(*words[i + 1])
                    ):
                        pass
                    else:
                        break
                acc += w
                i += 1
                if depth < 0:
                    break
            acc = acc.rstrip("“(（")
            key = unify(acc)
            becomes = norm[end + len(acc) : end + len(acc) + 1] == "为"
            if key not in self.lex.measures and becomes:
                # 287个社区细化为… : a known measure followed by a verb of becoming
                for label in sorted(self.lex.measures, key=len, reverse=True):
                    if len(label) >= 2 and key.startswith(label) and 0 < len(key) - len(label) <= 2:
                        acc = acc[: len(label)]
                        break
            place = unify(self._clean(acc)) in self.lex.covered_levels
            if place and self.lex.units.get(sp._.quantity.unit, "") in ("person", "person-time"):
                acc = after[:8]  # 3名社区治理专干: people of the place, not the place
            if len(acc.strip("“”()（）")) >= 1:
                return self._clean(acc), end, end + len(acc)
        # post-nominal: 建立党建联盟601个
        before = norm[c_start : sp.start_char]
        bwords = _posseg(before) if before else []
        acc = ""
        depth = 0
        for w, f in reversed(bwords):
            if w in "”)）":
                depth += 1
            elif w in "“(（":
                depth -= 1
            elif depth <= 0 and not _is_nounish(w, f):
                break
            acc = w + acc
        place = unify(self._clean(acc)) in self.lex.covered_levels
        persons = self.lex.units.get(sp._.quantity.unit, "") in ("person", "person-time")
        if place and persons:
            acc = ""  # 在职党员进社区1.8万人 counts people, not places: read the whole phrase
        if acc.strip("“”()（）") and self._clean(acc):
            return self._clean(acc), sp.start_char - len(acc), sp.start_char
        if not before.strip() and -1 in prev:
            return prev[-1]
        # a verb phrase (清理乱堆乱放), or the subject before function words (收取率由原来的)
        for skip_function in (False, True):
            j = len(bwords)
            if skip_function:
                while (
                    j > 0
                    and bwords[j - 1][1].startswith(("uj", "d", "p", "v"))
                    and len(bwords[j - 1][0]) <= 2
                ):
                    j -= 1
            acc, has_noun = "", False
            for w, f in reversed(bwords[:j]):
                if f.startswith(("x", "c", "p", "uj", "m", "r")) and w not in "“”()（）":
                    break
                has_noun = has_noun or _is_nounish(w, f)
                acc = w + acc
            if acc and has_noun:
                k = before.rfind(acc)
                return self._clean(acc), c_start + k, c_start + k + len(acc)
        if -1 in prev:
            return prev[-1]
        # a bare number after a comma repeats the previous measure with a new unit
        return "", sp.start_char, sp.start_char

    def _clean(self, text: str) -> str:
        text = text.strip().strip("“”")
        for w, f in _posseg(text):
            if f.startswith("r") and text.startswith(w):
                text = text[len(w) :]
            else:
                break
        return text.strip("“”")

    def measure_iri(self, text: str) -> tuple[str, str]:
        """(IRI, prefLabel) of the measure concept a wording names."""
        lex = self.lex
        key = unify(text)
        if key in lex.measures:
            s = lex.measures[key]
            return s, lex.measure_label[s]
        best = None
        for label, s in lex.measures.items():
            fits = key.endswith(label) and 0 < len(key) - len(label) <= 3 and len(label) >= 2
            if fits and (best is None or len(label) > len(best[0])):
                best = (label, s)
        if best is not None:
            return best[1], lex.measure_label[best[1]]
        return GKD + "measure/" + _iri_safe(key), key

    def _scope(self, t: Text, sp: Any, m_start: int, m_end: int) -> str:
        """ "total" for a count of all there is (全市289个社区, 建立党支部2062个); "subset" for
        a count of those that did something (6个社区入围…, 下沉到95个社区)."""
        norm = t.norm
        c_start = sp.start_char
        while c_start > 0 and norm[c_start - 1] not in "，。；！？,;!?\n":
            c_start -= 1
        before = norm[c_start : sp.start_char]
        if re.search(r"(全市|全省|全国|全区|全县|共|累计|总)", before):
            return "total"
        if m_start < sp.start_char:
            return "total"  # 建立网格党组织1560个: the object of a creating verb
        if re.search(r"(到|在|向|对|为|给|于)$", before):
            return "subset"
        # 6个社区入围…: places that did something; 2250名执法人员下沉 still counts all of them
        noun = unify(norm[m_start:m_end]) if m_end > m_start else ""
        if noun in self.lex.covered_levels or noun in self.lex.admin_levels:
            after = norm[m_end : m_end + 8]
            for w, f in _posseg(after) if after else []:
                if _is_nounish(w, f):
                    continue  # 20多个社区全员隔离: look past the adverbial noun
                if f.startswith("v") and not f.startswith("vn"):
                    return "subset"
                break
        return "total"

    def _observation(
        self,
        g: GraphWriter,
        t: Text,
        sp: Any,
        q: Quantity,
        measure_text: str,
        m_start: int,
        m_end: int,
        area: AreaMention | None,
        areas: AreaFinder,
    ) -> None:
        lex = self.lex
        a = min(sp.start_char, m_start) if measure_text else sp.start_char
        b = max(sp.end_char, m_end) if measure_text else sp.end_char
        span = self._span(g, t, a, b)
        na, nb = t.orig(sp.start_char, sp.end_char)
        obs = iri("obs", t.doc.doc_id, na, nb)
        if not measure_text:
            measure_text = "未说明指标"
        m_iri, m_label = self.measure_iri(measure_text)
        measure = ox.NamedNode(m_iri)
        g.add(obs, A, gk("StatisticObservation"))
        g.add(obs, gk("value"), literal(q.value))
        if q.value_max is not None:
            g.add(obs, gk("valueMax"), literal(q.value_max))
        g.lit(obs, gk("unit"), q.unit)
        g.lit(obs, gk("qualifier"), q.qualifier)
        g.lit(obs, gk("countScope"), self._scope(t, sp, m_start, m_end))
        g.add(obs, gk("measure"), measure)
        g.lit(obs, gk("measureText"), measure_text)
        g.add(obs, gk("reportedIn"), t.doc.iri)
        g.add(obs, DERIVED, span)
        # the whole statement, for questions about what else it says beside the number
        g.add(obs, gk("statement"), self._span(g, t, *statement_bounds(t.norm, a, b)))
        g.label(obs, f"{m_label} {_fmt(q.value)}{q.unit}")
        if (
            m_iri.startswith(GKD + "measure/")
            and unify(measure_text) not in lex.measures
            and m_label == unify(measure_text)
        ):
            g.add(measure, A, gk("Measure"))
            g.add(measure, A, ox.NamedNode(SKOS + "Concept"))
            g.add(measure, IN_SCHEME, ox.NamedNode(GKD + "scheme/measure"))
            g.label(measure, m_label, pref=True)
            g.add(measure, DERIVED, span)
        if area is not None:
            g.add(obs, gk("area"), ox.NamedNode(area.iri))
            if area.inferred:
                g.lit(obs, gk("areaInferred"), True)
            at = self._span(g, t, area.start, area.end) if area.start >= 0 else None
            self._write_area(g, t, areas, area.area, at)

    # -- structures
    def _structures(
        self,
        g: GraphWriter,
        t: Text,
        lo: int,
        hi: int,
        areas: AreaFinder,
        claimed: list[tuple[int, int]],
    ) -> Iterable[tuple[str, int]]:
        norm = t.norm
        found_items: set[tuple[str, ...]] = set()
        # 1. dash chains: A—B—C—D
        for m in re.finditer(
            r"“?([^—、，。；“”\s]{2,16}(?:—[^—、，。；“”\s]{2,16}){2,})”?", norm[lo:hi]
        ):
            items = m.group(1).split("—")
            start = lo + m.start(1)
            spans = []
            for it in items:
                spans.append((start, start + len(it)))
                start += len(it) + 1
            end = lo + m.end()
            rest = norm[end : end + 20]
            stop = re.search(r"[，。；：,;:\n与和]", rest)
            name = (rest[: stop.start()] if stop else rest).strip()
            if not name:
                name = f"{len(items)}级组织链"
            self._hierarchy(g, t, name, items, spans, lo + m.start(), end + len(name))
            claimed.append((lo + m.start(), end + len(name)))
            found_items.add(tuple(items))
            yield "Hierarchy", 1
        # 2. 包保 pairs
        yield from self._baobao(g, t, lo, hi, areas, claimed, found_items)
        # 3. compact level lists: 省市县三级
        levels = {k for k in {**self.lex.admin_levels, **self.lex.covered_levels} if len(k) == 1}
        for m in re.finditer(
            rf"([{''.join(sorted(levels))}]{{3,5}})([{CN_NUMERAL}]+)级", norm[lo:hi]
        ):
            items = list(m.group(1))
            if parse_cn_int(m.group(2)) != len(items):
                continue
            a = lo + m.start()
            name_run = re.match(r"[^，。；：、\d]{0,14}", norm[lo + m.end() :])
            name = m.group(0) + (name_run.group(0) if name_run else "")
            self._hierarchy(
                g,
                t,
                _short_name(name),
                items,
                [(a + i, a + i + 1) for i in range(len(items))],
                a,
                lo + m.end(),
            )
            claimed.append((a, lo + m.end()))
            found_items.add(tuple(items))
            yield "Hierarchy", 1
        # 4. enumerations with names
        for e in find_enumerations(norm, lo, hi):
            if tuple(e.items) in found_items:
                continue
            miscount = e.count is not None and e.count != len(e.items) and e.kind != "deng"
            # “加强、延伸、创新”六字 counts characters, not items
            if miscount and not (e.name[1:2] == "字" and e.count == sum(len(i) for i in e.items)):
                continue
            kind = self._classify(e)
            if kind is None:
                continue
            found_items.add(tuple(e.items))
            claimed.append((e.end, max(e.end, e.name_end)))
            if kind == "hierarchy":
                self._hierarchy(g, t, e.name, e.items, e.item_spans, e.start, e.name_end or e.end)
                yield "Hierarchy", 1
            elif kind == "working-groups":
                yield from self._working_groups(g, t, e, lo, hi, areas)
            elif kind == "alliance":
                yield from self._alliance(g, t, e, lo, hi)
            else:
                self._mechanism(g, t, e)
                yield "Mechanism", 1

    def _classify(self, e: Enumeration) -> str | None:
        name = e.name
        if re.match(rf"^[{CN_NUMERAL}\d]+级", name) or re.match(rf"^[{CN_NUMERAL}]+长制", name):
            return "hierarchy" if len(e.items) >= 3 else None
        if "专项工作组" in name:
            return "working-groups"
        if e.kind == "deng" and re.search(r"(纳入|加入|进入)[^，。]{0,6}联盟", name + "联盟"):
            return "alliance"
        if e.kind in ("de", "quoted-name", "numeral", "direct"):
            return "mechanism" if name else None
        if e.kind == "deng":
            if re.search(
                r"(形式|方式|模式|举措|措施|办法|机制|途径|工作法|体系|制度|标准|格局)", name
            ):
                return "mechanism"
            if not name and len(e.items) >= 3 and len({i[-1:] for i in e.items}) == 1:
                return "mechanism"
            return None
        if e.kind == "standalone":
            return "mechanism" if all(len(i) <= 8 for i in e.items) else None
        return None

    def _hierarchy(
        self,
        g: GraphWriter,
        t: Text,
        name: str,
        items: list[str],
        spans: list[tuple[int, int]],
        start: int,
        end: int,
    ) -> ox.NamedNode:
        h = iri("hierarchy", name)
        span = self._span(g, t, start, end)
        g.add(h, A, gk("Hierarchy"))
        g.add(h, A, ox.NamedNode(SKOS + "ConceptScheme"))
        g.label(h, name, pref=True)
        g.add(h, DERIVED, span)
        previous = None
        for rank, (item, (a, b)) in enumerate(zip(items, spans, strict=True), 1):
            level = iri("hierarchy", name, rank)
            g.add(level, A, gk("HierarchyLevel"))
            g.add(level, A, ox.NamedNode(SKOS + "Concept"))
            g.add(level, IN_SCHEME, h)
            g.lit(level, gk("rank"), rank)
            chain = self.lex.chain_levels.get(item) or self.lex.chain_levels.get(unify(item))
            pref = self.lex.pref.get(chain, item) if chain else item
            g.add(level, PREF_LABEL, ox.Literal(pref, language="zh"))
            g.label(level, pref)
            if pref != item:
                g.add(level, ALT_LABEL, ox.Literal(item, language="zh"))
            if chain:
                g.add(level, EXACT_MATCH, ox.NamedNode(chain))
            if previous is not None:
                g.add(level, BROADER, previous)
            g.add(level, DERIVED, self._span(g, t, a, b))
            previous = level
        return h

    def _baobao(
        self,
        g: GraphWriter,
        t: Text,
        lo: int,
        hi: int,
        areas: AreaFinder,
        claimed: list[tuple[int, int]],
        found: set[tuple[str, ...]],
    ) -> Iterable[tuple[str, int]]:
        norm = t.norm
        lex = self.lex
        ranks = sorted(lex.cadre_ranks, key=len, reverse=True)
        pair = rf"({'|'.join(map(re.escape, ranks))})包([^、，。；“”]{{1,8}}?)(?=[、，。；“”的])"
        run = re.compile(rf"{pair}(?:、{pair})+")
        for m in run.finditer(norm[lo:hi]):
            pairs = re.findall(pair, m.group(0) + "、")
            if len(pairs) < 2:
                continue
            mapped = []
            for cadre, covered in pairs:
                level = lex.covered_levels.get(covered) or lex.covered_levels.get(unify(covered))
                if level is None:
                    level = self._covered_by_initial(covered)
                if level is None:
                    break
                mapped.append((cadre, covered, lex.cadre_ranks[cadre], level))
            else:
                a, b = lo + m.start(), lo + m.end()
                sentence = norm[lo:hi]
                quoted = re.match(r"的?“([^”]{2,8})”", norm[b : b + 12])
                named = re.search(r"([\u4e00-\u9fff]{2}(?:包抓|包保|包联))", sentence)
                name = (
                    quoted.group(1)
                    if quoted
                    else (named.group(1) if named else f"{len(mapped)}级包保")
                )
                end = b + (quoted.end() if quoted else 0)
                claimed.append((a, end))
                self._system(g, t, name, mapped, a, end, areas)
                items = [f"{c}包{v}" for c, v, _, _ in mapped]
                spans = []
                pos = a
                for it in items:
                    k = norm.index(it, pos)
                    spans.append((k, k + len(it)))
                    pos = k + len(it)
                self._hierarchy(g, t, name, items, spans, a, end)
                found.add(tuple(items))
                yield "ResponsibilitySystem", 1

    def _covered_by_initial(self, text: str) -> str | None:
        for label, s in sorted(self.lex.covered_levels.items(), key=lambda kv: -len(kv[0])):
            if label and text[:1] == label[:1] and len(label) >= 2:
                return s
        return None

    def _system(
        self,
        g: GraphWriter,
        t: Text,
        name: str,
        mapped: list[tuple[str, str, str, str]],
        a: int,
        b: int,
        areas: AreaFinder,
    ) -> None:
        system = iri("system", name)
        span = self._span(g, t, a, b)
        g.add(system, A, gk("ResponsibilitySystem"))
        g.label(system, name, pref=True)
        g.add(system, DERIVED, span)
        area = areas.area_at(a, (a, b), None)
        if area is not None and not area.named_sub:
            g.add(system, gk("area"), ox.NamedNode(area.iri))
            self._write_area(g, t, areas, area.area, None)
        for rank, (cadre, covered, cadre_iri, level_iri) in enumerate(mapped, 1):
            tier = iri("system", name, rank)
            g.add(tier, A, gk("ResponsibilityAssignment"))
            g.add(tier, gk("cadreRank"), ox.NamedNode(cadre_iri))
            g.add(tier, gk("coveredLevel"), ox.NamedNode(level_iri))
            g.lit(tier, gk("rank"), rank)
            g.add(tier, gk("partOf"), system)
            g.add(system, gk("tier"), tier)
            g.label(
                tier,
                f"{self.lex.pref.get(cadre_iri, cadre)}→{self.lex.pref.get(level_iri, covered)}",
            )
            k = t.norm.index(f"{cadre}包{covered}", a)
            g.add(tier, DERIVED, self._span(g, t, k, k + len(cadre) + 1 + len(covered)))

    def _working_groups(
        self, g: GraphWriter, t: Text, e: Enumeration, lo: int, hi: int, areas: AreaFinder
    ) -> Iterable[tuple[str, int]]:
        norm = t.norm
        sentence = norm[lo:hi]
        lex = self.lex
        themes = []
        for item in e.items:
            th = lex.themes.get(item) or lex.themes.get(unify(item))
            themes.append(th)
        leader = re.search(rf"(?:\d+|[{CN_NUMERAL}]+)位([^，。；]{{1,10}}?领导)", norm[e.end : hi])
        leader_text = leader.group(1) if leader else ""
        scope = leader_text + sentence
        levels = []
        if "省级" in leader_text or (
            "省" in scope[: scope.find("工作组")] and "市" not in leader_text
        ):
            levels = ["省级"]
        else:
            levels = [
                lv for lv, w in (("市级", "市"), ("县级", "县")) if w in (leader_text or sentence)
            ]
        area = areas.province() if levels == ["省级"] else (areas.city() or areas.default)
        area_label = area.label if area is not None else "未知地区"
        committee = iri("committee", area_label)
        span = self._span(g, t, e.start, e.name_end)
        g.add(committee, A, gk("Committee"))
        g.label(committee, f"{area_label}城乡基层治理工作委员会", pref=True)
        if area is not None:
            g.add(committee, gk("area"), ox.NamedNode(area.iri))
            self._write_area(g, t, areas, area, None)
        g.add(committee, DERIVED, span)
        for rank, (item, th, (a, b)) in enumerate(
            zip(e.items, themes, e.item_spans, strict=True), 1
        ):
            theme_label = lex.pref.get(th, item) if th else item
            wg = iri("working-group", area_label, theme_label)
            g.add(wg, A, gk("WorkingGroup"))
            g.label(wg, f"{theme_label}专项工作组", pref=True)
            g.add(wg, ALT_LABEL, ox.Literal(item, language="zh"))
            if th:
                g.add(wg, gk("theme"), ox.NamedNode(th))
            for lv in levels:
                g.add(wg, gk("administrativeLevel"), iri("admin-level", lv))
            g.add(wg, gk("committee"), committee)
            g.lit(wg, gk("rank"), rank)
            if leader_text:
                g.lit(wg, gk("leader"), leader_text, "zh")
            if area is not None:
                g.add(wg, gk("area"), ox.NamedNode(area.iri))
            g.add(wg, DERIVED, self._span(g, t, a, b))
            g.add(wg, DERIVED, span)
            yield "WorkingGroup", 1

    def _alliance(
        self, g: GraphWriter, t: Text, e: Enumeration, lo: int, hi: int
    ) -> Iterable[tuple[str, int]]:
        norm = t.norm
        m = re.search(r"(纳入|加入|进入)([\u4e00-\u9fff]{0,6}?联盟)", norm[e.end : hi])
        if m is None:
            return
        name = m.group(2)
        alliance = iri("alliance", name)
        end = e.end + m.end()
        span = self._span(g, t, e.start, end)
        g.add(alliance, A, gk("Alliance"))
        g.add(alliance, A, ox.NamedNode(ORG + "OrganizationalCollaboration"))
        g.label(alliance, name, pref=True)
        g.add(alliance, DERIVED, span)
        for lv in ("街道", "社区"):
            if name.startswith(lv):
                g.add(alliance, gk("administrativeLevel"), iri("admin-level", lv))
        # 公安、住建…等职能部门纳入…: the words between 等 and the verb name the category
        category = norm[e.end + 1 : e.end + m.start()].strip() if m.start() > 1 else ""
        for rank, (item, (a, b)) in enumerate(zip(e.items, e.item_spans, strict=True), 1):
            kind_iri = self.lex.unit_kinds.get(item) or self.lex.unit_kinds.get(unify(item))
            kind = ox.NamedNode(kind_iri) if kind_iri else iri("unit-kind", item)
            if not kind_iri:
                g.add(kind, A, gk("UnitKind"))
                g.add(kind, A, ox.NamedNode(SKOS + "Concept"))
                g.label(kind, item, pref=True)
                g.add(kind, DERIVED, self._span(g, t, a, b))
            ms = iri("membership", name, item)
            g.add(ms, A, ox.NamedNode(ORG + "Membership"))
            g.add(ms, ox.NamedNode(ORG + "organization"), alliance)
            g.add(ms, ox.NamedNode(ORG + "member"), kind)
            g.add(ms, gk("memberKind"), kind)
            g.lit(ms, gk("rank"), rank)
            g.label(ms, f"{item} ∈ {name}")
            if category:
                g.lit(ms, gk("role"), category, "zh")
            g.add(ms, DERIVED, self._span(g, t, a, b))
            yield "Membership", 1

    def _mechanism(self, g: GraphWriter, t: Text, e: Enumeration) -> None:
        name = e.name
        generic = re.match(rf"^[{CN_NUMERAL}\d多]*(个|种)?[\u4e00-\u9fff]{{0,2}}$", name)
        if not name or generic:
            joined = "".join(e.items) if all(len(i) <= 2 for i in e.items) else e.items[0] + "等"
            name = f"{joined}{name}" if name else joined
        name = _short_name(name)
        mech = iri("mechanism", name, _items_key(e.items))
        span = self._span(g, t, e.start, max(e.end, e.name_end))
        g.add(mech, A, gk("Mechanism"))
        g.add(mech, A, ox.NamedNode(SKOS + "Concept"))
        g.label(mech, name, pref=True)
        g.add(mech, DERIVED, span)
        for rank, (item, (a, b)) in enumerate(zip(e.items, e.item_spans, strict=True), 1):
            step = iri("mechanism", name, _items_key(e.items), rank)
            g.add(step, A, gk("Step"))
            g.lit(step, gk("rank"), rank)
            g.label(step, item, pref=True)
            g.add(mech, gk("hasStep"), step)
            kind = iri("step", item)
            g.add(step, gk("stepKind"), kind)
            g.add(kind, A, ox.NamedNode(SKOS + "Concept"))
            g.label(kind, item, pref=True)
            g.add(kind, DERIVED, self._span(g, t, a, b))
            g.add(step, DERIVED, self._span(g, t, a, b))


def _items_key(items: list[str]) -> str:
    """A short stable key for an ordered list of items (part of structure IRIs)."""
    import hashlib

    return hashlib.sha1("\u0001".join(unify(i) for i in items).encode()).hexdigest()[:8]


def _short_name(name: str) -> str:
    return re.sub(r"[“”\s]", "", name)[:24] or "未命名"


def _iri_safe(text: str) -> str:
    return re.sub(r"[\s/#?<>\"{}|\\^`]", "_", text)[:60] or "_"


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
