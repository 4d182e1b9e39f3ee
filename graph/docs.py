"""Ontology documentation generated from the ontology's Turtle files into ``OUT/docs/``.

``index.html`` is written here: every class, property, concept scheme and SHACL rule with
its Chinese and English labels and definitions, the standard terms the model reuses, and a
class diagram. Beside it, ``ontology.html`` is pyLODE's OntPub page of the same ontology
when pyLODE can be imported, and ``ontology.ttl`` / ``shapes.ttl`` are the sources.
Everything is read from the ``.ttl`` files; nothing about the model is written here.

>>> page = render_index(ontology_graph(), shapes_graph())
>>> 'id="gk:StatisticObservation"' in page and "统计数据" in page
True
"""

from __future__ import annotations

import html
import importlib
import logging
import os
import re
import subprocess
import sys
import types
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import BNode, Literal, Node, URIRef

from govkg.ontology import GK, ONTOLOGY_IRI, PREFIXES, SHAPES_FILE

__all__ = [
    "class_diagram_svg",
    "ontology_graph",
    "pylode_html",
    "render_index",
    "shapes_graph",
    "write_docs",
]

DCTERMS = rdflib.Namespace(PREFIXES["dcterms"])
GKNS = rdflib.Namespace(GK)

#: Standard namespaces (prefix → IRI) used in CURIEs beside the project's own prefixes.
_EXTRA_PREFIXES = {
    "oa": "http://www.w3.org/ns/oa#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "schema": "https://schema.org/",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": str(SH),
    "gksh": "https://w3id.org/govkg/shapes#",
}

# ----------------------------------------------------------------------------------------
# reading the Turtle files


def _ontology_files() -> list[str]:
    root = resources.files("govkg.ontology")
    return sorted(
        p.name for p in root.iterdir() if p.name.endswith(".ttl") and p.name != SHAPES_FILE
    )


def _read(name: str) -> str:
    return resources.files("govkg.ontology").joinpath(name).read_text(encoding="utf-8")


def ontology_graph() -> rdflib.Graph:
    """The ontology files merged (core, concept schemes, lexicon), as one rdflib graph."""
    graph = rdflib.Graph()
    for name in _ontology_files():
        graph.parse(data=_read(name), format="turtle", publicID=ONTOLOGY_IRI)
    return graph


