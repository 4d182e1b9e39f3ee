"""How report extraction grows with the size of a report: the report loader run on synthetic
reports of 0.5, 1, 2, 4 and 8 MB, each the corpus reports concatenated (in memory, at run
time, never written anywhere) until the size is reached.

Row ``extract_scaling``: the log-log slope of extraction time against size (1.0 is linear;
target at most 1.1). The baseline is the same slope for jieba's segmentation alone over
the same texts. The full set takes about a minute (measured on 2 cores: 1.9, 3.5, 7.0, 13.9
and 29.8 s, a slope of 0.99, jieba's 0.95; 3.2 to 178.9 s and 1.42 before the loader's
quadratic steps were removed), so ``python -m benchmarks`` runs smaller sizes by scale
(:data:`SIZES_BY_SCALE`);
``python -m benchmarks.bench_extract_scaling [--sizes 0.5,1,2,4,8]`` runs any set.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.rows import corpus_dir, row

FULL_SIZES = (0.5, 1.0, 2.0, 4.0, 8.0)
SIZES_BY_SCALE = {
    "tiny": (0.0625, 0.125, 0.25),
    "city": (0.125, 0.25, 0.5),
    "province": FULL_SIZES,
}
TARGET = 1.1


def synthetic_text(texts: Sequence[str], megabytes: float) -> str:
    """The texts, in turn and again, joined by blank lines until ``megabytes`` MB (10⁶
    bytes of UTF-8) are reached."""
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    while size < target:
        text = texts[len(parts) % len(texts)]
        size += len(text.encode("utf-8")) + (2 if parts else 0)
        parts.append(text)
    return "\n\n".join(parts)


def slope(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) against log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def measure(
    sizes: Sequence[float], say: Callable[[str], None] = lambda _line: None
) -> dict[str, Any]:
    """Seconds of extraction and of jieba alone for each size."""
    import jieba

    from govkg.loaders.base import GraphWriter
    from govkg.loaders.corpus import read_corpus
    from govkg.loaders.pipeline import nlp_pipeline
    from govkg.loaders.text import TextLoader

    docs, _ = read_corpus(corpus_dir())
    if not docs:
        raise RuntimeError(f"no reports in {corpus_dir()}")
    nlp_pipeline()
    loader = TextLoader()
    first = docs[0]
    loader.load(first, GraphWriter(first.iri))  # warm: lexicons, caches
    list(jieba.cut(first.text))
    texts = [d.text for d in docs]  # the first report first: its manifest offsets hold
    extract, segment = [], []
    for mb in sizes:
        text = synthetic_text(texts, mb)
        doc = dataclasses.replace(
            first, text=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
        )
        started = time.perf_counter()
        loader.load(doc, GraphWriter(doc.iri))
        extract.append(time.perf_counter() - started)
        started = time.perf_counter()
        list(jieba.cut(text))
        segment.append(time.perf_counter() - started)
        say(f"{mb:g} MB ({len(text):,} characters): extraction {extract[-1]:.2f} s, "
            f"jieba {segment[-1]:.2f} s")  # fmt: skip
    return {"sizes_mb": list(sizes), "extract_s": extract, "jieba_s": segment}


def run(sizes: Sequence[float] = SIZES_BY_SCALE["tiny"]) -> list[dict[str, Any]]:
    """Row ``extract_scaling`` over ``sizes`` (MB, at least two)."""
    if len(sizes) < 2:
        raise ValueError("extract_scaling needs at least two sizes")
    return [scaling_row(measure(sizes))]


def scaling_row(got: dict[str, Any]) -> dict[str, Any]:
    sizes = got["sizes_mb"]
    return row(
        "extract_scaling",
        slope(sizes, got["extract_s"]),
        "log-log slope",
        slope(sizes, got["jieba_s"]),
        TARGET,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_extract_scaling")
    parser.add_argument(
        "--sizes",
        default=",".join(f"{s:g}" for s in FULL_SIZES),
        help="comma-separated sizes in MB (default: the full set, 0.5 to 8)",
    )
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    print(scaling_row(measure(sizes, say=lambda line: print(line, flush=True))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
