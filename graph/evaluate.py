"""Scores a build against a gold annotation (the format of ``corpus-gold.json``, or the lighter
one of ``corpus-extra/gold.json``): statistics by document, value and overlapping span, with
area accuracy overall and per document, and measure agreement (the built wording of what
is counted equals the annotated one, or one holds the other, traditional characters read as
simplified); ordered structures by their items, with recall and precision per kind and per
document; linked conflicts, with recall and precision.

Precision of structures comes in two readings:

- **strict**: an extracted structure counts as right when it matches a gold entry of its kind
  in the same document by the rule recall uses (same number of items, items matching in
  order);
- **overlap**: it also counts as right when one of its items was read from text that overlaps
  the span of a gold entry of its kind in the same document (a near miss, not junk).

Only the documents the gold annotates are scored.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

from govkg.graph.sparql import open_store, run_query
from govkg.loaders.lexicon import unify
from govkg.loaders.zh import normalise, simplified
from govkg.ontology import RDFS, SKOS

STATS_Q = """
SELECT ?obs ?doc ?value ?start ?end ?quote ?area ?measure WHERE {
  ?obs a gk:StatisticObservation ; gk:value ?value ; gk:reportedIn ?d ;
       prov:wasDerivedFrom ?s .
  OPTIONAL { ?obs gk:measureText ?measure }
  ?d gk:docId ?doc .
  ?s gk:start ?start ; gk:end ?end ; gk:quote ?quote .
  OPTIONAL { ?obs gk:area ?a . { ?a rdfs:label ?area } UNION { ?a skos:altLabel ?area } FILTER(lang(?area) = "zh") }
} ORDER BY ?doc ?start
"""

#: How each kind of ordered structure is read: ``?thing`` is the structure, ``?rank`` the
#: position of an item, ``?item`` its wording and ``?s`` the span it was read from. One query
#: per kind: Oxigraph evaluated the five patterns as one UNION joined to the span's document
#: in about a minute on the corpus; apart they take milliseconds.
ORDERED_PATTERNS: dict[str, str] = {
    "chain": """
    ?level skos:inScheme ?thing ; gk:rank ?rank ; prov:wasDerivedFrom ?s .
    ?thing a gk:Hierarchy .
    { ?level skos:altLabel ?item } UNION { ?level skos:prefLabel ?item }""",
    "mechanism": """
    ?thing gk:hasStep ?step . ?step gk:rank ?rank ; skos:prefLabel ?item ; prov:wasDerivedFrom ?s .""",
    "alliance": """
    ?m org:organization ?thing ; gk:rank ?rank ; org:member ?k ; prov:wasDerivedFrom ?s .
    ?k skos:prefLabel ?item .""",
    "working_group": """
    ?wg a gk:WorkingGroup ; gk:committee ?thing ; gk:rank ?rank ; prov:wasDerivedFrom ?s .
    ?wg skos:altLabel ?item .""",
    "baobao": """
    ?thing a gk:ResponsibilitySystem .
    ?t gk:partOf ?thing ; gk:rank ?rank ; gk:cadreRank ?c ; gk:coveredLevel ?l ; prov:wasDerivedFrom ?s .
    { ?c skos:prefLabel ?cl } UNION { ?c skos:altLabel ?cl }
    { ?l skos:prefLabel ?ll } UNION { ?l skos:altLabel ?ll }
    BIND(CONCAT(?cl, "|", ?ll) AS ?item)""",
}

ORDERED_Q = """
SELECT ?thing ?doc ?rank ?item ?start ?end WHERE {{
  {pattern}
  ?s gk:inDocument ?d . ?d gk:docId ?doc .
  OPTIONAL {{ ?s gk:start ?start ; gk:end ?end }}
}}
"""

CONFLICT_Q = """
SELECT ?a ?b WHERE { ?a gk:conflictsWith ?b }
"""

#: Result key, structure kind, gold list and the key of its items in a gold entry.
STRUCTURE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("chains", "chain", "levels"),
    ("baobao", "baobao", "pairs"),
    ("working_groups", "working_group", "groups"),
    ("mechanisms", "mechanism", "items"),
    ("alliance_members", "alliance", "members"),
)

_KINDS = {key: (kind, items_key) for key, kind, items_key in STRUCTURE_KINDS}

GOLD_LISTS = (
    "statistics",
    *(key for key, _, _ in STRUCTURE_KINDS),
    "out_of_scope",
    "conflicts",
)
_STAT_FIELDS = ("doc", "quote", "start", "value", "area")
_HASH_SUFFIX = re.compile(r"_[0-9a-f]{8,}$")


def _doc_prefix(doc: str) -> str:
    """A short name for a document: ``000`` for ``000_9a7ae06e4773128d``; ids with no hash
    suffix (``zj_wangge``) stay whole."""
    return _HASH_SUFFIX.sub("", doc)


_QUOTE_MARKS = str.maketrans("", "", "\"'“”‘’「」『』")


def _same_item(a: str, b: str) -> bool:
    """One wording, whatever its script and quote marks (社区“两委”干部, 社区"两委"干部; 網格,
    网格), or one holding the other."""
    a, b = (unify(normalise(simplified(x))[0]).translate(_QUOTE_MARKS) for x in (a, b))
    return a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a))


def _area_match(pred: str | None, gold: str) -> bool:
    if not pred:
        return False
    p, g = (unify(normalise(simplified(x))[0]) for x in (pred, gold))  # either script
    return p == g or g.endswith(p) or p.endswith(g)


def _ratio(num: int, den: int, empty: float) -> float:
    return round(num / den, 4) if den else empty


# --- the gold file -------------------------------------------------------------------------


def load_gold(path: Path) -> dict[str, Any]:
    """The gold annotation with every list present (missing ones empty), an ``id`` on every
    statistic (``{doc}-S{n:03d}``, n counting that document's statistics, where the file has
    none) and a ``stat_id`` on every conflict value that names a statistic by doc and start.
    Raises ValueError when the file is not a gold annotation."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("statistics"), list):
        raise ValueError("no 'statistics' list")
    gold = dict(data)
    for key in GOLD_LISTS:
        value = data.get(key) or []
        if not isinstance(value, list):
            raise ValueError(f"'{key}' is not a list")
        gold[key] = [dict(e) for e in value]
    _check_statistics(gold["statistics"])
    _derive_ids(gold["statistics"])
    for conflict in gold["conflicts"]:
        _link_conflict_values(conflict, gold["statistics"])
    return gold


