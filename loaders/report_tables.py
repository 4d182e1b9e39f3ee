"""Tables inside reports: web copies keep a table as lines of cells (tabs, runs of blanks or
``|`` between them). A block of such lines, a header row of words over rows of figures, gives
one figure per cell: what it counts from its column's header (or from its row's label where
the header names years or places), its unit from the header's brackets or the cell, and its
row as the statement it is read from.

The rules (separators, what a header's count word and unit look like) are data in
``measures.yaml`` (``tables``); this module only reads positions in the normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from govkg.loaders.lexicon import measure_cues


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TableFigure:
    """One figure of a table: the number's [start, end), its value, the unit the table gives
    it ("" when it gives none), and what it counts with where that is written."""

    start: int
    end: int
    value: Decimal
    unit: str
    measure: str
    measure_start: int
    measure_end: int
    row: tuple[int, int]
    column: tuple[int, int] | None = None  # the header cell, where it names a place
    period: str | None = None  # the year the row or the column names (2025年 → "2025")


def _rules() -> dict[str, Any]:
    rules: dict[str, Any] = measure_cues()["tables"]
    return rules


@cache
def _figure_re() -> re.Pattern[str]:
    r = _rules()
    units = "|".join(sorted(map(re.escape, r["cell_units"]), key=len, reverse=True))
    return re.compile(
        rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<big>[万亿])?"
        rf"(?P<unit>%|％|{units})?"
    )


@cache
def _header_unit_re() -> re.Pattern[str]:
    # 网格数（个）, 覆盖率(%), 金额/万元: the unit in brackets or after a slash ends the header
    return re.compile(r"^(?P<head>.+?)\s*(?:[（(](?P<u1>[^（）()]{1,4})[)）]|/(?P<u2>[^/]{1,4}))$")


def _cells(line: str, at: int) -> list[Cell]:
    """The cells of one line, or [] when it is no table row."""
    r = _rules()
    body = line.strip()
    if not body or any(ch in body for ch in r["sentence_marks"]):
        return []
    # | or a tab between two cells keeps an empty cell where nothing stands between two of
    # them (合计\t\t135); a run of blanks cannot say so
    piped = "|" in body
    if piped:
        sep = re.compile(r"\|")
        line_at = line.index(body) + (1 if body.startswith("|") else 0)
        inner = body.strip("|")
    elif "\t" in body:
        sep, line_at, inner = re.compile(r"\t"), line.index(body), body
    else:
        sep = re.compile(rf" {{{r['min_blanks']},}}|\u3000{{2,}}")
        line_at, inner = line.index(body), body
    out: list[Cell] = []
    pos = 0
    for m in [*sep.finditer(inner), None]:
        end = m.start() if m is not None else len(inner)
        text = inner[pos:end]
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        start = at + line_at + pos + lead
        out.append(Cell(start, start + len(text), text))
        if m is not None:
            pos = m.end()
    return out if sum(1 for c in out if c.text) >= 2 else []


def _figure(cell: Cell) -> tuple[int, int, Decimal, str] | None:
    m = _figure_re().fullmatch(cell.text)
    if m is None:
        return None
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:
        return None
    if m["big"]:
        value *= Decimal(10000) if m["big"] == "万" else Decimal(100000000)
    unit = m["unit"] or ""
    unit = "%" if unit in ("%", "％") else unit
    return cell.start, cell.end, value, unit


_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)年?度?(?:底|末)?")


def _year(text: str) -> str | None:
    m = _YEAR.fullmatch(text)
    return m["year"] if m is not None else None


def _is_year_or_place(text: str) -> bool:
    return _year(text) is not None or text.endswith(tuple(_rules()["place_header_endings"]))


def _measure(cell: Cell) -> tuple[str, str, int, int]:
    """(what is counted, unit, start, end) of a header cell: 网格员数（名） → 网格员, 名."""
    r = _rules()
    text, unit = cell.text, ""
    m = _header_unit_re().match(text)
    if m is not None:
        text, unit = m["head"], m["u1"] or m["u2"]
        unit = "%" if unit in ("%", "％") else unit
    for ending in r["count_endings"]:
        if text.endswith(ending) and len(text) - len(ending) >= 2:
            text = text[: -len(ending)]
            break
    return text, unit, cell.start, cell.start + len(text)


def _unit_above(norm: str, header_start: int) -> str:
    """单位：个 on the line above the header (or ending it, after a caption): the unit of
    every figure whose header and cell give none."""
    lo = norm.rfind("\n", 0, max(0, norm.rfind("\n", 0, header_start)))
    above = norm[lo + 1 : header_start]
    m = re.search(r"单位\s*[:：]\s*(?P<unit>[^\s，,。）)]{1,4})\s*[）)]?\s*$", above)
    if m is None:
        return ""
    return "%" if m["unit"] in ("%", "％") else m["unit"]


def _blocks(norm: str) -> list[list[list[Cell]]]:
    """Runs of consecutive table rows with the same number of cells."""
    blocks: list[list[list[Cell]]] = []
    run: list[list[Cell]] = []
    at = 0
    for line in norm.split("\n"):
        cells = _cells(line, at)
        if cells and (not run or len(cells) == len(run[0])):
            run.append(cells)
        else:
            if len(run) >= 2:
                blocks.append(run)
            run = [cells] if cells else []
        at += len(line) + 1
    if len(run) >= 2:
        blocks.append(run)
    return blocks


def read_tables(norm: str) -> list[TableFigure]:
    """Every figure of every table in ``norm`` whose header is words over rows of figures."""
    out: list[TableFigure] = []
    for block in _blocks(norm):
        header, rows = block[0], block[1:]
        given = _unit_above(norm, header[0].start)
        if any(_figure(c) is not None for c in header[1:]) or not all(c.text for c in header[1:]):
            continue  # no header of words: not a table this reader understands
        by_row = all(_is_year_or_place(c.text) for c in header[1:])
        for row in rows:
            filled = [c for c in row if c.text]
            line = (filled[0].start, filled[-1].end)
            label = filled[0]
            for col, cell in enumerate(row[1:], start=1):
                fig = _figure(cell)
                if fig is None:
                    continue
                start, end, value, unit = fig
                head = header[col]
                measure, head_unit, m_start, m_end = _measure(label if by_row else head)
                period = _year(head.text) or _year(label.text)
                column = (head.start, head.end) if by_row and period is None else None
                out.append(
                    TableFigure(
                        start,
                        end,
                        value,
                        unit or head_unit or given,
                        measure,
                        m_start,
                        m_end,
                        line,
                        column,
                        period,
                    )
                )
    return out
