"""Conflict linking: two reported statistics of the same measure and area that count the
same thing and cannot both be true are linked with ``gk:conflictsWith``, and each link says
which rule allowed it and why. The cue words and thresholds are in ``conflicts.yaml``."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import yaml

from govkg.loaders.base import LoadReport
from govkg.loaders.lexicon import lexicon
from govkg.loaders.zh import CN_NUMERAL, normalise, simplified
from govkg.ontology import GKD
from govkg.ontology.ids import gk

if TYPE_CHECKING:
    from govkg.loaders.context import BuildContext

Bounds = tuple[Decimal, Decimal | None]  # lowest and highest value allowed; None: no limit
_Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Observation:
    """What the linker reads of one ``gk:StatisticObservation``."""

    iri: str
    doc: str  # the gk:docId of the document that reports it
    measure: str
    area: str
    value: Decimal
    value_max: Decimal | None = None
    unit: str = ""
    qualifier: str = "exact"
    scope: str = "total"
    statement: str = ""  # the IRI of its sentence's span: the same IRI is the same sentence
    measure_text: str = ""
    quote: str = ""
    start: int | None = None
    graph: str = ""  # the named graph it was read from
    period: str = ""  # gk:refPeriod, where the source gives the year apart


@dataclass(frozen=True)
class Cues:
    """The data of ``conflicts.yaml``."""

    comparable_groups: frozenset[str]
    comparable_units: tuple[frozenset[str], ...]
    tolerance: Mapping[str, tuple[Decimal, Decimal]]  # qualifier → (below, above) shares
    bounded_more_than: tuple[str, ...]
    part_of_area: tuple[str, ...]
    unstated_measures: frozenset[str]
    link_property: Mapping[str, str]  # link rule → local name of its gk: property
    link_why: Mapping[str, str]
    refusals: Mapping[str, str]


@cache
def cues() -> Cues:
    text = resources.files("govkg.loaders").joinpath("conflicts.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return Cues(
        comparable_groups=frozenset(data["comparable_unit_groups"]),
        comparable_units=tuple(frozenset(units) for units in data["comparable_units"]),
        tolerance={
            q: (Decimal(str(t["below"])), Decimal(str(t["above"])))
            for q, t in data["approx"].items()
        },
        bounded_more_than=tuple(sorted(data["more_than_bounded_cues"], key=len, reverse=True)),
        part_of_area=tuple(sorted(data["part_of_area_modifiers"], key=len, reverse=True)),
        unstated_measures=frozenset(data["unstated_measures"]),
        link_property={rule: v["property"] for rule, v in data["links"].items()},
        link_why={rule: v["why"] for rule, v in data["links"].items()},
        refusals=dict(data["refusals"]),
    )


# --------------------------------------------------------------------------- predicates


def measure_stated(measure_label: str, c: Cues) -> bool:
    """The loader found what the numbers count; numbers under its placeholder measure
    (未说明指标) count unknown things and are not compared."""
    return measure_label not in c.unstated_measures


def same_statement(a: Observation, b: Observation) -> bool:
    """Two numbers of one sentence describe each other (70% before and 97% after, the two
    ends of a range, a total and its parts), so they never contradict each other."""
    return bool(a.statement) and a.statement == b.statement


def both_totals(a: Observation, b: Observation) -> bool:
    """Only counts of all there is (``gk:countScope`` "total") can contradict one another: a
    count of those that did something is a part of the total."""
    return a.scope == "total" and b.scope == "total"


def same_counter(a: Observation, b: Observation, unit_group: Mapping[str, str], c: Cues) -> bool:
    """The units count the same kind of thing: the same unit, two units of a
    ``gk:unitGroup`` declared comparable (人 and 名), or two units listed together."""
    if a.unit == b.unit:
        return True
    group_a, group_b = unit_group.get(a.unit), unit_group.get(b.unit)
    if group_a is not None and group_a == group_b and group_a in c.comparable_groups:
        return True
    return any(a.unit in units and b.unit in units for units in c.comparable_units)


def area_part(o: Observation, measure_label: str, c: Cues) -> str:
    """The word that restricts the count to part of its area (城市社区 → 城市), or "" when
    the count is of the whole area. A word the measure's own label begins with restricts
    nothing."""
    for word in c.part_of_area:
        if o.measure_text.startswith(word) and not measure_label.startswith(word):
            return word
    return ""


def _last_digit(value: Decimal) -> Decimal:
    """One of the last significant digit: 4300 → 100, 110000 → 10000, 96.5 → 0.1."""
    exponent = value.normalize().as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def _bounded_more_than(o: Observation, c: Cues) -> bool:
    """余 or 多 right after the digits (4300余人, 百余场): less than one more of the last
    digit; other cues (以上, 超过, 至少) set no upper bound."""
    cue = "|".join(re.escape(w) for w in c.bounded_more_than)
    return (
        re.search(rf"[0-9.{CN_NUMERAL}万亿](?:{cue})", simplified(normalise(o.quote)[0]))
        is not None
    )


def value_bounds(o: Observation, c: Cues) -> Bounds:
    """The values an observation allows: its range, or the reach of its qualifier
    (约 and 近 by the shares of ``conflicts.yaml``; 余 and 多 up to one more of the last
    digit written; 以上, 超过 without limit), or its value alone."""
    v = o.value
    if o.value_max is not None:
        return v, o.value_max
    if o.qualifier == "approx_more_than":
        return v, (v + _last_digit(v) if _bounded_more_than(o, c) else None)
    if o.qualifier in c.tolerance:
        below, above = c.tolerance[o.qualifier]
        return v - abs(v) * below, v + abs(v) * above
    return v, v


def range_contains(a: Observation, b: Observation) -> bool:
    """One of them is a range (``gk:valueMax``) and the other's value lies inside it."""
    return any(
        r.value_max is not None and r.value <= x.value <= r.value_max for r, x in ((a, b), (b, a))
    )


