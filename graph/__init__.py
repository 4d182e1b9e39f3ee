"""Build pipeline, stores, query layer, mirrors and views of the govkg knowledge graph."""
