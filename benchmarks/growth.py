"""How the whole build grows with the roster: time and peak memory at each scale, and the
growth exponents between scales.

At each scale (``tiny``: the synthetic ``sample`` roster, a tenth of a city; ``city``;
``province``) the corpus is built with a synthetic roster of that scale (seed 7) by
:func:`benchmarks.bench_incremental.measure_builds`: whole ``govkg build`` processes,
validation included. Its clean build gives the scale's seconds and peak RSS (the process's
own, read from ``/proc`` while it runs); its incremental build gives ``incremental_add_s_<scale>``.

Between consecutive scales the growth exponent of time and of memory is the slope of
log(value) against log(roster rows): 1 is linear, 0 flat. ``memory_exponent_city_province``
has the target 0.5 (memory grows slower than the data).

``python -m benchmarks.growth [--scales tiny city province] [--plot PNG]`` prints the rows
as JSON and draws time and memory against rows on log-log axes (matplotlib).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks.rows import ROOT, row

#: The synthetic roster of each benchmark scale.
ROSTER_SCALE = {"tiny": "sample", "city": "city", "province": "province"}
ORDER = ("tiny", "city", "province")
#: Where ``python -m benchmarks`` draws the plot (the README shows it).
PLOT = ROOT / "docs" / "img" / "growth.png"
MEMORY_EXPONENT_TARGET = 0.5


class Point(NamedTuple):
    """One scale's build: roster rows, statements written, seconds and peak RSS (MB)."""

    scale: str
    rows: int
    triples: int
    seconds: float
    peak_rss_mb: float


def exponent(x1: float, y1: float, x2: float, y2: float) -> float:
    """The slope of log y against log x between two points."""
    if min(x1, y1, x2, y2) <= 0 or x1 == x2:
        raise ValueError("growth exponent needs positive values at two different sizes")
    return math.log(y2 / y1) / math.log(x2 / x1)


def measure_scale(scale: str, work: Path) -> tuple[Point, list[dict[str, Any]]]:
    """Synthesize the scale's roster, time its builds; its point and incremental row."""
    from benchmarks.bench_incremental import measure_builds
    from govkg.loaders.synth import synthesize

    roster = work / "roster"
    manifest = synthesize(ROSTER_SCALE[scale], 7, roster)
    measured = measure_builds(work / "builds", roster, scale)
    report = json.loads((work / "builds" / "clean" / "report.json").read_text("utf-8"))
    point = Point(
        scale,
        int(manifest["counts"]["rows"]),
        int(report["triples"]),
        measured.clean.seconds,
        measured.clean.peak_rss_mb,
    )
    return point, measured.rows


def growth_rows(points: list[Point]) -> list[dict[str, Any]]:
    """Per scale its build's seconds and memory; between consecutive scales the exponents."""
    rows: list[dict[str, Any]] = []
    for p in points:
        rows += [
            row(f"rows_{p.scale}", p.rows, "rows", None, None),
            row(f"triples_{p.scale}", p.triples, "triples", None, None),
            row(f"build_s_{p.scale}", p.seconds, "s", None, None),
            row(f"peak_rss_mb_build_{p.scale}", p.peak_rss_mb, "MB", None, None),
        ]
    for a, b in itertools.pairwise(points):
        pair = f"{a.scale}_{b.scale}"
        time_exp = exponent(a.rows, a.seconds, b.rows, b.seconds)
        memory_exp = exponent(a.rows, a.peak_rss_mb, b.rows, b.peak_rss_mb)
        target = MEMORY_EXPONENT_TARGET if pair == "city_province" else None
        rows += [
            row(f"time_exponent_{pair}", time_exp, "", None, None),
            row(f"memory_exponent_{pair}", memory_exp, "", None, target),
        ]
    return rows


def plot(points: list[Point], path: Path) -> None:
    """Time and peak memory against roster rows, log-log, each point named by its scale."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [p.rows for p in points]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), dpi=110)
    panels = (
        (axes[0], [p.seconds for p in points], "build time (s)"),
        (axes[1], [p.peak_rss_mb / 1024 for p in points], "peak RSS of the build (GiB)"),
    )
    plain = matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    for ax, values, label in panels:
        ax.loglog(rows, values, marker="o", color="#b22222", label="measured")
        # what linear growth from the smallest scale would be, for comparison
        ax.loglog(
            rows,
            [values[0] * r / rows[0] for r in rows],
            linestyle="--",
            color="#888888",
            label="linear in rows",
        )
        for p, v in zip(points, values, strict=True):
            ax.annotate(p.scale, (p.rows, v), textcoords="offset points", xytext=(6, -12))
        ax.xaxis.set_major_formatter(plain)
        ax.yaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("roster rows")
        ax.set_ylabel(label)
        ax.margins(0.12)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="upper left", fontsize="small")
    fig.suptitle("govkg build (corpus + synthetic roster, validation included)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    # no timestamp in the file: the same figures draw the same PNG
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def run(
    scales: list[str], plot_path: Path | None = None, work: Path | None = None
) -> list[dict[str, Any]]:
    """Rows for ``python -m benchmarks``: each scale of ``scales`` measured (smallest first),
    the exponents between them, and the plot drawn at ``plot_path``."""
    points, rows = [], []
    with tempfile.TemporaryDirectory(prefix="govkg-bench-growth-") as tmp:
        base = work or Path(tmp)
        for scale in sorted(scales, key=ORDER.index):
            folder = base / scale
            point, incremental = measure_scale(scale, folder)
            shutil.rmtree(folder, ignore_errors=True)  # a province build is gigabytes
            points.append(point)
            rows += incremental
    rows += growth_rows(points)
    if plot_path is not None and len(points) > 1:
        plot(points, plot_path)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.growth")
    parser.add_argument("--scales", nargs="+", choices=ORDER, default=list(ORDER))
    parser.add_argument("--plot", type=Path, default=None, help="write the plot (PNG) here")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.scales, args.plot), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
