"""``corpus.yaml`` is checked before any document is read: ids stay inside the corpus folder,
``out_of_scope`` ranges are whole, ordered and inside their document, unknown keys are named,
and a report over the size limit is refused by name."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from govkg.graph.cli import app
from govkg.loaders.corpus import MANIFEST, MAX_DOCUMENT_BYTES, CorpusError, read_corpus

SECRET = "外部秘密文件内容"


def _copy(corpus_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(corpus_dir, target)
    for path in target.iterdir():
        path.chmod(0o644)
    target.chmod(0o755)
    return target


def _edit(corpus: Path, change: Any) -> None:
    """Rewrite corpus.yaml after ``change(manifest)`` (a dict) has edited it in place."""
    path = corpus / MANIFEST
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")


def _reasons(corpus: Path) -> tuple[list[str], list[str]]:
    docs, rejections = read_corpus(corpus)
    return [d.doc_id for d in docs], [str(r) for r in rejections]


@pytest.mark.parametrize("kind", ["relative", "absolute", "symlink"])
def test_ids_cannot_leave_the_corpus_folder(corpus_dir: Path, tmp_path: Path, kind: str) -> None:
    corpus = _copy(corpus_dir, tmp_path)
    secret = tmp_path / "outside_secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    if kind == "relative":
        bad_id = "../outside_secret"
    elif kind == "absolute":
        bad_id = str(tmp_path / "outside_secret")
    else:
        bad_id = "linked"
        (corpus / "linked.txt").symlink_to(secret)
    _edit(corpus, lambda m: m["documents"].append({"id": bad_id, "title": "x"}))
    ids, reasons = _reasons(corpus)
    assert bad_id not in ids and len(ids) == 5
    refused = [r for r in reasons if bad_id in r]
    assert refused, reasons
    assert all(MANIFEST in r and "document entry 6" in r for r in refused)
    assert any("corpus folder" in r for r in refused)
    docs, _ = read_corpus(corpus)
    assert not any(SECRET in d.text for d in docs)


@pytest.mark.parametrize(
    ("ranges", "words"),
    [
        ([["a", 10]], "whole numbers"),
        ([[1.5, 10]], "whole numbers"),
        ([[10]], "whole numbers"),
        ("0-10", "list of [start, end]"),
        ([[50, 10]], "reversed"),
        ([[10, 10]], "reversed"),
        ([[-5, 10]], "negative"),
        ([[0, 10**9]], "past the end"),
    ],
)
def test_bad_out_of_scope_ranges_name_the_document(
    corpus_dir: Path, tmp_path: Path, ranges: object, words: str
) -> None:
    corpus = _copy(corpus_dir, tmp_path)
    victim: dict[str, Any] = {}

    def change(manifest: dict[str, Any]) -> None:
        entry = manifest["documents"][2]
        entry["out_of_scope"] = ranges
        victim.update(entry)

    _edit(corpus, change)
    ids, reasons = _reasons(corpus)
    assert victim["id"] not in ids
    assert any(
        f"{victim['id']}.txt" in r and "out_of_scope" in r and words in r for r in reasons
    ), reasons


def test_bad_ranges_fail_the_build_without_a_traceback(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = _copy(corpus_dir, tmp_path)
    _edit(corpus, lambda m: m["documents"][0].update(out_of_scope=[["start", "end"]]))
    result = CliRunner().invoke(
        app, ["build", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--no-validate"]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "out_of_scope" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_valid_ranges_and_the_corpus_itself_pass(corpus_dir: Path) -> None:
    ids, reasons = _reasons(corpus_dir)
    assert len(ids) == 5 and reasons == []


def test_unknown_keys_are_named(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = _copy(corpus_dir, tmp_path)

    def change(manifest: dict[str, Any]) -> None:
        manifest["documents"][1]["out_of_scpoe"] = [[0, 10]]
        manifest["extra_setting"] = 1

    _edit(corpus, change)
    ids, reasons = _reasons(corpus)
    assert len(ids) == 4
    assert any(
        "document entry 2" in r and "'out_of_scpoe'" in r and "did you mean 'out_of_scope'" in r
        for r in reasons
    ), reasons
    assert any("top level" in r and "'extra_setting'" in r for r in reasons), reasons
    assert not any("not listed" in r for r in reasons), reasons


def test_a_report_over_the_size_limit_is_refused_by_name(corpus_dir: Path, tmp_path: Path) -> None:
    corpus = _copy(corpus_dir, tmp_path)
    big = corpus / "999_big.txt"
    big.write_bytes("社区党组织。".encode() * (MAX_DOCUMENT_BYTES // 18 + 1))
    _edit(corpus, lambda m: m["documents"].append({"id": "999_big", "title": "big"}))
    ids, reasons = _reasons(corpus)
    assert "999_big" not in ids and len(ids) == 5
    assert any("999_big.txt" in r and "max_document_bytes" in r for r in reasons), reasons
    # the limit is the corpus's to set
    _edit(corpus, lambda m: m.update(max_document_bytes=MAX_DOCUMENT_BYTES * 2))
    ids, reasons = _reasons(corpus)
    assert "999_big" in ids and reasons == []
    _edit(corpus, lambda m: m.update(max_document_bytes=1000))
    ids, reasons = _reasons(corpus)
    assert ids == [] and len(reasons) == 6
    _edit(corpus, lambda m: m.update(max_document_bytes="lots"))
    with pytest.raises(CorpusError, match="max_document_bytes"):
        read_corpus(corpus)