def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes file as an rdflib graph."""
    graph = rdflib.Graph()
    graph.parse(data=_read(SHAPES_FILE), format="turtle", publicID=ONTOLOGY_IRI)
    return graph


# ----------------------------------------------------------------------------------------
# names and labels


class Names:
    """CURIEs and labels for the terms of a graph."""

    def __init__(self, *graphs: rdflib.Graph) -> None:
        prefixes = {**_EXTRA_PREFIXES, **PREFIXES}
        for g in graphs:
            for prefix, ns in g.namespaces():
                if prefix and not prefix.startswith(("ns", "_")):
                    prefixes.setdefault(prefix, str(ns))
        # longest namespace first, so gkd:scheme/… never reads as a shorter prefix
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.graphs = graphs

    def curie(self, term: Node) -> str:
        value = str(term)
        for prefix, ns in self.prefixes:
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns) :]}"
        return f"<{value}>"

    def literals(self, subject: Node, *predicates: URIRef) -> list[Literal]:
        out: set[Literal] = set()
        for g in self.graphs:
            for p in predicates:
                out.update(o for o in g.objects(subject, p) if isinstance(o, Literal))
        return sorted(out, key=lambda lit: (lit.language or "", str(lit)))

    def text(self, subject: Node, predicate: URIRef, lang: str) -> str:
        """The value of ``predicate`` in ``lang``, else an untagged one, else ''."""
        lits = self.literals(subject, predicate)
        for lit in lits:
            if (lit.language or "").startswith(lang):
                return str(lit)
        for lit in lits:
            if not lit.language:
                return str(lit)
        return ""

    def label(self, subject: Node, lang: str) -> str:
        if lang == "zh":
            return self.text(subject, SKOS.prefLabel, "zh") or self.text(subject, RDFS.label, "zh")
        return self.text(subject, RDFS.label, lang) or self.text(subject, SKOS.prefLabel, lang)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


# ----------------------------------------------------------------------------------------
# the model as tables


@dataclass
class TermDoc:
    iri: URIRef
    curie: str
    kind: str  # class, object property, datatype property, annotation property
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    notes: list[str]
    supers: list[str]
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    traits: list[str] = field(default_factory=list)


_KINDS: list[tuple[URIRef, str]] = [
    (OWL.Class, "class"),
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
]

_TRAITS = {
    OWL.FunctionalProperty: "functional",
    OWL.SymmetricProperty: "symmetric",
    OWL.TransitiveProperty: "transitive",
    OWL.InverseFunctionalProperty: "inverse functional",
}


def _class_expr(graph: rdflib.Graph, names: Names, node: Node) -> str:
    """A class or an ``owl:unionOf`` list as text (``A ∪ B``)."""
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " ∪ ".join(names.curie(m) for m in Collection(graph, members))
    return names.curie(node)


def terms(graph: rdflib.Graph, names: Names) -> list[TermDoc]:
    """Every class and property declared in the govkg namespace, by kind and name."""
    out: list[TermDoc] = []
    for kind_iri, kind in _KINDS:
        for s in sorted({s for s in graph.subjects(RDF.type, kind_iri) if isinstance(s, URIRef)}):
            if not str(s).startswith(GK):
                continue
            up = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
            out.append(
                TermDoc(
                    iri=s,
                    curie=names.curie(s),
                    kind=kind,
                    zh=names.label(s, "zh"),
                    en=names.label(s, "en"),
                    definition_zh=names.text(s, SKOS.definition, "zh"),
                    definition_en=names.text(s, SKOS.definition, "en"),
                    notes=[str(n) for n in names.literals(s, SKOS.scopeNote, RDFS.comment)],
                    supers=sorted(_class_expr(graph, names, o) for o in graph.objects(s, up)),
                    domain=sorted(
                        _class_expr(graph, names, o) for o in graph.objects(s, RDFS.domain)
                    ),
                    range=sorted(
                        _class_expr(graph, names, o) for o in graph.objects(s, RDFS.range)
                    ),
                    traits=sorted(t for k, t in _TRAITS.items() if (s, RDF.type, k) in graph),
                )
            )
    return out


_STANDARD_MENTION = r"\b(org|prov|skos|qb|dcterms|rdfs|owl|oa|csvw|schema):([A-Za-z][\w-]*)"


def standard_terms(
    onto: rdflib.Graph, shapes: rdflib.Graph, names: Names
) -> dict[str, dict[str, set[str]]]:
    """Standard (non-govkg) terms the model builds on: CURIE → {how: {govkg terms}}.

    Found as super-classes and super-properties, domains and ranges, SHACL targets and
    paths, and CURIEs named in definitions.
    """
    used: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def note(term: Node, how: str, by: str) -> None:
        if isinstance(term, URIRef) and not str(term).startswith(("https://w3id.org/govkg",)):
            used[names.curie(term)][how].add(by)

    for s, p, o in onto:
        if not isinstance(s, URIRef) or not str(s).startswith(GK):
            continue
        by = names.curie(s)
        if p in (RDFS.subClassOf, RDFS.subPropertyOf):
            note(o, "specialised by", by)
        elif p in (RDFS.domain, RDFS.range):
            targets: Iterable[Node] = [o]
            members = onto.value(o, OWL.unionOf) if isinstance(o, BNode) else None
            if members is not None:
                targets = list(Collection(onto, members))
            for t in targets:
                note(t, "domain or range of", by)
        elif p in (SKOS.definition, SKOS.scopeNote) and isinstance(o, Literal):
            for prefix, local in re.findall(_STANDARD_MENTION, str(o)):
                iri = dict(names.prefixes).get(prefix)
                if iri:
                    note(URIRef(iri + local), "named in the definition of", by)
    for shape in _node_shapes(shapes):
        by = names.curie(shape)
        for t in shapes.objects(shape, SH.targetClass):
            note(t, "checked by rule", by)
        for t in shapes.objects(shape, SH.targetSubjectsOf):
            note(t, "checked by rule", by)
        for part in _shape_parts(shapes, shape):
            for path in shapes.objects(part, SH.path):
                note(path, "checked by rule", by)
    return {k: dict(v) for k, v in sorted(used.items())}


def concept_schemes(graph: rdflib.Graph) -> list[URIRef]:
    """Concept schemes and hierarchies shipped with the ontology, by IRI."""
    found = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    found.update(graph.subjects(RDF.type, GKNS.Hierarchy))
    return sorted(s for s in found if isinstance(s, URIRef))


def _rank(graph: rdflib.Graph, concept: Node) -> tuple[int, str, str]:
    rank = graph.value(concept, GKNS.rank)
    notation = graph.value(concept, SKOS.notation)
    try:
        r = int(str(rank)) if rank is not None else 10**6
    except ValueError:
        r = 10**6
    return (r, str(notation or ""), str(concept))


# ----------------------------------------------------------------------------------------
# SHACL


def _node_shapes(shapes: rdflib.Graph) -> list[Node]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    return sorted(found, key=str)


def _property_shapes(shapes: rdflib.Graph, shape: Node) -> list[Node]:
    return sorted(shapes.objects(shape, SH.property), key=str)


def _shape_parts(shapes: rdflib.Graph, shape: Node) -> list[Node]:
    """The shape and every node reachable from it through property shapes and logical
    constraints (``sh:or`` lists and the like)."""
    seen: list[Node] = []
    todo = [shape]
    links = (SH.property, SH["or"], SH["and"], SH["xone"], SH["not"], RDF.first, RDF.rest)
    while todo:
        node = todo.pop()
        if node in seen or node == RDF.nil:
            continue
        seen.append(node)
        for p in links:
            todo.extend(shapes.objects(node, p))
    return seen


def _path_text(shapes: rdflib.Graph, names: Names, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, BNode):
        if shapes.value(path, RDF.first) is not None:
            return " / ".join(_path_text(shapes, names, p) for p in Collection(shapes, path))
        inverse = shapes.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path_text(shapes, names, inverse)
    return names.curie(path)


def _constraints(shapes: rdflib.Graph, names: Names, node: Node) -> list[str]:
    """The constraint parameters of a shape, as short texts."""
    out: list[str] = []
    for p, label in (
        (SH.minCount, "min"),
        (SH.maxCount, "max"),
        (SH.datatype, "datatype"),
        (SH["class"], "class"),
        (SH.nodeKind, "node kind"),
        (SH.hasValue, "value"),
        (SH.pattern, "pattern"),
        (SH.lessThan, "less than"),
        (SH.minInclusive, "≥"),
        (SH.minExclusive, ">"),
    ):
        for o in sorted(shapes.objects(node, p), key=str):
            shown = str(o) if isinstance(o, Literal) else names.curie(o)
            out.append(f"{label} {shown}")
    for lst in shapes.objects(node, SH["in"]):
        values = ", ".join(str(v) for v in Collection(shapes, lst))
        out.append(f"one of {values}")
    for lst in shapes.objects(node, SH["or"]):
        alts = []
        for alt in Collection(shapes, lst):
            path = _path_text(shapes, names, shapes.value(alt, SH.path))
            alts.append(f"{path} ({'; '.join(_constraints(shapes, names, alt))})")
        out.append("either " + " or ".join(alts))
    if any(True for _ in shapes.objects(node, SH.sparql)):
        out.append("SPARQL constraint")
    return out


# ----------------------------------------------------------------------------------------
# the class diagram


def class_diagram_svg(graph: rdflib.Graph | None = None) -> str:
    """An SVG drawing of the govkg classes (right) and the standard classes they refine.

    Columns by depth of specialisation, an arrow from each class to its super-class; the
    Chinese label under each name. Deterministic: the same ontology gives the same bytes.

    >>> svg = class_diagram_svg()
    >>> svg.startswith("<svg") and "gk:GridPartyBranch" in svg and "prov:Entity" in svg
    True
    """
    graph = graph if graph is not None else ontology_graph()
    names = Names(graph)
    classes = sorted(
        {s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(GK)}, key=str
    )
    parents: dict[str, list[str]] = {}
    for c in classes:
        ups = sorted(str(o) for o in graph.objects(c, RDFS.subClassOf) if isinstance(o, URIRef))
        parents[str(c)] = ups
    nodes = set(parents) | {p for ps in parents.values() for p in ps}
    depth: dict[str, int] = {}

    def level(n: str, seen: frozenset[str] = frozenset()) -> int:
        if n in depth:
            return depth[n]
        ups = [p for p in parents.get(n, []) if p not in seen]
        depth[n] = 0 if not ups else 1 + max(level(p, seen | {n}) for p in ups)
        return depth[n]

    for n in sorted(nodes):
        level(n)
    columns: dict[int, list[str]] = defaultdict(list)
    for n in sorted(nodes, key=lambda n: names.curie(URIRef(n))):
        columns[depth[n]].append(n)
    children: dict[str, list[str]] = defaultdict(list)
    for n, ups in parents.items():
        for p in ups:
            children[p].append(n)
    # The widest column is laid out first, grouped by first super-class; the others are
    # placed beside the mean row of their neighbours in it, so arrows stay short.
    anchor = max(sorted(columns), key=lambda c: len(columns[c]))
    row: dict[str, float] = {}
    first = sorted(
        columns[anchor],
        key=lambda n: (names.curie(URIRef(min(parents[n]))) if parents.get(n) else "", n),
    )
    for i, n in enumerate(first):
        row[n] = float(i)
    order = [c for c in sorted(columns, reverse=True) if c < anchor]
    order += [c for c in sorted(columns) if c > anchor]
    for col in order:
        wanted = []
        for n in columns[col]:
            near = [m for m in children.get(n, []) + parents.get(n, []) if m in row]
            mean = sum(row[m] for m in near) / len(near) if near else 0.0
            wanted.append((mean, names.curie(URIRef(n)), n))
        last = -1.0
        for mean, _, n in sorted(wanted):
            row[n] = max(mean, last + 1.0)
            last = row[n]
    span = max(row.values()) + 1 if row else 1
    col_w, box_w, row_h, box_h, pad = 250, 210, 46, 38, 12
    height = int(span * row_h + 2 * pad)
    width = int(len(columns) * col_w + 2 * pad)

    def xy(n: str) -> tuple[float, float]:
        return pad + depth[n] * col_w, pad + row[n] * row_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#667"/></marker></defs>',
    ]
    for n in sorted(parents):
        for p in parents[n]:
            x1, y1 = xy(n)
            x2, y2 = xy(p)
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1 + box_h / 2:.0f}" x2="{x2 + box_w:.0f}" '
                f'y2="{y2 + box_h / 2:.0f}" stroke="#99a" marker-end="url(#arrow)"/>'
            )
    for n in sorted(nodes, key=lambda n: (depth[n], row[n])):
        x, y = xy(n)
        ours = n.startswith(GK)
        fill, stroke = ("#fdecea", "#c62828") if ours else ("#eceff1", "#607d8b")
        curie = names.curie(URIRef(n))
        zh = names.label(URIRef(n), "zh") if ours else ""
        parts.append(
            f'<g><title>{_e(n)}</title><rect x="{x}" y="{y:.0f}" width="{box_w}" '
            f'height="{box_h}" rx="5" fill="{fill}" stroke="{stroke}"/>'
            f'<text x="{x + 8}" y="{y + 16:.0f}" font-weight="bold">{_e(curie)}</text>'
            f'<text x="{x + 8}" y="{y + 31:.0f}" fill="#444">{_e(zh)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------
# the index page

_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0;
       color: #1d2126; line-height: 1.45; }
header { background: #7f1d1d; color: #fff; padding: 1.2em 2em; }
header a { color: #ffd9d9; }
main { padding: 0 2em 3em; max-width: 1400px; }
nav.toc { columns: 3; font-size: 0.9em; }
h2 { border-bottom: 2px solid #c62828; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; font-size: 0.92em; }
th, td { border: 1px solid #d5d9de; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
th { background: #f3f4f6; }
tr:target { background: #fff6d6; }
code { font-family: ui-monospace, monospace; font-size: 0.95em; }
.en { color: #4b5563; }
.note { color: #6b7280; font-size: 0.9em; }
.diagram { overflow-x: auto; border: 1px solid #d5d9de; padding: 0.5em; }
"""