def can_both_hold(a: Observation, b: Observation, c: Cues) -> bool:
    """The values the two allow overlap: 4300余 (4300 to 4400) and 4350 can both be true,
    4300余 and 8379 cannot."""
    (lo_a, hi_a), (lo_b, hi_b) = value_bounds(a, c), value_bounds(b, c)
    return (hi_a is None or lo_b <= hi_a) and (hi_b is None or lo_a <= hi_b)


# --------------------------------------------------------------------------- the decision


@dataclass(frozen=True)
class Verdict:
    """A link (``rule`` is a link rule of ``conflicts.yaml``) or a refusal (its reason)."""

    linked: bool
    rule: str
    why: str = ""


def judge(
    a: Observation, b: Observation, measure_label: str, unit_group: Mapping[str, str], c: Cues
) -> Verdict:
    """Whether two observations of the same measure and area disagree, and why."""
    refusal = _refusal(a, b, measure_label, unit_group, c)
    if refusal:
        return Verdict(False, refusal)
    rule = "across_documents" if a.doc != b.doc else "within_document"
    return Verdict(True, rule, _why(rule, a, b, c))


def _refusal(
    a: Observation, b: Observation, measure_label: str, unit_group: Mapping[str, str], c: Cues
) -> str:
    if not measure_stated(measure_label, c):
        return "measure_unstated"
    if same_statement(a, b):
        return "same_statement"
    if a.period != b.period:
        return "different_period"
    if not both_totals(a, b):
        return "not_a_total"
    if not same_counter(a, b, unit_group, c):
        return "different_counter"
    if area_part(a, measure_label, c) != area_part(b, measure_label, c):
        return "part_of_area"
    if not can_both_hold(a, b, c):
        return ""
    if a.value == b.value and a.value_max == b.value_max:
        return "same_value"
    return "range_contains_value" if range_contains(a, b) else "within_approximation"


def _shown(o: Observation, c: Cues) -> str:
    lo, hi = value_bounds(o, c)
    reach = "" if hi == lo else f" ({_fmt(lo)} to {_fmt(hi) if hi is not None else '…'})"
    return f"{o.doc} “{o.quote}”{reach}"


def _why(rule: str, a: Observation, b: Observation, c: Cues) -> str:
    return f"{c.link_why[rule]}: {_shown(a, c)} vs {_shown(b, c)}"


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- the linker


def _local(p: str) -> str:
    return p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def read_observations(graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]]) -> list[Observation]:
    """The observations of the report graphs (name → triples), with the quote of the span
    each was read from."""
    obs: dict[str, dict[str, _Term]] = defaultdict(dict)
    spans: dict[str, dict[str, _Term]] = defaultdict(dict)
    graph_of: dict[str, str] = {}
    for name, g in graphs.items():
        for tr in g:
            s = tr.subject
            if not isinstance(s, ox.NamedNode) or isinstance(tr.object, ox.Triple):
                continue
            if s.value.startswith(GKD + "obs/"):
                obs[s.value][_local(tr.predicate.value)] = tr.object
                graph_of[s.value] = name.value
            elif s.value.startswith(GKD + "span/"):
                spans[s.value][_local(tr.predicate.value)] = tr.object
    return [
        _observation(s, props, spans, graph_of[s])
        for s, props in sorted(obs.items())
        if _complete(props)
    ]


def _complete(props: Mapping[str, _Term]) -> bool:
    return all(k in props for k in ("measure", "area", "value", "reportedIn"))


