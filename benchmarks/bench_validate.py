"""Validation of a built output (SHACL shapes and span checks), engine against engine.

- ``validate_s_<label>``: ``validate_output`` with the default engine (the shapes compiled
  to SPARQL, run on the build's Oxigraph store), against pySHACL validating the same
  output with the same report, in the same process, on builds of up to
  ``PYSHACL_MAX_TRIPLES`` statements (the corpus): pySHACL holds the whole graph as rdflib
  objects and runs each SPARQL rule once per focus node, its sub-queries included (the
  chain rule's rank every unit: quadratic in the roster's units), so at city and province
  scale the row has no baseline.
- ``validate_pyrudof_s_<label>``: where pyrudof is installed, its native SHACL engine on
  the same ``govkg.ttl`` (reading included), for comparison only: its report has no
  messages and none of the bound values the SPARQL rules name; like pySHACL it holds the
  whole graph in memory and runs the rules' sub-queries once per focus node, so it is not
  run above ``PYSHACL_MAX_TRIPLES`` either.

``python -m benchmarks.bench_validate OUT [--label city]`` prints the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.rows import corpus_dir, row

#: Statements above which pySHACL (the baseline) and pyrudof are not run.
PYSHACL_MAX_TRIPLES = 200_000


def _timed(engine: str, out: Path) -> tuple[float, dict[str, Any]]:
    from govkg.graph.validate import validate_output

    started = time.perf_counter()
    report = validate_output(out, corpus_dir(), engine=engine)  # type: ignore[arg-type]
    return time.perf_counter() - started, report.to_dict()


def _pyrudof_seconds(out: Path) -> float | None:
    try:
        import pyrudof  # type: ignore[import-not-found]
    except ImportError:
        return None
    from govkg.ontology import shapes_text

    started = time.perf_counter()
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(out / "govkg.ttl"), format=pyrudof.RDFFormat.Turtle)
    rudof.read_shacl(shapes_text())
    rudof.validate_shacl()
    return time.perf_counter() - started


def run(out: Path, label: str) -> list[dict[str, Any]]:
    """The rows for the build in ``out`` (``label``: its scale)."""
    triples = json.loads((out / "report.json").read_text(encoding="utf-8"))["triples"]
    seconds, report = _timed("sparql", out)
    base = None
    if triples <= PYSHACL_MAX_TRIPLES:
        base, reference = _timed("pyshacl", out)
        if reference != report:
            raise RuntimeError("the SPARQL engine and pySHACL disagree on this build")
    rows = [row(f"validate_s_{label}", seconds, "s", base, None)]
    rudof = _pyrudof_seconds(out) if triples <= PYSHACL_MAX_TRIPLES else None
    if rudof is not None:
        rows.append(row(f"validate_pyrudof_s_{label}", rudof, "s", seconds, None))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_validate")
    parser.add_argument("out", type=Path)
    parser.add_argument("--label", default="city")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.out, args.label), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
