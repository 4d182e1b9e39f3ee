"""What a build hands its loaders and linkers: the named graphs assembled so far
(:class:`Dataset`) and the inputs and reports beside them (:class:`BuildContext`).

They live here, below the build pipeline (:mod:`govkg.graph.build`), so that linkers can
read them without importing the layer that runs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from govkg.loaders.base import GraphWriter, LoadReport
from govkg.loaders.corpus import CorpusDocument


@dataclass
class Dataset:
    """The named graphs of one build, keyed by graph IRI."""

    graphs: dict[ox.NamedNode, GraphWriter] = field(default_factory=dict)

    def graph(self, name: ox.NamedNode) -> GraphWriter:
        if name not in self.graphs:
            self.graphs[name] = GraphWriter(name)
        return self.graphs[name]

    def quads(self) -> Iterable[ox.Quad]:
        for name, g in self.graphs.items():
            for t in g:
                yield ox.Quad(t.subject, t.predicate, t.object, name)


@dataclass
class BuildContext:
    """What loaders and linkers may read while the dataset is being assembled."""

    documents: list[CorpusDocument]
    dataset: Dataset
    reports: list[LoadReport]
    roster_paths: list[Path]


class Linker(Protocol):
    """A step that runs after every loader and may relate resources across sources."""

    name: str

    def link(self, ctx: BuildContext) -> LoadReport: ...
