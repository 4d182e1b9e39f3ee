"""The SPARQL 1.1 Protocol endpoint, exercised with a real HTTP client on a free port."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.graph.serve import SparqlEndpoint, negotiate
from govkg.graph.sparql import open_store, run_query

GKD = "https://w3id.org/govkg/id/"
COUNT_DOCS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a gk:SourceDocument }"
HOSTILE = [
    'a "quoted" name',
    "it's",
    "x}) DETACH DELETE n //",
    "back\\slash\\",
    "{brace}",
    "line one\nline two",
    "吉林市（丰满区）网格党支部",
]


@pytest.fixture(scope="module")
def endpoint(corpus_build: Path) -> Iterator[SparqlEndpoint]:
    with SparqlEndpoint(corpus_build, port=0) as ep:
        yield ep


def http(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def get(
    ep: SparqlEndpoint, query: str, accept: str | None = None, **extra: str
) -> tuple[int, str, bytes]:
    params = urllib.parse.urlencode({"query": query, **extra})
    return http(f"{ep.url}?{params}", headers={"Accept": accept} if accept else None)


def bindings(body: bytes) -> list[dict[str, str]]:
    data = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


@pytest.mark.server
def test_get_returns_sparql_json(endpoint: SparqlEndpoint) -> None:
    status, ctype, body = get(endpoint, COUNT_DOCS)
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    data = json.loads(body)
    assert data["head"]["vars"] == ["n"]
    assert data["results"]["bindings"][0]["n"]["datatype"].endswith("#integer")
    assert bindings(body) == [{"n": "5"}]


@pytest.mark.server
def test_post_query_and_form(endpoint: SparqlEndpoint) -> None:
    status, _, body = http(
        endpoint.url,
        data=COUNT_DOCS.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 200 and bindings(body) == [{"n": "5"}]
    form = urllib.parse.urlencode({"query": COUNT_DOCS}).encode()
    status, _, body = http(
        endpoint.url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200 and bindings(body) == [{"n": "5"}]


@pytest.mark.server
def test_csv_tsv_and_xml(endpoint: SparqlEndpoint) -> None:
    query = (
        'SELECT DISTINCT ?rank ?step WHERE { ?m skos:prefLabel "六步工作法"@zh ; gk:hasStep ?s .'
        " ?s gk:rank ?rank ; skos:prefLabel ?step } ORDER BY ?rank"
    )
    status, ctype, body = get(endpoint, query, "text/csv")
    assert status == 200 and ctype.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert [r["step"] for r in rows] == ["摸底", "组建", "收集", "会商", "落实", "评价"]
    status, ctype, body = get(endpoint, query, "text/tab-separated-values")
    assert status == 200 and ctype.startswith("text/tab-separated-values")
    assert body.decode("utf-8").splitlines()[0] == "?rank\t?step"
    status, ctype, body = get(endpoint, query, "application/sparql-results+xml")
    assert status == 200 and "xml" in ctype
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    steps = [
        e.text for e in ET.fromstring(body).findall(".//r:binding[@name='step']/r:literal", ns)
    ]
    assert steps[0] == "摸底" and len(steps) == 6


@pytest.mark.server
def test_ask_and_construct(endpoint: SparqlEndpoint) -> None:
    status, _, body = get(endpoint, "ASK { ?o a gk:StatisticObservation }")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    construct = "CONSTRUCT { ?d gk:docId ?id } WHERE { ?d gk:docId ?id }"
    status, ctype, body = get(endpoint, construct, "text/turtle")
    assert status == 200 and ctype.startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 5


@pytest.mark.server
def test_default_graph_uri_selects_one_source(endpoint: SparqlEndpoint) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?o a gk:StatisticObservation }"
    _, _, everything = get(endpoint, query)
    doc = GKD + "doc/004_76ec77ba1fea5230"
    _, _, one = get(endpoint, query, **{"default-graph-uri": doc})
    assert 0 < int(bindings(one)[0]["n"]) < int(bindings(everything)[0]["n"])
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    _, _, graphs = get(endpoint, named, **{"named-graph-uri": doc})
    assert bindings(graphs) == [{"g": doc}]


@pytest.mark.server
def test_errors_are_readable(endpoint: SparqlEndpoint) -> None:
    status, ctype, body = get(endpoint, "SELECT ?x WHERE { ?x ")
    assert status == 400 and ctype.startswith("text/plain")
    assert b"SPARQL syntax error" in body
    status, _, body = http(
        endpoint.url,
        data=b"INSERT DATA { <a:b> <a:c> <a:d> }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert status == 405 and b"read-only" in body
    status, _, _ = http(endpoint.url, data=b"{}", headers={"Content-Type": "application/json"})
    assert status == 415
    status, _, _ = get(endpoint, COUNT_DOCS, "image/png")
    assert status == 406
    status, _, _ = http(endpoint.url.replace("/sparql", "/other"))
    assert status == 404


def test_content_negotiation() -> None:
    offers = [("application/sparql-results+json", 1), ("text/csv", 2)]
    assert negotiate(None, offers) == offers[0]
    assert negotiate("text/csv;q=0.9, application/sparql-results+json;q=0.5", offers) == offers[1]
    assert negotiate("text/*", offers) == offers[1]
    assert negotiate("*/*", offers) == offers[0]
    assert negotiate("image/png", offers) is None


def sparql_string(value: str) -> str:
    """A SPARQL string literal of ``value`` (ECHAR escapes)."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


