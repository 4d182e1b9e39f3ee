"""The notebooks can be opened from what the README installs: the ``notebook`` extra brings
JupyterLab and a kernel, the README names the command, and every module a notebook imports
comes with Python, govkg's own dependencies or that extra."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def _requirement_names(reqs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


def test_notebook_extra_brings_jupyterlab_and_the_readme_names_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = _requirement_names(project["optional-dependencies"]["notebook"])
    assert {"jupyterlab", "ipykernel"} <= extra
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[notebook]'" in readme
    assert "jupyter lab notebooks/" in readme


def test_notebook_imports_come_with_the_install() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    installed = _requirement_names(project["dependencies"]) | _requirement_names(
        project["optional-dependencies"]["notebook"]
    )
    dists = packages_distributions()
    missing = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for m in re.finditer(r"^\s*(?:from|import)\s+(\w+)", cell.source, re.M):
                module = m.group(1)
                if module in sys.stdlib_module_names or module == "govkg":
                    continue
                names = {d.lower().replace("_", "-") for d in dists.get(module, [])}
                # IPython comes with ipykernel, the kernel every notebook runs in
                if module == "IPython" or names & installed:
                    continue
                missing.append((path.name, module))
    assert missing == []
