"""The report loader: reads Chinese governance reports with the spaCy pipeline of
:mod:`govkg.loaders.zh` and writes statistics, ordered structures, 包保 systems, working
groups, mechanisms and alliance memberships, each with the exact span it came from."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import pyoxigraph as ox

from govkg.loaders.base import DERIVED, A, GraphWriter, LoadReport, Ranges, literal
from govkg.loaders.components import Quantity
from govkg.loaders.corpus import CorpusDocument, Text
from govkg.loaders.gazetteer import ROOT_IRI
from govkg.loaders.lexicon import lexicon, unify
from govkg.loaders.measure_reading import _MEASURE_CUES, MeasureReading
from govkg.loaders.pipeline import nlp_pipeline
from govkg.loaders.places import Area, AreaFinder, AreaMention, DocumentAreaError
from govkg.loaders.structure_writer import StructureWriter
from govkg.loaders.structures import Structure
from govkg.loaders.zh import doc_text, normalise
from govkg.ontology import DCTERMS, GKD, SKOS, XSD
from govkg.ontology.errors import InputError
from govkg.ontology.ids import gk, iri

ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
BROADER = ox.NamedNode(SKOS + "broader")
EXACT_MATCH = ox.NamedNode(SKOS + "exactMatch")
SPATIAL = ox.NamedNode(DCTERMS + "spatial")
_GYEAR = ox.NamedNode(XSD + "gYear")

_CLAUSE_BREAK = "，。；！？：,;!?:\n"
# Sentence (statement) ends in the normalised view: full-width ！？； are folded to !?; there,
# ｡ is the half-width ideographic full stop; a line break is one that normalise kept.
_SENT_BREAK = "。；！？;!?｡\n"
_QUOTE_OPENERS = "“「『\"'‘"
_OPEN, _CLOSE = '“「『"', '”」』"'


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
    """Short quoted phrases (names) and book titles, as [start, end) ranges. A quote that
    holds the end of a sentence is speech, not a name."""
    quotes: list[tuple[int, int]] = []
    titles: list[tuple[int, int]] = []
    for m in re.finditer(r"“[^“”\n。！？!?]{1,40}”|「[^「」\n。！？!?]{1,40}」", norm):
        quotes.append((m.start(), m.end()))
    for m in re.finditer(r"《[^《》\n]{1,80}》", norm):
        titles.append((m.start(), m.end()))
    return quotes, titles


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


# --------------------------------------------------------------------------- writer


@dataclass
class DocResult:
    observations: list[dict[str, Any]] = field(default_factory=list)
    structures: list[dict[str, Any]] = field(default_factory=list)


def _counts_quoted_list(norm: str, start: int, value: Decimal) -> bool:
    """True when a quoted list ends right before ``start`` and has ``value`` items
    (“草原管护、矛盾调处、服务群众”三项任务): the count names the list."""
    if norm[start - 1 : start] not in ("”", "」"):
        return False
    opening = max(
        norm.rfind("“", max(0, start - 80), start), norm.rfind("「", max(0, start - 80), start)
    )
    if opening < 0:
        return False
    body = norm[opening + 1 : start - 1]
    return "、" in body and Decimal(len(body.split("、"))) == value


class TextLoader(MeasureReading):
    """Reads one corpus document and writes what it says into the document's graph."""

    name: ClassVar[str] = "text"

    def __init__(self) -> None:
        self.lex = lexicon()
        self.structures = StructureWriter(self._span, self._write_area, self.lex)
        self.measured: dict[int, tuple[str, str]] = {}

    # -- spans
    def _span(self, g: GraphWriter, t: Text, start: int, end: int) -> ox.NamedNode:
        a, b = t.orig(start, end)
        quote = t.doc.text[a:b]
        if not quote:
            raise InputError("an extracted span is empty", file=str(t.doc.path), offset=a)
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
        self.measured = {}  # what each statistic read so far counts, in which unit
        areas = self._areas(report, source, doc, quotes + titles)
        sentences = _sentences(norm)
        counts: dict[str, int] = defaultdict(int)
        rejected_numbers: list[dict[str, Any]] = []
        unplaced: list[dict[str, Any]] = []

        # ---- structures first: their numerals are names, not statistics
        records: list[Structure] = doc._.structures or []
        claimed = Ranges([r.claim for r in records if r.claim is not None])
        for kind, n in self.structures.write(graph, text, records, areas).items():
            counts[kind] += n

        # ---- statistics
        carry: AreaMention | None = None
        prev_para = -1
        q_by_sentence: dict[int, list[Any]] = defaultdict(list)
        sentence_starts = [a for a, _b, _p in sentences]
        # in the order of the text: numbers that share a unit were found after the others
        for sp in sorted(doc.spans["quantities"], key=lambda x: (x.start_char, x.end_char)):
            k = bisect.bisect_right(sentence_starts, sp.start_char) - 1
            if k >= 0:
                q_by_sentence[k].append(sp)
        place_names = Ranges(areas.name_spans())
        # places named in full (not the short forms of places below the county, which may
        # be common words elsewhere: 包联 of a misread 包联街道)
        named_places = Ranges([(m.start, m.end) for m in areas.mentions if m.start >= 0])
        brackets = Ranges(quotes + titles, open_start=True)
        for k, (s_start, s_end, para) in enumerate(sentences):
            if para != prev_para:
                # a paragraph of quoted speech goes on about the place of the one before it
                if norm[s_start:s_end].lstrip(" \u3000")[:1] not in tuple(_QUOTE_OPENERS):
                    carry = None
                prev_para = para
            prev_measure: dict[int, tuple[str, int, int]] = {}
            for sp in q_by_sentence.get(k, []):
                q: Quantity = sp._.quantity
                report.read += 1
                why = self._not_a_statistic(text, sp, q, brackets, claimed, place_names)
                if why:
                    rejected_numbers.append(_not_counted(text, sp, why))
                    continue
                fig = sp._.table_figure
                if fig is not None:
                    # a table's figure counts what its header says; the cell is its span
                    measure_text, m_start, m_end = fig.measure, sp.start_char, sp.end_char
                    if not q.unit:
                        q = self._table_unit(q, fig.measure)
                    if not q.unit:
                        why = "a table figure whose unit neither the table nor the report gives"
                        rejected_numbers.append(_not_counted(text, sp, why))
                        continue
                else:
                    measure_text, m_start, m_end = self._measure(
                        text, sp, s_start, prev_measure, place_names
                    )
                    measure_text, m_start = _without_place(
                        norm, named_places, measure_text, m_start, m_end
                    )
                    measure_text = self._share_of(norm, measure_text, m_start, m_end, q)
                if any(measure_text.startswith(w) for w in self.lex.structure_words):
                    why = "counts the parts of a named structure"
                    rejected_numbers.append(_not_counted(text, sp, why))
                    continue
                prev_measure[id(sp)] = (measure_text, m_start, m_end)
                prev_measure[-1] = (measure_text, m_start, m_end)
                self.measured[sp.start_char] = (measure_text, q.unit or "")
                area = areas.area_at(sp.start_char, (s_start, s_end), carry)
                if fig is not None and fig.column is not None:
                    # a table of places across its header: the column's place
                    column = areas.area_at(fig.column[1], fig.column, None)
                    if column is not None and not column.inferred:
                        area = column
                period = fig.period if fig is not None else None
                self._observation(
                    graph, text, sp, q, measure_text, m_start, m_end, area, areas, period
                )
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
            "document_area_unresolved": areas.manifest_unresolved,
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
        norm = doc_text(doc)
        try:
            return AreaFinder(
                norm,
                source.area,
                doc.ents,
                doc._.sub_areas,
                skip,
                doc._.organisations,
                doc._.organ_places,
            )
        except DocumentAreaError as exc:
            # the report still builds, its places read from the text alone; the manifest's
            # area is listed as a warning
            finder = AreaFinder(
                norm,
                None,
                doc.ents,
                doc._.sub_areas,
                skip,
                doc._.organisations,
                doc._.organ_places,
            )
            why = f"{exc}; the report's places are read from its text alone"
            finder.manifest_unresolved.append({"area": source.area, "candidates": [], "why": why})
            return finder

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
        first = areas.first_span(area)
        for written in (
            t.quote(*first) if first else "",
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
        brackets: Ranges,
        claimed: Ranges,
        place_names: Ranges,
    ) -> str:
        norm = t.norm
        start = q.number_start
        if q.chinese and start in place_names:
            return "part of a place name"
        quoted = brackets.holder(start)
        if quoted is not None and quoted == brackets.holder(sp.end_char - 1):
            return "part of a quoted name or title"
        if norm[max(0, start - 1) : start] == "第":
            return "an ordinal"
        # 每300户至500户划分1个网格: how many each figure is for, not a count
        if re.search(
            r"每(?:[\d.]+[\u4e00-\u9fff]{0,2}[至到~～\-—])?$", norm[max(0, start - 12) : start]
        ):
            return "the size each figure of a rate is for (每…)"
        if q.chinese and q.value == 1 and q.value_max is None:
            return "一 used as an article"
        if q.unit == "年":
            if not q.chinese and norm[max(0, start - 2) : start] in ("连续",) and q.value < 100:
                return ""
            return "a date or a period, not a count"
        # “1+3+N”力量，即1名专职网格员、3名兼职网格员: the formula's terms, not counts
        window = norm[max(0, start - 40) : start]
        window = window[max(window.rfind(ch) for ch in "。！？!?\n") + 1 :]
        formula = re.search(
            r"[“「]([0-9A-Za-z]+(?:[+＋][0-9A-Za-z]+)+|[1-9]{2,5})[”」][^“”「」]*?即", window
        )
        if formula is not None and not q.chinese and q.value_max is None:
            # “135”工作机制，即1个目标、3支队伍、5项制度: a name of digits, one a term each
            name = formula.group(1)
            terms = re.split(r"[+＋]", name) if re.search(r"[+＋]", name) else list(name)
            if _fmt(q.value) in terms:
                return "a term of a formula glossed after 即"
        limit = "|".join(map(re.escape, _MEASURE_CUES["time_limit_words"]))
        if re.match(rf"(?:{limit})(?:以内|之内|内)", norm[sp.end_char : sp.end_char + 6]):
            return "a time limit"  # 1个工作日内联系: how soon, not how many
        if q.unit in _MEASURE_CUES["time_limit_words"] and re.match(
            r"以内|之内|内", norm[sp.end_char : sp.end_char + 2]
        ):
            return "a time limit"  # 24小时内办结: the unit is the span's own
        if norm[start : sp.end_char] in _MEASURE_CUES["round_the_clock"]:
            return "round the clock, not a count of hours"  # 24小时服务
        clause_rest = re.split(r"[，。；！？,;!?\n]", norm[sp.end_char : sp.end_char + 40])[0]
        if q.unit != "%" and clause_rest.startswith("的") and re.search(r"\d", clause_rest):
            # 收入超过50万元的村有37个: the bar that picks out what the next number counts; but
            # 有居民4300余户的老旧社区被划成12个网格 describes the place, with no bar
            bar = _MEASURE_CUES["threshold_words"]
            before = norm[max(0, start - 4) : start]
            if any(w in before for w in bar):
                return "a threshold picking out what a later number counts"
        after = norm[sp.end_char : sp.end_char + 3]
        if any(after.startswith(w) for w in self.lex.structure_words):
            return "counts the parts of a named structure"
        if q.unit in self.lex.structure_words:
            return "counts the parts of a named structure"
        if q.chinese and start in claimed:
            return "names an ordered structure"
        if q.chinese and q.value_max is None and _counts_quoted_list(norm, start, q.value):
            return "counts the items of the quoted list before it"  # “A、B、C”三项任务
        if norm[start - 1 : start] in "(（" and norm[sp.end_char : sp.end_char + 1] in ")）":
            return "a label in brackets (a phase or an edition)"
        if self.lex.units.get(q.unit, "") == "age":
            # 平均年龄38.6岁 is a statistic; 65岁的老人, 80岁以上老人 name a person or a group
            clause = norm[max(0, start - 30) : start]
            clause = re.split(r"[。；！？;!?\n]", clause)[-1]  # 平均年龄…，较上届下降4.2岁 too
            if not any(w in clause for w in _MEASURE_CUES["age_aggregates"]):
                return "an age of a person or of a group, not a figure about a place"
        # 浏览次数：1234次: the page's furniture (its counters, its labels), not the report
        line = norm[norm.rfind("\n", 0, start) + 1 : start]
        label = re.search(r"([\u4e00-\u9fff]{1,6})[:：]\s*$", line)
        if label is not None and label.group(1) in _MEASURE_CUES["page_furniture_labels"]:
            return "page furniture"
        return ""

    def _share_of(self, norm: str, measure: str, m_start: int, m_end: int, q: Quantity) -> str:
        """少数民族居民约占23%, 少数民族人口占总人口的46.3%, 流动人口占全区人口的比例为31%: a
        percentage a part takes of a whole is that part's share (少数民族居民占比); the whole,
        written or not, is no part of what is counted."""
        if q.unit != "%" or not measure:
            return measure
        share = (
            r"(?:约|近|超过|仅)?占(?:[\u4e00-\u9fff]{0,6}?的?)?(?:比例|比重)?(?:约|近|达|为|是)?"
        )
        if measure in ("比例", "比重"):
            # the part is the words of the clause before 占
            clause = re.split(r"[，。；！？,;!?\n]", norm[:m_start])[-1]
            part = re.search(rf"([\u4e00-\u9fff“”]{{2,16}}?){share}$", clause + measure)
            cleaned = self._clean(part.group(1)) if part else ""
            return cleaned + "占比" if len(cleaned) >= 2 else measure
        if measure.endswith(tuple(_MEASURE_CUES["nominal_endings"])):
            return measure
        inner = re.fullmatch(r"(.{2,}?)(?:约|近|仅)?占[\u4e00-\u9fff]{1,6}", measure)
        if inner is not None:
            return inner.group(1) + "占比"  # 少数民族人口占总人口|的46.3%
        k = norm.rfind(measure, m_start, q.number_start)
        between = norm[(k + len(measure) if k >= 0 else m_end) : q.number_start]
        return measure + "占比" if re.fullmatch(share, between) and between else measure

    def _table_unit(self, q: Quantity, measure: str) -> Quantity:
        """A table figure with no unit takes the one the report last counted its measure in
        (网格员436名 before a table of 网格员数: 名), or else the one unit the report counts
        every kind of it in (专职网格员…名, 兼职网格员…名: 名)."""
        key = unify(measure)
        units = [u for m, u in self.measured.values() if u and unify(m) == key]
        if not units:
            kinds = {u for m, u in self.measured.values() if u and unify(m).endswith(key)}
            units = list(kinds) if len(kinds) == 1 and len(key) >= 2 else []
        if not units:
            return q
        return Quantity(
            q.value, q.value_max, units[-1], q.qualifier, q.chinese, q.number_start, q.end
        )

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
        period: str | None = None,
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
        if period is not None:  # the year a table's header or row gives the figure
            g.add(obs, gk("refPeriod"), ox.Literal(period, datatype=_GYEAR))
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


def _not_counted(t: Text, sp: Any, why: str) -> dict[str, Any]:
    """A number read and not taken as a statistic, for report.json, with the reason."""
    return {"offset": t.orig(sp.start_char, sp.end_char)[0], "text": sp.text, "why": why}


def _without_place(
    norm: str, place_names: Ranges, measure: str, m_start: int, m_end: int
) -> tuple[str, int]:
    """新阳路街道辖区面积 → 辖区面积: a place named at the start of what is counted is the
    statistic's area, not part of its measure (two characters at least are left)."""
    starting = [r for r in place_names.holding(m_start) if r[0] == m_start] if measure else []
    if not starting:
        return measure, m_start
    held = max(starting, key=lambda r: r[1])  # the whole name (新阳路街道, not 新阳路)
    place = norm[held[0] : held[1]]
    if measure.startswith(place) and len(measure) - len(place) >= 2 and held[1] < m_end:
        return measure[len(place) :], held[1]
    return measure, m_start


def _iri_safe(text: str) -> str:
    # % too: a lone % is no percent-encoding (a measure read as “(%” from 0%（%)
    return re.sub(r"[\s/#?<>\"{}|\\^`%]", "_", text)[:60] or "_"


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
