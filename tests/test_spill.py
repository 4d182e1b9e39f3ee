"""Roster statements spilled to sorted chunk files on disk (``GOVKG_SPILL_LINES``) and
merged back as the build writes: the outputs are those of a build that held them all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govkg.graph import build as build_module
from govkg.graph.build import BuildOptions, build
from govkg.loaders.roster import RosterGraph, load_rosters
from govkg.loaders.roster.rows import spill_lines

FIXTURE = Path(__file__).parent / "fixtures" / "rosters" / "basic"
OUTPUTS = ("govkg.trig", "govkg.ttl", "report.json")


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def _spilling(monkeypatch: pytest.MonkeyPatch, folder: Path, lines: int) -> list[int]:
    """Spill every ``lines`` statements into ``folder``; the sizes of the chunks written."""
    folder.mkdir()
    monkeypatch.setenv("GOVKG_SPILL_LINES", str(lines))
    monkeypatch.setenv("GOVKG_SPILL_DIR", str(folder))
    chunks: list[int] = []
    spill = RosterGraph.spill

    def watched(self: RosterGraph) -> None:
        if self.lines:
            chunks.append(len(self.lines))
        spill(self)

    monkeypatch.setattr(RosterGraph, "spill", watched)
    return chunks


@pytest.mark.parametrize("compact_max", [build_module.COMPACT_MAX, 40])
def test_a_build_spilled_to_many_chunk_files_writes_the_same_outputs(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compact_max: int
) -> None:
    """With a tiny spill setting every roster graph goes to many chunk files; TriG, Turtle,
    the report and the store are those of the default build, in the compact form and in the
    one-statement-a-line form (graphs above ``compact_max``), and no chunk file is left."""
    import pyoxigraph as ox

    roster = tmp_path / "roster"
    shutil.copytree(FIXTURE, roster)
    monkeypatch.setattr(build_module, "COMPACT_MAX", compact_max)
    default = tmp_path / "default"
    build(BuildOptions(corpus_dir, default, rosters=[roster], validate=False, incremental=False))

    spill_dir = tmp_path / "spill"
    chunks = _spilling(monkeypatch, spill_dir, 7)
    spilled = tmp_path / "spilled"
    build(BuildOptions(corpus_dir, spilled, rosters=[roster], validate=False, incremental=False))
    assert len(chunks) > 10 and max(chunks) <= 7
    _same_outputs(default, spilled)
    assert list(spill_dir.iterdir()) == []

    def quads(out: Path) -> tuple[int, set[ox.Quad]]:
        """How many statements the store holds, and those without blank nodes (a store
        names the ontology's blank nodes anew each load)."""
        store = ox.Store.read_only(str(out / "store"))
        every = list(store.quads_for_pattern(None, None, None, None))
        plain = {
            q
            for q in every
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
        }
        return len(every), plain

    assert quads(default) == quads(spilled)

    # an incremental build into the spilled output (the roster's graphs reused) is the same
    build(BuildOptions(corpus_dir, spilled, rosters=[roster], validate=False))
    build(BuildOptions(corpus_dir, spilled, rosters=[roster], validate=False))
    _same_outputs(default, spilled)
    assert list(spill_dir.iterdir()) == []


def test_spilled_graphs_read_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spilled roster graph's statements, length and terms are those of one held whole;
    the lines the graphs hold in memory together stay within the setting."""
    held = {g.name: g for _, g, _ in load_rosters([FIXTURE])}
    assert spill_lines() >= 1_000_000  # the default: the fixture is not spilled
    chunks = _spilling(monkeypatch, tmp_path / "spill", 5)
    graphs = load_rosters([FIXTURE])
    assert chunks
    assert sum(len(g.lines) for _, g, _ in graphs) <= 5
    for name, graph, _ in graphs:
        whole = held[name]
        assert isinstance(graph, RosterGraph) and isinstance(whole, RosterGraph)
        assert graph.all_lines() == whole.all_lines()
        assert len(graph) == len(whole)
        assert graph.triples == whole.triples
    del graphs, graph
    assert list((tmp_path / "spill").iterdir()) == []  # removed with the graphs


def test_the_store_loads_spilled_chunks_while_the_roster_is_read(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a new store, each chunk file a roster graph spills is loaded as it is written,
    before the build sorts its graphs; the graph's statements are not handed over a second
    time, and the preload links are gone after the build."""
    roster = tmp_path / "roster"
    shutil.copytree(FIXTURE, roster)
    spill_dir = tmp_path / "spill"
    chunks = _spilling(monkeypatch, spill_dir, 7)
    events: list[tuple[str, str]] = []
    preload, put = build_module.StoreLoader.preload, build_module.StoreLoader._put
    of = build_module.Serialized.of.__func__  # type: ignore[attr-defined]

    def watched_preload(self: build_module.StoreLoader, name: object, path: str) -> None:
        events.append(("preload", str(getattr(name, "value", name))))
        preload(self, name, path)  # type: ignore[arg-type]

    def watched_put(self: build_module.StoreLoader, name: str, chunk: bytes) -> None:
        events.append(("put", name))
        put(self, name, chunk)

    def watched_of(cls: type, *args: object, **kwargs: object) -> object:
        events.append(("sort", ""))
        return of(cls, *args, **kwargs)

    monkeypatch.setattr(build_module.StoreLoader, "preload", watched_preload)
    monkeypatch.setattr(build_module.StoreLoader, "_put", watched_put)
    monkeypatch.setattr(build_module.Serialized, "of", classmethod(watched_of))
    out = tmp_path / "out"
    build(BuildOptions(corpus_dir, out, rosters=[roster], validate=False, incremental=False))
    sort_at = events.index(("sort", ""))
    early = {name for kind, name in events[:sort_at] if kind == "preload"}
    assert len(chunks) > 10 and early  # chunks loaded before the graphs were sorted
    preloaded = {name for kind, name in events if kind == "preload"}
    assert not preloaded & {name for kind, name in events if kind == "put"}
    assert list(spill_dir.iterdir()) == []