def _check_statistics(stats: list[dict[str, Any]]) -> None:
    for i, s in enumerate(stats):
        lacking = [k for k in _STAT_FIELDS if k not in s]
        if lacking:
            raise ValueError(f"statistic {i + 1} lacks {', '.join(map(repr, lacking))}")


def _derive_ids(stats: list[dict[str, Any]]) -> None:
    used = {str(s["id"]) for s in stats if s.get("id")}
    count: dict[str, int] = defaultdict(int)
    for s in stats:
        count[s["doc"]] += 1
        if s.get("id"):
            continue
        base = f"{_doc_prefix(s['doc'])}-S{count[s['doc']]:03d}"
        sid, n = base, 1
        while sid in used:
            n += 1
            sid = f"{base}-{n}"
        used.add(sid)
        s["id"] = sid


def _link_conflict_values(conflict: dict[str, Any], stats: list[dict[str, Any]]) -> None:
    conflict.setdefault("values", [])
    for v in conflict["values"]:
        if v.get("stat_id"):
            continue
        v["stat_id"] = next(
            (
                s["id"]
                for s in stats
                if s["doc"] == v.get("doc")
                and s["start"] == v.get("start")
                and float(s["value"]) == float(v.get("value", s["value"]))
            ),
            None,
        )


def gold_docs(gold: dict[str, Any]) -> set[str]:
    """Every document the gold annotates (in any list)."""
    docs = {e["doc"] for key in GOLD_LISTS if key != "conflicts" for e in gold[key]}
    docs |= {v["doc"] for c in gold["conflicts"] for v in c["values"] if v.get("doc")}
    return docs


