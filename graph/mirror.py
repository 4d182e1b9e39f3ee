"""The Cypher mirror: ``govkg push`` writes the property graph of a build into Neo4j over
Bolt, or into the local FalkorDB server through its native client, and ``govkg cypher``
queries it.

A push reads what the server holds (each node's ``uri``, content digest ``_hash`` and
labels; each relationship's properties), compares it with the mapping, and writes only what
differs, in ``UNWIND $rows`` batches that ``MERGE`` on ``uri``. A second push therefore
writes nothing, and a push interrupted at any point (the digest is written with the rest of
a node, in one statement) is completed by the next one. Into the local server two
statements are in flight at once, so that the client encodes one while the server runs
the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import socket
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govkg.graph import cypher as cy
from govkg.graph.falkor import GRAPH, PUSHED_KEY, FalkorServer, ServerError, local_server
from govkg.graph.pg import NAME_PATTERN, RESOURCE, PropertyGraph, content_hash, from_output
from govkg.ontology.errors import ServiceError


class CypherError(ServiceError):
    """A Cypher statement failed or the server could not be reached; meant for the user."""


Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------- values
def plain(value: Any) -> Any:
    """A JSON-friendly value from either driver: nodes as their properties plus ``_labels``,
    relationships plus ``_type``, paths as lists, integral floats as ints."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value == int(value) else value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    kind = type(value).__module__ + "." + type(value).__name__
    if kind in ("neo4j.graph.Node", "falkordb.node.Node"):
        labels = value.labels if kind.startswith("neo4j") else (value.labels or [])
        props = dict(value.items()) if kind.startswith("neo4j") else dict(value.properties)
        return {"_labels": sorted(labels), **{k: plain(props[k]) for k in sorted(props)}}
    if kind.startswith("neo4j.graph.") and hasattr(value, "type"):
        props = dict(value.items())
        return {"_type": value.type, **{k: plain(props[k]) for k in sorted(props)}}
    if kind == "falkordb.edge.Edge":
        props = dict(value.properties)
        return {"_type": value.relation, **{k: plain(props[k]) for k in sorted(props)}}
    if kind == "neo4j.graph.Path":
        return [plain(n) for n in value.nodes]
    if kind == "falkordb.path.Path":
        return [plain(n) for n in value.nodes()]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return str(value)


