"""The Cypher mirror against real FalkorDB servers started on free loopback ports: native
pushes, the Bolt path the Neo4j code takes, idempotence, kill-and-resume, pruning, hostile
values and readable errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from govkg.graph import cypher as cy
from govkg.graph.cli import app
from govkg.graph.falkor import GRAPH, FalkorServer
from govkg.graph.mirror import (
    BoltTarget,
    CypherError,
    NativeTarget,
    Target,
    expected_snapshot,
    push,
    rel_batches,
    snapshot,
)
from govkg.graph.pg import PropertyGraph, from_output, property_graph, read_quads

pytestmark = pytest.mark.server

FIXTURE = Path(__file__).parent / "fixtures" / "pg" / "mini.trig"
GK = "https://w3id.org/govkg/ontology#"
GKD = "https://w3id.org/govkg/id/"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

HOSTILE = [
    'a "quoted" name',
    "it's",
    "x}) DETACH DELETE n //",
    "back\\slash\\",
    "\\'",
    '\\"',
    "{brace} [bracket]",
    "line one\nline two\r\n\ttabbed",
    "吉林市（丰满区）网格党支部",
    "$rows",
    "",
    "emoji 😀 and ∑",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorServer]:
    with FalkorServer(tmp_path_factory.mktemp("falkor"), bolt=True, persist=False) as s:
        yield s


@pytest.fixture
def bolt(server: FalkorServer) -> Iterator[BoltTarget]:
    """The neo4j driver on FalkorDB's Bolt port, its (single) graph emptied first."""
    target = BoltTarget(server.bolt_uri)
    target.run(cy.DELETE_ALL, write=True)
    yield target
    target.close()


def native(server: FalkorServer, name: str) -> NativeTarget:
    target = NativeTarget(server, graph=name)
    target.run(cy.DELETE_ALL, write=True)
    return target


@pytest.fixture(scope="module")
def corpus_pg(corpus_build: Path) -> PropertyGraph:
    return from_output(corpus_build)


def test_push_native_is_exact_and_idempotent(
    server: FalkorServer, corpus_pg: PropertyGraph
) -> None:
    target = native(server, "idempotent")
    first = push(corpus_pg, target)
    assert first.nodes_created == len(corpus_pg.nodes)
    assert first.rels_created == len(corpus_pg.rels)
    assert snapshot(target) == expected_snapshot(corpus_pg)
    second = push(corpus_pg, target)
    assert not second.changed
    assert second.statements == 0
    assert second.nodes_unchanged == len(corpus_pg.nodes)
    assert second.rels_unchanged == len(corpus_pg.rels)
    _, rows = target.run("MATCH (n) RETURN count(n) AS n")
    assert rows == [{"n": len(corpus_pg.nodes)}]
    for _ in range(100):  # FalkorDB builds the constraint in the background
        _, constraints = target.run("CALL db.constraints()")
        if constraints and constraints[0]["status"] == "OPERATIONAL":
            break
        time.sleep(0.05)
    assert [(c["type"], c["label"], c["properties"]) for c in constraints] == [
        ("UNIQUE", "Resource", ["uri"])
    ]
    with pytest.raises(CypherError, match="unique constraint"):
        target.run("CREATE (:Resource {uri: $u})", {"u": corpus_pg.nodes[0].uri}, write=True)


def test_bolt_push_of_the_corpus_equals_the_native_push(
    server: FalkorServer, bolt: BoltTarget, corpus_pg: PropertyGraph
) -> None:
    assert bolt.dialect is cy.FALKORDB_BOLT
    report = push(corpus_pg, bolt, batch_size=50)
    assert report.nodes_created == len(corpus_pg.nodes)
    assert snapshot(NativeTarget(server, GRAPH)) == expected_snapshot(corpus_pg)
    again = push(corpus_pg, bolt, batch_size=50)
    assert not again.changed and again.statements == 0


