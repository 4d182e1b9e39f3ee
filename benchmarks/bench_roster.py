"""Roster loading at city or province scale against the raw engine: the roster step of
``govkg build`` (read, validate, write triples) and the whole build, each set beside
pyoxigraph ``bulk_load`` of the same triples as N-Triples into a fresh on-disk store, in the
same process. Peak memory is that of the roster load.

``python -m benchmarks.bench_roster --scale city`` prints the rows as JSON; :func:`run` runs
that in a child process, so that its peak RSS is the roster's alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LOAD_RATIO_TARGET = 2.0
#: Whole builds (TriG, Turtle, store, views) are timed up to this many triples.
BUILD_MAX_TRIPLES = 2_000_000


def _row(*args: Any, **kwargs: Any) -> dict[str, Any]:
    from benchmarks.__main__ import row

    return row(*args, **kwargs)


def measure(scale: str, work: Path) -> list[dict[str, Any]]:
    """Synthesize, load, and time the baseline; the rows of this process."""
    import gc

    import pyoxigraph as ox

    from govkg.loaders.roster import load_rosters
    from govkg.loaders.synth import synthesize

    roster = work / "roster"
    manifest = synthesize("province" if scale == "province" else "city", 7, roster)
    gc.collect()
    started = time.perf_counter()
    loaded = load_rosters([roster])
    load_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rejected = sum(len(rep.rejected) for _, _, rep in loaded)
    nt = work / "roster.nt"
    with nt.open("wb") as fh:
        for _, graph, _ in loaded:
            ox.serialize(graph.triples, fh, format=ox.RdfFormat.N_TRIPLES)
    triples = sum(len(g) for _, g, _ in loaded)
    del loaded
    gc.collect()
    started = time.perf_counter()
    store = ox.Store(str(work / "baseline-store"))
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    base_s = time.perf_counter() - started
    del store
    rows = [
        _row("load_ratio", load_s, "s", base_s, LOAD_RATIO_TARGET),
        _row("peak_rss_mb", peak_mb, "MB", None, None),
        _row(f"roster_rows_{scale}", manifest["counts"]["rows"], "rows", None, None),
        _row(f"roster_triples_{scale}", triples, "triples", None, None),
        _row(f"roster_rejected_{scale}", rejected, "rows", None, 0.0),
    ]
    if triples <= BUILD_MAX_TRIPLES:
        rows.append(_row("build_ratio", _build(roster, work), "s", base_s, None))
    return rows


def _build(roster: Path, work: Path) -> float:
    """Seconds for ``govkg build --roster R --no-validate`` over an empty corpus."""
    from govkg.graph.build import BuildOptions, build

    corpus = work / "empty-corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "corpus.yaml").write_text("documents: []\n", encoding="utf-8")
    started = time.perf_counter()
    result = build(BuildOptions(corpus, work / "out", [roster], False, False))
    elapsed = time.perf_counter() - started
    if not result.written:
        raise RuntimeError("the synthetic roster did not build")
    return elapsed


def run(scale: str) -> list[dict[str, Any]]:
    """Benchmark rows for ``python -m benchmarks`` (city or province scale)."""
    with tempfile.TemporaryDirectory(prefix="govkg-bench-roster-") as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_roster", "--scale", scale, "--work", tmp],
            check=True,
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
    rows: list[dict[str, Any]] = json.loads(proc.stdout)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_roster")
    parser.add_argument("--scale", choices=("tiny", "city", "province"), default="city")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="govkg-bench-roster-") as tmp:
            rows = measure(args.scale, Path(tmp))
    else:
        rows = measure(args.scale, args.work)
    print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