# --- statistics ----------------------------------------------------------------------------


@dataclass
class StatMatch:
    """Which built observation each gold statistic matched, and the built observations."""

    area_names: dict[str, list[str]]
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # observation → its row
    pairs: dict[str, str] = field(default_factory=dict)  # gold id → observation
    area_ok: set[str] = field(default_factory=set)  # gold ids whose area matched
    measure_ok: set[str] = field(default_factory=set)  # gold ids whose measure agreed


def _read_observations(store: ox.Store) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Every observation once (its first row in document and offset order) and its area names."""
    _, rows = run_query(store, STATS_Q)
    by_obs: dict[str, dict[str, Any]] = {}
    area_names: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        by_obs.setdefault(r["obs"], r)
        if r.get("area"):
            area_names[r["obs"]].append(r["area"])
    return list(by_obs.values()), area_names


def _match_statistics(
    stats: list[dict[str, Any]], pred: list[dict[str, Any]], area_names: dict[str, list[str]]
) -> StatMatch:
    """Each gold statistic takes the first unmatched observation of its document with the same
    value whose span overlaps the quote."""
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in pred:
        by_doc[r["doc"]].append(r)
    match = StatMatch(area_names)
    taken: set[str] = set()
    for s in stats:
        g0, g1 = s["start"], s["start"] + len(s["quote"])
        value = float(s["value"])
        hit = next(
            (
                r
                for r in by_doc[s["doc"]]
                if r["obs"] not in taken
                and abs(float(r["value"]) - value) < 1e-6
                and r["start"] < g1
                and g0 < r["end"]
            ),
            None,
        )
        if hit is None:
            continue
        taken.add(hit["obs"])
        match.pairs[s["id"]] = hit["obs"]
        if any(_area_match(a, s["area"]) for a in area_names[hit["obs"]]):
            match.area_ok.add(s["id"])
        if _same_measure(hit.get("measure") or "", s.get("measure") or ""):
            match.measure_ok.add(s["id"])
    return match


def _same_measure(built: str, gold: str) -> bool:
    """The built wording of what is counted agrees with the annotated one: equal, or one
    holding the other, compared in simplified characters without quotes or spaces."""
    from govkg.loaders.zh import normalise, simplified

    def key(text: str) -> str:
        return re.sub(r"[“”\"「」\s]", "", normalise(simplified(text))[0])

    a, b = key(built), key(gold)
    return bool(a) and bool(b) and (a in b or b in a)


def _stat_scores(stats: list[dict[str, Any]], pred: list[dict[str, Any]], m: StatMatch) -> dict:
    matched = sum(1 for s in stats if s["id"] in m.pairs)
    area_ok = sum(1 for s in stats if s["id"] in m.area_ok)
    measure_ok = sum(1 for s in stats if s["id"] in m.measure_ok)
    with_measure = sum(1 for s in stats if s["id"] in m.pairs and s.get("measure"))
    return {
        "gold": len(stats),
        "predicted": len(pred),
        "matched": matched,
        "precision": _ratio(matched, len(pred), 0.0),
        "recall": round(matched / len(stats), 4) if stats else 0.0,
        "area_accuracy": _ratio(area_ok, matched, 0.0),
        # of the matched ones the gold names a measure for
        "measure_agreement": _ratio(measure_ok, with_measure, 1.0),
    }


def _score_statistics(gold: dict[str, Any], store: ox.Store) -> tuple[dict[str, Any], StatMatch]:
    docs = {s["doc"] for s in gold["statistics"]}
    all_pred, area_names = _read_observations(store)
    pred = [r for r in all_pred if r["doc"] in docs]
    m = _match_statistics(gold["statistics"], pred, area_names)
    m.rows = {r["obs"]: r for r in all_pred}  # conflicts look up observations of every document
    matched_obs = set(m.pairs.values())
    result = _stat_scores(gold["statistics"], pred, m)
    result["missed"] = [
        {"id": s["id"], "value": s["value"], "quote": s["quote"]}
        for s in gold["statistics"]
        if s["id"] not in m.pairs
    ]
    result["wrong_area"] = [
        {"id": s["id"], "gold": s["area"], "predicted": m.rows[m.pairs[s["id"]]].get("area")}
        for s in gold["statistics"]
        if s["id"] in m.pairs and s["id"] not in m.area_ok
    ]
    result["wrong_measure"] = [
        {"id": s["id"], "gold": s["measure"], "predicted": m.rows[m.pairs[s["id"]]].get("measure")}
        for s in gold["statistics"]
        if s["id"] in m.pairs and s["id"] not in m.measure_ok and s.get("measure")
    ]
    result["extra"] = [
        {"doc": _doc_prefix(r["doc"]), "value": r["value"], "quote": r["quote"]}
        for r in pred
        if r["obs"] not in matched_obs
    ]
    result["by_doc"] = {
        _doc_prefix(doc): _stat_scores(
            [s for s in gold["statistics"] if s["doc"] == doc],
            [r for r in pred if r["doc"] == doc],
            m,
        )
        for doc in sorted(docs)
    }
    return result, m


# --- ordered structures --------------------------------------------------------------------


@dataclass
class Structure:
    """One extracted ordered structure as it stands in one document."""

    kind: str
    thing: str
    doc: str
    ranks: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    spans: set[tuple[int, int]] = field(default_factory=set)
    name: str = ""

    def items(self) -> list[str]:
        """Its items in order; the wordings of one rank joined by ``/``."""
        return ["/".join(sorted(set(self.ranks[r]))) for r in sorted(self.ranks)]


def read_structures(store: ox.Store, docs: set[str]) -> dict[str, list[Structure]]:
    """The extracted structures of each kind in the given documents."""
    found: dict[tuple[str, str, str], Structure] = {}
    for kind, pattern in ORDERED_PATTERNS.items():
        _, rows = run_query(store, ORDERED_Q.format(pattern=pattern))
        for r in rows:
            if r["doc"] not in docs:
                continue
            key = (kind, r["thing"], r["doc"])
            st = found.setdefault(key, Structure(kind, r["thing"], r["doc"]))
            st.ranks[int(r["rank"])].append(str(r["item"]))
            if r.get("start") is not None and r.get("end") is not None:
                st.spans.add((int(r["start"]), int(r["end"])))
    by_kind: dict[str, list[Structure]] = defaultdict(list)
    for st in found.values():
        st.name = _name(store, st.thing)
        by_kind[st.kind].append(st)
    return by_kind


def _name(store: ox.Store, thing: str) -> str:
    """The structure's preferred label (Chinese first), else the end of its IRI."""
    try:
        node = ox.NamedNode(thing)
    except ValueError:
        return thing
    for pred in (SKOS + "prefLabel", RDFS + "label"):
        labels = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(pred), None)]
        texts = [lab for lab in labels if isinstance(lab, ox.Literal)]
        zh = [lab.value for lab in texts if lab.language in ("zh", None)]
        if zh or texts:
            return sorted(zh or [lab.value for lab in texts])[0]
    return thing.rstrip("/").rsplit("/", 1)[-1]


