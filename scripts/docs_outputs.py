"""Rewrite the output block shown after each ```sparql example of README.md and docs/*.md
with what the example prints on a build (the test in tests/test_querying.py checks them):

    python3 scripts/docs_outputs.py out

Each block keeps the number of rows it showed; a longer answer ends with '… N rows'."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from govkg.graph.api import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(```sparql\n(.*?)```\n\s*```text\n)(.*?)(```)", re.DOTALL)


def _rows_shown(old: str) -> int:
    lines = [line for line in old.strip().splitlines() if not line.startswith("… ")]
    return max(len(lines) - 1, 1)


def _render(kg: KnowledgeGraph, query: str, shown: int) -> str:
    df = kg.sparql(query)
    rows = [["" if v is None or v != v else str(v) for v in r] for r in df.values.tolist()]
    lines = [" | ".join(map(str, df.columns))]
    lines += [" | ".join(r) for r in rows[:shown]]
    if len(rows) > shown:
        lines.append(f"… {len(rows)} rows")
    return "\n".join(lines) + "\n"


def main(out: Path) -> None:
    kg = KnowledgeGraph.open(out)
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")

        def fresh(m: re.Match[str]) -> str:
            return m.group(1) + _render(kg, m.group(2), _rows_shown(m.group(3))) + m.group(4)

        new = BLOCK.sub(fresh, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out"))
