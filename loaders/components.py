"""spaCy components of the report pipeline, registered the spaCy way.

``govkg_quantities`` finds numbers with their units (Arabic, full-width and Chinese
numerals; 万/亿; ranges; 余/多/以上 and 约/近/至少 cues) whose edges fall on token edges, and
puts them in ``doc.spans["quantities"]`` with the parsed value in ``span._.quantity``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from govkg.loaders.lexicon import lexicon, measure_cues
from govkg.loaders.report_tables import read_tables
from govkg.loaders.zh import CN_NUMERAL, doc_text, parse_cn_int, parse_number


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    value_max: Decimal | None
    unit: str
    qualifier: str
    chinese: bool  # written in Chinese numerals
    number_start: int  # offset of the first digit in the doc text
    end: int = -1  # offset after its unit (the token holding the unit may go on: 个|村 → 个村)


if not Span.has_extension("quantity"):
    Span.set_extension("quantity", default=None)
if not Span.has_extension("table_figure"):
    Span.set_extension("table_figure", default=None)

_BIG = {"万": Decimal(10000), "亿": Decimal(100000000)}
#: Characters that make a word with 成 after a numeral (三成为, 两成立…): no share of tenths.
_NOT_SHARE = "为立功果本绩员交效型长"


@cache
def quantity_regex() -> re.Pattern[str]:
    lex = lexicon()
    units = sorted(lex.units, key=len, reverse=True)
    before = sorted(lex.cue_before, key=len, reverse=True)
    after = sorted((c for c in lex.cue_after if len(c) == 1), key=len, reverse=True)
    trailing = sorted((c for c in lex.cue_after if len(c) > 1), key=len, reverse=True)
    cues = sorted(lex.cue_after, key=len, reverse=True)
    # 1,086: thousands grouped by commas (a comma before three digits and a unit)
    num = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_NUMERAL}]+)"
    alt = "|".join
    return re.compile(
        rf"(?P<pre>{alt(map(re.escape, before))})?"
        # 百分之九十五: a percentage written in words (its unit before the number)
        rf"(?:(?P<unit_first>百分之)(?P<pnum>{num})(?P<pq>{alt(after)})?|"
        # 三分之二以上的, 近1/3社区: a fraction, a percentage too, where the clause, 的 or a
        # noun follows (a slash between two digits, the second at most 10 and the larger:
        # no date, day or score); 百分之 is the branch above
        rf"(?:(?P<fden>[一二两三四五六七八九十])分之(?P<fnum>[一二两三四五六七八九])"
        rf"|(?<![\d/.])(?P<anum>\d)/(?P<aden>10|[2-9])(?![\d/分号日月]))"
        rf"(?P<fq>{alt(map(re.escape, cues))})?(?=的|[，。；、,;！？!?）)\n\u4e00-\u9fff]|$)|"
        # 九成以上, 超八成的, 近三成社区: tenths, a percentage too, where the clause or 的
        # follows, or a noun after two to nine tenths (not 一成不变, 成为, 成立…)
        rf"(?P<tenths>[一二两三四五六七八九十])成(?P<tq>{alt(map(re.escape, cues))})?"
        rf"(?=的|[，。；、,;！？!?）)\n]|$)|"
        rf"(?P<tenths_n>[二两三四五六七八九])成(?P<tqn>{alt(map(re.escape, cues))})?"
        rf"(?=[\u4e00-\u9fff])(?![{_NOT_SHARE}])|"
        rf"(?:(?P<num>{num})(?:(?P<dash>[—–\-~～至到]{{1,2}})(?P<num2>{num}))?"
        rf"(?P<q1>{alt(after)})?(?P<big>[万亿])?"
        # 近万名, 上万人: a bare 万 or 亿 after a cue (checked in _quantity)
        rf"|(?P<up>上)?(?P<bare>[万亿]))"
        rf"(?P<q2>{alt(after)})?"
        rf"(?P<unit>{alt(map(re.escape, units))})"
        rf"(?P<post>{alt(map(re.escape, trailing))})?)"
    )


def _quantity(m: re.Match[str]) -> Quantity | None:
    lex = lexicon()
    if m["tenths"] or m["tenths_n"]:
        digit, cue = (m["tenths"], m["tq"]) if m["tenths"] else (m["tenths_n"], m["tqn"])
        qualifier = lex.cue_after.get(cue, "exact") if cue else "exact"
        if m["pre"]:
            qualifier = lex.cue_before[m["pre"]]
        value = Decimal(parse_cn_int(digit) * 10)
        at = m.start("tenths") if m["tenths"] else m.start("tenths_n")
        return Quantity(value, None, "%", qualifier, True, at, m.end())
    if m["fden"] or m["aden"]:
        return _fraction(m)
    if m["unit_first"]:
        try:
            value = parse_number(m["pnum"])
        except (ValueError, ArithmeticError):
            return None
        qualifier = lex.cue_after.get(m["pq"], "exact") if m["pq"] else "exact"
        if m["pre"]:
            qualifier = lex.cue_before[m["pre"]]
        chinese = not m["pnum"][0].isdigit()
        return Quantity(value, None, "%", qualifier, chinese, m.start("pnum"), m.end())
    if m["bare"]:
        # 近万名 (nearly ten thousand), 上万人 / 逾万人 (more than), 建立万支… (ten thousand)
        text = m.string
        if not (m["pre"] or m["up"]) and (
            text[max(0, m.start() - 1) : m.start()] == "每"
            or text.startswith(("以上", "以下", "以内"), m.end("unit"))
        ):
            return None  # 每万人, 万元以上: a rate or a threshold, no count
        qualifier = "approx_more_than" if m["up"] else "exact"
        for cue in (m["q2"], m["post"]):
            if cue:
                qualifier = lex.cue_after.get(cue, qualifier)
        if m["pre"]:
            qualifier = lex.cue_before[m["pre"]]
        unit = "%" if m["unit"] in ("%", "％") else m["unit"]
        at = m.start("up") if m["up"] else m.start("bare")
        return Quantity(_BIG[m["bare"]], None, unit, qualifier, True, at, m.end())
    up = m.string[max(0, m.start() - 1) : m.start()] == "上"  # 上千名: more than
    cued = any(m[g] for g in ("pre", "q1", "q2", "post")) or up
    if set(m["num"]) <= set("百千") and not cued:
        return None  # 千户苗寨, 千方百计: a bare 百 or 千 is a word; 百余场次, 近千人 count
    try:
        value = parse_number(m["num"])
        value_max = parse_number(m["num2"]) if m["num2"] else None
    except (ValueError, ArithmeticError):
        return None
    if m["big"]:
        value *= _BIG[m["big"]]
        if value_max is not None:
            value_max *= _BIG[m["big"]]
    qualifier = "exact"
    for cue in (m["q1"], m["q2"], m["post"]):
        if cue:
            qualifier = lex.cue_after.get(cue, qualifier)
    if m["pre"]:
        qualifier = lex.cue_before[m["pre"]]
    elif up and set(m["num"]) <= set("百千"):
        qualifier = "approx_more_than"
    unit = "%" if m["unit"] in ("%", "％") else m["unit"]
    chinese = not m["num"][0].isdigit()
    # 上百场: 上 is part of the number (more than a hundred), not of what is counted
    at = m.start("num") - 1 if up and set(m["num"]) <= set("百千") else m.start("num")
    return Quantity(value, value_max, unit, qualifier, chinese, at, m.end())


def _fraction(m: re.Match[str]) -> Quantity | None:
    """三分之二 or 2/3: the share as a percentage to two decimals (66.67)."""
    if m["fden"]:
        num, den, at = parse_cn_int(m["fnum"]), parse_cn_int(m["fden"]), m.start("fden")
    else:
        num, den, at = int(m["anum"]), int(m["aden"]), m.start("anum")
    if not 0 < num < den:
        return None
    lex = lexicon()
    qualifier = lex.cue_after.get(m["fq"], "exact") if m["fq"] else "exact"
    if m["pre"]:
        qualifier = lex.cue_before[m["pre"]]
    value = (Decimal(100 * num) / Decimal(den)).quantize(Decimal("0.01"))
    return Quantity(value, None, "%", qualifier, bool(m["fden"]), at, m.end())


def _distant_cue(text: str, begin: int, q: Quantity) -> Quantity:
    """至少打造4个: a two-character cue may stand a short verb away from the number."""
    window = text[max(0, begin - 5) : begin]
    for cue, code in lexicon().cue_before.items():
        k = window.rfind(cue)
        if len(cue) >= 2 and k >= 0 and not re.search(r"[，。；、,;]", window[k:]):
            return Quantity(q.value, q.value_max, q.unit, code, q.chinese, q.number_start, q.end)
    return q


@Language.component("govkg_quantities")
def find_quantities(doc: Doc) -> Doc:
    idx_len = doc.to_array([IDX, LENGTH])  # no Token objects: iterating a Doc makes one each
    starts = set(idx_len[:, 0].tolist())
    ends = set((idx_len[:, 0] + idx_len[:, 1]).tolist())
    spans: list[Span] = []
    text = doc_text(doc)
    for m in quantity_regex().finditer(text):
        begin, end = m.start(), m.end()
        # A number must start a token and its unit end one: 千家万户 or 四平市 are words
        # (上千|人次: 上 may open the token that holds the number)
        up_start = begin - 1 if text[begin - 1 : begin] == "上" else begin
        if m.start("num") not in starts and begin not in starts and up_start not in starts:
            continue
        unit_end = m.end("unit")
        unit_starts_token = (
            m.start("unit") in starts or m.start("unit") - len(m["big"] or "") in starts
        )
        if unit_end not in ends and end not in ends and not unit_starts_token:
            continue
        nxt = text[unit_end : unit_end + 1]
        if nxt and nxt in _unit_not_before().get(m["unit"] or "", ""):
            continue  # 5部门: the unit's character opens another word
        q = _quantity(m)
        if q is None or (q.chinese and q.unit in measure_cues()["digits_only_units"]):
            continue
        if not m["pre"]:
            q = _distant_cue(text, begin, q)
        begin = min(begin, q.number_start)
        span = doc.char_span(begin, end, label="QUANTITY", alignment_mode="expand")
        if span is None:
            continue
        span._.quantity = q
        spans.append(span)
    spans.extend(_sharing_a_unit(doc, text, spans, starts))
    spans.extend(_people_without_unit(doc, text, spans))
    spans.extend(_table_figures(doc, text, spans))
    spans.sort(key=lambda sp: (sp.start_char, sp.end_char))
    doc.spans["quantities"] = spans
    return doc


def _table_figures(doc: Doc, text: str, found: list[Span]) -> list[Span]:
    """The figures of tables in the report: a number found already (98.6%) learns its
    column's measure; a bare number in a cell is a quantity in the unit the table gives."""
    out: list[Span] = []
    by_start = {sp._.quantity.number_start: sp for sp in found}
    for fig in read_tables(text):
        known = by_start.get(fig.start)
        if known is not None:
            known._.table_figure = fig
            continue
        span = doc.char_span(fig.start, fig.end, label="QUANTITY", alignment_mode="expand")
        if span is None:
            continue
        span._.quantity = Quantity(fig.value, None, fig.unit, "exact", False, fig.start, fig.end)
        span._.table_figure = fig
        out.append(span)
    return out