def _gold_items(kind: str, entry: dict[str, Any], items_key: str) -> list[str]:
    items = entry[items_key]
    if kind == "baobao":
        return [f"{a}|{b}" for a, b in items]
    return [str(x) for x in items]


def _gold_name(entry: dict[str, Any]) -> str | None:
    return entry.get("name") or entry.get("system") or entry.get("alliance") or entry.get("level")


def _matches(st: Structure, items: list[str]) -> bool:
    """Same number of items, and each item matches a wording of the same rank."""
    if len(st.ranks) != len(items):
        return False
    return all(
        any(_same_item(it, x) for x in st.ranks.get(i + 1, [])) for i, it in enumerate(items)
    )


def _overlaps(st: Structure, entry: dict[str, Any]) -> bool:
    g0 = int(entry["start"])
    g1 = g0 + len(entry.get("quote", ""))
    return any(s < g1 and g0 < e for s, e in st.spans)


@dataclass
class _KindScore:
    gold: list[dict[str, Any]]
    extracted: list[Structure]
    found: list[bool]
    strict: list[bool]
    overlap: list[bool]

    def counts(self, doc: str | None = None) -> dict[str, Any]:
        g = [i for i, e in enumerate(self.gold) if doc is None or e["doc"] == doc]
        x = [i for i, st in enumerate(self.extracted) if doc is None or st.doc == doc]
        found = sum(self.found[i] for i in g)
        strict = sum(self.strict[i] for i in x)
        overlap = sum(self.strict[i] or self.overlap[i] for i in x)
        return {
            "gold": len(g),
            "found": found,
            "recall": _ratio(found, len(g), 1.0),
            "extracted": len(x),
            "matched_strict": strict,
            "matched_overlap": overlap,
            "precision_strict": _ratio(strict, len(x), 1.0),
            "precision_overlap": _ratio(overlap, len(x), 1.0),
        }


