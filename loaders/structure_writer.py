"""Turns the structure records of :mod:`govkg.loaders.structures` into triples: hierarchies
and their levels, 包保 systems and their tiers, working groups and their committee,
alliances and memberships, mechanisms and their steps. Identical structures of one document
(same kind, same items) are one resource, with a span for each place that states them."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from govkg.loaders.base import DERIVED, PREF_LABEL, A, GraphWriter
from govkg.loaders.lexicon import Lexicon, lexicon, unify
from govkg.loaders.places import AreaFinder
from govkg.loaders.structures import (
    Alliance,
    Chain,
    Mechanism,
    Structure,
    System,
    WorkingGroups,
    cues,
    group_topic,
)
from govkg.loaders.zh import CN_NUMERAL
from govkg.ontology import ORG, SKOS
from govkg.ontology.ids import gk, iri

ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
BROADER = ox.NamedNode(SKOS + "broader")
EXACT_MATCH = ox.NamedNode(SKOS + "exactMatch")

#: (graph, text, start, end) → the gk:TextSpan of normalised [start, end)
SpanFn = Callable[[GraphWriter, Any, int, int], ox.NamedNode]
#: (graph, text, areas, area, span) → describes a place below the county
AreaFn = Callable[[GraphWriter, Any, AreaFinder, Any, ox.NamedNode | None], None]


def items_key(items: list[str]) -> str:
    """A short stable key for an ordered list of items (part of structure IRIs)."""
    return hashlib.sha1("\u0001".join(unify(i) for i in items).encode()).hexdigest()[:8]


def not_a_name(name: str) -> bool:
    """True for a count or a bare head word read where a name stands (三个方面, 五种模式,
    三级, 原则, 新格局): the words of structures.yaml's generic_name_words, after a numeral
    and its classifier, with at most one character before them."""
    c = cues()
    rest = re.sub(rf"^[{CN_NUMERAL}\d多]+[{''.join(c['name_classifiers'])}]?", "", name)
    words = tuple(c["generic_name_words"])
    if rest == "" or rest in words:
        return True
    # 新格局 is no name; 三会制度 is (a count of the word before the head), 三级体系 is not
    counted = rest != name and rest[:1] not in words
    return len(rest) <= len(max(words, key=len)) + 1 and rest[1:] in words and not counted


def short_name(name: str, limit: int = 40) -> str:
    """The name without quotes and blanks, at most ``limit`` characters: a longer one (made
    from its items) is cut after a whole item and marked with …, never inside a word."""
    name = re.sub(r"[“”「」‘’\s]", "", name)
    if len(name) > limit:
        cut = name.rfind("、", 0, limit)
        name = (name[:cut] if cut > 0 else name[: limit - 1]) + "…"
    return name or "未命名"


class StructureWriter:
    """Writes records into a document's graph. One writer serves a whole build: a name that
    two documents give to different items gets the items' key in its IRI, so that the levels
    of two hierarchies never share ranks."""

    def __init__(self, span: SpanFn, write_area: AreaFn, lex: Lexicon | None = None) -> None:
        self.span = span
        self.write_area = write_area
        self.lex = lex or lexicon()
        self._names: dict[tuple[str, str], str] = {}

    def write(
        self, g: GraphWriter, t: Any, records: list[Structure], areas: AreaFinder
    ) -> dict[str, int]:
        """Write the records of one document; counts by class."""
        counts: dict[str, int] = {}
        seen: dict[tuple[str, ...], ox.NamedNode] = {}

        def count(cls: str, n: int = 1) -> None:
            counts[cls] = counts.get(cls, 0) + n

        for r in records:
            if r.named and not_a_name(r.name):
                # 三个方面, 原则: a count or a bare head word names nothing; the items do
                r = dataclasses.replace(r, name="、".join(i.text for i in r.items), named=False)
            key = r.key()
            if key in seen:  # the same structure stated again: one resource, one more span
                g.add(seen[key], DERIVED, self.span(g, t, r.start, r.end))
                continue
            if isinstance(r, System):
                seen[key] = self.system(g, t, r, areas)
                count("ResponsibilitySystem")
            elif isinstance(r, Chain):
                seen[key] = self.hierarchy(g, t, r)
                count("Hierarchy")
            elif isinstance(r, WorkingGroups):
                seen[key] = self.working_groups(g, t, r, areas)
                count("WorkingGroup", len(r.items))
            elif isinstance(r, Alliance):
                seen[key] = self.alliance(g, t, r)
                count("Membership", len(r.items))
            elif isinstance(r, Mechanism):
                seen[key] = self.mechanism(g, t, r)
                count("Mechanism")
        return counts

    def _iri_name(self, kind: str, name: str, items: list[str]) -> list[str]:
        """The key parts of a structure's IRI: its name, with its items' key when the name
        was given to other items before."""
        k = items_key(items)
        first = self._names.setdefault((kind, name), k)
        return [name] if first == k else [name, k]

    def _canonical_level(self, text: str) -> str:
        chain = self.lex.chain_levels.get(text) or self.lex.chain_levels.get(unify(text))
        return self.lex.pref.get(chain, text) if chain else text

    def _mark(self, g: GraphWriter, node: ox.NamedNode, r: Structure) -> None:
        if not r.named:
            g.lit(node, gk("unnamed"), True)

    def hierarchy(self, g: GraphWriter, t: Any, r: Chain) -> ox.NamedNode:
        name = short_name(r.name)
        # levels as the canonical chain names them (楼(院)党小组 is 楼栋党小组): two documents
        # stating one chain in their own words state one hierarchy
        items = [self._canonical_level(i.text) for i in r.items]
        parts = self._iri_name("hierarchy", name, items)
        h = iri("hierarchy", *parts)
        g.add(h, A, gk("Hierarchy"))
        g.add(h, A, ox.NamedNode(SKOS + "ConceptScheme"))
        g.label(h, name, pref=True)
        g.add(h, DERIVED, self.span(g, t, r.start, r.end))
        self._mark(g, h, r)
        previous = None
        for rank, item in enumerate(r.items, 1):
            level = iri("hierarchy", *parts, rank)
            g.add(level, A, gk("HierarchyLevel"))
            g.add(level, A, ox.NamedNode(SKOS + "Concept"))
            g.add(level, IN_SCHEME, h)
            g.lit(level, gk("rank"), rank)
            chain = self.lex.chain_levels.get(item.text) or self.lex.chain_levels.get(
                unify(item.text)
            )
            written = t.written(item.start, item.end)
            pref = self.lex.pref.get(chain, written) if chain else written
            g.add(level, PREF_LABEL, ox.Literal(pref, language="zh"))
            g.label(level, pref)
            for alt in {item.text, written} - {pref}:
                g.add(level, ALT_LABEL, ox.Literal(alt, language="zh"))
            if chain:
                g.add(level, EXACT_MATCH, ox.NamedNode(chain))
            if previous is not None:
                g.add(level, BROADER, previous)
            g.add(level, DERIVED, self.span(g, t, item.start, item.end))
            previous = level
        return h

    def system(self, g: GraphWriter, t: Any, r: System, areas: AreaFinder) -> ox.NamedNode:
        name = short_name(r.name)
        parts = self._iri_name("system", name, [i.text for i in r.items])
        system = iri("system", *parts)
        g.add(system, A, gk("ResponsibilitySystem"))
        g.label(system, name, pref=True)
        g.add(system, DERIVED, self.span(g, t, r.start, r.end))
        self._mark(g, system, r)
        area = areas.area_at(r.start, (r.start, r.end), None)
        if area is not None and not area.named_sub:
            g.add(system, gk("area"), ox.NamedNode(area.iri))
            self.write_area(g, t, areas, area.area, None)
        for rank, (tier, item) in enumerate(zip(r.tiers, r.items, strict=True), 1):
            node = iri("system", *parts, rank)
            g.add(node, A, gk("ResponsibilityAssignment"))
            g.add(node, gk("cadreRank"), ox.NamedNode(tier.cadre_iri))
            g.add(node, gk("coveredLevel"), ox.NamedNode(tier.level_iri))
            g.lit(node, gk("rank"), rank)
            g.add(node, gk("partOf"), system)
            g.add(system, gk("tier"), node)
            cadre = self.lex.pref.get(tier.cadre_iri, tier.cadre)
            g.label(node, f"{cadre}→{self.lex.pref.get(tier.level_iri, tier.covered)}")
            # the cadre opens the pair and the covered level ends it
            cadre_span = (item.start, item.start + len(tier.cadre))
            covered_span = (item.end - len(tier.covered), item.end)
            for concept, label, scheme, (a, b) in (
                (tier.cadre_iri, tier.cadre, "cadre-rank", cadre_span),
                (tier.level_iri, tier.covered, "covered-level", covered_span),
            ):
                if concept not in self.lex.pref:  # a rank or level the vocabulary lacks
                    c = ox.NamedNode(concept)
                    g.add(c, A, ox.NamedNode(SKOS + "Concept"))
                    g.add(c, ox.NamedNode(SKOS + "inScheme"), iri("scheme", scheme))
                    g.label(c, unify(label), pref=True)
                    written = t.written(a, b)  # as the source writes it (蘇木鎮, 社区"两委"干部)
                    if written != unify(label):
                        g.add(c, ALT_LABEL, ox.Literal(written, language="zh"))
            if tier.broader is not None and tier.level_iri not in self.lex.pref:
                g.add(ox.NamedNode(tier.level_iri), BROADER, ox.NamedNode(tier.broader))
            g.add(node, DERIVED, self.span(g, t, item.start, item.end))
        return system

    def working_groups(
        self, g: GraphWriter, t: Any, r: WorkingGroups, areas: AreaFinder
    ) -> ox.NamedNode:
        lex = self.lex
        area = areas.province() if r.levels == ["省级"] else (areas.city() or areas.default)
        area_label = area.label if area is not None else "未知地区"
        committee = iri("committee", area_label)
        span = self.span(g, t, r.start, r.end)
        g.add(committee, A, gk("Committee"))
        g.label(committee, f"{area_label}城乡基层治理工作委员会", pref=True)
        if area is not None:
            g.add(committee, gk("area"), ox.NamedNode(area.iri))
            self.write_area(g, t, areas, area, None)
        g.add(committee, DERIVED, span)
        for rank, (item, th) in enumerate(zip(r.items, r.themes, strict=True), 1):
            # 网格治理组 (…4个工作专班): the group's word is in the label already
            theme_label = lex.pref.get(th, item.text) if th else group_topic(item.text)
            wg = iri("working-group", area_label, theme_label)
            g.add(wg, A, gk("WorkingGroup"))
            g.label(wg, f"{theme_label}专项工作组", pref=True)
            g.add(wg, ALT_LABEL, ox.Literal(item.text, language="zh"))
            if th:
                g.add(wg, gk("theme"), ox.NamedNode(th))
            for lv in r.levels:
                g.add(wg, gk("administrativeLevel"), iri("admin-level", lv))
            g.add(wg, gk("committee"), committee)
            g.lit(wg, gk("rank"), rank)
            if r.leader:
                g.lit(wg, gk("leader"), r.leader, "zh")
            if area is not None:
                g.add(wg, gk("area"), ox.NamedNode(area.iri))
            g.add(wg, DERIVED, self.span(g, t, item.start, item.end))
            g.add(wg, DERIVED, span)
        return committee

    def alliance(self, g: GraphWriter, t: Any, r: Alliance) -> ox.NamedNode:
        name = short_name(r.name)
        alliance = iri("alliance", name)
        g.add(alliance, A, gk("Alliance"))
        g.add(alliance, A, ox.NamedNode(ORG + "OrganizationalCollaboration"))
        g.label(alliance, name, pref=True)
        g.add(alliance, DERIVED, self.span(g, t, r.start, r.end))
        for lv in ("街道", "社区"):
            if name.startswith(lv):
                g.add(alliance, gk("administrativeLevel"), iri("admin-level", lv))
        for rank, item in enumerate(r.items, 1):
            text = item.text
            kind_iri = self.lex.unit_kinds.get(text) or self.lex.unit_kinds.get(unify(text))
            item_span = self.span(g, t, item.start, item.end)
            if kind_iri:
                member = ox.NamedNode(kind_iri)
            elif r.role or len(text) <= 6:
                # a kind of unit (公安, 物业公司): a concept of the unit-kind vocabulary
                member = iri("unit-kind", text)
                g.add(member, A, gk("UnitKind"))
                g.add(member, A, ox.NamedNode(SKOS + "Concept"))
                g.label(member, text, pref=True)
                g.add(member, DERIVED, item_span)
            else:
                # a named organisation (中共…支部委员会)
                member = iri("organisation", text)
                g.add(member, A, ox.NamedNode(ORG + "Organization"))
                g.label(member, text, pref=True)
                g.add(member, DERIVED, item_span)
            ms = iri("membership", name, text)
            g.add(ms, A, ox.NamedNode(ORG + "Membership"))
            g.add(ms, ox.NamedNode(ORG + "organization"), alliance)
            g.add(ms, ox.NamedNode(ORG + "member"), member)
            if kind_iri or "/unit-kind/" in member.value:
                g.add(ms, gk("memberKind"), member)
            g.lit(ms, gk("rank"), rank)
            g.label(ms, f"{text} ∈ {name}")
            if r.role:
                g.lit(ms, gk("role"), r.role, "zh")
            g.add(ms, DERIVED, item_span)
        return alliance

    def mechanism(self, g: GraphWriter, t: Any, r: Mechanism) -> ox.NamedNode:
        name = short_name(r.name)
        items = [i.text for i in r.items]
        key = items_key(items)
        mech = iri("mechanism", name, key)
        g.add(mech, A, gk("Mechanism"))
        g.add(mech, A, ox.NamedNode(SKOS + "Concept"))
        g.label(mech, name, pref=True)
        g.add(mech, DERIVED, self.span(g, t, r.start, r.end))
        self._mark(g, mech, r)
        for rank, item in enumerate(r.items, 1):
            step = iri("mechanism", name, key, rank)
            g.add(step, A, gk("Step"))
            g.lit(step, gk("rank"), rank)
            written = t.written(item.start, item.end)  # as the source writes it (黨建引領)
            g.label(step, written, pref=True)
            if written != item.text:
                g.add(step, ALT_LABEL, ox.Literal(item.text, language="zh"))
            g.add(mech, gk("hasStep"), step)
            kind = iri("step", item.text)
            g.add(step, gk("stepKind"), kind)
            g.add(kind, A, ox.NamedNode(SKOS + "Concept"))
            g.label(kind, item.text, pref=True)
            item_span = self.span(g, t, item.start, item.end)
            g.add(kind, DERIVED, item_span)
            g.add(step, DERIVED, item_span)
        return mech
