"""The HTML views in a real browser: Debian's chromium driven by Playwright opens every page
from file://, and the tests check that nothing is fetched, nothing fails, the networks hold
the numbers of nodes and edges that SPARQL finds in the graph, and that hostile labels are
shown as text without running. Screenshots go to tests/artifacts/views/."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from govkg.graph import views
from govkg.graph.views import config, layout, records, write_views
from govkg.graph.views.pages.sources import obs_node
from govkg.graph.views.render import json_for_html
from govkg.ontology import GK, ONTOLOGY_IRI, PREFIXES, ontology_triples

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "views" / "mini.trig"
ARTIFACTS = ROOT / "tests" / "artifacts" / "views"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWS = ["org-chain", "alliances", "working-groups", "baobao", "mechanisms", "sources"]
HOSTILE = ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">')
LOCAL = re.compile(r"^(file|data):")


# --------------------------------------------------------------------------------------
# builds


@pytest.fixture(scope="session")
def views_build(corpus_build: Path) -> Path:
    """The corpus build: the build itself writes the views."""
    return corpus_build


def _fixture_out(target: Path) -> Path:
    """An output folder whose store holds the ontology and the hand-made fixture graph."""
    target.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(target / "store"))
    onto = ox.NamedNode(ONTOLOGY_IRI)
    store.extend([ox.Quad(t.subject, t.predicate, t.object, onto) for t in ontology_triples()])
    store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    return target


@pytest.fixture(scope="session")
def fixture_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = _fixture_out(tmp_path_factory.mktemp("views-fixture"))
    summary = write_views(out)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return out


def _summary(out: Path) -> dict[str, Any]:
    path = out / "summary.json"
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    return dict(json.loads((out / "report.json").read_text(encoding="utf-8"))["views"])


def _pages(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for v in summary["views"] for p in [v, *v.get("pages", [])]]


# --------------------------------------------------------------------------------------
# what the graph says the views should hold, computed here with SPARQL


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    head = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
    result = store.query(head + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple("" if s[n] is None else s[n].value for n in names) for s in result]


def _set(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    return set(_rows(store, query))


NOT_ROSTER = "FILTER NOT EXISTS { ?a prov:wasDerivedFrom ?row . ?row a gk:RosterRow }"
IS_ROSTER = "FILTER EXISTS { ?a prov:wasDerivedFrom ?row . ?row a gk:RosterRow }"


def expected_org_chain(store: ox.Store) -> tuple[int, int]:
    levels = _set(
        store,
        "SELECT DISTINCT ?l ?r WHERE { ?l skos:inScheme gkd:scheme\\/org-chain ; gk:rank ?r }",
    )
    with_broader = _set(
        store,
        """SELECT DISTINCT ?l WHERE { ?l skos:inScheme gkd:scheme\\/org-chain ; skos:broader ?b .
           ?b skos:inScheme gkd:scheme\\/org-chain }""",
    )
    rank_of = {lvl: int(r) for lvl, r in levels}
    wanted = {int(k): set(v) for k, v in config()["chain_measures"].items()}
    stats = _set(
        store,
        """SELECT DISTINCT ?ml ?m ?a ?v ?u WHERE { ?o a gk:StatisticObservation ; gk:measure ?m ;
             gk:value ?v0 . ?m skos:prefLabel ?ml . OPTIONAL { ?o gk:area ?a }
             OPTIONAL { ?o gk:unit ?u } BIND(xsd:decimal(?v0) AS ?v) }""",
    )
    groups = {
        (lvl, m, a, v, u)
        for lvl, rank in rank_of.items()
        for ml, m, a, v, u in stats
        if ml in wanted.get(rank, set())
    }
    with_units = _set(store, "SELECT DISTINCT ?l WHERE { ?cls gk:chainLevel ?l . ?u a ?cls }")
    nodes = 1 + len(rank_of) + len(groups) + len(with_units)
    tops = len(rank_of) - len(with_broader)
    edges = len(with_broader) + tops + len(groups) + len(with_units)
    return nodes, edges


def expected_alliances(store: ox.Store) -> tuple[int, int]:
    kinds = {
        a for (a,) in _set(store, f"SELECT DISTINCT ?a WHERE {{ ?a a gk:Alliance {NOT_ROSTER} }}")
    }
    ms = _set(
        store,
        f"""SELECT DISTINCT ?ms ?a ?m WHERE {{ ?ms org:organization ?a ; org:member ?m .
            ?a a gk:Alliance {NOT_ROSTER} }}""",
    )
    members = {m for _ms, _a, m in ms}
    broader = {
        k: b
        for k, b in _rows(
            store,
            "SELECT ?k (MIN(STR(?b)) AS ?bb) WHERE { ?k a gk:UnitKind ; skos:broader ?b } GROUP BY ?k",
        )
        if k in members
    }
    nodes = len(kinds | members | set(broader.values()))
    return nodes, len(ms) + len(broader)


def expected_roster_alliances(store: ox.Store) -> tuple[int, int]:
    alliances = {
        a for (a,) in _set(store, f"SELECT DISTINCT ?a WHERE {{ ?a a gk:Alliance {IS_ROSTER} }}")
    }
    ms = _set(
        store,
        f"""SELECT DISTINCT ?ms ?a ?m WHERE {{ ?ms org:organization ?a ; org:member ?m .
            ?a a gk:Alliance {IS_ROSTER} }}""",
    )
    return len(alliances | {m for _ms, _a, m in ms}), len(ms)


def expected_working_groups(store: ox.Store) -> tuple[int, int]:
    committees = {c for (c,) in _set(store, "SELECT DISTINCT ?c WHERE { ?c a gk:Committee }")}
    links = _set(store, "SELECT DISTINCT ?w ?c WHERE { ?w a gk:WorkingGroup ; gk:committee ?c }")
    themes_of = _set(
        store,
        "SELECT DISTINCT ?w ?t WHERE { ?w a gk:WorkingGroup ; gk:committee ?c ; gk:theme ?t }",
    )
    themes = {t for _w, t in themes_of}
    covered: dict[str, set[str]] = defaultdict(set)
    for w, c in links:
        covered[c] |= {t for ww, t in themes_of if ww == w}
    markers = sum(len(themes - covered[c]) for c in {c for _w, c in links})
    groups = {w for w, _c in links}
    nodes = len(committees | {c for _w, c in links}) + len(groups) + len(themes) + markers
    return nodes, len(links) + len(themes_of) + markers


def expected_baobao(store: ox.Store) -> tuple[int, int]:
    systems = {
        s
        for (s,) in _set(
            store,
            """SELECT DISTINCT ?s WHERE { { ?s a gk:ResponsibilitySystem } UNION
               { ?ra a gk:ResponsibilityAssignment ; gk:partOf ?s ; gk:cadreRank ?cr } }""",
        )
    }
    tiers = _set(
        store,
        """SELECT DISTINCT ?s ?cr ?cl WHERE { ?ra a gk:ResponsibilityAssignment ; gk:partOf ?s ;
           gk:cadreRank ?cr ; gk:coveredLevel ?cl FILTER NOT EXISTS { ?ra gk:cadre ?x } }""",
    )
    roster = _set(
        store,
        """SELECT DISTINCT ?s ?cr WHERE { ?ra a gk:ResponsibilityAssignment ; gk:partOf ?s ;
           gk:cadreRank ?cr ; gk:cadre ?x }""",
    )
    nodes, edges = len(systems), 0
    for s in systems:
        cadres = {cr for ss, cr, _cl in tiers if ss == s} | {cr for ss, cr in roster if ss == s}
        levels = {cl for ss, _cr, cl in tiers if ss == s}
        pairs = {(cr, cl) for ss, cr, cl in tiers if ss == s}
        nodes += len(cadres) + len(levels)
        edges += (1 if cadres else 0) + max(0, len(cadres) - 1) + max(0, len(levels) - 1)
        edges += len(pairs)
    return nodes, edges


def expected_mechanisms(store: ox.Store) -> tuple[int, int]:
    rows = _set(
        store,
        """SELECT DISTINCT ?m ?s ?k WHERE { ?m a gk:Mechanism ; gk:hasStep ?s .
           OPTIONAL { ?s gk:stepKind ?k } }""",
    )
    users: dict[str, set[str]] = defaultdict(set)
    for m, _s, k in rows:
        if k:
            users[k].add(m)
    shared = {k for k, ms in users.items() if len(ms) > 1}
    mechanisms = {m for m, _s, _k in rows}
    steps = {(m, s) for m, s, _k in rows}
    nodes = len(mechanisms) + len({s for _m, s in steps}) + len(shared)
    edges = len(steps) + len({(m, s) for m, s, k in rows if k in shared})
    return nodes, edges


def expected_sources(store: ox.Store) -> tuple[int, int]:
    docs = {d for (d,) in _set(store, "SELECT DISTINCT ?d WHERE { ?d a gk:SourceDocument }")}
    shown = {
        o
        for (o,) in _set(
            store,
            """SELECT DISTINCT ?o WHERE { ?o a gk:StatisticObservation ; gk:measure ?m ;
               gk:value ?v ; gk:reportedIn ?d . ?d a gk:SourceDocument }""",
        )
    }
    pairs = {
        tuple(sorted((a, b)))
        for a, b in _set(store, "SELECT DISTINCT ?a ?b WHERE { ?a gk:conflictsWith ?b }")
        if a in shown and b in shown and a != b
    }
    return len(docs) + len(shown), len(shown) + len(pairs)


EXPECTED = {
    "org-chain": expected_org_chain,
    "alliances": expected_alliances,
    "working-groups": expected_working_groups,
    "baobao": expected_baobao,
    "mechanisms": expected_mechanisms,
    "sources": expected_sources,
}


def expected_units(store: ox.Store) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Units per chain rank, and per street the nodes and edges of its page (to rank 4)."""
    units = _set(
        store,
        """SELECT DISTINCT ?u ?r WHERE { ?cls gk:chainLevel ?l . ?l gk:rank ?r . ?u a ?cls }""",
    )
    per_rank: dict[str, int] = defaultdict(int)
    for _u, r in units:
        per_rank[r] += 1
    rank_of = {u: int(r) for u, r in units}
    below = _set(
        store,
        """SELECT DISTINCT ?s ?u WHERE { ?s a gk:StreetPartyWorkingCommittee .
           ?u org:subOrganizationOf+ ?s }""",
    )
    pages: dict[str, tuple[int, int]] = {}
    for (s,) in _set(store, "SELECT DISTINCT ?s WHERE { ?s a gk:StreetPartyWorkingCommittee }"):
        n = 1 + sum(1 for ss, u in below if ss == s and rank_of.get(u, 9) <= 4)
        pages[s] = (n, n - 1)
    return dict(per_rank), pages


