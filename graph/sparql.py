"""SPARQL over the embedded Oxigraph store of a build (the union of all named graphs is the
default graph; ``GRAPH`` reaches one source).

Every query is scanned before it reaches the engine (:func:`check_query`): a query longer than
:data:`MAX_QUERY_CHARS`, nested deeper than :data:`MAX_QUERY_DEPTH` or more complex than
:data:`MAX_QUERY_COMPLEXITY` is refused with a message, because a deep enough one overflows
the engine's stack and kills the process."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.ontology import PREFIXES, XSD
from govkg.ontology.errors import InputError

_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}


class QueryError(InputError):
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


def _tokens(query: str) -> Iterator[re.Match[str]]:
    """The tokens of ``query`` that are not blanks, in order (strings, IRIs and comments
    are tokens of their own); a character no token starts at is passed over, for the parser
    to report."""
    pos, end = 0, len(query)
    while pos < end:
        m = _TOKEN.match(query, pos)
        if m is None:
            pos += 1
            continue
        pos = m.end()
        if m.lastgroup != "space":
            yield m


def _next_token(query: str, pos: int) -> re.Match[str] | None:
    """The first token at or after ``pos`` that is not blank."""
    m = _TOKEN.match(query, pos)
    while m is not None and m.lastgroup == "space":
        m = _TOKEN.match(query, m.end())
    return m


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
    for m in _tokens(query):
        kind = m.lastgroup
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
    """The project's prefixes, one ``PREFIX`` line each (:data:`HEADER_LINES` lines)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


HEADER_LINES = len(PREFIXES)
"""Lines :func:`prefix_header` puts before a user's query: error positions are moved back by
this many lines so that they count the user's own lines."""

_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z_][\w\-.]*)?:", re.IGNORECASE)
_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


class QuerySyntaxError(QueryError):
    """A query the parser refused, located in the user's own text (line and column count
    the user's lines, not the hidden ``PREFIX`` lines)."""

    def __init__(self, reason: str, line: int, column: int, source_line: str, hint: str) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        """1-based, in characters."""
        self.source_line = source_line
        self.hint = hint
        super().__init__(f"SPARQL syntax error at line {line}, column {column}: {reason}")

    def excerpt(self) -> str:
        """The offending line with a caret under the spot."""
        gutter = f"{self.line} | "
        caret = " " * (len(gutter) - 2) + "| " + " " * _width(self.source_line[: self.column - 1])
        return f"{gutter}{self.source_line}\n{caret}^"

    def render(self) -> str:
        return f"{self}\n{self.excerpt()}"


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def declared_prefixes(query: str) -> list[str]:
    """The prefixes a query may use: the project's and those it declares itself."""
    own = {m.group(1) or "" for m in _PREFIX_DECL.finditer(query)}
    return sorted(set(PREFIXES) | own)


def syntax_error(message: str, query: str, offset_lines: int) -> QuerySyntaxError:
    """A parser message (``error at L:C: expected one of …``) made readable: the position in
    the user's text, an unknown prefix named, the grammar's character classes left out."""
    lines = query.split("\n")
    m = _POSITION.match(message.strip())
    line, column, detail = (int(m[1]), int(m[2]), m[3]) if m else (offset_lines + 1, 1, message)
    line = min(max(line - offset_lines, 1), len(lines))
    source = lines[line - 1].rstrip("\r")
    column = min(max(column, 1), len(source) + 1)
    expected = _expected(detail)
    unknown = _unknown_prefix(query)
    if unknown is not None or "Prefix not found" in expected:
        # the parser does not always say so (an undeclared prefix can fail later on)
        prefix = ""
        if unknown is not None:
            line, column, prefix = unknown
            source = lines[line - 1].rstrip("\r")
        declared = ", ".join(f"{p}:" for p in declared_prefixes(query))
        return QuerySyntaxError(
            f"unknown prefix '{prefix}:'",
            line,
            column,
            source,
            f"declared prefixes are {declared}; add PREFIX {prefix or 'x'}: <…> to the query",
        )
    messages = [e for e in expected if " " in e and not e.startswith(("[", '"'))]
    tokens = [e for e in expected if e not in messages and not e.startswith("[")]
    at_end = not source[column - 1 :].strip() and line == len(lines)
    hint = "the caret marks where the parser stopped; the mistake is there or just before"
    if messages:
        reason = "; ".join(m[0].lower() + m[1:] for m in messages)
        if "unbound" in reason:
            hint = (
                "every variable after SELECT must be bound in WHERE; with GROUP BY only the "
                "grouped variables and aggregates (COUNT, SAMPLE, MIN, GROUP_CONCAT…) may be"
                " selected"
            )
    elif {'"\\""', '"\'"'} & set(tokens):
        reason = "a string is not closed"
        hint = "close the string with the quote it opened with"
        opened = max(source.rfind('"', 0, column), source.rfind("'", 0, column))
        column = opened + 1 if opened >= 0 else column
    elif (form := _query_form(query)) is not None:
        line, column, word = form
        source = lines[line - 1].rstrip("\r")
        reason = f"unknown query form {word!r}"
        hint = "a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE (after its PREFIX lines)"
    elif tokens:
        reason = "expected " + (tokens[0] if len(tokens) == 1 else "one of " + ", ".join(tokens))
        if at_end and {'"}"', '")"'} & set(tokens):
            hint = "the query ends too early: check that every { and ( is closed"
    else:
        reason = "unexpected text"
    return QuerySyntaxError(reason, line, column, source, hint)