def _score_kind(key: str, gold: dict[str, Any], extracted: list[Structure]) -> dict[str, Any]:
    kind, items_key = _KINDS[key]
    entries = gold[key]
    by_doc: dict[str, list[Structure]] = defaultdict(list)
    for st in extracted:
        by_doc[st.doc].append(st)
    items = [_gold_items(kind, e, items_key) for e in entries]
    gold_by_doc: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        gold_by_doc[e["doc"]].append(i)
    score = _KindScore(
        gold=entries,
        extracted=extracted,
        found=[
            any(_matches(st, it) for st in by_doc[e["doc"]])
            for e, it in zip(entries, items, strict=True)
        ],
        strict=[any(_matches(st, items[i]) for i in gold_by_doc[st.doc]) for st in extracted],
        overlap=[any(_overlaps(st, entries[i]) for i in gold_by_doc[st.doc]) for st in extracted],
    )
    result = score.counts()
    result["missed"] = [
        {"doc": _doc_prefix(e["doc"]), "name": _gold_name(e), "items": it}
        for e, it, ok in zip(entries, items, score.found, strict=True)
        if not ok
    ]
    result["unmatched"] = [
        {
            "doc": _doc_prefix(st.doc),
            "name": st.name,
            "items": st.items(),
            "overlaps_gold": ov,
            "gold_of_kind": _other_kind(st, key, gold),
        }
        for st, ok, ov in sorted(
            zip(extracted, score.strict, score.overlap, strict=True),
            key=lambda t: (t[0].doc, min(t[0].spans, default=(0, 0)), t[0].thing),
        )
        if not ok
    ]
    docs = sorted({e["doc"] for e in entries} | set(by_doc))
    result["by_doc"] = {_doc_prefix(d): score.counts(d) for d in docs}
    return result


def _other_kind(st: Structure, own: str, gold: dict[str, Any]) -> str | None:
    """The other gold list (``chains``…) with an entry of the structure's document that it
    matches or overlaps: read as the wrong kind rather than junk. Not counted in precision."""
    for key, (kind, items_key) in _KINDS.items():
        if key == own:
            continue
        for e in gold[key]:
            if e["doc"] == st.doc and (
                _matches(st, _gold_items(kind, e, items_key)) or _overlaps(st, e)
            ):
                return key
    return None


# --- conflicts -----------------------------------------------------------------------------


def _linked_pairs(store: ox.Store) -> set[frozenset[str]]:
    _, rows = run_query(store, CONFLICT_Q)
    return {frozenset((r["a"], r["b"])) for r in rows if r["a"] != r["b"]}