# --------------------------------------------------------------------------------------
# the browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Opened:
    """A page opened from file:// with every console error and outside request recorded."""

    def __init__(
        self, browser: Any, path: Path, wait: bool = True, size: tuple[int, int] = (1400, 900)
    ) -> None:
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        # anything that is not a local file is refused outright, and recorded below
        self.context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "request", lambda r: None if LOCAL.match(r.url) else self.outside.append(r.url)
        )
        self.page.goto(path.as_uri())
        if wait:
            self.page.wait_for_function("window.__govkgReady !== undefined", timeout=20000)

    def counts(self) -> tuple[int, int]:
        n, e = self.page.evaluate(
            "[network.body.data.nodes.length, network.body.data.edges.length]"
        )
        return int(n), int(e)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def click_node(self, key_text: str) -> None:
        """Click, with the mouse, the first node whose label contains ``key_text``."""
        node_id = self.page.evaluate(
            """(t) => { const n = govkgView.data.nodes.find(
                 x => (x.tz || x.zh).includes(t)); return n ? n.id : null; }""",
            key_text,
        )
        assert node_id is not None, key_text
        self.page.evaluate("(id) => network.focus(id, {scale: 1, animation: false})", node_id)
        pos = self.page.evaluate(
            """(id) => { const p = network.canvasToDOM(network.getPosition(id));
                 const r = document.getElementById('network').getBoundingClientRect();
                 return [r.left + p.x, r.top + p.y]; }""",
            node_id,
        )
        self.page.mouse.move(pos[0], pos[1])
        self.page.wait_for_timeout(400)
        self.page.mouse.click(pos[0], pos[1])
        self.page.mouse.move(pos[0] + 2, pos[1] + 1)
        self.page.wait_for_timeout(400)

    def close(self) -> None:
        self.context.close()


