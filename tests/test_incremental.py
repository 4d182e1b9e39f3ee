"""Incremental builds: a build into an existing output reuses the graphs of unchanged
reports and writes exactly what a clean build writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from govkg.graph.build import BuildOptions, build
from govkg.graph.incremental import CACHE_DIR

OUTPUTS = ("govkg.trig", "govkg.ttl", "report.json")


def _corpus_copy(corpus_dir: Path, target: Path, drop_last: bool) -> tuple[Path, list[str]]:
    shutil.copytree(corpus_dir, target)
    manifest = yaml.safe_load((target / "corpus.yaml").read_text(encoding="utf-8"))
    ids = [d["id"] for d in manifest["documents"]]
    if drop_last:
        manifest["documents"] = manifest["documents"][:-1]
        (target / f"{ids[-1]}.txt").unlink()
        (target / "corpus.yaml").write_text(
            yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
        )
    return target, ids


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    views_a = sorted(p.relative_to(a) for p in (a / "views").rglob("*") if p.is_file())
    views_b = sorted(p.relative_to(b) for p in (b / "views").rglob("*") if p.is_file())
    assert views_a == views_b
    for rel in views_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_adding_a_report_reuses_the_others_and_equals_a_clean_build(
    corpus_dir: Path, tmp_path: Path
) -> None:
    corpus, ids = _corpus_copy(corpus_dir, tmp_path / "corpus", drop_last=True)
    out = tmp_path / "out"
    first = build(BuildOptions(corpus, out))
    assert first.written and first.reused == []
    assert len(list((out / CACHE_DIR / "docs").glob("*.nt"))) == len(ids) - 1

    # the last report comes back: only it is read again
    shutil.rmtree(corpus)
    _corpus_copy(corpus_dir, corpus, drop_last=False)
    second = build(BuildOptions(corpus, out))
    assert second.written and sorted(second.reused) == sorted(ids[:-1])

    clean = build(BuildOptions(corpus, tmp_path / "clean", incremental=False))
    assert clean.reused == []
    _same_outputs(out, tmp_path / "clean")
    assert second.report == clean.report


def test_a_changed_report_is_read_again(corpus_dir: Path, tmp_path: Path) -> None:
    corpus, ids = _corpus_copy(corpus_dir, tmp_path / "corpus", drop_last=False)
    out = tmp_path / "out"
    build(BuildOptions(corpus, out))
    changed = corpus / f"{ids[0]}.txt"
    changed.write_bytes(changed.read_bytes() + "\n本市划分网格120个。\n".encode())
    again = build(BuildOptions(corpus, out))
    assert sorted(again.reused) == sorted(ids[1:])
    clean = build(BuildOptions(corpus, tmp_path / "clean", incremental=False))
    _same_outputs(out, tmp_path / "clean")
    # the entry of the old text is gone: one entry per report
    assert len(list((out / CACHE_DIR / "docs").glob("*.nt"))) == len(ids)
    assert clean.report["triples"] == again.report["triples"]
