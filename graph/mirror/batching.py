"""Statements in batches: rows cut to a batch size and, where the dialect limits requests,
to the bytes one request may carry; a node too large for one request sent in parts; and
:class:`Writer`, which sends them with up to ``Target.concurrent_writes`` in flight."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from govkg.graph import cypher as cy
from govkg.graph.mirror.records import PushReport
from govkg.graph.mirror.target import Progress, Target


def default_batch_size(dialect: cy.Dialect) -> int:
    return 50 if dialect.max_message_bytes else 1000


def encoded_size(value: Any) -> int:
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
        row_size = encoded_size(dialect.encode(row)) + 8
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
            added = encoded_size(dialect.encode({"start": start, "end": end, "p": len(maps)})) + 8
            if p is None:
                added += encoded_size(dialect.encode(props[digest])) + 8
            if rows and size + added > budget:
                yield rows, maps
                rows, maps, position, size = [], [], {}, base
                p = None
                added = encoded_size(dialect.encode({"start": start, "end": end, "p": 0})) + 8
                added += encoded_size(dialect.encode(props[digest])) + 8
            size += added
        if p is None:
            p = position[digest] = len(maps)
            maps.append(props[digest])
        rows.append({"start": start, "end": end, "p": p})
    if rows:
        yield rows, maps


def too_big(row: dict[str, Any], query: str, dialect: cy.Dialect) -> bool:
    budget = dialect.max_message_bytes
    return bool(budget) and len(query.encode()) + encoded_size(dialect.encode(row)) + 24 > (
        budget or 0
    )


def pieces(value: Any, budget: int, dialect: cy.Dialect) -> list[Any]:
    """Split a long string or list so that each piece, encoded, fits ``budget`` bytes."""
    if isinstance(value, list):
        out: list[Any] = []
        current: list[Any] = []
        for item in value:
            if current and encoded_size(dialect.encode([*current, item])) > budget:
                out.append(current)
                current = []
            current.append(item)
        return [*out, current] if current else out
    if isinstance(value, str):
        parts, current_s = [], ""
        for ch in value:
            if current_s and encoded_size(dialect.encode(current_s + ch)) > budget:
                parts.append(current_s)
                current_s = ""
            current_s += ch
        return [*parts, current_s] if current_s else [""]
    return [value]


class Writer:
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
            for i, piece in enumerate(pieces(value, budget, dialect)):
                statement = cy.set_node_property(key, append=i > 0)
                self.target.run(statement, {"uri": uri, "value": piece}, write=True)
                self.report.statements += 1
        self.target.run(
            cy.set_node_property("_hash"), {"uri": uri, "value": row["props"]["_hash"]}, write=True
        )
        self.report.statements += 1
