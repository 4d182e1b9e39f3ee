"""The small protocol every loader follows: a source in, triples into that source's named
graph, and a report of items read, accepted and rejected with reasons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from govkg.ontology import PROV, RDF, RDFS, SKOS, XSD

A = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")

Term = ox.NamedNode | ox.Literal


@dataclass(frozen=True, order=True)
class Rejection:
    """One input item that did not land in the graph, and why."""

    source: str
    location: str
    reason: str
    item: str = ""

    def __str__(self) -> str:
        where = f"{self.source}, {self.location}" if self.location else self.source
        return f"{where}: {self.reason}" + (f" ({self.item})" if self.item else "")


@dataclass
class LoadReport:
    """What one loader did with one source."""

    loader: str
    source: str
    read: int = 0
    accepted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def reject(self, location: str, reason: str, item: str = "") -> None:
        self.rejected.append(Rejection(self.source, location, reason, item))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejected"] = [asdict(r) for r in sorted(self.rejected)]
        return d


class GraphWriter:
    """Collects the triples of one named graph; duplicates collapse."""

    def __init__(self, name: ox.NamedNode) -> None:
        self.name = name
        self.triples: set[ox.Triple] = set()

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: Term) -> None:
        self.triples.add(ox.Triple(s, p, o))

    def lit(self, s: ox.NamedNode, p: ox.NamedNode, value: object, lang: str | None = None) -> None:
        """Add a literal; Python ints become xsd:integer, floats are refused (use Decimal)."""
        self.add(s, p, literal(value, lang))

    def label(self, s: ox.NamedNode, text: str, lang: str = "zh", pref: bool = False) -> None:
        self.add(s, LABEL, ox.Literal(text, language=lang))
        if pref:
            self.add(s, PREF_LABEL, ox.Literal(text, language=lang))

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)


def literal(value: object, lang: str | None = None) -> ox.Literal:
    """A typed literal for a Python value with a canonical lexical form."""
    from decimal import Decimal

    if lang is not None:
        return ox.Literal(str(value), language=lang)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, Decimal):
        return ox.Literal(canonical_decimal(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, float):
        raise TypeError("use Decimal for decimal values so that output is exact")
    return ox.Literal(str(value))


def canonical_decimal(value: Any) -> str:
    """xsd:decimal canonical form: no exponent, no trailing zeros, at least one decimal."""
    from decimal import Decimal

    d = Decimal(value).normalize()
    text = format(d, "f")
    if "." not in text:
        text += ".0"
    return text


class Ranges:
    """Character ranges [start, end) that answer which of them holds a position in about
    logarithmic time (a scan of every range for every number is quadratic on a long report).
    ``open_start`` leaves a range's own start out (a position strictly inside a quote)."""

    def __init__(self, ranges: list[tuple[int, int]], open_start: bool = False) -> None:
        import bisect

        self._bisect = bisect.bisect_left if open_start else bisect.bisect_right
        ordered = sorted((a, b, i) for i, (a, b) in enumerate(ranges))
        self._starts = [a for a, _b, _i in ordered]
        self._items = ordered
        self._reach: list[int] = []  # the furthest end of any range up to each one
        for _a, b, _i in ordered:
            self._reach.append(max(b, self._reach[-1]) if self._reach else b)

    def holding(self, pos: int) -> list[tuple[int, int]]:
        """Every range holding ``pos``, in the order they were given."""
        found = []
        j = self._bisect(self._starts, pos) - 1
        while j >= 0 and self._reach[j] > pos:
            a, b, i = self._items[j]
            if b > pos:
                found.append((i, a, b))
            j -= 1
        return [(a, b) for _i, a, b in sorted(found)]

    def holder(self, pos: int) -> tuple[int, int] | None:
        """The range holding ``pos`` that was given first, or None."""
        found = self.holding(pos)
        return found[0] if found else None

    def __contains__(self, pos: int) -> bool:
        return self.holder(pos) is not None
