"""The Neo4j CSV export never hands a spreadsheet a formula: text cells that start with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading ``'``, unless
``--keep-formulas`` asks for the text as it is."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
from typer.testing import CliRunner

from govkg.graph.cli import app
from govkg.graph.export import NODES_FILE, RELS_FILE, export_neo4j_csv
from govkg.graph.pg import property_graph

GK = "https://w3id.org/govkg/ontology#"
GKD = "https://w3id.org/govkg/id/"
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://x","点击")',
]
PLAIN = ["网格党支部", "a=b", "1+1", "", "'quoted"]


def _graph():  # type: ignore[no-untyped-def]
    g = ox.NamedNode(GKD + "doc/f")
    quads = [ox.Quad(g, ox.NamedNode(GK + "docId"), ox.Literal("=d"), g)]
    for i, text in enumerate(FORMULAS + PLAIN):
        s = ox.NamedNode(f"{GKD}unit/f{i}")
        quads.append(ox.Quad(s, ox.NamedNode(GK + "quote"), ox.Literal(text), g))
        quads.append(ox.Quad(s, ox.NamedNode(GK + "alt"), ox.Literal(text), g))
        quads.append(ox.Quad(s, ox.NamedNode(GK + "alt"), ox.Literal("z"), g))
        quads.append(ox.Quad(s, ox.NamedNode(GK + "rank"), ox.Literal("-5", datatype=XSD_INT), g))
        quads.append(ox.Quad(s, ox.NamedNode(GK + "area"), ox.NamedNode(GKD + "area/x"), g))
    return property_graph(quads)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    info = export_neo4j_csv(_graph(), tmp_path / "csv")
    rows = {r["uri:ID"]: r for r in _rows(tmp_path / "csv" / NODES_FILE)}
    for i, text in enumerate(FORMULAS + PLAIN):
        row = rows[f"{GKD}unit/f{i}"]
        expected = "'" + text if i < len(FORMULAS) else text
        assert row["quote:string"] == expected, repr(text)
        if i < len(FORMULAS):  # sorted before "z": the list's first item
            assert row["alt:string[]"].startswith(expected), repr(text)
        assert row["rank:int"] == "-5"  # a number is no formula
        assert row["sources:string[]"] == "'=d"
    assert rows[f"{GKD}doc/f"]["docId:string"] == "'=d"
    for row in _rows(tmp_path / "csv" / RELS_FILE):
        assert row["sources:string[]"] == "'=d"
    # every other cell is as --keep-formulas writes it, and the count is right
    export_neo4j_csv(_graph(), tmp_path / "kept", keep_formulas=True)
    changed = 0
    for name in (NODES_FILE, RELS_FILE):
        for safe, kept in zip(
            _rows(tmp_path / "csv" / name), _rows(tmp_path / "kept" / name), strict=True
        ):
            for key, value in kept.items():
                if safe[key] != value:
                    assert safe[key] == "'" + value and value[0] in "=+-@\t\r"
                    changed += 1
    assert changed == info["formula_cells_neutralised"] > 2 * len(FORMULAS)


def test_keep_formulas_writes_text_as_it_is(tmp_path: Path) -> None:
    info = export_neo4j_csv(_graph(), tmp_path / "csv", keep_formulas=True)
    rows = {r["uri:ID"]: r for r in _rows(tmp_path / "csv" / NODES_FILE)}
    for i, text in enumerate(FORMULAS + PLAIN):
        assert rows[f"{GKD}unit/f{i}"]["quote:string"] == text
    assert info["formula_cells_neutralised"] == 0


def test_export_command_reports_neutralised_cells(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    pg_quads = [
        ox.Quad(
            ox.NamedNode(GKD + "unit/a"),
            ox.NamedNode(GK + "quote"),
            ox.Literal("=1+1"),
            ox.NamedNode(GKD + "doc/a"),
        ),
        ox.Quad(
            ox.NamedNode(GKD + "doc/a"),
            ox.NamedNode(GK + "docId"),
            ox.Literal("a"),
            ox.NamedNode(GKD + "doc/a"),
        ),
    ]
    (out / "govkg.trig").write_bytes(ox.serialize(pg_quads, format=ox.RdfFormat.TRIG) or b"")
    runner = CliRunner()
    args = ["export", "--format", "neo4j-csv", "--out", str(out)]
    result = runner.invoke(app, [*args, str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    assert "1 formula cells neutralised" in " ".join(result.output.split())
    assert "'=1+1" in (tmp_path / "csv" / NODES_FILE).read_text(encoding="utf-8")
    kept = runner.invoke(app, [*args, "--keep-formulas", str(tmp_path / "kept")])
    assert kept.exit_code == 0, kept.output
    assert ",=1+1" in (tmp_path / "kept" / NODES_FILE).read_text(encoding="utf-8")
