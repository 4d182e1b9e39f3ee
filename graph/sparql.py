"""SPARQL over the embedded Oxigraph store of a build (the union of all named graphs is the
default graph; ``GRAPH`` reaches one source).

Every query is scanned before it reaches the engine (:func:`check_query`): a query longer than
:data:`MAX_QUERY_CHARS`, nested deeper than :data:`MAX_QUERY_DEPTH` or more complex than
:data:`MAX_QUERY_COMPLEXITY` is refused with a message, because a deep enough one overflows
the engine's stack and kills the process."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.ontology import PREFIXES, XSD

_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}


class QueryError(Exception):
    """A query could not be parsed or run; the message is meant for the user."""


class QueryRefused(QueryError):
    """A query over a limit, refused before it reached the engine."""


# Limits checked before a query reaches the engine. Oxigraph's parser and evaluator recurse
# once per nesting level and once per link of a left-deep chain (UNION, OPTIONAL, `+`, `||`,
# `/`, triple patterns, FILTERs…), and a deep enough query overflows the thread's stack and
# kills the whole process (measured with pyoxigraph 0.5: 2,500 nested braces, 5,000 nested
# parentheses, 3,000 OPTIONALs or 20,000 UNIONs). The cheap scan below refuses such a query
# with a message instead; every limit sits at or below half of the smallest crash measured.
MAX_QUERY_CHARS = 1_000_000
"""Longest query text accepted (characters)."""
MAX_QUERY_DEPTH = 200
"""Deepest nesting of ``(``, ``{`` and ``[`` accepted."""
MAX_QUERY_COMPLEXITY = 1_000
"""Highest complexity accepted: along the deepest path through the nested brackets, one per
bracket level plus one per operator, separator and UNION/OPTIONAL/MINUS/FILTER/BIND/
EXISTS/SERVICE/GRAPH keyword met in each enclosing group. Long lists of values belong in
``VALUES``, which costs nothing here."""

_TOKEN = re.compile(
    r"""
      (?P<space>\s+|\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'
        |\^\^|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<name>(?:[A-Za-z_][\w\-.]*)?:(?:[\w\-%\\:]|\.(?=[\w\-%\\:]))*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<op>[|/^+*!=<>,;.&-])
    """,
    re.VERBOSE | re.DOTALL,
)
_COSTLY_WORDS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "EXISTS", "SERVICE", "GRAPH"}
)


@dataclass(frozen=True)
class QueryShape:
    """What the scan found: nesting, complexity and the dataset and federation clauses."""

    depth: int
    complexity: int
    services: tuple[str, ...]
    """The target of each ``SERVICE`` as written: ``<iri>``, a prefixed name or a variable."""
    has_from: bool
    """The query names its own dataset (``FROM`` or ``FROM NAMED``)."""


def scan_query(query: str) -> QueryShape:
    """One linear pass over the query text (strings, IRIs and comments skipped), with no
    recursion, so it is safe on any input."""
    depth = max_depth = 0
    # per open bracket: [own cost, costliest child, 1 inside parentheses]; commas inside
    # parentheses (IN lists, function arguments) make flat lists, elsewhere triple patterns
    frames: list[list[int]] = [[0, 0, 0]]
    services: list[str] = []
    has_from = after_service = False
    pos, end = 0, len(query)
    while pos < end:
        m = _TOKEN.match(query, pos)
        if m is None:  # no SPARQL token starts here: the parser will say what is wrong
            pos += 1
            continue
        pos = m.end()
        kind = m.lastgroup
        if kind == "space":
            continue
        if after_service:
            if kind == "word" and m.group().upper() == "SILENT":
                continue
            after_service = False
            services.append(m.group())
        if kind == "open":
            depth += 1
            max_depth = max(max_depth, depth)
            frames.append([0, 0, int(m.group() == "(")])
        elif kind == "close":
            if len(frames) > 1:
                depth -= 1
                own, child, _ = frames.pop()
                frames[-1][1] = max(frames[-1][1], 1 + own + child)
        elif kind == "op":
            if not (frames[-1][2] and m.group() == ","):
                frames[-1][0] += 1
        elif kind == "word":
            word = m.group().upper()
            if word in _COSTLY_WORDS:
                frames[-1][0] += 1
                after_service = word == "SERVICE"
            elif word == "FROM":
                has_from = True
    while len(frames) > 1:
        own, child, _ = frames.pop()
        frames[-1][1] = max(frames[-1][1], 1 + own + child)
    return QueryShape(max_depth, frames[0][0] + frames[0][1], tuple(services), has_from)


def check_query(query: str) -> QueryShape:
    """The query's shape; raise :class:`QueryRefused` when it is over a limit."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"query too long: {len(query):,} characters (limit {MAX_QUERY_CHARS:,})")
    shape = scan_query(query)
    if shape.depth > MAX_QUERY_DEPTH:
        raise QueryRefused(
            f"query nested too deeply: brackets nest {shape.depth:,} levels "
            f"(limit {MAX_QUERY_DEPTH:,})"
        )
    if shape.complexity > MAX_QUERY_COMPLEXITY:
        raise QueryRefused(
            f"query too complex: {shape.complexity:,} nested levels and chained operators, "
            f"UNIONs, OPTIONALs, FILTERs or triple patterns (limit {MAX_QUERY_COMPLEXITY:,}); "
            "split it into smaller queries, or put long lists of values in VALUES"
        )
    return shape


def prefix_header() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def open_store(out_dir: Path) -> ox.Store:
    path = out_dir / "store"
    if not path.is_dir():
        raise QueryError(f"no store at {path}: run `govkg build --out {out_dir}` first")
    return ox.Store.read_only(str(path))


def term_to_python(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Any:
    """A JSON-friendly value: IRIs and strings as text, numbers as int or float."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in _INTEGER_TYPES:
            return int(term.value)
        if dt == XSD + "decimal":
            d = Decimal(term.value)
            return int(d) if d == d.to_integral_value() else float(d)
        if dt in (XSD + "double", XSD + "float"):
            return float(term.value)
        if dt == XSD + "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def run_query(
    store: ox.Store,
    query: str,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    prefixes: bool = True,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a query over the union of all graphs; values go in as bindings (substitutions),
    never into the query text. Oxigraph substitutes only variables the query returns, so a
    bound variable must be in the ``SELECT`` clause (or the query be ``SELECT *``, ``ASK`` or
    ``CONSTRUCT``)."""
    check_query(query)
    text = (prefix_header() + query) if prefixes and "PREFIX" not in query.upper() else query
    try:
        result = store.query(
            text,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()},
        )
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        message = str(exc)
        if "in its SELECT projection" in message:
            message += (
                " (a bound variable must be returned by the query: add it to the SELECT "
                "clause or use SELECT *)"
            )
        raise QueryError(f"SPARQL query failed: {message}") from None
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [{"result": bool(result)}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [{n: term_to_python(sol[n]) for n in names} for sol in result]
        return names, rows
    triples = list(result)  # a CONSTRUCT or DESCRIBE result
    return ["subject", "predicate", "object"], [
        {
            "subject": term_to_python(t.subject),
            "predicate": term_to_python(t.predicate),
            "object": term_to_python(t.object),
        }
        for t in triples
    ]
