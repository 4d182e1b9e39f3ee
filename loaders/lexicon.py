"""The words the text loader knows, read from the ontology's own labels and schemes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyoxigraph as ox
import yaml

from govkg.loaders.gazetteer import gazetteer, text_names
from govkg.ontology import GK, GKD, RDF, RDFS, SKOS, ontology_triples

_TYPE = RDF + "type"
_LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")


def unify(text: str) -> str:
    """Fold full-width brackets to ASCII so that wording variants compare equal."""
    return text.translate(str.maketrans("（）［］", "()[]")).replace("“", "").replace("”", "")


@dataclass
class Lexicon:
    """Label → IRI tables for each kind of thing the loader recognises."""

    # place names matched in text (name → name: the gazetteer resolves them in context)
    areas: dict[str, str] = field(default_factory=dict)
    area_label: dict[str, str] = field(default_factory=dict)
    measures: dict[str, str] = field(default_factory=dict)
    measure_label: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    cue_before: dict[str, str] = field(default_factory=dict)
    cue_after: dict[str, str] = field(default_factory=dict)
    structure_words: set[str] = field(default_factory=set)
    cadre_ranks: dict[str, str] = field(default_factory=dict)
    covered_levels: dict[str, str] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    unit_kinds: dict[str, str] = field(default_factory=dict)
    admin_levels: dict[str, str] = field(default_factory=dict)
    chain_levels: dict[str, str] = field(default_factory=dict)
    pref: dict[str, str] = field(default_factory=dict)

    def user_words(self) -> list[str]:
        """Words for jieba's user dictionary: every label the loader must see whole."""
        words: set[str] = set()
        for table in (
            self.areas,
            self.measures,
            self.cadre_ranks,
            self.themes,
            self.unit_kinds,
            self.chain_levels,
        ):
            words.update(w for w in table if len(w) >= 2)
        return sorted(words)


@cache
def measure_cues() -> dict[str, Any]:
    """The report loader's reading rules for numbers and what they count (``measures.yaml``),
    read once."""
    text = resources.files("govkg.loaders").joinpath("measures.yaml").read_text("utf-8")
    cues: dict[str, Any] = yaml.safe_load(text)
    return cues


@cache
def lexicon() -> Lexicon:
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    scheme: dict[str, str] = {}
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in ontology_triples():
        s = t.subject.value if isinstance(t.subject, ox.NamedNode) else None
        if s is None:
            continue
        p = t.predicate.value
        o = t.object
        if p == _TYPE and isinstance(o, ox.NamedNode):
            types[s].add(o.value)
        elif p in _LABELS and isinstance(o, ox.Literal) and o.language == "zh":
            labels[s].append((p, o.value))
        elif p == SKOS + "inScheme" and isinstance(o, ox.NamedNode):
            scheme[s] = o.value
        else:
            props[s][p].append(o.value)

    lex = Lexicon()

    def table_for(s: str) -> dict[str, str] | None:
        if GK + "Measure" in types[s]:
            return lex.measures
        sch = scheme.get(s, "")
        return {
            GKD + "scheme/cadre-rank": lex.cadre_ranks,
            GKD + "scheme/covered-level": lex.covered_levels,
            GKD + "scheme/theme": lex.themes,
            GKD + "scheme/unit-kind": lex.unit_kinds,
            GKD + "scheme/admin-level": lex.admin_levels,
            GKD + "scheme/org-chain": lex.chain_levels,
            GKD + "scheme/unit": lex.units,
        }.get(sch)

    for s, labs in sorted(labels.items()):
        pref = next((v for p, v in labs if p == SKOS + "prefLabel"), None) or next(
            (v for p, v in labs if p == RDFS + "label"), None
        )
        if pref:
            lex.pref[s] = pref
        table = table_for(s)
        if table is not None:
            for _, v in sorted(labs):
                table.setdefault(v, s)
                table.setdefault(unify(v), s)
        if GK + "StructureWord" in types[s]:
            lex.structure_words.update(v for _, v in labs)
        if GK + "Qualifier" in types[s]:
            code = props[s].get(SKOS + "notation", [""])[0]
            for cue in props[s].get(GK + "cueBefore", []):
                lex.cue_before[cue] = code
            for cue in props[s].get(GK + "cueAfter", []):
                lex.cue_after[cue] = code
    gaz = gazetteer()
    lex.areas = {name: name for name in text_names()}
    lex.area_label = {d.iri: d.name for d in gaz.divisions.values()}
    lex.units = {k: v for k, v in lex.units.items()}
    unit_groups = {s: props[s].get(GK + "unitGroup", ["count"])[0] for s in lex.units.values()}
    lex.units = {label: unit_groups[s] for label, s in lex.units.items()}
    for s in lex.measures.values():
        lex.measure_label[s] = lex.pref.get(s, s)
    return lex
