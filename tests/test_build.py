"""The build pipeline end to end: output folder, determinism, atomicity and bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from govkg.graph import build as build_module
from govkg.graph.build import BuildOptions, build
from govkg.graph.cli import app

runner = CliRunner()
COUNT_DOCS = (
    "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT (COUNT(DISTINCT ?d) AS ?n) "
    "WHERE { ?d a gk:SourceDocument ; gk:docId ?id }"
)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_output_folder_has_every_artefact(corpus_build: Path) -> None:
    for name in ("govkg.trig", "govkg.ttl", "report.json"):
        assert (corpus_build / name).is_file(), name
    assert (corpus_build / "store").is_dir()
    report = json.loads((corpus_build / "report.json").read_text(encoding="utf-8"))
    assert report["validation"]["conforms"] is True
    assert report["entities"]["SourceDocument"] == 5
    trig = (corpus_build / "govkg.trig").read_text(encoding="utf-8")
    # one named graph per document and one for the ontology
    assert trig.count("gkd:doc\\/") >= 5
    assert "<https://w3id.org/govkg/ontology> {" in trig


def test_sparql_counts_five_documents(corpus_build: Path) -> None:
    result = runner.invoke(
        app, ["sparql", COUNT_DOCS, "--out", str(corpus_build), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", "5"]


def test_rebuild_is_byte_identical(corpus_dir: Path, corpus_build: Path, tmp_path: Path) -> None:
    """Same inputs, same bytes, also from a fresh interpreter (hash seeds and any random
    blank-node ids differ between processes)."""
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "govkg.graph.cli", "build", "--corpus", str(corpus_dir)),
            *("--out", str(tmp_path / "b")),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("govkg.trig", "govkg.ttl", "report.json"):
        assert (corpus_build / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_failed_build_leaves_previous_output(
    corpus_dir: Path, corpus_build_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = corpus_build_copy
    before = _digest(out)

    def explode(*_args: object) -> None:
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(build_module, "_after_write", explode)
    with pytest.raises(RuntimeError):
        build(BuildOptions(corpus_dir, out, validate=False))
    assert _digest(out) == before
    assert not list(tmp_path.glob(".out.building-*")), "temporary folder left behind"


#: When a build is killed: once its new TriG is being written (the new output half
#: written), and once its report is written (the last file before the output is swapped in,
#: so the kill lands at the swap or just before it).
KILL_WHEN = {"writing": "govkg.trig", "swapping": "report.json"}


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


@pytest.mark.parametrize("moment", sorted(KILL_WHEN))
def test_killed_build_leaves_previous_output(
    corpus_dir: Path, corpus_build_copy: Path, tmp_path: Path, moment: str
) -> None:
    """Killed while it writes, a build leaves the previous output whole. The kill waits for
    the build to write its new output wherever it writes it: into a temporary folder beside
    OUT, or (a build without the swap) into OUT itself, so that the test fails for a build
    that writes into OUT or removes it before the new output is complete."""
    out = corpus_build_copy
    before = _digest(out)
    name = KILL_WHEN[moment]
    old = _stat(out / name)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govkg.graph.cli",
            "build",
            "--corpus",
            str(corpus_dir),
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    written = None
    while written is None and proc.poll() is None and time.monotonic() < deadline:
        written = next(iter(tmp_path.glob(f".out.building-*/{name}")), None)
        if written is None and _stat(out / name) != old:
            written = out / name  # written (or removed) in OUT itself
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    assert written is not None, f"the build ended before it wrote {name}"
    assert out.is_dir(), f"killed once {written} was written, OUT is gone"
    assert _digest(out) == before, f"killed once {written} was written, OUT is not the old one"


def _corpus_copy(corpus_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(corpus_dir, target)
    return target


def _run_build(corpus: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["build", "--corpus", str(corpus), "--out", str(out), "--no-validate", *extra]
    )
    return result.exit_code, result.output + (
        str(result.exception)
        if result.exception and not isinstance(result.exception, SystemExit)
        else ""
    )


def test_missing_corpus_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _run_build(tmp_path / "nowhere", tmp_path / "out")
    assert code == 1
    assert "nowhere" in output and "Traceback" not in output


def test_a_report_saved_as_gbk_or_utf16_is_read_and_its_spans_check(tmp_path: Path) -> None:
    """A report saved by a Chinese editor as GBK, or as UTF-16 with its mark, is read; its
    spans count the characters of that text, so validation finds them equal to the file's,
    and the report lists the encoding under the warnings."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    entries = "".join(
        f"  - {{id: {i}, title: t, date: 2024-01-01, area: 绿园区}}\n" for i in ("a1", "a2")
    )
    (corpus / "corpus.yaml").write_text(f"documents:\n{entries}", encoding="utf-8")
    text = "全区新建党群服务中心5个，社区党组织12个。"
    gbk, utf16 = corpus / "a1.txt", corpus / "a2.txt"
    gbk.write_bytes(text.encode("gbk"))
    utf16.write_bytes(text.encode("utf-16"))
    result = build(BuildOptions(corpus, tmp_path / "out"))
    report = result.report
    assert report["rejections"] == []
    assert report["validation"]["conforms"] is True
    (corpus_report,) = [r for r in report["loaders"] if r["loader"] == "corpus"]
    assert corpus_report["details"]["not_utf8"] == [
        {"document": gbk.stem, "encoding": "gb18030"},
        {"document": utf16.stem, "encoding": "utf-16"},
    ]
    assert {"kind": "not_utf8", "count": 2}.items() <= next(
        w for w in report["warnings"] if w["kind"] == "not_utf8"
    ).items()
    assert report["entities"]["StatisticObservation"] == 4
    quotes = [
        t.object.value
        for t in ox.parse(path=str(tmp_path / "out" / "govkg.ttl"), format=ox.RdfFormat.TURTLE)
        if t.predicate.value.endswith("#quote")
    ]
    assert quotes.count("党群服务中心5个") == 2 and quotes.count("社区党组织12个") == 2


