"""Roster loaders: formats, mappings, provenance, and validation that loses nothing — every
bad-input case lands in the report with its file, row, column and reason."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from govkg.graph.build import BuildError
from govkg.graph.ids import iri
from govkg.loaders.base import GraphWriter, LoadReport, Rejection
from govkg.loaders.roster import fast_iri, load_rosters, normalize_date
from govkg.loaders.roster_mapping import parse_table, table_specs
from govkg.ontology import GK, ORG, PROV, RDF, RDFS

FIXTURE = Path(__file__).parent / "fixtures" / "rosters" / "basic"
A = ox.NamedNode(RDF + "type")
DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")

Loaded = list[tuple[ox.NamedNode, GraphWriter, LoadReport]]


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    """A writable copy of the basic fixture roster."""
    target = tmp_path / "roster"
    shutil.copytree(FIXTURE, target)
    return target


def append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")


def union(loaded: Loaded) -> set[ox.Triple]:
    out: set[ox.Triple] = set()
    for _, g, _ in loaded:
        out |= g.triples
    return out


def rejections(loaded: Loaded) -> list[Rejection]:
    return sorted(r for _, _, rep in loaded for r in rep.rejected)


def report_of(loaded: Loaded, file_name: str) -> LoadReport:
    return next(rep for _, _, rep in loaded if Path(rep.source).name == file_name)


def unit(key: str) -> ox.NamedNode:
    return iri("unit", key)


# ----------------------------------------------------------------------------- valid input


def test_fixture_loads_without_rejections() -> None:
    loaded = load_rosters([FIXTURE])
    assert rejections(loaded) == []
    for _, _, rep in loaded:
        assert rep.read == rep.accepted > 0


def test_each_file_is_a_source_document_with_its_own_graph() -> None:
    loaded = load_rosters([FIXTURE])
    names = {Path(rep.source).name: name for name, _, rep in loaded}
    assert names["units.csv"] == iri("doc", "roster.units.csv")
    for name, g, rep in loaded:
        assert ox.Triple(name, A, ox.NamedNode(GK + "SourceDocument")) in g.triples
        file_name = ox.Literal(Path(rep.source).name)
        assert ox.Triple(name, ox.NamedNode(GK + "fileName"), file_name) in g.triples


def test_resources_point_back_to_their_row() -> None:
    loaded = load_rosters([FIXTURE])
    g = next(g for _, g, rep in loaded if rep.source.endswith("units.csv"))
    row = iri("row", "roster.units.csv", 5)
    assert ox.Triple(unit("U-B1"), DERIVED, row) in g.triples
    assert ox.Triple(row, A, ox.NamedNode(GK + "RosterRow")) in g.triples
    assert ox.Triple(
        row, ox.NamedNode(GK + "rowNumber"), ox.Literal(5, datatype=None)
    ) in g.triples or (
        ox.Triple(
            row,
            ox.NamedNode(GK + "rowNumber"),
            ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
        in g.triples
    )
    assert (
        ox.Triple(row, ox.NamedNode(GK + "inDocument"), iri("doc", "roster.units.csv")) in g.triples
    )
    # every subject but rows and documents is derived from a row
    subjects = {t.subject for t in g.triples}
    derived = {t.subject for t in g.triples if t.predicate == DERIVED}
    rest = {s for s in subjects if "/row/" not in str(s) and "/doc/" not in str(s)}
    assert rest and rest <= derived


def test_units_get_their_chain_class_parent_and_area() -> None:
    triples = union(load_rosters([FIXTURE]))
    assert ox.Triple(unit("U-B2"), A, ox.NamedNode(GK + "GridPartyBranch")) in triples
    assert ox.Triple(unit("U-H2"), A, ox.NamedNode(GK + "PartyMemberHousehold")) in triples
    sub = ox.NamedNode(ORG + "subOrganizationOf")
    assert ox.Triple(unit("U-L1"), sub, unit("U-B1")) in triples
    assert ox.Triple(unit("U-C1"), ox.NamedNode(GK + "area"), iri("area", "T-C1")) in triples
    label = ox.Triple(
        unit("U-C1"), ox.NamedNode(RDFS + "label"), ox.Literal("示例一社区党委", language="zh")
    )
    assert label in triples


def test_aliases_and_loose_dates_are_normalised() -> None:
    triples = union(load_rosters([FIXTURE]))
    # 社区党委 and 网格(小区)党支部 are aliases of the canonical kinds; 2020/7/1 is a date
    assert ox.Triple(unit("U-C2"), A, ox.NamedNode(GK + "CommunityPartyOrganization")) in triples
    created = [
        t.object for t in triples if t.subject == unit("U-B2") and "created" in t.predicate.value
    ]
    assert [o.value for o in created if isinstance(o, ox.Literal)] == ["2020-07-01"]
    kinds = {t.object for t in triples if t.predicate == ox.NamedNode(GK + "memberKind")}
    assert iri("unit-kind", "住建") in kinds  # written 住建部门


def test_alliance_lead_is_a_membership_with_role_lead() -> None:
    triples = union(load_rosters([FIXTURE]))
    m = iri("membership", "A1", "U-S1")
    assert ox.Triple(m, A, ox.NamedNode(ORG + "Membership")) in triples
    assert ox.Triple(m, ox.NamedNode(ORG + "member"), unit("U-S1")) in triples
    assert ox.Triple(m, ox.NamedNode(GK + "role"), ox.Literal("牵头")) in triples
    # a member unit outside the units table is described by its membership rows, once
    m1 = [t for t in triples if t.subject == unit("M1") and t.predicate == A]
    assert [t.object for t in m1] == [ox.NamedNode(ORG + "Organization")]


def test_assignments_carry_rank_tier_level_and_dates() -> None:
    triples = union(load_rosters([FIXTURE]))
    a = iri("assignment", "联点包抓", "K5", "U-C2")
    by_p = {t.predicate.value.rsplit("#", 1)[-1]: t.object for t in triples if t.subject == a}
    assert by_p["cadreRank"] == iri("cadre-rank", "科级干部")
    assert by_p["coveredLevel"] == iri("covered-level", "社区（村）")
    assert by_p["coveredUnit"] == unit("U-C2")
    assert by_p["partOf"] == iri("system", "联点包抓")
    assert isinstance(by_p["rank"], ox.Literal) and by_p["rank"].value == "3"
    assert (
        ox.Triple(iri("system", "联点包抓"), A, ox.NamedNode(GK + "ResponsibilitySystem"))
        in triples
    )


def test_working_groups_from_yaml() -> None:
    triples = union(load_rosters([FIXTURE]))
    wg = iri("working-group", "T", "网格治理")
    assert ox.Triple(wg, A, ox.NamedNode(GK + "WorkingGroup")) in triples
    assert ox.Triple(wg, ox.NamedNode(GK + "committee"), iri("committee", "T")) in triples
    assert ox.Triple(wg, ox.NamedNode(GK + "leader"), ox.Literal("副市长")) in triples
    assert ox.Triple(iri("cadre", "K1"), ox.NamedNode(ORG + "headOf"), wg) in triples


def test_document_ids_do_not_depend_on_where_the_roster_is(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "x", tmp_path / "b" / "y" / "z"
    shutil.copytree(FIXTURE, a)
    shutil.copytree(FIXTURE, b)
    assert union(load_rosters([a])) == union(load_rosters([b]))


def test_manifest_lists_files_and_their_tables(roster: Path) -> None:
    (roster / "units.csv").rename(roster / "组织名册.csv")
    (roster / "roster.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "test-city",
                "files": [
                    {"file": "areas.csv", "table": "areas"},
                    {"file": "组织名册.csv", "table": "units"},
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    loaded = load_rosters([roster])
    by_file = {Path(rep.source).name: rep for _, _, rep in loaded}
    assert by_file["组织名册.csv"].accepted == 10
    assert by_file["组织名册.csv"].details["doc_id"] == "test-city.组织名册.csv"
    # files the manifest does not list are reported, not silently skipped
    unlisted = by_file["people.csv"].rejected
    assert unlisted and "cannot tell which table" in unlisted[0].reason


def test_single_file_roster(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    shutil.copy(FIXTURE / "areas.csv", path)
    loaded = load_rosters([path])
    assert len(loaded) == 1 and loaded[0][2].accepted == 9


def test_xlsx_with_chinese_headers_gives_the_same_triples(roster: Path) -> None:
    import csv as csvmod

    from openpyxl import Workbook

    rows = list(csvmod.reader((roster / "areas.csv").open(encoding="utf-8")))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "名称", "层级", "上级编号"])
    for r in rows[1:]:
        ws.append(r)
    (roster / "areas.csv").unlink()
    wb.save(roster / "areas.xlsx")
    csv_triples = {
        t
        for t in union(load_rosters([FIXTURE]))
        if "/area/" in str(t.subject) and t.predicate != DERIVED
    }
    xlsx_triples = {
        t
        for t in union(load_rosters([roster]))
        if "/area/" in str(t.subject) and t.predicate != DERIVED
    }
    assert csv_triples == xlsx_triples


def test_yaml_rows_load_like_csv(tmp_path: Path) -> None:
    import csv as csvmod

    rows = list(csvmod.DictReader((FIXTURE / "units.csv").open(encoding="utf-8")))
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    shutil.copy(FIXTURE / "areas.csv", tmp_path / "areas.csv")
    loaded = load_rosters([tmp_path])
    assert rejections(loaded) == []
    assert report_of(loaded, "units.yaml").accepted == 10


def test_adding_a_column_is_a_mapping_change(roster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new column and its predicate are declared in the mapping data; no code changes."""
    from importlib import resources

    from govkg.loaders import roster_mapping
    from govkg.loaders.roster_mapping import MAPPINGS_DIR, MAPPINGS_PACKAGE

    raw = yaml.safe_load(
        resources.files(MAPPINGS_PACKAGE).joinpath(MAPPINGS_DIR, "people.yaml").read_text("utf-8")
    )
    raw["columns"]["phone"] = {"aliases": ["电话"]}
    raw["resources"][0]["props"]["rdfs:comment"] = "phone"
    specs = dict(table_specs())
    specs["people"] = parse_table(raw, "test")
    monkeypatch.setattr(roster_mapping, "table_specs", lambda: specs)
    (roster / "people.csv").write_text(
        "id,name,post,area,电话\nP1,示例张一,网格员,T-G1,0432-0000\n", encoding="utf-8"
    )
    triples = union(load_rosters([roster]))
    comment = ox.Triple(
        iri("person", "P1"), ox.NamedNode(RDFS + "comment"), ox.Literal("0432-0000")
    )
    assert comment in triples


