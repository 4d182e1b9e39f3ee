"""Every Cypher statement govkg sends, as UPPER_CASE templates with ``$params``, and the
differences between Neo4j 5 and FalkorDB in one :class:`Dialect` object.

Values only ever travel as parameters. Label and relationship-type names cannot be
parameters in Cypher, so the templates take them through :func:`labels_clause` and
:func:`rel_type_name`, which accept only names matching :data:`NAME_PATTERN` (the names the
property-graph mapping derives from the ontology).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from govkg.graph.pg import NAME_PATTERN, RESOURCE
from govkg.ontology.errors import InputError

#: Property keys (which, unlike labels, may start with an underscore: ``_hash``).
PROPERTY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UnsafeName(InputError, ValueError):
    """A label or relationship type that does not match :data:`NAME_PATTERN`."""


def check_name(name: str) -> str:
    """Return ``name`` when it may be formatted into a statement; raise otherwise.

    >>> check_name("StatisticObservation")
    'StatisticObservation'
    >>> check_name("X}) DETACH DELETE n //")
    Traceback (most recent call last):
    ...
    govkg.graph.cypher.UnsafeName: not a safe label or relationship type: 'X}) DETACH DELETE n //'
    """
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise UnsafeName(f"not a safe label or relationship type: {name!r}")
    return name


def labels_clause(var: str, labels: Iterable[str]) -> str:
    """``n:A:B`` for SET/REMOVE, or an empty string when there are no labels."""
    names = [check_name(label) for label in labels]
    return f"{check_name(var)}:" + ":".join(names) if names else ""


def rel_type_name(name: str) -> str:
    return check_name(name)


# ---------------------------------------------------------------- node writes
#: Create or update nodes; ``{set_labels}`` / ``{remove_labels}`` are clauses made by
#: :func:`node_upsert` from checked names. ``SET n = row.props`` replaces every property, so
#: a property that disappeared from the RDF disappears from the node too.
UPSERT_NODES = (
    "UNWIND $rows AS row "
    "MERGE (n:" + RESOURCE + " {uri: row.props.uri}) "
    "SET n = row.props{set_labels}{remove_labels}"
)

#: Nodes the server does not have yet: their labels go in the pattern, which FalkorDB
#: handles many times faster than ``SET n:Label`` (``{labels}`` from :func:`node_create`).
CREATE_NODES_LABELLED = (
    "UNWIND $rows AS row MERGE (n:{labels} {uri: row.props.uri}) SET n = row.props"
)

#: The raw write the benchmark compares a push with: no lookup, no diff.
CREATE_NODES = "UNWIND $rows AS row CREATE (n:" + RESOURCE + ") SET n = row.props"

DELETE_NODES = "UNWIND $uris AS uri MATCH (n:" + RESOURCE + " {uri: uri}) DETACH DELETE n"

#: One property of one node, for rows too large for a single request; ``{key}`` comes from
#: :func:`set_node_property`.
SET_NODE_PROPERTY = "MATCH (n:" + RESOURCE + " {uri: $uri}) SET n.{key} = $value"
APPEND_NODE_PROPERTY = "MATCH (n:" + RESOURCE + " {uri: $uri}) SET n.{key} = n.{key} + $value"

# ---------------------------------------------------------------- relationship writes
#: Relationships carry few distinct property maps (their ``sources``, and the digest of
#: those), so a statement sends each map once, in ``$props``, and each row names its map
#: by position (``row.p``) beside the ``start`` and ``end`` uris it links.
UPSERT_RELS = (
    "UNWIND $rows AS row "
    "MATCH (a:" + RESOURCE + " {uri: row.start}) "
    "MATCH (b:" + RESOURCE + " {uri: row.end}) "
    "MERGE (a)-[r:{rel_type}]->(b) "
    "SET r = $props[row.p]"
)

#: Relationships the server does not have yet (the push has just read what it has).
CREATE_RELS = (
    "UNWIND $rows AS row "
    "MATCH (a:" + RESOURCE + " {uri: row.start}) "
    "MATCH (b:" + RESOURCE + " {uri: row.end}) "
    "CREATE (a)-[r:{rel_type}]->(b) "
    "SET r = $props[row.p]"
)

DELETE_RELS = (
    "UNWIND $rows AS row "
    "MATCH (a:"
    + RESOURCE
    + " {uri: row.start})-[r:{rel_type}]->(b:"
    + RESOURCE
    + " {uri: row.end}) "
    "DELETE r"
)

# ---------------------------------------------------------------- reads
#: What a push compares with: every mirrored node's uri and stored digest. (Few columns,
#: as parsing large results dominates a push that has little to write.)
READ_NODE_STATE = "MATCH (n:" + RESOURCE + ") RETURN n.uri AS uri, n._hash AS hash"

#: The labels of the nodes a push is about to update (to remove the ones they lost).
READ_LABELS = (
    "UNWIND $uris AS uri MATCH (n:" + RESOURCE + " {uri: uri}) "
    "RETURN n.uri AS uri, labels(n) AS labels"
)

#: Every relationship between mirrored nodes as one ``start TYPE end`` key (IRIs hold no
#: spaces) and its stored digest.
READ_REL_STATE = (
    "MATCH (a:" + RESOURCE + ")-[r]->(b:" + RESOURCE + ") "
    "RETURN a.uri + ' ' + type(r) + ' ' + b.uri AS key, r._hash AS hash"
)

#: Full content, for tests and exports that compare a mirror with the mapping.
READ_NODES = (
    "MATCH (n:" + RESOURCE + ") RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props "
    "ORDER BY uri"
)
READ_RELS = (
    "MATCH (a:" + RESOURCE + ")-[r]->(b:" + RESOURCE + ") "
    "RETURN a.uri AS start, type(r) AS type, b.uri AS end, properties(r) AS props "
    "ORDER BY start, type, end"
)

COUNT_NODES = "MATCH (n:" + RESOURCE + ") RETURN count(n) AS n"
DELETE_ALL = "MATCH (n) DETACH DELETE n"

# ---------------------------------------------------------------- schema
#: Neo4j 5: one uniqueness constraint per label (``IF NOT EXISTS`` makes it idempotent).
NEO4J_CONSTRAINT = "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.uri IS UNIQUE"
#: FalkorDB: an exact-match index through Cypher; the uniqueness constraint itself is a
#: server command (``GRAPH.CONSTRAINT CREATE``) only the native client can send.
FALKOR_INDEX = "CREATE INDEX FOR (n:{label}) ON (n.uri)"
#: FalkorDB's uniqueness constraint is a server command, not Cypher; it needs the index
#: above and is sent by the native client (``{graph}`` from
#: :func:`falkor_unique_constraint`).
FALKOR_UNIQUE_CONSTRAINT = (
    "GRAPH.CONSTRAINT", "CREATE", "{graph}", "UNIQUE", "NODE", RESOURCE, "PROPERTIES", "1", "uri",
)  # fmt: skip
FALKOR_LIST_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"
#: A FalkorDB procedure Neo4j lacks: success means the Bolt server is FalkorDB.
FALKOR_PROBE = "CALL db.meta.stats()"


def node_upsert(add: Iterable[str], remove: Iterable[str]) -> str:
    """:data:`UPSERT_NODES` with the label changes of one group of rows."""
    add_clause = labels_clause("n", sorted(add))
    remove_clause = labels_clause("n", sorted(remove))
    return UPSERT_NODES.replace("{set_labels}", f" SET {add_clause}" if add_clause else "").replace(
        "{remove_labels}", f" REMOVE {remove_clause}" if remove_clause else ""
    )


def node_create(labels: Iterable[str]) -> str:
    """:data:`CREATE_NODES_LABELLED` for one label set (``Resource`` first)."""
    names = [RESOURCE, *sorted(set(labels) - {RESOURCE})]
    return CREATE_NODES_LABELLED.replace("{labels}", ":".join(check_name(n) for n in names))


def set_node_property(key: str, append: bool = False) -> str:
    if not PROPERTY_PATTERN.match(key):
        raise UnsafeName(f"not a safe property key: {key!r}")
    return (APPEND_NODE_PROPERTY if append else SET_NODE_PROPERTY).replace("{key}", key)


def rel_upsert(rel_type: str) -> str:
    return UPSERT_RELS.replace("{rel_type}", rel_type_name(rel_type))


def rel_create(rel_type: str) -> str:
    return CREATE_RELS.replace("{rel_type}", rel_type_name(rel_type))


def rel_delete(rel_type: str) -> str:
    return DELETE_RELS.replace("{rel_type}", rel_type_name(rel_type))


def falkor_unique_constraint(graph: str) -> list[str]:
    return [graph if part == "{graph}" else part for part in FALKOR_UNIQUE_CONSTRAINT]


def constraint_name(label: str) -> str:
    return f"govkg_{check_name(label).lower()}_uri"


@dataclass(frozen=True)
class Dialect:
    """What differs between the Cypher servers govkg talks to.

    ``max_message_bytes``: FalkorDB's Bolt endpoint splices parameters into the query text
    and crashes on requests over about 4 KiB, so batches are cut by size as well as by
    rows. ``escape_strings``: the same splicing reads backslash escapes and ends the string
    at a single quote, so strings are pre-escaped to arrive literally.
    """

    name: str
    unique_constraint: bool
    max_message_bytes: int | None = None
    escape_strings: bool = False
    unsupported_functions: tuple[str, ...] = ()

    def schema_statements(self, labels: Iterable[str], existing: set[str]) -> list[str]:
        """Statements that make ``uri`` unique: on Neo4j one constraint per label; on
        FalkorDB one index on :data:`RESOURCE` (every mirrored node has that label, and
        FalkorDB updates every index on every write, which slows a push by a tenth)."""
        names = sorted({check_name(label) for label in labels} | {RESOURCE})
        if self.name == "neo4j":
            return [
                NEO4J_CONSTRAINT.format(name=constraint_name(label), label=label) for label in names
            ]
        return [FALKOR_INDEX.format(label=RESOURCE)] if RESOURCE not in existing else []

    def encode(self, value: Any) -> Any:
        """A parameter value as this server must receive it to store it literally."""
        if not self.escape_strings:
            return value
        if isinstance(value, str):
            return value.replace("\\", "\\\\").replace("'", "\\'")
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            return {k: self.encode(v) for k, v in value.items()}
        return value


NEO4J = Dialect("neo4j", unique_constraint=True)
#: FalkorDB through its native client (parameters are quoted correctly by the client).
FALKORDB = Dialect(
    "falkordb",
    unique_constraint=True,
    unsupported_functions=("elementId", "apoc.*", "EXISTS { … } subqueries"),
)
#: FalkorDB through its experimental Bolt endpoint.
FALKORDB_BOLT = Dialect(
    "falkordb-bolt",
    unique_constraint=False,
    max_message_bytes=3400,
    escape_strings=True,
    unsupported_functions=FALKORDB.unsupported_functions,
)
DIALECTS = {d.name: d for d in (NEO4J, FALKORDB, FALKORDB_BOLT)}
