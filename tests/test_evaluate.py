"""``govkg eval``: both gold formats, area accuracy per document, precision of ordered
structures (strict and overlap) and of linked conflicts, on a hand-made store whose right
answers are known, plus one tiny build of a synthetic report."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from govkg.graph.build import BuildOptions, build
from govkg.graph.cli import app
from govkg.graph.evaluate import _doc_prefix, evaluate, load_gold

runner = CliRunner()

PREFIXES = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkd: <https://w3id.org/govkg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

D1, D2, D3 = "t1_00112233aabbccdd", "t2_demo", "t3_other"


def _span(doc: str, start: int, end: int, quote: str = "x") -> tuple[str, str]:
    iri = f"gkd:span\\/{doc}\\/{start}-{end}"
    ttl = f'{iri} gk:inDocument gkd:doc\\/{doc} ; gk:start {start} ; gk:end {end} ; gk:quote "{quote}" .\n'
    return iri, ttl


def _obs(
    name: str,
    doc: str,
    value: int,
    start: int,
    end: int,
    quote: str,
    area: str | None,
    measure: str | None = None,
) -> str:
    span, ttl = _span(doc, start, end, quote)
    ttl += (
        f"gkd:obs\\/{name} a gk:StatisticObservation ; gk:value {value} ; "
        f"gk:reportedIn gkd:doc\\/{doc} ; prov:wasDerivedFrom {span} "
    )
    ttl += f'; gk:measureText "{measure}" ' if measure else ""
    ttl += f"; gk:area gkd:area\\/{area} .\n" if area else ".\n"
    return ttl


def _steps(name: str, doc: str, items: list[str], start: int) -> str:
    """A mechanism whose steps were read one after another from ``start`` on."""
    ttl = f'gkd:mechanism\\/{name} a gk:Mechanism ; skos:prefLabel "{name}"@zh .\n'
    for rank, item in enumerate(items, 1):
        span, sttl = _span(doc, start, start + len(item), item)
        ttl += sttl
        step = f"gkd:step\\/{name}\\/{rank}"
        ttl += f"gkd:mechanism\\/{name} gk:hasStep {step} .\n"
        ttl += (
            f'{step} gk:rank {rank} ; skos:prefLabel "{item}"@zh ; prov:wasDerivedFrom {span} .\n'
        )
        start += len(item) + 1
    return ttl


def _chain(name: str, doc: str, levels: list[str], start: int) -> str:
    ttl = f'gkd:hierarchy\\/{name} a gk:Hierarchy ; skos:prefLabel "{name}"@zh .\n'
    for rank, level in enumerate(levels, 1):
        span, sttl = _span(doc, start, start + len(level), level)
        ttl += sttl
        ttl += (
            f"gkd:hierarchy\\/{name}\\/{rank} skos:inScheme gkd:hierarchy\\/{name} ; "
            f'gk:rank {rank} ; skos:prefLabel "{level}"@zh ; prov:wasDerivedFrom {span} .\n'
        )
        start += len(level) + 1
    return ttl


def _graph() -> str:
    ttl = PREFIXES
    for doc in (D1, D2, D3):
        ttl += f'gkd:doc\\/{doc} gk:docId "{doc}" .\n'
    for area in ("甲市", "乙区", "丙县"):
        ttl += f'gkd:area\\/{area} rdfs:label "{area}"@zh .\n'
    ttl += _obs("o1", D1, 320, 10, 16, "网格320个", "甲市", "网格")
    ttl += _obs("o2", D1, 1500, 30, 37, "党员1500名", "甲市", "“在职”党员")
    ttl += _obs("o3", D2, 12, 5, 10, "网格12个", "乙区", "服务站")
    ttl += _obs("o4", D2, 15, 40, 45, "网格15个", None)
    ttl += _obs("o5", D2, 7, 60, 62, "7个", "乙区")
    ttl += _obs("o6", D3, 13, 5, 10, "网格13个", "乙区")
    # o3–o4 both ways (one pair, a gold conflict), o1–o5 (annotated, not gold), o3–o6 (outside)
    for a, b in (("o3", "o4"), ("o4", "o3"), ("o1", "o5"), ("o3", "o6")):
        ttl += f"gkd:obs\\/{a} gk:conflictsWith gkd:obs\\/{b} .\n"
    ttl += _chain("三级", D1, ["甲市", "街道", "社区"], 50)  # matches the gold chain
    ttl += _chain("楼栋单元", D1, ["楼栋", "单元"], 200)  # junk
    ttl += _steps("产生方式", D1, ["组织推荐", "居民推选"], 70)  # matches
    ttl += _steps("推荐方式", D1, ["推荐", "自荐", "其他"], 72)  # near: overlaps the gold span
    ttl += _steps("层级", D1, ["甲市", "街道", "社区"], 300)  # junk here, a chain in the gold
    ttl += _steps("走访", D2, ["联系", "走访"], 80)  # near
    ttl += _steps("甲乙", D2, ["甲", "乙"], 300)  # junk
    ttl += _steps("别处", D3, ["丙", "丁"], 10)  # in a document the gold does not annotate
    return ttl


def _gold() -> dict[str, Any]:
    """The lighter format of corpus-extra: no ids, no qualifier_rules, out_of_scope, baobao or
    working_groups, conflict values named by doc and start."""
    return {
        "about": "synthetic",
        "statistics": [
            {
                "doc": D1,
                "quote": "网格320个",
                "start": 10,
                "area": "甲市",
                "value": 320,
                "measure": "網格",
            },
            {
                "doc": D1,
                "quote": "党员1500名",
                "start": 30,
                "area": "甲市",
                "value": 1500,
                "measure": "在职党员",
            },
            {
                "doc": D2,
                "quote": "网格12个",
                "start": 5,
                "area": "乙区",
                "value": 12,
                "measure": "网格",
            },
            {"doc": D2, "quote": "网格15个", "start": 40, "area": "乙区", "value": 15},
        ],
        "chains": [
            {
                "doc": D1,
                "quote": "甲市-街道-社区",
                "start": 50,
                "name": "三级",
                "levels": ["甲市", "街道", "社区"],
            }
        ],
        "mechanisms": [
            {
                "doc": D1,
                "quote": "组织推荐、居民推选",
                "start": 70,
                "name": "产生",
                "items": ["组织推荐", "居民推选"],
            },
            {
                "doc": D2,
                "quote": "联系、走访、反馈",
                "start": 80,
                "name": "走访",
                "items": ["联系", "走访", "反馈"],
            },
        ],
        "alliance_members": [],
        "conflicts": [
            {
                "area": "乙区",
                "measure": "网格",
                "values": [
                    {"doc": D2, "value": 12, "start": 5},
                    {"doc": D2, "value": 15, "start": 40},
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("eval")
    (root / "out").mkdir()
    store = ox.Store(str(root / "out" / "store"))
    store.load(_graph().encode("utf-8"), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    gold = root / "gold.json"
    gold.write_text(json.dumps(_gold(), ensure_ascii=False), encoding="utf-8")
    return root / "out", gold


def test_light_gold_format_loads(tmp_path: Path) -> None:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(_gold(), ensure_ascii=False), encoding="utf-8")
    gold = load_gold(path)
    assert [s["id"] for s in gold["statistics"]] == [
        "t1-S001",
        "t1-S002",
        "t2_demo-S001",
        "t2_demo-S002",
    ]
    assert gold["baobao"] == gold["working_groups"] == gold["out_of_scope"] == []
    assert [v["stat_id"] for v in gold["conflicts"][0]["values"]] == [
        "t2_demo-S001",
        "t2_demo-S002",
    ]


def test_gold_ids_kept_and_bad_files_named(tmp_path: Path) -> None:
    data = _gold()
    data["statistics"][0]["id"] = "t1-S002"  # a given id is kept; a derived one steps aside
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [s["id"] for s in load_gold(path)["statistics"][:2]] == ["t1-S002", "t1-S002-2"]
    del data["statistics"][1]["quote"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="statistic 2 lacks 'quote'"):
        load_gold(path)
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match="statistics"):
        load_gold(path)


def test_doc_prefix_strips_only_a_hash() -> None:
    assert _doc_prefix("000_9a7ae06e4773128d") == "000"
    assert _doc_prefix("zj_wangge") == "zj_wangge"


def test_statistics_and_area_per_document(handmade: tuple[Path, Path]) -> None:
    s = evaluate(*handmade)["statistics"]
    assert (s["gold"], s["predicted"], s["matched"]) == (4, 5, 4)
    assert (s["precision"], s["recall"], s["area_accuracy"]) == (0.8, 1.0, 0.75)
    assert s["by_doc"]["t1"] == {
        "gold": 2, "predicted": 2, "matched": 2, "precision": 1.0, "recall": 1.0, "area_accuracy": 1.0,
        "measure_agreement": 1.0,
    }  # fmt: skip
    assert s["by_doc"]["t2_demo"]["area_accuracy"] == 0.5
    assert s["by_doc"]["t2_demo"]["precision"] == round(2 / 3, 4)
    assert set(s["by_doc"]) == {"t1", "t2_demo"}
    assert [m["id"] for m in s["wrong_area"]] == ["t2_demo-S002"]


def test_measure_agreement_of_the_statistics_the_gold_names_a_measure_for(
    handmade: tuple[Path, Path],
) -> None:
    """網格 agrees with 网格 (traditional read as simplified), “在职”党员 with 在职党员
    (quotes aside); 服务站 is not 网格; a gold statistic with no measure is not counted."""
    s = evaluate(*handmade)["statistics"]
    assert s["measure_agreement"] == round(2 / 3, 4)
    assert s["wrong_measure"] == [{"id": "t2_demo-S001", "gold": "网格", "predicted": "服务站"}]
    assert s["by_doc"]["t1"]["measure_agreement"] == 1.0


def test_structure_precision_strict_and_overlap(handmade: tuple[Path, Path]) -> None:
    result = evaluate(*handmade)
    chains, mech = result["chains"], result["mechanisms"]
    assert (chains["found"], chains["extracted"], chains["matched_strict"]) == (1, 2, 1)
    assert (chains["precision_strict"], chains["precision_overlap"]) == (0.5, 0.5)
    assert (mech["gold"], mech["found"], mech["recall"]) == (2, 1, 0.5)
    assert (mech["extracted"], mech["matched_strict"], mech["matched_overlap"]) == (5, 1, 3)
    assert (mech["precision_strict"], mech["precision_overlap"]) == (0.2, 0.6)
    assert mech["by_doc"]["t1"] == {
        "gold": 1, "found": 1, "recall": 1.0, "extracted": 3, "matched_strict": 1,
        "matched_overlap": 2, "precision_strict": 0.3333, "precision_overlap": 0.6667,
    }  # fmt: skip
    assert mech["by_doc"]["t2_demo"]["extracted"] == 2
    assert "t3_other" not in mech["by_doc"]
    unmatched = {m["name"]: m for m in mech["unmatched"]}
    assert set(unmatched) == {"推荐方式", "层级", "走访", "甲乙"}
    assert unmatched["推荐方式"]["overlaps_gold"] and not unmatched["甲乙"]["overlaps_gold"]
    assert unmatched["层级"]["gold_of_kind"] == "chains"
    assert unmatched["甲乙"]["items"] == ["甲", "乙"]
    assert result["working_groups"]["extracted"] == 0
    assert result["working_groups"]["precision_strict"] == 1.0


def test_conflict_precision(handmade: tuple[Path, Path]) -> None:
    c = evaluate(*handmade)["conflicts"]
    assert (c["gold"], c["linked"]) == (1, 1)
    assert (c["pairs"], c["pairs_correct"], c["precision"], c["pairs_outside"]) == (2, 1, 0.5, 1)
    [wrong] = c["wrong"]
    assert (wrong["a"]["value"], wrong["b"]["value"]) == (320, 7)
    assert (wrong["a"]["gold"], wrong["b"]["gold"]) == ("t1-S001", None)


def test_cli_prints_per_document_and_precision(handmade: tuple[Path, Path]) -> None:
    out, gold = handmade
    res = runner.invoke(app, ["eval", "--gold", str(gold), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert re.search(r"document +gold +built +matched +precision +recall +area acc\.", res.output)
    assert re.search(r"t2_demo +2 +3 +2 +0\.667 +1\.000 +0\.500", res.output)
    assert "precision strict 0.200 (1/5)  overlap 0.600 (3/5)" in res.output
    assert "junk    t2_demo 甲乙: 甲 › 乙" in res.output
    assert "wrong   t1 320" in res.output
    res = runner.invoke(app, ["eval", "--gold", str(gold), "--out", str(out), "--format", "json"])
    assert json.loads(res.output)["conflicts"]["precision"] == 0.5


def test_tiny_build_with_light_gold(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "corpus.yaml").write_text(
        "documents:\n  - id: t9_demo\n    title: 网格\n    date: 2024-01-01\n    area: 吉林市\n",
        encoding="utf-8",
    )
    text = "吉林市全市共划分网格320个，配备专职网格员450名。"
    (corpus / "t9_demo.txt").write_text(text + "\n", encoding="utf-8")
    assert build(BuildOptions(corpus, tmp_path / "out", validate=False)).written
    stats = [
        {"doc": "t9_demo", "quote": q, "start": text.index(q), "area": "吉林市", "value": v}
        for q, v in (("网格320个", 320), ("专职网格员450名", 450))
    ]
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"statistics": stats}, ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["eval", "--gold", str(gold), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    result = evaluate(tmp_path / "out", gold)
    assert result["statistics"]["by_doc"]["t9_demo"]["gold"] == 2
    assert result["chains"]["gold"] == 0


@pytest.mark.slow
def test_corpus_eval_is_quick(corpus_build: Path, gold_file: Path) -> None:
    started = time.perf_counter()
    result = evaluate(corpus_build, gold_file)
    assert time.perf_counter() - started < 15  # about a minute before the queries were split
    assert len(result["statistics"]["by_doc"]) == 4
    for key in ("chains", "baobao", "working_groups", "mechanisms", "alliance_members"):
        r = result[key]
        assert r["matched_strict"] <= r["matched_overlap"] <= r["extracted"]
        assert len(r["unmatched"]) == r["extracted"] - r["matched_strict"]
    assert 0 < result["conflicts"]["pairs_correct"] <= result["conflicts"]["pairs"]


def test_an_item_matches_its_wording_in_either_script_and_any_quote_marks() -> None:
    """The gold writes an item as its source does (網格, 社区"两委"干部); the graph may hold it
    normalised (网格, 社区两委干部): one wording. Other words stay apart."""
    from govkg.graph.evaluate import _same_item

    assert _same_item("網格", "网格")
    assert _same_item('社区"两委"干部', "社区两委干部")
    assert _same_item("嘎查村『兩委』成員", "嘎查村『两委』成员")
    assert not _same_item("网格", "楼栋")


def test_an_area_matches_its_name_in_either_script() -> None:
    from govkg.graph.evaluate import _area_match

    assert _area_match("准格尔旗", "準格爾旗")
    assert not _area_match("准格尔旗", "达拉特旗")