def _curie_link(curie: str, local_ids: set[str]) -> str:
    if curie in local_ids:
        return f'<a href="#{_e(curie)}"><code>{_e(curie)}</code></a>'
    return f"<code>{_e(curie)}</code>"


def _links(curies: Iterable[str], local_ids: set[str]) -> str:
    out = []
    for c in curies:
        # a union shows each member linked
        out.append(" ∪ ".join(_curie_link(part, local_ids) for part in c.split(" ∪ ")))
    return ", ".join(out)


def _definition(zh_text: str, en_text: str, notes: list[str]) -> str:
    parts = []
    if zh_text:
        parts.append(f'<div lang="zh">{_e(zh_text)}</div>')
    if en_text:
        parts.append(f'<div class="en" lang="en">{_e(en_text)}</div>')
    parts.extend(f'<div class="note">{_e(n)}</div>' for n in notes)
    return "".join(parts)


def render_index(
    onto: rdflib.Graph,
    shapes: rdflib.Graph,
    *,
    pylode_page: str | None = "ontology.html",
    views_index: str | None = None,
) -> str:
    """The documentation index page (HTML text) for an ontology and its shapes graph.

    Parameters
    ----------
    onto, shapes : rdflib.Graph
        The merged ontology files and the SHACL shapes.
    pylode_page : str or None
        Relative link to pyLODE's page, or ``None`` when there is none.
    views_index : str or None
        Relative link to the views' index page, when there is one.
    """
    names = Names(onto, shapes)
    docs = terms(onto, names)
    standard = standard_terms(onto, shapes, names)
    schemes = concept_schemes(onto)
    local_ids = {t.curie for t in docs} | set(standard) | {names.curie(s) for s in schemes}
    local_ids |= {names.curie(s) for s in _node_shapes(shapes)}
    ont = URIRef(ONTOLOGY_IRI)
    title_zh = names.text(ont, DCTERMS.title, "zh")
    title_en = names.text(ont, DCTERMS.title, "en")
    version = onto.value(ont, OWL.versionInfo)

    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title_zh)} · {_e(title_en)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title_zh)}<br><span lang='en'>{_e(title_en)}</span></h1>",
        f"<p><code>{_e(ONTOLOGY_IRI)}</code>"
        + (f" · version {_e(version)}" if version else "")
        + "</p><p>",
    ]
    links = ['<a href="ontology.ttl">ontology.ttl</a>', '<a href="shapes.ttl">shapes.ttl</a>']
    if pylode_page:
        links.insert(0, f'<a href="{_e(pylode_page)}">pyLODE page</a>')
    if views_index:
        links.append(f'<a href="{_e(views_index)}">views</a>')
    out.append(" · ".join(links) + "</p></header><main>")
    out.append(
        _definition(
            names.text(ont, DCTERMS.description, "zh"),
            names.text(ont, DCTERMS.description, "en"),
            [],
        )
    )
    sections = [
        ("prefixes", "前缀", "Prefixes"),
        ("classes", "类", "Classes"),
        ("object-properties", "对象属性", "Object properties"),
        ("datatype-properties", "数据属性", "Datatype properties"),
        ("standard-terms", "复用的标准术语", "Standard terms reused"),
        ("schemes", "概念体系", "Concept schemes"),
        ("shapes", "校验规则（SHACL）", "Validation rules (SHACL)"),
        ("diagram", "类图", "Class diagram"),
    ]
    out.append('<nav class="toc"><ul>')
    out.extend(
        f'<li><a href="#{sid}">{_e(zh_t)} <span class="en">{_e(en_t)}</span></a></li>'
        for sid, zh_t, en_t in sections
    )
    out.append("</ul></nav>")

    def heading(sid: str) -> str:
        _, zh_t, en_t = next(s for s in sections if s[0] == sid)
        return f'<h2 id="{sid}">{_e(zh_t)} <span class="en">{_e(en_t)}</span></h2>'

    out.append(heading("prefixes"))
    out.append("<table><tr><th>prefix</th><th>IRI</th></tr>")
    out.extend(
        f"<tr><td><code>{_e(p)}:</code></td><td><code>{_e(i)}</code></td></tr>"
        for p, i in PREFIXES.items()
    )
    out.append("</table>")

    for sid, kinds in (
        ("classes", ("class",)),
        ("object-properties", ("object property",)),
        ("datatype-properties", ("datatype property", "annotation property")),
    ):
        out.append(heading(sid))
        is_class = sid == "classes"
        cols = ["term", "中文", "English", "⊑"]
        cols += [] if is_class else ["domain", "range", "traits"]
        cols.append("definition 定义")
        out.append("<table><tr>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "</tr>")
        for t in (t for t in docs if t.kind in kinds):
            cells = [
                f"<code>{_e(t.curie)}</code>",
                f'<span lang="zh">{_e(t.zh)}</span>',
                f'<span lang="en">{_e(t.en)}</span>',
                _links(t.supers, local_ids),
            ]
            if not is_class:
                cells += [
                    _links(t.domain, local_ids),
                    _links(t.range, local_ids),
                    _e(", ".join(t.traits)),
                ]
            cells.append(_definition(t.definition_zh, t.definition_en, t.notes))
            out.append(
                f'<tr id="{_e(t.curie)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
            )
        out.append("</table>")

    out.append(heading("standard-terms"))
    out.append(
        '<p class="note">Terms of W3C and other standard vocabularies that govkg data uses '
        "directly or refines, and where the model relies on them.</p>"
    )
    out.append("<table><tr><th>term</th><th>IRI</th><th>used</th></tr>")
    iri_of = {p: i for p, i in names.prefixes}
    for curie, uses in standard.items():
        prefix, _, local = curie.partition(":")
        full = iri_of.get(prefix, "") + local if not curie.startswith("<") else curie[1:-1]
        used = "<br>".join(
            f"{_e(how)} {_links(sorted(by), local_ids)}" for how, by in sorted(uses.items())
        )
        out.append(
            f'<tr id="{_e(curie)}"><td><code>{_e(curie)}</code></td>'
            f'<td><a href="{_e(full)}"><code>{_e(full)}</code></a></td><td>{used}</td></tr>'
        )
    out.append("</table>")

    out.append(heading("schemes"))
    for scheme in schemes:
        curie = names.curie(scheme)
        out.append(
            f'<h3 id="{_e(curie)}"><span lang="zh">{_e(names.label(scheme, "zh"))}</span> '
            f'<span class="en">{_e(names.label(scheme, "en"))}</span> '
            f"<code>{_e(curie)}</code></h3>"
        )
        out.append(
            _definition(
                names.text(scheme, SKOS.definition, "zh"),
                names.text(scheme, SKOS.definition, "en"),
                [str(n) for n in names.literals(scheme, SKOS.scopeNote)],
            )
        )
        concepts = sorted(set(onto.subjects(SKOS.inScheme, scheme)), key=lambda c: _rank(onto, c))
        if not concepts:
            out.append('<p class="note">(filled by the loaders)</p>')
            continue
        out.append(
            "<table><tr><th>#</th><th>concept</th><th>中文</th><th>English</th>"
            "<th>other wordings 其他写法</th><th>broader 上级</th><th>definition 定义</th></tr>"
        )
        for c in concepts:
            rank = onto.value(c, GKNS.rank) or onto.value(c, SKOS.notation) or ""
            alt = "、".join(str(a) for a in names.literals(c, SKOS.altLabel))
            broader = [names.curie(b) for b in sorted(onto.objects(c, SKOS.broader), key=str)]
            out.append(
                f'<tr id="{_e(names.curie(c))}"><td>{_e(rank)}</td>'
                f"<td><code>{_e(names.curie(c))}</code></td>"
                f'<td lang="zh">{_e(names.label(c, "zh"))}</td>'
                f'<td lang="en">{_e(names.label(c, "en"))}</td>'
                f'<td lang="zh">{_e(alt)}</td><td>{_links(broader, set())}</td>'
                f"<td>{_definition(names.text(c, SKOS.definition, 'zh'), names.text(c, SKOS.definition, 'en'), [])}</td></tr>"
            )
        out.append("</table>")

    out.append(heading("shapes"))
    out.append(
        '<p class="note">The rules <code>govkg validate</code> checks a built graph against; '
        "each names its rule and says what is wrong when it fails.</p>"
    )
    out.append("<table><tr><th>rule</th><th>applies to</th><th>checks</th><th>message</th></tr>")
    for shape in _node_shapes(shapes):
        targets = [names.curie(t) for t in sorted(shapes.objects(shape, SH.targetClass), key=str)]
        targets += [
            "subjects of " + names.curie(t)
            for t in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str)
        ]
        checks = _constraints(shapes, names, shape)
        out.append(
            f'<tr id="{_e(names.curie(shape))}"><td><b>{_e(names.text(shape, SH.name, "en"))}</b>'
            f"<br><code>{_e(names.curie(shape))}</code></td>"
            f"<td>{_links(targets, local_ids)}</td><td>{_e('; '.join(checks))}</td>"
            f"<td>{_e(names.text(shape, SH.message, 'en'))}</td></tr>"
        )
        for ps in _property_shapes(shapes, shape):
            path = _path_text(shapes, names, shapes.value(ps, SH.path))
            out.append(
                f"<tr><td>&nbsp;&nbsp;↳ {_e(names.text(ps, SH.name, 'en'))}</td>"
                f"<td>{_curie_link(path, local_ids)}</td>"
                f"<td>{_e('; '.join(_constraints(shapes, names, ps)))}</td>"
                f"<td>{_e(names.text(ps, SH.message, 'en'))}</td></tr>"
            )
    out.append("</table>")

    out.append(heading("diagram"))
    out.append(f'<div class="diagram">{class_diagram_svg(onto)}</div>')
    out.append("</main></body></html>\n")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------
