"""The state of one load of a set of roster files: the rows of each table, those accepted,
duplicates and rejections, and what every phase asks of them (where a row is, rejecting
it, resolving a reference)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pyoxigraph as ox

from govkg.loaders import roster_mapping
from govkg.loaders.gazetteer import resolve_area_rows
from govkg.loaders.roster.rows import RosterFile, RosterSummary, Row
from govkg.ontology.ids import iri


class RosterLoad:
    """One load of a set of roster files: the rows read, checked and accepted per table, and
    the rejections; the phases (``reading``, ``checks``, ``emit``, ``rollup``) work on it."""

    def __init__(self, files: list[RosterFile]) -> None:
        self.files = files
        # looked up at each load, so that a test may stand a changed mapping in
        self.specs = roster_mapping.table_specs()
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.accepted: dict[str, dict[str, Row]] = defaultdict(dict)
        self.dups: dict[str, list[Row]] = defaultdict(list)
        self.rejected: dict[str, dict[str, str]] = defaultdict(dict)
        self.ref_table: dict[tuple[str, str], str] = {}
        self.summary = files[0].graph.summary if files else RosterSummary()
        self._divisions: dict[str, str] | None = None

    def where(self, row: Row) -> str:
        f = self.files[row.file]
        line = f" (line {row.line})" if f.path.suffix.lower() == ".csv" else ""
        return f"{f.path.name} row {row.number}{line}"

    def reject(self, row: Row, column: str | None, reason: str, item: str = "") -> None:
        fi, n, line, vals = row
        f = self.files[fi]
        loc = f"row {n}"
        if f.path.suffix.lower() == ".csv":
            loc += f" (line {line})"
        if column:
            loc += f", column {column}"
        f.report.reject(loc, reason, item or ",".join(vals)[:160])

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

    def covered_level(self, tables: Sequence[str], value: str) -> ox.NamedNode | None:
        table, _ = self.resolve(tables, value)
        if table is None:
            return None
        spec = self.specs[table]
        if not spec.tree_level:
            return None
        entry = spec.code_of(spec.tree_level).entries[
            self.accepted[table][value].values[spec.index[spec.tree_level]]
        ]
        return iri("covered-level", entry.covered) if entry.covered else None

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
                    (str(key), row.values[ni], row.values[pi]) for key, row in rows.items()
                )
        return self._divisions
