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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks.rows import ROOT, corpus_dir, row


def _build(corpus: Path, roster: Path | None, out: Path) -> float:
    args = [sys.executable, "-m", "govkg.graph.cli", "build", "--corpus", str(corpus)]
    if roster is not None:
        args += ["--roster", str(roster)]
    started = time.perf_counter()
    proc = subprocess.run(
        [*args, "--out", str(out)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"build failed:\n{proc.stdout[-1500:]}\n{proc.stderr[-1500:]}")
    return time.perf_counter() - started


def measure(work: Path, roster: Path | None, label: str) -> list[dict[str, Any]]:
    full = work / "corpus"
    shutil.copytree(corpus_dir(), full)
    less = work / "corpus-less"
    shutil.copytree(full, less)
    manifest = yaml.safe_load((less / "corpus.yaml").read_text(encoding="utf-8"))
    last = manifest["documents"].pop()["id"]
    (less / f"{last}.txt").unlink()
    (less / "corpus.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")

    out, clean = work / "out", work / "clean"
    _build(less, roster, out)
    # the same corpus folder for both builds: report.json names it
    shutil.rmtree(less)
    shutil.copytree(full, less)
    add_s = _build(less, roster, out)
    clean_s = _build(less, roster, clean)
    for name in ("govkg.trig", "govkg.ttl", "report.json"):
        if (out / name).read_bytes() != (clean / name).read_bytes():
            raise RuntimeError(f"incremental and clean builds differ in {name}")
    return [row(f"incremental_add_s_{label}", add_s, "s", clean_s, 10.0)]


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
