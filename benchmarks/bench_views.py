"""Time from opening a view page to a drawn, stable network, in Debian's chromium.

The figure is taken on the largest page of a build (most nodes); the baseline is the same
page template with an empty network, opened the same way in the same run, so the ratio is
what the graph itself costs on top of parsing vis-network. ``run(out_dir)`` returns the
rows for ``python -m benchmarks``; ``python benchmarks/bench_views.py OUT`` prints them.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
TARGET_S = 3.0
REPEATS = 5


def largest_page(out_dir: Path) -> tuple[Path, int]:
    """The view page with the most nodes in a build (views written first if missing)."""
    from govkg.graph.views import write_views

    report = out_dir / "report.json"
    summary: dict[str, Any] | None = None
    if report.exists():
        summary = json.loads(report.read_text(encoding="utf-8")).get("views")
    if summary is None or not (out_dir / "views" / "index.html").exists():
        summary = write_views(out_dir)
    pages = [p for v in summary["views"] for p in [v, *v.get("pages", [])]]
    best = max(pages, key=lambda p: (p["nodes"], p["edges"], p["file"]))
    return out_dir / best["file"], int(best["nodes"])


def time_to_stable(browser: Any, page_path: Path, repeats: int = REPEATS) -> float:
    """Median seconds from navigation start to the page's first frame after layout
    (``window.__govkgReady``, set once vis-network has drawn with physics off)."""
    times = []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_function("window.__govkgReady !== undefined", timeout=60000)
        times.append(float(page.evaluate("window.__govkgReady")) / 1000)
        context.close()
    return statistics.median(times)


def run(out_dir: Path) -> list[dict[str, Any]]:
    """Rows ``view_stable_s`` (largest view) for the benchmark table."""
    from playwright.sync_api import sync_playwright

    from govkg.graph.views import baseline_page

    if not CHROMIUM.exists():
        raise RuntimeError("Debian chromium is needed at /usr/bin/chromium")
    page_path, _nodes = largest_page(Path(out_dir))
    with tempfile.TemporaryDirectory(prefix="govkg-view-bench-") as tmp:
        empty = Path(tmp) / "baseline.html"
        empty.write_text(baseline_page(), encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                time_to_stable(browser, empty, 1)  # warm the browser's caches once
                base = time_to_stable(browser, empty)
                value = time_to_stable(browser, page_path)
            finally:
                browser.close()
    ratio = round(value / base, 3) if base else None
    return [
        {
            "name": "view_stable_s",
            "value": round(value, 4),
            "unit": "s",
            "baseline": round(base, 4),
            "ratio": ratio,
            "target": TARGET_S,
            "met": value <= TARGET_S,
        }
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    page, nodes = largest_page(target)
    print(f"largest view: {page.name} ({nodes} nodes)")
    print(json.dumps(run(target), indent=2))
