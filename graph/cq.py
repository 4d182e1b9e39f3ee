"""The competency questions shipped with the ontology (``ontology/queries/CQnn.rq`` and
``CQnn.cypher``), and ``govkg cq list`` / ``govkg cq run`` to answer them with either engine.

Both files of a question open with a comment giving the question; both return the same
columns in the same order, and, on the same build, the same rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

QUERIES = "queries"
_ID = re.compile(r"^(?:CQ)?0*(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class CompetencyQuestion:
    id: str
    question: str
    sparql: str
    cypher: str


def _question(text: str, marker: str) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if not first.startswith(marker):
        return ""
    line = first[len(marker) :].strip()
    return line.split(":", 1)[1].strip() if ":" in line else line


@cache
def load_all() -> tuple[CompetencyQuestion, ...]:
    """Every question, in id order; a question lacking one of its two files is an error."""
    root = resources.files("govkg.ontology").joinpath(QUERIES)
    names = sorted(p.name for p in root.iterdir() if p.name.startswith("CQ"))
    ids = sorted({n.split(".")[0] for n in names})
    out = []
    for cq_id in ids:
        rq, cy = root.joinpath(f"{cq_id}.rq"), root.joinpath(f"{cq_id}.cypher")
        if not rq.is_file() or not cy.is_file():
            raise FileNotFoundError(f"{cq_id} needs both {cq_id}.rq and {cq_id}.cypher")
        sparql = rq.read_text(encoding="utf-8")
        cypher = cy.read_text(encoding="utf-8")
        out.append(CompetencyQuestion(cq_id, _question(sparql, "#"), sparql, cypher))
    return tuple(out)


def get(cq_id: str) -> CompetencyQuestion:
    """A question by id: ``CQ07``, ``cq7`` and ``7`` all name the same one."""
    m = _ID.match(cq_id.strip())
    wanted = f"CQ{int(m.group(1)):02d}" if m else cq_id
    for cq in load_all():
        if cq.id == wanted:
            return cq
    raise KeyError(f"no competency question {cq_id!r}; `govkg cq list` shows them")


def normalise(value: Any) -> Any:
    """Numbers compare across engines: integral floats become ints."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def _rows(columns: list[str], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{c: normalise(r.get(c)) for c in columns} for r in rows]


def run_sparql(cq: CompetencyQuestion, out_dir: Path) -> tuple[list[str], list[dict[str, Any]]]:
    from govkg.graph.sparql import open_store, run_query

    columns, rows = run_query(open_store(out_dir), cq.sparql)
    return columns, _rows(columns, rows)


def run_cypher(cq: CompetencyQuestion, target: Any) -> tuple[list[str], list[dict[str, Any]]]:
    columns, rows = target.run(cq.cypher)
    return columns, _rows(columns, rows)
