"""What every Cypher target shares: the error a user sees, progress callbacks, values made
plain from either driver, and :class:`Target`, the interface a push and ``govkg cypher``
run statements through."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from govkg.graph import cypher as cy
from govkg.ontology.errors import ServiceError


class CypherError(ServiceError):
    """A Cypher statement failed or the server could not be reached; meant for the user."""


Progress = Callable[[str, int, int], None]


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


class Target:
    """Where Cypher runs: the dialect plus ``run`` returning (columns, rows)."""

    dialect: cy.Dialect
    description: str
    #: Write statements a push may have in flight at once (see
    #: :class:`~govkg.graph.mirror.batching.Writer`).
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


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"
