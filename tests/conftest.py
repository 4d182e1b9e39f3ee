"""Shared fixtures: the corpus folder beside the project and one corpus build per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govkg.graph.build import BuildOptions, build

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("GOVKG_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = Path(os.environ.get("GOVKG_CORPUS", shared_dir() / "corpus"))
    if not path.is_dir():
        pytest.fail(f"corpus folder not found at {path}; set GOVKG_CORPUS")
    return path


@pytest.fixture(scope="session")
def gold_file() -> Path:
    return shared_dir() / "gold" / "corpus-gold.json"


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A validated build of the corpus, shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("corpus-build") / "out"
    result = build(BuildOptions(corpus_dir, out))
    assert result.written
    return out
