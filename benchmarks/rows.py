"""What every benchmark module shares: the row format of ``results.json`` and the corpus."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def row(
    name: str,
    value: float,
    unit: str,
    baseline: float | None,
    target: float | None,
    higher_is_better: bool = False,
) -> dict[str, Any]:
    ratio = round(value / baseline, 3) if baseline else None
    if target is None:
        met = None
    elif name.endswith("_ratio"):
        met = ratio is not None and ratio <= target
    else:
        met = value >= target if higher_is_better else value <= target
    return {
        "name": name,
        "value": round(value, 4),
        "unit": unit,
        "baseline": round(baseline, 4) if baseline is not None else None,
        "ratio": ratio,
        "target": target,
        "met": met,
    }


def corpus_dir() -> Path:
    return Path(os.environ.get("GOVKG_CORPUS", ROOT.parent / "shared" / "corpus"))
