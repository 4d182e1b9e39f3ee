"""Reading the store: SELECT helpers, labels in both languages, the records several
views share (document titles, quotes, statistics) and the big reads of the roster pages
(units of the organisation chain, alliances and their memberships).

Oxigraph joins a triple pattern to the solutions found before it by looking each one up
but evaluates a sub-select on its own and hash-joins it: the queries here put patterns
over many resources in sub-selects."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox

from govkg.graph.sparql import prefix_header
from govkg.graph.views.config import STREET_DEPTH, config
from govkg.graph.views.model import Info
from govkg.ontology import GK, RDFS, SKOS

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[Term | None, ...]


def select(store: ox.Store, query: str, **bindings: Term) -> list[Row]:
    """Run a SELECT over the union of all graphs; values go in as bindings (of selected
    variables). A row holds the selected values in the order the query selects them.

    Oxigraph joins a triple pattern to the solutions found before it by looking each one up
    (tens of microseconds a look-up in a province-scale store) but evaluates a sub-select on
    its own and hash-joins it: patterns over many resources are sub-selects. Reading a term
    out of the store costs a look-up too, so queries count and pick in the store and select
    what the pages show."""
    result = store.query(
        prefix_header() + query,
        use_default_graph_as_union=True,
        substitutions={ox.Variable(k): v for k, v in bindings.items()},
    )
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(solution) for solution in result]


def lexical(term: Term | None) -> str:
    """The lexical value of a term ('' for an unbound variable)."""
    if term is None:
        return ""
    return term.value if not isinstance(term, ox.BlankNode) else str(term)


def integer(term: Term | None, default: int = 10**6) -> int:
    try:
        return int(lexical(term))
    except ValueError:
        return default


def sparql_iri(key: str) -> str | None:
    """A resource (as ``lexical`` writes it) as an IRI in SPARQL text, ``<...>``; None for what
    cannot be written so: a blank node or a string that is no IRI. An IRI Oxigraph accepts
    holds none of the characters that could end ``<...>``."""
    try:
        return str(ox.NamedNode(key))
    except ValueError:
        return None


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts 第2网格 before 第10网格."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


@cache
def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/"))[-1]


LabelRow = tuple[str, Term | None, Term | None]  # resource, skos:prefLabel, rdfs:label


class Labels:
    """Chinese and English labels of resources: those of the many resources the roster
    pages draw are read in one pass over the labels of the store (``fetch``, then
    ``take``); any other resource is looked up the first time it is asked for (``load``
    for several at once)."""

    _PATTERN = "{ ?s skos:prefLabel ?pref } UNION { ?s rdfs:label ?label }"

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._zh: dict[str, str] = {}
        self._en: dict[str, str] = {}
        self._read: set[str] = set()

    def fetch(self, where: str) -> list[LabelRow]:
        """The labels of every resource that the SPARQL pattern ``where`` binds to ``?s``,
        hash-joined: one pass over the labels of the store. Only reads the store (``take``
        keeps them), so it may run beside the drawing of other pages. A resource with no
        label is looked up should it be asked for."""
        found = select(
            self._store,
            f"""SELECT ?s ?pref ?label WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {where} }} }}
                  {{ SELECT ?s ?pref ?label WHERE {{ {self._PATTERN} }} }} }}""",
        )
        return [(lexical(s), pref, label) for s, pref, label in found]

    def take(self, rows: Iterable[LabelRow]) -> None:
        """Keep labels read by a query: every (resource, prefLabel, label) row of each
        resource (the labels unbound where it has none), all in one call."""
        # Where a resource has two labels in one language, the least one wins, so the choice
        # is the same on every build (a running minimum: no sort over every label).
        zh_pref: dict[str, str] = {}
        zh: dict[str, str] = {}
        plain: dict[str, tuple[str, str]] = {}
        en: dict[str, tuple[str, str]] = {}
        for s, pref, label in rows:
            self._read.add(s)
            for p, lit in ((SKOS + "prefLabel", pref), (RDFS + "label", label)):
                if not isinstance(lit, ox.Literal):
                    continue
                lang, value = (lit.language or ""), lit.value
                if lang.startswith("zh"):
                    target = zh_pref if p == SKOS + "prefLabel" else zh
                    if s not in target or value < target[s]:
                        target[s] = value
                elif lang.startswith("en") or not lang:
                    other = en if lang else plain
                    key = (p, value)
                    if s not in other or key < other[s]:
                        other[s] = key
        self._zh.update({k: v for k, (_p, v) in plain.items()})
        self._zh.update(zh)
        self._zh.update(zh_pref)
        self._en.update({k: v for k, (_p, v) in en.items()})

    def load(self, keys: Iterable[str]) -> None:
        """Look the labels of these resources up (IRIs, or blank nodes as ``lexical`` writes
        them), unless they are read already."""
        rows: list[LabelRow] = []
        todo = sorted(set(keys) - self._read)
        refs = [ref for key in todo if (ref := sparql_iri(key))]
        if refs:
            found = select(
                self._store,
                f"""SELECT ?s ?pref ?label WHERE {{ VALUES ?s {{ {" ".join(refs)} }}
                      OPTIONAL {{ {self._PATTERN} }} }}""",
            )
            rows.extend((lexical(s), pref, label) for s, pref, label in found)
        for key in todo:
            if key.startswith("_:"):  # a blank node: looked up by itself
                found = select(
                    self._store,
                    f"SELECT ?s ?pref ?label WHERE {{ OPTIONAL {{ {self._PATTERN} }} }}",
                    s=ox.BlankNode(key[2:]),
                )
                rows.extend((key, pref, label) for _s_, pref, label in found)
        self.take(rows)
        self._read.update(todo)  # a string that is no resource has no label

    def zh(self, iri: str) -> str:
        if iri not in self._read:
            self.load([iri])
        return self._zh.get(iri) or self._en.get(iri) or local_name(iri)

    def en(self, iri: str) -> str | None:
        if iri not in self._read:
            self.load([iri])
        return self._en.get(iri)


@dataclass
class Obs:
    iri: str
    measure: str
    value: str
    unit: str
    qualifier: str
    area: str
    doc: str
    quote: str
    start: int
    value_max: str = ""
    count_scope: str = ""  # gk:countScope: "total" (all there are) or "subset"
    period: str = ""  # gk:refPeriod: the year a table gives the figure
    conflicts: set[str] = field(default_factory=set)
    conflict_rule: dict[str, str] = field(default_factory=dict)  # other → sub-property


@dataclass
class Graph:
    """What several views share: labels, document titles, quotes and statistics."""

    store: ox.Store
    labels: Labels
    doc_titles: dict[str, str]
    doc_ids: dict[str, str]
    quotes: dict[str, list[tuple[str, str, int]]]  # resource -> (doc, quote, start)
    obs: dict[str, Obs]

    def group_names(self, group: str) -> tuple[str, str]:
        style = config()["groups"][group]
        if "zh" in style:
            return style["zh"], style["en"]
        iri = GK + group
        return self.labels.zh(iri), self.labels.en(iri) or group

    def sources(self, iri: str) -> Info:
        """Rows naming each document a resource was read from, with the quoted span."""
        out: Info = []
        for doc, quote, _start in self.quotes.get(iri, []):
            out.append(("来源", "source", self.doc_label(doc), False))
            out.append(("原文", "quote", quote, True))
        return out

    def doc_label(self, doc: str) -> str:
        title = self.doc_titles.get(doc, "")
        ident = self.doc_ids.get(doc, local_name(doc))
        return f"《{title}》({ident})" if title else ident


def read_graph(store: ox.Store) -> Graph:
    labels = Labels(store)
    titles: dict[str, str] = {}
    ids: dict[str, str] = {}
    for d_term, ident, title in select(
        store,
        """SELECT DISTINCT ?d ?id ?t WHERE { ?d a gk:SourceDocument .
           OPTIONAL { ?d gk:docId ?id } OPTIONAL { ?d dcterms:title ?t } }""",
    ):
        d = lexical(d_term)
        if title is not None:
            titles[d] = min(titles.get(d, lexical(title)), lexical(title))
        if ident is not None:
            ids[d] = lexical(ident)
    quotes: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    # from the few quoted spans to what was read from them (not from everything derived)
    for x, doc_term, quote, start in select(
        store,
        """SELECT DISTINCT ?x ?d ?q ?start WHERE { ?sp gk:quote ?q ; gk:inDocument ?d .
           ?x prov:wasDerivedFrom ?sp . OPTIONAL { ?sp gk:start ?start } }""",
    ):
        quotes[lexical(x)].append((lexical(doc_term), lexical(quote), integer(start, 0)))
    for key in quotes:
        quotes[key].sort(key=lambda t: (t[0], t[2], t[1]))
    obs: dict[str, Obs] = {}
    keys: dict[str, tuple[str, ...]] = {}
    for o_term, *values in select(
        store,
        """SELECT DISTINCT ?o ?m ?v ?doc ?area ?unit ?qual ?q ?start ?vmax ?scope ?period WHERE {
             ?o a gk:StatisticObservation ; gk:measure ?m ; gk:value ?v .
             OPTIONAL { ?o gk:valueMax ?vmax } OPTIONAL { ?o gk:unit ?unit }
             OPTIONAL { ?o gk:countScope ?scope } OPTIONAL { ?o gk:refPeriod ?period }
             OPTIONAL { ?o gk:qualifier ?qual } OPTIONAL { ?o gk:area ?area }
             OPTIONAL { ?o gk:reportedIn ?doc }
             OPTIONAL { ?o prov:wasDerivedFrom ?sp . ?sp gk:quote ?q . OPTIONAL { ?sp gk:start ?start } }
           }""",
    ):
        o = lexical(o_term)
        fields = tuple(lexical(v) for v in values)
        if o in obs and fields >= keys[o]:
            continue  # the model allows one of each; should a source give two, keep the least
        keys[o] = fields
        m, v, doc, area, unit, qual, q, _start, vmax, scope, period = fields
        obs[o] = Obs(o, m, v, unit, qual, area, doc, q, integer(values[7], 0), vmax, scope, period)
    labels.load(itertools.chain(*((o.measure, o.area) for o in obs.values())))
    # the sub-property of gk:conflictsWith says by which rule the two were linked
    for a_term, b_term, rule in select(
        store,
        """SELECT DISTINCT ?a ?b ?p WHERE { ?a gk:conflictsWith ?b .
           OPTIONAL { ?a ?p ?b . ?p rdfs:subPropertyOf gk:conflictsWith } }""",
    ):
        a, b = lexical(a_term), lexical(b_term)
        if a in obs and b in obs and a != b:
            obs[a].conflicts.add(b)
            obs[b].conflicts.add(a)
            if rule is not None:
                obs[a].conflict_rule[b] = obs[b].conflict_rule[a] = lexical(rule)
    return Graph(store, labels, titles, ids, dict(quotes), obs)


@dataclass
class Units:
    """Roster units: instances of the classes that sit on a level of the chain."""

    rows: dict[str, dict[str, Any]]  # unit -> cls and rank (its least pair), parent (least)
    below: dict[str, dict[str, int]]  # unit -> class -> units counted under it, not read
    per_class: dict[str, int]  # class -> units
    class_rank: dict[str, int]


def _counted_class(g: Graph, cls: str, two_parents: bool) -> int | None:
    """How many units a class has, where each of them can be counted under its parent in
    the store instead of being read: none has a second class of the chain, a resource
    below it or (where some unit has two parent statements) a second parent. None where
    one does (or the class is no IRI)."""
    ref = sparql_iri(cls)
    if ref is None:
        return None
    odd = [
        f"{{ SELECT ?u WHERE {{ ?c gk:chainLevel ?l . ?u a ?c FILTER(?c != {ref}) }} }}",
        "{ SELECT DISTINCT ?u WHERE { ?x org:subOrganizationOf ?u } }",
    ]
    if two_parents:
        odd.append(
            "{ SELECT ?u WHERE { ?u org:subOrganizationOf ?p } GROUP BY ?u HAVING (COUNT(*) > 1) }"
        )
    if select(
        g.store,
        f"SELECT ?u WHERE {{ {{ SELECT ?u WHERE {{ ?u a {ref} }} }} {{ {' UNION '.join(odd)} }} }} LIMIT 1",
    ):
        return None
    ((n,),) = select(g.store, f"SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {{ ?u a {ref} }}")
    return integer(n, 0)


def unit_rows(g: Graph) -> Units:
    """Roster units. Those of a level below what any page draws (party-member households,
    most of a province's roster) are counted per parent in the store instead of being read
    one by one, where that gives the same counts (see ``_counted_class``)."""
    rank_terms: dict[str, list[Term | None]] = defaultdict(list)
    for cls_term, rank_term in select(
        g.store,
        "SELECT DISTINCT ?cls ?rank WHERE { ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank }",
    ):
        rank_terms[lexical(cls_term)].append(rank_term)
    class_rank = {c: min(integer(r) for r in rs) for c, rs in rank_terms.items()}
    ((statements, subjects),) = select(
        g.store,
        "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?u) AS ?units) WHERE { ?u org:subOrganizationOf ?p }",
    )
    two_parents = integer(statements, 0) != integer(
        subjects, 0
    )  # a unit with two parent statements
    per_class: dict[str, int] = defaultdict(int)
    counted: list[str] = []
    for c in sorted(rank_terms):
        # one level, deeper than street pages go: its units are never drawn
        count = (
            _counted_class(g, c, two_parents)
            if len(rank_terms[c]) == 1 and class_rank[c] > STREET_DEPTH
            else None
        )
        if count:
            counted.append(c)
            per_class[c] += count
    refs = [f"{sparql_iri(c)}" for c in counted]
    below_cols = "".join(f" ?n{i}" for i in range(len(counted)))
    below_joins = "".join(
        f"""OPTIONAL {{ SELECT ?u (COUNT(*) AS ?n{i}) WHERE {{
              {{ SELECT DISTINCT ?leaf WHERE {{ ?leaf a {ref} }} }}
              {{ SELECT ?leaf ?u WHERE {{ ?leaf org:subOrganizationOf ?u }} }} }} GROUP BY ?u }}
        """
        for i, ref in enumerate(refs)
    )
    not_counted = f"FILTER(?cls NOT IN ({', '.join(refs)}))" if refs else ""
    rows: dict[str, dict[str, Any]] = {}
    below: dict[str, dict[str, int]] = {}
    for u_term, cls_term, rank_term, parent, *ns in select(
        g.store,
        f"""SELECT ?u ?cls ?rank ?parent{below_cols} WHERE {{
              {{ SELECT DISTINCT ?u ?cls ?rank WHERE {{
                   ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank . {not_counted} ?u a ?cls }} }}
              OPTIONAL {{ SELECT ?u ?parent WHERE {{ ?u org:subOrganizationOf ?parent }} }}
              {below_joins}}}""",
    ):
        u, cls, rank = lexical(u_term), lexical(cls_term), integer(rank_term)
        cur = rows.setdefault(u, {"cls": cls, "rank": rank, "parents": set()})
        if (rank, cls) < (cur["rank"], cur["cls"]):
            cur["rank"], cur["cls"] = rank, cls
        if parent is not None:
            cur["parents"].add(lexical(parent))
        for c, n in zip(counted, ns, strict=True):
            if n is not None:
                below.setdefault(u, {})[c] = integer(n, 0)
    for d in rows.values():
        d["parent"] = min(d["parents"]) if d["parents"] else None
        per_class[d["cls"]] += 1
    return Units(rows, below, dict(per_class), class_rank)


def rank_value(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 10**6


@dataclass
class Alliances:
    kinds: list[str]  # alliance kinds from the reports
    roster: list[str]  # alliances from rosters
    memberships: list[dict[str, str]]  # ms: the membership, "" where no other tells apart
    levels: dict[str, tuple[int, str]]  # alliance -> (level rank, level)
    types: dict[str, set[str]]  # member -> its classes that name a group of nodes


# every alliance, hash-joined
_ALLIANCE = "{ SELECT ?a WHERE { ?a a gk:Alliance } }"
# its members
_ALLIANCE_MEMBER = f"""{_ALLIANCE} {{ SELECT ?ms ?a WHERE {{ ?ms org:organization ?a }} }}
    {{ SELECT ?ms ?m WHERE {{ ?ms org:member ?m }} }}"""


# what roster pages draw, as a pattern that binds ?s to each: the units of the levels
# street pages show, the alliances and their members
ROSTER_DRAWN = f"""{{ ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank FILTER(?rank <= {STREET_DEPTH})
    ?s a ?cls }} UNION {{ ?s a gk:Alliance }} UNION {{ SELECT (?m AS ?s) WHERE {{ {_ALLIANCE_MEMBER} }} }}"""


def alliance_rows(g: Graph) -> Alliances:
    """Alliances split into kinds (from reports) and roster alliances (read from a roster
    row), with their memberships, levels and the classes of their members; each list in
    the order of the store (the alliance pages sort them)."""
    alliances: set[str] = set()
    roster: set[str] = set()
    levels: dict[str, tuple[int, str]] = {}
    for a_term, from_roster, lvl, rank in select(
        g.store,
        f"""SELECT ?a ?roster ?l ?rank WHERE {{ {{ SELECT DISTINCT ?a WHERE {{ ?a a gk:Alliance }} }}
             OPTIONAL {{ SELECT DISTINCT ?a (true AS ?roster) WHERE {{
               {{ SELECT ?a ?r WHERE {{ ?a a gk:Alliance ; prov:wasDerivedFrom ?r }} }}
               FILTER EXISTS {{ ?r a gk:RosterRow }} }} }}
             OPTIONAL {{ SELECT ?a ?l ?rank WHERE {{ {_ALLIANCE}
               {{ SELECT ?a ?l WHERE {{ ?a gk:administrativeLevel ?l }} }}
               OPTIONAL {{ SELECT ?l ?rank WHERE {{ ?l gk:rank ?rank }} }} }} }} }}""",
    ):
        a = lexical(a_term)
        alliances.add(a)
        if from_roster is not None:
            roster.add(a)
        if lvl is not None:
            cur = (integer(rank), lexical(lvl))
            if a not in levels or cur < levels[a]:
                levels[a] = cur
    members: dict[tuple[str, ...], dict[str, str]] = {}
    names = ("ms", "a", "m", "rank", "role", "kind")
    # A membership's IRI is read only where it tells two apart (a unit joins an alliance
    # twice) or its sources are shown (it is quoted); elsewhere "", reading each IRI of a
    # province's memberships costs as much as the rest of the query.
    for terms in select(
        g.store,
        f"""SELECT ?named ?a ?m ?rank ?role ?kind WHERE {{ {_ALLIANCE_MEMBER}
             OPTIONAL {{ SELECT ?ms ?rank WHERE {{ ?ms gk:rank ?rank }} }}
             OPTIONAL {{ SELECT ?ms ?role WHERE {{ ?ms gk:role ?role }} }}
             OPTIONAL {{ SELECT ?ms ?kind WHERE {{ ?ms gk:memberKind ?kind }} }}
             OPTIONAL {{ SELECT ?a ?m (COUNT(DISTINCT ?ms) AS ?n) WHERE {{
               {{ SELECT ?ms ?a WHERE {{ ?ms org:organization ?a }} }}
               {{ SELECT ?ms ?m WHERE {{ ?ms org:member ?m }} }} }} GROUP BY ?a ?m }}
             OPTIONAL {{ SELECT ?ms (true AS ?quoted) WHERE {{ SELECT DISTINCT ?ms WHERE {{
               ?sp gk:quote ?q ; gk:inDocument ?d . ?ms prov:wasDerivedFrom ?sp }} }} }}
             BIND(IF(BOUND(?quoted) || ?n > 1, ?ms, "") AS ?named) }}""",
    ):
        values = tuple(lexical(t) for t in terms)
        key = values[:3]
        if key not in members or values < tuple(members[key].values()):
            members[key] = dict(zip(names, values, strict=True))
    ms = sorted(members.values(), key=lambda m: (m["a"], rank_value(m["rank"]), m["m"], m["ms"]))
    # only the classes the alliance pages look for (their member groups): those named after a group
    classes = " ".join(ref for name in config()["groups"] if (ref := sparql_iri(GK + name)))
    types: dict[str, set[str]] = defaultdict(set)
    for m, t in select(
        g.store,
        f"""SELECT DISTINCT ?m ?t WHERE {{ {{ SELECT DISTINCT ?m WHERE {{ {_ALLIANCE_MEMBER} }} }}
             {{ SELECT ?m ?t WHERE {{ VALUES ?t {{ {classes} }} ?m a ?t }} }} }}""",
    ):
        types[lexical(m)].add(lexical(t))
    return Alliances(list(alliances - roster), list(roster), ms, levels, dict(types))
