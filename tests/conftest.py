"""Shared fixtures: the corpus folder beside the project and one corpus build per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from govkg.graph.build import BuildOptions, build

# Property tests draw the same examples on every run (a fixed seed): a failure found once is
# found again, and the suite never fails by chance. To explore with fresh examples:
# pytest --hypothesis-profile=explore
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("GOVKG_SHARED", ROOT.parent / "shared"))


#: Fixtures that start a server or a browser, and the marker a test using them must carry
#: (``pytest -m "not server and not browser"`` then leaves out every test that starts one).
MARKED_FIXTURES = {
    "browser": "browser",
    "bolt": "server",
    "cypher_target": "server",
    "endpoint": "server",
    "serve_cypher": "server",
    "server": "server",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        f"{item.nodeid} (uses {fixture}, needs @pytest.mark.{marker})"
        for item in items
        for fixture, marker in MARKED_FIXTURES.items()
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None
    ]
    if unmarked:
        raise pytest.UsageError("tests without their marker:\n  " + "\n  ".join(unmarked))


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


@pytest.fixture
def corpus_build_copy(corpus_build: Path, tmp_path: Path) -> Path:
    """A copy of the corpus build at ``tmp_path/out`` (without a Cypher server's folder),
    for a test that writes into its output: a rebuild over it, a server's data beside it."""
    out = tmp_path / "out"
    shutil.copytree(corpus_build, out, ignore=shutil.ignore_patterns("cypher"), symlinks=True)
    return out


def start_serve_cypher(out: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """Start ``govkg serve cypher --out OUT`` and read its output until it says the server
    is up (the Ctrl-C line); the process and the lines it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "govkg.graph.cli", "serve", "cypher", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "Ctrl-C" in line:
            break
    return proc, lines
