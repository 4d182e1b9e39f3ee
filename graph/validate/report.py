"""What validation reports: one :class:`Violation` per failed rule on one node, the
:class:`ValidationReport` that sorts, counts and renders them, and the wording both engines
share (IRIs with their prefixes, what a value was found to be)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import BNode, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from govkg.graph.validate.graphs import XSD_STRING
from govkg.ontology import PREFIXES

SPAN_TEXT_RULE = "span quote matches the document text"
SPAN_TEXT_MISSING_RULE = "document text is available for span checks"


_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Longest namespace first, so that gkd: wins over a shorter prefix of the same IRI.
_NAMESPACES = sorted(
    {**PREFIXES, "sh": str(SH), "gksh": "https://w3id.org/govkg/shapes#"}.items(),
    key=lambda kv: -len(kv[1]),
)


def shorten(term: str) -> str:
    """Write an IRI with a known prefix (``gk:``, ``gkd:``, ...), else unchanged.

    >>> shorten("https://w3id.org/govkg/id/area/吉林市")
    'gkd:area/吉林市'
    """
    for prefix, ns in _NAMESPACES:
        if term.startswith(ns) and len(term) > len(ns):
            return f"{prefix}:{term[len(ns) :]}"
    return term


def shorten_text(text: str) -> str:
    for prefix, ns in _NAMESPACES:
        text = text.replace(ns, f"{prefix}:")
    return text


@dataclass(frozen=True, order=True)
class Violation:
    """One failed rule on one node: a SHACL result or a finding of the code checks."""

    focus_node: str
    rule: str
    message: str
    severity: str = "Violation"
    value: str | None = None
    path: str | None = None

    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        return (
            _SEVERITY_ORDER.get(self.severity, 9),
            self.rule,
            self.focus_node,
            self.message,
            self.value or "",
            self.path or "",
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_graph`: conforms unless some result is a Violation."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for v in self.violations if v.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable summary, sorted so that equal reports give equal output."""
        ordered = sorted(self.violations, key=Violation.sort_key)
        counts = Counter(v.severity for v in ordered)
        return {
            "conforms": self.conforms,
            "counts": {
                s: counts[s] for s in sorted(counts, key=lambda s: _SEVERITY_ORDER.get(s, 9))
            },
            "violations": [v.to_dict() for v in ordered],
        }

    def render(self) -> str:
        """A plain-text report grouped by rule, nodes written with ``gk:``/``gkd:`` prefixes."""
        n_viol, n_warn = self.count("Violation"), self.count("Warning")
        head = "conforms" if self.conforms else "DOES NOT CONFORM"
        lines = [f"govkg validation: {head} ({n_viol} violation(s), {n_warn} warning(s))"]
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in sorted(self.violations, key=Violation.sort_key):
            groups[(v.severity, v.rule)].append(v)
        for (severity, rule), items in groups.items():
            lines.append("")
            lines.append(f"{severity}: {rule} ({len(items)})")
            for v in items:
                lines.append(f"  - {v.message}")
        return "\n".join(lines)


def node_text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def value_text(node: Node) -> str:
    if isinstance(node, Literal):
        if node.language:
            return f'"{node}"@{node.language}'
        if node.datatype is not None and str(node.datatype) != XSD_STRING:
            return f'"{node}"^^{shorten(str(node.datatype))}'
        return f'"{node}"'
    return shorten(node_text(node) or "")


def what_was_found(
    component: str, value: Node | None, found: int | None = None, cls: str | None = None
) -> str:
    """What was actually found, for the constraints whose message cannot say it: ``found``
    is the number of values (count constraints), ``cls`` the required class."""
    if component in ("MinCountConstraintComponent", "MaxCountConstraintComponent"):
        return f"; found {found}" if found is not None else ""
    if value is None:
        return ""
    if component == "ClassConstraintComponent":
        what = f"a {shorten(cls)}" if cls is not None else "of the required class"
        return f"; {value_text(value)} is not {what}"
    if component in ("SPARQLConstraintComponent", "OrConstraintComponent"):
        return ""
    if isinstance(value, Literal) and value.datatype and component != "DatatypeConstraintComponent":
        return f"; found {value}"  # a number or date reads best bare
    return f"; found {value_text(value)}"