# pyLODE


def _import_ontpub() -> type:
    """pyLODE's OntPub class, importing pyLODE without its side effects.

    pyLODE 3.4.1 reads its version from a ``pyproject.toml`` that its wheel does not ship
    (RDFLib/pyLODE#260, fixed upstream); when that is what fails, the version module is
    provided from the installed distribution's metadata. Importing pyLODE also sets the root
    logger to DEBUG, which is undone.
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        try:
            module = importlib.import_module("pylode")
        except FileNotFoundError:
            stub = types.ModuleType("pylode.version")
            stub.__version__ = metadata.version("pylode")  # type: ignore[attr-defined]
            sys.modules["pylode.version"] = stub
            module = importlib.import_module("pylode")
    finally:
        root.setLevel(level)
        for h in list(root.handlers):
            if h not in handlers:
                root.removeHandler(h)
    ontpub: type = module.OntPub
    return ontpub


def pylode_html(timeout: float = 300.0) -> str:
    """pyLODE's OntPub page of the merged ontology files.

    pyLODE walks Python sets of terms, so its page changes with the interpreter's hash
    seed; it runs in a child interpreter with a fixed ``PYTHONHASHSEED`` so that the same
    ontology always gives the same bytes.

    Raises
    ------
    ImportError
        When pyLODE cannot be imported or fails on the ontology (the message says why).
    """
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    code = "from govkg.graph.docs import _pylode_to_stdout; _pylode_to_stdout()"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ImportError(f"pyLODE failed: {lines[-1] if lines else proc.returncode}")
    return proc.stdout.decode("utf-8")


def _pylode_to_stdout() -> None:
    """Write pyLODE's page of the ontology to standard output (run by :func:`pylode_html`)."""
    ontpub = _import_ontpub()
    graph = _pylode_input(ontology_graph())
    page: str = ontpub(ontology=graph, sort_subjects=True).make_html()
    sys.stdout.buffer.write(_sort_class_sets(page).encode("utf-8"))