def _open(
    browser: Any, path: Path, wait: bool = True, size: tuple[int, int] = (1400, 900)
) -> Opened:
    return Opened(browser, path, wait, size)


# --------------------------------------------------------------------------------------
# the files


def test_build_writes_every_view(views_build: Path) -> None:
    report = json.loads((views_build / "report.json").read_text(encoding="utf-8"))
    views = report["views"]["views"]
    assert [v["id"] for v in views] == VIEWS
    assert (views_build / "views" / "index.html").is_file()
    for page in _pages(report["views"]):
        html = (views_build / page["file"]).read_text(encoding="utf-8")
        assert '<meta charset="utf-8">' in html
        # nothing is loaded from anywhere: no external script, stylesheet, image or frame
        assert not re.search(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)=", html)
        assert "cdn" not in html.lower().split("<script>")[0]


@pytest.mark.browser
def test_index_links_every_page(views_build: Path, browser: Any) -> None:
    opened = _open(browser, views_build / "views" / "index.html", wait=False)
    try:
        hrefs = opened.page.evaluate(
            "[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
        )
        assert opened.errors == [] and opened.outside == []
        opened.screenshot("index")
    finally:
        opened.close()
    summary = json.loads((views_build / "report.json").read_text(encoding="utf-8"))["views"]
    for page in _pages(summary):
        assert Path(page["file"]).name in hrefs
    for href in hrefs:
        assert (views_build / "views" / href).is_file()


@pytest.mark.browser
@pytest.mark.parametrize("view", VIEWS)
def test_view_in_browser(views_build: Path, browser: Any, view: str) -> None:
    summary = json.loads((views_build / "report.json").read_text(encoding="utf-8"))["views"]
    entry = next(v for v in summary["views"] if v["id"] == view)
    store = ox.Store.read_only(str(views_build / "store"))
    try:
        expected = EXPECTED[view](store)
    finally:
        del store
    opened = _open(browser, views_build / entry["file"])
    try:
        assert opened.errors == []
        assert opened.outside == []
        assert opened.counts() == expected == (entry["nodes"], entry["edges"])
        assert expected[0] > 0
        # physics is off: the layout is fixed and does not move after the first frame
        moving = opened.page.evaluate(
            "network.physics.options.enabled || network.physics.physicsEnabled"
        )
        assert moving is False
        opened.screenshot(view)
    finally:
        opened.close()


@pytest.mark.browser
def test_search_filter_and_language(views_build: Path, browser: Any) -> None:
    opened = _open(browser, views_build / "views" / "working-groups.html")
    try:
        page = opened.page
        page.fill("#q", "警地融合")
        assert int(page.text_content("#hits") or 0) >= 2
        page.check("#only")
        hidden = page.evaluate("govkgView.nodes.get().filter(n => n.hidden).length")
        assert hidden > 0
        page.uncheck("#only")
        page.fill("#q", "")
        first_legend = page.locator("#legend input[type=checkbox]").first
        first_legend.uncheck()
        assert page.evaluate("govkgView.nodes.get().filter(n => n.hidden).length") > 0
        first_legend.check()
        page.click("#lang")
        labels = page.evaluate("govkgView.nodes.get().map(n => n.label).join(' ')")
        assert "grid governance" in labels
        assert page.text_content("h1") == "Thematic working groups"
        assert opened.errors == [] and opened.outside == []
        opened.screenshot("working-groups-en")
    finally:
        opened.close()


@pytest.mark.browser
def test_hover_shows_source_and_quote(views_build: Path, browser: Any) -> None:
    opened = _open(browser, views_build / "views" / "org-chain.html")
    try:
        stat = opened.page.evaluate(
            "govkgView.data.nodes.find(n => n.g === 'ConflictingObservation' || n.g === 'StatisticObservation').zh"
        )
        opened.click_node(stat.split("\n")[0])
        tip = opened.page.text_content("div.vis-tooltip") or ""
        assert "原文 / quote" in tip and "来源 / source" in tip and "《" in tip
        details = opened.page.text_content("#details") or ""
        assert "原文 / quote" in details
        opened.screenshot("org-chain-hover")
    finally:
        opened.close()


