"""Emission: the triples of every accepted row, compiled once per table from the declarative
mapping into functions of the row's values."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable

import pyoxigraph as ox

from govkg.loaders.base import DERIVED, A
from govkg.loaders.gazetteer import division_iri
from govkg.loaders.roster.rows import RosterFile, Row, settle
from govkg.loaders.roster.state import RosterLoad
from govkg.loaders.roster_mapping import (
    ResourceSpec,
    TableSpec,
    ValueSpec,
    table_order,
)
from govkg.ontology import GKD, XSD
from govkg.ontology.ids import gk, iri

_ROSTER_ROW = gk("RosterRow")


_ROW_NUMBER = gk("rowNumber")


_IN_DOCUMENT = gk("inDocument")


_INTEGER = ox.NamedNode(XSD + "integer")


_DATE = ox.NamedNode(XSD + "date")


_ASCII_SAFE = re.compile(r"[A-Za-z0-9\-._~()]+")


def fast_iri(kind: str, *key: str) -> ox.NamedNode:
    """:func:`govkg.graph.ids.iri`, skipping its per-character work for keys that are
    already IRI-safe ASCII (the common case for roster ids)."""
    if all(_ASCII_SAFE.fullmatch(k) for k in key):
        return ox.NamedNode(GKD + kind + "/" + "/".join(key))
    return iri(kind, *key)


def describe_file(f: RosterFile) -> None:
    g = f.graph
    d = f.doc
    g.add(d, A, gk("SourceDocument"))
    g.lit(d, gk("docId"), f.doc_id)
    g.lit(d, gk("fileName"), f.path.name)
    g.lit(d, gk("sha256"), hashlib.sha256(f.data).hexdigest())
    g.label(d, f"{f.title}：{f.path.name}" if f.title else f.path.name)


def emit(load: RosterLoad) -> None:
    key_iris: dict[str, dict[str, ox.NamedNode]] = defaultdict(dict)
    for key, code in load.division_keys().items():
        key_iris["area"][key] = ox.NamedNode(division_iri(code))
    for f in load.files:
        describe_file(f)
    for name in table_order(load.specs):
        spec = load.specs[name]
        rows = list(load.accepted.get(name, {}).values()) + load.dups.get(name, [])
        if not rows:
            continue
        emitters = [_compile(load, spec, res, key_iris) for res in spec.resources]
        row_prefix = [iri("row", f.doc_id).value + "/" for f in load.files]
        adders = [f.graph.add_triple for f in load.files]
        docs = [f.doc for f in load.files]
        per_file: Counter[int] = Counter()
        Triple, NamedNode, Literal = ox.Triple, ox.NamedNode, ox.Literal
        for fi, n, _line, vals in rows:
            add = adders[fi]
            r = NamedNode(row_prefix[fi] + str(n))
            add(Triple(r, A, _ROSTER_ROW))
            add(Triple(r, _ROW_NUMBER, Literal(str(n), datatype=_INTEGER)))
            add(Triple(r, _IN_DOCUMENT, docs[fi]))
            for em in emitters:
                em(vals, r, add)
            per_file[fi] += 1
        for fi, n in per_file.items():
            load.files[fi].report.accepted += n
        settle(f.graph for f in load.files)  # the lines held in memory stay bounded


def _subject_fn(
    load: RosterLoad,
    spec: TableSpec,
    res: ResourceSpec,
    key_iris: dict[str, dict[str, ox.NamedNode]],
) -> Callable[[tuple[str, ...]], ox.NamedNode | None]:
    if res.code_iri:
        i = spec.index[res.code_iri]
        entries = spec.code_of(res.code_iri).entries

        def by_code(vals: tuple[str, ...]) -> ox.NamedNode | None:
            e = entries.get(vals[i])
            return e.iri if e else None

        return by_code
    return _template_fn(load, spec, res.template, key_iris)


def _template_fn(
    load: RosterLoad,
    spec: TableSpec,
    template: tuple[str, ...],
    key_iris: dict[str, dict[str, ox.NamedNode]],
) -> Callable[[tuple[str, ...]], ox.NamedNode | None]:
    kind, cols = template[0], template[1:]
    idx = [spec.index[c] for c in cols]
    if len(idx) == 1:
        i = idx[0]
        cache = key_iris[kind]

        def one(vals: tuple[str, ...]) -> ox.NamedNode | None:
            v = vals[i]
            if not v:
                return None
            node = cache.get(v)
            if node is None:
                node = cache[v] = fast_iri(kind, v)
            return node

        return one

    def many(vals: tuple[str, ...]) -> ox.NamedNode | None:
        parts = [vals[j] for j in idx]
        return fast_iri(kind, *parts) if all(parts) else None

    return many


def _getter(
    load: RosterLoad, spec: TableSpec, v: ValueSpec, key_iris: dict[str, dict[str, ox.NamedNode]]
) -> Callable[[tuple[str, ...]], ox.NamedNode | ox.Literal | None]:
    if v.kind == "value":
        const = ox.Literal(v.value or "", language=v.lang) if v.lang else ox.Literal(v.value or "")
        return lambda vals: const
    if v.kind == "iri":
        return _template_fn(load, spec, v.template, key_iris)
    assert v.column is not None
    i = spec.index[v.column]
    col = spec.column(v.column)
    if v.kind == "tier":
        entries = spec.code_of(v.column).entries
        assert spec.may_cover
        ri = spec.index[spec.may_cover[0]]
        lits: dict[tuple[str, str], ox.Literal] = {}

        def tier(vals: tuple[str, ...]) -> ox.Literal | None:
            k = (vals[i], vals[ri])
            lit = lits.get(k)
            if lit is None:
                tiers = entries[k[0]].tiers
                if k[1] not in tiers:
                    return None
                lit = lits[k] = ox.Literal(str(tiers.index(k[1]) + 1), datatype=_INTEGER)
            return lit

        return tier
    if v.kind == "covered_level":
        tables = col.refs
        levels: dict[str, ox.NamedNode | None] = {}

        def covered(vals: tuple[str, ...]) -> ox.NamedNode | None:
            t = vals[i]
            if t not in levels:
                levels[t] = load.covered_level(tables, t)
            return levels[t]

        return covered
    if v.kind == "text":
        tlang = v.lang
        if tlang:
            return lambda vals: ox.Literal(vals[i], language=tlang) if vals[i] else None
        return lambda vals: ox.Literal(vals[i]) if vals[i] else None
    if col.code:
        # a code with a concept (or IRI) points to it; a bare code is kept as its label
        entries = spec.codes[col.code].entries
        nodes: dict[str, ox.NamedNode | ox.Literal] = {
            label: e.concept or e.iri or ox.Literal(label) for label, e in entries.items()
        }

        def code(vals: tuple[str, ...]) -> ox.NamedNode | ox.Literal | None:
            return nodes.get(vals[i]) if vals[i] else None

        return code
    if col.refs:
        if len(col.refs) == 1:
            target = load.specs[col.refs[0]]
            return _template_fn(load, spec, (target.resources[0].template[0], v.column), key_iris)
        fns = {
            t: _template_fn(
                load, spec, (load.specs[t].resources[0].template[0], v.column), key_iris
            )
            for t in col.refs
        }
        name = v.column

        def multi(vals: tuple[str, ...]) -> ox.NamedNode | None:
            t = load.ref_table.get((name, vals[i])) or load.resolve(col.refs, vals[i])[0]
            return fns[t](vals) if t else None

        return multi
    if col.type == "date":
        dates: dict[str, ox.Literal] = {}

        def date(vals: tuple[str, ...]) -> ox.Literal | None:
            d = vals[i]
            if not d:
                return None
            lit = dates.get(d)
            if lit is None:
                lit = dates[d] = ox.Literal(d, datatype=_DATE)
            return lit

        return date
    lang = v.lang or col.lang
    if lang:
        return lambda vals: ox.Literal(vals[i], language=lang) if vals[i] else None
    return lambda vals: ox.Literal(vals[i]) if vals[i] else None


def _compile(
    load: RosterLoad,
    spec: TableSpec,
    res: ResourceSpec,
    key_iris: dict[str, dict[str, ox.NamedNode]],
) -> Callable[[tuple[str, ...], ox.NamedNode, Callable[[ox.Triple], None]], None]:
    subject = _subject_fn(load, spec, res, key_iris)
    props = [(p, _getter(load, spec, v, key_iris)) for p, v in res.props]
    cls = res.cls
    class_of: dict[str, ox.NamedNode | None] = {}
    ci = -1
    if res.class_code:
        ci = spec.index[res.class_code]
        class_of = {k: e.cls for k, e in spec.code_of(res.class_code).entries.items()}
    skip: dict[str, Row] = {}
    si = -1
    if res.unless_in:
        skip = load.accepted.get(res.unless_in, {})
        si = spec.index[res.template[1]]
    Triple = ox.Triple

    def emit(vals: tuple[str, ...], row: ox.NamedNode, add: Callable[[ox.Triple], None]) -> None:
        if si >= 0 and vals[si] in skip:
            return
        s = subject(vals)
        if s is None:
            return
        c = class_of.get(vals[ci]) if ci >= 0 else cls
        if c is not None:
            add(Triple(s, A, c))
        for p, get in props:
            o = get(vals)
            if o is not None:
                add(Triple(s, p, o))
        add(Triple(s, DERIVED, row))

    return emit