def test_a_document_in_no_known_encoding_is_rejected_by_name(
    corpus_dir: Path, tmp_path: Path
) -> None:
    corpus = _corpus_copy(corpus_dir, tmp_path)
    victim = sorted(corpus.glob("*.txt"))[0]
    victim.write_bytes("街道党工委".encode() + b"\x80\xff\xfe")
    code, output = _run_build(corpus, tmp_path / "out")
    assert code == 1
    flat = output.replace("\n", "")
    assert victim.name in flat and "neither UTF-8 nor GBK" in flat
    assert not (tmp_path / "out").exists()
    code, _ = _run_build(corpus, tmp_path / "out", "--allow-rejects")
    assert code == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert any(victim.name in r["source"] for r in report["rejections"])
    assert report["entities"]["SourceDocument"] == 4


def test_manifest_naming_a_missing_file(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = _corpus_copy(corpus_dir, tmp_path)
    victim = sorted(corpus.glob("*.txt"))[1]
    victim.unlink()
    code, output = _run_build(corpus, tmp_path / "out")
    assert code == 1
    assert victim.name in output.replace("\n", "") and "not there" in output


def test_unlisted_file_is_reported(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = _corpus_copy(corpus_dir, tmp_path)
    (corpus / "999_extra.txt").write_text("社区党组织", encoding="utf-8")
    code, output = _run_build(corpus, tmp_path / "out")
    assert code == 1
    assert "999_extra.txt" in output and "not listed" in output


def test_validate_command_passes_on_the_build(corpus_build: Path, corpus_dir: Path) -> None:
    result = runner.invoke(
        app, ["validate", "--out", str(corpus_build), "--corpus", str(corpus_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_large_graphs_are_written_one_statement_per_line(
    corpus_dir: Path, corpus_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the compact-form limit a graph is written N-Triples style; the files still parse
    as TriG and Turtle to exactly the same statements, and stay sorted."""
    import pyoxigraph as ox

    monkeypatch.setattr(build_module, "COMPACT_MAX", 100)
    plain = build(BuildOptions(corpus_dir, tmp_path / "plain", validate=False))
    assert plain.written
    compact = corpus_build  # written compactly (the corpus is far below the limit)

    def statements(path: Path, fmt: ox.RdfFormat) -> set[ox.Quad]:
        return set(ox.parse(path=str(path), format=fmt))

    for name, fmt in (("govkg.trig", ox.RdfFormat.TRIG), ("govkg.ttl", ox.RdfFormat.TURTLE)):
        assert statements(tmp_path / "plain" / name, fmt) == statements(compact / name, fmt), name
    text = (tmp_path / "plain" / "govkg.ttl").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if line and not line.startswith("@prefix")]
    assert body == sorted(body, key=lambda line: line.encode())
    assert all(line.endswith(" .") and line.startswith(("<", "_:")) for line in body)


def test_step_times_sum_consecutive_steps_of_a_kind() -> None:
    from govkg.graph.cli import step_times

    steps = [("reading the corpus", 0.0), ("document 000", 1.0), ("document 001", 3.0)]
    steps += [("roster a.csv", 6.0), ("roster b.csv", 6.5), ("writing views", 7.0)]
    assert step_times(steps, 10.0) == [
        ("reading the corpus", 1.0),
        ("document", 5.0),
        ("roster", 1.0),
        ("writing views", 3.0),
    ]


def test_build_timings_option(corpus_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "build",
            "--corpus",
            str(corpus_dir),
            "--out",
            str(tmp_path / "o"),
            "--no-validate",
            "--timings",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "writing views" in result.output and "document" in result.output


def test_store_loader_reports_a_failed_chunk(tmp_path: Path) -> None:
    from govkg.graph.build import StoreLoader

    g = ox.NamedNode("http://example.org/g")
    loader = StoreLoader(tmp_path / "store")
    loader.add(g, b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    loader.add(g, b"this is not N-Quads\n")
    loader.add(g, b"<http://example.org/s> <http://example.org/p> <http://example.org/o2> .\n")
    with pytest.raises(SyntaxError):
        loader.finish()
