"""A rebuild into an output that is being read: every reader's answer is the previous
build's or the new one's, whole, never an error; the endpoint's workers follow the rebuild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.graph import build as build_module
from govkg.graph.serve import SparqlEndpoint
from govkg.graph.sparql import QueryError, open_store
from govkg.graph.swap import exchange

ROSTER = Path(__file__).parent / "fixtures" / "rosters" / "basic"
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def quads(store: ox.Store) -> int:
    return int(next(iter(store.query(QUADS)))["n"].value)


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not exchange(a, b):
        pytest.skip("this system cannot exchange two folders in one step")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
    with pytest.raises(OSError):
        exchange(a, tmp_path / "missing")


def test_a_reader_waits_for_a_swap_by_two_renames(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    store = ox.Store(str(out / "store"))
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal("o")))
    store.flush()
    del store
    aside = tmp_path / "out.old-12345"
    os.replace(out, aside)  # what a build without an exchange does first
    opened: list[object] = []
    reader = threading.Thread(target=lambda: opened.append(open_store(out)))
    reader.start()
    time.sleep(0.3)
    assert not opened  # waiting, not failing
    os.replace(aside, out)
    reader.join(timeout=10)
    assert len(opened) == 1 and isinstance(opened[0], ox.Store)
    with pytest.raises(QueryError, match="no store"):
        open_store(tmp_path / "elsewhere")  # nothing being swapped: at once


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.parametrize("swap", ["exchange", "two renames"])
def test_readers_during_a_rebuild_see_a_whole_store(
    corpus_build_copy: Path, corpus_dir: Path, swap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rebuild swaps the output in one step (``govkg build`` in its own process), or,
    as where the system cannot, by two renames (the build in this process, told that
    exchanging folders is not supported)."""
    out = corpus_build_copy
    before = quads(open_store(out))  # the corpus; the rebuild adds a roster

    answers: dict[str, list[int | str]] = {"open": [], "endpoint": []}
    done = threading.Event()

    def read_by_opening() -> None:
        while not done.is_set():
            try:
                answers["open"].append(quads(open_store(out)))
            except Exception as exc:  # every failure is recorded, and fails the test
                answers["open"].append(repr(exc))

    def read_by_endpoint(ep: SparqlEndpoint) -> None:
        url = f"{ep.url}?{urllib.parse.urlencode({'query': QUADS})}"
        while not done.is_set():
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    body = json.loads(response.read())
                answers["endpoint"].append(int(body["results"]["bindings"][0]["n"]["value"]))
            except Exception as exc:
                answers["endpoint"].append(repr(exc))

    with SparqlEndpoint(out, port=0, workers=1) as ep:
        readers = [
            threading.Thread(target=read_by_opening),
            threading.Thread(target=read_by_endpoint, args=(ep,)),
        ]
        for t in readers:
            t.start()
        try:
            if swap == "exchange":
                argv = ["build", "--corpus", str(corpus_dir), "--roster", str(ROSTER)]
                rebuild = subprocess.run(
                    [sys.executable, "-m", "govkg.graph.cli", *argv, "--out", str(out)],
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                assert rebuild.returncode == 0, rebuild.stdout + rebuild.stderr
            else:
                monkeypatch.setattr(build_module, "exchange", lambda _a, _b: False)
                options = build_module.BuildOptions(corpus_dir, out, [ROSTER])
                assert build_module.build(options).written
            # a few answers more from each reader, all begun after the rebuild
            seen = {name: len(got) for name, got in answers.items()}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any(
                len(answers[name]) < n + 3 for name, n in seen.items()
            ):
                time.sleep(0.05)
        finally:
            done.set()
            for t in readers:
                t.join(timeout=60)
    after = quads(open_store(out))
    assert after > before
    for name, got in answers.items():
        wrong = [a for a in got if a not in (before, after)]
        assert not wrong, f"{name}: {len(wrong)} of {len(got)} answers wrong, e.g. {wrong[:3]}"
        assert got[0] == before and got[-1] == after, f"{name}: {got[:3]} … {got[-3:]}"
        print(f"{swap}, {name}: {got.count(before)} answers before, {got.count(after)} after")