def _score_conflicts(gold: dict[str, Any], store: ox.Store, m: StatMatch) -> dict[str, Any]:
    pairs = _linked_pairs(store)
    linked = {tuple(p) for p in pairs} | {tuple(reversed(tuple(p))) for p in pairs}
    c_ok, c_miss = 0, []
    for c in gold["conflicts"]:
        obs = [m.pairs.get(v["stat_id"]) for v in c["values"]]
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
            c_miss.append({"measure": c.get("measure"), "area": c.get("area"), "values": vals})
    result: dict[str, Any] = {"gold": len(gold["conflicts"]), "linked": c_ok, "missed": c_miss}
    result.update(_conflict_precision(gold, pairs, m))
    return result


def _conflict_precision(
    gold: dict[str, Any], pairs: set[frozenset[str]], m: StatMatch
) -> dict[str, Any]:
    """Of the linked pairs whose two observations lie in annotated documents, those whose two
    observations matched gold statistics listed together in one gold conflict."""
    docs = gold_docs(gold)
    row = m.rows
    gold_of = {obs: sid for sid, obs in m.pairs.items()}
    groups = [{v["stat_id"] for v in c["values"]} for c in gold["conflicts"]]
    judged, wrong, outside = 0, [], 0
    for pair in sorted(pairs, key=lambda p: sorted(_obs_key(row, o) for o in p)):
        a, b = sorted(pair, key=lambda o: _obs_key(row, o))
        if not (a in row and b in row and row[a]["doc"] in docs and row[b]["doc"] in docs):
            outside += 1
            continue
        judged += 1
        ids = {gold_of.get(a), gold_of.get(b)}
        if None not in ids and any(ids <= g for g in groups):
            continue
        wrong.append(
            {"a": _obs_view(row[a], gold_of.get(a)), "b": _obs_view(row[b], gold_of.get(b))}
        )
    right = judged - len(wrong)
    return {
        "pairs": judged,
        "pairs_correct": right,
        "precision": _ratio(right, judged, 1.0),
        "pairs_outside": outside,
        "wrong": wrong,
    }


def _obs_key(row: dict[str, dict[str, Any]], obs: str) -> tuple[str, int, str]:
    r = row.get(obs)
    return (r["doc"], int(r["start"]), obs) if r else ("", 0, obs)


def _obs_view(r: dict[str, Any], gold_id: str | None) -> dict[str, Any]:
    return {
        "doc": _doc_prefix(r["doc"]),
        "value": r["value"],
        "quote": r["quote"],
        "area": r.get("area"),
        "gold": gold_id,
    }


# --- together ------------------------------------------------------------------------------


def evaluate(out_dir: Path, gold_path: Path) -> dict[str, Any]:
    """Scores of the build in ``out_dir`` against the gold annotation at ``gold_path``."""
    gold = load_gold(gold_path)
    store = open_store(out_dir)
    stats, match = _score_statistics(gold, store)
    structures = read_structures(store, gold_docs(gold))
    result: dict[str, Any] = {"statistics": stats}
    for key, kind, _ in STRUCTURE_KINDS:
        result[key] = _score_kind(key, gold, structures.get(kind, []))
    result["conflicts"] = _score_conflicts(gold, store, match)
    return result


STRUCTURE_LEGEND = (
    "structures: precision strict = built ones matching a gold entry (same items in order) / "
    "built; overlap = built ones matching or read from a gold entry's span / built; "
    "junk = neither, near = overlap only"
)

# --- the table -----------------------------------------------------------------------------


def _line(console: Console, text: str) -> None:
    console.print(text, highlight=False, soft_wrap=True)


def _head(console: Console, markup: str) -> None:
    console.print(markup, highlight=False, soft_wrap=True)


