"""One module per view: each builds the pages of its view (a :class:`Page` with positioned
nodes and edges) from the records of the store."""