def _unknown_prefix(query: str) -> tuple[int, int, str] | None:
    """Line, column and prefix of the first prefixed name whose prefix is not declared."""
    declared = set(declared_prefixes(query))
    after_prefix = False
    for m in _tokens(query):
        if m.lastgroup == "name" and not after_prefix:
            prefix = m.group().split(":", 1)[0]
            if prefix not in declared:
                before = query[: m.start()]
                column = m.start() - (before.rfind("\n") + 1) + 1
                return before.count("\n") + 1, column, prefix
        after_prefix = m.lastgroup == "word" and m.group().upper() == "PREFIX"
    return None


def _query_form(query: str) -> tuple[int, int, str] | None:
    """Line, column and text of the word that should open the query (after ``PREFIX`` and
    ``BASE`` declarations) when it is not a query form."""
    pos, end, skip = 0, len(query), 0
    while pos < end:
        m = _TOKEN.match(query, pos)
        if m is None:
            return None
        pos = m.end()
        if m.lastgroup == "space":
            continue
        if skip:
            skip -= 1
            continue
        word = m.group()
        if m.lastgroup == "word" and word.upper() in ("PREFIX", "BASE"):
            skip = 2 if word.upper() == "PREFIX" else 1
            continue
        if m.lastgroup == "word" and word.upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return None
        before = query[: m.start()]
        return before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1, word
    return None


def _expected(detail: str) -> list[str]:
    """The items of ``expected one of A, B, [chars], …`` (or ``expected A``); character
    classes in brackets are kept whole."""
    detail = detail.strip()
    for lead in ("expected one of ", "expected "):
        if detail.startswith(lead):
            detail = detail[len(lead) :]
            break
    else:
        return [detail]
    items, depth, current, quoted, escaped = [], 0, "", False, False
    for ch in detail:
        if quoted:
            quoted = escaped or ch != '"'
            escaped = not escaped and ch == "\\"
        elif ch == '"':
            quoted = True
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0 and not quoted:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        items.append(current.strip())
    return [i for i in items if i and i != "[_]"]


def distinct_select(query: str) -> str:
    """``query`` with ``DISTINCT`` after its top-level ``SELECT`` when it has neither
    ``DISTINCT`` nor ``REDUCED`` (other query forms unchanged).

    The default graph is the union of the named graphs, and Oxigraph (0.5) matches a
    statement once per graph that holds it: a fact two documents state doubles every row
    it is part of. ``DISTINCT`` gives each answer once.

    >>> distinct_select('SELECT ?x WHERE { { SELECT ?x { ?x ?p "SELECT" } } }')
    'SELECT DISTINCT ?x WHERE { { SELECT ?x { ?x ?p "SELECT" } } }'
    >>> distinct_select("ASK { ?s ?p ?o }")
    'ASK { ?s ?p ?o }'
    """
    depth = 0
    for m in _tokens(query):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word" and depth == 0:
            word = m.group().upper()
            if word in ("ASK", "CONSTRUCT", "DESCRIBE"):
                return query
            if word == "SELECT":
                nxt = _next_token(query, m.end())
                if nxt is not None and nxt.group().upper() in ("DISTINCT", "REDUCED"):
                    return query
                return query[: m.end()] + " DISTINCT" + query[m.end() :]
    return query


