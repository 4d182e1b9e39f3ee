"""The declarative roster mappings (``loaders/mappings/*.yaml``) read into typed specs: which
columns a table has, which code lists they draw on, and which resources and triples a row
becomes. :mod:`govkg.loaders.roster` applies them; nothing here knows a particular table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
import yaml

from govkg.ontology import GK, GKD, PREFIXES, SKOS, ontology_triples
from govkg.ontology.errors import InputError
from govkg.ontology.ids import iri

MAPPINGS_PACKAGE = "govkg.loaders"
MAPPINGS_DIR = "mappings"
#: Files of ``mappings/`` that are not table mappings.
NOT_TABLES = frozenset({"rollup.yaml"})

_IN_SCHEME = SKOS + "inScheme"
_LABELS = (SKOS + "prefLabel", SKOS + "altLabel")
_CHAIN_LEVEL = GK + "chainLevel"
_RANK = GK + "rank"
_MAY_COVER = GK + "mayCover"


class MappingError(InputError):
    """A mapping file is malformed; the message names the file and the entry."""


def expand(curie: str) -> ox.NamedNode:
    """A NamedNode for ``prefix:local``; ``gkd:`` paths go through :func:`iri` so that
    their IRIs match the ones loaders and the ontology files mint."""
    prefix, _, local = curie.partition(":")
    if prefix == "gkd":
        kind, *key = local.split("/")
        return iri(kind, *key) if key else ox.NamedNode(GKD + kind)
    if prefix not in PREFIXES:
        raise MappingError(f"unknown prefix in {curie!r}")
    return ox.NamedNode(PREFIXES[prefix] + local)


@dataclass(frozen=True)
class CodeEntry:
    """One value of a code list, with what the mapping says about it."""

    label: str
    concept: ox.NamedNode | None = None
    cls: ox.NamedNode | None = None
    parents: tuple[str, ...] = ()
    root: bool = False
    covered: str | None = None
    tiers: tuple[str, ...] = ()
    iri: ox.NamedNode | None = None
    rank: int | None = None


@dataclass
class CodeList:
    """A closed list of values: written forms (label or alias) → entry."""

    name: str
    entries: dict[str, CodeEntry]
    lookup: dict[str, str]

    def canonical(self, text: str) -> str | None:
        return self.lookup.get(text)

    def describe(self) -> str:
        return "、".join(self.entries)


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    lang: str | None = None
    code: str | None = None
    refs: tuple[str, ...] = ()
    type: str = "text"


@dataclass(frozen=True)
class ValueSpec:
    """Where the object of one triple comes from."""

    kind: str  # column | text | iri | value | covered_level | tier
    column: str | None = None
    template: tuple[str, ...] = ()
    value: str | None = None
    lang: str | None = None
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceSpec:
    """A resource a row describes: its IRI template, class and properties."""

    template: tuple[str, ...]  # (kind, column, column, …)
    code_iri: str | None  # or: the IRI of the code entry of this column
    cls: ox.NamedNode | None
    class_code: str | None  # or: the class of the code entry of this column
    props: tuple[tuple[ox.NamedNode, ValueSpec], ...]
    unless_in: str | None = None

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (self.code_iri,) if self.code_iri else self.template[1:]


@dataclass
class TableSpec:
    """A roster table kind as its mapping file declares it."""

    name: str
    title: str
    files: tuple[str, ...]
    columns: list[Column]
    codes: dict[str, CodeList]
    resources: list[ResourceSpec]
    tree_parent: str | None = None
    tree_level: str | None = None
    tree_chain: bool = False
    dates: tuple[str, str] | None = None
    may_cover: tuple[str, str] | None = None
    index: dict[str, int] = field(default_factory=dict)
    header_lookup: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {c.name: i for i, c in enumerate(self.columns)}
        for c in self.columns:
            for name in (c.name, *c.aliases):
                self.header_lookup[_header_key(name)] = c.name

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.resources[0].key_columns

    def column(self, name: str) -> Column:
        return self.columns[self.index[name]]

    def code_of(self, column: str) -> CodeList:
        code = self.column(column).code
        assert code is not None, column
        return self.codes[code]

    def refs(self) -> set[str]:
        return {t for c in self.columns for t in c.refs if t != self.name}


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def header_key(text: str) -> str:
    """How a column header is compared with the mapping's names and aliases."""
    return _header_key(text.lstrip("\ufeff"))


# ----------------------------------------------------------------------------- ontology facts