def _changed_fixture() -> tuple[PropertyGraph, PropertyGraph]:
    quads = read_quads(FIXTURE)
    before = property_graph(quads)
    community = ox.NamedNode(GKD + "unit/community")
    span = ox.NamedNode(GKD + "span/d2/5-9")
    after_quads = [
        q
        for q in quads
        if q.subject != span and q.object != span  # the span and the links to it go
    ]
    d2 = ox.NamedNode(GKD + "doc/d2")
    after_quads.append(ox.Quad(community, RDFS_LABEL, ox.Literal("社区党组织", language="zh"), d2))
    after_quads.append(ox.Quad(community, A, ox.NamedNode(GK + "PartyOrganization"), d2))
    return before, property_graph(after_quads)


def test_push_updates_and_prunes(server: FalkorServer) -> None:
    before, after = _changed_fixture()
    target = native(server, "prune")
    push(before, target)
    kept = push(after, target)
    assert kept.nodes_created == 0
    assert kept.nodes_updated == 1  # the community: a new label and a new class
    assert kept.nodes_stale == 1 and kept.rels_stale >= 1 and kept.nodes_deleted == 0
    nodes, _ = snapshot(target)
    assert len(nodes) == len(before.nodes)
    pruned = push(after, target, prune=True)
    assert pruned.nodes_deleted == 1 and pruned.rels_deleted >= 1
    assert snapshot(target) == expected_snapshot(after)
    community = next(n for n in snapshot(target)[0] if n[0].endswith("unit/community"))
    assert "PartyOrganization" in community[1]
    assert sorted(community[2]["label_zh"]) == ["社区党委", "社区党组织"]
    assert not push(after, target, prune=True).changed


def test_bolt_push_updates_and_prunes(bolt: BoltTarget) -> None:
    before, after = _changed_fixture()
    push(before, bolt)
    push(after, bolt, prune=True)
    assert snapshot(bolt) == expected_snapshot(after)


def _more_sources(pg: PropertyGraph) -> PropertyGraph:
    """``pg`` with every other relationship stated by one more document."""
    rels = [
        replace(r, props={"sources": sorted({*r.props["sources"], "d9"})}) if i % 2 else r
        for i, r in enumerate(pg.rels)
    ]
    return PropertyGraph(pg.nodes, rels)


def test_relationship_updates_native_and_bolt(server: FalkorServer, bolt: BoltTarget) -> None:
    before = property_graph(read_quads(FIXTURE))
    after = _more_sources(before)
    for target, check in ((native(server, "rel-updates"), None), (bolt, GRAPH)):
        push(before, target)
        report = push(after, target)
        assert report.rels_updated == len(before.rels) // 2 and report.rels_created == 0
        assert report.nodes_updated == report.nodes_created == 0
        held = NativeTarget(server, check) if check else target
        assert snapshot(held) == expected_snapshot(after)
        assert not push(after, target).changed


def test_relationship_batches_send_each_properties_map_once() -> None:
    props = {d: {"sources": [d], "_hash": d} for d in ("h1", "h2")}
    rels = [(f"s{i}", f"e{i}", "h1" if i % 3 else "h2") for i in range(10)]
    statement = cy.rel_create("HAS_STEP")
    [(rows, maps)] = list(rel_batches(rels, props, statement, cy.FALKORDB, 1000))
    assert maps == [props["h2"], props["h1"]]
    assert [(r["start"], r["end"], maps[r["p"]]["_hash"]) for r in rows] == rels
    # FalkorDB's Bolt endpoint: every request within its size limit, each map once in it
    long = {"h1": {"sources": ["网格'" * 200], "_hash": "h1"}, "h2": props["h2"]}
    cut = list(rel_batches(rels * 20, long, statement, cy.FALKORDB_BOLT, 50))
    assert len(cut) > 4 and sum(len(rows) for rows, _ in cut) == 200
    for rows, maps in cut:
        params = cy.FALKORDB_BOLT.encode({"rows": rows, "props": maps})
        assert len(statement.encode()) + len(json.dumps(params, ensure_ascii=False).encode()) < (
            cy.FALKORDB_BOLT.max_message_bytes or 0
        )
        assert len({m["_hash"] for m in maps}) == len(maps)


