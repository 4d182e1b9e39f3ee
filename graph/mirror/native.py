"""The local FalkorDB server as a Cypher target, through its native ``falkordb`` client."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from govkg.graph import cypher as cy
from govkg.graph.falkor import GRAPH, FalkorServer
from govkg.graph.mirror.target import CypherError, Target, first_line, plain


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
            raise CypherError(f"Cypher error (FalkorDB): {first_line(str(exc))}") from None
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