def _doc_table(
    console: Console, columns: tuple[str, ...], keys: tuple[str, ...], by_doc: dict[str, Any]
) -> None:
    """One row per document: ``keys`` of its scores under ``columns``."""
    if not by_doc:
        return
    table = Table(box=None, pad_edge=False)
    for i, col in enumerate(("  document", *columns)):
        table.add_column(col, justify="left" if i == 0 else "right")
    for doc, scores in by_doc.items():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in map(scores.get, keys)]
        table.add_row("  " + doc, *cells)
    console.print(table)


def _print_statistics(console: Console, s: dict[str, Any]) -> None:
    _head(
        console,
        f"[bold]statistics[/]  precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
        f"area accuracy {s['area_accuracy']:.3f}  measure agreement "
        f"{s['measure_agreement']:.3f}  ({s['matched']} of {s['gold']} gold, "
        f"{s['predicted']} predicted)",
    )
    for m in s["missed"]:
        _line(console, f"  missed  {m['id']}: {m['value']} «{m['quote']}»")
    for m in s["extra"]:
        _line(console, f"  extra   {m['doc']}: {m['value']} «{m['quote']}»")
    for m in s["wrong_area"]:
        _line(console, f"  area    {m['id']}: gold {m['gold']}, built {m['predicted']}")
    for m in s["wrong_measure"]:
        _line(console, f"  measure {m['id']}: gold {m['gold']}, built {m['predicted']}")
    _doc_table(
        console,
        ("gold", "built", "matched", "precision", "recall", "area acc.", "measure"),
        (
            "gold",
            "predicted",
            "matched",
            "precision",
            "recall",
            "area_accuracy",
            "measure_agreement",
        ),
        s["by_doc"],
    )


def _print_structures(console: Console, key: str, r: dict[str, Any]) -> None:
    _head(
        console,
        f"[bold]{key}[/]  found {r['found']} of {r['gold']} (recall {r['recall']:.3f})  "
        f"precision strict {r['precision_strict']:.3f} ({r['matched_strict']}/{r['extracted']})"
        f"  overlap {r['precision_overlap']:.3f} ({r['matched_overlap']}/{r['extracted']})",
    )
    for m in r["missed"]:
        _line(console, f"  missed  {m['doc']} {m['name']}: {' › '.join(map(str, m['items']))}")
    for m in r["unmatched"]:
        tag = "near  " if m["overlaps_gold"] else "junk  "
        other = f"  (gold has it among {m['gold_of_kind']})" if m["gold_of_kind"] else ""
        _line(console, f"  {tag}  {m['doc']} {m['name']}: {' › '.join(m['items'])}{other}")
    _doc_table(
        console,
        ("gold", "found", "recall", "built", "strict", "overlap", "P strict", "P overlap"),
        (
            "gold",
            "found",
            "recall",
            "extracted",
            "matched_strict",
            "matched_overlap",
            "precision_strict",
            "precision_overlap",
        ),
        r["by_doc"],
    )


def _print_conflicts(console: Console, c: dict[str, Any]) -> None:
    _head(
        console,
        f"[bold]conflicts[/]  linked {c['linked']} of {c['gold']}; precision {c['precision']:.3f} "
        f"({c['pairs_correct']} of {c['pairs']} linked pairs in annotated documents are gold "
        f"conflicts; {c['pairs_outside']} more involve other documents)",
    )
    for m in c["missed"]:
        _line(console, f"  missed  {m['measure']} @ {m['area']}: {m['values']}")
    for w in c["wrong"]:
        a, b = w["a"], w["b"]
        _line(
            console,
            f"  wrong   {a['doc']} {a['value']} «{a['quote']}» ≠ {b['doc']} {b['value']} «{b['quote']}»",
        )


def print_report(result: dict[str, Any], console: Console) -> None:
    """The scores as readable lines and small tables: ``junk`` marks a built structure that
    neither matches nor overlaps a gold entry, ``near`` one that overlaps one but differs."""
    _print_statistics(console, result["statistics"])
    _line(console, STRUCTURE_LEGEND)
    for key, _, _ in STRUCTURE_KINDS:
        _print_structures(console, key, result[key])
    _print_conflicts(console, result["conflicts"])