# --------------------------------------------------------------------------------------
# the hand-made fixture: rosters, drill-down pages and hostile labels


@pytest.mark.browser
def test_fixture_pages_hold_what_sparql_finds(fixture_out: Path, browser: Any) -> None:
    summary = _summary(fixture_out)
    store = ox.Store.read_only(str(fixture_out / "store"))
    try:
        expected = {v: EXPECTED[v](store) for v in VIEWS}
        per_rank, streets = expected_units(store)
        roster_alliances = expected_roster_alliances(store)
    finally:
        del store
    chain = next(v for v in summary["views"] if v["id"] == "org-chain")
    files = {Path(p["file"]).name: p for p in chain["pages"]}
    assert files["org-units.html"]["nodes"] == per_rank["1"] + per_rank["2"]
    street_pages = sorted(f for f in files if f.startswith("org-street-"))
    assert len(street_pages) == len(streets)
    assert sorted((files[f]["nodes"], files[f]["edges"]) for f in street_pages) == sorted(
        streets.values()
    )
    alliance_view = next(v for v in summary["views"] if v["id"] == "alliances")
    roster_pages = alliance_view["pages"]
    assert len(roster_pages) == 1
    assert (roster_pages[0]["nodes"], roster_pages[0]["edges"]) == roster_alliances
    for page in _pages(summary):
        opened = _open(browser, fixture_out / page["file"])
        try:
            assert opened.errors == [] and opened.outside == []
            assert opened.counts() == (page["nodes"], page["edges"])
            view = next((v["id"] for v in summary["views"] if v["file"] == page["file"]), None)
            if view is not None:
                assert opened.counts() == expected[view]
            name = Path(page["file"]).stem
            if name in ("org-units", "org-street-001", "alliances-roster-001"):
                opened.screenshot(f"fixture-{name}")
        finally:
            opened.close()


@pytest.mark.browser
def test_hostile_labels_are_shown_and_run_nothing(fixture_out: Path, browser: Any) -> None:
    summary = _summary(fixture_out)
    for page in _pages(summary):
        raw = (fixture_out / page["file"]).read_text(encoding="utf-8")
        # the labels reach the page only inside JSON, with < and > escaped
        for text in HOSTILE:
            assert text not in raw
        opened = _open(browser, fixture_out / page["file"])
        try:
            assert opened.page.evaluate("typeof window.__pwned") == "undefined"
            assert opened.page.evaluate("document.querySelectorAll('img').length") == 0
        finally:
            opened.close()
    targets = [("views/mechanisms.html", HOSTILE[1])]
    for file in ("views/org-street-001.html", "views/org-street-002.html"):
        html = (fixture_out / file).read_text(encoding="utf-8")
        for text in HOSTILE:
            if (
                json.dumps(text + "街道党工委", ensure_ascii=False)[1:-1]
                .replace("<", "\\u003c")
                .replace(">", "\\u003e")
                in html
            ):
                targets.append((file, text + "街道党工委"))
    assert len(targets) == 3
    for file, text in targets:
        opened = _open(browser, fixture_out / file)
        try:
            page = opened.page
            assert page.evaluate(
                "(t) => govkgView.data.nodes.some(n => (n.tz || n.zh) === t)", text
            )
            opened.click_node(text)
            details = page.text_content("#details") or ""
            tip = page.text_content("div.vis-tooltip") or ""
            assert text in details and text in tip
            drawn = page.evaluate(
                """(t) => { const n = govkgView.data.nodes.find(x => (x.tz || x.zh) === t);
                     return network.body.nodes[n.id].labelModule.lines
                       .map(l => l.blocks.map(b => b.text).join('')).join('\\n'); }""",
                text,
            )
            # what the canvas draws is the (wrapped) label itself, markup and all
            wrapped = page.evaluate(
                "(t) => govkgView.data.nodes.find(x => (x.tz || x.zh) === t).zh", text
            )
            assert drawn.replace("\u200b", "").replace("\n", "") == wrapped.replace("\n", "")
            assert "<" in wrapped
            assert (
                page.evaluate("document.querySelectorAll('#details *:is(script, img)').length") == 0
            )
            assert page.evaluate("document.querySelectorAll('div.vis-tooltip img').length") == 0
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert opened.errors == []
            if HOSTILE[0] in text:
                opened.screenshot("fixture-hostile-label")
        finally:
            opened.close()
    # a quote and a document title with markup, on the sources page
    opened = _open(browser, fixture_out / "views" / "sources.html")
    try:
        opened.click_node("48")
        tip = opened.page.text_content("div.vis-tooltip") or ""
        assert HOSTILE[1] in tip and HOSTILE[0] in tip
        assert opened.page.evaluate("typeof window.__pwned") == "undefined"
    finally:
        opened.close()


