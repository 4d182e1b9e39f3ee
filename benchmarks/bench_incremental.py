"""Adding one report to an existing build, against a clean build of the same inputs.

``incremental_add_s_<label>``: a whole ``govkg build`` process (validation included) into
an output built before from the same roster and the corpus less its last report, with the
last report back; the baseline is the same build into an empty folder, in the same run.
The two outputs must be byte-identical (``govkg.trig``, ``govkg.ttl``, ``report.json``),
else the benchmark fails.

``python -m benchmarks.bench_incremental --scale city`` prints the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from benchmarks.rows import ROOT, corpus_dir, row, run_measured


class Built(NamedTuple):
    """One ``govkg build`` process: its wall-clock seconds and its own peak RSS."""

    seconds: float
    peak_rss_mb: float


def timed_build(corpus: Path, roster: Path | None, out: Path) -> Built:
    """Run ``govkg build`` (validation included) as a process of its own; its seconds and
    peak RSS (:func:`benchmarks.rows.run_measured`)."""
    args = [sys.executable, "-m", "govkg.graph.cli", "build", "--corpus", str(corpus)]
    if roster is not None:
        args += ["--roster", str(roster)]
    run = run_measured([*args, "--out", str(out)], cwd=ROOT)
    if run.returncode != 0:
        raise RuntimeError(f"build failed ({run.returncode}):\n{run.output[-3000:]}")
    return Built(run.seconds, run.peak_rss_mb)


class Measured(NamedTuple):
    """The rows of :func:`measure` and the clean build it timed (what a build of these
    inputs costs, for the growth benchmark)."""

    rows: list[dict[str, Any]]
    clean: Built


def measure(work: Path, roster: Path | None, label: str) -> list[dict[str, Any]]:
    """The ``incremental_add_s_<label>`` row."""
    return measure_builds(work, roster, label).rows


def measure_builds(work: Path, roster: Path | None, label: str) -> Measured:
    full = work / "corpus"
    shutil.copytree(corpus_dir(), full)
    less = work / "corpus-less"
    shutil.copytree(full, less)
    manifest = yaml.safe_load((less / "corpus.yaml").read_text(encoding="utf-8"))
    last = manifest["documents"].pop()["id"]
    (less / f"{last}.txt").unlink()
    (less / "corpus.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")

    out, clean_dir = work / "out", work / "clean"
    timed_build(less, roster, out)
    # the same corpus folder for both builds: report.json names it
    shutil.rmtree(less)
    shutil.copytree(full, less)
    add = timed_build(less, roster, out)
    shutil.rmtree(out / "store", ignore_errors=True)  # disk: a province store is gigabytes
    clean = timed_build(less, roster, clean_dir)
    for name in ("govkg.trig", "govkg.ttl", "report.json"):
        if (out / name).read_bytes() != (clean_dir / name).read_bytes():
            raise RuntimeError(f"incremental and clean builds differ in {name}")
    rows = [row(f"incremental_add_s_{label}", add.seconds, "s", clean.seconds, 10.0)]
    return Measured(rows, clean)


def run(scale: str, roster: Path | None = None) -> list[dict[str, Any]]:
    """Rows for ``python -m benchmarks``: with the roster at ``roster`` (city or province
    scale), else the corpus alone (``label`` corpus)."""
    with tempfile.TemporaryDirectory(prefix="govkg-bench-incremental-") as tmp:
        return measure(Path(tmp), roster, scale if roster is not None else "corpus")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_incremental")
    parser.add_argument("--scale", choices=("tiny", "city", "province"), default="city")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="govkg-bench-incremental-") as tmp:
        work = Path(tmp)
        roster = None
        if args.scale != "tiny":
            from govkg.loaders.synth import synthesize

            roster = work / "roster"
            synthesize(args.scale, 7, roster)
        rows = measure(work, roster, args.scale if roster is not None else "corpus")
    print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
