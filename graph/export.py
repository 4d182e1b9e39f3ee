"""``govkg export``: the built graph as N-Quads, JSON-LD, GraphML or the CSV files of
``neo4j-admin database import``.

The RDF formats carry the dataset itself (every named graph); GraphML and the Neo4j CSV
carry its property-graph view (:mod:`govkg.graph.pg`), so they hold the same nodes and
relationships as a ``govkg push``.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.graph.pg import PropertyGraph, from_output, read_quads

FORMATS = ("nquads", "jsonld", "graphml", "neo4j-csv")
NODES_FILE = "nodes.csv"
RELS_FILE = "relationships.csv"
COMMAND_FILE = "neo4j-admin-import.sh"
#: Candidate array delimiters, in order of preference (``;`` is neo4j-admin's default).
ARRAY_DELIMITERS = (";", "|", "\u001f")
#: What a spreadsheet takes a cell for a formula by (OWASP's list): text cells that start
#: with one of these get a leading ``'`` in the CSV export, unless formulas are kept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _trig(out_dir: Path) -> Path:
    path = out_dir / "govkg.trig"
    if not path.is_file():
        raise FileNotFoundError(f"no build at {out_dir}: run `govkg build --out {out_dir}` first")
    return path


def export_nquads(out_dir: Path, dest: Path) -> int:
    quads = sorted(read_quads(_trig(out_dir)), key=lambda q: (str(q.graph_name), str(q)))
    dest.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return len(quads)


def export_jsonld(out_dir: Path, dest: Path) -> int:
    """JSON-LD with one ``@graph`` entry per named graph, compacted with the prefixes."""
    import rdflib

    from govkg.ontology import PREFIXES

    ds = rdflib.Dataset()
    ds.parse(str(_trig(out_dir)), format="trig")
    text = ds.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    dest.write_text(text, encoding="utf-8")
    return sum(1 for _ in ds.quads((None, None, None, None)))


# ---------------------------------------------------------------- property-graph exports
def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    return "string"


def column_types(rows: Iterable[dict[str, Any]], skip: Iterable[str] = ()) -> dict[str, str]:
    """``name → type`` for the CSV header: ``int`` (``long`` beyond 32 bits), ``double``,
    ``boolean``, ``string``, with ``[]`` when any row holds a list."""
    kinds: dict[str, set[str]] = {}
    arrays: set[str] = set()
    big: set[str] = set()
    skipped = set(skip)
    for props in rows:
        for key, value in props.items():
            if key in skipped:
                continue
            values = value if isinstance(value, list) else [value]
            if isinstance(value, list):
                arrays.add(key)
            for v in values:
                kinds.setdefault(key, set()).add(_kind(v))
                if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**31:
                    big.add(key)
    out = {}
    for key in sorted(kinds):
        found = kinds[key]
        if found <= {"int"}:
            kind = "long" if key in big else "int"
        elif found <= {"int", "double"}:
            kind = "double"
        elif len(found) == 1:
            kind = next(iter(found))
        else:
            kind = "string"
        out[key] = kind + ("[]" if key in arrays else "")
    return out


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it: ``'=1+1`` for ``=1+1``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Cells:
    """Text of CSV cells, counting those neutralised as formulas."""

    def __init__(self, delimiter: str, keep_formulas: bool) -> None:
        self.delimiter = delimiter
        self.keep = keep_formulas
        self.neutralised = 0

    def __call__(self, value: Any, kind: str) -> str:
        text = _cell(value, kind, self.delimiter)
        if self.keep or not kind.startswith("string"):
            return text  # numbers and booleans are written by us, never as formulas
        safe = neutralise(text)
        self.neutralised += len(safe) != len(text)
        return safe


def _cell(value: Any, kind: str, delimiter: str) -> str:
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    if kind.endswith("[]") and not values:
        return ""  # neo4j-admin reads an empty field as "no property"
    text = []
    for v in values:
        if isinstance(v, bool):
            text.append("true" if v else "false")
        elif kind.startswith("double"):
            text.append(repr(float(v)))
        else:
            text.append(str(v))
    return delimiter.join(text) if kind.endswith("[]") else text[0]


def array_delimiter(pg: PropertyGraph) -> str:
    """The first candidate delimiter that no list element contains."""
    used = {
        ch
        for rows in ([n.props for n in pg.nodes], [r.props for r in pg.rels])
        for props in rows
        for value in props.values()
        if isinstance(value, list)
        for item in value
        for ch in ARRAY_DELIMITERS
        if ch in str(item)
    }
    for candidate in ARRAY_DELIMITERS:
        if candidate not in used:
            return candidate
    raise ValueError("every candidate array delimiter occurs in the data")


class _CsvWriter:
    """``csv.writer`` with ``\\n`` line ends that also quotes the fields of a row holding a
    carriage return (the csv module quotes only the line terminator's characters, and a
    bare ``\\r`` inside a field ends the row for every reader)."""

    def __init__(self, f: Any) -> None:
        self.plain = csv.writer(f, lineterminator="\n")
        self.quoted = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: list[str]) -> None:
        (self.quoted if any("\r" in c for c in row) else self.plain).writerow(row)


def export_neo4j_csv(pg: PropertyGraph, dest: Path, keep_formulas: bool = False) -> dict[str, Any]:
    """``nodes.csv`` and ``relationships.csv`` with neo4j-admin headers, and the command
    line that imports them (it names the array delimiter the files use).

    A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``, which
    spreadsheets hide and neo4j-admin keeps; ``keep_formulas`` writes every value as it is
    (for an import that must hold the exact text). The count is returned."""
    dest.mkdir(parents=True, exist_ok=True)
    delimiter = array_delimiter(pg)
    cell = _Cells(delimiter, keep_formulas)
    node_types = column_types((n.props for n in pg.nodes), skip=("uri",))
    rel_types = column_types(r.props for r in pg.rels)
    with (dest / NODES_FILE).open("w", encoding="utf-8", newline="") as f:
        w = _CsvWriter(f)
        w.writerow(["uri:ID", ":LABEL", *(f"{k}:{t}" for k, t in node_types.items())])
        for n in pg.nodes:
            w.writerow(
                [
                    n.uri,
                    delimiter.join(n.labels),
                    *(cell(n.props.get(k), t) for k, t in node_types.items()),
                ]
            )
    with (dest / RELS_FILE).open("w", encoding="utf-8", newline="") as f:
        w = _CsvWriter(f)
        w.writerow([":START_ID", ":END_ID", ":TYPE", *(f"{k}:{t}" for k, t in rel_types.items())])
        for r in pg.rels:
            w.writerow(
                [
                    r.start,
                    r.end,
                    r.type,
                    *(cell(r.props.get(k), t) for k, t in rel_types.items()),
                ]
            )
    command = [
        "neo4j-admin",
        "database",
        "import",
        "full",
        f"--nodes={NODES_FILE}",
        f"--relationships={RELS_FILE}",
        f"--array-delimiter={delimiter if delimiter != chr(0x1F) else 'U+001F'}",
        "--multiline-fields=true",
        "neo4j",
    ]
    (dest / COMMAND_FILE).write_text(
        "#!/bin/sh\n# Imports these files into an empty Neo4j 5 database named neo4j.\n"
        'cd "$(dirname "$0")" && ' + " ".join(shlex.quote(c) for c in command) + "\n",
        encoding="utf-8",
    )
    return {
        "nodes": len(pg.nodes),
        "relationships": len(pg.rels),
        "array_delimiter": delimiter,
        "formula_cells_neutralised": cell.neutralised,
    }


def export_graphml(pg: PropertyGraph, dest: Path) -> dict[str, int]:
    """GraphML through networkx: labels as ``labels`` (``:A:B``), lists as JSON text
    (GraphML has no list type), one key type per property."""
    import networkx as nx

    node_types = column_types(n.props for n in pg.nodes)
    g = nx.MultiDiGraph()
    for n in pg.nodes:
        attrs: dict[str, Any] = {"labels": ":" + ":".join(n.labels)}
        for key, kind in node_types.items():
            if key in n.props:
                attrs[key] = _graphml_value(n.props[key], kind)
        g.add_node(n.uri, **attrs)
    for r in pg.rels:
        g.add_edge(r.start, r.end, key=r.type, type=r.type, sources=json.dumps(r.props["sources"]))
    nx.write_graphml(g, str(dest), encoding="utf-8")
    return {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}


def _graphml_value(value: Any, kind: str) -> Any:
    if kind.endswith("[]"):
        return json.dumps(value if isinstance(value, list) else [value], ensure_ascii=False)
    if kind == "double":
        return float(value)
    if kind == "string":
        return str(value)
    return value


def export(fmt: str, out_dir: Path, dest: Path, keep_formulas: bool = False) -> dict[str, Any]:
    if fmt == "nquads":
        return {"quads": export_nquads(out_dir, dest)}
    if fmt == "jsonld":
        return {"quads": export_jsonld(out_dir, dest)}
    pg = from_output(out_dir)
    if fmt == "graphml":
        return export_graphml(pg, dest)
    if fmt == "neo4j-csv":
        return export_neo4j_csv(pg, dest, keep_formulas)
    raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
