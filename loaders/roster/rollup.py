"""Roll-up: roster counts per area and measure, set beside the statistics the reports give
for the same area and measure (``report.json`` → ``rollup``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

import pyoxigraph as ox

from govkg.loaders.base import GraphWriter, LoadReport
from govkg.loaders.gazetteer import division_iri
from govkg.loaders.roster_mapping import (
    rollup_spec,
)
from govkg.ontology import GK, RDFS, SKOS

if TYPE_CHECKING:
    from govkg.loaders.context import BuildContext
from govkg.loaders.roster.emit import fast_iri
from govkg.loaders.roster.rows import RosterGraph, RosterSummary
from govkg.loaders.roster.state import RosterLoad


class _AreaOf:
    """The area a row of a table is attributed to, following the mapping's ``area_of``
    columns through the rows they refer to (memoised; at most 64 steps deep). A class, not
    a function calling itself through its closure: that would be a cycle holding the whole
    load (every row read) until the cycle collector runs, which a build pauses."""

    def __init__(self, load: RosterLoad, area_of: dict[str, list[str]]) -> None:
        self.load, self.area_of = load, area_of
        self.memo: dict[tuple[str, str], str] = {}

    def __call__(self, table: str, key: str, depth: int = 0) -> str:
        load, mk = self.load, (table, key)
        if mk in self.memo:
            return self.memo[mk]
        row = load.accepted.get(table, {}).get(key)
        result = ""
        if row is not None and depth < 64:
            spec = load.specs[table]
            for col in self.area_of.get(table, []):
                if col == "self":
                    result = key
                    break
                v = row.values[spec.index[col]]
                if not v:
                    continue
                refs = spec.column(col).refs
                target = load.ref_table.get((col, v)) or (refs[0] if len(refs) == 1 else "")
                result = v if target == "areas" else self(target, v, depth + 1)
                if result:
                    break
        self.memo[mk] = result
        return result


def summarize(load: RosterLoad) -> None:
    """Fill the summary the roll-up linker reads: areas and attributed items."""
    spec_r = rollup_spec()
    area_of: dict[str, list[str]] = {k: list(v) for k, v in spec_r["area_of"].items()}
    area = _AreaOf(load, area_of)

    areas_spec = load.specs.get("areas")
    if areas_spec is not None:
        ni, li, pi = (areas_spec.index[c] for c in ("name", "level", "parent"))
        divisions = load.division_keys()
        for key, row in load.accepted.get("areas", {}).items():
            code = divisions.get(key)
            load.summary.areas[key] = (
                division_iri(code) if code else fast_iri("area", key).value,
                row.values[ni],
                row.values[li],
                row.values[pi],
            )
    for measure, m in spec_r["measures"].items():
        table = str(m["table"])
        spec = load.specs[table]
        where = [(spec.index[c], set(v)) for c, v in (m.get("where") or {}).items()]
        distinct = m.get("distinct")
        di = spec.index[distinct] if distinct else -1
        items: list[str] = []
        pairs: set[tuple[str, str]] = set()
        for key, row in load.accepted.get(table, {}).items():
            vals = row.values
            if not all(vals[i] in allowed for i, allowed in where):
                continue
            if di >= 0:
                pairs.add((vals[di], area(table, key)))
            else:
                items.append(area(table, key))
        if di >= 0:
            load.summary.distinct[measure] = pairs
        else:
            load.summary.items[measure] = items


_OBS_PROPS = {
    GK + "measure": "measure",
    GK + "area": "area",
    GK + "value": "value",
    GK + "reportedIn": "doc",
    GK + "qualifier": "qualifier",
    GK + "countScope": "scope",
}


_PREF = SKOS + "prefLabel"


_LABEL = RDFS + "label"


def agrees(count: int, value: Decimal, qualifier: str | None) -> bool:
    """Whether a roster count agrees with a reported number, read as the report words it:
    exact; 余/多 (more than: up to the next step of its last significant digit); 约
    (about: within half a step); 近 (nearly: at most one step below).

    >>> agrees(70512, Decimal(70000), "approx_more_than"), agrees(3438, Decimal(3438), "exact")
    (True, True)
    """
    if qualifier in (None, "", "exact"):
        return Decimal(count) == value
    if qualifier == "percent" or value <= 0:
        return False
    step = Decimal(1)
    v = value
    while v == v.to_integral_value() and v % 10 == 0:
        v /= 10
        step *= 10
    c = Decimal(count)
    if qualifier == "approx_more_than":
        return value <= c < value + step
    if qualifier == "approx_about":
        return abs(c - value) <= step / 2
    if qualifier == "approx_nearly":
        return value - step <= c <= value
    return False


class RollupLinker:
    """Counts per area and measure from the rosters, set beside the statistics the reports
    give for the same area and measure (``report.json`` → ``rollup``)."""

    name: ClassVar[str] = "rollup"

    def link(self, ctx: BuildContext) -> LoadReport:
        report = LoadReport(self.name, "rosters and reports")
        summaries: list[RosterSummary] = []
        roster_graphs: set[int] = set()
        for g in ctx.dataset.graphs.values():
            if isinstance(g, RosterGraph):
                roster_graphs.add(id(g))
                if all(s is not g.summary for s in summaries):
                    summaries.append(g.summary)
        if not summaries:
            return report
        obs, pref, zh_label = _observations(
            g for g in ctx.dataset.graphs.values() if id(g) not in roster_graphs
        )
        rows: list[dict[str, Any]] = []
        for summary in summaries:
            rows.extend(_rollup_rows(summary, obs, pref, zh_label))
        report.read = len(rows)
        report.accepted = sum(1 for r in rows if r["agrees"])
        report.details["rollup"] = rows
        report.details["disagreements"] = sum(1 for r in rows if r["agrees"] is False)
        return report


def _observations(
    graphs: Iterable[GraphWriter],
) -> tuple[dict[str, dict[str, ox.NamedNode | ox.Literal]], dict[str, str], dict[str, str]]:
    obs: dict[str, dict[str, Any]] = defaultdict(dict)
    pref: dict[str, str] = {}
    zh_label: dict[str, str] = {}
    for g in graphs:
        for t in g:
            p = t.predicate.value
            s = t.subject
            if not isinstance(s, ox.NamedNode):
                continue
            key = _OBS_PROPS.get(p)
            if key is not None:
                obs[s.value][key] = t.object
            elif p == _PREF and isinstance(t.object, ox.Literal):
                pref.setdefault(s.value, t.object.value)
            elif p == _LABEL and isinstance(t.object, ox.Literal) and t.object.language == "zh":
                zh_label.setdefault(s.value, t.object.value)
    return {k: v for k, v in obs.items() if "measure" in v and "value" in v}, pref, zh_label


def _rollup_rows(
    summary: RosterSummary,
    obs: dict[str, dict[str, Any]],
    pref: dict[str, str],
    zh_label: dict[str, str],
) -> list[dict[str, Any]]:
    measures = list(rollup_spec()["measures"])
    by_iri = {info[0]: key for key, info in summary.areas.items()}
    names = Counter(info[1] for info in summary.areas.values())
    by_name = {info[1]: key for key, info in summary.areas.items() if names[info[1]] == 1}
    reported: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for o in obs.values():
        measure = pref.get(o["measure"].value, "")
        if measure not in measures or "area" not in o:
            continue
        if "scope" in o and o["scope"].value in ("subset", "change"):
            continue  # only counts of all there are stand beside a roster's count
        a = o["area"].value
        key = by_iri.get(a) or by_name.get(zh_label.get(a, ""))
        if key is None:
            continue
        try:
            value = Decimal(o["value"].value)
        except InvalidOperation:
            continue
        doc = o["doc"].value.rsplit("/", 1)[-1] if "doc" in o else ""
        qualifier = o["qualifier"].value if "qualifier" in o else "exact"
        reported[(key, measure)].append({"value": value, "doc": doc, "qualifier": qualifier})
    roots = {k for k, info in summary.areas.items() if not info[3] or info[3] not in summary.areas}
    targets = roots | {k for k, _ in reported}
    counts = _counts(summary, targets)
    rows: list[dict[str, Any]] = []
    for key in sorted(targets, key=lambda k: (summary.areas[k][1], k)):
        iri_value, name, level, _ = summary.areas[key]
        for measure in measures:
            items = reported.get((key, measure), [])
            if not items and key not in roots:
                continue
            n = counts.get((key, measure), 0)
            entries = []
            for it in sorted(items, key=lambda x: (x["doc"], x["value"])):
                entries.append(
                    {
                        "value": int(it["value"])
                        if it["value"] == it["value"].to_integral_value()
                        else float(it["value"]),
                        "doc": it["doc"],
                        "qualifier": it["qualifier"],
                        "agrees": agrees(n, it["value"], it["qualifier"]),
                    }
                )
            rows.append(
                {
                    "area": name,
                    "area_iri": iri_value,
                    "area_level": level,
                    "measure": measure,
                    "roster_count": n,
                    "reported": entries,
                    "agrees": any(e["agrees"] for e in entries) if entries else None,
                }
            )
    return rows


def _counts(summary: RosterSummary, targets: set[str]) -> dict[tuple[str, str], int]:
    """Items per (target area, measure), counting an item for every target area that is its
    area or contains it."""
    up: dict[str, tuple[str, ...]] = {}

    def above(a: str) -> tuple[str, ...]:
        if a in up:
            return up[a]
        chain: list[str] = []
        k = a
        while k and k not in up and k in summary.areas and len(chain) < 64:
            chain.append(k)
            k = summary.areas[k][3]
        result = up.get(k, ()) if k else ()
        for c in reversed(chain):
            result = ((c,) if c in targets else ()) + result
            up[c] = result
        return up.get(a, ())

    counts: Counter[tuple[str, str]] = Counter()
    for measure, items in summary.items.items():
        per: Counter[str] = Counter(items)
        for a, n in per.items():
            for t in above(a):
                counts[(t, measure)] += n
    for measure, pairs in summary.distinct.items():
        values: dict[str, set[str]] = defaultdict(set)
        for value, a in pairs:
            for t in above(a):
                values[t].add(value)
        for t, vs in values.items():
            counts[(t, measure)] = len(vs)
    return dict(counts)