def _slice_clauses(query: str) -> tuple[str, int, int | None]:
    """``query`` without its top-level ``OFFSET`` and ``LIMIT``, with their values."""
    depth = 0
    cuts: list[tuple[int, int, str, int]] = []
    for m in _tokens(query):
        if m.lastgroup == "open":
            depth += 1
        elif m.lastgroup == "close":
            depth -= 1
        elif m.lastgroup == "word" and depth == 0 and m.group().upper() in ("LIMIT", "OFFSET"):
            nxt = _next_token(query, m.end())
            if nxt is not None and nxt.lastgroup == "number" and nxt.group().isdigit():
                cuts.append((m.start(), nxt.end(), m.group().upper(), int(nxt.group())))
    offset, limit = 0, None
    for start, stop, word, value in reversed(cuts):
        query = query[:start] + " " * (stop - start) + query[stop:]
        if word == "LIMIT":
            limit = value
        else:
            offset = value
    return query, offset, limit


Lang = str | None
"""A language to choose labels in (``"zh"``, ``"en"``), or ``None`` for every language."""


def prefer_language(
    names: list[str], solutions: list[tuple[Any, ...]], lang: Lang
) -> list[tuple[Any, ...]]:
    """Of rows that differ only in language-tagged literals, keep those whose literals are in
    ``lang`` (most of them; the first rows when none is): a label the graph states in Chinese
    and English is given once, in the language asked for, and a label stated only in the
    other language is kept. Order is kept."""
    if lang is None:
        return solutions
    want = lang.lower()
    groups: dict[tuple[Any, ...], list[tuple[int, int]]] = {}
    for i, row in enumerate(solutions):
        key: list[Any] = []
        score = 0
        for term in row:
            if isinstance(term, ox.Literal) and term.language:
                key.append(None)
                score += term.language.lower().split("-")[0] == want
            else:
                key.append(term)
        groups.setdefault(tuple(key), []).append((i, score))
    keep: set[int] = set()
    for members in groups.values():
        best = max(score for _, score in members)
        keep.update(i for i, score in members if score == best)
    return [row for i, row in enumerate(solutions) if i in keep]


#: Seconds a reader waits for an output that ``govkg build`` is swapping in by two renames
#: (where the system cannot exchange two folders in one step, ``OUT`` is missing meanwhile).
SWAP_WAIT_S = 5.0
#: Tries to open a store before its error is shown: an open that meets the swap can find
#: files of both outputs and fail, and succeeds when tried again.
OPEN_TRIES = 5


def _swapping(out_dir: Path) -> bool:
    """Whether a build is replacing ``out_dir`` by two renames (its old output moved aside
    as ``OUT.old-PID``; see :func:`govkg.graph.build.output_lock`)."""
    return any(out_dir.parent.glob(f"{out_dir.name}.old-*"))


def open_store(out_dir: Path, wait: float = SWAP_WAIT_S) -> ox.Store:
    """The build's store, read-only. A build replacing the output meanwhile is waited for
    (up to ``wait`` seconds): the store opened is the previous build's or the new one's,
    whole."""
    path = out_dir / "store"
    deadline = time.monotonic() + wait
    failures = 0
    while True:
        if path.is_dir():
            try:
                return ox.Store.read_only(str(path))
            except (OSError, RuntimeError) as exc:  # RuntimeError: "Corruption: …"
                failures += 1
                if failures >= OPEN_TRIES:
                    raise QueryError(f"cannot open the store at {path}: {exc}") from None
        elif not _swapping(out_dir) or time.monotonic() > deadline:
            raise QueryError(f"no store at {path}: run `govkg build --out {out_dir}` first")
        time.sleep(0.02)