@pytest.mark.server
def test_hostile_literals_match_literally(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    g = ox.NamedNode(GKD + "doc/hostile")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [
        ox.Quad(ox.NamedNode(f"{GKD}unit/h{i}"), label, ox.Literal(name, language="zh"), g)
        for i, name in enumerate(HOSTILE)
    ]
    store = ox.Store(str(out / "store"))
    store.extend(quads)
    store.flush()
    del store
    query = "SELECT ?s ?name WHERE { ?s rdfs:label ?name }"
    for i, name in enumerate(HOSTILE):
        # the embedded store, with the value bound apart from the query text
        _, rows = run_query(open_store(out), query, {"name": ox.Literal(name, language="zh")})
        assert rows == [{"s": f"{GKD}unit/h{i}", "name": name}], repr(name)
    with SparqlEndpoint(out, port=0) as ep:
        for i, name in enumerate(HOSTILE):
            literal = sparql_string(name) + "@zh"
            status, _, body = get(ep, f"SELECT ?s WHERE {{ ?s rdfs:label {literal} }}")
            assert status == 200 and bindings(body) == [{"s": f"{GKD}unit/h{i}"}], repr(name)


@pytest.mark.server
def test_serve_sparql_command(corpus_build: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govkg.graph.cli",
            "serve",
            "sparql",
            "--port",
            "0",
            "--out",
            str(corpus_build),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", line)
        assert match, line
        url = match.group(1)
        status, _, body = http(f"{url}?{urllib.parse.urlencode({'query': COUNT_DOCS})}")
        assert status == 200 and bindings(body) == [{"n": "5"}]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0


def test_sparql_command_errors_are_readable(corpus_build: Path) -> None:
    from typer.testing import CliRunner

    from govkg.graph.cli import app

    result = CliRunner().invoke(app, ["sparql", "SELECT ?x WHERE {", "--out", str(corpus_build)])
    assert result.exit_code == 1
    assert "SPARQL syntax error" in result.output and "Traceback" not in result.output


@pytest.mark.server
def test_each_answer_once_over_the_union(endpoint: SparqlEndpoint) -> None:
    query = (
        "PREFIX gk: <https://w3id.org/govkg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        'SELECT ?label WHERE { ?l skos:inScheme/skos:prefLabel "五级组织体系"@zh ; '
        "skos:prefLabel ?label }"
    )
    status, _, body = get(endpoint, query)
    assert status == 200
    labels = [b["label"] for b in bindings(body)]
    assert len(labels) == len(set(labels)) == 5