def test_unmapped_columns_are_listed(roster: Path) -> None:
    (roster / "people.csv").write_text(
        "id,name,post,area,备注\nP1,示例张一,网格员,T-G1,示例\n", encoding="utf-8"
    )
    rep = report_of(load_rosters([roster]), "people.csv")
    assert rep.details["ignored_columns"] == ["备注"]


def test_fast_iri_matches_ids_iri() -> None:
    for key in ("JL-G000001", "a.b_c~(1)", "示例 社区", "x/y", "A&B", "网格（小区）"):
        assert fast_iri("unit", key) == iri("unit", key)
    assert fast_iri("membership", "A1", "M 1") == iri("membership", "A1", "M 1")


def test_normalize_date() -> None:
    assert normalize_date("2020年7月1日") == "2020-07-01"
    assert normalize_date("2020.7.1") == "2020-07-01"
    assert normalize_date("2020-02-30") is None
    assert normalize_date("去年") is None


def test_missing_roster_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="roster not found"):
        load_rosters([tmp_path / "nope"])


def test_broken_manifest_is_a_build_error(roster: Path) -> None:
    (roster / "roster.yaml").write_text("files: [{file: units.csv, table: nonsense}]\n", "utf-8")
    with pytest.raises(BuildError, match="unknown table 'nonsense'"):
        load_rosters([roster])


