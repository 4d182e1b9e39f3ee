"""Stable IRIs for instances, derived from natural keys so that rebuilds give the same names."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from govkg.ontology import GK, GKD

# Characters kept verbatim in IRI path segments: unreserved ASCII plus every non-ASCII
# letter (IRIs allow them), so keys such as 街道（乡镇） stay readable.
_SAFE_ASCII = "-._~()"


@lru_cache(maxsize=1 << 16)
def _segment(part: object) -> str:
    """One IRI path segment for a key part (cached: reports mint the same few keys often)."""
    text = unicodedata.normalize("NFC", str(part)).strip()
    if not text:
        raise ValueError("an IRI key part may not be empty")
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(quote(ch, safe=_SAFE_ASCII))
        elif unicodedata.category(ch)[0] in "LN" or ch in "（）·":
            out.append(ch)
        else:
            out.append(quote(ch, safe=""))
    return "".join(out)


def iri(kind: str, *key: object) -> ox.NamedNode:
    """The instance IRI ``gkd:{kind}/{key...}`` for a natural key.

    >>> iri("area", "吉林市").value
    'https://w3id.org/govkg/id/area/吉林市'
    >>> iri("span", "000_x", 3, 9).value
    'https://w3id.org/govkg/id/span/000_x/3-9'
    """
    if kind == "span" and len(key) == 3:
        doc, start, end = key
        return ox.NamedNode(f"{GKD}span/{_segment(doc)}/{int(start)}-{int(end)}")  # type: ignore[call-overload]
    return ox.NamedNode(GKD + "/".join([kind, *(_segment(k) for k in key)]))


def gk(local: str) -> ox.NamedNode:
    """A term of the govkg ontology."""
    return ox.NamedNode(GK + local)


def doc_iri(doc_id: str) -> ox.NamedNode:
    """The IRI of a source document; it also names the document's graph."""
    return iri("doc", doc_id)
