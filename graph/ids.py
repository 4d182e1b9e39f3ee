"""The instance IRIs, kept importable here: they live in :mod:`govkg.ontology.ids`, the
bottom layer, so that loaders may use them without importing the graph layer."""

from govkg.ontology.ids import doc_iri, gk, iri

__all__ = ["doc_iri", "gk", "iri"]