@cache
def _population_re() -> re.Pattern[str]:
    cues = measure_cues()
    words = "|".join(map(re.escape, sorted(cues["population_measures"], key=len, reverse=True)))
    before = "|".join(map(re.escape, sorted(lexicon().cue_before, key=len, reverse=True)))
    after = "|".join(map(re.escape, sorted(lexicon().cue_after, key=len, reverse=True)))
    return re.compile(
        rf"(?:{words})(?:(?P<cue>{before})|达到|达|为|有|共)?(?P<num>\d+(?:\.\d+)?)"
        rf"(?P<big>[万亿])(?P<more>{after})?(?![\u4e00-\u9fff%％])"
    )


def _people_without_unit(doc: Doc, text: str, found: list[Span]) -> list[Span]:
    """常住人口约21万: a population in 万 or 亿 with no unit written counts people."""
    out: list[Span] = []
    taken = [(sp.start_char, sp.end_char) for sp in found]
    unit = measure_cues()["population_unit"]
    lex = lexicon()
    for m in _population_re().finditer(text):
        a, b = m.start("cue") if m["cue"] else m.start("num"), m.end()
        if any(x < b and a < y for x, y in taken):
            continue
        span = doc.char_span(a, b, label="QUANTITY", alignment_mode="expand")
        if span is None:
            continue
        qualifier = "exact"
        if m["more"]:
            qualifier = lex.cue_after[m["more"]]
        elif m["cue"]:
            qualifier = lex.cue_before[m["cue"]]
        value = parse_number(m["num"]) * _BIG[m["big"]]
        span._.quantity = Quantity(value, None, unit, qualifier, False, m.start("num"), b)
        out.append(span)
    return out


