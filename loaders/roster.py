"""Roster loaders: CSV, XLSX and YAML tables of areas, party units, people, alliances,
memberships, working groups and 包保 assignments, turned into triples by the declarative
mappings of ``loaders/mappings/*.yaml``. Every row lands in the graph or is rejected with
its file, row, column and reason; :class:`RollupLinker` compares roster counts with the
statistics the reports give.

``--roster PATH`` is a folder (with a ``roster.yaml`` manifest listing its files and their
tables, or with files named after their table: ``units.csv``, ``areas.xlsx`` …) or one file.
Each file is a ``gk:SourceDocument`` with its own named graph; each row is a ``gk:RosterRow``
(``gkd:row/{docId}/{rowNumber}``) that the resources it describes are derived from.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyoxigraph as ox
import yaml

from govkg.loaders.base import DERIVED, A, GraphWriter, LoadReport
from govkg.loaders.gazetteer import division_iri, resolve_area_rows
from govkg.loaders.roster_mapping import (
    MappingError,
    ResourceSpec,
    TableSpec,
    ValueSpec,
    header_key,
    may_cover,
    rollup_spec,
    table_order,
    table_specs,
)
from govkg.ontology import GK, GKD, RDFS, SKOS, XSD
from govkg.ontology.errors import BuildError, InputError
from govkg.ontology.ids import doc_iri, gk, iri

if TYPE_CHECKING:
    from govkg.loaders.context import BuildContext

MANIFEST = "roster.yaml"
SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
LOADER = "roster"

_ROSTER_ROW = gk("RosterRow")
_ROW_NUMBER = gk("rowNumber")
_IN_DOCUMENT = gk("inDocument")
_INTEGER = ox.NamedNode(XSD + "integer")
_DATE = ox.NamedNode(XSD + "date")
# Keys made only of these characters are already IRI-safe, so ids.iri() would not change them.
_ASCII_SAFE = re.compile(r"[A-Za-z0-9\-._~()]+")
_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")

# (file index, row number, line, values in the table's column order)
Row = tuple[int, int, int, tuple[str, ...]]


class RosterError(InputError):
    """A roster cannot be read at all (a broken manifest, an unknown table kind)."""


class FileRejected(InputError):
    """A whole roster file cannot be read; ``location`` says where it went wrong."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(reason)
        self.location = location
        self.reason = reason


@dataclass
class RosterSummary:
    """What the roll-up needs from a loaded roster: its areas and, per measure, the area
    each counted item is attributed to."""

    areas: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    items: dict[str, list[str]] = field(default_factory=dict)
    distinct: dict[str, set[tuple[str, str]]] = field(default_factory=dict)


class RosterGraph(GraphWriter):
    """The named graph of one roster file; it carries the roster's summary for linkers."""

    def __init__(self, name: ox.NamedNode, summary: RosterSummary) -> None:
        super().__init__(name)
        self.summary = summary


@dataclass
class RosterFile:
    """One file of a roster and what became of it."""

    path: Path
    table: str
    doc_id: str
    title: str
    report: LoadReport
    graph: RosterGraph
    data: bytes = b""

    @property
    def doc(self) -> ox.NamedNode:
        return doc_iri(self.doc_id)


# ----------------------------------------------------------------------------- discovery


def _table_for_name(stem: str, specs: dict[str, TableSpec]) -> str | None:
    key = stem.lower()
    for spec in specs.values():
        if key in {f.lower() for f in spec.files}:
            return spec.name
    return None


def discover(path: Path) -> tuple[str, str, list[tuple[Path, str | None]]]:
    """``(roster id, title, [(file, table or None)])`` for a ``--roster`` argument."""
    specs = table_specs()
    if path.is_file() and path.name == MANIFEST:
        path = path.parent
    if path.is_file():
        table = _table_for_name(path.stem, specs)
        if table is None and path.suffix in (".yaml", ".yml"):
            table = _yaml_table_kind(path)
        return "roster", "", [(path, table)]
    if not path.is_dir():
        raise RosterError(f"roster not found: {path}", file=path)
    manifest = path / MANIFEST
    if not manifest.is_file():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
        for p in files:
            _inside(path, p, str(p))
        return "roster", "", [(p, _table_for_name(p.stem, specs)) for p in files]
    try:
        raw = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RosterError(f"{manifest}: cannot be read: {exc}", file=manifest) from None
    entries = raw.get("files") if isinstance(raw, dict) else None
    if isinstance(entries, dict):
        entries = [{"file": k, "table": v} for k, v in entries.items()]
    if not isinstance(entries, list):
        raise RosterError(
            f"{manifest}: expected a 'files' list of {{file, table}} entries", file=manifest
        )
    out: list[tuple[Path, str | None]] = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or "file" not in entry or "table" not in entry:
            raise RosterError(f"{manifest}: files entry {i} needs 'file' and 'table'", file=manifest)
        if str(entry["table"]) not in specs:
            raise RosterError(
                f"{manifest}: files entry {i}: unknown table {entry['table']!r} "
                f"(known: {', '.join(sorted(specs))})",
                file=manifest,
            )
        name = str(entry["file"])
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise RosterError(
                f"{manifest}: files entry {i}: {name!r} is not a path inside the roster "
                "folder (no absolute path or '..')",
                file=manifest,
            )
        _inside(path, path / name, f"{manifest}: files entry {i}: {name!r}")
        out.append((path / name, str(entry["table"])))
    listed = {p.name for p, _ in out}
    for p in sorted(path.iterdir()):
        if p.suffix.lower() in SUFFIXES and p.name != MANIFEST and p.name not in listed:
            _inside(path, p, str(p))
            out.append((p, None))
    return str(raw.get("id") or "roster"), str(raw.get("title") or ""), out


