"""The validation rules, one hand-written fixture per rule under ``fixtures/shapes/``.

Each fixture breaks exactly one rule and says which in a comment line
``# expect: <node> | <words of the rule>``; ``valid.ttl`` says ``# expect: conforms``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, URIRef
from rdflib.namespace import SH

from govkg.graph.validate import (
    SPAN_TEXT_MISSING_RULE,
    SPAN_TEXT_RULE,
    ValidationReport,
    shorten,
    validate_graph,
    validate_output,
)
from govkg.ontology import GK, GKD, shapes_text

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
TEST_NS = GKD + "test/"
DOC_ID = "fixture-doc"
# A made-up sentence; the fixtures' spans point into it.
TEXT = "某市划分网格120个，组建党建联盟8个，推行三步工作法。"
TEXTS = {DOC_ID: TEXT}


def expectation(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        for opening in ("# expect:", "# expect warning:"):
            if line.startswith(opening):
                return line.removeprefix(opening).strip()
    raise AssertionError(f"{path.name} has no '# expect:' line")


def expected_severity(path: Path) -> str:
    """Violation, or Warning for a rule whose findings do not fail a graph."""
    text = path.read_text(encoding="utf-8")
    return "Warning" if "\n# expect warning:" in "\n" + text else "Violation"


def broken_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.ttl") if expectation(p) != "conforms")


def load(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURES / name, format="turtle")


def errors(report: ValidationReport) -> list:
    return [v for v in report.violations if v.severity == "Violation"]


def test_there_is_a_fixture_per_rule() -> None:
    assert len(broken_fixtures()) >= 20
    assert expectation(FIXTURES / "valid.ttl") == "conforms"


def test_valid_fixture_conforms() -> None:
    report = validate_graph(load("valid.ttl"), TEXTS)
    assert report.conforms, report.render()
    assert report.violations == []


def test_the_ontology_alone_conforms() -> None:
    """Shipped reference data (schemes, the canonical chain) passes every rule."""
    report = validate_graph(rdflib.Graph(), {})
    assert report.conforms, report.render()
    assert report.violations == []


@pytest.mark.parametrize("path", broken_fixtures(), ids=lambda p: p.stem)
def test_fixture_breaks_exactly_its_rule(path: Path) -> None:
    node, words = (part.strip() for part in expectation(path).split("|"))
    focus = TEST_NS + node.removeprefix("t:")
    report = validate_graph(load(path.name), TEXTS)
    severity = expected_severity(path)
    assert report.conforms is (severity == "Warning")
    found = [v for v in report.violations if v.severity == severity]
    assert found and len(found) == len(report.violations), report.render()
    for v in found:
        assert v.focus_node == focus, report.render()
        assert words.lower() in (v.rule + " " + v.message).lower(), report.render()
        # The message names the node it is about, in short form.
        assert v.message.startswith(shorten(focus)), v.message


def test_every_named_shape_has_a_message() -> None:
    shapes = rdflib.Graph().parse(data=shapes_text(), format="turtle")
    named = [
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    ]
    assert len(named) > 30
    for shape in named:
        assert shapes.value(shape, SH.name) is not None, shape
        assert shapes.value(shape, SH.message) is not None, shape


def test_missing_document_text_is_a_warning() -> None:
    report = validate_graph(load("valid.ttl"), texts={})
    assert report.conforms
    (warning,) = report.violations
    assert warning.severity == "Warning"
    assert warning.rule == SPAN_TEXT_MISSING_RULE
    assert warning.focus_node == TEST_NS + "doc"
    assert "3 span(s) not checked" in warning.message


def test_statement_spans_are_checked_like_other_spans() -> None:
    """gk:statement: the whole sentence around the number, a gk:TextSpan whose quote is
    checked against the document like any other span."""
    data = load("valid.ttl")
    obs, statement = URIRef(TEST_NS + "obs"), URIRef(TEST_NS + "statement")
    whole = TEXT.rstrip("。")
    data.add((obs, URIRef(GK + "statement"), statement))
    data.add((statement, RDF.type, URIRef(GK + "TextSpan")))
    data.add((statement, URIRef(GK + "inDocument"), URIRef(TEST_NS + "doc")))
    data.add((statement, URIRef(GK + "start"), rdflib.Literal(0)))
    data.add((statement, URIRef(GK + "end"), rdflib.Literal(len(whole))))
    data.add((statement, URIRef(GK + "quote"), rdflib.Literal(whole)))
    report = validate_graph(data, TEXTS)
    assert report.conforms and report.violations == [], report.render()

    data.set((statement, URIRef(GK + "quote"), rdflib.Literal(whole[1:] + "。")))
    report = validate_graph(data, TEXTS)
    (v,) = errors(report)
    assert v.rule == SPAN_TEXT_RULE and v.focus_node == str(statement), report.render()


def test_dataset_is_validated_as_the_union_of_its_graphs() -> None:
    """An observation in one named graph may cite a span stated in another."""
    data = load("valid.ttl")
    dataset = rdflib.Dataset()
    spans = dataset.graph(URIRef(TEST_NS + "spans"))
    rest = dataset.graph(URIRef(TEST_NS + "rest"))
    for triple in data:
        is_span = (triple[0], RDF.type, URIRef(GK + "TextSpan")) in data
        (spans if is_span else rest).add(triple)
    report = validate_graph(dataset, TEXTS)
    assert report.conforms, report.render()


def test_report_is_deterministic_and_readable() -> None:
    first = validate_graph(load("obs-two-values.ttl"), TEXTS).to_dict()
    second = validate_graph(load("obs-two-values.ttl"), TEXTS).to_dict()
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)
    assert first["conforms"] is False
    assert first["counts"] == {"Violation": 1}
    (v,) = first["violations"]
    assert v["message"] == (
        "gkd:test/obs (StatisticObservation): must have exactly one gk:value, "
        "a decimal number (xsd:decimal); found 2"
    )
    text = validate_graph(load("obs-two-values.ttl"), TEXTS).render()
    assert "DOES NOT CONFORM" in text
    assert "statistic has exactly one value" in text
    assert "gkd:test/obs" in text


def _write_output(tmp_path: Path, fixture: str) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "govkg.ttl").write_bytes((FIXTURES / fixture).read_bytes())
    return out


def test_validate_output_checks_spans_against_the_corpus(tmp_path: Path) -> None:
    out = _write_output(tmp_path, "valid.ttl")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{DOC_ID}.txt").write_bytes(TEXT.encode("utf-8"))
    report = validate_output(out, corpus)
    assert report.conforms and report.violations == [], report.render()

    # Without the corpus the spans are not checked, and the report says so.
    unchecked = validate_output(out)
    assert unchecked.conforms
    assert [v.severity for v in unchecked.violations] == ["Warning"]


def test_validate_output_reads_text_exactly_as_stored(tmp_path: Path) -> None:
    """A CRLF before the spans: reading in text mode would shift every offset by one."""
    out = _write_output(tmp_path, "valid.ttl")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{DOC_ID}.txt").write_bytes(("\r\n" + TEXT[2:]).encode("utf-8"))
    report = validate_output(out, corpus)
    assert report.conforms, report.render()

    # What text mode would have read: one code point shorter, so every quote is off by one.
    (corpus / f"{DOC_ID}.txt").write_bytes(("\n" + TEXT[2:]).encode("utf-8"))
    shifted = validate_output(out, corpus)
    assert not shifted.conforms
    assert {v.rule for v in shifted.violations} == {"span quote matches the document text"}


def test_validate_output_needs_a_built_graph(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"govkg\.ttl"):
        validate_output(tmp_path)