def _observation(
    s: str, props: Mapping[str, _Term], spans: Mapping[str, Mapping[str, _Term]], graph: str
) -> Observation:
    def text(key: str, default: str = "") -> str:
        return props[key].value if key in props else default

    span = spans.get(text("wasDerivedFrom"), {})
    return Observation(
        iri=s,
        doc=_local(text("reportedIn")),
        measure=text("measure"),
        area=text("area"),
        value=Decimal(text("value")),
        value_max=Decimal(text("valueMax")) if "valueMax" in props else None,
        unit=text("unit"),
        qualifier=text("qualifier", "exact"),
        scope=text("countScope", "total"),
        statement=text("statement"),
        measure_text=text("measureText"),
        quote=span["quote"].value if "quote" in span else "",
        start=int(span["start"].value) if "start" in span else None,
        graph=graph,
        period=text("refPeriod"),
    )


@dataclass
class _Link:
    a: Observation
    b: Observation
    verdict: Verdict


class ConflictLinker:
    """Links observations of the same measure and area that cannot both be true (rules
    above), each link with the rule that allowed it; counts the pairs refused by reason."""

    name = "conflicts"

    def link(self, ctx: BuildContext) -> LoadReport:
        lex = lexicon()
        c = cues()
        report = LoadReport(self.name, "dataset")
        # observations come from reports only; roster graphs (millions of triples) hold none
        doc_graphs = {d.iri for d in ctx.documents}
        observations = read_observations(
            {name: g for name, g in ctx.dataset.graphs.items() if name in doc_graphs}
        )
        groups: dict[tuple[str, str], list[Observation]] = defaultdict(list)
        for o in observations:
            groups[(o.measure, o.area)].append(o)
        refused: Counter[str] = Counter()
        conflicts: list[dict[str, Any]] = []
        for (measure, area), members in sorted(groups.items()):
            label = lex.pref.get(measure, _local(measure))
            links = _judge_group(members, label, lex.units, c, refused)
            for link in links:
                _write(ctx, link, c)
            for component in _components(links):
                area_label = lex.area_label.get(area, _local(area))
                conflicts.append(_entry(label, area_label, component, c))
        report.read = len(observations)
        report.accepted = len(conflicts)
        report.details = {
            "conflicts": conflicts,
            "pairs": sum(len(e["links"]) for e in conflicts),
            "refused": dict(sorted(refused.items())),
            "refusal_reasons": dict(c.refusals),
        }
        return report


def _write(ctx: BuildContext, link: _Link, c: Cues) -> None:
    """Both directions of the link, each in the graph of its subject: gk:conflictsWith and
    the sub-property that names the rule."""
    rule_prop = gk(c.link_property[link.verdict.rule])
    for x, y in ((link.a, link.b), (link.b, link.a)):
        g = ctx.dataset.graph(ox.NamedNode(x.graph))
        s, o = ox.NamedNode(x.iri), ox.NamedNode(y.iri)
        g.add(s, gk("conflictsWith"), o)
        g.add(s, rule_prop, o)


def _judge_group(
    members: list[Observation],
    measure_label: str,
    unit_group: Mapping[str, str],
    c: Cues,
    refused: Counter[str],
) -> list[_Link]:
    links = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            verdict = judge(a, b, measure_label, unit_group, c)
            if verdict.linked:
                links.append(_Link(a, b, verdict))
            else:
                refused[verdict.rule] += 1
    return links


def _components(links: list[_Link]) -> list[list[_Link]]:
    """The links in groups of observations connected by them, in a stable order."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for link in links:
        ra, rb = find(link.a.iri), find(link.b.iri)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    by_root: dict[str, list[_Link]] = defaultdict(list)
    for link in links:
        by_root[find(link.a.iri)].append(link)
    return [by_root[r] for r in sorted(by_root)]


def _entry(measure: str, area: str, links: list[_Link], c: Cues) -> dict[str, Any]:
    """One report.json conflict: the observations one group of links connects, the rules
    that allowed the links and why each was made."""
    members = sorted({o.iri: o for link in links for o in (link.a, link.b)}.values(), key=_order)
    rules = sorted({link.verdict.rule for link in links})
    return {
        "measure": measure,
        "area": area,
        "values": [_value(o) for o in members],
        "rule": ", ".join(rules),
        "why": "; ".join(c.link_why[r] for r in rules),
        "links": [
            {"a": lk.a.iri, "b": lk.b.iri, "rule": lk.verdict.rule, "why": lk.verdict.why}
            for lk in links
        ],
    }


def _order(o: Observation) -> tuple[str, int, str]:
    return (o.doc, o.start if o.start is not None else -1, o.iri)


def _value(o: Observation) -> dict[str, Any]:
    return {
        "observation": o.iri,
        "doc": o.doc,
        "value": float(o.value),
        "unit": o.unit,
        "qualifier": o.qualifier,
        "quote": o.quote,
        "start": o.start,
    }