@cache
def _ontology_index() -> tuple[
    dict[str, dict[str, str]],
    dict[str, int],
    dict[str, str],
    dict[str, frozenset[str]],
    dict[str, str],
]:
    """Scheme labels, ranks, chain levels and mayCover pairs, read from the ontology."""
    in_scheme: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, list[tuple[int, str]]] = defaultdict(list)
    ranks: dict[str, int] = {}
    chain: dict[str, str] = {}
    may_cover: dict[str, set[str]] = defaultdict(set)
    for t in ontology_triples():
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == _IN_SCHEME:
            in_scheme[o.value].add(s.value)
        elif p in _LABELS and isinstance(o, ox.Literal) and o.language == "zh":
            labels[s.value].append((_LABELS.index(p), o.value))
        elif p == _RANK and isinstance(o, ox.Literal):
            ranks[s.value] = int(o.value)
        elif p == _CHAIN_LEVEL:
            chain[s.value] = o.value
        elif p == _MAY_COVER:
            may_cover[s.value].add(o.value)
    pref = {s: text for s, values in labels.items() for o_, text in values if o_ == 0}
    schemes: dict[str, dict[str, str]] = {}
    for scheme, members in in_scheme.items():
        table: dict[str, str] = {}
        # preferred labels win over alternative ones when two concepts share a wording
        for order in (0, 1):
            for m in sorted(members):
                for o_, text in labels.get(m, []):
                    if o_ == order:
                        table.setdefault(text, m)
        schemes[scheme] = table
    return (
        schemes,
        ranks,
        chain,
        {k: frozenset(v) for k, v in may_cover.items()},
        pref,
    )


def scheme_concepts(scheme: ox.NamedNode) -> dict[str, str]:
    """Written form (prefLabel or altLabel @zh) → concept IRI, for one concept scheme."""
    return _ontology_index()[0].get(scheme.value, {})


def chain_rank(cls: ox.NamedNode) -> int | None:
    """The rank (1 = top) of a chain class's level, from its ``gk:chainLevel``."""
    _, ranks, chain, _, _ = _ontology_index()
    level = chain.get(cls.value)
    return ranks.get(level) if level else None


def may_cover(rank: ox.NamedNode) -> frozenset[str]:
    """The covered levels a cadre rank may cover (``gk:mayCover``); empty when unknown."""
    return _ontology_index()[3].get(rank.value, frozenset())


# ----------------------------------------------------------------------------- parsing


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


def _code_list(name: str, raw: Any, where: str) -> CodeList:
    entries: dict[str, CodeEntry] = {}
    lookup: dict[str, str] = {}
    if isinstance(raw, Mapping) and "scheme" in raw:
        pref = _ontology_index()[4]
        for text, concept in scheme_concepts(expand(str(raw["scheme"]))).items():
            label = pref.get(concept, text)
            entries.setdefault(label, CodeEntry(label, concept=ox.NamedNode(concept)))
            lookup[text] = label
        for label in list(entries):
            lookup.setdefault(label, label)
        if not entries:
            raise MappingError(f"{where}: code list {name!r}: scheme {raw['scheme']} is empty")
        return CodeList(name, entries, lookup)
    if not isinstance(raw, Mapping):
        raise MappingError(f"{where}: code list {name!r} must be a mapping")
    for label, spec in raw.items():
        spec = spec or {}
        label = str(label)
        entry = CodeEntry(
            label=label,
            concept=expand(spec["concept"]) if "concept" in spec else None,
            cls=expand(spec["class"]) if "class" in spec else None,
            parents=_as_tuple(spec.get("parents")),
            root=bool(spec.get("root", False)),
            covered=str(spec["covered"]) if "covered" in spec else None,
            tiers=_as_tuple(spec.get("tiers")),
            iri=expand(spec["iri"]) if "iri" in spec else None,
        )
        if entry.cls is not None:
            entry = CodeEntry(**{**entry.__dict__, "rank": chain_rank(entry.cls)})
        entries[label] = entry
        lookup[label] = label
        for alias in _as_tuple(spec.get("aliases")):
            lookup[alias] = label
    return CodeList(name, entries, lookup)


def _value_spec(raw: Any, columns: dict[str, Column], where: str) -> ValueSpec:
    if isinstance(raw, str):
        if raw not in columns:
            raise MappingError(f"{where}: unknown column {raw!r}")
        return ValueSpec("column", column=raw, lang=columns[raw].lang)
    if isinstance(raw, Mapping):
        if "column" in raw:  # the column's text as a literal, even for a code or reference
            return ValueSpec("text", column=str(raw["column"]), lang=raw.get("lang"))
        if "iri" in raw:
            return ValueSpec("iri", template=_as_tuple(raw["iri"]))
        if "value" in raw:
            return ValueSpec("value", value=str(raw["value"]), lang=raw.get("lang"))
        if "covered_level" in raw:
            return ValueSpec("covered_level", column=str(raw["covered_level"]))
        if "tier" in raw:
            return ValueSpec("tier", column=str(raw["tier"]))
    raise MappingError(f"{where}: cannot read value {raw!r}")