@cache
def _unit_not_before() -> dict[str, str]:
    return {u: "".join(chars) for u, chars in measure_cues()["unit_not_before"].items()}


@cache
def _units_not_shared() -> frozenset[str]:
    """Units of dates and ordinals: 2024和2025年 are two years, not two counts."""
    return frozenset(measure_cues()["units_not_shared"])


_SHARED_NUMBER = re.compile(r"(\d+(?:\.\d+)?)([和与及、])$")


def _sharing_a_unit(doc: Doc, text: str, found: list[Span], starts: set[int]) -> list[Span]:
    """分别提升4.2和3.6个百分点, 分别为12、15和20个: numbers listed before a number with its
    unit take that unit (a count of the same thing, each its own statistic)."""
    out: list[Span] = []
    taken = {(sp.start_char, sp.end_char) for sp in found}
    no_share = _units_not_shared()
    for sp in found:
        q = sp._.quantity
        if q.chinese or q.value_max is not None or q.unit in no_share:
            continue
        pos = q.number_start
        while True:
            m = _SHARED_NUMBER.search(text, max(0, pos - 14), pos)
            if m is None or m.start(1) not in starts:
                break
            a, b = m.start(1), m.end(1)
            if any(x < b and a < y for x, y in taken) or text[a - 1 : a] in ".．":
                break
            span = doc.char_span(a, b, label="QUANTITY", alignment_mode="expand")
            if span is None:
                break
            span._.quantity = Quantity(parse_number(m.group(1)), None, q.unit, "exact", False, a, b)
            out.append(span)
            taken.add((a, b))
            pos = a
    return out
