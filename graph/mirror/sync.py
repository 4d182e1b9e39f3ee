"""Pushing: :func:`push` makes a server hold a property graph, writing only what differs;
and the snapshots that compare what a server holds with what a push should have left.
(The module is not named ``push``: the package exports the function under that name.)"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from govkg.graph import cypher as cy
from govkg.graph.mirror.batching import RelWrite, Writer, batches, default_batch_size, too_big
from govkg.graph.mirror.records import PushReport, rel_digests, rel_hash
from govkg.graph.mirror.target import Progress, Target, plain
from govkg.graph.pg import NAME_PATTERN, PropertyGraph, content_hash

_MISSING: Any = object()


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

    writer = Writer(target, size, report, say)
    try:
        # ---- nodes
        for (kind, add, remove), rows in _node_groups(pg, existing, target, size, report):
            statement = cy.node_create(add) if kind == "create" else cy.node_upsert(add, remove)
            if not target.dialect.max_message_bytes:
                writer.send(statement, rows, "nodes")
                continue
            small = [r for r in rows if not too_big(r, statement, target.dialect)]
            writer.send(statement, small, "nodes")
            for row in rows:
                if too_big(row, statement, target.dialect):
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
