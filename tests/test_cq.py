"""The competency questions: one test per question asserting that SPARQL and Cypher return
identical rows on the corpus build and that the rows hold the answers the design lists."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govkg.graph import cq
from govkg.graph.cli import app
from govkg.graph.falkor import FalkorServer
from govkg.graph.mirror import NativeTarget, push
from govkg.graph.pg import from_output

Rows = list[dict[str, Any]]


def doc(row: dict[str, Any], key: str = "doc") -> str:
    return str(row[key])[:3]


def check_cq01(rows: Rows) -> None:
    assert [(r["rank"], r["level"]) for r in rows] == [
        (1, "街道党工委"),
        (2, "社区党组织"),
        (3, "网格党支部"),
        (4, "楼栋党小组"),
        (5, "单元党员中心户"),
    ]


def check_cq02(rows: Rows) -> None:
    assert {(r["relation"], r["level"]) for r in rows} == {
        ("above", "网格党支部"),
        ("below", "单元党员中心户"),
    }


def check_cq03(rows: Rows) -> None:
    assert [r["theme"] for r in rows] == [
        "街道（乡镇）管理体制改革",
        "简政放权",
        "网格治理",
        "物业治理",
        "民生服务",
        "警地融合",
    ]
    assert all("省级领导" in (r["leader"] or "") for r in rows)


def check_cq04(rows: Rows) -> None:
    assert [r["theme"] for r in rows] == ["警地融合"]


PROVINCE_TIERS = [
    ("省级领导", "市"),
    ("市级领导", "县"),
    ("县级领导", "街道（乡镇）"),
    ("科级干部", "社区（村）"),
    ("其他干部", "网格（小区）"),
]


def check_cq05(rows: Rows) -> None:
    assert [r["tier"] for r in rows] == [1, 2, 3, 4, 5]
    assert [(r["cadreRank"], r["coveredLevel"]) for r in rows] == PROVINCE_TIERS


def check_cq06(rows: Rows) -> None:
    city = [r for r in rows if r["system"] == "联点包抓"]
    province = [r for r in rows if r["system"] == "五级包保"]
    assert len(city) == 4 and all(r["inOther"] for r in city)
    assert [(r["cadreRank"], r["coveredLevel"]) for r in province] == PROVINCE_TIERS
    assert [(r["cadreRank"], r["coveredLevel"]) for r in province if not r["inOther"]] == [
        ("省级领导", "市")
    ]


def check_cq07(rows: Rows) -> None:
    assert [r["step"] for r in rows] == ["摸底", "组建", "收集", "会商", "落实", "评价"]
    assert {r["step"] for r in rows if r["shared"]} == {"会商", "落实", "评价"}


def check_cq08(rows: Rows) -> None:
    by_level: dict[str, set[str]] = {}
    for r in rows:
        by_level.setdefault(r["level"], set()).add(r["member"])
    assert by_level["街道"] == {"公安", "住建", "规划", "城管", "市场监管"}
    assert by_level["社区"] == {"企(事)业单位", "社会组织", "物业公司"}


def check_cq09(rows: Rows) -> None:
    assert {(doc(r), r["value"]) for r in rows} >= {("000", 3438), ("002", 3438), ("004", 2766)}
    assert all(str(r["value"]) in r["wording"] and "网格" in r["wording"] for r in rows)


def check_cq10(rows: Rows) -> None:
    expected = {
        "党建联盟": {601, 358},
        "成员单位": {1922, 1972},
        "社区": {289, 287},
        "网格": {3438, 2766},
        "执法人员": {2250, 2246},
        "城管执法人员": {162, 158},
    }
    found = {(r["measure"], frozenset((r["value1"], r["value2"]))) for r in rows}
    for measure, values in expected.items():
        assert (measure, frozenset(values)) in found, measure


def check_cq11(rows: Rows, corpus_dir: Path) -> None:
    assert {doc(r) for r in rows} == {"000", "002"}
    for r in rows:
        assert r["value"] == 16391 and "党员中心户16391个" in r["quote"]
        text = next(corpus_dir.glob(f"{r['doc']}.txt")).read_text(encoding="utf-8")
        assert text[r["start"] : r["end"]] == r["quote"]  # the span is the source's own text


def check_cq12(rows: Rows, corpus_dir: Path) -> None:
    assert {doc(r) for r in rows} == {"000", "001", "002", "004"}
    numbers = {(doc(r), r["value"], r["unit"], r["wording"]) for r in rows}
    assert {
        ("000", 4, "个", "4个“红心物业”"),
        ("002", 4, "个", "4个“红心物业”"),
        ("001", 2000, "个", "2000多个小区"),
        ("004", 48, "个", "48个社区"),
    } <= numbers
    for r in rows:  # each number is said in a sentence of its document that names 红心物业
        assert r["value"] is not None and r["wording"], r
        text = next(corpus_dir.glob(f"{r['doc']}.txt")).read_text(encoding="utf-8")
        sentences = re.split(r"[。！？；!?;\n]", text)
        assert any(r["wording"] in s and "红心物业" in s for s in sentences), r


def check_cq13(rows: Rows) -> None:
    assert {r["level"]: r["value"] for r in rows} == {
        "街道": 68,
        "社区": 289,
        "网格": 3438,
        "网格党支部": 2062,
        "网格党小组": 1039,
        "楼栋党小组": 2231,
        "党员中心户": 16391,
    }


def check_cq14(rows: Rows) -> None:
    assert [r["network"] for r in rows] == ["党建网", "平安网", "民生网", "企业网"]


CHECKS: dict[str, Callable[..., None]] = {
    f"CQ{i:02d}": globals()[f"check_cq{i:02d}"] for i in range(1, 15)
}


@pytest.fixture(scope="module")
def cypher_target(
    corpus_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NativeTarget]:
    with FalkorServer(tmp_path_factory.mktemp("cq-falkor"), persist=False) as server:
        target = NativeTarget(server)
        push(from_output(corpus_build), target)
        yield target


def test_every_question_ships_in_both_languages() -> None:
    questions = cq.load_all()
    assert [q.id for q in questions] == [f"CQ{i:02d}" for i in range(1, 15)]
    for q in questions:
        assert q.question and q.question.endswith(("?", ")"))
        assert q.sparql.startswith(f"# {q.id}: ") and q.cypher.startswith(f"// {q.id}: ")
        assert q.cypher.splitlines()[0][len(f"// {q.id}: ") :] == q.question
    assert cq.get("cq7").id == cq.get("7").id == "CQ07"


@pytest.mark.server
@pytest.mark.parametrize("cq_id", sorted(CHECKS))
def test_question(
    cq_id: str, corpus_build: Path, corpus_dir: Path, cypher_target: NativeTarget
) -> None:
    question = cq.get(cq_id)
    s_columns, s_rows = cq.run_sparql(question, corpus_build)
    c_columns, c_rows = cq.run_cypher(question, cypher_target)
    assert s_columns == c_columns
    assert s_rows == c_rows
    assert json.dumps(s_rows, ensure_ascii=False) == json.dumps(c_rows, ensure_ascii=False)
    assert s_rows, f"{cq_id} returned no rows"
    check = CHECKS[cq_id]
    check(s_rows, corpus_dir) if cq_id in ("CQ11", "CQ12") else check(s_rows)


@pytest.mark.server
def test_cq_commands_print_the_same_json(corpus_build: Path, tmp_path: Path) -> None:
    build = tmp_path / "out"
    shutil.copytree(corpus_build, build)  # the local server keeps its data in the build
    runner = CliRunner()
    listing = runner.invoke(app, ["cq", "list"])
    assert listing.exit_code == 0 and "CQ14" in listing.output
    outputs = {}
    for engine in ("sparql", "cypher"):
        result = runner.invoke(app, ["cq", "run", "--all", "--engine", engine, "--out", str(build)])
        assert result.exit_code == 0, result.output
        outputs[engine] = result.output
    assert outputs["sparql"] == outputs["cypher"]
    assert len(json.loads(outputs["sparql"])) == 14
    one = runner.invoke(app, ["cq", "run", "CQ04", "--engine", "cypher", "--out", str(build)])
    assert json.loads(one.output) == [{"theme": "警地融合"}]
    bad = runner.invoke(app, ["cq", "run", "CQ99", "--out", str(build)])
    assert bad.exit_code == 2 and "CQ99" in bad.output
