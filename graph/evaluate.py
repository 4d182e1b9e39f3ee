"""Scores a build against a gold annotation (the format of ``corpus-gold.json``):
statistics by document, value and overlapping span; ordered structures by their items."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from govkg.graph.sparql import open_store, run_query
from govkg.loaders.lexicon import unify

STATS_Q = """
SELECT ?obs ?doc ?value ?start ?end ?quote ?area WHERE {
  ?obs a gk:StatisticObservation ; gk:value ?value ; gk:reportedIn ?d ;
       prov:wasDerivedFrom ?s .
  ?d gk:docId ?doc .
  ?s gk:start ?start ; gk:end ?end ; gk:quote ?quote .
  OPTIONAL { ?obs gk:area ?a . { ?a rdfs:label ?area } UNION { ?a skos:altLabel ?area } FILTER(lang(?area) = "zh") }
} ORDER BY ?doc ?start
"""

ORDERED_Q = """
SELECT ?kind ?thing ?doc ?rank ?item WHERE {
  {
    ?level skos:inScheme ?thing ; gk:rank ?rank ; prov:wasDerivedFrom ?s .
    ?thing a gk:Hierarchy . BIND("chain" AS ?kind)
    { ?level skos:altLabel ?item } UNION { ?level skos:prefLabel ?item }
  } UNION {
    ?thing gk:hasStep ?step . ?step gk:rank ?rank ; skos:prefLabel ?item ; prov:wasDerivedFrom ?s .
    BIND("mechanism" AS ?kind)
  } UNION {
    ?m org:organization ?thing ; gk:rank ?rank ; org:member ?k ; prov:wasDerivedFrom ?s .
    ?k skos:prefLabel ?item . BIND("alliance" AS ?kind)
  } UNION {
    ?wg a gk:WorkingGroup ; gk:committee ?thing ; gk:rank ?rank ; prov:wasDerivedFrom ?s .
    ?s gk:inDocument ?dd . ?wg skos:altLabel ?item . BIND("working_group" AS ?kind)
  } UNION {
    ?t gk:partOf ?thing ; gk:rank ?rank ; gk:cadreRank ?c ; gk:coveredLevel ?l ; prov:wasDerivedFrom ?s .
    ?thing a gk:ResponsibilitySystem .
    ?c skos:prefLabel ?cl . ?l skos:prefLabel ?ll . BIND(CONCAT(?cl, "|", ?ll) AS ?item)
    BIND("baobao" AS ?kind)
  }
  ?s gk:inDocument ?d . ?d gk:docId ?doc .
}
"""

CONFLICT_Q = """
SELECT ?a ?b WHERE { ?a gk:conflictsWith ?b }
"""


def _doc_prefix(doc: str) -> str:
    return doc.split("_", 1)[0]


def _same_item(a: str, b: str) -> bool:
    a, b = unify(a), unify(b)
    return a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a))


def _area_match(pred: str | None, gold: str) -> bool:
    if not pred:
        return False
    p, g = unify(pred), unify(gold)
    return p == g or g.endswith(p) or p.endswith(g)


def evaluate(out_dir: Path, gold_path: Path) -> dict[str, Any]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    store = open_store(out_dir)
    docs = sorted({s["doc"] for s in gold["statistics"]})
    _, rows = run_query(store, STATS_Q)
    pred = [r for r in rows if r["doc"] in docs]
    by_obs: dict[str, dict[str, Any]] = {}
    area_names: dict[str, list[str]] = defaultdict(list)
    for r in pred:
        by_obs.setdefault(r["obs"], r)
        if r.get("area"):
            area_names[r["obs"]].append(r["area"])
    pred = list(by_obs.values())
    matched_pred: set[str] = set()
    missed, area_ok, matched = [], 0, 0
    pairs: dict[str, str] = {}
    for s in gold["statistics"]:
        g0, g1 = s["start"], s["start"] + len(s["quote"])
        hit = None
        for r in pred:
            if (
                r["doc"] == s["doc"]
                and r["obs"] not in matched_pred
                and abs(float(r["value"]) - float(s["value"])) < 1e-6
                and r["start"] < g1
                and g0 < r["end"]
            ):
                hit = r
                break
        if hit is None:
            missed.append({"id": s["id"], "value": s["value"], "quote": s["quote"]})
            continue
        matched += 1
        matched_pred.add(hit["obs"])
        pairs[s["id"]] = hit["obs"]
        if any(_area_match(a, s["area"]) for a in area_names[hit["obs"]]):
            area_ok += 1
        else:
            s_area = hit.get("area")
            missed_area = {"id": s["id"], "gold": s["area"], "predicted": s_area}
            missed.append({"area": missed_area})
    extra = [
        {"doc": _doc_prefix(r["doc"]), "value": r["value"], "quote": r["quote"]}
        for r in pred
        if r["obs"] not in matched_pred
    ]
    stats = {
        "gold": len(gold["statistics"]),
        "predicted": len(pred),
        "matched": matched,
        "precision": round(matched / len(pred), 4) if pred else 0.0,
        "recall": round(matched / len(gold["statistics"]), 4),
        "area_accuracy": round(area_ok / matched, 4) if matched else 0.0,
        "missed": [m for m in missed if "id" in m],
        "wrong_area": [m["area"] for m in missed if "area" in m],
        "extra": extra,
    }

    _, orows = run_query(store, ORDERED_Q)
    structures: dict[tuple[str, str, str], dict[int, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for r in orows:
        structures[(r["kind"], r["thing"], r["doc"])][int(r["rank"])].append(str(r["item"]))

    def found(kind: str, doc: str, items: list[str]) -> bool:
        for (k, _thing, d), ranks in structures.items():
            if k != kind or d != doc or len(ranks) != len(items):
                continue
            if all(
                any(_same_item(it, x) for x in ranks.get(i + 1, [])) for i, it in enumerate(items)
            ):
                return True
        return False

    def score(kind: str, entries: list[dict[str, Any]], items_key: str) -> dict[str, Any]:
        miss = []
        ok = 0
        for e in entries:
            items = e[items_key]
            if kind == "baobao":
                items = [f"{a}|{b}" for a, b in items]
            if found(kind, e["doc"], items):
                ok += 1
            else:
                miss.append(
                    {
                        "doc": _doc_prefix(e["doc"]),
                        "name": e.get("name")
                        or e.get("system")
                        or e.get("alliance")
                        or e.get("level"),
                        "items": items,
                    }
                )
        return {
            "gold": len(entries),
            "found": ok,
            "recall": round(ok / len(entries), 4) if entries else 1.0,
            "missed": miss,
        }

    result = {
        "statistics": stats,
        "chains": score("chain", gold["chains"], "levels"),
        "baobao": score("baobao", gold["baobao"], "pairs"),
        "working_groups": score("working_group", gold["working_groups"], "groups"),
        "mechanisms": score("mechanism", gold["mechanisms"], "items"),
        "alliance_members": score("alliance", gold["alliance_members"], "members"),
    }
    _, crows = run_query(store, CONFLICT_Q)
    linked = {(r["a"], r["b"]) for r in crows}
    c_ok, c_miss = 0, []
    for c in gold["conflicts"]:
        ids = [v["stat_id"] for v in c["values"]]
        obs = [pairs.get(i) for i in ids]
        vals = [v["value"] for v in c["values"]]
        ok = all(o is not None for o in obs) and all(
            (a, b) in linked
            for i, a in enumerate(obs)
            for j, b in enumerate(obs)
            if vals[i] != vals[j]
        )
        if ok:
            c_ok += 1
        else:
            c_miss.append({"measure": c["measure"], "area": c["area"], "values": vals})
    result["conflicts"] = {"gold": len(gold["conflicts"]), "linked": c_ok, "missed": c_miss}
    return result
