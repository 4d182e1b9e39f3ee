"""The checks a roster row passes before it lands in the graph: required values, codes and
dates, duplicate keys, references to other tables, the unit tree (parents, cycles,
levels), what 包保 may cover, and resources described twice. A row that fails is rejected
with its file, row, column and reason."""

from __future__ import annotations

import datetime as dt
import re

from govkg.loaders.roster.rows import Row
from govkg.loaders.roster.state import RosterLoad
from govkg.loaders.roster_mapping import (
    TableSpec,
    may_cover,
    table_order,
)


def check(load: RosterLoad) -> None:
    for name in table_order(load.specs):
        if name in load.rows:
            _check_table(load, load.specs[name], load.rows.pop(name))


def _check_table(load: RosterLoad, spec: TableSpec, rows: list[Row]) -> None:
    rows = _local_checks(load, spec, rows)
    unique = _dedup(load, spec, rows)
    _ref_checks(load, spec, unique)
    if spec.tree_parent:
        _tree_checks(load, spec, unique)
    if spec.may_cover:
        _cover_checks(load, spec, unique)
    _secondary_checks(load, spec, unique)
    accepted = load.accepted[spec.name]
    for key, row in unique.items():
        accepted[key] = row
    kept = []
    for row in load.dups[spec.name]:
        key = _key(spec, row.values)
        if key in accepted:
            kept.append(row)
        else:
            load.reject(row, None, f"duplicate of a rejected row ({load.rejected[spec.name][key]})")
    load.dups[spec.name] = kept


def _key(spec: TableSpec, vals: tuple[str, ...]) -> str:
    cols = spec.key_columns
    if len(cols) == 1:
        return vals[spec.index[cols[0]]]
    return "\x1f".join(vals[spec.index[c]] for c in cols)


def _drop(
    load: RosterLoad, spec: TableSpec, unique: dict[str, Row], key: str, col: str | None, why: str
) -> None:
    row = unique.pop(key)
    load.reject(row, col, why)
    load.rejected[spec.name].setdefault(key, load.where(row))


def _local_checks(load: RosterLoad, spec: TableSpec, rows: list[Row]) -> list[Row]:
    required = [(spec.index[c.name], c.name) for c in spec.columns if c.required]
    codes = [(spec.index[c.name], c.name, spec.codes[c.code]) for c in spec.columns if c.code]
    dates = [(spec.index[c.name], c.name) for c in spec.columns if c.type == "date"]
    order = (spec.index[spec.dates[0]], spec.index[spec.dates[1]]) if spec.dates else None
    seen_dates: dict[str, str | None] = {}
    ok: list[Row] = []
    for row in rows:
        vals = row.values
        bad = next(((i, c) for i, c in required if not vals[i]), None)
        if bad is not None:
            load.reject(row, bad[1], f"required value {bad[1]!r} is empty")
            continue
        fixed: list[str] | None = None
        reason: tuple[str, str] | None = None
        for i, cname, code in codes:
            v = vals[i]
            if not v:
                continue
            canon = code.lookup.get(v)
            if canon is None:
                reason = (cname, f"unknown {cname} {v!r} (expected one of {code.describe()})")
                break
            if canon != v:
                fixed = fixed or list(vals)
                fixed[i] = canon
        if reason is None:
            for i, cname in dates:
                v = vals[i]
                if not v:
                    continue
                iso = seen_dates.get(v, "")
                if iso == "":
                    iso = seen_dates[v] = normalize_date(v)
                if iso is None:
                    reason = (cname, f"{cname} {v!r} is not a date (use YYYY-MM-DD)")
                    break
                if iso != v:
                    fixed = fixed or list(vals)
                    fixed[i] = iso
        if reason is not None:
            load.reject(row, reason[0], reason[1])
            continue
        if fixed is not None:
            vals = tuple(fixed)
            row = row._replace(values=vals)
        if order is not None:
            start, end = vals[order[0]], vals[order[1]]
            if start and end and end < start:
                load.reject(
                    row,
                    spec.columns[order[1]].name,
                    f"ends before it starts: {spec.columns[order[1]].name} {end} is before "
                    f"{spec.columns[order[0]].name} {start}",
                )
                continue
        ok.append(row)
    return ok


