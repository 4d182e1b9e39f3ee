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

The package, one concern a module, each importing only those before it:

- :mod:`.target`: :class:`Target` (where Cypher runs), :class:`CypherError`, :func:`plain`;
- :mod:`.native`: :class:`NativeTarget`, the local FalkorDB server's native client;
- :mod:`.bolt`: :class:`BoltTarget`, Neo4j or FalkorDB's Bolt endpoint;
- :mod:`.records`: :class:`PushReport` and the relationship digests;
- :mod:`.batching`: rows in batches and parts that fit a request, and the ``Writer``;
- :mod:`.sync`: :func:`push` and the snapshots compared after one;
- :mod:`.local`: the build the local server holds (:func:`ensure_pushed`);
- :mod:`.connect`: connection options and :func:`open_target`.

Everything is importable from ``govkg.graph.mirror`` itself, as before the split.
"""

from __future__ import annotations

from govkg.graph.mirror.batching import (
    RelWrite,
    Writer,
    batches,
    default_batch_size,
    rel_batches,
)
from govkg.graph.mirror.bolt import BoltTarget
from govkg.graph.mirror.connect import Connection, open_target, parse_params
from govkg.graph.mirror.local import ensure_pushed, forget_push, record_push, trig_digest
from govkg.graph.mirror.native import NativeTarget
from govkg.graph.mirror.records import PushReport, rel_digests, rel_hash
from govkg.graph.mirror.sync import NodeGroup, expected_snapshot, push, snapshot
from govkg.graph.mirror.target import CypherError, Progress, Target, plain

__all__ = [
    "BoltTarget",
    "Connection",
    "CypherError",
    "NativeTarget",
    "NodeGroup",
    "Progress",
    "PushReport",
    "RelWrite",
    "Target",
    "Writer",
    "batches",
    "default_batch_size",
    "ensure_pushed",
    "expected_snapshot",
    "forget_push",
    "open_target",
    "parse_params",
    "plain",
    "push",
    "record_push",
    "rel_batches",
    "rel_digests",
    "rel_hash",
    "snapshot",
    "trig_digest",
]
