"""The competency questions written for speed at scale answer exactly as their plain forms.

Some shipped SPARQL questions are written so that the engine starts from the few resources
the sources describe instead of walking a roster (sub-queries, MINUS, class checks as
FILTERs). ``tests/fixtures/cq_plain/CQnn.rq`` keeps each such question in its plain form;
both must give the same rows, on the corpus build and on a build with a synthetic roster
(``govkg synth --scale sample``: a tenth of 吉林市, with its committees, working groups and
alliances).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.graph import cq
from govkg.graph.build import BuildOptions, build
from govkg.graph.sparql import open_store, run_query

PLAIN = Path(__file__).parent / "fixtures" / "cq_plain"
PLAIN_IDS = sorted(p.stem for p in PLAIN.glob("CQ*.rq"))


@pytest.fixture(scope="module")
def roster_build(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    from govkg.loaders.synth import synthesize

    work = tmp_path_factory.mktemp("cq-plans")
    synthesize("sample", 7, work / "roster")
    out = work / "out"
    result = build(BuildOptions(corpus_dir, out, rosters=[work / "roster"], validate=False))
    assert result.written
    return out


def test_every_plain_form_is_a_shipped_question() -> None:
    assert PLAIN_IDS, "no plain forms in tests/fixtures/cq_plain"
    shipped = {q.id for q in cq.load_all()}
    assert set(PLAIN_IDS) <= shipped


@pytest.mark.parametrize("cq_id", PLAIN_IDS)
@pytest.mark.parametrize("which", ["corpus", "roster"])
def test_shipped_question_answers_as_its_plain_form(
    cq_id: str, which: str, corpus_build: Path, roster_build: Path
) -> None:
    out = corpus_build if which == "corpus" else roster_build
    store = open_store(out)
    shipped_columns, shipped = run_query(store, cq.get(cq_id).sparql)
    plain_columns, plain = run_query(store, (PLAIN / f"{cq_id}.rq").read_text(encoding="utf-8"))
    assert shipped_columns == plain_columns
    assert shipped == plain
    assert shipped, f"{cq_id} has no answer on the {which} build"
