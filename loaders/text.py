"""Text loader (being written)."""

from __future__ import annotations

from typing import ClassVar

from govkg.loaders.base import GraphWriter, LoadReport
from govkg.loaders.corpus import CorpusDocument


class TextLoader:
    name: ClassVar[str] = "text"

    def load(self, source: CorpusDocument, graph: GraphWriter) -> LoadReport:
        return LoadReport(self.name, str(source.path))


class ConflictLinker:
    name = "conflicts"

    def link(self, ctx: object) -> LoadReport:
        return LoadReport(self.name, "dataset")
