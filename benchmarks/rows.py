"""What every benchmark module shares: the row format of ``results.json`` and the corpus."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

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


class Measured(NamedTuple):
    """A command run as a process of its own: its exit status, output, wall-clock seconds
    and peak resident memory (MB)."""

    returncode: int
    output: str
    seconds: float
    peak_rss_mb: float


def run_measured(args: list[str], cwd: Path | None = None, every: float = 0.05) -> Measured:
    """Run ``args``; its peak RSS is the largest ``VmHWM`` its ``/proc`` status shows while
    it runs. (``ru_maxrss`` of a child is no measure of it: Linux counts the memory of the
    parent at the fork into it, so a child of a large benchmark process seems as large.)"""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        status = Path(f"/proc/{proc.pid}/status")
        peak_kb = 0
        while proc.poll() is None:
            try:
                text = status.read_text()
            except OSError:
                break
            m = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if m:
                peak_kb = max(peak_kb, int(m.group(1)))
            time.sleep(every)
        proc.wait()
        elapsed = time.perf_counter() - started
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return Measured(proc.returncode, output, elapsed, peak_kb / 1024)