def test_views_are_deterministic(fixture_out: Path, tmp_path: Path) -> None:
    """Same graph, same bytes, whatever the hash seed of the Python that writes them."""
    copies = []
    for seed in ("1", "2"):
        out = _fixture_out(tmp_path / f"seed{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "govkg.graph.views", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        copies.append({p.name: p.read_bytes() for p in sorted((out / "views").iterdir())})
    assert copies[0] == copies[1]
    assert copies[0].keys() == {p.name for p in (fixture_out / "views").iterdir()}
    for name, data in copies[0].items():
        assert data == (fixture_out / "views" / name).read_bytes(), name


def test_sources_details_say_what_a_statistic_counts(views_build: Path) -> None:
    """A statistic's details on 来源与冲突 give its gk:countScope in both languages: a count
    of all there is (全市289个社区) against one of those that did something (6个社区入围…),
    which is why only totals are linked as conflicts (48 against 68 街道 is none)."""
    store = ox.Store.read_only(str(views_build / "store"))
    g = records.read_graph(store)
    scopes = {o.count_scope for o in g.obs.values()}
    # change: 行政编制数增加6.8%; per: a figure for each one of something (每个…)
    assert scopes == {"total", "subset", "change", "per"}
    for o in g.obs.values():
        rows = {(zh, en): v for zh, en, v, _ in obs_node(g, o, 240).info}
        assert rows[("计数范围", "count scope")] == views.COUNT_SCOPE_TEXT[o.count_scope]
        if o.count_scope == "subset":
            assert not o.conflicts, o.iri
    html = (views_build / "views" / "sources.html").read_text(encoding="utf-8")
    for text in views.COUNT_SCOPE_TEXT.values():
        assert json_for_html(text)[1:-1] in html
    streets = {
        o.value: o.count_scope
        for o in g.obs.values()
        if g.labels.zh(o.measure) == "街道" and o.value in ("48", "68")
    }
    assert streets == {"48": "subset", "68": "total"}


def test_corpus_views_are_deterministic(views_build: Path, corpus_build_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in (views_build / "views").iterdir()}
    summary = write_views(corpus_build_copy)  # written again, into a copy of the build
    after = {p.name: p.read_bytes() for p in (corpus_build_copy / "views").iterdir()}
    assert before == after
    report = json.loads((views_build / "report.json").read_text(encoding="utf-8"))
    assert report["views"] == summary


def test_pages_respect_the_node_cap(tmp_path: Path) -> None:
    """With a tiny cap, roster pages are split or aggregated, never over the cap."""
    out = _fixture_out(tmp_path / "capped")
    cfg = config()
    saved = cfg["page_node_cap"]
    cfg["page_node_cap"] = 4
    try:
        summary = write_views(out)
    finally:
        cfg["page_node_cap"] = saved
    chain = next(v for v in summary["views"] if v["id"] == "org-chain")
    alliances = next(v for v in summary["views"] if v["id"] == "alliances")
    for page in [*chain["pages"], *alliances["pages"]]:
        assert page["nodes"] <= 4, page
    overview = next(p for p in chain["pages"] if p["file"].endswith("org-units.html"))
    assert overview["nodes"] == 2 and overview["edges"] == 0  # streets, communities counted
    html = (out / "views" / "org-units.html").read_text(encoding="utf-8")
    assert "2个社区" in html and "1个社区" in html
    assert len(alliances["pages"]) == 2


# --------------------------------------------------------------------------------------
# reading the store: labels looked up as needed, roster units counted in the store


def _memory_store(trig: str) -> ox.Store:
    """An in-memory store holding the ontology and ``trig``."""
    store = ox.Store()
    onto = ox.NamedNode(ONTOLOGY_IRI)
    store.extend([ox.Quad(t.subject, t.predicate, t.object, onto) for t in ontology_triples()])
    store.load(trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def test_labels_read_in_one_pass_in_batches_or_one_by_one_agree() -> None:
    """The least label of a language wins, skos:prefLabel before rdfs:label, plain text
    before English where there is no Chinese; IRIs with unusual characters, blank nodes and
    labels holding SPARQL or HTML syntax come back the same whichever way they are read."""
    odd = "https://x.test/a%20b?q='1'&r=(2);s=$*+,#frag"
    hostile = '} } <script>x</script> \\ " . ?s'
    pref, label = (
        ox.NamedNode(PREFIXES["skos"] + "prefLabel"),
        ox.NamedNode(PREFIXES["rdfs"] + "label"),
    )
    blank = ox.BlankNode()
    g1, g2 = ox.NamedNode("https://x.test/g1"), ox.NamedNode("https://x.test/g2")
    store = _memory_store("")
    for s, p, o, g in [
        (ox.NamedNode(odd), label, ox.Literal("甲", language="zh"), g1),
        (ox.NamedNode(odd), label, ox.Literal("乙", language="zh"), g1),
        (ox.NamedNode(odd), pref, ox.Literal("丙", language="zh-cn"), g1),
        (ox.NamedNode(odd), label, ox.Literal("丁", language="zh"), g2),
        (ox.NamedNode("https://x.test/ü"), label, ox.Literal("plain"), g1),
        (ox.NamedNode("https://x.test/ü"), label, ox.Literal("Zed", language="en"), g1),
        (ox.NamedNode("https://x.test/ü"), pref, ox.Literal("B", language="en"), g2),
        (ox.NamedNode("https://x.test/en"), pref, ox.Literal("B", language="en"), g1),
        (ox.NamedNode("https://x.test/en"), label, ox.Literal("A", language="en"), g1),
        (ox.NamedNode("https://x.test/fr"), label, ox.Literal("seulement", language="fr"), g1),
        (blank, label, ox.Literal(hostile, language="zh"), g1),
    ]:
        store.add(ox.Quad(s, p, o, g))
    blank_key = str(blank)  # as records.lexical writes a blank node
    expected = {
        odd: ("丙", None),
        "https://x.test/ü": ("plain", "Zed"),
        "https://x.test/en": ("A", "A"),
        "https://x.test/fr": ("fr", None),
        "https://x.test/none": ("none", None),
        blank_key: (hostile, None),
        "not an IRI": ("not an IRI", None),
        "": ("", None),
    }

    def labels_of(labels: views.Labels) -> dict[str, tuple[str, str | None]]:
        return {k: (labels.zh(k), labels.en(k)) for k in expected}

    batched = views.Labels(store)
    batched.load(expected)
    in_one_pass = views.Labels(store)
    in_one_pass.take(in_one_pass.fetch("?s ?p ?o"))
    assert labels_of(views.Labels(store)) == expected  # one by one
    assert labels_of(batched) == expected
    assert labels_of(in_one_pass) == expected


CHAIN = [
    "StreetPartyWorkingCommittee",
    "CommunityPartyOrganization",
    "GridPartyBranch",
    "GridPartyGroup",
    "BuildingPartyGroup",
    "PartyMemberHousehold",
]


def _roster(rng: random.Random, odd: set[str]) -> str:
    """A small random roster as TriG: a tree with households as its leaves, except that
    units of the classes in ``odd`` may hold what a roster may: a second level, a second
    parent, units below them, parents outside the roster, cycles, statements repeated in
    a second graph."""
    n = rng.randint(1, 30)
    classes = rng.choices(CHAIN, weights=[1, 2, 3, 2, 3, 10], k=n)
    quads: list[tuple[str, str]] = []
    for i in range(n):
        unit, cls = f"<https://x.test/unit/{i}>", classes[i]
        mine = [f"{unit} a <{GK}{cls}> ."]
        if cls in odd:  # households stay leaves of one class unless they are odd too
            others = sorted(odd | set(CHAIN[:-1]))
            mine += [f"{unit} a <{GK}{rng.choice(others)}> ."] * (rng.random() < 0.08)
            parents = [j for j in range(n) if classes[j] in others]
            up = rng.sample(parents, k=min(len(parents), 1 + (rng.random() < 0.1)))
            mine += [f"{unit} org:subOrganizationOf <https://x.test/outside> ."] * (
                rng.random() < 0.05
            )
        else:
            above = [j for j in range(i) if classes[j] != "PartyMemberHousehold"]
            up = [rng.choice(above)] if above and rng.random() < 0.9 else []
        mine += [f"{unit} org:subOrganizationOf <https://x.test/unit/{j}> ." for j in up]
        quads += [(q, "g1") for q in mine]
        quads += [(q, "g2") for q in mine if (cls in odd or " a " in q) and rng.random() < 0.1]
    graphs = defaultdict(list)
    for q, g in quads:
        graphs[g].append(q)
    return "@prefix org: <http://www.w3.org/ns/org#> .\n" + "".join(
        f"<https://x.test/{g}> {{ {' '.join(qs)} }}\n" for g, qs in graphs.items()
    )


def _units_one_by_one(store: ox.Store) -> views.Units:
    """Roster units read as the views read them before households were counted in the
    store: every unit, its least (rank, class) and its least parent."""
    rows: dict[str, dict[str, Any]] = {}
    for u, cls, rank, parent in _rows(
        store,
        """SELECT DISTINCT ?u ?cls ?rank ?parent WHERE {
             ?cls gk:chainLevel ?lvl . ?lvl gk:rank ?rank . ?u a ?cls .
             OPTIONAL { ?u org:subOrganizationOf ?parent } }""",
    ):
        cur = rows.setdefault(u, {"cls": cls, "rank": int(rank), "parents": set()})
        if (int(rank), cls) < (cur["rank"], cur["cls"]):
            cur["rank"], cur["cls"] = int(rank), cls
        if parent:
            cur["parents"].add(parent)
    per_class: dict[str, int] = defaultdict(int)
    for d in rows.values():
        d["parent"] = min(d["parents"]) if d["parents"] else None
        per_class[d["cls"]] += 1
    return views.Units(rows, {}, dict(per_class), {})


def _same_units_as_one_by_one(store: ox.Store) -> views.Units:
    """Roster units as build_views reads them, checked against reading each: the units per
    class, and every unit read with its level, parent and the counts below it."""
    fast = records.unit_rows(records.read_graph(store))
    slow = _units_one_by_one(store)
    assert fast.per_class == slow.per_class
    for u, d in fast.rows.items():
        assert (d["cls"], d["rank"], d["parent"]) == tuple(
            slow.rows[u][k] for k in ("cls", "rank", "parent")
        )
    counts = layout.descendant_counts(layout.unit_children(slow.rows), slow)
    assert layout.descendant_counts(layout.unit_children(fast.rows), fast) == {
        u: counts[u] for u in fast.rows
    }
    return fast


def _read_households(units: views.Units) -> int:
    return sum(d["cls"] == GK + "PartyMemberHousehold" for d in units.rows.values())


@pytest.mark.parametrize("seed", range(80))
def test_households_counted_in_the_store_count_as_read_one_by_one(seed: int) -> None:
    """Households are counted per parent in the store where that gives what reading each
    would (one class, one parent, nothing below); the counts below every unit drawn and
    the units per class are the same either way, whatever irregularity a roster holds."""
    rng = random.Random(seed)
    # a regular roster, one with odd units above the households, one with odd households,
    # one with odd units everywhere
    odd = [set(), set(CHAIN[:-1]), set(CHAIN[-1:]), set(CHAIN)][seed % 4]
    units = _same_units_as_one_by_one(_memory_store(_roster(rng, odd)))
    if "PartyMemberHousehold" not in odd:  # counted, not read
        assert _read_households(units) == 0


@pytest.mark.parametrize(
    "odd",
    [
        "<https://x.test/h1> org:subOrganizationOf <https://x.test/b2> .",  # a second parent
        "<https://x.test/h1> a gk:BuildingPartyGroup .",  # a second level
        "<https://x.test/b3> org:subOrganizationOf <https://x.test/h1> .",  # a unit below
        "<https://x.test/o> org:subOrganizationOf <https://x.test/h2> .",  # anything below
    ],
)
def test_households_are_read_one_by_one_where_counting_would_differ(odd: str) -> None:
    roster = """<https://x.test/s> a gk:StreetPartyWorkingCommittee .
        <https://x.test/b1> a gk:BuildingPartyGroup ; org:subOrganizationOf <https://x.test/s> .
        <https://x.test/b2> a gk:BuildingPartyGroup ; org:subOrganizationOf <https://x.test/s> .
        <https://x.test/b3> a gk:BuildingPartyGroup .
        <https://x.test/h1> a gk:PartyMemberHousehold ; org:subOrganizationOf <https://x.test/b1> .
        <https://x.test/h2> a gk:PartyMemberHousehold ; org:subOrganizationOf <https://x.test/b1> .
        <https://x.test/h3> a gk:PartyMemberHousehold ; org:subOrganizationOf <https://x.test/b2> ."""
    head = f"@prefix org: <http://www.w3.org/ns/org#> . @prefix gk: <{GK}> .\n"
    household = GK + "PartyMemberHousehold"
    counted = _same_units_as_one_by_one(_memory_store(f"{head}<https://x.test/g1> {{ {roster} }}"))
    assert _read_households(counted) == 0
    assert counted.below == {
        "https://x.test/b1": {household: 2},
        "https://x.test/b2": {household: 1},
    }
    irregular = _memory_store(
        f"{head}<https://x.test/g1> {{ {roster} }} <https://x.test/g2> {{ {odd} }}"
    )
    assert _same_units_as_one_by_one(irregular).below == {}  # every household read


def test_memberships_are_named_where_that_tells_them_apart() -> None:
    """A membership's IRI is read where a unit joins an alliance twice or the membership is
    quoted (its sources are shown); the others are told apart by alliance and member."""
    store = _memory_store(
        f"""@prefix org: <http://www.w3.org/ns/org#> . @prefix gk: <{GK}> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        <https://x.test/g> {{
          <https://x.test/a> a gk:Alliance .
          <https://x.test/twice1> org:organization <https://x.test/a> ;
            org:member <https://x.test/u> ; gk:rank 2 .
          <https://x.test/twice2> org:organization <https://x.test/a> ;
            org:member <https://x.test/u> ; gk:rank 1 ; gk:role "牵头" .
          <https://x.test/quoted> org:organization <https://x.test/a> ;
            org:member <https://x.test/v> ; prov:wasDerivedFrom <https://x.test/span> .
          <https://x.test/span> gk:quote "原文" ; gk:inDocument <https://x.test/doc> .
          <https://x.test/plain> org:organization <https://x.test/a> ;
            org:member <https://x.test/w> ; gk:rank 3 .
        }}"""
    )
    g = records.read_graph(store)
    rows = records.alliance_rows(g).memberships
    assert [(m["ms"], m["m"], m["rank"], m["role"]) for m in rows] == [
        ("https://x.test/twice2", "https://x.test/u", "1", "牵头"),
        ("https://x.test/twice1", "https://x.test/u", "2", ""),
        ("", "https://x.test/w", "3", ""),
        ("https://x.test/quoted", "https://x.test/v", "", ""),
    ]
    assert g.sources("https://x.test/quoted") == [
        ("来源", "source", "doc", False),
        ("原文", "quote", "原文", True),
    ]


# --------------------------------------------------------------------------------------
# views that fit the screen, in both languages


SIZES = [(1280, 800), (1920, 1080)]
# pages too tall to show whole at a readable scale: every column is in view, rows go on below
TALL = {"mechanisms", "sources"}
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Records every text vis-network draws on the canvas, in the network's coordinates: the
# text, its left, middle, width and font size (vis draws with textAlign left and
# textBaseline middle once the transform to the network's coordinates is set).
_RECORD_TEXT = """() => {
  const runs = [];
  const proto = CanvasRenderingContext2D.prototype;
  const fill = proto.fillText;
  proto.fillText = function (text, x, y) {
    if (this.canvas === network.canvas.frame.canvas && String(text).trim()) {
      const size = parseFloat(/([0-9.]+)px/.exec(this.font)[1]);
      runs.push([String(text), x, y, this.measureText(text).width, size, this.textAlign]);
    }
    return fill.apply(this, arguments);
  };
  network.redraw();
  proto.fillText = fill;
  return runs;
}"""

_GEOMETRY = """() => {
  const r = document.getElementById('network').getBoundingClientRect();
  const aside = document.querySelector('aside').getBoundingClientRect();
  const boxes = govkgView.data.nodes.map(n => {
    const b = network.getBoundingBox(n.id);
    const tl = network.canvasToDOM({x: b.left, y: b.top});
    const br = network.canvasToDOM({x: b.right, y: b.bottom});
    return {id: n.id, zh: n.tz || n.zh, canvas: [b.left, b.top, b.right, b.bottom],
            dom: [r.left + tl.x, r.top + tl.y, r.left + br.x, r.top + br.y]};
  });
  return {canvas: [r.left, r.top, r.right, r.bottom], aside: [aside.left, aside.top],
          boxes: boxes, scale: network.getScale()};
}"""


def _check_fit(opened: Opened, view: str, where: str) -> None:
    """Every node box on screen left of the panel (and for pages that fit, inside the
    canvas); every text drawn on the canvas inside the box it belongs to; labels whole."""
    page = opened.page
    geo = page.evaluate(_GEOMETRY)
    left, top, right, bottom = geo["canvas"]
    assert right <= geo["aside"][0] + 0.5, where
    assert geo["scale"] >= 0.69, (where, geo["scale"])  # labels stay readable
    for b in geo["boxes"]:
        b_left, b_top, b_right, b_bottom = b["dom"]
        assert b_left >= left - 0.5 and b_right <= right + 0.5, (where, "cut", b["zh"], b["dom"])
        assert b_top >= top - 0.5, (where, "above the canvas", b["zh"])
        if view not in TALL:
            assert b_bottom <= bottom + 0.5, (where, "below the fold", b["zh"], b["dom"], bottom)
    # labels are wrapped, never cut, and vis-network breaks no line of its own
    cut = page.evaluate(
        """() => govkgView.data.nodes.filter(n => {
             const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
             const shown = lang === 'en' && n.en ? n.en : n.zh;
             const full = lang === 'en' && n.en ? (n.te || n.en) : (n.tz || n.zh);
             const lines = network.body.nodes[n.id].labelModule.lines.length;
             return shown.replace(/\\s/g, '') !== full.replace(/\\s/g, '')
               || lines !== 2 * shown.split('\\n').length - 1;
           }).map(n => n.tz || n.zh)"""
    )
    assert cut == [], (where, cut)
    boxes = [b["canvas"] for b in geo["boxes"]]
    runs = page.evaluate(_RECORD_TEXT)
    assert runs, where
    inside_nodes = 0
    for text, x, y, width, size, align in runs:
        x0 = x - width / 2 if align == "center" else x
        run = (x0, y - size / 2, x0 + width, y + size / 2)
        owner = [
            bx for bx in boxes if bx[0] <= (run[0] + run[2]) / 2 <= bx[2] and bx[1] <= y <= bx[3]
        ]
        if owner:  # a node's label: wholly inside its box
            inside_nodes += 1
            bx = owner[0]
            assert (
                run[0] >= bx[0] - 1
                and run[2] <= bx[2] + 1
                and run[1] >= bx[1] - 1
                and run[3] <= bx[3] + 1
            ), (where, "text outside its box", text, run, bx)
        # and on screen: left of the panel, inside the canvas
        dom_l = page.evaluate("(p) => network.canvasToDOM(p)", {"x": run[0], "y": run[1]})
        dom_r = page.evaluate("(p) => network.canvasToDOM(p)", {"x": run[2], "y": run[3]})
        if dom_l["y"] + top < bottom and dom_r["y"] + top > top:
            assert left - 1 <= dom_l["x"] + left and dom_r["x"] + left <= right + 1, (
                where,
                "text under the panel",
                text,
            )
    assert inside_nodes > 0, where


def _ui_strings(opened: Opened) -> list[str]:
    """Every interface text of the page as the user sees it (not the graph's own labels)."""
    texts: list[str] = opened.page.evaluate(
        """() => {
          const sel = '[data-en], h1, nav a, .gk-controls label, '
            + '.gk-controls button:not(#lang), aside h2, .gk-legend-name';
          const out = [...document.querySelectorAll(sel)].map(e => e.textContent);
          out.push(document.getElementById('q').placeholder);
          out.push(document.getElementById('details').getAttribute('data-empty'));
          const n = govkgView.nodes.get(govkgView.data.nodes[0].id);
          out.push(...[...n.title.querySelectorAll('th, .gk-tip-class')].map(e => e.textContent));
          return out;
        }"""
    )
    return texts


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", VIEWS)
def test_views_fit_the_screen_in_both_languages(
    views_build: Path, browser: Any, view: str, size: tuple[int, int]
) -> None:
    """At 1280x800 and 1920x1080, in Chinese and in English: no column behind the side
    panel, labels whole and drawn inside their boxes, the pages that can be shown whole
    (the organisation chain among them) shown whole, every interface text in English in
    the English mode. Screenshots in tests/artifacts/views/fit-*."""
    opened = _open(browser, views_build / "views" / f"{view}.html", size=size)
    try:
        for lang in ("zh", "en"):
            if lang == "en":
                opened.page.click("#lang")
                opened.page.wait_for_timeout(150)
                opened.page.click("#home")
            where = f"{view} {lang} {size[0]}x{size[1]}"
            opened.screenshot(f"fit-{view}-{lang}-{size[0]}")
            _check_fit(opened, view, where)
            if lang == "en":
                chinese = [t for t in _ui_strings(opened) if CJK.search(t or "")]
                assert chinese == [], (where, chinese)
        assert opened.errors == [] and opened.outside == []
    finally:
        opened.close()


def test_a_ladder_of_ranks_the_vocabulary_lacks_follows_its_tiers(tmp_path: Path) -> None:
    """A 包保 system a report writes with ranks and levels the vocabulary lacks is drawn as a
    ladder whose rungs are its tiers, in order, each rung level."""
    from govkg.graph.build import BuildOptions, build
    from govkg.graph.sparql import open_store
    from govkg.graph.views.write import build_views

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text(
        "documents:\n  - id: 950_ladder\n    area: 绵阳市\n", encoding="utf-8"
    )
    (corpus / "950_ladder.txt").write_text(
        "城厢街道落实“五级包保”责任制，区级领导包街道、街道班子成员包社区、网格员包楼栋、党员中心户包单元。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert build(BuildOptions(corpus, out)).ok
    _g, built = build_views(open_store(out))
    (page,) = next(v for v in built if v.key == "baobao").pages
    y = {n.zh: n.y for n in page.nodes}
    cadres = ["区级领导", "街道班子成员", "网格员", "党员中心户"]
    assert [y[c] for c in cadres] == sorted(y[c] for c in cadres)
    assert y["网格员"] == y["楼栋"] and y["党员中心户"] == y["单元"]