# ---------------------------------------------------------------- targets
class Target:
    """Where Cypher runs: the dialect plus ``run`` returning (columns, rows)."""

    dialect: cy.Dialect
    description: str
    #: Write statements a push may have in flight at once (see ``_Writer``).
    concurrent_writes = 1

    def run(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> tuple[list[str], list[dict[str, Any]]]:
        raise NotImplementedError

    def ensure_schema(self, labels: Iterable[str]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NativeTarget(Target):
    """The local FalkorDB server through the native ``falkordb`` client."""

    dialect = cy.FALKORDB
    #: the client's connection pool gives each writer its own connection; the server runs
    #: the writes one after the other while the client encodes the next one
    concurrent_writes = 2

    def __init__(self, server: FalkorServer, graph: str = GRAPH) -> None:
        self.server = server
        self.graph_name = graph
        self.graph = server.graph(graph)
        self.description = f"FalkorDB on 127.0.0.1:{server.port} (graph {graph!r})"

    def run(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> tuple[list[str], list[dict[str, Any]]]:
        import redis

        try:
            try:
                if write:
                    result = self.graph.query(query, params)
                else:
                    result = self.graph.ro_query(query, params)
            except redis.exceptions.ResponseError as exc:
                if write or "empty key" not in str(exc):
                    raise
                result = self.graph.query(query, params)  # the graph does not exist yet
        except redis.exceptions.ResponseError as exc:
            raise CypherError(f"Cypher error (FalkorDB): {_first_line(str(exc))}") from None
        except (redis.exceptions.RedisError, OSError) as exc:
            raise CypherError(f"FalkorDB connection failed: {exc}") from None
        columns = [h[1] if isinstance(h, (list, tuple)) else str(h) for h in result.header]
        columns = [c.decode() if isinstance(c, bytes) else str(c) for c in columns]
        rows = [{c: plain(v) for c, v in zip(columns, r, strict=False)} for r in result.result_set]
        return columns, rows

    def ensure_schema(self, labels: Iterable[str]) -> None:
        import redis

        _, rows = self.run(cy.FALKOR_LIST_INDEXES)
        existing = {r["label"] for r in rows if "uri" in (r.get("properties") or [])}
        for statement in self.dialect.schema_statements(labels, existing):
            self.run(statement, write=True)
        with contextlib.suppress(redis.exceptions.ResponseError):  # it exists already
            self.server.redis().execute_command(*cy.falkor_unique_constraint(self.graph_name))


class BoltTarget(Target):
    """Neo4j (or FalkorDB's Bolt endpoint) through the official ``neo4j`` driver.

    FalkorDB's Bolt endpoint leaves the next connection accepted after a Bolt client
    disconnects unanswered. With FalkorDB the driver therefore waits only a few seconds
    for a connection and retries, and :meth:`close` spends a throwaway connection on it.
    """

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        dialect: str = "auto",
    ) -> None:
        import neo4j

        self.uri = uri
        self.auth = (user, password or "") if user else None
        self.database = database
        self.driver = self._connect(acquisition_timeout=8.0, attempts=3)
        self.dialect = cy.DIALECTS[dialect] if dialect != "auto" else self._detect()
        self.address: tuple[str, int] | None = None
        if self.dialect is not cy.NEO4J:
            # FalkorDB's Bolt endpoint mishandles database names; it serves one graph
            self.database = None
            address = self.driver.get_server_info().address
            self.address = (str(address[0]), int(address[1]))
        elif dialect == "auto":
            self.driver.close()  # Neo4j: the driver's own defaults from here on
            self.driver = neo4j.GraphDatabase.driver(uri, auth=self.auth)
        self.description = f"{uri} ({self.dialect.name})"

    def _connect(self, acquisition_timeout: float, attempts: int) -> Any:
        import neo4j

        last = ""
        for _ in range(attempts):
            driver = None
            try:
                driver = neo4j.GraphDatabase.driver(
                    self.uri,
                    auth=self.auth,
                    connection_timeout=acquisition_timeout,
                    connection_acquisition_timeout=acquisition_timeout,
                )
                driver.verify_connectivity()
                return driver
            except neo4j.exceptions.AuthError as exc:
                last = _first_line(str(exc))
                break
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError) as exc:
                last = _first_line(str(exc))
                if driver is not None:
                    driver.close()
        raise CypherError(f"cannot connect to {self.uri}: {last}")

    def _detect(self) -> cy.Dialect:
        """FalkorDB answers its own ``db.meta.stats()``; Neo4j has no such procedure. (A
        probe that fails on FalkorDB would cost a connection, see the class docstring.)"""
        import neo4j

        try:
            with self.driver.session(database=self.database) as s:
                s.run(cy.FALKOR_PROBE).consume()
        except neo4j.exceptions.Neo4jError:
            return cy.NEO4J
        return cy.FALKORDB_BOLT

    def run(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> tuple[list[str], list[dict[str, Any]]]:
        import neo4j

        encoded = {k: self.dialect.encode(v) for k, v in (params or {}).items()}

        def work(tx: Any) -> tuple[list[str], list[Any]]:
            result = tx.run(query, encoded)
            return list(result.keys()), [r.values() for r in result]

        attempts = 1 if self.dialect is cy.NEO4J else 3  # Neo4j's driver retries by itself
        for attempt in range(attempts):
            try:
                with self.driver.session(database=self.database) as s:
                    if self.dialect is cy.NEO4J and write:
                        columns, records = s.execute_write(work)
                    elif self.dialect is cy.NEO4J:
                        columns, records = s.execute_read(work)
                    else:  # FalkorDB: auto-commit; it has no multi-statement transactions
                        result = s.run(query, encoded)
                        columns, records = list(result.keys()), [r.values() for r in result]
                break
            except neo4j.exceptions.Neo4jError as exc:
                message = exc.message or str(exc)
                if self.dialect is not cy.NEO4J and "unknown error" in message.lower():
                    message += " (FalkorDB's Bolt endpoint reports every failure this way)"
                raise CypherError(f"Cypher error: {_first_line(message)}") from None
            except (neo4j.exceptions.DriverError, OSError) as exc:
                # statements are MERGEs and reads, so running one again is safe
                if attempt + 1 == attempts:
                    raise CypherError(f"Bolt connection failed: {_first_line(str(exc))}") from None
        rows = [{c: plain(v) for c, v in zip(columns, r, strict=False)} for r in records]
        return columns, rows

    def ensure_schema(self, labels: Iterable[str]) -> None:
        existing: set[str] = set()
        if self.dialect is not cy.NEO4J:
            _, rows = self.run(cy.FALKOR_LIST_INDEXES)
            existing = {r["label"] for r in rows if "uri" in (r.get("properties") or [])}
        for statement in self.dialect.schema_statements(labels, existing):
            if self.dialect is cy.NEO4J:
                self._schema(statement)
            else:
                self.run(statement, write=True)

    def _schema(self, statement: str) -> None:
        """Neo4j runs schema commands in auto-commit transactions only."""
        import neo4j

        try:
            with self.driver.session(database=self.database) as s:
                s.run(statement).consume()
        except neo4j.exceptions.Neo4jError as exc:
            raise CypherError(f"Cypher error: {_first_line(exc.message or str(exc))}") from None
        except (neo4j.exceptions.DriverError, OSError) as exc:
            raise CypherError(f"Bolt connection failed: {_first_line(str(exc))}") from None

    def close(self) -> None:
        self.driver.close()
        if self.address is not None:
            # the connection FalkorDB will leave unanswered: take it and let it go
            with contextlib.suppress(OSError):
                sacrificial = socket.create_connection(self.address, timeout=2)
                time.sleep(0.2)
                sacrificial.close()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


# ---------------------------------------------------------------- push
@dataclass
class PushReport:
    target: str
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_unchanged: int = 0
    nodes_deleted: int = 0
    nodes_stale: int = 0
    rels_created: int = 0
    rels_updated: int = 0
    rels_unchanged: int = 0
    rels_deleted: int = 0
    rels_stale: int = 0
    statements: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)
    #: label → [created, updated] (``Resource`` left out); relationship type → the same
    label_changes: dict[str, list[int]] = field(default_factory=dict)
    type_changes: dict[str, list[int]] = field(default_factory=dict)

    def count(self, name: str, created: bool, rel: bool = False, n: int = 1) -> None:
        if name != RESOURCE:
            changes = self.type_changes if rel else self.label_changes
            changes.setdefault(name, [0, 0])[0 if created else 1] += n

    @property
    def changed(self) -> bool:
        return any(
            (
                self.nodes_created,
                self.nodes_updated,
                self.nodes_deleted,
                self.rels_created,
                self.rels_updated,
                self.rels_deleted,
            )
        )

    def lines(self) -> list[str]:
        out = [
            f"nodes: {self.nodes_created} created, {self.nodes_updated} updated, "
            f"{self.nodes_unchanged} unchanged, {self.nodes_deleted} deleted",
            *_change_lines(self.label_changes),
            f"relationships: {self.rels_created} created, {self.rels_updated} updated, "
            f"{self.rels_unchanged} unchanged, {self.rels_deleted} deleted",
            *_change_lines(self.type_changes),
        ]
        if self.nodes_stale or self.rels_stale:
            out.append(
                f"not in the RDF any more: {self.nodes_stale} node(s), {self.rels_stale} "
                "relationship(s) (left in place; pass --prune to delete them)"
            )
        out.append(f"{self.statements} write statement(s) in {self.seconds:.2f} s")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _change_lines(changes: dict[str, list[int]]) -> list[str]:
    out = []
    for name in sorted(changes):
        created, updated = changes[name]
        parts = [f"{created} created"] * bool(created) + [f"{updated} updated"] * bool(updated)
        out.append(f"  {name}: " + ", ".join(parts))
    return out


def default_batch_size(dialect: cy.Dialect) -> int:
    return 50 if dialect.max_message_bytes else 1000


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def batches(rows: list[Any], query: str, dialect: cy.Dialect, max_rows: int) -> Iterator[list[Any]]:
    """Rows in groups of at most ``max_rows`` and, where the dialect limits requests, small
    enough (query text plus parameters) to fit."""
    budget = dialect.max_message_bytes
    if not budget:
        for i in range(0, len(rows), max_rows):
            yield rows[i : i + max_rows]
        return
    base = len(query.encode("utf-8")) + 16
    current: list[Any] = []
    size = base
    for row in rows:
        row_size = _size(dialect.encode(row)) + 8
        if current and (len(current) >= max_rows or size + row_size > budget):
            yield current
            current, size = [], base
        current.append(row)
        size += row_size
    if current:
        yield current


#: A relationship to write: start uri, end uri and the digest naming its properties.
RelWrite = tuple[str, str, str]


def rel_batches(
    rels: list[RelWrite],
    props: dict[str, dict[str, Any]],
    query: str,
    dialect: cy.Dialect,
    max_rows: int,
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """``(rows, maps)`` for :data:`cy.CREATE_RELS`: at most ``max_rows`` rows
    ``{start, end, p}``, each map of the batch once, ``p`` its position in ``maps``; cut by
    size as well where the dialect limits requests (as :func:`batches`)."""
    budget = dialect.max_message_bytes
    base = len(query.encode("utf-8")) + 32
    rows: list[dict[str, Any]] = []
    maps: list[dict[str, Any]] = []
    position: dict[str, int] = {}
    size = base
    for start, end, digest in rels:
        if rows and len(rows) >= max_rows:
            yield rows, maps
            rows, maps, position, size = [], [], {}, base
        p = position.get(digest)
        if budget:
            added = _size(dialect.encode({"start": start, "end": end, "p": len(maps)})) + 8
            if p is None:
                added += _size(dialect.encode(props[digest])) + 8
            if rows and size + added > budget:
                yield rows, maps
                rows, maps, position, size = [], [], {}, base
                p = None
                added = _size(dialect.encode({"start": start, "end": end, "p": 0})) + 8
                added += _size(dialect.encode(props[digest])) + 8
            size += added
        if p is None:
            p = position[digest] = len(maps)
            maps.append(props[digest])
        rows.append({"start": start, "end": end, "p": p})
    if rows:
        yield rows, maps


def _too_big(row: dict[str, Any], query: str, dialect: cy.Dialect) -> bool:
    budget = dialect.max_message_bytes
    return bool(budget) and len(query.encode()) + _size(dialect.encode(row)) + 24 > (budget or 0)


def _pieces(value: Any, budget: int, dialect: cy.Dialect) -> list[Any]:
    """Split a long string or list so that each piece, encoded, fits ``budget`` bytes."""
    if isinstance(value, list):
        out: list[Any] = []
        current: list[Any] = []
        for item in value:
            if current and _size(dialect.encode([*current, item])) > budget:
                out.append(current)
                current = []
            current.append(item)
        return [*out, current] if current else out
    if isinstance(value, str):
        parts, current_s = [], ""
        for ch in value:
            if current_s and _size(dialect.encode(current_s + ch)) > budget:
                parts.append(current_s)
                current_s = ""
            current_s += ch
        return [*parts, current_s] if current_s else [""]
    return [value]


class _Writer:
    """Sends rows in batches and counts the statements.

    With ``target.concurrent_writes`` above one, that many statements are in flight at
    once, so that the client encodes the next batch while the server runs the last one.
    :meth:`wait` ends a phase: relationships are only sent once every node has been
    written. Each statement stands alone (a MERGE or CREATE of rows the push has just found
    missing or different), so their order within a phase does not matter, and an
    interruption leaves what some order of the statements would have left.
    """

    def __init__(self, target: Target, batch_size: int, report: PushReport, progress: Progress):
        self.target = target
        self.batch_size = batch_size
        self.report = report
        self.progress = progress
        self.depth = max(1, target.concurrent_writes)
        self.pool = ThreadPoolExecutor(self.depth) if self.depth > 1 else None
        self.pending: deque[tuple[Future[Any], str, int, int]] = deque()

    def send(self, query: str, rows: list[Any], phase: str, param: str = "rows") -> None:
        done = 0
        for batch in batches(rows, query, self.target.dialect, self.batch_size):
            done += len(batch)
            self._run(query, {param: batch}, phase, done, len(rows))

    def send_rels(
        self, query: str, rels: list[RelWrite], props: dict[str, dict[str, Any]], phase: str
    ) -> None:
        """Relationships ``(start, end, digest)`` through :data:`cy.CREATE_RELS` or
        :data:`cy.UPSERT_RELS`, ``props`` giving each digest's properties."""
        done = 0
        for rows, maps in rel_batches(rels, props, query, self.target.dialect, self.batch_size):
            done += len(rows)
            self._run(query, {"rows": rows, "props": maps}, phase, done, len(rels))

    def _run(self, query: str, params: dict[str, Any], phase: str, done: int, total: int) -> None:
        if self.pool is None:
            self.target.run(query, params, write=True)
            self.report.statements += 1
            self.progress(phase, done, total)
            return
        while len(self.pending) >= self.depth:
            self._collect()
        future = self.pool.submit(self.target.run, query, params, True)
        self.pending.append((future, phase, done, total))

    def _collect(self) -> None:
        future, phase, done, total = self.pending.popleft()
        future.result()
        self.report.statements += 1
        self.progress(phase, done, total)

    def wait(self) -> None:
        """Block until every statement sent so far has been run; raise the first error."""
        while self.pending:
            self._collect()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def send_node_in_parts(self, row: dict[str, Any], statement: str) -> None:
        """A node too large for one request (FalkorDB's Bolt endpoint): its labels and uri
        first, then each property in pieces, and its digest last so that an interruption
        leaves it marked as needing an update."""
        dialect = self.target.dialect
        budget = (dialect.max_message_bytes or 0) // 2
        uri = row["props"]["uri"]
        self.target.run(statement, {"rows": [{"props": {"uri": uri}}]}, write=True)
        self.report.statements += 1
        for key, value in row["props"].items():
            if key in ("uri", "_hash"):
                continue
            for i, piece in enumerate(_pieces(value, budget, dialect)):
                statement = cy.set_node_property(key, append=i > 0)
                self.target.run(statement, {"uri": uri, "value": piece}, write=True)
                self.report.statements += 1
        self.target.run(
            cy.set_node_property("_hash"), {"uri": uri, "value": row["props"]["_hash"]}, write=True
        )
        self.report.statements += 1


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return plain(value)


_MISSING: Any = object()


def rel_hash(rel: Any) -> str:
    return content_hash((rel.type,), rel.props)


def rel_digests(rels: Iterable[Any]) -> Iterator[str]:
    """:func:`rel_hash` of each relationship. The mapping gives relationships only their
    ``sources`` (a sorted list of document ids), so the relationships of one type and one
    set of documents share a digest, which is computed once."""
    memo: dict[tuple[str, ...], str] = {}
    for rel in rels:
        props = rel.props
        sources = props.get("sources")
        # only lists of strings are memo keys: equal strings have equal reprs, whereas
        # 1 == 1.0 == True do not
        if len(props) != 1 or type(sources) is not list or any(type(s) is not str for s in sources):
            yield rel_hash(rel)
            continue
        key = (rel.type, *sources)
        digest = memo.get(key)
        if digest is None:
            digest = memo[key] = rel_hash(rel)
        yield digest


def _labels_of(uris: list[str], target: Target, size: int) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for chunk in batches(uris, cy.READ_LABELS, target.dialect, size):
        _, rows = target.run(cy.READ_LABELS, {"uris": chunk})
        out.update((r["uri"], frozenset(r["labels"] or ())) for r in rows)
    return out


def push(
    pg: PropertyGraph,
    target: Target,
    batch_size: int | None = None,
    prune: bool = False,
    progress: Progress | None = None,
) -> PushReport:
    """Make the server hold ``pg``: create what is missing, update what differs, and with
    ``prune`` delete mirrored nodes and relationships the mapping no longer has.

    A first push (into a graph without mirrored nodes) reads no relationships: they are
    mirrored only between mirrored nodes, so there are none to compare with or prune."""
    started = time.perf_counter()
    say = progress or (lambda _phase, _done, _total: None)
    report = PushReport(target.description, skipped=list(pg.skipped))
    size = batch_size or default_batch_size(target.dialect)
    labels = {label for n in pg.nodes for label in n.labels}
    target.ensure_schema(labels)

    # ---- what the server holds: node digests, and relationship digests where it has nodes
    # (node writes leave relationships between mirrored nodes as they are, so both are read
    # before anything is written)
    _, state = target.run(cy.READ_NODE_STATE)
    existing = {r["uri"]: r["hash"] for r in state}
    have_rels: dict[str, Any] = {}
    if existing:
        _, rel_state = target.run(cy.READ_REL_STATE)
        have_rels = {r["key"]: r["hash"] for r in rel_state}

    writer = _Writer(target, size, report, say)
    try:
        # ---- nodes
        for (kind, add, remove), rows in _node_groups(pg, existing, target, size, report):
            statement = cy.node_create(add) if kind == "create" else cy.node_upsert(add, remove)
            if not target.dialect.max_message_bytes:
                writer.send(statement, rows, "nodes")
                continue
            small = [r for r in rows if not _too_big(r, statement, target.dialect)]
            writer.send(statement, small, "nodes")
            for row in rows:
                if _too_big(row, statement, target.dialect):
                    writer.send_node_in_parts(row, statement)

        # ---- relationships (their rows made while the last node statements run)
        rel_groups, rel_props, kept_rels = _rel_groups(pg, have_rels, report)
        writer.wait()
        for (kind, rtype), rels in rel_groups:
            statement = cy.rel_create(rtype) if kind == "create" else cy.rel_upsert(rtype)
            writer.send_rels(statement, rels, rel_props, f"relationships {rtype}")
        writer.wait()

        # ---- what the RDF no longer has
        stale_nodes = sorted(set(existing) - {n.uri for n in pg.nodes}) if existing else []
        stale_rels = sorted(tuple(k.split(" ")) for k in set(have_rels) - kept_rels)
        if prune:
            gone = set(stale_nodes)
            by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for s, t, e in stale_rels:
                if s not in gone and e not in gone and NAME_PATTERN.match(t):
                    by_type[t].append({"start": s, "end": e})
            for rtype in sorted(by_type):
                writer.send(cy.rel_delete(rtype), by_type[rtype], f"delete {rtype}")
            writer.wait()
            writer.send(cy.DELETE_NODES, list(stale_nodes), "delete nodes", "uris")
            writer.wait()
            report.nodes_deleted, report.rels_deleted = len(stale_nodes), len(stale_rels)
        else:
            report.nodes_stale, report.rels_stale = len(stale_nodes), len(stale_rels)
    finally:
        writer.close()
    report.seconds = time.perf_counter() - started
    return report


NodeGroup = tuple[tuple[str, tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]]


def _node_groups(
    pg: PropertyGraph,
    existing: dict[str, Any],
    target: Target,
    size: int,
    report: PushReport,
) -> Iterator[NodeGroup]:
    """The nodes to write as rows grouped by statement, counted in ``report``: new nodes
    by label set (labels go in the MERGE pattern), updated ones by the labels to SET and
    REMOVE. Where requests have no size limit, ``size`` new nodes of one label set are
    handed out as soon as they are digested, for the server to write them meanwhile."""
    stream = not target.dialect.max_message_bytes
    created: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    updated: list[tuple[Any, str]] = []
    changed: dict[tuple[tuple[str, ...], bool], int] = defaultdict(int)
    for node in pg.nodes:
        digest = content_hash(node.labels, node.props)
        have = existing.get(node.uri, _MISSING)
        if have == digest:
            report.nodes_unchanged += 1
            continue
        is_new = have is _MISSING
        changed[(node.labels, is_new)] += 1
        if not is_new:
            updated.append((node, digest))
            continue
        rows = created[node.labels]
        rows.append({"props": {**node.props, "_hash": digest}})
        if stream and len(rows) >= size:
            yield ("create", node.labels, ()), rows
            created[node.labels] = []
    for (node_labels, is_new), n in changed.items():
        if is_new:
            report.nodes_created += n
        else:
            report.nodes_updated += n
        for label in node_labels:
            report.count(label, is_new, n=n)
    for node_labels, rows in sorted(created.items()):
        if rows:
            yield ("create", node_labels, ()), rows
    old_labels = _labels_of([n.uri for n, _ in updated], target, size)
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = defaultdict(
        list
    )
    for node, digest in updated:
        want = frozenset(node.labels)
        have = old_labels.get(node.uri, frozenset())
        key = ("update", tuple(sorted(want - have)), tuple(sorted(have - want)))
        groups[key].append({"props": {**node.props, "_hash": digest}})
    yield from sorted(groups.items())


def _rel_groups(
    pg: PropertyGraph, have_rels: dict[str, Any], report: PushReport
) -> tuple[list[tuple[tuple[str, str], list[RelWrite]]], dict[str, dict[str, Any]], set[str]]:
    """The relationships to write grouped by (create or update, type), the properties of
    each digest among them, and the keys of those the server has and the mapping keeps;
    counted in ``report``."""
    groups: dict[tuple[str, str], list[RelWrite]] = defaultdict(list)
    changed: dict[tuple[str, bool], int] = defaultdict(int)
    kept: set[str] = set()
    # equal digests, equal properties: one map per digest
    props_of: dict[str, dict[str, Any]] = {}
    for rel, digest in zip(pg.rels, rel_digests(pg.rels), strict=True):
        have = _MISSING
        if have_rels:
            rel_key = f"{rel.start} {rel.type} {rel.end}"
            have = have_rels.get(rel_key, _MISSING)
            if have is not _MISSING:
                kept.add(rel_key)
                if have == digest:
                    report.rels_unchanged += 1
                    continue
        created = have is _MISSING
        changed[(rel.type, created)] += 1
        if digest not in props_of:
            props_of[digest] = {**rel.props, "_hash": digest}
        groups[("create" if created else "update", rel.type)].append((rel.start, rel.end, digest))
    for (rtype, created), n in changed.items():
        if created:
            report.rels_created += n
        else:
            report.rels_updated += n
        report.count(rtype, created, rel=True, n=n)
    return sorted(groups.items()), props_of, kept


def snapshot(target: Target) -> tuple[list[tuple[str, tuple[str, ...], dict[str, Any]]], list[Any]]:
    """Everything the mirror holds, sorted, for comparing two servers or a server and ``pg``."""
    _, nodes = target.run(cy.READ_NODES)
    _, rels = target.run(cy.READ_RELS)
    node_rows = sorted(
        (r["uri"], tuple(sorted(r["labels"])), dict(sorted(r["props"].items()))) for r in nodes
    )
    rel_rows = sorted(
        (r["start"], r["type"], r["end"], dict(sorted(r["props"].items()))) for r in rels
    )
    return node_rows, rel_rows


def expected_snapshot(
    pg: PropertyGraph,
) -> tuple[list[tuple[str, tuple[str, ...], dict[str, Any]]], list[Any]]:
    """What :func:`snapshot` returns once ``pg`` has been pushed."""
    nodes = sorted(
        (
            n.uri,
            tuple(sorted(n.labels)),
            dict(sorted(plain({**n.props, "_hash": content_hash(n.labels, n.props)}).items())),
        )
        for n in pg.nodes
    )
    rels = sorted(
        (r.start, r.type, r.end, dict(sorted(plain({**r.props, "_hash": rel_hash(r)}).items())))
        for r in pg.rels
    )
    return nodes, rels


def trig_digest(out_dir: Path) -> str:
    h = hashlib.sha256()
    with (out_dir / "govkg.trig").open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_pushed(
    server: FalkorServer, out_dir: Path, progress: Progress | None = None
) -> PushReport | None:
    """Push the build into the local server unless it already holds exactly this build."""
    import redis

    digest = trig_digest(out_dir)
    try:
        stored = server.redis().get(PUSHED_KEY)
    except (redis.exceptions.RedisError, OSError) as exc:
        raise CypherError(f"FalkorDB connection failed: {exc}") from None
    if stored is not None and stored.decode() == digest:
        return None
    forget_push(server)
    report = push(from_output(out_dir), NativeTarget(server), prune=True, progress=progress)
    record_push(server, digest)
    return report


def forget_push(server: FalkorServer) -> None:
    """Before a push writes: a push cut short must not pass for a build pushed whole."""
    import redis

    try:
        server.redis().delete(PUSHED_KEY)
    except (redis.exceptions.RedisError, OSError) as exc:
        raise CypherError(f"FalkorDB connection failed: {exc}") from None


def record_push(server: FalkorServer, digest: str) -> None:
    """After a complete push: note which build the server holds, and snapshot it, so that
    a server killed later restarts with the pushed graph."""
    import redis

    try:
        server.redis().set(PUSHED_KEY, digest)
    except (redis.exceptions.RedisError, OSError) as exc:
        raise CypherError(f"FalkorDB connection failed: {exc}") from None
    server.save()


# ---------------------------------------------------------------- connection options
@dataclass
class Connection:
    uri: str | None
    user: str | None
    password: str | None
    database: str | None
    dialect: str = "auto"

    @classmethod
    def resolve(
        cls,
        uri: str | None,
        user: str | None,
        password: str | None,
        database: str | None,
        dialect: str = "auto",
    ) -> Connection:
        """Options first, then ``$NEO4J_URI``/``$NEO4J_USER``/``$NEO4J_PASSWORD``."""
        return cls(
            uri or os.environ.get("NEO4J_URI") or None,
            user or os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME") or None,
            password or os.environ.get("NEO4J_PASSWORD") or None,
            database or os.environ.get("NEO4J_DATABASE") or None,
            dialect,
        )


@contextlib.contextmanager
def open_target(conn: Connection, out_dir: Path, sync: bool = True) -> Iterator[Target]:
    """Bolt when a URI is known; else the local server, with this build pushed into it."""
    if conn.uri:
        target = BoltTarget(conn.uri, conn.user, conn.password, conn.database, conn.dialect)
        try:
            yield target
        finally:
            target.close()
        return
    if sync and not (out_dir / "govkg.trig").is_file():
        raise CypherError(f"no build at {out_dir}: run `govkg build --out {out_dir}` first")
    try:
        with local_server(out_dir) as server:
            if sync:
                ensure_pushed(server, out_dir)
            yield NativeTarget(server)
    except ServerError as exc:
        raise CypherError(str(exc)) from None


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``name=value`` pairs; a value that parses as JSON is taken as JSON, else as text."""
    params: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not NAME_PATTERN.match(name):
            raise ValueError(f"--param wants NAME=VALUE, got {item!r}")
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params
