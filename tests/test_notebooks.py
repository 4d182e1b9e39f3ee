"""Every notebook in notebooks/ runs top to bottom against the corpus build, and is kept in
git with its outputs cleared."""

from __future__ import annotations

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
    # The kernel inherits this environment: the corpus, the shared build, and a scratch
    # folder for what a notebook builds itself (a synthetic roster).
    monkeypatch.setenv("GOVKG_CORPUS", str(corpus_dir))
    monkeypatch.setenv("GOVKG_OUT", str(corpus_build))
    monkeypatch.setenv("GOVKG_SCRATCH", str(tmp_path))
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
    budget = RUN_BUDGET_S.get(path.stem)
    assert budget is None or took < budget, f"{path.name} took {took:.1f} s (budget {budget} s)"
