"""docs/model.md checked against the data: every IRI pattern its tables name has a resource of
that shape in the corpus build, and every term they name is used there or in the ontology."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.ontology import GK, ONTOLOGY_IRI, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "docs" / "model.md"
GKD = PREFIXES["gkd"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

#: What a {placeholder} of an IRI pattern stands for: one key segment, in the shape the ids
#: give it (numbers, a six-digit division code, the eight-digit hash of a list of items).
PLACEHOLDERS = {
    "start": r"\d+",
    "end": r"\d+",
    "rank": r"\d+",
    "n": r"\d+",
    "rowNumber": r"\d+",
    "code": r"\d{6}",
    "itemsKey": r"[0-9a-f]{8}",
}
#: Patterns the tables name that the corpus states nothing of, with what would make one.
NOT_IN_CORPUS = {
    "gkd:hierarchy/{name}/{itemsKey}": "a second document giving a chain's name to other levels",
    "gkd:hierarchy/{name}/{itemsKey}/{rank}": "the levels of such a hierarchy",
    "gkd:organisation/{name}": "an alliance member named as an organisation (中共…委员会)",
}

TERM = re.compile(r"\b(gk|rdfs|rdf|skos|prov|dcterms|org|owl|xsd):([A-Za-z][\w-]*)")
PATTERN = re.compile(r"gkd:[^\s`,;()]+")


def _table_code() -> list[str]:
    """The `code` spans of the tables' rows."""
    rows = [ln for ln in MODEL.read_text(encoding="utf-8").splitlines() if ln.startswith("|")]
    return [c for ln in rows for c in re.findall(r"`([^`]+)`", ln)]


def _patterns() -> list[str]:
    return sorted({p for code in _table_code() for p in PATTERN.findall(code)})


def _terms() -> dict[str, str]:
    """Each prefixed term of the tables → class (after `a`, or capitalised), datatype or
    property."""
    terms: dict[str, str] = {}
    for code in _table_code():
        classes = code[2:] if code.startswith("a ") else ""
        for m in TERM.finditer(code):
            name = m.group(0)
            if m.group(1) == "xsd" or name == "gk:divisionCode":
                terms[name] = "datatype"
            elif name in classes or m.group(2)[0].isupper():
                terms[name] = "class"
            else:
                terms.setdefault(name, "property")
    return terms


def _regex(pattern: str) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"(\{\w+\}|…)", pattern.removeprefix("gkd:")):
        if part == "…":
            out += ".+"
        elif part.startswith("{"):
            out += PLACEHOLDERS.get(part[1:-1], r"[^/]+")
        else:
            out += re.escape(part)
    return re.compile(out)


def _expand(term: str) -> str:
    prefix, local = term.split(":", 1)
    return PREFIXES[prefix] + local


@pytest.fixture(scope="module")
def model_store(corpus_build: Path) -> ox.Store:
    return ox.Store.read_only(str(corpus_build / "store"))


@pytest.fixture(scope="module")
def instance_iris(model_store: ox.Store) -> set[str]:
    """The gkd: IRIs of the build, as resources and as graph names, without the namespace."""
    iris: set[str] = set()
    for q in model_store.quads_for_pattern(None, None, None, None):
        for t in (q.subject, q.object, q.graph_name):
            if isinstance(t, ox.NamedNode) and t.value.startswith(GKD):
                iris.add(t.value[len(GKD) :])
    return iris


def test_model_tables_name_patterns_and_terms() -> None:
    patterns = _patterns()
    assert len(patterns) > 20 and "gkd:obs/{docId}/{start}/{end}" in patterns
    assert _terms()["gk:countScope"] == "property"


def test_every_iri_pattern_of_the_model_is_in_the_build(instance_iris: set[str]) -> None:
    missing = []
    for pattern in _patterns():
        regex = _regex(pattern)
        found = any(regex.fullmatch(i) for i in instance_iris)
        if pattern in NOT_IN_CORPUS:
            continue
        if not found:
            missing.append(pattern)
    assert not missing, f"docs/model.md names IRIs the build has none of: {missing}"


def test_patterns_the_corpus_lacks_are_written_by_the_loaders() -> None:
    writers = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "loaders").glob("*.py"))
    for pattern in NOT_IN_CORPUS:
        assert pattern in _patterns(), f"{pattern} is no longer in docs/model.md"
        kind = pattern.removeprefix("gkd:").split("/", 1)[0]
        assert f'iri("{kind}"' in writers, pattern


def test_every_term_of_the_model_is_used(model_store: ox.Store) -> None:
    onto = ox.NamedNode(ONTOLOGY_IRI)
    wrong = []
    for term, role in sorted(_terms().items()):
        node = ox.NamedNode(_expand(term))
        if role == "class":
            used = (
                any(model_store.quads_for_pattern(None, RDF_TYPE, node, None))
                or any(model_store.quads_for_pattern(node, None, None, onto))
                or any(model_store.quads_for_pattern(None, None, node, onto))
            )
        elif role == "datatype":
            used = bool(
                model_store.query(
                    "ASK { GRAPH ?g { ?s ?p ?o "
                    f"FILTER(isLiteral(?o) && DATATYPE(?o) = <{node.value}>) }} }}"
                )
            )
        else:
            used = any(model_store.quads_for_pattern(None, node, None, None)) or any(
                model_store.quads_for_pattern(node, RDF_TYPE, None, onto)
            )
        if not used:
            wrong.append(f"{term} ({role})")
    assert not wrong, f"docs/model.md names terms neither the data nor the ontology uses: {wrong}"


def test_every_property_the_build_uses_is_in_the_model(model_store: ox.Store) -> None:
    """The other way round: a gk: property stated in the data (outside the ontology's own
    graph) is named in the model's tables."""
    used = {
        q.predicate.value
        for q in model_store.quads_for_pattern(None, None, None, None)
        if q.predicate.value.startswith(GK) and q.graph_name.value != ONTOLOGY_IRI
    }
    documented = {_expand(t) for t in _terms()}
    missing = sorted(p.removeprefix(GK) for p in used - documented)
    assert not missing, f"docs/model.md does not name: {missing}"
