"""Write ``terms.py``, the Python constants of every ``gk:`` term, from the ontology files.

Run ``python -m govkg.ontology.gen_terms`` after editing ``core.ttl``; ``--check`` exits 1
when ``terms.py`` is out of date instead of writing it.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from govkg.ontology import GK, OWL, RDF, RDFS, ontology_triples

TERMS_FILE = Path(__file__).with_name("terms.py")
MAX_LINE = 100

# Section order in the generated class; a term goes in the first section its types match.
_KINDS = (
    (OWL + "Class", "Classes"),
    (OWL + "ObjectProperty", "Object properties"),
    (OWL + "DatatypeProperty", "Datatype properties"),
    (OWL + "AnnotationProperty", "Annotation properties"),
)

_HEADER = '''"""Constants for every ``gk:`` term of the govkg ontology, generated from its ``.ttl``.

Do not edit: run ``python -m govkg.ontology.gen_terms`` after changing the ontology.

>>> from govkg.ontology.terms import GK
>>> GK.StatisticObservation
rdflib.term.URIRef('https://w3id.org/govkg/ontology#StatisticObservation')
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["GK"]


class GK(DefinedNamespace):
    """The govkg ontology namespace, ``{ns}``."""

    _NS = Namespace("{ns}")
    _fail = True  # an unknown name is a typo, not a new term
'''


def _labels() -> tuple[dict[str, set[str]], dict[str, dict[str, str]]]:
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for t in ontology_triples():
        if not isinstance(t.subject, ox.NamedNode) or not t.subject.value.startswith(GK):
            continue
        local = t.subject.value[len(GK) :]
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
            types[local].add(t.object.value)
        elif t.predicate.value == RDFS + "label" and isinstance(t.object, ox.Literal):
            labels[local][t.object.language or ""] = t.object.value
    return types, labels


def render() -> str:
    """The text of ``terms.py`` for the ontology as it is now."""
    types, labels = _labels()
    sections: dict[str, list[str]] = {title: [] for _, title in _KINDS}
    for local in sorted(types):
        for kind, title in _KINDS:
            if kind in types[local]:
                sections[title].append(local)
                break
    out = [_HEADER.replace("{ns}", GK)]
    for title, names in sections.items():
        if not names:
            continue
        out.append(f"\n    # {title}\n")
        for name in names:
            en, zh = labels[name].get("en", ""), labels[name].get("zh", "")
            line = f"    {name}: URIRef  # {en} ({zh})" if zh else f"    {name}: URIRef  # {en}"
            if len(line) > MAX_LINE:
                line = f"    {name}: URIRef  # {en}"
            out.append(line + "\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if terms.py is out of date")
    parser.add_argument("--out", type=Path, default=TERMS_FILE, help="file to write")
    args = parser.parse_args(argv)
    text = render()
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    if args.check:
        if current != text:
            print(f"{args.out} is out of date: run python -m govkg.ontology.gen_terms")
            return 1
        return 0
    if current != text:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
