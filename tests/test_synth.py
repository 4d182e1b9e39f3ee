"""``govkg synth``: deterministic synthetic rosters whose counts are the published ones, and
the end-to-end build of a city roster with its roll-up against the reports."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from govkg.graph.cli import app
from govkg.graph.sparql import open_store, run_query
from govkg.loaders.roster import load_rosters
from govkg.loaders.synth import CITY_COUNTS, split, synthesize
from govkg.ontology import GK, GKD, ORG, RDF

FIXTURE = Path(__file__).parent / "fixtures" / "rosters" / "basic"
A = RDF + "type"

#: What a city-scale roster must hold, as (SPARQL pattern binding ?x, count).
CITY_QUERIES: dict[str, tuple[str, int]] = {
    "街道党工委": ("?x a gk:StreetPartyWorkingCommittee", 68),
    "社区党组织": ("?x a gk:CommunityPartyOrganization", 289),
    "网格": (f"?x a gk:AdministrativeArea ; gk:areaLevel <{GKD}admin-level/网格>", 3438),
    "网格党支部": ("?x a gk:GridPartyBranch", 2062),
    "网格党小组": ("?x a gk:GridPartyGroup", 1039),
    "楼栋党小组": ("?x a gk:BuildingPartyGroup", 2231),
    "党员中心户": ("?x a gk:PartyMemberHousehold", 16391),
    "网格员": ("?x a gk:GridWorker", 8379),
    # the reports add two alliance kinds (街道党建联盟, 社区党建联盟) of their own
    "党建联盟": ("?x a gk:Alliance ; prov:wasDerivedFrom/a gk:RosterRow", 601),
    "成员单位": ("?m org:member ?x . ?x a org:Organization", 1922),
    "联点包抓领导": (f"?a gk:cadre ?x ; gk:partOf <{GKD}system/联点包抓>", 3311),
}


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "R"
    synthesize("city", 7, out)
    return out


def test_split_adds_up() -> None:
    import random

    parts = split(2231, 2062, random.Random(1), 0)
    assert sum(parts) == 2231 and min(parts) >= 0 and len(parts) == 2062


def test_city_manifest_counts_are_the_published_ones(city: Path) -> None:
    import yaml

    counts = yaml.safe_load((city / "roster.yaml").read_text(encoding="utf-8"))["counts"]
    assert counts["街道"] == counts["街道党工委"] == 68
    assert counts["社区"] == counts["社区党组织"] == 289
    assert counts["网格"] == 3438
    assert counts["网格党支部"] == 2062
    assert counts["网格党小组"] == 1039
    assert counts["楼栋党小组"] == 2231
    assert counts["党员中心户"] == 16391
    assert counts["网格员"] == 8379
    assert counts["党建联盟"] == 601
    assert counts["成员单位"] == 1922
    assert counts["联点包抓干部"] == 3311


def test_same_seed_same_files_other_seed_other_files(city: Path, tmp_path: Path) -> None:
    synthesize("city", 7, tmp_path / "again")
    synthesize("city", 8, tmp_path / "other")
    assert digest(tmp_path / "again") == digest(city)
    assert digest(tmp_path / "other") != digest(city)


def test_names_are_clearly_synthetic(city: Path) -> None:
    import csv

    for file_name, column in (
        ("units.csv", "name"),
        ("areas.csv", "name"),
        ("grid_workers.csv", "name"),
        ("memberships.csv", "member_name"),
        ("assignments.csv", "cadre_name"),
    ):
        with (city / file_name).open(encoding="utf-8") as fh:
            names = [row[column] for row in csv.DictReader(fh)]
        real = [n for n in names if not n.startswith("示例") and n != "吉林市"]
        assert not real, (file_name, real[:5])


def test_city_roster_loads_clean_with_the_counts(city: Path) -> None:
    loaded = load_rosters([city])
    assert [r for _, _, rep in loaded for r in rep.rejected] == []
    classes: Counter[str] = Counter()
    grids = set()
    members = set()
    cadres = set()
    for _, g, _ in loaded:
        for t in g:
            p = t.predicate.value
            if p == A:
                classes[t.object.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]] += 1
            elif p == GK + "areaLevel" and t.object.value.endswith("/网格"):
                grids.add(t.subject)
            elif p == ORG + "member" and "/unit/JL-M" in t.object.value:
                members.add(t.object)
            elif p == GK + "cadre":
                cadres.add(t.object)
    assert classes["StreetPartyWorkingCommittee"] == 68
    assert classes["CommunityPartyOrganization"] == 289
    assert classes["GridPartyBranch"] == 2062
    assert classes["GridPartyGroup"] == 1039
    assert classes["BuildingPartyGroup"] == 2231
    assert classes["PartyMemberHousehold"] == 16391
    assert classes["GridWorker"] == 8379
    assert classes["Alliance"] == 601
    assert len(grids) == CITY_COUNTS["grids"]
    assert len(members) == 1922
    assert len(cadres) == 3311
    tree = next(rep.details["tree"] for _, _, rep in loaded if "tree" in rep.details)
    assert tree["max_depth"] == 5 and tree["orphan_count"] == 0 and tree["is_forest"]
    assert tree["roots"] == 68


@pytest.mark.slow
def test_synth_then_build_gives_the_counts_and_a_rollup_that_agrees(
    tmp_path: Path, corpus_dir: Path
) -> None:
    runner = CliRunner()
    roster = tmp_path / "R"
    result = runner.invoke(app, ["synth", "--scale", "city", "--seed", "7", "--out", str(roster)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "build",
            "--corpus",
            str(corpus_dir),
            "--roster",
            str(roster),
            "--no-validate",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    store = open_store(out)
    for name, (pattern, expected) in CITY_QUERIES.items():
        _, rows = run_query(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
        assert rows[0]["n"] == expected, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rollup = {(r["area"], r["measure"]): r for r in report["rollup"]}
    for measure in (
        "街道",
        "社区",
        "网格",
        "网格员",
        "网格党支部",
        "网格党小组",
        "楼栋党小组",
        "党员中心户",
        "党建联盟",
        "成员单位",
    ):
        row = rollup[("吉林市", measure)]
        assert row["agrees"] is True, row
        assert any(e["doc"] == "000_9a7ae06e4773128d" and e["agrees"] for e in row["reported"])
    # an earlier count (004: 2766 grids) is listed as a disagreement, not hidden
    grids = rollup[("吉林市", "网格")]
    assert {
        "value": 2766,
        "doc": "004_76ec77ba1fea5230",
        "qualifier": "exact",
        "agrees": False,
    } in grids["reported"]


def test_malformed_roster_line_fails_the_build_naming_the_file(
    tmp_path: Path, corpus_dir: Path
) -> None:
    import shutil

    roster = tmp_path / "R"
    shutil.copytree(FIXTURE, roster)
    with (roster / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("U-X,示例,社区党组织\n")
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--corpus",
            str(corpus_dir),
            "--roster",
            str(roster),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert "units.csv" in result.output
    assert "wrong field count" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_province_scale_counts(tmp_path: Path) -> None:
    manifest = synthesize("province", 7, tmp_path / "P")
    counts = manifest["counts"]
    assert 70_000 <= counts["网格"] < 80_000
    assert 400_000 <= counts["楼栋长"] + counts["单元长"] < 500_000
    assert counts["rows"] > 1_000_000


def test_sample_scale_is_a_tenth_of_the_city(tmp_path: Path) -> None:
    counts = synthesize("sample", 7, tmp_path / "S")["counts"]
    assert (counts["街道"], counts["社区"], counts["网格"]) == (7, 29, 344)
    assert counts["rows"] < 10_000
    assert synthesize("sample", 7, tmp_path / "T")["counts"] == counts


def test_synth_rejects_unknown_scale(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--scale", "county", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_store_is_not_needed_for_counts_of_a_small_roster() -> None:
    # the fixture roster has one of every kind; the class counts come straight off the triples
    loaded = load_rosters([FIXTURE])
    kinds = Counter(
        t.object.value.rsplit("#", 1)[-1]
        for _, g, _ in loaded
        for t in g
        if t.predicate.value == A
        and isinstance(t.object, ox.NamedNode)
        and "ontology#" in t.object.value
    )
    assert kinds["GridPartyGroup"] == 1 and kinds["PartyMemberHousehold"] == 2


def test_roster_check_command(tmp_path: Path) -> None:
    import shutil

    runner = CliRunner()
    result = runner.invoke(app, ["roster-check", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "unit tree: 10 units, 2 roots, depth 5, 0 orphans" in result.output
    roster = tmp_path / "R"
    shutil.copytree(FIXTURE, roster)
    with (roster / "people.csv").open("a", encoding="utf-8") as fh:
        fh.write("P9,示例,网格员,T-NOPE,,\n")
    result = runner.invoke(app, ["roster-check", str(roster)])
    assert result.exit_code == 1
    assert (
        "people.csv, row 5 (line 6), column area: area: unknown areas id 'T-NOPE'" in result.output
    )