def _dedup(load: RosterLoad, spec: TableSpec, rows: list[Row]) -> dict[str, Row]:
    unique: dict[str, Row] = {}
    dups = load.dups[spec.name]
    key_names = "/".join(spec.key_columns)
    for row in rows:
        key = _key(spec, row.values)
        first = unique.get(key)
        if first is None:
            unique[key] = row
        elif first.values == row.values:
            dups.append(row)
        else:
            diff = [
                f"{c.name} {a!r} vs {b!r}"
                for c, a, b in zip(spec.columns, first.values, row.values, strict=True)
                if a != b
            ]
            load.reject(
                row,
                diff[0].split(" ", 1)[0] if diff else None,
                f"duplicate {key_names} {key.replace(chr(31), '/')!r} with conflicting data "
                f"({'; '.join(diff)}); first given at {load.where(first)}",
            )
    return unique


def _ref_checks(load: RosterLoad, spec: TableSpec, unique: dict[str, Row]) -> None:
    refs = [
        (spec.index[c.name], c.name, c.refs)
        for c in spec.columns
        if c.refs and c.name != spec.tree_parent
    ]
    for key, row in list(unique.items()):
        for i, cname, tables in refs:
            v = row.values[i]
            if not v:
                continue
            table, why = load.resolve(tables, v)
            if table is None:
                _drop(load, spec, unique, key, cname, f"{cname}: {why}")
                break
            if len(tables) > 1:
                load.ref_table[(cname, v)] = table


def _tree_checks(load: RosterLoad, spec: TableSpec, unique: dict[str, Row]) -> None:
    assert spec.tree_parent and spec.tree_level
    pi = spec.index[spec.tree_parent]
    li = spec.index[spec.tree_level]
    pcol = spec.tree_parent
    code = spec.code_of(spec.tree_level)
    rejected = load.rejected[spec.name]
    parent = {k: r.values[pi] for k, r in unique.items()}
    # 1. parents that are not there
    for k in list(unique):
        p = parent[k]
        if p and p not in unique:
            where = rejected.get(p)
            why = (
                f"parent {p!r} was rejected ({where})"
                if where
                else f"unknown parent {p!r}: no such id in the {spec.name} table"
            )
            _drop(load, spec, unique, k, pcol, why)
    # 2. cycles
    state: dict[str, int] = {}
    for start in list(unique):
        path: list[str] = []
        node = start
        while node and node in unique and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node and node in unique and state.get(node) == 1:
            cycle = path[path.index(node) :]
            text = " → ".join([*cycle, node])
            for c in cycle:
                _drop(load, spec, unique, c, pcol, f"cycle in the {pcol} chain: {text}")
        for c in path:
            state[c] = 2
    # 3. levels: a parent at the level the mapping allows, or a root where it may be one
    for k in list(unique):
        entry = code.entries[unique[k].values[li]]
        p = parent[k]
        if not p:
            is_root = entry.rank == 1 if spec.tree_chain else entry.root
            if not is_root:
                _drop(
                    load, spec, unique, k, pcol, f"missing parent: a {entry.label} needs a {pcol}"
                )
            continue
        if p not in unique:
            continue  # rejected above or in this pass; handled by the cascade below
        pentry = code.entries[unique[p].values[li]]
        if spec.tree_chain:
            if entry.rank is not None and pentry.rank != entry.rank - 1:
                up = [e.label for e in code.entries.values() if e.rank == (entry.rank or 0) - 1]
                _drop(
                    load,
                    spec,
                    unique,
                    k,
                    pcol,
                    f"parent of the wrong level: {p!r} is a {pentry.label} (chain level "
                    f"{pentry.rank}); a {entry.label} (level {entry.rank}) must sit directly "
                    f"under a unit of level {(entry.rank or 0) - 1} ({'/'.join(up) or 'none'})",
                )
        elif pentry.label not in entry.parents:
            _drop(
                load,
                spec,
                unique,
                k,
                pcol,
                f"parent of the wrong level: {p!r} is a {pentry.label}; a {entry.label} must be "
                f"inside a {' or '.join(entry.parents) or '(nothing: it is a top level)'}",
            )
    # 4. cascade: a row whose ancestor was rejected goes too
    changed = True
    while changed:
        changed = False
        for k in list(unique):
            p = parent[k]
            if p and p not in unique:
                _drop(
                    load,
                    spec,
                    unique,
                    k,
                    pcol,
                    f"parent {p!r} was rejected ({rejected.get(p, '?')})",
                )
                changed = True