class StoreReader:
    """A store kept open for many queries (a worker of ``govkg serve sparql``) that follows
    rebuilds: before each query, :meth:`current` checks whether ``OUT/store`` is another
    folder than the one open (a build swapped a new output in) and then opens the new
    one; until that succeeds, the store open answers. A query that failed meanwhile is
    answered again from the new store (:meth:`swapped`): the old store's files are removed
    with the old output, and RocksDB opens some of them only when a query needs them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity = self._identity()
        self.store = ox.Store.read_only(str(path))

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None  # between the two renames of a swap
        return st.st_dev, st.st_ino

    def current(self) -> ox.Store:
        identity = self._identity()
        if identity is not None and identity != self.identity:
            try:
                self.store = ox.Store.read_only(str(self.path))
                self.identity = identity
            except (OSError, RuntimeError):
                pass  # met the swap half done: the next query tries again
        return self.store

    def swapped(self, store: ox.Store) -> bool:
        """Whether a newer store than ``store`` is open now (after :meth:`current`)."""
        return self.current() is not store


def has_union_graph(store: ox.Store) -> bool:
    """Whether the store's default graph holds the de-duplicated union of its named graphs
    (each distinct statement once), as a build writes it."""
    return (
        next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    )


def dataset_options(store: ox.Store) -> dict[str, Any]:
    """How to query the union of the sources: the store's default graph where it holds the
    union ({}), else the union of the named graphs, with duplicates."""
    return {} if has_union_graph(store) else {"use_default_graph_as_union": True}


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
    *,
    distinct: bool = False,
    lang: Lang = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a query over the union of all graphs; values go in as bindings (substitutions),
    never into the query text. Oxigraph substitutes only variables the query returns, so a
    bound variable must be in the ``SELECT`` clause (or the query be ``SELECT *``, ``ASK`` or
    ``CONSTRUCT``).

    The default graph is the de-duplicated union of the named graphs where the build wrote
    it into the store's default graph (:func:`has_union_graph`), else Oxigraph's union of
    the named graphs, which matches a statement once per graph holding it: there
    ``distinct`` adds ``DISTINCT`` (:func:`distinct_select`) so that each answer is given
    once, and the triples of a ``CONSTRUCT`` once each.

    The project's prefixes are declared before the query (its own ``PREFIX`` lines override
    them). ``lang`` keeps labels in that language where the graph states
    one in several (:func:`prefer_language`). A syntax error is a
    :class:`QuerySyntaxError` located in ``query`` itself."""
    check_query(query)
    dataset = dataset_options(store)
    written = query
    if distinct and dataset:
        query = distinct_select(query)
    text = (prefix_header() + query) if prefixes else query
    try:
        result = store.query(
            text,
            substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()},
            **dataset,
        )
        if lang is not None and isinstance(result, ox.QuerySolutions):
            return _select_in_language(store, text, result, bindings, dataset, lang)
    except SyntaxError as exc:
        message = str(exc)
        if written != query:  # locate the error in the user's own text, not the rewritten one
            try:
                store.query((prefix_header() + written) if prefixes else written, **dataset)
            except SyntaxError as own:
                message = str(own)
            except (OSError, ValueError, RuntimeError):
                pass
        raise syntax_error(message, written, HEADER_LINES if prefixes else 0) from None
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
        return names, _rows(names, [tuple(sol[n] for n in names) for sol in result])
    triples = list(result)  # a CONSTRUCT or DESCRIBE result
    if distinct and dataset:
        triples = list(dict.fromkeys(triples))
    return ["subject", "predicate", "object"], [
        {
            "subject": term_to_python(t.subject),
            "predicate": term_to_python(t.predicate),
            "object": term_to_python(t.object),
        }
        for t in triples
    ]


def _rows(names: list[str], solutions: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [{n: term_to_python(t) for n, t in zip(names, sol, strict=True)} for sol in solutions]


def _select_in_language(
    store: ox.Store,
    text: str,
    result: ox.QuerySolutions,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None,
    dataset: dict[str, Any],
    lang: str,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The rows of a SELECT with labels in ``lang`` (:func:`prefer_language`). Choosing drops
    rows, so a top-level ``LIMIT`` / ``OFFSET`` is applied after the choice: the query is run
    again with a larger limit until enough rows are left or the engine has no more."""
    names = [v.value for v in result.variables]
    solutions = [tuple(sol[n] for n in names) for sol in result]
    unsliced, offset, limit = _slice_clauses(text)
    if limit is None and not offset:
        return names, _rows(names, prefer_language(names, solutions, lang))
    # a row in one language may lie outside the page and its twin inside: choose on a
    # larger page (twice the rows wanted and some; rows of one resource sort together)
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in (bindings or {}).items()
    }
    want = offset + limit if limit is not None else None
    fetch = None if want is None else 2 * want + 16
    while True:
        page = unsliced if fetch is None else f"{unsliced}\nLIMIT {fetch}"
        answers = store.query(page, substitutions=substitutions, **dataset)
        assert isinstance(answers, ox.QuerySolutions)  # the same SELECT, with a LIMIT
        solutions = [tuple(sol[n] for n in names) for sol in answers]
        chosen = prefer_language(names, solutions, lang)
        if fetch is None or want is None or len(chosen) >= 2 * want or len(solutions) < fetch:
            break
        fetch *= 4
    end = None if limit is None else offset + limit
    return names, _rows(names, chosen[offset:end])
