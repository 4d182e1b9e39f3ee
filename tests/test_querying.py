"""What a new user meets first: each answer printed once, labels in one language, readable
SPARQL errors, and every SPARQL example of the README and docs run on the corpus build with
the output the docs show."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from govkg.graph.api import KnowledgeGraph
from govkg.graph.cli import app
from govkg.graph.sparql import (
    QuerySyntaxError,
    distinct_select,
    has_union_graph,
    open_store,
    run_query,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
runner = CliRunner()

CHAIN_Q = """SELECT ?level ?label WHERE {
  ?l skos:inScheme/skos:prefLabel "五级组织体系"@zh ; gk:rank ?level ; skos:prefLabel ?label }
  ORDER BY ?level"""
CHAIN = [
    (1, "街道党工委"),
    (2, "社区党组织"),
    (3, "网格党支部"),
    (4, "楼栋党小组"),
    (5, "单元党员中心户"),
]


@pytest.fixture(scope="module")
def union_build(corpus_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus build with the de-duplicated union in the store's default graph."""
    out = tmp_path_factory.mktemp("union") / "out"
    out.mkdir()
    store = ox.Store(str(out / "store"))
    store.bulk_load(path=str(corpus_build / "govkg.trig"), format=ox.RdfFormat.TRIG)
    store.bulk_load(path=str(corpus_build / "govkg.ttl"), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    return out


def _sparql(out: Path, query: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sparql", "--out", str(out), "--format", "csv", *args, query])
    return result.exit_code, result.output


# ------------------------------------------------------------------ each answer once


def test_readme_chain_query_prints_each_level_once(corpus_build: Path) -> None:
    store = open_store(corpus_build)
    assert len(run_query(store, CHAIN_Q)[1]) > 5  # the union repeats each level per graph
    code, output = _sparql(corpus_build, CHAIN_Q)
    assert code == 0, output
    assert output.strip().splitlines() == ["level,label", *(f"{n},{label}" for n, label in CHAIN)]
    code, output = _sparql(corpus_build, CHAIN_Q, "--keep-duplicates")
    assert len(output.strip().splitlines()) > 6


def test_union_graph_in_the_store_gives_set_semantics(
    corpus_build: Path, union_build: Path
) -> None:
    assert not has_union_graph(open_store(corpus_build))
    store = open_store(union_build)
    assert has_union_graph(store)
    # the reference: the union written once, as govkg.ttl holds it, in a store of its own
    merged = ox.Store()
    merged.bulk_load(path=str(corpus_build / "govkg.ttl"), format=ox.RdfFormat.TURTLE)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?l a gk:HierarchyLevel }"
    grids = """SELECT ?value WHERE { ?o gk:measure/skos:prefLabel "网格"@zh ;
                 gk:area/skos:notation ?c ; gk:value ?value FILTER(STR(?c) = "220200") }"""
    for query in (CHAIN_Q, count, grids):
        # exact, with no DISTINCT added: a fact two documents state counts once, two
        # observations with the same value stay two rows
        expected = sorted(map(repr, run_query(merged, query)[1]))
        assert sorted(map(repr, run_query(store, query, distinct=True)[1])) == expected, query
    assert run_query(open_store(corpus_build), count)[1] != run_query(merged, count)[1]


def test_distinct_is_added_to_the_top_level_select_only() -> None:
    assert distinct_select("select * { ?s ?p ?o }") == "select DISTINCT * { ?s ?p ?o }"
    assert distinct_select("SELECT REDUCED ?s { ?s ?p ?o }") == "SELECT REDUCED ?s { ?s ?p ?o }"
    q = "PREFIX a: <http://a/SELECT> # SELECT\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert distinct_select(q) == q


# ------------------------------------------------------------------ labels by language


def test_labels_in_the_language_asked_for(corpus_build: Path) -> None:
    q = "SELECT ?l WHERE { ?a skos:notation ?c ; rdfs:label ?l FILTER(STR(?c) = '220200') }"
    assert _sparql(corpus_build, q)[1].split() == ["l", "吉林市"]
    assert _sparql(corpus_build, q, "--lang", "en")[1].strip().splitlines() == ["l", "Jilin City"]
    assert sorted(_sparql(corpus_build, q, "--lang", "all")[1].strip().splitlines()) == [
        "Jilin City",
        "l",
        "吉林市",
    ]
    code, output = _sparql(corpus_build, q, "--lang", "fr")
    assert code == 2 and "hint:" in output
    kg = KnowledgeGraph.open(corpus_build)
    assert kg.sparql(q)["l"].tolist() == ["吉林市"]
    assert kg.label("https://w3id.org/govkg/id/area/220200") == "吉林市"
    kg.lang = "en"
    assert kg.sparql(q)["l"].tolist() == ["Jilin City"]
    assert kg.label("https://w3id.org/govkg/id/area/220200") == "Jilin City"


def test_a_label_only_in_another_language_is_kept_and_limit_counts_rows_kept(
    corpus_build: Path,
) -> None:
    store = open_store(corpus_build)
    q = "SELECT ?a ?l WHERE { ?o gk:area ?a . ?a rdfs:label ?l } ORDER BY ?a ?l"
    every = run_query(store, q, distinct=True)[1]
    zh = run_query(store, q, distinct=True, lang="zh")[1]
    areas = {r["a"] for r in every}
    assert {r["a"] for r in zh} == areas and len(zh) == len(areas) < len(every)
    en = run_query(store, q + " LIMIT 3 OFFSET 1", distinct=True, lang="en")[1]
    assert en == run_query(store, q, distinct=True, lang="en")[1][1:4]


# ------------------------------------------------------------------ readable errors


def test_syntax_error_counts_the_users_lines_and_points_at_the_spot(corpus_build: Path) -> None:
    code, output = _sparql(corpus_build, "SELECT ?x WHERE {\n  ?x gk:rank ?y .\n  ?x gk:rnk 中 }")
    assert code == 1
    assert "line 3" in output and "line 14" not in output
    code, output = _sparql(corpus_build, "SELECT ?x WHERE {\n  ?x foo:bar ?y }")
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == "error: SPARQL syntax error at line 2, column 6: unknown prefix 'foo:'"
    assert lines[1] == "2 |   ?x foo:bar ?y }"
    assert lines[2] == "  |      ^"
    assert lines[3].startswith("hint: declared prefixes are dcterms:, gk:, gkd:")
    assert "['" not in output and "u{" not in output  # no grammar character classes


def test_syntax_error_names_a_prefix_the_query_declares_and_an_unclosed_string() -> None:
    store = ox.Store()
    with pytest.raises(QuerySyntaxError) as info:
        run_query(store, "PREFIX ex: <http://e/>\nSELECT * { ?s ex:a ?o ; exx:b ?z }")
    assert (info.value.line, info.value.column) == (2, 25)
    assert "ex:" in info.value.hint and "exx:" in str(info.value)
    with pytest.raises(QuerySyntaxError, match="string is not closed") as info:
        run_query(store, 'SELECT * {\n ?s ?p "中文 }')
    assert info.value.excerpt().splitlines()[1] == "  |        ^"


def test_every_cli_error_is_one_line_and_a_hint(tmp_path: Path, corpus_build: Path) -> None:
    cases = [
        (["sparql", "--out", str(tmp_path), "SELECT * {}"], 1),
        (["sparql", "--out", str(corpus_build), "--format", "xml", "SELECT * {}"], 2),
        (["validate", "--out", str(tmp_path)], 1),
        (["sparql", "--out", str(corpus_build), "SELECT * {" + "{" * 300 + "}" * 300 + "}"], 1),
    ]
    for args, want in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == want, result.output
        lines = result.output.strip().splitlines()
        assert lines[0].startswith("error: "), result.output
        assert lines[-1].startswith("hint: "), result.output
        assert len(lines) in (2, 4), result.output  # a syntax error shows line and caret


# ------------------------------------------------------------------ the docs' examples


def _examples(path: Path) -> list[tuple[str, str | None]]:
    """Each ```sparql block of ``path`` with the ```text block right after it, if any."""
    text = path.read_text(encoding="utf-8")
    found = []
    for m in re.finditer(r"```sparql\n(.*?)```\n(?:\s*```text\n(.*?)```)?", text, re.DOTALL):
        found.append((m.group(1), m.group(2)))
    return found


def _table(expected: str) -> tuple[list[list[str]], int]:
    """Rows of an output block (cells split on ' | ') and the row count a closing
    '… N rows' line gives (else the rows shown)."""
    rows = [line.split(" | ") for line in expected.strip().splitlines()]
    total = len(rows) - 1
    if rows and (m := re.fullmatch(r"… (\d+) rows?", rows[-1][0])):
        rows.pop()
        total = int(m.group(1))
    return rows, total


def test_every_docs_sparql_example_runs_and_prints_what_the_docs_show(
    corpus_build: Path,
) -> None:
    examples = [(path, q, out) for path in DOCS for q, out in _examples(path)]
    assert len(examples) >= 10
    kg = KnowledgeGraph.open(corpus_build)
    for path, query, expected in examples:
        df = kg.sparql(query)
        where = f"{path.name}: {query.splitlines()[0]}…"
        assert expected is not None, f"{where} has no output block after it"
        rows, total = _table(expected)
        assert rows[0] == list(df.columns), where
        assert len(df) == total, f"{where} gives {len(df)} rows, the docs say {total}"
        got = [["" if v is None or v != v else str(v) for v in r] for r in df.values.tolist()]
        assert got[: len(rows) - 1] == rows[1:], where


def test_readme_tour_sparql_command_prints_what_the_readme_shows(corpus_build: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"govkg sparql '(.*?)'", readme, re.DOTALL)
    assert query is not None
    result = runner.invoke(app, ["sparql", "--out", str(corpus_build), query.group(1)])
    assert result.exit_code == 0, result.output
    shown = re.search(r"```text\n(┏.*?)```", readme, re.DOTALL)
    assert shown is not None, "the README shows the tour query's output"
    assert result.output.strip() == shown.group(1).strip()


def test_a_syntax_error_shows_the_users_own_line_not_the_rewritten_one(
    corpus_build: Path,
) -> None:
    code, output = _sparql(corpus_build, "SELECT ?x WHERE { ?x foo:bar ?y }")
    assert code == 1
    assert "line 1, column 22" in output
    assert "1 | SELECT ?x WHERE" in output and "DISTINCT" not in output
