"""Exports read back: N-Quads and JSON-LD hold the dataset, GraphML and the neo4j-admin CSV
files hold the property-graph mapping (same nodes, labels, relationships and values)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from govkg.graph.cli import app
from govkg.graph.export import (
    NODES_FILE,
    RELS_FILE,
    column_types,
    export_graphml,
    export_neo4j_csv,
)
from govkg.graph.pg import PropertyGraph, from_output, property_graph, read_quads

GK = "https://w3id.org/govkg/ontology#"
GKD = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="module")
def pg(corpus_build: Path) -> PropertyGraph:
    return from_output(corpus_build)


def test_nquads_and_jsonld_hold_every_quad(corpus_build: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    expected = set(read_quads(corpus_build / "govkg.trig"))
    nq = tmp_path / "g.nq"
    result = runner.invoke(
        app, ["export", "--format", "nquads", "--out", str(corpus_build), str(nq)]
    )
    assert result.exit_code == 0, result.output
    assert set(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)) == expected

    import rdflib

    jl = tmp_path / "g.jsonld"
    result = runner.invoke(
        app, ["export", "--format", "jsonld", "--out", str(corpus_build), str(jl)]
    )
    assert result.exit_code == 0, result.output
    ds = rdflib.Dataset()
    ds.parse(str(jl), format="json-ld")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert graphs == {q.graph_name.value for q in expected}
    assert sum(1 for _ in ds.quads((None, None, None, None))) == len(expected)


def test_graphml_opens_in_networkx(pg: PropertyGraph, tmp_path: Path) -> None:
    dest = tmp_path / "g.graphml"
    export_graphml(pg, dest)
    g = nx.read_graphml(dest, force_multigraph=True)
    assert g.number_of_nodes() == len(pg.nodes)
    assert g.number_of_edges() == len(pg.rels)
    obs = next(n for n in pg.nodes if "StatisticObservation" in n.labels)
    attrs = g.nodes[obs.uri]
    assert attrs["labels"] == ":" + ":".join(obs.labels)
    assert attrs["value"] == float(obs.props["value"])
    assert attrs["unit"] == obs.props["unit"]
    types = Counter(d["type"] for _, _, d in g.edges(data=True))
    assert types == Counter(pg.type_counts())


def _parse(text: str, kind: str, delimiter: str) -> Any:
    if text == "":
        return None
    if kind.endswith("[]"):
        return [_parse(part, kind[:-2], delimiter) for part in text.split(delimiter)]
    if kind in ("int", "long"):
        return int(text)
    if kind == "double":
        return float(text)
    if kind == "boolean":
        return text == "true"
    return text


def read_neo4j_csv(
    folder: Path, delimiter: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The files as neo4j-admin reads them: typed columns, arrays split, empty = absent."""
    out: list[list[dict[str, Any]]] = []
    for name in (NODES_FILE, RELS_FILE):
        with (folder / name).open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = []
            for record in reader:
                row: dict[str, Any] = {}
                for column, text in zip(header, record, strict=True):
                    field, _, kind = column.rpartition(":")
                    if column == ":LABEL":
                        row[":LABEL"] = tuple(text.split(delimiter))
                    elif kind in ("ID", "START_ID", "END_ID", "TYPE"):
                        row[column] = text
                    else:
                        value = _parse(text, kind or "string", delimiter)
                        if value is not None:
                            row[field] = value
                rows.append(row)
            out.append(rows)
    return out[0], out[1]


def _expected_props(props: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    expected = {}
    for key, value in props.items():
        if key == "uri" or value in ([], None):
            continue
        kind = types[key]
        values = value if isinstance(value, list) else [value]
        if kind.startswith("double"):
            values = [float(v) for v in values]
        expected[key] = values if kind.endswith("[]") else values[0]
    return expected


def test_neo4j_csv_round_trips(pg: PropertyGraph, tmp_path: Path) -> None:
    dest = tmp_path / "csv"
    info = export_neo4j_csv(pg, dest)
    nodes, rels = read_neo4j_csv(dest, info["array_delimiter"])
    header = (dest / NODES_FILE).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["uri:ID", ":LABEL"]
    assert "rank:int" in header and "sources:string[]" in header
    assert any(h.startswith("value:") and h[6:] in ("int", "long", "double") for h in header)
    assert (dest / RELS_FILE).read_text(encoding="utf-8").startswith(":START_ID,:END_ID,:TYPE")
    assert len(nodes) == len(pg.nodes) and len(rels) == len(pg.rels)
    labels = Counter(label for n in nodes for label in n[":LABEL"])
    assert dict(labels) == pg.label_counts()
    assert Counter(r[":TYPE"] for r in rels) == Counter(pg.type_counts())
    types = column_types(n.props for n in pg.nodes)
    by_uri = {n["uri:ID"]: n for n in nodes}
    for n in pg.nodes:
        row = by_uri[n.uri]
        assert row[":LABEL"] == n.labels
        got = {k: v for k, v in row.items() if k not in ("uri:ID", ":LABEL")}
        assert got == _expected_props(n.props, types), n.uri
    for r, row in zip(pg.rels, rels, strict=True):
        assert (row[":START_ID"], row[":TYPE"], row[":END_ID"]) == r.key
        assert row.get("sources", []) == r.props["sources"]
    script = (dest / "neo4j-admin-import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script and "--nodes=nodes.csv" in script


def test_hostile_values_survive_csv_and_graphml(tmp_path: Path) -> None:
    hostile = [
        'a "quoted", comma',
        "line\nbreak",
        "semi;colon|bar",
        "x}) DETACH DELETE n //",
        "吉林",
    ]
    g = ox.NamedNode(GKD + "doc/h")
    quads = [ox.Quad(g, ox.NamedNode(GK + "docId"), ox.Literal("h"), g)]
    for i, text in enumerate(hostile):
        s = ox.NamedNode(f"{GKD}unit/h{i}")
        quads.append(ox.Quad(s, ox.NamedNode(GK + "quote"), ox.Literal(text), g))
        for alt in (text, "other"):  # a list whose items hold ; and |
            quads.append(ox.Quad(s, ox.NamedNode(GK + "alt"), ox.Literal(alt), g))
    pg = property_graph(quads)
    info = export_neo4j_csv(pg, tmp_path / "csv")
    assert info["array_delimiter"] == "\u001f"  # ; and | occur in list items
    nodes, _ = read_neo4j_csv(tmp_path / "csv", info["array_delimiter"])
    quotes = {n["uri:ID"]: n.get("quote") for n in nodes}
    for i, text in enumerate(hostile):
        assert quotes[f"{GKD}unit/h{i}"] == text
        assert sorted(next(n for n in nodes if n["uri:ID"] == f"{GKD}unit/h{i}")["alt"]) == sorted(
            [text, "other"]
        )
    export_graphml(pg, tmp_path / "h.graphml")
    read = nx.read_graphml(tmp_path / "h.graphml", force_multigraph=True)
    assert [read.nodes[f"{GKD}unit/h{i}"]["quote"] for i in range(len(hostile))] == hostile


def test_export_command_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["export", "--format", "xlsx", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "unknown format" in bad.output
    missing = runner.invoke(
        app, ["export", "--format", "graphml", "--out", str(tmp_path / "none"), str(tmp_path / "g")]
    )
    assert missing.exit_code == 1 and "no build" in missing.output
