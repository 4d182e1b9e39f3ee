"""Fuzzing ``govkg serve sparql``: thousands of generated and mutated queries and malformed
HTTP requests, from a fixed seed, sent to one endpoint process started for this module.

Every request must get an HTTP status line: no connection reset or closed unanswered, no
hang, no 5xx other than 503 (a query stopped at the time limit, or all workers busy; see
docs/querying.md) and 505 (for a request line naming HTTP/2 or later). After the run the
endpoint still answers a normal query exactly, and its log holds no traceback.

Nothing is mocked: the endpoint is the ``govkg serve sparql`` command over a small store
written here. ``GOVKG_FUZZ_CASES`` changes the number of cases (default 5,200).
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.bench_endpoint import start_endpoint

SEED = 14_2024
CASES = int(os.environ.get("GOVKG_FUZZ_CASES", "5200"))
CLIENTS = 4
BUDGET_S = 60.0
EX = "https://example.org/fuzz/"
GRAPHS = 3
SUBJECTS = 8
DEPTH_LIMIT = 200  # govkg.graph.sparql.MAX_QUERY_DEPTH

pytestmark = pytest.mark.server


# -- the endpoint ----------------------------------------------------------------------------


def small_build(out: Path) -> int:
    """A store of a hundred statements in three named graphs (``OUT/store``, all the
    endpoint reads), with numbers, language tags and a chain to walk with paths; the number
    of statements."""
    store = ox.Store(str(out / "store"))
    p, q, label = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "label")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = set()
    for g in range(GRAPHS):
        graph = ox.NamedNode(f"{EX}g{g}")
        for i in range(SUBJECTS):
            s = ox.NamedNode(f"{EX}s{i}")
            quads.add(ox.Quad(s, kind, ox.NamedNode(EX + "Thing"), graph))
            quads.add(ox.Quad(s, p, ox.NamedNode(f"{EX}s{(i + 1) % SUBJECTS}"), graph))
            quads.add(ox.Quad(s, q, ox.Literal(str(i * (g + 1)), datatype=XSD_INT), graph))
            quads.add(ox.Quad(s, label, ox.Literal(f"item {i}", language="en"), graph))
            quads.add(ox.Quad(s, label, ox.Literal(f"条目{i}", language="zh"), graph))
    store.extend(quads)
    store.flush()
    del store
    return len(quads)


XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass
class Endpoint:
    host: str
    port: int
    proc: subprocess.Popen[str]
    log: Path
    statements: int


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    out = tmp_path_factory.mktemp("fuzz") / "out"
    out.mkdir()
    statements = small_build(out)
    log = out.parent / "endpoint.log"
    with log.open("w") as log_file:
        try:
            proc, host, port = start_endpoint(
                out, "--timeout", "1", "--workers", "2", "--idle-timeout", "5", stderr=log_file
            )
        except RuntimeError as exc:
            raise AssertionError(f"{exc} {log.read_text()}") from None
    try:
        yield Endpoint(host, port, proc, log, statements)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- a small HTTP client that sees everything -----------------------------------------------


class NoStatus(Exception):
    """The connection ended, reset or stalled before a status line came back."""


@dataclass
class Case:
    kind: str
    request: bytes
    fresh: bool = False
    """Sent on a connection of its own, closed after the first answer (malformed requests,
    whose leftovers must not be read as the next request)."""
    head: bool = False
    half_close: bool = False
    """The client shuts its sending side after the request."""
    answers: int = 1
    """Requests sent at once (pipelined), each answered."""
    expect: frozenset[int] | None = None


def read_answer(conn: socket.socket, buf: bytearray, head: bool) -> tuple[int, bool]:
    """Read one answer from ``conn`` (``buf`` holds what was read past the previous one):
    its status and whether the server closes the connection after it."""

    def fill() -> None:
        try:
            chunk = conn.recv(65536)
        except ConnectionResetError:
            raise NoStatus("connection reset") from None
        except TimeoutError:
            raise NoStatus("no answer within the socket timeout") from None
        if not chunk:
            raise NoStatus(f"connection closed; got {bytes(buf[:80])!r}")
        buf.extend(chunk)

    while True:
        while b"\r\n\r\n" not in buf:
            fill()
        end = buf.index(b"\r\n\r\n")
        head_lines = bytes(buf[:end]).split(b"\r\n")
        del buf[: end + 4]
        m = re.fullmatch(rb"HTTP/1\.[01] (\d{3}) .*", head_lines[0])
        if m is None:
            raise NoStatus(f"not a status line: {head_lines[0][:80]!r}")
        status = int(m[1])
        headers = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if 100 <= status < 200:
            continue
        length = 0 if head else int(headers.get(b"content-length", b"0"))
        while len(buf) < length:
            fill()
        del buf[:length]
        return status, headers.get(b"connection") == b"close"


def send_all(ep: Endpoint, cases: list[Case], results: list[tuple[Case, int | str]]) -> None:
    conn: socket.socket | None = None
    buf = bytearray()
    for case in cases:
        if conn is None or case.fresh:
            if conn is not None:
                conn.close()
            conn = socket.create_connection((ep.host, ep.port), timeout=30)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buf.clear()
        outcome: int | str = ""
        try:
            conn.sendall(case.request)
            if case.half_close:
                conn.shutdown(socket.SHUT_WR)
            for _ in range(case.answers):
                status, closing = read_answer(conn, buf, case.head)
                outcome = status if not isinstance(outcome, int) or status != 200 else outcome
        except (NoStatus, OSError) as exc:
            outcome, closing = f"{type(exc).__name__}: {exc}", True
        results.append((case, outcome))
        if closing or case.fresh or case.half_close:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


# -- generated queries ------------------------------------------------------------------------

KEYWORDS = [
    "BASE",
    "PREFIX",
    "SELECT",
    "CONSTRUCT",
    "DESCRIBE",
    "ASK",
    "ORDER",
    "BY",
    "LIMIT",
    "OFFSET",
    "DISTINCT",
    "REDUCED",
    "FROM",
    "NAMED",
    "WHERE",
    "GRAPH",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "FILTER",
    "BIND",
    "AS",
    "VALUES",
    "SERVICE",
    "SILENT",
    "GROUP",
    "HAVING",
    "UNDEF",
    "NOT",
    "IN",
    "EXISTS",
    "a",
    "true",
    "false",
    "STR",
    "LANG",
    "LANGMATCHES",
    "DATATYPE",
    "BOUND",
    "IRI",
    "URI",
    "BNODE",
    "RAND",
    "ABS",
    "CEIL",
    "FLOOR",
    "ROUND",
    "CONCAT",
    "STRLEN",
    "UCASE",
    "LCASE",
    "ENCODE_FOR_URI",
    "CONTAINS",
    "STRSTARTS",
    "STRENDS",
    "STRBEFORE",
    "STRAFTER",
    "YEAR",
    "MONTH",
    "DAY",
    "HOURS",
    "MINUTES",
    "SECONDS",
    "TIMEZONE",
    "TZ",
    "NOW",
    "UUID",
    "STRUUID",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "COALESCE",
    "IF",
    "STRLANG",
    "STRDT",
    "sameTerm",
    "isIRI",
    "isURI",
    "isBLANK",
    "isLITERAL",
    "isNUMERIC",
    "REGEX",
    "SUBSTR",
    "REPLACE",
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "SAMPLE",
    "GROUP_CONCAT",
    "SEPARATOR",
    "ASC",
    "DESC",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "INSERT",
    "DELETE",
    "DATA",
    "WITH",
    "USING",
    "DEFAULT",
    "ALL",
    "TO",
    "INTO",
    "TRIPLE",
    "SUBJECT",
    "PREDICATE",
    "OBJECT",
    "isTRIPLE",
    "LATERAL",
]
PUNCT = [*list("{}()[].;,*+?/|^!=<>&-"), "&&", "||", "!=", "<=", ">=", "^^", "<<", ">>"]
VARS = ["?s", "?o", "?x", "?g", "?n", "$v"]
IRIS = [f"<{EX}p>", f"<{EX}q>", f"<{EX}label>", "rdf:type", "rdfs:label", "gk:name"]
NODES = [f"<{EX}s{i}>" for i in range(3)] + [f"<{EX}Thing>", "[]", "_:b"]
LITERALS = ['"item 1"@en', '"条目2"@zh', "7", "-3.5", "1e3", "true", '"x"^^xsd:string', "''"]
FUNCS = ["STR", "LANG", "UCASE", "STRLEN", "ABS", "ISIRI", "BOUND", "DATATYPE", "MD5"]


class QueryMaker:
    """Random queries over the small store: mostly valid SPARQL, cheap to answer (few
    shared variables, a LIMIT), some wrong on purpose."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def term(self, subject: bool = False) -> str:
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(VARS[:3])
        return self.rng.choice(NODES if subject or r < 0.8 else LITERALS)

    def path(self, steps: int) -> str:
        parts = []
        for _ in range(steps):
            step = self.rng.choice(IRIS[:3])
            r = self.rng.random()
            if r < 0.15:
                step = "^" + step
            elif r < 0.3:
                step = f"({step}|{self.rng.choice(IRIS[:3])})"
            elif r < 0.4:
                step = f"!({step}|^{self.rng.choice(IRIS[:3])})"
            step += self.rng.choice(["", "", "", "*", "+", "?"])
            parts.append(step)
        return self.rng.choice(["/", "|"]).join(parts)

    def expr(self, depth: int) -> str:
        r = self.rng.random()
        if depth <= 0 or r < 0.3:
            return self.rng.choice([*VARS[:3], *LITERALS])
        if r < 0.5:
            op = self.rng.choice(["+", "-", "*", "/", "=", "!=", "<", ">=", "&&", "||"])
            return f"({self.expr(depth - 1)} {op} {self.expr(depth - 1)})"
        if r < 0.65:
            return f"{self.rng.choice(FUNCS)}({self.expr(depth - 1)})"
        if r < 0.72:
            return f'REGEX(STR({self.rng.choice(VARS[:3])}), "^i.*[0-9]$", "i")'
        if r < 0.8:
            return f"IF({self.expr(depth - 1)}, {self.expr(depth - 1)}, {self.expr(depth - 1)})"
        if r < 0.88:
            items = ", ".join(self.expr(0) for _ in range(self.rng.randint(0, 5)))
            return f"({self.rng.choice(VARS[:3])} {self.rng.choice(['IN', 'NOT IN'])} ({items}))"
        return f"{self.rng.choice(['EXISTS', 'NOT EXISTS'])} {{ {self.pattern(depth - 1)} }}"

    def triple(self) -> str:
        predicate = (
            self.path(self.rng.randint(1, 3))
            if self.rng.random() < 0.3
            else self.rng.choice([*IRIS, "a", "?p"])
        )
        return f"{self.term(True)} {predicate} {self.term()}"

    def pattern(self, depth: int) -> str:
        parts = [self.triple()]
        for _ in range(self.rng.randint(0, 3)):
            r = self.rng.random()
            if depth <= 0 or r < 0.35:
                parts.append(self.triple())
            elif r < 0.45:
                parts.append(f"OPTIONAL {{ {self.pattern(depth - 1)} }}")
            elif r < 0.55:
                parts.append(
                    f"{{ {self.pattern(depth - 1)} }} UNION {{ {self.pattern(depth - 1)} }}"
                )
            elif r < 0.6:
                parts.append(f"MINUS {{ {self.pattern(depth - 1)} }}")
            elif r < 0.72:
                parts.append(f"FILTER({self.expr(depth)})")
            elif r < 0.78:
                parts.append(f"BIND({self.expr(depth - 1)} AS ?b{self.rng.randint(0, 99)})")
            elif r < 0.84:
                parts.append(f"GRAPH ?g {{ {self.pattern(depth - 1)} }}")
            elif r < 0.9:
                values = " ".join(self.rng.choice(NODES[:3] + LITERALS) for _ in range(4))
                parts.append(f"VALUES ?x {{ {values} UNDEF }}")
            elif r < 0.95:
                parts.append(f"{{ SELECT ?s WHERE {{ {self.pattern(depth - 1)} }} LIMIT 5 }}")
            else:
                parts.append("SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }")
        return " . ".join(parts) if self.rng.random() < 0.7 else " ".join(parts)

    def query(self) -> str:
        depth = self.rng.randint(0, 3)
        where = self.pattern(depth)
        r = self.rng.random()
        dataset = ""
        if self.rng.random() < 0.1:
            dataset = f" FROM <{EX}g{self.rng.randint(0, 3)}> FROM NAMED <{EX}g1> "
        if r < 0.55:
            head = self.rng.choice(["SELECT", "SELECT DISTINCT", "SELECT REDUCED"])
            projection = self.rng.choice(["*", "?s", "?s ?o", "(COUNT(*) AS ?c)"])
            tail = ""
            if self.rng.random() < 0.2:
                projection = "?s (GROUP_CONCAT(STR(?o); SEPARATOR='|') AS ?all) (SUM(?n) AS ?t)"
                tail += " GROUP BY ?s HAVING (COUNT(?o) >= 0)"
            if self.rng.random() < 0.2:
                tail += f" ORDER BY {self.rng.choice(['DESC(?s)', 'ASC(?o)', '?s ?o', 'RAND()'])}"
            tail += f" LIMIT {self.rng.randint(0, 30)}"
            if self.rng.random() < 0.2:
                tail += f" OFFSET {self.rng.randint(0, 50)}"
            return f"{head} {projection}{dataset} WHERE {{ {where} }}{tail}"
        if r < 0.75:
            return f"ASK{dataset} {{ {where} }}"
        if r < 0.9:
            return f"CONSTRUCT {{ ?s <{EX}r> ?o }}{dataset} WHERE {{ {where} }} LIMIT 20"
        return f"DESCRIBE {self.rng.choice([*NODES[:3], '?s'])} WHERE {{ {where} }} LIMIT 3"

    def soup(self) -> str:
        """Every SPARQL keyword, in random order with punctuation, names and values."""
        vocabulary = KEYWORDS + PUNCT + VARS + IRIS + NODES + LITERALS
        return " ".join(self.rng.choice(vocabulary) for _ in range(self.rng.randint(1, 60)))

    def nested(self, depth: int) -> str:
        """One way of nesting ``depth`` levels deep."""
        kind = self.rng.randrange(8)
        if kind == 0:
            return "ASK " + "{" * depth + " ?s ?p ?o " + "}" * depth
        if kind == 1:
            return "ASK { FILTER(" + "(" * depth + "1" + ")" * depth + " = 1) }"
        if kind == 2:
            return "ASK { ?s <p:p> " + "[ <p:q> " * depth + "1" + " ]" * depth + " }"
        if kind == 3:
            return "ASK { " + "OPTIONAL { ?s ?p ?o " * depth + "}" * depth + " }"
        if kind == 4:
            body = "?s ?p ?o"
            for _ in range(depth):
                body = f"{{ SELECT * WHERE {{ {body} }} }}"
            return f"SELECT * WHERE {body} LIMIT 1"
        if kind == 5:
            return "ASK { ?s " + "(" * depth + f"<{EX}p>" + ")*" * depth + " ?o }"
        if kind == 6:
            return "ASK { FILTER(" + "NOT EXISTS { " * depth + "?s ?p ?o" + " }" * depth + ") }"
        return "ASK { FILTER(" + "STR(" * depth + '"x"' + ")" * depth + ' = "x") }'

    def long_path(self, steps: int) -> str:
        path = self.path(steps)
        return f"SELECT ?o WHERE {{ <{EX}s0> {path} ?o }} LIMIT 5"

    def huge_literal(self, size: int) -> str:
        text = self.rng.choice(["a", "é", "条", "\\n", "\\u0041", '\\"', "'"]) * size
        form = self.rng.randrange(4)
        if form == 0:
            return f'ASK {{ ?s ?p "{text[:size]}" }}'
        if form == 1:
            return f'SELECT (STRLEN("""{text[:size]}""") AS ?n) WHERE {{}}'
        if form == 2:
            return f"ASK {{ FILTER(REGEX(\"abc\", '{text[:size]}')) }}"
        return f'SELECT ?x WHERE {{ VALUES ?x {{ "{text[:size]}" }} }}'


