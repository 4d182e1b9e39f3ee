"""Prints result rows as a table, JSON (a list of objects, keys in column order) or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def render(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        return buf.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, show_lines=False)
    for r in rows:
        table.add_row(*("" if r.get(c) is None else str(r.get(c)) for c in columns))
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    console.print(table)
    console.print(f"{len(rows)} row(s)")
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out).rstrip("\n")
