"""Roster loading and the whole build at city or province scale, against the raw engine.

- ``roster_load_ratio``: the roster step of ``govkg build`` (read, validate, emit triples) in
  this process, over pyoxigraph ``bulk_load`` of the same triples as N-Triples into a fresh
  on-disk store.
- ``load_ratio``: a whole ``govkg build --roster R --no-validate`` as a process (start to
  finish: corpus, roster, linking, TriG, Turtle, the store, report and views) over the same
  ``bulk_load`` of every triple the build wrote, as N-Triples (the issue's definition).
- ``load_ratio_named_graphs``: the same build over ``bulk_load`` of the same dataset as
  N-Quads, one named graph per source (what the store must hold: six quad indexes instead of
  the default graph's three).
- ``peak_rss_mb``: the roster load; ``peak_rss_mb_build``: the build process.

``python -m benchmarks.bench_roster --scale city`` prints the rows as JSON; :func:`run` runs
that in a child process, so that its peak RSS is the roster's alone. The build's output is
kept under ``--work`` for the views benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.rows import row, run_measured

HERE = Path(__file__).resolve().parent
LOAD_RATIO_TARGET = 2.0


def _bulk_seconds(data: Path, fmt: Any, store_dir: Path) -> float:
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(data), format=fmt)
    store.flush()
    elapsed = time.perf_counter() - started
    del store
    shutil.rmtree(store_dir, ignore_errors=True)
    return elapsed


def measure(scale: str, work: Path) -> list[dict[str, Any]]:
    """Synthesize, load, build, and time the baselines; the rows of this process."""
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
            # a roster graph keeps N-Triples lines, those spilled to disk included
            every = getattr(graph, "all_lines", None)
            if callable(every):
                fh.writelines(line + b"\n" for line in every())
            else:
                ox.serialize(graph.triples, fh, format=ox.RdfFormat.N_TRIPLES)
    triples = sum(len(g) for _, g, _ in loaded)
    del loaded
    gc.collect()
    base_s = _bulk_seconds(nt, ox.RdfFormat.N_TRIPLES, work / "baseline-store")
    nt.unlink()
    rows = [
        row("roster_load_ratio", load_s, "s", base_s, None),
        row("peak_rss_mb", peak_mb, "MB", None, None),
        row(f"roster_rows_{scale}", manifest["counts"]["rows"], "rows", None, None),
        row(f"roster_triples_{scale}", triples, "triples", None, None),
        row(f"roster_rejected_{scale}", rejected, "rows", None, 0.0),
    ]
    build_s, build_rss = _build(roster, work)
    out = work / "out"
    union_nt, dataset_nq = work / "union.nt", work / "dataset.nq"
    with union_nt.open("wb") as fh:
        ox.serialize(
            ox.parse(path=str(out / "govkg.ttl"), format=ox.RdfFormat.TURTLE),
            fh,
            format=ox.RdfFormat.N_TRIPLES,
        )
    with dataset_nq.open("wb") as fh:
        ox.serialize(
            ox.parse(path=str(out / "govkg.trig"), format=ox.RdfFormat.TRIG),
            fh,
            format=ox.RdfFormat.N_QUADS,
        )
    union_s = _bulk_seconds(union_nt, ox.RdfFormat.N_TRIPLES, work / "baseline-union")
    quads_s = _bulk_seconds(dataset_nq, ox.RdfFormat.N_QUADS, work / "baseline-quads")
    union_nt.unlink()
    dataset_nq.unlink()
    rows += [
        row("load_ratio", build_s, "s", union_s, LOAD_RATIO_TARGET),
        row("load_ratio_named_graphs", build_s, "s", quads_s, None),
        row("peak_rss_mb_build", build_rss, "MB", None, None),
    ]
    return rows


def _build(roster: Path, work: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of ``govkg build --roster R --no-validate`` as a process."""
    out = work / "out"
    run = run_measured(
        [
            sys.executable,
            "-m",
            "govkg.graph.cli",
            "build",
            "--roster",
            str(roster),
            "--no-validate",
            "--out",
            str(out),
        ],
        cwd=HERE.parent,
    )
    if run.returncode != 0:
        raise RuntimeError(f"the synthetic roster did not build:\n{run.output[-2000:]}")
    return run.seconds, run.peak_rss_mb


def run(scale: str, work: Path | None = None) -> list[dict[str, Any]]:
    """Benchmark rows for ``python -m benchmarks`` (city or province scale); the build's
    output stays in ``work / "out"`` when ``work`` is given."""
    with tempfile.TemporaryDirectory(prefix="govkg-bench-roster-") as tmp:
        target = work if work is not None else Path(tmp)
        target.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_roster", "--scale", scale],
            check=False,
            capture_output=True,
            text=True,
            cwd=HERE.parent,
            env={**os.environ, "GOVKG_BENCH_WORK": str(target)},
        )
    if proc.returncode != 0:
        raise RuntimeError(f"bench_roster failed:\n{proc.stderr[-3000:]}")
    rows: list[dict[str, Any]] = json.loads(proc.stdout)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_roster")
    parser.add_argument("--scale", choices=("tiny", "city", "province"), default="city")
    parser.add_argument("--work", type=Path, default=os.environ.get("GOVKG_BENCH_WORK") or None)
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
