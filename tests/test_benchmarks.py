"""The benchmark harness keeps working (tiny scale); no timing is asserted."""

from __future__ import annotations

import json
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
