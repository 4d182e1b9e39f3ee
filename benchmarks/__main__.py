"""``python -m benchmarks [--scale tiny|city|province]``: print a table of figures and write
``benchmarks/results.json`` (rows: name, value, unit, baseline, ratio, target, met)."""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_endpoint, bench_extract_scaling, bench_validate
from benchmarks.rows import corpus_dir, row, run_measured

HERE = Path(__file__).resolve().parent


def bench_build(work: Path, repeats: int) -> tuple[list[dict[str, Any]], Path]:
    """Cold ``govkg build`` of the corpus as a whole process, against pyoxigraph loading the
    same TriG into a fresh store (the raw engine's share of the work). Each repeat builds
    into a new folder: a build into the previous one would reuse its reports' graphs
    (an incremental build, timed apart by ``incremental_add_s``)."""
    import pyoxigraph as ox

    times, base, peaks = [], [], []
    out = work / "corpus-out"
    for i in range(repeats):
        out = work / f"corpus-out-{i}"
        args = [sys.executable, "-m", "govkg.graph.cli", "build", "--corpus", str(corpus_dir())]
        run = run_measured([*args, "--out", str(out)])
        if run.returncode != 0:
            raise RuntimeError(f"the corpus did not build:\n{run.output[-2000:]}")
        times.append(run.seconds)
        peaks.append(run.peak_rss_mb)
        started = time.perf_counter()
        store = ox.Store(str(work / f"raw-{i}"))
        store.bulk_load(path=str(out / "govkg.trig"), format=ox.RdfFormat.TRIG)
        store.flush()
        del store
        base.append(time.perf_counter() - started)
    return [
        row("build_corpus_s", statistics.median(times), "s", statistics.median(base), 10.0),
        row("peak_rss_mb_build_corpus", max(peaks), "MB", None, None),
    ], out


def bench_extract() -> list[dict[str, Any]]:
    """Report-loader throughput on the corpus, with the pipeline load timed apart; the
    baseline is jieba segmentation alone over the same text."""
    import jieba

    from govkg.loaders.base import GraphWriter
    from govkg.loaders.corpus import read_corpus
    from govkg.loaders.pipeline import nlp_pipeline
    from govkg.loaders.text import TextLoader

    started = time.perf_counter()
    nlp_pipeline()
    load_s = time.perf_counter() - started
    docs, _ = read_corpus(corpus_dir())
    chars = sum(len(d.text) for d in docs)
    loader = TextLoader()
    started = time.perf_counter()
    for d in docs:
        loader.load(d, GraphWriter(d.iri))
    extract_s = time.perf_counter() - started
    started = time.perf_counter()
    for d in docs:
        list(jieba.cut(d.text))
    jieba_s = time.perf_counter() - started
    return [
        row("pipeline_load_s", load_s, "s", None, None),
        row("extract_chars_per_s", chars / extract_s, "chars/s", chars / jieba_s, None, True),
    ]


def bench_cq(out: Path, label: str) -> list[dict[str, Any]]:
    """p95 latency of the shipped SPARQL competency questions against a trivial query."""
    from importlib import resources

    from govkg.graph.sparql import open_store, run_query

    store = open_store(out)
    queries_dir = resources.files("govkg.ontology").joinpath("queries")
    queries = (
        [p.read_text(encoding="utf-8") for p in queries_dir.iterdir() if p.name.endswith(".rq")]
        if queries_dir.is_dir()
        else []
    )
    if not queries:
        return []
    lat, base = [], []
    each: dict[int, list[float]] = {i: [] for i in range(len(queries))}
    for _ in range(5 if label == "corpus" else 20):
        for i, q in enumerate(queries):
            started = time.perf_counter()
            run_query(store, q)
            lat.append((time.perf_counter() - started) * 1000)
            each[i].append(lat[-1])
            started = time.perf_counter()
            run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:SourceDocument }")
            base.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(lat, n=20)[-1]
    b95 = statistics.quantiles(base, n=20)[-1]
    # the slowest question's own p95: the target holds for every question, not for the mix
    worst = max(statistics.quantiles(t, n=20)[-1] for t in each.values())
    target = None if label == "corpus" else 100.0
    return [
        row(f"cq_p95_ms_{label}", p95, "ms", b95, target),
        row(f"cq_worst_p95_ms_{label}", worst, "ms", b95, target),
    ]


def extra_rows(scale: str, work: Path, plot: Path | None) -> list[dict[str, Any]]:
    """Rows from the benchmark modules of the roster and whole build, the mirror and the
    views (the largest page of the roster build at this scale), then the growth of whole
    builds (validation included) from the tiny scale up to this one, with adding a report
    to each, and its plot at ``plot``."""
    from benchmarks import (
        bench_mirror,
        bench_roster,
        bench_validate,
        bench_views,
        growth,
    )

    roster_work = work / "roster"
    rows = bench_roster.run(scale, roster_work)
    rows += bench_validate.run(roster_work / "out", scale)
    rows += bench_cq(roster_work / "out", scale)
    rows += bench_mirror.run(scale)
    rows += bench_views.run(roster_work / "out")
    shutil.rmtree(roster_work, ignore_errors=True)  # disk: the growth builds come next
    scales = list(growth.ORDER[: growth.ORDER.index(scale) + 1])
    rows += growth.run(scales, plot, work / "growth")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--scale", choices=("tiny", "city", "province"), default="city")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--markdown", action="store_true", help="print the table as Markdown (for the README)"
    )
    parser.add_argument(
        "--plot",
        type=Path,
        default=None,
        help="where to draw time and memory against roster rows (PNG; city and province "
        "scale; default at province scale: docs/img/growth.png)",
    )
    args = parser.parse_args(argv)
    repeats = 1 if args.scale == "tiny" else 3
    from govkg.graph.commands.common import work_progress

    with (
        tempfile.TemporaryDirectory(prefix="govkg-bench-") as tmp,
        work_progress("benchmarks") as step,
    ):
        work = Path(tmp)
        step("corpus build")
        rows, out = bench_build(work, repeats)
        step("report loader")
        rows += bench_extract()
        step("competency questions")
        rows += bench_cq(out, "corpus")
        step("validation")
        rows += bench_validate.run(out, "corpus")
        step("endpoint load")
        rows += bench_endpoint.run(out, 1.0 if args.scale == "tiny" else bench_endpoint.SECONDS)
        step("extraction scaling")
        rows += bench_extract_scaling.run(bench_extract_scaling.SIZES_BY_SCALE[args.scale])
        if args.scale != "tiny":
            step(f"{args.scale} scale")
            plot = args.plot
            if plot is None and args.scale == "province":
                from benchmarks.growth import PLOT as plot
            rows += extra_rows(args.scale, work, plot)
    args.output.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(markdown(rows) if args.markdown else table(rows))
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "yes" if value else "NO"
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as aligned text columns."""
    keys = ["name", "value", "unit", "baseline", "ratio", "target", "met"]
    cells = [keys] + [[_cell(r[k]) for k in keys] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(keys))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells
    )


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    keys = ["name", "value", "unit", "baseline", "ratio", "target", "met"]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(_cell(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
