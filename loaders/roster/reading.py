"""Reading roster files: CSV, XLSX and YAML tables into rows of cells, and the cells of each
row into the values of its table's columns, in the order the mapping declares them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from govkg.loaders import roster_mapping
from govkg.loaders.encoding import UTF8, EncodingError, decode
from govkg.loaders.roster.rows import Cells, FileRejected, RosterFile, Row
from govkg.loaders.roster.state import RosterLoad
from govkg.loaders.roster_mapping import (
    TableSpec,
    header_key,
)


def _decode(data: bytes, notes: dict[str, Any] | None = None) -> str:
    """The text of a table (:func:`~govkg.loaders.encoding.decode`); a text read in other
    than UTF-8 is noted in ``notes["encoding"]``."""
    try:
        text, encoding = decode(data, keep_mark=False)
    except EncodingError as exc:
        raise FileRejected(
            f"line {exc.line}, byte {exc.byte}",
            "neither UTF-8 nor GBK/GB 18030 text; the file was not loaded",
        ) from None
    if encoding != UTF8 and notes is not None:
        notes["encoding"] = encoding
    return text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(
    path: Path, data: bytes, table: str, notes: dict[str, Any] | None = None
) -> tuple[list[str], Iterator[Cells], bool]:
    """``(header, rows, strict)`` of a roster file; ``strict``: rows must have exactly as
    many fields as the header (CSV), rather than at most as many (XLSX). A text file read in
    other than UTF-8 says which in ``notes["encoding"]``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = _decode(data, notes)
        reader = csv.reader(io.StringIO(text, newline=""))
        head: list[tuple[int, list[str]]] = []  # the first rows, a title may stand above
        try:
            for _ in range(HEADER_SEARCH_ROWS):
                row = next(reader)
                head.append((reader.line_num, row))
        except StopIteration:
            if not head:
                raise FileRejected("line 1", "the file is empty: no header row") from None
        except csv.Error as exc:
            raise FileRejected(f"line {len(head) + 1}", f"not readable as CSV: {exc}") from None
        h = _header_index([row for _, row in head], table, notes)
        return head[h][1], _csv_rows(reader, head[h + 1 :]), True
    if suffix == ".xlsx":
        return _xlsx_rows(data, table, notes)
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(_decode(data, notes))
    raise FileRejected("", f"unsupported file type {suffix!r} (use .csv, .xlsx or .yaml)")


#: How many rows from the top a table's header is looked for in: a sheet may carry a title
#: (合并单元格的表名) and notes above it.
HEADER_SEARCH_ROWS = 10


def _header_index(rows: list[list[str]], table: str, notes: dict[str, Any] | None) -> int:
    """Which of a table's first rows is its header: the first that holds every required
    column of the mapping (a title above it, 某区网格员花名册, is skipped and noted in
    ``notes["rows_above_header"]``); the first row where none does."""
    spec = roster_mapping.table_specs().get(table)
    if spec is None:
        return 0
    required = {c.name for c in spec.columns if c.required}
    for i, row in enumerate(rows):
        named = {spec.header_lookup.get(header_key(_cell(v))) for v in row}
        if required <= named:
            if i and notes is not None:
                notes["rows_above_header"] = i
            return i
    return 0


def _csv_rows(reader: Any, read: list[tuple[int, list[str]]] | None = None) -> Iterator[Cells]:
    n = 0
    for line, cells in read or []:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        n += 1
        yield Cells(n, line, cells)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            n += 1
            yield Cells(n, reader.line_num, ["\x00csv-error", str(exc)])
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        n += 1
        yield Cells(n, reader.line_num, cells)


def _xlsx_rows(
    data: bytes, table: str, notes: dict[str, Any] | None = None
) -> tuple[list[str], Iterator[Cells], bool]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRejected("", f"not readable as XLSX: {exc}") from None
    ws = wb[table] if table in wb.sheetnames else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    head = [[_cell(v) for v in values] for values in itertools.islice(it, HEADER_SEARCH_ROWS)]
    if not head:
        raise FileRejected("row 1", "the sheet is empty: no header row")
    h = _header_index(head, table, notes)
    header = head[h]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[Cells]:
        n = 0
        after = itertools.chain(head[h + 1 :], it)
        for line, values in enumerate(after, h + 2):
            cells = [_cell(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            n += 1
            yield Cells(n, line, cells)

    return header, rows(), False


def _yaml_rows(text: str) -> tuple[list[str], Iterator[Cells], bool]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FileRejected("", f"not readable as YAML: {exc}") from None
    if isinstance(raw, dict):
        raw = raw.get("rows")
    if not isinstance(raw, list):
        raise FileRejected("", "expected a list of rows (or a mapping with a 'rows' list)")
    header: list[str] = []
    for item in raw:
        if isinstance(item, dict):
            for k in item:
                if str(k) not in header:
                    header.append(str(k))

    def rows() -> Iterator[Cells]:
        for n, item in enumerate(raw, 1):
            if not isinstance(item, dict):
                yield Cells(n, n, ["\x00not-a-mapping", repr(item)[:80]])
                continue
            values = {str(k): _cell(v) for k, v in item.items()}
            yield Cells(n, n, [values.get(h, "") for h in header])

    return header, rows(), False


def read(load: RosterLoad) -> None:
    for fi, f in enumerate(load.files):
        spec = load.specs[f.table]
        try:
            header, rows, strict = read_rows(f.path, f.data, f.table, f.report.details)
            _read_file(load, fi, f, spec, header, rows, strict)
        except FileRejected as exc:
            f.report.reject(exc.location, exc.reason)


def _read_file(
    load: RosterLoad,
    fi: int,
    f: RosterFile,
    spec: TableSpec,
    header: list[str],
    rows: Iterator[Cells],
    strict: bool,
) -> None:
    pos = [-1] * len(spec.columns)
    ignored: list[str] = []
    for j, h in enumerate(header):
        name = spec.header_lookup.get(header_key(h))
        if name is None:
            ignored.append(h)
        elif pos[spec.index[name]] != -1:
            raise FileRejected("header", f"column {name!r} appears twice in the header")
        else:
            pos[spec.index[name]] = j
    missing = [c.name for c in spec.columns if c.required and pos[spec.index[c.name]] < 0]
    if missing:
        encoding = f.report.details.get("encoding")
        raise FileRejected(
            "header",
            f"required column(s) {', '.join(missing)} missing from the header "
            f"(expected: {', '.join(c.name for c in spec.columns)})"
            + (f"; the file is not UTF-8 and was read as {encoding}" if encoding else ""),
        )
    if ignored:
        f.report.details["ignored_columns"] = ignored
    width = len(header)
    identity = pos == list(range(width))
    out = load.rows[spec.name]
    append = out.append
    report = f.report
    for n, line, cells in rows:
        report.read += 1
        if cells and cells[0].startswith("\x00"):
            reason = (
                "row is not a mapping of column: value"
                if cells[0] == "\x00not-a-mapping"
                else f"not readable as CSV: {cells[1]}"
            )
            load.reject(Row(fi, n, line, ()), None, reason, cells[1])
            continue
        if len(cells) != width if strict else len(cells) > width:
            load.reject(
                Row(fi, n, line, tuple(cells)),
                None,
                f"wrong field count: {len(cells)} field(s), the header has {width}",
            )
            continue
        if identity and len(cells) == width:
            vals = tuple([c.strip() for c in cells])
        else:
            vals = tuple([cells[j].strip() if 0 <= j < len(cells) else "" for j in pos])
        append(Row(fi, n, line, vals))