def test_killed_push_resumes_to_a_clean_push(tmp_path: Path, corpus_pg: PropertyGraph) -> None:
    data = tmp_path / "killed"
    server = FalkorServer(data).start()
    try:
        statements = 0

        def kill_midway(phase: str, done: int, total: int) -> None:
            nonlocal statements
            statements += 1
            if statements == 3:
                server.kill()

        with pytest.raises(CypherError):
            push(corpus_pg, NativeTarget(server), batch_size=200, progress=kill_midway)
        assert server.pid is None
        server = FalkorServer(data).start()  # the same data folder: its last snapshot
        target = NativeTarget(server)
        _, rows = target.run("MATCH (n:Resource) RETURN count(n) AS n")
        assert rows[0]["n"] == 0  # none was taken: the push is redone
        resumed = push(corpus_pg, target)
        assert resumed.nodes_created == len(corpus_pg.nodes)
        assert snapshot(target) == expected_snapshot(corpus_pg)
        assert not push(corpus_pg, target).changed
    finally:
        server.stop()


def test_server_stops_cleanly_and_keeps_its_data(tmp_path: Path) -> None:
    pg = property_graph(read_quads(FIXTURE))
    with FalkorServer(tmp_path / "keep") as server:
        push(pg, NativeTarget(server))
        pid = server.pid
    assert pid is not None and server.pid is None
    assert not (tmp_path / "keep" / "server.json").exists()
    with FalkorServer(tmp_path / "keep") as server:
        assert not push(pg, NativeTarget(server)).changed


# ---------------------------------------------------------------- hostile input
def hostile_pg() -> PropertyGraph:
    g = ox.NamedNode(GKD + "doc/hostile")
    quads = [ox.Quad(g, ox.NamedNode(GK + "docId"), ox.Literal("hostile"), g)]
    for i, name in enumerate(HOSTILE):
        s = ox.NamedNode(f"{GKD}unit/h{i}")
        quads.append(ox.Quad(s, A, ox.NamedNode(GK + "WorkingGroup"), g))
        quads.append(ox.Quad(s, RDFS_LABEL, ox.Literal(name, language="zh"), g))
        quads.append(ox.Quad(s, ox.NamedNode(GK + "leader"), ox.Literal(name), g))
    # a class whose local name would break out of a label clause is left out
    bad = ox.NamedNode(GK + "X:Y)%20DETACH%20DELETE%20n")
    quads.append(ox.Quad(ox.NamedNode(GKD + "unit/h0"), A, bad, g))
    return property_graph(quads)


def _match_each(target: Target) -> None:
    query = "MATCH (n:WorkingGroup {label_zh: $name}) RETURN n.uri AS uri, n.leader AS leader"
    for i, name in enumerate(HOSTILE):
        _, rows = target.run(query, {"name": name})
        assert rows == [{"uri": f"{GKD}unit/h{i}", "leader": name}], repr(name)
    _, rows = target.run("MATCH (n:WorkingGroup) RETURN count(n) AS n")
    assert rows == [{"n": len(HOSTILE)}]


def test_hostile_values_native(server: FalkorServer) -> None:
    pg = hostile_pg()
    assert any("DETACH" in s for s in pg.skipped)
    target = native(server, "hostile")
    push(pg, target)
    assert snapshot(target) == expected_snapshot(pg)
    _match_each(target)
    assert not push(pg, target).changed


def test_hostile_values_bolt(server: FalkorServer, bolt: BoltTarget) -> None:
    pg = hostile_pg()
    push(pg, bolt, batch_size=5)
    assert snapshot(NativeTarget(server, GRAPH)) == expected_snapshot(pg)
    _match_each(bolt)
    assert not push(pg, bolt).changed


def test_oversized_node_goes_through_bolt_in_parts(server: FalkorServer, bolt: BoltTarget) -> None:
    g = ox.NamedNode(GKD + "doc/big")
    s = ox.NamedNode(GKD + "span/big/0-9000")
    text = ("网格党支部'\\\"" * 700) + "end"
    quads = [
        ox.Quad(g, ox.NamedNode(GK + "docId"), ox.Literal("big"), g),
        ox.Quad(s, A, ox.NamedNode(GK + "TextSpan"), g),
        ox.Quad(s, ox.NamedNode(GK + "quote"), ox.Literal(text), g),
    ]
    pg = property_graph(quads)
    push(pg, bolt)
    assert snapshot(NativeTarget(server, GRAPH)) == expected_snapshot(pg)
    assert not push(pg, bolt).changed


