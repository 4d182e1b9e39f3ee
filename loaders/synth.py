"""Synthetic rosters in the roster loaders' own formats, deterministic by seed.

At city scale the counts equal what the reports publish for 吉林市 (68 streets, 289
communities, 3438 grids, …); at province scale 吉林市 is generated the same way beside eight
synthetic cities, about 70,000 grids and 400,000 building and unit heads in all. At sample
scale one synthetic city a tenth of 吉林市's size has its branching (7 streets, 29
communities, 344 grids, …): a tree to try an analysis on in a few seconds. Every generated
name starts with 示例 so that nobody mistakes it for a real unit or person.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: The published 吉林市 counts (report 000/002) a city-scale roster reproduces exactly.
CITY_COUNTS: dict[str, int] = {
    "districts": 9,
    "streets": 68,
    "communities": 289,
    "grids": 3438,
    "grid_branches": 2062,
    "grid_groups": 1039,
    "building_groups": 2231,
    "households": 16391,
    "grid_workers": 8379,
    "alliances": 601,
    "member_units": 1922,
    "cadres": 3311,
}
CITY_NAME = "吉林市"
PROVINCE_NAME = "吉林省"
PROVINCE_CITIES = 9
PROVINCE_GRIDS = 70_600  # the report: 7万余个城乡网格
SCALES = ("city", "province", "sample")
#: The share of 吉林市's counts a sample-scale roster holds.
SAMPLE_RATIO = 0.1

CITY_THEMES = ("街道（乡镇）管理体制改革", "简政放权", "网格治理", "物业治理", "民生服务")
PROVINCE_THEMES = (*CITY_THEMES, "警地融合")
STREET_KINDS = ("公安", "住建", "规划", "城管", "市场监管")
COMMUNITY_KINDS = ("企(事)业单位", "社会组织", "物业公司", "驻区单位", "学校", "医院")
_KIND_SUFFIX = {
    "公安": "派出所",
    "住建": "住建服务站",
    "规划": "规划服务站",
    "城管": "城管执法中队",
    "市场监管": "市场监管所",
    "企(事)业单位": "有限公司",
    "社会组织": "志愿服务协会",
    "物业公司": "物业服务有限公司",
    "驻区单位": "服务中心",
    "学校": "小学",
    "医院": "社区卫生服务站",
}
_CHARS = (
    "安宁和平兴华新民东西南北江河山松桦柳春秋光明文昌德顺泰丰富福康乐长青红胜利建友谊"
    "团结阳湖林溪龙凤翔鹏嘉裕宏远清泉石桥云霞星月金银玉翠荷梅兰竹菊枫杨桂雪晨曦"
)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志海波斌宇浩凯鑫"
_CITY_POSTS = ("副市长", "市委常委", "市委副书记", "市人大常委会副主任", "市政协副主席")
_DISTRICT_POSTS = ("区委副书记", "副区长", "区委常委", "区委组织部部长", "区政法委书记")
_PROVINCE_POSTS = (
    "副省长",
    "省委常委",
    "省委秘书长",
    "省政府秘书长",
    "省委组织部部长",
    "省公安厅厅长",
)

TABLE_FILES: dict[str, tuple[str, list[str]]] = {
    "areas.csv": ("areas", ["id", "name", "level", "parent"]),
    "units.csv": ("units", ["id", "name", "kind", "parent", "area", "founded"]),
    "grid_workers.csv": ("people", ["id", "name", "post", "area", "from", "to"]),
    "heads.csv": ("people", ["id", "name", "post", "area", "from", "to"]),
    "alliances.csv": ("alliances", ["id", "name", "level", "lead", "area", "founded"]),
    "memberships.csv": (
        "memberships",
        ["alliance", "member", "member_name", "member_kind", "role", "from", "to"],
    ),
    "assignments.csv": (
        "assignments",
        ["cadre", "cadre_name", "rank", "covered", "system", "from", "to"],
    ),
}
WORKING_GROUPS = "working_groups.yaml"


def split(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """``parts`` integers of at least ``minimum`` that add up to ``total``, spread unevenly.

    >>> sum(split(3438, 289, random.Random(7))), min(split(3438, 289, random.Random(7)))
    (3438, 1)
    """
    if parts <= 0:
        return []
    if total < parts * minimum:
        raise ValueError(f"cannot split {total} into {parts} parts of at least {minimum}")
    rest = total - parts * minimum
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    out = [minimum + int(s) for s in shares]
    short = total - sum(out)
    order = sorted(range(parts), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[:short]:
        out[i] += 1
    return out


@dataclass
class _Names:
    """Plausible, clearly synthetic names: 示例 + two characters + a suffix."""

    rng: random.Random
    used: set[str] = field(default_factory=set)

    def place(self, suffix: str) -> str:
        for _ in range(50):
            name = "示例" + "".join(self.rng.choice(_CHARS) for _ in range(2)) + suffix
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"示例{len(self.used)}{suffix}"
        self.used.add(name)
        return name

    def person(self) -> str:
        given = "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2))))
        return "示例" + self.rng.choice(_SURNAMES) + given


@dataclass
class _Out:
    """Rows per output file, and the working groups."""

    rows: dict[str, list[list[str]]] = field(
        default_factory=lambda: {name: [] for name in TABLE_FILES}
    )
    working_groups: list[dict[str, str]] = field(default_factory=list)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> str:
    return (start + dt.timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


def _city(
    out: _Out,
    rng: random.Random,
    names: _Names,
    code: str,
    city: str,
    counts: dict[str, int],
    parent: str,
) -> dict[str, str]:
    """Write one city; return the ids of its city-level cadres by post."""
    area, units, people = out.rows["areas.csv"], out.rows["units.csv"], out.rows["grid_workers.csv"]
    heads = out.rows["heads.csv"]
    early, late = dt.date(2016, 1, 1), dt.date(2022, 6, 30)
    area.append([city, city, "市", parent])
    districts = [f"{code}-D{i:02d}" for i in range(1, counts["districts"] + 1)]
    district_names = {}
    for d in districts:
        district_names[d] = names.place("区")
        area.append([d, district_names[d], "区", city])
    # streets → communities → grids
    streets = [f"{code}-S{i:04d}" for i in range(1, counts["streets"] + 1)]
    street_district = []
    for d, n in zip(districts, split(len(streets), len(districts), rng), strict=True):
        street_district += [d] * n
    street_name = {}
    for s, d in zip(streets, street_district, strict=True):
        street_name[s] = names.place("街道")
        area.append([s, street_name[s], "街道", d])
    communities = [f"{code}-C{i:05d}" for i in range(1, counts["communities"] + 1)]
    community_street = []
    for s, n in zip(streets, split(len(communities), len(streets), rng), strict=True):
        community_street += [s] * n
    community_name = {}
    for c, s in zip(communities, community_street, strict=True):
        community_name[c] = names.place("社区")
        area.append([c, community_name[c], "社区", s])
    grids: list[str] = []
    grid_community: dict[str, str] = {}
    community_grids: dict[str, list[str]] = {}
    k = 0
    for c, n in zip(communities, split(counts["grids"], len(communities), rng), strict=True):
        community_grids[c] = []
        for j in range(1, n + 1):
            k += 1
            g = f"{code}-G{k:06d}"
            grids.append(g)
            grid_community[g] = c
            community_grids[c].append(g)
            area.append([g, f"{community_name[c]}第{j}网格", "网格", c])
    # the party chain
    street_unit = {}
    for i, s in enumerate(streets, 1):
        u = street_unit[s] = f"{code}-SW{i:04d}"
        units.append([u, f"{street_name[s]}党工委", "街道党工委", "", s, _date(rng, early, late)])
    community_unit = {}
    for i, (c, s) in enumerate(zip(communities, community_street, strict=True), 1):
        u = community_unit[c] = f"{code}-CP{i:05d}"
        units.append(
            [
                u,
                f"{community_name[c]}党委",
                "社区党组织",
                street_unit[s],
                c,
                _date(rng, early, late),
            ]
        )
    # grid party branches: one in the first grid of every community, the rest at random
    position = {g: i for i, g in enumerate(grids)}
    first = [community_grids[c][0] for c in communities]
    firsts = set(first)
    others = [g for g in grids if g not in firsts]
    branch_grids = sorted(
        first + rng.sample(others, counts["grid_branches"] - len(first)), key=position.__getitem__
    )
    branch_of_grid: dict[str, str] = {}
    community_branches: dict[str, list[str]] = {c: [] for c in communities}
    grid_name = {row[0]: row[1] for row in area if row[2] == "网格"}
    for i, g in enumerate(branch_grids, 1):
        b = branch_of_grid[g] = f"{code}-GB{i:06d}"
        c = grid_community[g]
        community_branches[c].append(b)
        units.append(
            [
                b,
                f"{grid_name[g]}党支部",
                "网格党支部",
                community_unit[c],
                g,
                _date(rng, early, late),
            ]
        )
    unit_area = {b: g for g, b in branch_of_grid.items()}
    # grid party groups in grids without a branch, under a branch of the same community
    free = [g for g in grids if g not in branch_of_grid]
    level4: list[str] = []
    for i, g in enumerate(
        sorted(rng.sample(free, counts["grid_groups"]), key=position.__getitem__), 1
    ):
        u = f"{code}-GG{i:06d}"
        parent_branch = rng.choice(community_branches[grid_community[g]])
        units.append(
            [u, f"{grid_name[g]}党小组", "网格党小组", parent_branch, g, _date(rng, early, late)]
        )
        unit_area[u] = g
        level4.append(u)
    # building party groups under branches
    branches = [branch_of_grid[g] for g in branch_grids]
    k = 0
    for b, n in zip(branches, split(counts["building_groups"], len(branches), rng, 0), strict=True):
        for j in range(1, n + 1):
            k += 1
            u = f"{code}-BG{k:06d}"
            g = unit_area[b]
            units.append(
                [u, f"{grid_name[g]}{j}号楼党小组", "楼栋党小组", b, g, _date(rng, early, late)]
            )
            unit_area[u] = g
            level4.append(u)
    # party member households under level-4 groups
    level4.sort()
    k = 0
    for p, n in zip(level4, split(counts["households"], len(level4), rng), strict=True):
        for _ in range(n):
            k += 1
            units.append(
                [
                    f"{code}-HH{k:07d}",
                    f"示例党员中心户{names.person()}家",
                    "党员中心户",
                    p,
                    unit_area[p],
                    "",
                ]
            )
    # grid workers and building / unit heads
    worker_grids = [
        g
        for g, n in zip(grids, split(counts["grid_workers"], len(grids), rng), strict=True)
        for _ in range(n)
    ]
    for k, g in enumerate(worker_grids, 1):
        people.append(
            [f"{code}-W{k:06d}", names.person(), "网格员", g, _date(rng, early, late), ""]
        )
    k = 0
    for g in grids:
        for _building in range(rng.choice((1, 2))):
            k += 1
            heads.append([f"{code}-H{k:07d}", names.person(), "楼栋长", g, "", ""])
            for _unit in range(rng.choice((2, 3, 4))):
                k += 1
                heads.append([f"{code}-H{k:07d}", names.person(), "单元长", g, "", ""])
    # alliances: one per street, one per community, the rest in random communities
    alliances = out.rows["alliances.csv"]
    members = out.rows["memberships.csv"]
    plans: list[tuple[str, str, str, str, str]] = []  # id, name, level, lead, area
    for s in streets:
        plans.append(("", f"{street_name[s]}党建联盟", "街道", street_unit[s], s))
    extra = counts["alliances"] - len(streets) - len(communities)
    second = set(rng.sample(communities, extra)) if extra > 0 else set()
    for c in communities:
        plans.append(("", f"{community_name[c]}党建联盟", "社区", community_unit[c], c))
        if c in second:
            plans.append(("", f"{community_name[c]}红心物业联盟", "社区", community_unit[c], c))
    k = 0
    for i, ((_, name, level, lead, where), n) in enumerate(
        zip(plans, split(counts["member_units"], len(plans), rng), strict=True), 1
    ):
        a = f"{code}-A{i:05d}"
        founded = _date(rng, dt.date(2019, 1, 1), dt.date(2021, 12, 31))
        alliances.append([a, name, level, lead, where, founded])
        kinds = STREET_KINDS if level == "街道" else COMMUNITY_KINDS
        for j in range(n):
            k += 1
            kind = kinds[j % len(kinds)] if j < len(kinds) else rng.choice(kinds)
            member = names.place(_KIND_SUFFIX[kind])
            left = (
                _date(rng, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
                if rng.random() < 0.02
                else ""
            )
            members.append([a, f"{code}-M{k:06d}", member, kind, "成员", founded, left])
    # 联点包抓: 市级领导→县, 县级领导→街道, 科级干部→社区, 其他干部→网格
    assignments = out.rows["assignments.csv"]
    tiers = [
        ("市级领导", [d for d in districts for _ in range(3)]),
        ("县级领导", [s for s in streets for _ in range(2)]),
        ("科级干部", [c for c in communities for _ in range(3)]),
    ]
    rest = counts["cadres"] - sum(len(t[1]) for t in tiers)
    if rest < 0 or rest > len(grids):
        raise ValueError(f"cannot place {counts['cadres']} cadres in {city}")
    tiers.append(("其他干部", sorted(rng.sample(grids, rest), key=position.__getitem__)))
    k = 0
    city_cadres: dict[str, str] = {}
    for rank, covered in tiers:
        for target in covered:
            k += 1
            cadre = f"{code}-K{k:05d}"
            name = names.person()
            since = _date(rng, dt.date(2021, 1, 1), dt.date(2022, 6, 30))
            assignments.append([cadre, name, rank, target, "联点包抓", since, ""])
            if rank == "市级领导" and len(city_cadres) < len(CITY_THEMES):
                city_cadres[cadre] = name
    # working groups: the city's five and each district's five
    committee = f"{city}城乡基层治理工作委员会"
    for (cadre, name), theme, post in zip(
        city_cadres.items(), CITY_THEMES, _CITY_POSTS, strict=False
    ):
        out.working_groups.append(
            {
                "area": city,
                "theme": theme,
                "level": "市级",
                "committee": committee,
                "leader_post": post,
                "leader_id": cadre,
                "leader": name,
            }
        )
    for d in districts:
        for theme, post in zip(CITY_THEMES, _DISTRICT_POSTS, strict=True):
            out.working_groups.append(
                {
                    "area": d,
                    "theme": theme,
                    "level": "县级",
                    "committee": f"{district_names[d]}城乡基层治理工作委员会",
                    "leader_post": post,
                    "leader": names.person(),
                }
            )
    return city_cadres


def _scaled(ratio: float) -> dict[str, int]:
    counts = {k: max(1, round(v * ratio)) for k, v in CITY_COUNTS.items()}
    counts["districts"] = max(3, round(counts["streets"] / 8))
    counts["grid_branches"] = max(counts["grid_branches"], counts["communities"])
    counts["alliances"] = max(counts["alliances"], counts["streets"] + counts["communities"])
    fixed = 3 * counts["districts"] + 2 * counts["streets"] + 3 * counts["communities"]
    counts["cadres"] = max(counts["cadres"], fixed)
    return counts


def synthesize(scale: str, seed: int, out_dir: Path) -> dict[str, Any]:
    """Write a synthetic roster folder; return its manifest (with the counts it holds)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use city, province or sample")
    rng = random.Random(f"govkg-synth/{scale}/{seed}")
    names = _Names(rng)
    out = _Out()
    if scale == "city":
        _city(out, rng, names, "JL", CITY_NAME, dict(CITY_COUNTS), "")
        area = CITY_NAME
    elif scale == "sample":
        area = names.place("市")
        _city(out, rng, names, "SP", area, _scaled(SAMPLE_RATIO), "")
    else:
        area = PROVINCE_NAME
        out.rows["areas.csv"].append([PROVINCE_NAME, PROVINCE_NAME, "省", ""])
        weights = split(PROVINCE_GRIDS - CITY_COUNTS["grids"], PROVINCE_CITIES - 1, rng, 4000)
        cities = [("JL", CITY_NAME, dict(CITY_COUNTS))]
        for i, grids in enumerate(weights, 1):
            counts = _scaled(grids / CITY_COUNTS["grids"])
            counts["grids"] = grids
            cities.append((f"P{i}", names.place("市"), counts))
        province_leaders: list[tuple[str, str, str]] = []
        for i, (code, city, counts) in enumerate(cities, 1):
            _city(out, rng, names, code, city, counts, PROVINCE_NAME)
            leader = (f"JLS-K{i:03d}", names.person(), city)
            province_leaders.append(leader)
            out.rows["assignments.csv"].append(
                [leader[0], leader[1], "省级领导", city, "五级包保", "2021-03-01", ""]
            )
        for (cadre, name, _), theme, post in zip(
            province_leaders, PROVINCE_THEMES, _PROVINCE_POSTS, strict=False
        ):
            out.working_groups.append(
                {
                    "area": PROVINCE_NAME,
                    "theme": theme,
                    "level": "省级",
                    "committee": f"{PROVINCE_NAME}城乡基层治理工作委员会",
                    "leader_post": post,
                    "leader_id": cadre,
                    "leader": name,
                }
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (_table, header) in TABLE_FILES.items():
        with (out_dir / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(out.rows[name])
    (out_dir / WORKING_GROUPS).write_text(
        yaml.safe_dump(
            {"table": "working_groups", "rows": out.working_groups},
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    manifest = {
        "id": f"synth-{scale}-{seed}",
        "title": f"示例合成名册（{area}，{scale}，seed {seed}）",
        "area": area,
        "synthetic": True,
        "files": [{"file": n, "table": t} for n, (t, _h) in TABLE_FILES.items()]
        + [{"file": WORKING_GROUPS, "table": "working_groups"}],
        "counts": counts_of(out),
    }
    (out_dir / "roster.yaml").write_text(
        "# A synthetic roster written by `govkg synth`; every name is invented (示例…).\n"
        + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return manifest


def counts_of(out: _Out) -> dict[str, int]:
    """What a generated roster holds, by the names the reports count them with."""
    units = out.rows["units.csv"]
    areas = out.rows["areas.csv"]
    kinds: dict[str, int] = {}
    for row in units:
        kinds[row[2]] = kinds.get(row[2], 0) + 1
    levels: dict[str, int] = {}
    for row in areas:
        levels[row[2]] = levels.get(row[2], 0) + 1
    heads = out.rows["heads.csv"]
    return {
        "街道": levels.get("街道", 0),
        "社区": levels.get("社区", 0),
        "网格": levels.get("网格", 0),
        **{k: kinds.get(k, 0) for k in ("街道党工委", "社区党组织", "网格党支部", "网格党小组")},
        **{k: kinds.get(k, 0) for k in ("楼栋党小组", "党员中心户")},
        "网格员": len(out.rows["grid_workers.csv"]),
        "楼栋长": sum(1 for r in heads if r[2] == "楼栋长"),
        "单元长": sum(1 for r in heads if r[2] == "单元长"),
        "党建联盟": len(out.rows["alliances.csv"]),
        "成员单位": len({r[1] for r in out.rows["memberships.csv"]}),
        "联点包抓干部": len({r[0] for r in out.rows["assignments.csv"] if r[4] == "联点包抓"}),
        "rows": sum(len(v) for v in out.rows.values()) + len(out.working_groups),
    }
