"""Mirror throughput and Cypher latency: ``run(scale)`` returns rows ``{name, value, unit,
baseline, ratio, target, met}``.

- ``push_nodes_per_s_native``: ``govkg push`` of the corpus graph copied ``scale`` times
  into a fresh local FalkorDB graph through the native client (nodes, relationships,
  schema, reading the server's state and diffing included); baseline: a raw
  ``UNWIND $rows CREATE`` of the same rows through the same client.
- ``push_nodes_per_s_bolt``: the same through the ``neo4j`` driver on FalkorDB's Bolt port
  (small requests, as that endpoint needs); baseline: raw creates over the same driver.
- ``push_ratio``: seconds of the native push over seconds of the raw creates.
- ``cq_p95_ms``: p95 latency of the 14 Cypher competency questions on the local server;
  baseline: the same questions in SPARQL on the embedded store.

``python -m benchmarks.bench_mirror [--scale tiny|city|province]`` prints them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.rows import corpus_dir, row

HERE = Path(__file__).resolve().parent
COPIES = {"tiny": 1, "city": 10, "province": 40}
BOLT_COPIES = {"tiny": 1, "city": 3, "province": 5}  # FalkorDB's Bolt endpoint is slow


def build_corpus(work: Path) -> Path:
    from govkg.graph.build import BuildOptions, build

    out = work / "out"
    result = build(BuildOptions(corpus_dir(), out, validate=False))
    if not result.written:
        raise RuntimeError("the corpus build was not written")
    return out


def scaled(pg: Any, copies: int) -> Any:
    """The graph ``copies`` times over, each copy's IRIs suffixed so that none collide."""
    from govkg.graph.pg import NodeRow, PropertyGraph, RelRow

    if copies == 1:
        return pg
    nodes: list[NodeRow] = []
    rels: list[RelRow] = []
    for i in range(copies):
        suffix = f"#copy{i}"
        for n in pg.nodes:
            nodes.append(replace(n, uri=n.uri + suffix, props={**n.props, "uri": n.uri + suffix}))
        for r in pg.rels:
            rels.append(replace(r, start=r.start + suffix, end=r.end + suffix))
    return PropertyGraph(sorted(nodes, key=lambda n: n.uri), sorted(rels, key=lambda r: r.key))


def raw_create(pg: Any, target: Any, batch_size: int) -> float:
    """Seconds to write the same rows with plain CREATEs (an index on uri, as a push has)."""
    from govkg.graph import cypher as cy
    from govkg.graph.mirror import batches
    from govkg.graph.pg import content_hash

    target.ensure_schema(["Resource"])  # rels are matched by uri, as in a push
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for n in pg.nodes:
        by_labels[n.labels].append({"props": {**n.props, "_hash": content_hash(n.labels, n.props)}})
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in pg.rels:
        by_type[r.type].append({"start": r.start, "end": r.end, "props": r.props})
    started = time.perf_counter()
    for labels, rows in by_labels.items():
        # the fastest plain form: labels in the CREATE pattern
        pattern = ":".join(cy.check_name(label) for label in labels)
        statement = f"UNWIND $rows AS row CREATE (n:{pattern}) SET n = row.props"
        for batch in batches(rows, statement, target.dialect, batch_size):
            target.run(statement, {"rows": batch}, write=True)
    for rtype, rows in by_type.items():
        statement = (
            "UNWIND $rows AS row MATCH (a:Resource {uri: row.start}) "
            f"MATCH (b:Resource {{uri: row.end}}) CREATE (a)-[r:{cy.rel_type_name(rtype)}]->(b) "
            "SET r = row.props"
        )
        for batch in batches(rows, statement, target.dialect, batch_size):
            target.run(statement, {"rows": batch}, write=True)
    return time.perf_counter() - started


def timed_push(pg: Any, target: Any, batch_size: int | None = None) -> float:
    from govkg.graph.mirror import push

    started = time.perf_counter()
    report = push(pg, target, batch_size)
    elapsed = time.perf_counter() - started
    assert report.nodes_created == len(pg.nodes), report
    return elapsed


def cq_latency(out: Path, target: Any, repeats: int = 5) -> tuple[float, float]:
    """p95 milliseconds of the Cypher questions and of the SPARQL ones."""
    from govkg.graph import cq
    from govkg.graph.sparql import open_store, run_query

    store = open_store(out)
    cypher_ms, sparql_ms = [], []
    for _ in range(repeats):
        for question in cq.load_all():
            started = time.perf_counter()
            target.run(question.cypher)
            cypher_ms.append(1000 * (time.perf_counter() - started))
            started = time.perf_counter()
            run_query(store, question.sparql)
            sparql_ms.append(1000 * (time.perf_counter() - started))
    return statistics.quantiles(cypher_ms, n=20)[-1], statistics.quantiles(sparql_ms, n=20)[-1]


def run(scale: str = "city", out: Path | None = None) -> list[dict[str, Any]]:
    from govkg.graph import cypher as cy
    from govkg.graph.falkor import GRAPH, FalkorServer
    from govkg.graph.mirror import BoltTarget, NativeTarget, push
    from govkg.graph.pg import from_output

    with tempfile.TemporaryDirectory(prefix="govkg-bench-mirror-") as tmp:
        work = Path(tmp)
        out = out or build_corpus(work)
        base = from_output(out)
        big = scaled(base, COPIES[scale])
        bolt_pg = scaled(base, BOLT_COPIES[scale])
        with FalkorServer(work / "falkor", bolt=True, persist=False) as server:
            # native: raw creates and a push, each into a fresh graph, alternating three
            # times (the median of each is reported: the machine is shared and noisy)
            raws, pushes = [], []
            for i in range(3):
                raws.append(raw_create(big, NativeTarget(server, f"raw{i}"), 1000))
                pushes.append(timed_push(big, NativeTarget(server, f"push{i}")))
                for name in (f"raw{i}", f"push{i}"):
                    server.graph(name).delete()
            raw_s, push_s = statistics.median(raws), statistics.median(pushes)
            # Bolt: the one graph FalkorDB serves there, emptied between the two runs
            bolt = BoltTarget(server.bolt_uri)
            try:
                bolt_raw_s = raw_create(bolt_pg, bolt, 50)
                bolt.run(cy.DELETE_ALL, write=True)
                bolt_push_s = timed_push(bolt_pg, bolt)
            finally:
                bolt.close()
            corpus = NativeTarget(server, GRAPH)
            corpus.run(cy.DELETE_ALL, write=True)
            push(base, corpus)
            cq_p95, sparql_p95 = cq_latency(out, corpus)
    n, nb = len(big.nodes), len(bolt_pg.nodes)
    return [
        row("push_nodes_per_s_native", n / push_s, "nodes/s", n / raw_s, 5000.0, True),
        row("push_nodes_per_s_bolt", nb / bolt_push_s, "nodes/s", nb / bolt_raw_s, 500.0, True),
        row("push_ratio", push_s, "s", raw_s, 1.5),
        row("cq_p95_ms", cq_p95, "ms", sparql_p95, 100.0),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_mirror")
    parser.add_argument("--scale", choices=sorted(COPIES), default="city")
    parser.add_argument("--out", type=Path, help="an existing build (default: build the corpus)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.scale, args.out), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
