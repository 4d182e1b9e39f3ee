"""What a push counts (:class:`PushReport`) and the digests it compares relationships by."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from govkg.graph.pg import RESOURCE, content_hash


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