def _pylode_input(source: rdflib.Graph) -> rdflib.Graph:
    """The ontology as pyLODE presents it best: one ontology header (pyLODE takes every
    ontology and concept scheme for one and runs their titles together), and one label
    and title per term written ``中文 (English)`` (it would print two labels side by side).
    Concept schemes are listed on the index page instead.
    """
    graph = rdflib.Graph()
    for prefix, ns in source.namespaces():
        graph.bind(prefix, ns, override=True)
    main = URIRef(ONTOLOGY_IRI)
    for s, p, o in source:
        if p == RDF.type and o in (OWL.Ontology, SKOS.ConceptScheme) and s != main:
            continue
        if p in (RDFS.label, DCTERMS.title) and isinstance(o, Literal):
            continue
        graph.add((s, p, o))
    names = Names(source)
    for p in (RDFS.label, DCTERMS.title):
        for s in sorted(set(source.subjects(p, None)), key=str):
            if s == main and p == RDFS.label:
                continue  # pyLODE would show it as a second title
            zh, en = names.text(s, p, "zh"), names.text(s, p, "en")
            text = f"{zh} ({en})" if zh and en and zh != en else (zh or en)
            if text:
                graph.add((s, p, Literal(text)))
    return graph


# One member of an "A or B" (owl:unionOf) cell of pyLODE's page, and the word between two.
_SET_MEMBER = r"[ ]*<span>\n(?:[ ]*<(?:a|sup) [^\n]*\n)+[ ]*</span>\n"
_SET_JOIN = r'[ ]*<span class="cardinality">(?:or|and)</span>\n'
_SET_CELL = re.compile(f"(?:{_SET_MEMBER}{_SET_JOIN})+{_SET_MEMBER}")


