"""Ontology documentation (govkg.graph.docs): every term of the public vocabulary is listed,
pages are escaped and deterministic, and ``govkg docs`` writes them."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS
from typer.testing import CliRunner

from govkg.graph import docs
from govkg.graph.cli import app
from govkg.ontology import GK

ROOT = Path(__file__).resolve().parents[1]


def _vocabulary() -> str:
    shared = Path(os.environ.get("GOVKG_SHARED", ROOT.parent / "shared"))
    path = shared / "design" / "vocabulary.md"
    if not path.is_file():
        pytest.fail(f"vocabulary.md not found at {path}; set GOVKG_SHARED")
    return path.read_text(encoding="utf-8")


def vocabulary_terms() -> list[str]:
    """Every prefixed name in the term column of vocabulary.md's tables, and every gk: term
    named anywhere in it (the chain classes are named in prose)."""
    text = _vocabulary()
    found: set[str] = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            found.update(re.findall(r"`([a-z]+:[A-Za-z]+)`", line.split("|")[1]))
    found.update(re.findall(r"`(gk:[A-Za-z]+)`", text))
    return sorted(found)


def vocabulary_concepts() -> list[str]:
    """The concept labels vocabulary.md lists for themes, levels, cadre ranks and covered
    levels (the Chinese words in parentheses of those rows)."""
    out: list[str] = []
    for line in _vocabulary().splitlines():
        if line.startswith(("| `gk:theme`", "| `gk:administrativeLevel`")):
            inner = line.split("|")[3]
            body = inner[inner.index("(") + 1 : inner.rindex(")")]
            out += [w.strip() for w in body.split(",")]
        if line.startswith("| `gk:ResponsibilityAssignment`"):
            for group in re.findall(r"\(([^()]*(?:（[^）]*）[^()]*)*) as concepts\)", line):
                out += [w.strip() for w in group.split(",")]
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation written once, pyLODE's page included (the one pyLODE run the other
    tests reuse, but for the test that it gives the same bytes twice)."""
    out = tmp_path_factory.mktemp("docs") / "out"
    index = docs.write_docs(out)
    assert index == out / "docs" / "index.html"
    return out / "docs"


@pytest.fixture
def pylode_once(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``write_docs`` takes pyLODE's page from :func:`written` instead of running it again."""
    page = (written / "ontology.html").read_text(encoding="utf-8")
    monkeypatch.setattr(docs, "pylode_html", lambda *_args, **_kwargs: page)


def test_vocabulary_is_read() -> None:
    terms = vocabulary_terms()
    assert "gk:StatisticObservation" in terms and "prov:wasDerivedFrom" in terms
    assert len(terms) >= 40
    concepts = vocabulary_concepts()
    assert {"警地融合", "省级领导", "网格（小区）", "社区"} <= set(concepts)


@pytest.mark.parametrize("term", vocabulary_terms())
def test_index_lists_every_vocabulary_term(written: Path, term: str) -> None:
    page = (written / "index.html").read_text(encoding="utf-8")
    assert f'id="{term}"' in page, f"{term} has no entry in the documentation"


def test_index_lists_every_vocabulary_concept(written: Path) -> None:
    page = (written / "index.html").read_text(encoding="utf-8")
    missing = [c for c in vocabulary_concepts() if f'<td lang="zh">{c}</td>' not in page]
    assert not missing


def test_index_gives_both_labels_and_definitions(written: Path) -> None:
    page = (written / "index.html").read_text(encoding="utf-8")
    row = page[page.index('<tr id="gk:StatisticObservation">') :]
    row = row[: row.index("</tr>")]
    assert "统计数据" in row and "statistic" in row
    assert 'lang="zh"' in row and 'lang="en"' in row
    assert "qb:Observation" in row


def test_index_lists_the_shacl_rules(written: Path) -> None:
    page = (written / "index.html").read_text(encoding="utf-8")
    shapes = rdflib.Graph().parse(data=docs._read("shapes.ttl"), format="turtle")
    names = {str(o) for o in shapes.objects(None, rdflib.URIRef(str(docs.SH) + "name"))}
    assert names
    for name in names:
        assert docs._e(name) in page, name


def test_pylode_page_covers_every_gk_term(written: Path) -> None:
    page = (written / "ontology.html").read_text(encoding="utf-8")
    assert "pyLODE" in page
    missing = [t for t in vocabulary_terms() if t.startswith("gk:") and GK + t[3:] not in page]
    assert not missing


def test_sources_and_diagram_are_written(written: Path) -> None:
    assert (written / "ontology.ttl").read_text(encoding="utf-8").count("@prefix gk:") >= 2
    assert "sh:NodeShape" in (written / "shapes.ttl").read_text(encoding="utf-8")
    svg = ET.fromstring((written / "classes.svg").read_text(encoding="utf-8"))
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"gk:GridPartyBranch", "gk:PartyOrganization", "org:Organization"} <= texts


def test_docs_are_deterministic(written: Path, tmp_path: Path) -> None:
    again = docs.write_docs(tmp_path / "out").parent
    for name in ("index.html", "ontology.html", "classes.svg", "ontology.ttl", "shapes.ttl"):
        assert (again / name).read_bytes() == (written / name).read_bytes(), name


def test_text_from_the_ontology_is_escaped() -> None:
    onto = docs.ontology_graph()
    evil = rdflib.URIRef(GK + "Evil")
    onto.add((evil, RDF.type, OWL.Class))
    onto.add((evil, RDFS.label, rdflib.Literal("<script>alert(1)</script>", lang="zh")))
    onto.add((evil, RDFS.subClassOf, rdflib.URIRef(GK + "Step")))
    page = docs.render_index(onto, docs.shapes_graph())
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    svg = docs.class_diagram_svg(onto)
    ET.fromstring(svg)  # still well-formed XML
    assert "<script>alert" not in svg


@pytest.mark.usefixtures("pylode_once")
def test_links_to_views_when_built(tmp_path: Path) -> None:
    (tmp_path / "out" / "views").mkdir(parents=True)
    (tmp_path / "out" / "views" / "index.html").write_text("<html></html>", encoding="utf-8")
    page = docs.write_docs(tmp_path / "out").read_text(encoding="utf-8")
    assert 'href="../views/index.html"' in page


@pytest.mark.usefixtures("pylode_once")
def test_docs_command(written: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["docs", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "docs" / "index.html").is_file()
    assert "index.html" in result.output
    for name in ("index.html", "ontology.html", "classes.svg"):
        assert (tmp_path / "out" / "docs" / name).read_bytes() == (written / name).read_bytes()
