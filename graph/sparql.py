"""SPARQL over the embedded Oxigraph store of a build (the union of all named graphs is the
default graph; ``GRAPH`` reaches one source)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.ontology import PREFIXES, XSD

_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}


class QueryError(Exception):
    """A query could not be parsed or run; the message is meant for the user."""


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
