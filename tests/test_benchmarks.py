"""The benchmark harness keeps working (tiny scale); no timing is asserted."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.__main__ import main

KEYS = ["name", "value", "unit", "baseline", "ratio", "target", "met"]


def test_harness_writes_rows(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "results.json"
    assert main(["--scale", "tiny", "--output", str(output)]) == 0
    # long steps show on stderr with their seconds
    assert "corpus build" in capfd.readouterr().err
    rows = json.loads(output.read_text(encoding="utf-8"))
    names = {r["name"] for r in rows}
    assert {"build_corpus_s", "extract_chars_per_s", "pipeline_load_s"} <= names
    assert {"endpoint_req_per_s", "endpoint_p95_ms", "extract_scaling"} <= names
    for r in rows:
        assert list(r) == KEYS
        assert r["value"] is not None and r["value"] >= 0


def test_markdown_and_text_tables() -> None:
    from benchmarks.__main__ import markdown, table
    from benchmarks.rows import row

    rows = [row("load_ratio", 10.0, "s", 4.0, 2.0), row("pipeline_load_s", 0.8, "s", None, None)]
    md = markdown(rows).splitlines()
    assert md[0] == "| " + " | ".join(KEYS) + " |"
    assert md[2] == "| load_ratio | 10.0 | s | 4.0 | 2.5 | 2.0 | NO |"
    assert md[3] == "| pipeline_load_s | 0.8 | s |  |  |  |  |"
    text = table(rows).splitlines()
    assert text[1].split() == ["load_ratio", "10.0", "s", "4.0", "2.5", "2.0", "NO"]


def test_scaling_slope_and_synthetic_reports() -> None:
    from benchmarks.bench_extract_scaling import slope, synthetic_text

    assert slope([1, 2, 4], [3, 6, 12]) == pytest.approx(1.0)
    assert slope([0.5, 1, 2, 4, 8], [x * x for x in (0.5, 1, 2, 4, 8)]) == pytest.approx(2.0)
    text = synthetic_text(["甲乙", "丙"], 0.001)  # 1,000 bytes of UTF-8 at least
    assert len(text.encode("utf-8")) >= 1000 and text.startswith("甲乙\n\n丙\n\n甲乙")


def test_growth_exponents_and_rows() -> None:
    """The growth exponent is the log-log slope between two scales; each scale's build and
    each pair of consecutive scales get their rows, the memory target on city to province."""
    from benchmarks.growth import Point, exponent, growth_rows

    assert exponent(1_000, 2.0, 10_000, 20.0) == pytest.approx(1.0)
    assert exponent(10, 7.0, 1_000, 7.0) == pytest.approx(0.0)
    assert exponent(100, 1.0, 400, 2.0) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        exponent(100, 0.0, 400, 2.0)
    points = [
        Point("tiny", 1_000, 10_000, 2.0, 400.0),
        Point("city", 10_000, 100_000, 20.0, 800.0),
        Point("province", 100_000, 1_000_000, 100.0, 1_000.0),
    ]
    rows = {r["name"]: r for r in growth_rows(points)}
    assert rows["build_s_city"]["value"] == 20.0
    assert rows["time_exponent_tiny_city"]["value"] == pytest.approx(1.0)
    assert rows["memory_exponent_tiny_city"]["target"] is None
    province = rows["memory_exponent_city_province"]
    assert province["value"] == pytest.approx(math.log10(1_000 / 800), abs=1e-4)
    assert province["target"] == 0.5 and province["met"] is True
    assert rows["time_exponent_city_province"]["value"] == pytest.approx(math.log10(5), abs=1e-4)
    worse = [points[1], points[2]._replace(peak_rss_mb=8_000.0)]
    assert {r["name"]: r for r in growth_rows(worse)}["memory_exponent_city_province"][
        "met"
    ] is False


def test_growth_plot_is_a_png_drawn_the_same_each_time(tmp_path: Path) -> None:
    from benchmarks.growth import Point, plot

    points = [Point("tiny", 6_000, 60_000, 4.4, 480.0), Point("city", 60_000, 500_000, 10.0, 890.0)]
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    plot(points, first)
    plot(points, second)
    data = first.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    assert data == second.read_bytes()


def test_a_childs_peak_memory_is_its_own_not_its_parents() -> None:
    """A child allocating about 200 MB from a parent holding 600 MB: run_measured gives the
    child's peak (ru_maxrss of the child would count the parent's memory at the fork)."""
    import sys

    from benchmarks.rows import run_measured

    held = b"x" * (600 << 20)
    child = "import time; b = b'y' * (200 << 20); time.sleep(0.3)"
    run = run_measured([sys.executable, "-c", child])
    assert run.returncode == 0 and len(held) == 600 << 20
    assert 180 < run.peak_rss_mb < 450
