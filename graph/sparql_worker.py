"""A worker process of ``govkg serve sparql``: it opens the build's store read-only and answers
queries one at a time, so that a query that crashes the engine or runs away costs only this
process, which the endpoint kills and replaces (pyoxigraph has no way to cancel a running
query). Before each query it checks whether a build has swapped a new output in, and then
answers from the new store (:class:`govkg.graph.sparql.StoreReader`).

Messages are pickled Python values over two pipes whose file descriptors the endpoint passes
on the command line (``python -m govkg.graph.sparql_worker STORE READ_FD WRITE_FD``): first
``("ready", None)`` or ``("error", message)``; then, for each :class:`Job` it reads, one
``(status, content type, body)``. Only the endpoint, never a client, writes to these pipes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from http import HTTPStatus
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govkg.graph.sparql import StoreReader, distinct_select

_RESULT_TYPES = [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
_GRAPH_TYPES = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
]


@dataclass(frozen=True)
class Job:
    """One query, already checked by the endpoint, with the dataset to run it over."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default: bool = True
    """Without protocol graphs and without FROM: the default graph is the union of all."""
    accept: str | None = None


def _accepted(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, ties kept in order)."""
    if not accept:
        return []
    ranked = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0] and q > 0:
            ranked.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(ranked)]


def negotiate(accept: str | None, offers: list[tuple[str, Any]]) -> tuple[str, Any] | None:
    """The first offer the client accepts (``*/*`` and ``type/*`` included); the default
    offer when there is no Accept header; None when nothing offered is acceptable."""
    wanted = _accepted(accept)
    if not wanted:
        return offers[0]
    for media in wanted:
        for offer in offers:
            if media in (offer[0], "*/*") or (
                media.endswith("/*") and offer[0].startswith(media[:-1])
            ):
                return offer
    return None


def text_answer(status: int, message: str) -> tuple[int, str, bytes]:
    return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")


def answer(store: ox.Store, job: Job) -> tuple[int, str, bytes]:
    """(status, content type, body) for one query."""
    kwargs: dict[str, Any] = {}
    if job.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.union_default:
        kwargs["use_default_graph_as_union"] = True
    if job.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    query = job.query
    if job.union_default and not job.default_graphs:
        query = distinct_select(query)  # the union repeats a fact per graph: answers once
    try:
        result = store.query(query, **kwargs)
        graph_result = isinstance(result, ox.QueryTriples)
        offers = _GRAPH_TYPES if graph_result else _RESULT_TYPES
        chosen = negotiate(job.accept, offers)
        if chosen is None:
            kinds = ", ".join(m for m, _ in offers)
            return text_answer(HTTPStatus.NOT_ACCEPTABLE, f"acceptable result types: {kinds}")
        media, fmt = chosen
        body = result.serialize(format=fmt) or b""
    except SyntaxError as exc:
        return text_answer(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {exc}")
    except (OSError, ValueError, RuntimeError) as exc:
        return text_answer(HTTPStatus.BAD_REQUEST, f"SPARQL query failed: {exc}")
    return HTTPStatus.OK, media + "; charset=utf-8", body


def main(argv: list[str]) -> int:
    store_path, read_fd, write_fd = argv[0], int(argv[1]), int(argv[2])
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    # nothing but the pipes talks to the endpoint: stray prints go to stderr
    os.dup2(2, 1)
    try:
        reader = StoreReader(Path(store_path))  # follows a rebuild of the output
    except (OSError, ValueError) as exc:
        outbox.send(("error", f"cannot open the store at {store_path}: {exc}"))
        return 1
    outbox.send(("ready", None))
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return 0  # the endpoint is gone
        try:
            store = reader.current()
            reply = answer(store, job)
            if reply[0] != HTTPStatus.OK and reader.swapped(store):
                reply = answer(reader.current(), job)  # the old output went during the query
        except Exception as exc:  # a worker answers every job it is given
            reply = text_answer(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"SPARQL query failed unexpectedly: {exc!r}"
            )
        outbox.send(reply)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