def _cover_checks(load: RosterLoad, spec: TableSpec, unique: dict[str, Row]) -> None:
    assert spec.may_cover
    rank_col, cov_col = spec.may_cover
    ri, ci = spec.index[rank_col], spec.index[cov_col]
    ranks = spec.code_of(rank_col)
    tables = spec.column(cov_col).refs
    system_col = next((c.name for c in spec.columns if c.code == "system"), None)
    for key, row in list(unique.items()):
        vals = row.values
        entry = ranks.entries[vals[ri]]
        target = vals[ci]
        level = load.covered_level(tables, target)
        if system_col:
            sentry = spec.code_of(system_col).entries[vals[spec.index[system_col]]]
            if sentry.tiers and entry.label not in sentry.tiers:
                _drop(
                    load,
                    spec,
                    unique,
                    key,
                    rank_col,
                    f"{sentry.label} has no tier for {entry.label} (its tiers: "
                    f"{'、'.join(sentry.tiers)})",
                )
                continue
        allowed = may_cover(entry.concept) if entry.concept is not None else frozenset()
        if not allowed:
            continue
        if level is None:
            _drop(
                load,
                spec,
                unique,
                key,
                cov_col,
                f"{target!r} is not at a level that 包保 covers (市, 县, 街道（乡镇）, "
                "社区（村）, 网格（小区）)",
            )
        elif level.value not in allowed:
            names = "、".join(sorted(a.rsplit("/", 1)[-1] for a in allowed))
            _drop(
                load,
                spec,
                unique,
                key,
                rank_col,
                f"cadre rank does not match the covered level: a {entry.label} may cover "
                f"{names}, not {level.value.rsplit('/', 1)[-1]} ({cov_col} {target!r})",
            )


def _secondary_checks(load: RosterLoad, spec: TableSpec, unique: dict[str, Row]) -> None:
    for res in spec.resources[1:]:
        if res.code_iri:
            continue
        if res.unless_in:
            col = res.template[1]
            i = spec.index[col]
            other = load.rejected.get(res.unless_in, {})
            for key, row in list(unique.items()):
                where = other.get(row.values[i])
                if where:
                    _drop(
                        load,
                        spec,
                        unique,
                        key,
                        col,
                        f"{res.unless_in} {row.values[i]!r} was rejected ({where})",
                    )
        key_idx = [spec.index[c] for c in res.template[1:]]
        data_cols = sorted(
            {v.column for _, v in res.props if v.kind == "column" and v.column}
            - set(res.template[1:])
        )
        data_idx = [spec.index[c] for c in data_cols]
        if not data_idx:
            continue
        seen: dict[tuple[str, ...], tuple[tuple[str, ...], Row]] = {}
        for key, row in list(unique.items()):
            vals = row.values
            rkey = tuple(vals[i] for i in key_idx)
            if not all(rkey):
                continue
            data = tuple(vals[i] for i in data_idx)
            first = seen.get(rkey)
            if first is None:
                seen[rkey] = (data, row)
            elif first[0] != data:
                diff = [
                    f"{c} {a!r} vs {b!r}"
                    for c, a, b in zip(data_cols, first[0], data, strict=True)
                    if a != b
                ]
                _drop(
                    load,
                    spec,
                    unique,
                    key,
                    diff[0].split(" ", 1)[0],
                    f"{res.template[0]} {'/'.join(rkey)!r} described differently "
                    f"({'; '.join(diff)}); first given at {load.where(first[1])}",
                )


_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def normalize_date(text: str) -> str | None:
    """An ISO date for 2020/1/5, 2020.01.05 or 2020年1月5日; None when it is not a date."""
    m = _LOOSE_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None
