"""Every notebook in notebooks/ runs top to bottom against the corpus build, writes nothing
into the checkout, and is kept in git with its outputs cleared."""

from __future__ import annotations

import hashlib
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 300
#: Seconds a notebook may take from its first cell to its last, where a user waits on it.
RUN_BUDGET_S = {"03-network-analysis": 15.0}
#: Whether the tree is a git checkout (an unpacked source archive is not).
GIT = (ROOT / ".git").exists()


def _git(*args: str) -> list[str]:
    proc = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    )
    return proc.stdout.splitlines()


def tree_state() -> tuple[dict[str, str], set[str]]:
    """What a notebook could leave in the checkout: every file under notebooks/ (hidden
    and git-ignored ones too) with its digest, and the untracked files git does not ignore
    anywhere in the tree. Edits to tracked files outside notebooks/ are left out (a shared
    tree has work in progress changing them meanwhile), and so are ignored folders such as
    ``out/``, where a notebook may write."""
    folder = ROOT / "notebooks"
    digests = {
        p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    status = _git("status", "--porcelain", "--untracked-files=all") if GIT else []
    untracked = {line[3:] for line in status if line.startswith("??")}
    return digests, untracked


def tree_changes(before: tuple[dict[str, str], set[str]]) -> list[str]:
    digests, untracked = tree_state()
    changed = sorted(
        name
        for name in digests.keys() | before[0].keys()
        if digests.get(name) != before[0].get(name)
    )
    return changed + sorted(untracked - before[1])


def test_there_are_notebooks() -> None:
    names = [p.stem for p in NOTEBOOKS]
    assert names[:4] == [
        "01-quickstart",
        "02-statistics-and-sources",
        "03-network-analysis",
        "04-ontology",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; clear them"
            assert cell.execution_count is None, f"{path.name}: clear the execution counts"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean(
    path: Path,
    corpus_dir: Path,
    corpus_build: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The kernel inherits this environment: the corpus and the shared build. What a notebook
    # builds itself (a synthetic roster) goes where it goes by default, a new temporary
    # folder, here made under tmp_path.
    monkeypatch.setenv("GOVKG_CORPUS", str(corpus_dir))
    monkeypatch.setenv("GOVKG_OUT", str(corpus_build))
    monkeypatch.delenv("GOVKG_SCRATCH", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    before = tree_state()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}")
    took = time.perf_counter() - started
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert not errors
    assert tree_changes(before) == [], f"{path.name} wrote into the checkout"
    budget = RUN_BUDGET_S.get(path.stem)
    assert budget is None or took < budget, f"{path.name} took {took:.1f} s (budget {budget} s)"