def mutate(rng: random.Random, data: bytes) -> bytes:
    """A few random edits: deletions, repeats, flipped bits, inserted bytes, tokens and
    broken UTF-8, a cut."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not data:
            data.extend(b"{")
        i = rng.randrange(len(data))
        op = rng.randrange(8)
        if op == 0:
            del data[i : i + rng.randint(1, 20)]
        elif op == 1:
            data[i:i] = data[i : i + rng.randint(1, 30)] * rng.randint(1, 4)
        elif op == 2:
            data[i] ^= 1 << rng.randrange(8)
        elif op == 3:
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 4:
            data[i:i] = rng.choice(KEYWORDS + PUNCT).encode()
        elif op == 5:
            data[i:i] = rng.choice(BAD_UTF8)
        elif op == 6:
            del data[i:]
        else:
            data[i:i] = rng.choice(["\x00", "\u202e", "\ufeff", "😀", "\U0010ffff"]).encode()
    return bytes(data)


BAD_UTF8 = [
    b"\xc3\x28",  # a lead byte without its continuation
    b"\xa0\xa1",  # continuation bytes alone
    b"\xe2\x28\xa1",
    b"\xf0\x28\x8c\xbc",
    b"\xc0\xaf",  # an overlong "/"
    b"\xed\xa0\x80",  # a UTF-16 surrogate
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xff\xfe\xfd",
    b"\xe6\x9d",  # a Chinese character cut short
]


# -- requests ---------------------------------------------------------------------------------

ACCEPTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle, */*;q=0.1",
    "*/*",
    "image/png",  # 406
    "application/json;q=abc, text/csv;q=nan",
    "",
]


def get_request(query: bytes, accept: str = "", extra: str = "") -> bytes:
    target = "/sparql?query=" + urllib.parse.quote_from_bytes(query, safe="") + extra
    head = f"GET {target} HTTP/1.1\r\nHost: fuzz\r\n"
    if accept:
        head += f"Accept: {accept}\r\n"
    return head.encode() + b"\r\n"


def post_request(body: bytes, ctype: str = "application/sparql-query", accept: str = "") -> bytes:
    head = f"POST /sparql HTTP/1.1\r\nHost: fuzz\r\nContent-Type: {ctype}\r\n"
    if accept:
        head += f"Accept: {accept}\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def as_request(rng: random.Random, query: bytes) -> bytes:
    accept = rng.choice(ACCEPTS)
    r = rng.random()
    if r < 0.45:
        return get_request(query, accept)
    if r < 0.85:
        return post_request(query, accept=accept)
    form = b"query=" + urllib.parse.quote_from_bytes(query, safe="").encode()
    if rng.random() < 0.3:
        form += rng.choice([b"&default-graph-uri=", b"&named-graph-uri=", b"&update="]) + (
            rng.choice([EX.encode() + b"g1", b"not%20an%20iri", b"%ff", b""])
        )
    return post_request(form, "application/x-www-form-urlencoded", accept)


METHODS = [
    "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MKCOL", "get",
    "Get", "POSTX", "G-E-T", "X" * 300, "GÉT", "\x00", "🙂", "HEAD",
]  # fmt: skip
ODD_HEADERS = [
    "Content-Length: -1",
    "Content-Length: +5",
    "Content-Length: 5 5",
    "Content-Length: 0x10",
    "Content-Length: \xb2",
    "Content-Length: 99999999999999999999999",
    "Content-Length:",
    "Content-Length: 3\r\nContent-Length: 4",
    "Transfer-Encoding: chunked",
    "Transfer-Encoding: gzip, chunked",
    "Expect: 100-continue",
    "Expect: the-unexpected",
    "Connection: close",
    "Connection: Upgrade\r\nUpgrade: h2c",
    "Content-Type: multipart/form-data; boundary=x",
    "Content-Type: application/sparql-query; charset=latin-1",
    "Content-Type:",
    "Content-Type: \xff\xfe",
    "Accept: " + ",".join(["text/csv;q=0.5"] * 500),
    "Accept: */*;q=0",
    "no colon in this header",
    " folded: continuation line",
    "X-Long: " + "y" * 70000,
    "\r\n".join(f"X-H{i}: {i}" for i in range(120)),
    "Host: \x00",
    "X-Bytes: \xc3\x28\xed\xa0\x80",
]


def raw_cases(rng: random.Random) -> list[Case]:
    """Hand-shaped malformed HTTP (each on a connection of its own)."""
    q = urllib.parse.quote("ASK { ?s ?p ?o }")
    cases = []
    for method in METHODS:
        for target in ("/sparql", f"/sparql?query={q}", "*", "http://fuzz/sparql"):
            request = f"{method} {target} HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 0\r\n\r\n"
            cases.append(
                Case(
                    "method",
                    request.encode("utf-8"),
                    fresh=True,
                    head=method == "HEAD",
                )
            )
    for header in ODD_HEADERS:
        for method, body in (("POST", b"ASK {}"), ("GET", b"")):
            target = "/sparql" if method == "POST" else f"/sparql?query={q}"
            request = (
                f"{method} {target} HTTP/1.1\r\nHost: fuzz\r\n"
                "Content-Type: application/sparql-query\r\n"
                f"{header}\r\n"
            )
            if "Content-Length" not in header and method == "POST":
                request += f"Content-Length: {len(body)}\r\n"
            cases.append(Case("header", request.encode("latin-1") + b"\r\n" + body, fresh=True))
    lines = [
        "GET /sparql",  # HTTP/0.9
        f"GET /sparql?query={q}",
        "GET /sparql HTTP/2.0",
        "GET /sparql HTTP/3",
        "GET /sparql HTTP/1.1.1",
        "GET /sparql HTTPS/1.1",
        "GET /sparql HTTP/1.1 extra",
        "GET  HTTP/1.1",
        "GET //[bad-ipv6/sparql?query=x HTTP/1.1",
        "GET http://[::1/sparql HTTP/1.1",
        "GET /sparql?query=%zz%%%ff HTTP/1.1",
        "GET /sparql?" + "&".join(f"f{i}=1" for i in range(150)) + " HTTP/1.1",
        "GET /sparql?query=" + "A" * 70000 + " HTTP/1.1",
        "GET /sparql?query=ASK%7B%7D&query=garbage HTTP/1.1",
        "GET /../../etc/passwd HTTP/1.1",
        "GET /sparql#frag HTTP/1.1",
        "GET \x00/sparql HTTP/1.1",
        "",
        "\t",
        " GET /sparql HTTP/1.1",
    ]
    for line in lines:
        version = line.rsplit(" ", 1)[-1]
        expect = None
        if version == "HTTP/2.0":
            expect = frozenset({505})
        elif version == "HTTP/3":  # no minor version: malformed
            expect = frozenset({400, 505})
        elif version == "HTTP/1.1" and "A" * 70000 in line:
            expect = frozenset({414})
        cases.append(
            Case("line", line.encode("latin-1") + b"\r\nHost: fuzz\r\n\r\n", True, expect=expect)
        )
    # a request cut short, the client's side then closed
    whole = post_request(b"ASK { ?s ?p ?o }")
    for cut in sorted(rng.sample(range(1, len(whole)), 12)):
        cases.append(Case("truncated", whole[:cut], fresh=True, half_close=True))
    # a whole request followed by a half-close: answered, not taken for a gone client
    cases.append(Case("half-close", whole, fresh=True, half_close=True, expect=frozenset({200})))
    # pipelined requests on one connection: each is answered in turn
    cases.append(Case("pipelined", get_request(b"ASK {}") * 3 + whole, fresh=True, answers=4))
    # bodies over the 1 MiB limit: 413 without a reset, though the body is sent whole
    big = b"#" * ((1 << 20) + 10)
    cases.append(Case("too-big", post_request(big), fresh=True, expect=frozenset({413})))
    return cases


def random_cases(rng: random.Random) -> list[Case]:
    """Random bytes as a request, as a body and as a query string."""
    cases = []
    for _ in range(60):
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        cases.append(Case("bytes-request", junk + b"\r\n\r\n", fresh=True))
    for _ in range(60):
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(0, 2000)))
        cases.append(Case("bytes-body", post_request(junk)))
    for _ in range(60):
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(0, 500)))
        cases.append(Case("bytes-get", get_request(junk)))
    for _ in range(40):
        # raw, not percent-encoded, bytes in the request target
        junk = bytes(rng.choice(b'abc{}?%"<> \x7f\x80\xff') for _ in range(rng.randint(1, 40)))
        cases.append(
            Case("bytes-target", b"GET /sparql?query=" + junk + b" HTTP/1.1\r\n\r\n", fresh=True)
        )
    return cases


def make_cases(total: int) -> list[Case]:
    rng = random.Random(SEED)
    maker = QueryMaker(rng)
    cases = raw_cases(rng) + random_cases(rng)
    for depth in (10, 50, 100, 150, DEPTH_LIMIT - 1, DEPTH_LIMIT, DEPTH_LIMIT + 1, 1000, 20000):
        for _ in range(8):
            query = maker.nested(depth).encode()
            over = depth > DEPTH_LIMIT
            cases.append(
                Case(
                    f"nested-{depth}",
                    post_request(query),
                    expect=frozenset({400}) if over else None,
                )
            )
    for steps in (1, 5, 20, 100, 400, 1500):
        for _ in range(6):
            cases.append(Case(f"path-{steps}", post_request(maker.long_path(steps).encode())))
    for size in (1_000, 30_000, 200_000, 900_000):
        for _ in range(3):
            query = maker.huge_literal(size).encode()
            # a long one in a body: the server drains at most 4 MiB of a request it refused
            request = as_request(rng, query) if size < 10_000 else post_request(query)
            cases.append(Case("huge-literal", request, fresh=len(query) > 60_000))
    target = get_request(b"ASK {}" + b" " * 200_000)  # a request line over 64 KiB
    cases.append(Case("long-target", target, fresh=True, expect=frozenset({414})))
    for keyword in KEYWORDS:  # every keyword, alone and in a query
        cases.append(Case("keyword", post_request(keyword.encode())))
        cases.append(Case("keyword", post_request(f"SELECT * WHERE {{ {keyword} }}".encode())))
    seeds = [maker.query().encode() for _ in range(200)]
    while len(cases) < total:
        r = rng.random()
        if r < 0.45:
            query = maker.query().encode()
        elif r < 0.85:
            query = mutate(rng, rng.choice(seeds))
        else:
            query = maker.soup().encode()
        cases.append(Case("generated" if r < 0.45 else "mutated", as_request(rng, query)))
    return cases


def acceptable(case: Case, outcome: int | str) -> bool:
    if not isinstance(outcome, int):
        return False
    if case.expect is not None:
        return outcome in case.expect
    return 200 <= outcome < 500 or outcome == 503


def count(ep: Endpoint, query: str) -> int:
    conn = socket.create_connection((ep.host, ep.port), timeout=30)
    with conn:
        conn.sendall(get_request(query.encode(), "application/sparql-results+json"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"Content-Length: (\d+)", head)
            if m and len(body) >= int(m[1]):
                break
    assert data.startswith(b"HTTP/1.1 200"), data[:300]
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_fuzz_every_request_gets_a_status(endpoint: Endpoint) -> None:
    cases = make_cases(CASES)
    assert len(cases) >= min(CASES, 5000)
    rng = random.Random(SEED)
    rng.shuffle(cases)  # hostile requests among the others, to every connection
    results: list[tuple[Case, int | str]] = []
    started = time.monotonic()
    threads = [
        threading.Thread(target=send_all, args=(endpoint, cases[i::CLIENTS], results))
        for i in range(CLIENTS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    statuses = Counter(outcome for _, outcome in results if isinstance(outcome, int))
    print(f"\n{len(results)} fuzz requests in {elapsed:.1f} s; statuses {dict(statuses)}")
    assert len(results) == len(cases)
    bad = [(c.kind, c.request[:120], o) for c, o in results if not acceptable(c, o)]
    assert not bad, f"{len(bad)} requests without an acceptable answer, e.g. {bad[:5]}"
    assert elapsed < BUDGET_S, f"the fuzz run took {elapsed:.0f} s"
    # still up, and exact
    assert endpoint.proc.poll() is None
    quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(endpoint, quads) == endpoint.statements
    log = endpoint.log.read_text(errors="replace")
    assert "Traceback" not in log and "error answering" not in log, log[-3000:]
