"""Incremental builds: a build into an existing output reuses the graphs of unchanged
reports and writes exactly what a clean build writes."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
import yaml

from govkg.graph.build import BuildOptions, build
from govkg.graph.incremental import CACHE_DIR

OUTPUTS = ("govkg.trig", "govkg.ttl", "report.json")


def _corpus_copy(corpus_dir: Path, target: Path, drop_last: bool) -> tuple[Path, list[str]]:
    shutil.copytree(corpus_dir, target)
    manifest = yaml.safe_load((target / "corpus.yaml").read_text(encoding="utf-8"))
    ids = [d["id"] for d in manifest["documents"]]
    if drop_last:
        manifest["documents"] = manifest["documents"][:-1]
        (target / f"{ids[-1]}.txt").unlink()
        (target / "corpus.yaml").write_text(
            yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
        )
    return target, ids


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    views_a = sorted(p.relative_to(a) for p in (a / "views").rglob("*") if p.is_file())
    views_b = sorted(p.relative_to(b) for p in (b / "views").rglob("*") if p.is_file())
    assert views_a == views_b
    for rel in views_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_adding_a_report_reuses_the_others_and_equals_a_clean_build(
    corpus_dir: Path, tmp_path: Path
) -> None:
    corpus, ids = _corpus_copy(corpus_dir, tmp_path / "corpus", drop_last=True)
    out = tmp_path / "out"
    first = build(BuildOptions(corpus, out))
    assert first.written and first.reused == []
    assert len(list((out / CACHE_DIR / "docs").glob("*.nt"))) == len(ids) - 1

    # the last report comes back: only it is read again
    shutil.rmtree(corpus)
    _corpus_copy(corpus_dir, corpus, drop_last=False)
    second = build(BuildOptions(corpus, out))
    assert second.written and sorted(second.reused) == sorted(ids[:-1])

    clean = build(BuildOptions(corpus, tmp_path / "clean", incremental=False))
    assert clean.reused == []
    _same_outputs(out, tmp_path / "clean")
    assert second.report == clean.report


def test_a_changed_report_is_read_again(corpus_dir: Path, tmp_path: Path) -> None:
    corpus, ids = _corpus_copy(corpus_dir, tmp_path / "corpus", drop_last=False)
    out = tmp_path / "out"
    build(BuildOptions(corpus, out))
    changed = corpus / f"{ids[0]}.txt"
    changed.write_bytes(changed.read_bytes() + "\n本市划分网格120个。\n".encode())
    again = build(BuildOptions(corpus, out))
    assert sorted(again.reused) == sorted(ids[1:])
    clean = build(BuildOptions(corpus, tmp_path / "clean", incremental=False))
    _same_outputs(out, tmp_path / "clean")
    # the entry of the old text is gone: one entry per report
    assert len(list((out / CACHE_DIR / "docs").glob("*.nt"))) == len(ids)
    assert clean.report["triples"] == again.report["triples"]


def _statements(store_dir: Path) -> tuple[list[str], int]:
    """The store's statements without blank nodes (each load names those anew), sorted, and
    how many there are in all."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    quads = list(store)
    named = sorted(
        str(q)
        for q in quads
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    )
    return named, len(quads)