def _sort_class_sets(page: str) -> str:
    """Put the members of pyLODE's union and intersection cells in text order.

    pyLODE gathers them in a set of element objects, hashed by identity, so their order
    changes from run to run.
    """

    def fix(match: re.Match[str]) -> str:
        text = match.group(0)
        join = re.search(_SET_JOIN, text)
        assert join is not None  # the pattern has at least one
        members = re.findall(_SET_MEMBER, text)
        return join.group(0).join(sorted(members))

    return _SET_CELL.sub(fix, page)


# ----------------------------------------------------------------------------------------
# writing


def write_docs(out_dir: Path) -> Path:
    """Write the ontology documentation into ``out_dir/docs/`` and return its index page.

    Parameters
    ----------
    out_dir : Path
        A build output folder (it need not hold a build yet).

    Returns
    -------
    Path
        ``out_dir/docs/index.html``.
    """
    docs = Path(out_dir) / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    onto = ontology_graph()
    shapes = shapes_graph()
    (docs / "ontology.ttl").write_text(
        "".join(f"# ---- {name}\n{_read(name)}\n" for name in _ontology_files()),
        encoding="utf-8",
    )
    (docs / "shapes.ttl").write_text(_read(SHAPES_FILE), encoding="utf-8")
    pylode_page: str | None = "ontology.html"
    try:
        (docs / "ontology.html").write_text(pylode_html(), encoding="utf-8")
    except ImportError as exc:
        logging.getLogger(__name__).warning("pyLODE page not written: %s", exc)
        pylode_page = None
        (docs / "ontology.html").unlink(missing_ok=True)
    views = Path(out_dir) / "views" / "index.html"
    page = render_index(
        onto,
        shapes,
        pylode_page=pylode_page,
        views_index="../views/index.html" if views.is_file() else None,
    )
    index = docs / "index.html"
    index.write_text(page, encoding="utf-8")
    (docs / "classes.svg").write_text(class_diagram_svg(onto) + "\n", encoding="utf-8")
    return index