# ----------------------------------------------------------------------------- bad input

Edit = Callable[[Path], None]


def _undecodable(roster: Path) -> None:
    data = (roster / "units.csv").read_bytes()
    cut = data.index(b"\n") + 1
    # bytes valid in no encoding a table is read in: neither UTF-8 nor GB 18030
    (roster / "units.csv").write_bytes(data[:cut] + b"\x80\xff\xfe" + data[cut:])


def _cycle(roster: Path) -> None:
    append(
        roster / "units.csv",
        "U-X,示例甲支部,网格党支部,U-Y,T-G1,",
        "U-Y,示例乙支部,网格党支部,U-X,T-G1,",
    )


def _cascade(roster: Path) -> None:
    append(roster / "areas.csv", "T-C9,示例九社区,社区,T-NOPE")
    append(roster / "units.csv", "U-X,示例九社区党委,社区党组织,U-S1,T-C9,")


CASES: dict[str, tuple[Edit, str, str, str | None, str]] = {
    # name: (edit, file, row, column, reason)
    "wrong field count": (
        lambda r: append(r / "units.csv", "U-X,示例,社区党组织,U-S1,T-C1"),
        "units.csv",
        "row 11 (line 12)",
        None,
        "wrong field count: 5 field(s), the header has 6",
    ),
    "unknown kind": (
        lambda r: append(r / "units.csv", "U-X,示例居委会,居委会,U-S1,T-C1,"),
        "units.csv",
        "row 11",
        "kind",
        "unknown kind '居委会'",
    ),
    "missing parent": (
        lambda r: append(r / "units.csv", "U-X,示例社区党委,社区党组织,,T-C1,"),
        "units.csv",
        "row 11",
        "parent",
        "missing parent",
    ),
    "unknown parent": (
        lambda r: append(r / "units.csv", "U-X,示例社区党委,社区党组织,U-NOPE,T-C1,"),
        "units.csv",
        "row 11",
        "parent",
        "unknown parent 'U-NOPE'",
    ),
    "parent of the wrong level": (
        lambda r: append(r / "units.csv", "U-X,示例楼栋党小组,楼栋党小组,U-C1,T-G1,"),
        "units.csv",
        "row 11",
        "parent",
        "parent of the wrong level: 'U-C1' is a 社区党组织 (chain level 2)",
    ),
    "area inside the wrong level": (
        lambda r: append(r / "areas.csv", "T-X,示例三社区,社区,T-D1"),
        "areas.csv",
        "row 10",
        "parent",
        "parent of the wrong level: 'T-D1' is a 区; a 社区 must be inside a 街道 or 乡镇",
    ),
    "cycle": (_cycle, "units.csv", "row 11", "parent", "cycle in the parent chain"),
    "duplicate id with conflicting data": (
        lambda r: append(r / "units.csv", "U-C1,示例另一社区党委,社区党组织,U-S1,T-C1,2019-05-04"),
        "units.csv",
        "row 11",
        "name",
        "duplicate id 'U-C1' with conflicting data",
    ),
    "unknown area": (
        lambda r: append(r / "units.csv", "U-X,示例社区党委,社区党组织,U-S1,T-NOPE,"),
        "units.csv",
        "row 11",
        "area",
        "unknown areas id 'T-NOPE'",
    ),
    "rejected area cascades": (
        _cascade,
        "units.csv",
        "row 11",
        "area",
        "areas 'T-C9' was rejected (areas.csv row 10",
    ),
    "cadre rank does not match covered level": (
        lambda r: append(r / "assignments.csv", "K9,示例科员,科级干部,T-D1,联点包抓,2021-01-01,"),
        "assignments.csv",
        "row 7",
        "rank",
        "a 科级干部 may cover 社区（村）, not 县",
    ),
    "rank with no tier in the system": (
        lambda r: append(r / "assignments.csv", "K9,示例省领导,省级领导,T,联点包抓,2021-01-01,"),
        "assignments.csv",
        "row 7",
        "rank",
        "联点包抓 has no tier for 省级领导",
    ),
    "membership ends before it starts": (
        lambda r: append(
            r / "memberships.csv", "A1,M9,示例城管中队,城管,成员,2021-05-01,2020-01-01"
        ),
        "memberships.csv",
        "row 5",
        "to",
        "ends before it starts: to 2020-01-01 is before from 2021-05-01",
    ),
    "assignment ends before it starts": (
        lambda r: append(
            r / "assignments.csv", "K9,示例干部,其他干部,T-G3,联点包抓,2022-01-01,2021-01-01"
        ),
        "assignments.csv",
        "row 7",
        "to",
        "ends before it starts",
    ),
    "not a date": (
        lambda r: append(r / "people.csv", "P9,示例网格员,网格员,T-G1,2021-13-01,"),
        "people.csv",
        "row 5",
        "from",
        "from '2021-13-01' is not a date",
    ),
    "unknown member kind": (
        lambda r: append(r / "memberships.csv", "A1,M9,示例某单位,外星机构,成员,2021-05-01,"),
        "memberships.csv",
        "row 5",
        "member_kind",
        "unknown member_kind '外星机构'",
    ),
    "member unit described differently": (
        lambda r: append(r / "memberships.csv", "A2,M2,示例另一名字,住建,成员,2021-05-01,"),
        "memberships.csv",
        "row 5",
        "member_name",
        "unit 'M2' described differently",
    ),
    "required value empty": (
        lambda r: append(r / "people.csv", "P9,,网格员,T-G1,,"),
        "people.csv",
        "row 5",
        "name",
        "required value 'name' is empty",
    ),
    "undecodable file": (_undecodable, "units.csv", "line 2, byte", None, "neither UTF-8 nor"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_rejected_with_file_row_column_and_reason(roster: Path, case: str) -> None:
    edit, file_name, row, column, reason = CASES[case]
    edit(roster)
    loaded = load_rosters([roster])
    found = [
        r for r in rejections(loaded) if Path(r.source).name == file_name and reason in r.reason
    ]
    assert found, f"no rejection in {file_name} with {reason!r}: {rejections(loaded)}"
    r = found[0]
    assert r.location.startswith(row), r.location
    if column:
        assert r.location.endswith(f"column {column}"), r.location
    # nothing lost: every row read is either accepted or rejected
    for _, _, rep in loaded:
        row_rejections = [x for x in rep.rejected if x.location.startswith("row")]
        assert rep.read == rep.accepted + len(row_rejections), rep


def test_cycle_rejects_every_member(roster: Path) -> None:
    _cycle(roster)
    reasons = [r for r in rejections(load_rosters([roster])) if "cycle" in r.reason]
    assert len(reasons) == 2
    assert "U-X → U-Y → U-X" in reasons[0].reason or "U-Y → U-X → U-Y" in reasons[0].reason


def test_children_of_a_rejected_unit_go_too(roster: Path) -> None:
    append(
        roster / "units.csv",
        "U-X,示例社区党委,社区党组织,U-NOPE,T-C1,",
        "U-XB,示例支部,网格党支部,U-X,T-G1,",
    )
    loaded = load_rosters([roster])
    reasons = {r.location: r.reason for r in rejections(loaded)}
    assert (
        "parent 'U-X' was rejected (units.csv row 11 (line 12))"
        in reasons["row 12 (line 13), column parent"]
    )


def test_identical_duplicates_collapse(roster: Path) -> None:
    append(roster / "units.csv", "U-C1,示例一社区党委,社区党组织,U-S1,T-C1,2019-05-04")
    loaded = load_rosters([roster])
    assert rejections(loaded) == []
    rep = report_of(loaded, "units.csv")
    assert rep.read == rep.accepted == 11
    triples = union(loaded)
    sources = {t.object for t in triples if t.subject == unit("U-C1") and t.predicate == DERIVED}
    assert sources == {iri("row", "roster.units.csv", 3), iri("row", "roster.units.csv", 11)}
    assert len([t for t in triples if t.subject == unit("U-C1") and t.predicate == A]) == 1


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_a_table_saved_by_a_chinese_spreadsheet_loads_as_its_utf8_copy(
    roster: Path, encoding: str
) -> None:
    """CSV saved as GBK (a Chinese spreadsheet's CSV), UTF-16 with its mark (its "Unicode
    text") or UTF-8 with a mark: the same statements as the UTF-8 file, the encoding noted."""

    def described(loaded: Loaded) -> set[ox.Triple]:
        # all but the hash of the file's bytes, which differ
        return {t for t in union(loaded) if not t.predicate.value.endswith("sha256")}

    expected = described(load_rosters([roster]))
    text = (roster / "units.csv").read_text(encoding="utf-8")
    (roster / "units.csv").write_bytes(text.encode(encoding))
    loaded = load_rosters([roster])
    assert described(loaded) == expected
    rep = report_of(loaded, "units.csv")
    assert rep.rejected == []
    noted = {"gbk": "gb18030", "gb18030": "gb18030", "utf-16": "utf-16", "utf-8-sig": None}
    assert rep.details.get("encoding") == noted[encoding]


def test_an_undecodable_file_is_described_but_not_loaded(roster: Path) -> None:
    _undecodable(roster)
    loaded = load_rosters([roster])
    rep = report_of(loaded, "units.csv")
    assert rep.read == 0 and rep.accepted == 0 and len(rep.rejected) == 1
    assert "GB 18030" in rep.rejected[0].reason
    # the alliances led by the units it held are rejected, naming why
    alliances = report_of(loaded, "alliances.csv").rejected
    assert alliances and all("unknown units id" in r.reason for r in alliances)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_title_above_the_header_is_skipped_and_noted(
    roster: Path, tmp_path: Path, suffix: str
) -> None:
    """A sheet saved with its title row above the header (某区单位花名册) loads as one without
    it; the rows keep their numbers (the title is no row), the report says a row was skipped."""
    expected = union(load_rosters([roster]))
    text = (roster / "units.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    title = "某区单位花名册" + "," * (lines[0].count(","))
    if suffix == ".csv":
        (roster / "units.csv").write_text("\n".join([title, *lines]) + "\n", encoding="utf-8")
    else:
        import csv as csv_module

        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(["某区单位花名册"])
        for row in csv_module.reader(lines):
            ws.append(row)
        (roster / "units.csv").unlink()
        wb.save(roster / "units.xlsx")
    loaded = load_rosters([roster])
    rep = report_of(loaded, f"units{suffix}")
    assert rep.rejected == [] and rep.details["rows_above_header"] == 1

    def described(triples: set[ox.Triple]) -> set[ox.Triple]:
        return {t for t in triples if not t.predicate.value.endswith("sha256")}

    if suffix == ".csv":  # the same rows, numbered alike (only the file's hash differs)
        assert described(union(loaded)) == described(expected)
    else:
        assert len(union(loaded)) == len(expected)