def _inside(folder: Path, file: Path, what: str) -> None:
    """Refuse a roster file that resolves outside its roster folder (a symbolic link out of
    it): the build would read, and quote into the graph, a file nobody put in the roster."""
    target = file.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise RosterError(
            f"{what} lies outside the roster folder {folder} (it resolves to {target}); "
            "roster files must be inside their folder",
            file=file,
        )


def _yaml_table_kind(path: Path) -> str | None:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    if isinstance(raw, dict) and str(raw.get("table")) in table_specs():
        return str(raw["table"])
    return None


# ----------------------------------------------------------------------------- reading


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRejected(
            f"line {line}, byte {exc.start}",
            "not valid UTF-8 (is it GBK or another legacy encoding?); the file was not loaded",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


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


Cells = tuple[int, int, list[str]]  # (row number, line, cells)


def read_rows(path: Path, data: bytes, table: str) -> tuple[list[str], Iterator[Cells], bool]:
    """``(header, rows, strict)`` of a roster file; ``strict``: rows must have exactly as
    many fields as the header (CSV), rather than at most as many (XLSX)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = _decode(data)
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise FileRejected("line 1", "the file is empty: no header row") from None
        except csv.Error as exc:
            raise FileRejected("line 1", f"not readable as CSV: {exc}") from None
        return header, _csv_rows(reader), True
    if suffix == ".xlsx":
        return _xlsx_rows(data, table)
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(_decode(data))
    raise FileRejected("", f"unsupported file type {suffix!r} (use .csv, .xlsx or .yaml)")


def _csv_rows(reader: Any) -> Iterator[Cells]:
    n = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            n += 1
            yield n, reader.line_num, ["\x00csv-error", str(exc)]
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        n += 1
        yield n, reader.line_num, cells


def _xlsx_rows(data: bytes, table: str) -> tuple[list[str], Iterator[Cells], bool]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRejected("", f"not readable as XLSX: {exc}") from None
    ws = wb[table] if table in wb.sheetnames else wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        first = next(it)
    except StopIteration:
        raise FileRejected("row 1", "the sheet is empty: no header row") from None
    header = [_cell(v) for v in first]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[Cells]:
        n = 0
        for line, values in enumerate(it, 2):
            cells = [_cell(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            n += 1
            yield n, line, cells

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
                yield n, n, ["\x00not-a-mapping", repr(item)[:80]]
                continue
            values = {str(k): _cell(v) for k, v in item.items()}
            yield n, n, [values.get(h, "") for h in header]

    return header, rows(), False


# ----------------------------------------------------------------------------- validation


class _Loader:
    """One load of a set of roster files: reading, validation and emission."""

    def __init__(self, files: list[RosterFile]) -> None:
        self.files = files
        self.specs = table_specs()
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.accepted: dict[str, dict[str, Row]] = defaultdict(dict)
        self.dups: dict[str, list[Row]] = defaultdict(list)
        self.rejected: dict[str, dict[str, str]] = defaultdict(dict)
        self.ref_table: dict[tuple[str, str], str] = {}
        self.summary = files[0].graph.summary if files else RosterSummary()
        self._divisions: dict[str, str] | None = None

    # -- rejections

    def where(self, row: Row) -> str:
        f = self.files[row[0]]
        line = f" (line {row[2]})" if f.path.suffix.lower() == ".csv" else ""
        return f"{f.path.name} row {row[1]}{line}"

    def reject(self, row: Row, column: str | None, reason: str, item: str = "") -> None:
        fi, n, line, vals = row
        f = self.files[fi]
        loc = f"row {n}"
        if f.path.suffix.lower() == ".csv":
            loc += f" (line {line})"
        if column:
            loc += f", column {column}"
        f.report.reject(loc, reason, item or ",".join(vals)[:160])

    # -- reading

    def read(self) -> None:
        for fi, f in enumerate(self.files):
            spec = self.specs[f.table]
            try:
                header, rows, strict = read_rows(f.path, f.data, f.table)
                self._read_file(fi, f, spec, header, rows, strict)
            except FileRejected as exc:
                f.report.reject(exc.location, exc.reason)

    def _read_file(
        self,
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
            raise FileRejected(
                "header",
                f"required column(s) {', '.join(missing)} missing from the header "
                f"(expected: {', '.join(c.name for c in spec.columns)})",
            )
        if ignored:
            f.report.details["ignored_columns"] = ignored
        width = len(header)
        identity = pos == list(range(width))
        out = self.rows[spec.name]
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
                self.reject((fi, n, line, ()), None, reason, cells[1])
                continue
            if len(cells) != width if strict else len(cells) > width:
                self.reject(
                    (fi, n, line, tuple(cells)),
                    None,
                    f"wrong field count: {len(cells)} field(s), the header has {width}",
                )
                continue
            if identity and len(cells) == width:
                vals = tuple([c.strip() for c in cells])
            else:
                vals = tuple([cells[j].strip() if 0 <= j < len(cells) else "" for j in pos])
            append((fi, n, line, vals))

    # -- checks

    def check(self) -> None:
        for name in table_order(self.specs):
            if name in self.rows:
                self._check_table(self.specs[name], self.rows.pop(name))

    def _check_table(self, spec: TableSpec, rows: list[Row]) -> None:
        rows = self._local_checks(spec, rows)
        unique = self._dedup(spec, rows)
        self._ref_checks(spec, unique)
        if spec.tree_parent:
            self._tree_checks(spec, unique)
        if spec.may_cover:
            self._cover_checks(spec, unique)
        self._secondary_checks(spec, unique)
        accepted = self.accepted[spec.name]
        for key, row in unique.items():
            accepted[key] = row
        kept = []
        for row in self.dups[spec.name]:
            key = self._key(spec, row[3])
            if key in accepted:
                kept.append(row)
            else:
                self.reject(
                    row, None, f"duplicate of a rejected row ({self.rejected[spec.name][key]})"
                )
        self.dups[spec.name] = kept

    def _key(self, spec: TableSpec, vals: tuple[str, ...]) -> str:
        cols = spec.key_columns
        if len(cols) == 1:
            return vals[spec.index[cols[0]]]
        return "\x1f".join(vals[spec.index[c]] for c in cols)

    def _drop(
        self, spec: TableSpec, unique: dict[str, Row], key: str, col: str | None, why: str
    ) -> None:
        row = unique.pop(key)
        self.reject(row, col, why)
        self.rejected[spec.name].setdefault(key, self.where(row))

    def _local_checks(self, spec: TableSpec, rows: list[Row]) -> list[Row]:
        required = [(spec.index[c.name], c.name) for c in spec.columns if c.required]
        codes = [(spec.index[c.name], c.name, spec.codes[c.code]) for c in spec.columns if c.code]
        dates = [(spec.index[c.name], c.name) for c in spec.columns if c.type == "date"]
        order = (spec.index[spec.dates[0]], spec.index[spec.dates[1]]) if spec.dates else None
        seen_dates: dict[str, str | None] = {}
        ok: list[Row] = []
        for row in rows:
            vals = row[3]
            bad = next(((i, c) for i, c in required if not vals[i]), None)
            if bad is not None:
                self.reject(row, bad[1], f"required value {bad[1]!r} is empty")
                continue
            fixed: list[str] | None = None
            reason: tuple[str, str] | None = None
            for i, cname, code in codes:
                v = vals[i]
                if not v:
                    continue
                canon = code.lookup.get(v)
                if canon is None:
                    reason = (cname, f"unknown {cname} {v!r} (expected one of {code.describe()})")
                    break
                if canon != v:
                    fixed = fixed or list(vals)
                    fixed[i] = canon
            if reason is None:
                for i, cname in dates:
                    v = vals[i]
                    if not v:
                        continue
                    iso = seen_dates.get(v, "")
                    if iso == "":
                        iso = seen_dates[v] = normalize_date(v)
                    if iso is None:
                        reason = (cname, f"{cname} {v!r} is not a date (use YYYY-MM-DD)")
                        break
                    if iso != v:
                        fixed = fixed or list(vals)
                        fixed[i] = iso
            if reason is not None:
                self.reject(row, reason[0], reason[1])
                continue
            if fixed is not None:
                vals = tuple(fixed)
                row = (row[0], row[1], row[2], vals)
            if order is not None:
                start, end = vals[order[0]], vals[order[1]]
                if start and end and end < start:
                    self.reject(
                        row,
                        spec.columns[order[1]].name,
                        f"ends before it starts: {spec.columns[order[1]].name} {end} is before "
                        f"{spec.columns[order[0]].name} {start}",
                    )
                    continue
            ok.append(row)
        return ok

    def _dedup(self, spec: TableSpec, rows: list[Row]) -> dict[str, Row]:
        unique: dict[str, Row] = {}
        dups = self.dups[spec.name]
        key_names = "/".join(spec.key_columns)
        for row in rows:
            key = self._key(spec, row[3])
            first = unique.get(key)
            if first is None:
                unique[key] = row
            elif first[3] == row[3]:
                dups.append(row)
            else:
                diff = [
                    f"{c.name} {a!r} vs {b!r}"
                    for c, a, b in zip(spec.columns, first[3], row[3], strict=True)
                    if a != b
                ]
                self.reject(
                    row,
                    diff[0].split(" ", 1)[0] if diff else None,
                    f"duplicate {key_names} {key.replace(chr(31), '/')!r} with conflicting data "
                    f"({'; '.join(diff)}); first given at {self.where(first)}",
                )
        return unique

    def resolve(self, tables: Sequence[str], value: str) -> tuple[str | None, str]:
        """``(table, "")`` for the accepted row a reference names, or ``(None, why not)``."""
        found = [t for t in tables if value in self.accepted.get(t, {})]
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, f"{value!r} is ambiguous: an id in {' and '.join(found)}"
        for t in tables:
            where = self.rejected.get(t, {}).get(value)
            if where:
                return None, f"{t} {value!r} was rejected ({where})"
        return None, f"unknown {'/'.join(tables)} id {value!r}"

    def _ref_checks(self, spec: TableSpec, unique: dict[str, Row]) -> None:
        refs = [
            (spec.index[c.name], c.name, c.refs)
            for c in spec.columns
            if c.refs and c.name != spec.tree_parent
        ]
        for key, row in list(unique.items()):
            for i, cname, tables in refs:
                v = row[3][i]
                if not v:
                    continue
                table, why = self.resolve(tables, v)
                if table is None:
                    self._drop(spec, unique, key, cname, f"{cname}: {why}")
                    break
                if len(tables) > 1:
                    self.ref_table[(cname, v)] = table

    def _tree_checks(self, spec: TableSpec, unique: dict[str, Row]) -> None:
        assert spec.tree_parent and spec.tree_level
        pi = spec.index[spec.tree_parent]
        li = spec.index[spec.tree_level]
        pcol = spec.tree_parent
        code = spec.code_of(spec.tree_level)
        rejected = self.rejected[spec.name]
        parent = {k: r[3][pi] for k, r in unique.items()}
        # 1. parents that are not there
        for k in list(unique):
            p = parent[k]
            if p and p not in unique:
                where = rejected.get(p)
                why = (
                    f"parent {p!r} was rejected ({where})"
                    if where
                    else f"unknown parent {p!r}: no such id in the {spec.name} table"
                )
                self._drop(spec, unique, k, pcol, why)
        # 2. cycles
        state: dict[str, int] = {}
        for start in list(unique):
            path: list[str] = []
            node = start
            while node and node in unique and state.get(node) is None:
                state[node] = 1
                path.append(node)
                node = parent[node]
            if node and node in unique and state.get(node) == 1:
                cycle = path[path.index(node) :]
                text = " → ".join([*cycle, node])
                for c in cycle:
                    self._drop(spec, unique, c, pcol, f"cycle in the {pcol} chain: {text}")
            for c in path:
                state[c] = 2
        # 3. levels: a parent at the level the mapping allows, or a root where it may be one
        for k in list(unique):
            entry = code.entries[unique[k][3][li]]
            p = parent[k]
            if not p:
                is_root = entry.rank == 1 if spec.tree_chain else entry.root
                if not is_root:
                    self._drop(
                        spec, unique, k, pcol, f"missing parent: a {entry.label} needs a {pcol}"
                    )
                continue
            if p not in unique:
                continue  # rejected above or in this pass; handled by the cascade below
            pentry = code.entries[unique[p][3][li]]
            if spec.tree_chain:
                if entry.rank is not None and pentry.rank != entry.rank - 1:
                    up = [e.label for e in code.entries.values() if e.rank == (entry.rank or 0) - 1]
                    self._drop(
                        spec,
                        unique,
                        k,
                        pcol,
                        f"parent of the wrong level: {p!r} is a {pentry.label} (chain level "
                        f"{pentry.rank}); a {entry.label} (level {entry.rank}) must sit directly "
                        f"under a unit of level {(entry.rank or 0) - 1} ({'/'.join(up) or 'none'})",
                    )
            elif pentry.label not in entry.parents:
                self._drop(
                    spec,
                    unique,
                    k,
                    pcol,
                    f"parent of the wrong level: {p!r} is a {pentry.label}; a {entry.label} must be "
                    f"inside a {' or '.join(entry.parents) or '(nothing: it is a top level)'}",
                )
        # 4. cascade: a row whose ancestor was rejected goes too
        changed = True
        while changed:
            changed = False
            for k in list(unique):
                p = parent[k]
                if p and p not in unique:
                    self._drop(
                        spec, unique, k, pcol, f"parent {p!r} was rejected ({rejected.get(p, '?')})"
                    )
                    changed = True

    def _cover_checks(self, spec: TableSpec, unique: dict[str, Row]) -> None:
        assert spec.may_cover
        rank_col, cov_col = spec.may_cover
        ri, ci = spec.index[rank_col], spec.index[cov_col]
        ranks = spec.code_of(rank_col)
        tables = spec.column(cov_col).refs
        system_col = next((c.name for c in spec.columns if c.code == "system"), None)
        for key, row in list(unique.items()):
            vals = row[3]
            entry = ranks.entries[vals[ri]]
            target = vals[ci]
            level = self.covered_level(tables, target)
            if system_col:
                sentry = spec.code_of(system_col).entries[vals[spec.index[system_col]]]
                if sentry.tiers and entry.label not in sentry.tiers:
                    self._drop(
                        spec,
                        unique,
                        key,
                        rank_col,
                        f"{sentry.label} has no tier for {entry.label} (its tiers: "
                        f"{'、'.join(sentry.tiers)})",
                    )
                    continue
            allowed = may_cover(entry.concept) if entry.concept is not None else frozenset()
            if not allowed:
                continue
            if level is None:
                self._drop(
                    spec,
                    unique,
                    key,
                    cov_col,
                    f"{target!r} is not at a level that 包保 covers (市, 县, 街道（乡镇）, "
                    "社区（村）, 网格（小区）)",
                )
            elif level.value not in allowed:
                names = "、".join(sorted(a.rsplit("/", 1)[-1] for a in allowed))
                self._drop(
                    spec,
                    unique,
                    key,
                    rank_col,
                    f"cadre rank does not match the covered level: a {entry.label} may cover "
                    f"{names}, not {level.value.rsplit('/', 1)[-1]} ({cov_col} {target!r})",
                )

    def covered_level(self, tables: Sequence[str], value: str) -> ox.NamedNode | None:
        table, _ = self.resolve(tables, value)
        if table is None:
            return None
        spec = self.specs[table]
        if not spec.tree_level:
            return None
        entry = spec.code_of(spec.tree_level).entries[
            self.accepted[table][value][3][spec.index[spec.tree_level]]
        ]
        return iri("covered-level", entry.covered) if entry.covered else None

    def _secondary_checks(self, spec: TableSpec, unique: dict[str, Row]) -> None:
        for res in spec.resources[1:]:
            if res.code_iri:
                continue
            if res.unless_in:
                col = res.template[1]
                i = spec.index[col]
                other = self.rejected.get(res.unless_in, {})
                for key, row in list(unique.items()):
                    where = other.get(row[3][i])
                    if where:
                        self._drop(
                            spec,
                            unique,
                            key,
                            col,
                            f"{res.unless_in} {row[3][i]!r} was rejected ({where})",
                        )
            key_idx = [spec.index[c] for c in res.template[1:]]
            data_cols = sorted(
                {v.column for _, v in res.props if v.kind == "column" and v.column}
                - set(res.template[1:])
            )
            data_idx = [spec.index[c] for c in data_cols]
            if not data_idx:
                continue
            seen: dict[tuple[str, ...], tuple[tuple[str, ...], Row]] = {}
            for key, row in list(unique.items()):
                vals = row[3]
                rkey = tuple(vals[i] for i in key_idx)
                if not all(rkey):
                    continue
                data = tuple(vals[i] for i in data_idx)
                first = seen.get(rkey)
                if first is None:
                    seen[rkey] = (data, row)
                elif first[0] != data:
                    diff = [
                        f"{c} {a!r} vs {b!r}"
                        for c, a, b in zip(data_cols, first[0], data, strict=True)
                        if a != b
                    ]
                    self._drop(
                        spec,
                        unique,
                        key,
                        diff[0].split(" ", 1)[0],
                        f"{res.template[0]} {'/'.join(rkey)!r} described differently "
                        f"({'; '.join(diff)}); first given at {self.where(first[1])}",
                    )

    # ------------------------------------------------------------------------- emission

    def division_keys(self) -> dict[str, str]:
        """Area ids of the roster that are PRC divisions → division codes, so that a roster's
        吉林市 (or a row whose id is 220200) is the same resource as the reports'."""
        if self._divisions is None:
            spec = self.specs.get("areas")
            rows = self.accepted.get("areas", {}) if spec is not None else {}
            self._divisions = {}
            if spec is not None and rows:
                ni, pi = spec.index["name"], spec.index["parent"]
                self._divisions = resolve_area_rows(
                    (str(key), row[3][ni], row[3][pi]) for key, row in rows.items()
                )
        return self._divisions

    def emit(self) -> None:
        key_iris: dict[str, dict[str, ox.NamedNode]] = defaultdict(dict)
        for key, code in self.division_keys().items():
            key_iris["area"][key] = ox.NamedNode(division_iri(code))
        for f in self.files:
            _describe_file(f)
        for name in table_order(self.specs):
            spec = self.specs[name]
            rows = list(self.accepted.get(name, {}).values()) + self.dups.get(name, [])
            if not rows:
                continue
            emitters = [self._compile(spec, res, key_iris) for res in spec.resources]
            row_prefix = [iri("row", f.doc_id).value + "/" for f in self.files]
            adders = [f.graph.triples.add for f in self.files]
            docs = [f.doc for f in self.files]
            per_file: Counter[int] = Counter()
            Triple, NamedNode, Literal = ox.Triple, ox.NamedNode, ox.Literal
            for fi, n, _line, vals in rows:
                add = adders[fi]
                r = NamedNode(row_prefix[fi] + str(n))
                add(Triple(r, A, _ROSTER_ROW))
                add(Triple(r, _ROW_NUMBER, Literal(str(n), datatype=_INTEGER)))
                add(Triple(r, _IN_DOCUMENT, docs[fi]))
                for em in emitters:
                    em(vals, r, add)
                per_file[fi] += 1
            for fi, n in per_file.items():
                self.files[fi].report.accepted += n

    def _subject_fn(
        self, spec: TableSpec, res: ResourceSpec, key_iris: dict[str, dict[str, ox.NamedNode]]
    ) -> Callable[[tuple[str, ...]], ox.NamedNode | None]:
        if res.code_iri:
            i = spec.index[res.code_iri]
            entries = spec.code_of(res.code_iri).entries

            def by_code(vals: tuple[str, ...]) -> ox.NamedNode | None:
                e = entries.get(vals[i])
                return e.iri if e else None

            return by_code
        return self._template_fn(spec, res.template, key_iris)

    def _template_fn(
        self,
        spec: TableSpec,
        template: tuple[str, ...],
        key_iris: dict[str, dict[str, ox.NamedNode]],
    ) -> Callable[[tuple[str, ...]], ox.NamedNode | None]:
        kind, cols = template[0], template[1:]
        idx = [spec.index[c] for c in cols]
        if len(idx) == 1:
            i = idx[0]
            cache = key_iris[kind]

            def one(vals: tuple[str, ...]) -> ox.NamedNode | None:
                v = vals[i]
                if not v:
                    return None
                node = cache.get(v)
                if node is None:
                    node = cache[v] = fast_iri(kind, v)
                return node

            return one

        def many(vals: tuple[str, ...]) -> ox.NamedNode | None:
            parts = [vals[j] for j in idx]
            return fast_iri(kind, *parts) if all(parts) else None

        return many

    def _getter(
        self, spec: TableSpec, v: ValueSpec, key_iris: dict[str, dict[str, ox.NamedNode]]
    ) -> Callable[[tuple[str, ...]], ox.NamedNode | ox.Literal | None]:
        if v.kind == "value":
            const = (
                ox.Literal(v.value or "", language=v.lang) if v.lang else ox.Literal(v.value or "")
            )
            return lambda vals: const
        if v.kind == "iri":
            return self._template_fn(spec, v.template, key_iris)
        assert v.column is not None
        i = spec.index[v.column]
        col = spec.column(v.column)
        if v.kind == "tier":
            entries = spec.code_of(v.column).entries
            assert spec.may_cover
            ri = spec.index[spec.may_cover[0]]
            lits: dict[tuple[str, str], ox.Literal] = {}

            def tier(vals: tuple[str, ...]) -> ox.Literal | None:
                k = (vals[i], vals[ri])
                lit = lits.get(k)
                if lit is None:
                    tiers = entries[k[0]].tiers
                    if k[1] not in tiers:
                        return None
                    lit = lits[k] = ox.Literal(str(tiers.index(k[1]) + 1), datatype=_INTEGER)
                return lit

            return tier
        if v.kind == "covered_level":
            tables = col.refs
            levels: dict[str, ox.NamedNode | None] = {}

            def covered(vals: tuple[str, ...]) -> ox.NamedNode | None:
                t = vals[i]
                if t not in levels:
                    levels[t] = self.covered_level(tables, t)
                return levels[t]

            return covered
        if v.kind == "text":
            tlang = v.lang
            if tlang:
                return lambda vals: ox.Literal(vals[i], language=tlang) if vals[i] else None
            return lambda vals: ox.Literal(vals[i]) if vals[i] else None
        if col.code:
            # a code with a concept (or IRI) points to it; a bare code is kept as its label
            entries = spec.codes[col.code].entries
            nodes: dict[str, ox.NamedNode | ox.Literal] = {
                label: e.concept or e.iri or ox.Literal(label) for label, e in entries.items()
            }

            def code(vals: tuple[str, ...]) -> ox.NamedNode | ox.Literal | None:
                return nodes.get(vals[i]) if vals[i] else None

            return code
        if col.refs:
            if len(col.refs) == 1:
                target = self.specs[col.refs[0]]
                return self._template_fn(
                    spec, (target.resources[0].template[0], v.column), key_iris
                )
            fns = {
                t: self._template_fn(
                    spec, (self.specs[t].resources[0].template[0], v.column), key_iris
                )
                for t in col.refs
            }
            name = v.column

            def multi(vals: tuple[str, ...]) -> ox.NamedNode | None:
                t = self.ref_table.get((name, vals[i])) or self.resolve(col.refs, vals[i])[0]
                return fns[t](vals) if t else None

            return multi
        if col.type == "date":
            dates: dict[str, ox.Literal] = {}

            def date(vals: tuple[str, ...]) -> ox.Literal | None:
                d = vals[i]
                if not d:
                    return None
                lit = dates.get(d)
                if lit is None:
                    lit = dates[d] = ox.Literal(d, datatype=_DATE)
                return lit

            return date
        lang = v.lang or col.lang
        if lang:
            return lambda vals: ox.Literal(vals[i], language=lang) if vals[i] else None
        return lambda vals: ox.Literal(vals[i]) if vals[i] else None

    def _compile(
        self, spec: TableSpec, res: ResourceSpec, key_iris: dict[str, dict[str, ox.NamedNode]]
    ) -> Callable[[tuple[str, ...], ox.NamedNode, Callable[[ox.Triple], None]], None]:
        subject = self._subject_fn(spec, res, key_iris)
        props = [(p, self._getter(spec, v, key_iris)) for p, v in res.props]
        cls = res.cls
        class_of: dict[str, ox.NamedNode | None] = {}
        ci = -1
        if res.class_code:
            ci = spec.index[res.class_code]
            class_of = {k: e.cls for k, e in spec.code_of(res.class_code).entries.items()}
        skip: dict[str, Row] = {}
        si = -1
        if res.unless_in:
            skip = self.accepted.get(res.unless_in, {})
            si = spec.index[res.template[1]]
        Triple = ox.Triple

        def emit(
            vals: tuple[str, ...], row: ox.NamedNode, add: Callable[[ox.Triple], None]
        ) -> None:
            if si >= 0 and vals[si] in skip:
                return
            s = subject(vals)
            if s is None:
                return
            c = class_of.get(vals[ci]) if ci >= 0 else cls
            if c is not None:
                add(Triple(s, A, c))
            for p, get in props:
                o = get(vals)
                if o is not None:
                    add(Triple(s, p, o))
            add(Triple(s, DERIVED, row))

        return emit

    # ------------------------------------------------------------------------- roll-up data

    def summarize(self) -> None:
        """Fill the summary the roll-up linker reads: areas and attributed items."""
        spec_r = rollup_spec()
        area_of: dict[str, list[str]] = {k: list(v) for k, v in spec_r["area_of"].items()}
        memo: dict[tuple[str, str], str] = {}

        def area(table: str, key: str, depth: int = 0) -> str:
            mk = (table, key)
            if mk in memo:
                return memo[mk]
            row = self.accepted.get(table, {}).get(key)
            result = ""
            if row is not None and depth < 64:
                spec = self.specs[table]
                for col in area_of.get(table, []):
                    if col == "self":
                        result = key
                        break
                    v = row[3][spec.index[col]]
                    if not v:
                        continue
                    refs = spec.column(col).refs
                    target = self.ref_table.get((col, v)) or (refs[0] if len(refs) == 1 else "")
                    result = v if target == "areas" else area(target, v, depth + 1)
                    if result:
                        break
            memo[mk] = result
            return result

        areas_spec = self.specs.get("areas")
        if areas_spec is not None:
            ni, li, pi = (areas_spec.index[c] for c in ("name", "level", "parent"))
            divisions = self.division_keys()
            for key, row in self.accepted.get("areas", {}).items():
                code = divisions.get(key)
                self.summary.areas[key] = (
                    division_iri(code) if code else fast_iri("area", key).value,
                    row[3][ni],
                    row[3][li],
                    row[3][pi],
                )
        for measure, m in spec_r["measures"].items():
            table = str(m["table"])
            spec = self.specs[table]
            where = [(spec.index[c], set(v)) for c, v in (m.get("where") or {}).items()]
            distinct = m.get("distinct")
            di = spec.index[distinct] if distinct else -1
            items: list[str] = []
            pairs: set[tuple[str, str]] = set()
            for key, row in self.accepted.get(table, {}).items():
                vals = row[3]
                if not all(vals[i] in allowed for i, allowed in where):
                    continue
                if di >= 0:
                    pairs.add((vals[di], area(table, key)))
                else:
                    items.append(area(table, key))
            if di >= 0:
                self.summary.distinct[measure] = pairs
            else:
                self.summary.items[measure] = items


def normalize_date(text: str) -> str | None:
    """An ISO date for 2020/1/5, 2020.01.05 or 2020年1月5日; None when it is not a date."""
    m = _LOOSE_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def fast_iri(kind: str, *key: str) -> ox.NamedNode:
    """:func:`govkg.graph.ids.iri`, skipping its per-character work for keys that are
    already IRI-safe ASCII (the common case for roster ids)."""
    if all(_ASCII_SAFE.fullmatch(k) for k in key):
        return ox.NamedNode(GKD + kind + "/" + "/".join(key))
    return iri(kind, *key)


def _describe_file(f: RosterFile) -> None:
    g = f.graph
    d = f.doc
    g.add(d, A, gk("SourceDocument"))
    g.lit(d, gk("docId"), f.doc_id)
    g.lit(d, gk("fileName"), f.path.name)
    g.lit(d, gk("sha256"), hashlib.sha256(f.data).hexdigest())
    g.label(d, f"{f.title}：{f.path.name}" if f.title else f.path.name)


# ----------------------------------------------------------------------------- entry point


def _open_files(paths: Iterable[Path]) -> list[RosterFile]:
    """The files of every roster argument, with stable document ids; a file that cannot be
    loaded at all (missing, of no known table) carries its rejection already."""
    specs = table_specs()
    summary = RosterSummary()
    files: list[RosterFile] = []
    used: set[str] = set()
    for path in paths:
        roster_id, title, entries = discover(path)
        for file, table in entries:
            data = file.read_bytes() if file.is_file() else b""
            doc_id = f"{roster_id}.{file.name}"
            if doc_id in used:
                doc_id += "-" + hashlib.sha256(data).hexdigest()[:8]
            used.add(doc_id)
            report = LoadReport(LOADER, str(file))
            graph = RosterGraph(doc_iri(doc_id), summary)
            rf = RosterFile(file, table or "", doc_id, title, report, graph, data)
            if not file.is_file():
                report.reject("", f"listed in {MANIFEST} but the file is not there")
            elif not data.strip():
                report.reject("", f"the file is empty ({len(data)} bytes): nothing to load")
            elif table is None:
                known = ", ".join(f"{s.name} ({'/'.join(s.files)})" for s in specs.values())
                report.reject(
                    "",
                    f"cannot tell which table this file is: name it after its table or list it "
                    f"in {MANIFEST} (tables: {known})",
                )
            files.append(rf)
    return files


def load_rosters(paths: Sequence[Path]) -> list[tuple[ox.NamedNode, GraphWriter, LoadReport]]:
    """Load every roster file of ``paths`` (folders or files) into its own named graph.

    Validation runs across all the files at once (a unit's parent may be in another file);
    every row is either in its file's graph or a rejection in its file's report.
    """
    try:
        files = _open_files(paths)
    except (RosterError, MappingError) as exc:
        raise BuildError(str(exc), file=exc.file, row=exc.row) from None
    # Millions of row tuples would make every cyclic-GC pass walk them all; nothing here
    # builds reference cycles, so collection waits until the load is done.
    enabled = gc.isenabled()
    gc.disable()
    try:
        _load(files)
    finally:
        if enabled:
            gc.enable()
    return [(f.graph.name, f.graph, f.report) for f in files]


def _load(files: list[RosterFile]) -> None:
    loadable = [f for f in files if f.table and f.data and not f.report.rejected]
    loader = _Loader(loadable)
    loader.read()
    loader.check()
    loader.emit()
    for f in files:
        if f not in loadable:
            _describe_file(f)
        f.report.details.setdefault("table", f.table or None)
        f.report.details.setdefault("doc_id", f.doc_id)
        f.data = b""
    loader.summarize()
    _tree_details(loader, files)


def _tree_details(loader: _Loader, files: list[RosterFile]) -> None:
    """Depth, branching and orphan checks of the unit tree, on the first units file."""
    spec = loader.specs.get("units")
    units = loader.accepted.get("units", {})
    target = next((f for f in files if f.table == "units"), None)
    if spec is None or not units or target is None:
        return
    from govkg.loaders.roster_graph import tree_checks, unit_tree

    pi, ki = spec.index["parent"], spec.index["kind"]
    tree = unit_tree((k, r[3][pi], r[3][ki]) for k, r in units.items())
    target.report.details["tree"] = tree_checks(tree)


# ----------------------------------------------------------------------------- roll-up linker

_OBS_PROPS = {
    GK + "measure": "measure",
    GK + "area": "area",
    GK + "value": "value",
    GK + "reportedIn": "doc",
    GK + "qualifier": "qualifier",
    GK + "countScope": "scope",
}
_PREF = SKOS + "prefLabel"
_LABEL = RDFS + "label"


def agrees(count: int, value: Decimal, qualifier: str | None) -> bool:
    """Whether a roster count agrees with a reported number, read as the report words it:
    exact; 余/多 (more than: up to the next step of its last significant digit); 约
    (about: within half a step); 近 (nearly: at most one step below).

    >>> agrees(70512, Decimal(70000), "approx_more_than"), agrees(3438, Decimal(3438), "exact")
    (True, True)
    """
    if qualifier in (None, "", "exact"):
        return Decimal(count) == value
    if qualifier == "percent" or value <= 0:
        return False
    step = Decimal(1)
    v = value
    while v == v.to_integral_value() and v % 10 == 0:
        v /= 10
        step *= 10
    c = Decimal(count)
    if qualifier == "approx_more_than":
        return value <= c < value + step
    if qualifier == "approx_about":
        return abs(c - value) <= step / 2
    if qualifier == "approx_nearly":
        return value - step <= c <= value
    return False


class RollupLinker:
    """Counts per area and measure from the rosters, set beside the statistics the reports
    give for the same area and measure (``report.json`` → ``rollup``)."""

    name: ClassVar[str] = "rollup"

    def link(self, ctx: BuildContext) -> LoadReport:
        report = LoadReport(self.name, "rosters and reports")
        summaries: list[RosterSummary] = []
        roster_graphs: set[int] = set()
        for g in ctx.dataset.graphs.values():
            if isinstance(g, RosterGraph):
                roster_graphs.add(id(g))
                if all(s is not g.summary for s in summaries):
                    summaries.append(g.summary)
        if not summaries:
            return report
        obs, pref, zh_label = _observations(
            g for g in ctx.dataset.graphs.values() if id(g) not in roster_graphs
        )
        rows: list[dict[str, Any]] = []
        for summary in summaries:
            rows.extend(_rollup_rows(summary, obs, pref, zh_label))
        report.read = len(rows)
        report.accepted = sum(1 for r in rows if r["agrees"])
        report.details["rollup"] = rows
        report.details["disagreements"] = sum(1 for r in rows if r["agrees"] is False)
        return report


def _observations(
    graphs: Iterable[GraphWriter],
) -> tuple[dict[str, dict[str, ox.NamedNode | ox.Literal]], dict[str, str], dict[str, str]]:
    obs: dict[str, dict[str, Any]] = defaultdict(dict)
    pref: dict[str, str] = {}
    zh_label: dict[str, str] = {}
    for g in graphs:
        for t in g:
            p = t.predicate.value
            s = t.subject
            if not isinstance(s, ox.NamedNode):
                continue
            key = _OBS_PROPS.get(p)
            if key is not None:
                obs[s.value][key] = t.object
            elif p == _PREF and isinstance(t.object, ox.Literal):
                pref.setdefault(s.value, t.object.value)
            elif p == _LABEL and isinstance(t.object, ox.Literal) and t.object.language == "zh":
                zh_label.setdefault(s.value, t.object.value)
    return {k: v for k, v in obs.items() if "measure" in v and "value" in v}, pref, zh_label


def _rollup_rows(
    summary: RosterSummary,
    obs: dict[str, dict[str, Any]],
    pref: dict[str, str],
    zh_label: dict[str, str],
) -> list[dict[str, Any]]:
    measures = list(rollup_spec()["measures"])
    by_iri = {info[0]: key for key, info in summary.areas.items()}
    names = Counter(info[1] for info in summary.areas.values())
    by_name = {info[1]: key for key, info in summary.areas.items() if names[info[1]] == 1}
    reported: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for o in obs.values():
        measure = pref.get(o["measure"].value, "")
        if measure not in measures or "area" not in o:
            continue
        if "scope" in o and o["scope"].value == "subset":
            continue
        a = o["area"].value
        key = by_iri.get(a) or by_name.get(zh_label.get(a, ""))
        if key is None:
            continue
        try:
            value = Decimal(o["value"].value)
        except InvalidOperation:
            continue
        doc = o["doc"].value.rsplit("/", 1)[-1] if "doc" in o else ""
        qualifier = o["qualifier"].value if "qualifier" in o else "exact"
        reported[(key, measure)].append({"value": value, "doc": doc, "qualifier": qualifier})
    roots = {k for k, info in summary.areas.items() if not info[3] or info[3] not in summary.areas}
    targets = roots | {k for k, _ in reported}
    counts = _counts(summary, targets)
    rows: list[dict[str, Any]] = []
    for key in sorted(targets, key=lambda k: (summary.areas[k][1], k)):
        iri_value, name, level, _ = summary.areas[key]
        for measure in measures:
            items = reported.get((key, measure), [])
            if not items and key not in roots:
                continue
            n = counts.get((key, measure), 0)
            entries = []
            for it in sorted(items, key=lambda x: (x["doc"], x["value"])):
                entries.append(
                    {
                        "value": int(it["value"])
                        if it["value"] == it["value"].to_integral_value()
                        else float(it["value"]),
                        "doc": it["doc"],
                        "qualifier": it["qualifier"],
                        "agrees": agrees(n, it["value"], it["qualifier"]),
                    }
                )
            rows.append(
                {
                    "area": name,
                    "area_iri": iri_value,
                    "area_level": level,
                    "measure": measure,
                    "roster_count": n,
                    "reported": entries,
                    "agrees": any(e["agrees"] for e in entries) if entries else None,
                }
            )
    return rows


def _counts(summary: RosterSummary, targets: set[str]) -> dict[tuple[str, str], int]:
    """Items per (target area, measure), counting an item for every target area that is its
    area or contains it."""
    up: dict[str, tuple[str, ...]] = {}

    def above(a: str) -> tuple[str, ...]:
        if a in up:
            return up[a]
        chain: list[str] = []
        k = a
        while k and k not in up and k in summary.areas and len(chain) < 64:
            chain.append(k)
            k = summary.areas[k][3]
        result = up.get(k, ()) if k else ()
        for c in reversed(chain):
            result = ((c,) if c in targets else ()) + result
            up[c] = result
        return up.get(a, ())

    counts: Counter[tuple[str, str]] = Counter()
    for measure, items in summary.items.items():
        per: Counter[str] = Counter(items)
        for a, n in per.items():
            for t in above(a):
                counts[(t, measure)] += n
    for measure, pairs in summary.distinct.items():
        values: dict[str, set[str]] = defaultdict(set)
        for value, a in pairs:
            for t in above(a):
                values[t].add(value)
        for t, vs in values.items():
            counts[(t, measure)] = len(vs)
    return dict(counts)
