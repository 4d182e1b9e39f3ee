"""One build at a time into an output folder (``.OUT.lock`` beside it), leftovers of killed
builds removed, and the local Cypher server's folder kept across rebuilds."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from govkg.graph.build import BuildError, BuildOptions, build


def test_second_build_into_one_output_fails_fast(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    fd = os.open(tmp_path / ".out.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a build running in another process holds it
        os.pwrite(fd, b"4242\n", 0)
        started = time.monotonic()
        with pytest.raises(BuildError, match=r"another build \(pid 4242\) is writing"):
            build(BuildOptions(corpus_dir, out, validate=False))
        assert time.monotonic() - started < 2
        assert not out.exists()
    finally:
        os.close(fd)


def test_build_removes_leftovers_of_killed_builds(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in (".out.building-abc123", "out.old-999"):
        (tmp_path / name / "store").mkdir(parents=True)
        (tmp_path / name / "store" / "000001.sst").write_bytes(b"x" * 1000)
    (tmp_path / ".other.building-1").mkdir()  # another output's: not ours to remove
    assert build(BuildOptions(corpus_dir, out, validate=False)).written
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.building-1", ".out.lock", "out"]


def test_output_moved_aside_by_a_killed_swap_is_put_back(corpus_dir: Path, tmp_path: Path) -> None:
    """A build killed between moving the old output aside and moving the new one in left
    no ``out``: the next build puts it back before building (and a failed one keeps it)."""
    (tmp_path / "out.old-77").mkdir()
    (tmp_path / "out.old-77" / "govkg.trig").write_text("# the previous build\n")
    bad = tmp_path / "no-corpus"
    with pytest.raises(BuildError):
        build(BuildOptions(bad, tmp_path / "out", validate=False))
    assert (tmp_path / "out" / "govkg.trig").read_text() == "# the previous build\n"
    assert not (tmp_path / "out.old-77").exists()


def test_rebuild_keeps_the_cypher_folder(corpus_dir: Path, corpus_build_copy: Path) -> None:
    out = corpus_build_copy
    (out / "cypher").mkdir()
    (out / "cypher" / "dump.rdb").write_bytes(b"snapshot")
    inode = (out / "cypher").stat().st_ino
    assert build(BuildOptions(corpus_dir, out, validate=False)).written
    assert (out / "cypher" / "dump.rdb").read_bytes() == b"snapshot"
    assert (out / "cypher").stat().st_ino == inode  # moved, not copied