def test_the_store_is_updated_graph_by_graph_and_holds_what_a_clean_build_holds(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govkg.graph import build as build_module
    from govkg.graph.incremental import TextCache

    monkeypatch.setattr(TextCache, "MIN_LINES", 100)  # the corpus's graphs are small
    corpus, ids = _corpus_copy(corpus_dir, tmp_path / "corpus", drop_last=True)
    out = tmp_path / "out"
    build(BuildOptions(corpus, out, validate=False))
    shutil.rmtree(corpus)
    _corpus_copy(corpus_dir, corpus, drop_last=False)

    replaced: list[list[str]] = []
    hits: list[int] = []
    loader_class, write_files = build_module.StoreLoader, build_module.write_files

    class Watched(loader_class):  # type: ignore[misc, valid-type]
        def finish(self) -> None:
            super().finish()
            replaced.append(list(self.replaced))

    def watched_write(ser: object, target: Path, cache: TextCache | None = None) -> None:
        write_files(ser, target, cache)  # type: ignore[arg-type]
        hits.append(cache.hits if cache is not None else 0)

    monkeypatch.setattr(build_module, "StoreLoader", Watched)
    monkeypatch.setattr(build_module, "write_files", watched_write)
    build(BuildOptions(corpus, out, validate=False))
    clean = tmp_path / "clean"
    build(BuildOptions(corpus, clean, validate=False, incremental=False))

    # the new report's graph is loaded; the ontology's, unchanged, is not
    new_graph = next(g for g in replaced[0] if ids[-1] in g)
    assert new_graph and "https://w3id.org/govkg/ontology" not in replaced[0]
    assert hits[0] > 0  # text of unchanged statements read back
    _same_outputs(out, clean)
    assert _statements(out / "store") == _statements(clean / "store")


def test_turtle_written_run_by_run_is_the_turtle_of_the_whole(
    corpus_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyoxigraph as ox

    from govkg.graph import build as build_module

    triples = ox.parse(path=str(corpus_build / "govkg.ttl"), format=ox.RdfFormat.TURTLE)
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    lines = sorted(set(text.split(b"\n")) - {b""})
    whole = build_module._turtle(lines)
    monkeypatch.setattr(build_module, "RUN_MIN", 50)
    monkeypatch.setattr(build_module, "RUN_MASK", 0x3)
    runs = list(build_module._runs(lines))
    assert len(runs) > 20
    assert runs[0][0] == 0 and runs[-1][1] == len(lines)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(runs))
    assert build_module._turtle(lines) == whole == (corpus_build / "govkg.ttl").read_bytes()


def test_an_unchanged_roster_is_not_read_again(corpus_dir: Path, tmp_path: Path) -> None:
    from govkg.graph.incremental import RosterCache

    roster = tmp_path / "roster"
    shutil.copytree(Path(__file__).parent / "fixtures" / "rosters" / "basic", roster)
    out = tmp_path / "out"
    build(BuildOptions(corpus_dir, out, rosters=[roster], validate=False))
    assert len(list((out / CACHE_DIR / "rosters").glob("*.pickle"))) == 1

    seen: list[bool] = []
    get = RosterCache.get

    def watched(self: RosterCache, paths: list[Path]) -> object:
        loaded = get(self, paths)
        seen.append(loaded is not None)
        return loaded

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RosterCache, "get", watched)
        build(BuildOptions(corpus_dir, out, rosters=[roster], validate=False))
        assert seen == [True]
        # a changed file is read again
        units = roster / "units.csv"
        units.write_bytes(units.read_bytes().replace(b"\n", b"\r\n"))
        build(BuildOptions(corpus_dir, out, rosters=[roster], validate=False))
        assert seen == [True, False]
    clean = tmp_path / "clean"
    build(BuildOptions(corpus_dir, clean, rosters=[roster], validate=False, incremental=False))
    _same_outputs(out, clean)


def test_a_spilled_roster_is_kept_as_its_sorted_files_and_not_read_again(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A roster too large for memory (spilled: here past 7 statements) is kept as the sorted
    file of each of its graphs. Adding a report neither reads the roster again nor reads
    those files to learn that the store holds them; the outputs are a clean build's."""
    from govkg.graph import build as build_module

    monkeypatch.setenv("GOVKG_SPILL_LINES", "7")
    monkeypatch.setenv("GOVKG_SPILL_DIR", str(tmp_path / "spill"))
    (tmp_path / "spill").mkdir()
    roster = tmp_path / "roster"
    shutil.copytree(Path(__file__).parent / "fixtures" / "rosters" / "basic", roster)
    corpus, _ids = _corpus_copy(corpus_dir, tmp_path / "corpus", drop_last=True)
    out = tmp_path / "out"
    build(BuildOptions(corpus, out, rosters=[roster], validate=False))
    kept = sorted((out / CACHE_DIR / "rosters").glob("*.nt"))
    assert kept, "the spilled graphs' sorted files are kept"

    shutil.rmtree(corpus)
    _corpus_copy(corpus_dir, corpus, drop_last=False)
    read_rosters: list[object] = []
    handed: list[str] = []
    add_chunks = build_module.StoreLoader.add_chunks

    def watched(self: object, name: object, chunks: object) -> None:
        handed.append(name.value)  # type: ignore[attr-defined]
        add_chunks(self, name, chunks)  # type: ignore[arg-type]

    import govkg.loaders.roster as roster_module

    monkeypatch.setattr(roster_module, "load_rosters", lambda *a: read_rosters.append(a))
    monkeypatch.setattr(build_module.StoreLoader, "add_chunks", watched)
    build(BuildOptions(corpus, out, rosters=[roster], validate=False))
    assert read_rosters == []
    assert [n for n in handed if "/doc/roster." in n] == [], "no kept roster graph is read"
    # the next build's entry keeps the same files
    assert sorted(p.name for p in (out / CACHE_DIR / "rosters").glob("*.nt")) == [
        p.name for p in kept
    ]
    monkeypatch.undo()

    clean = tmp_path / "clean"
    build(BuildOptions(corpus, clean, rosters=[roster], validate=False, incremental=False))
    _same_outputs(out, clean)
    assert _statements(out / "store") == _statements(clean / "store")