def test_query_errors_are_readable(server: FalkorServer, bolt: BoltTarget) -> None:
    with pytest.raises(CypherError, match="Cypher error"):
        native(server, "errors").run("MATCH (n RETURN n")
    with pytest.raises(CypherError, match="Cypher error"):
        bolt.run("MATCH (n RETURN n")
    assert bolt.run("RETURN 1 AS one")[1] == [{"one": 1}]  # the connection survives


# ---------------------------------------------------------------- the commands
def _write_out(out: Path, pg_quads: list[ox.Quad]) -> None:
    out.mkdir(parents=True)
    (out / "govkg.trig").write_bytes(ox.serialize(pg_quads, format=ox.RdfFormat.TRIG) or b"")
    store = ox.Store(str(out / "store"))
    store.bulk_load(path=str(out / "govkg.trig"), format=ox.RdfFormat.TRIG)
    store.flush()


def test_push_and_cypher_commands(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write_out(out, read_quads(FIXTURE))
    runner = CliRunner()
    first = runner.invoke(app, ["push", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert f"nodes: {len(property_graph(read_quads(FIXTURE)).nodes)} created" in first.output
    second = runner.invoke(app, ["push", "--out", str(out)])
    assert second.exit_code == 0 and "nodes: 0 created, 0 updated" in second.output
    query = "MATCH (o:StatisticObservation)-[:AREA]->(a) RETURN o.value AS value, a.label_zh AS area ORDER BY value"
    result = runner.invoke(app, ["cypher", query, "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"value": 2766.5, "area": "吉林市"},
        {"value": 3438, "area": "吉林市"},
    ]
    hostile = "x}) DETACH DELETE n //"
    result = runner.invoke(
        app,
        [
            "cypher",
            "RETURN $v AS v",
            "--out",
            str(out),
            "--format",
            "json",
            "--param",
            f"v={hostile}",
        ],
    )
    assert json.loads(result.output) == [{"v": hostile}]
    bad = runner.invoke(app, ["cypher", "MATCH (n RETURN n", "--out", str(out)])
    assert bad.exit_code == 1
    assert "Cypher error" in bad.output and "Traceback" not in bad.output
    assert not (out / "cypher" / "server.json").exists()  # the on-demand server was stopped


def test_cypher_command_over_bolt_reports_errors(server: FalkorServer, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["cypher", "MATCH (n RETURN n", "--uri", server.bolt_uri])
    assert result.exit_code == 1 and "Cypher error" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["cypher", "RETURN 1", "--uri", "bolt://127.0.0.1:1"])
    assert result.exit_code == 1 and "cannot connect" in result.output


def test_concurrent_readers_see_a_consistent_graph(server: FalkorServer) -> None:
    pg = property_graph(read_quads(FIXTURE))
    target = native(server, "concurrent")
    push(pg, target)
    errors: list[Any] = []

    def read() -> None:
        try:
            for _ in range(20):
                _, rows = NativeTarget(server, "concurrent").run(cy.COUNT_NODES)
                assert rows == [{"n": len(pg.nodes)}]
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_serve_cypher_command(tmp_path: Path) -> None:
    import signal

    from tests.conftest import start_serve_cypher

    out = tmp_path / "out"
    _write_out(out, read_quads(FIXTURE))
    proc, lines = start_serve_cypher(out)
    try:
        assert (out / "cypher" / "server.json").is_file(), "".join(lines)
        runner = CliRunner()
        query = "MATCH (n:StatisticObservation) RETURN count(n) AS n"
        result = runner.invoke(app, ["cypher", query, "--out", str(out), "--format", "json"])
        assert json.loads(result.output) == [{"n": 2}]
        again = runner.invoke(app, ["serve", "cypher", "--out", str(out)])
        assert again.exit_code == 1 and "already serves" in again.output
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not (out / "cypher" / "server.json").exists()