def _resource(raw: Mapping[str, Any], columns: dict[str, Column], where: str) -> ResourceSpec:
    iri_raw = raw["iri"]
    code_iri = None
    template: tuple[str, ...] = ()
    if isinstance(iri_raw, Mapping):
        code_iri = str(iri_raw["code"])
    else:
        template = _as_tuple(iri_raw)
        for col in template[1:]:
            if col not in columns:
                raise MappingError(f"{where}: IRI template names unknown column {col!r}")
    cls_raw = raw.get("class")
    cls = None
    class_code = None
    if isinstance(cls_raw, Mapping):
        class_code = str(cls_raw["code"])
    elif cls_raw:
        cls = expand(str(cls_raw))
    props = tuple(
        (expand(str(p)), _value_spec(v, columns, f"{where} {p}"))
        for p, v in (raw.get("props") or {}).items()
    )
    return ResourceSpec(template, code_iri, cls, class_code, props, raw.get("unless_in"))


def parse_table(raw: Mapping[str, Any], where: str) -> TableSpec:
    """A :class:`TableSpec` from the parsed YAML of one mapping file."""
    columns: list[Column] = []
    for name, spec in (raw.get("columns") or {}).items():
        spec = spec or {}
        columns.append(
            Column(
                name=str(name),
                aliases=_as_tuple(spec.get("aliases")),
                required=bool(spec.get("required", False)),
                lang=spec.get("lang"),
                code=spec.get("code"),
                refs=_as_tuple(spec.get("ref")),
                type=str(spec.get("type", "text")),
            )
        )
    by_name = {c.name: c for c in columns}
    codes = {str(n): _code_list(str(n), c, where) for n, c in (raw.get("codes") or {}).items()}
    for c in columns:
        if c.code and c.code not in codes:
            raise MappingError(f"{where}: column {c.name!r} names unknown code list {c.code!r}")
    tree = raw.get("tree") or {}
    dates = _as_tuple(raw.get("dates"))
    cover = raw.get("may_cover")
    return TableSpec(
        name=str(raw["table"]),
        title=str(raw.get("title", raw["table"])),
        files=_as_tuple(raw.get("files")) or (str(raw["table"]),),
        columns=columns,
        codes=codes,
        resources=[
            _resource(r, by_name, f"{where} resource {i}")
            for i, r in enumerate(raw.get("resources") or [], 1)
        ],
        tree_parent=tree.get("parent"),
        tree_level=tree.get("level"),
        tree_chain=bool(tree.get("chain", False)),
        dates=(dates[0], dates[1]) if len(dates) == 2 else None,
        may_cover=(str(cover["rank"]), str(cover["covered"])) if cover else None,
    )


def _read_yaml(name: str) -> Any:
    text = resources.files(MAPPINGS_PACKAGE).joinpath(MAPPINGS_DIR, name).read_text("utf-8")
    return yaml.safe_load(text)


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every table mapping shipped in ``loaders/mappings/``, by table name."""
    root = resources.files(MAPPINGS_PACKAGE).joinpath(MAPPINGS_DIR)
    specs: dict[str, TableSpec] = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml") or entry.name in NOT_TABLES:
            continue
        spec = parse_table(_read_yaml(entry.name), f"mappings/{entry.name}")
        specs[spec.name] = spec
    for spec in specs.values():
        for c in spec.columns:
            for t in c.refs:
                if t not in specs:
                    raise MappingError(f"table {spec.name}: column {c.name} refers to {t!r}")
    return specs


@cache
def rollup_spec() -> dict[str, Any]:
    """The measures of ``mappings/rollup.yaml`` and how each is counted."""
    raw = _read_yaml("rollup.yaml") or {}
    return {"measures": dict(raw.get("measures") or {}), "area_of": dict(raw.get("area_of") or {})}


def table_order(specs: Mapping[str, TableSpec]) -> list[str]:
    """Tables in an order where every table comes after the tables it refers to."""
    done: list[str] = []
    pending = dict(sorted(specs.items()))
    while pending:
        ready = [n for n, s in pending.items() if s.refs() <= set(done)]
        if not ready:
            raise MappingError("the table mappings refer to each other in a cycle")
        for n in ready:
            done.append(n)
            del pending[n]
    return done
