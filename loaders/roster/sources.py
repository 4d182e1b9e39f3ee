"""Where a roster's files are: a ``--roster`` argument (a folder with a ``roster.yaml``
manifest, a folder of files named after their table, or one file) turned into files with
their tables and stable document ids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import yaml

from govkg.loaders import roster_mapping
from govkg.loaders.base import LoadReport
from govkg.loaders.roster.rows import (
    LOADER,
    MANIFEST,
    SUFFIXES,
    RosterError,
    RosterFile,
    RosterGraph,
    RosterSummary,
)
from govkg.loaders.roster_mapping import (
    TableSpec,
)
from govkg.ontology.ids import doc_iri


def _table_for_name(stem: str, specs: dict[str, TableSpec]) -> str | None:
    key = stem.lower()
    for spec in specs.values():
        if key in {f.lower() for f in spec.files}:
            return spec.name
    return None


def discover(path: Path) -> tuple[str, str, list[tuple[Path, str | None]]]:
    """``(roster id, title, [(file, table or None)])`` for a ``--roster`` argument."""
    specs = roster_mapping.table_specs()
    if path.is_file() and path.name == MANIFEST:
        path = path.parent
    if path.is_file():
        table = _table_for_name(path.stem, specs)
        if table is None and path.suffix in (".yaml", ".yml"):
            table = _yaml_table_kind(path)
        return "roster", "", [(path, table)]
    if not path.is_dir():
        raise RosterError(f"roster not found: {path}", file=path)
    manifest = path / MANIFEST
    if not manifest.is_file():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
        for p in files:
            _inside(path, p, str(p))
        return "roster", "", [(p, _table_for_name(p.stem, specs)) for p in files]
    try:
        raw = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RosterError(f"{manifest}: cannot be read: {exc}", file=manifest) from None
    entries = raw.get("files") if isinstance(raw, dict) else None
    if isinstance(entries, dict):
        entries = [{"file": k, "table": v} for k, v in entries.items()]
    if not isinstance(entries, list):
        raise RosterError(
            f"{manifest}: expected a 'files' list of {{file, table}} entries", file=manifest
        )
    out: list[tuple[Path, str | None]] = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or "file" not in entry or "table" not in entry:
            raise RosterError(
                f"{manifest}: files entry {i} needs 'file' and 'table'", file=manifest
            )
        if str(entry["table"]) not in specs:
            raise RosterError(
                f"{manifest}: files entry {i}: unknown table {entry['table']!r} "
                f"(known: {', '.join(sorted(specs))})",
                file=manifest,
            )
        name = str(entry["file"])
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise RosterError(
                f"{manifest}: files entry {i}: {name!r} is not a path inside the roster "
                "folder (no absolute path or '..')",
                file=manifest,
            )
        _inside(path, path / name, f"{manifest}: files entry {i}: {name!r}")
        out.append((path / name, str(entry["table"])))
    listed = {p.name for p, _ in out}
    for p in sorted(path.iterdir()):
        if p.suffix.lower() in SUFFIXES and p.name != MANIFEST and p.name not in listed:
            _inside(path, p, str(p))
            out.append((p, None))
    return str(raw.get("id") or "roster"), str(raw.get("title") or ""), out


def _inside(folder: Path, file: Path, what: str) -> None:
    """Refuse a roster file that resolves outside its roster folder (a symbolic link out of
    it): the build would read, and quote into the graph, a file nobody put in the roster."""
    target = file.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise RosterError(
            f"{what} lies outside the roster folder {folder} (it resolves to {target}); "
            "roster files must be inside their folder",
            file=file,
        )


def _yaml_table_kind(path: Path) -> str | None:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    if isinstance(raw, dict) and str(raw.get("table")) in roster_mapping.table_specs():
        return str(raw["table"])
    return None


def open_files(paths: Iterable[Path]) -> list[RosterFile]:
    """The files of every roster argument, with stable document ids; a file that cannot be
    loaded at all (missing, of no known table) carries its rejection already."""
    specs = roster_mapping.table_specs()
    summary = RosterSummary()
    files: list[RosterFile] = []
    used: set[str] = set()
    for path in paths:
        roster_id, title, entries = discover(path)
        for file, table in entries:
            data = file.read_bytes() if file.is_file() else b""
            doc_id = f"{roster_id}.{file.name}"
            if doc_id in used:
                doc_id += "-" + hashlib.sha256(data).hexdigest()[:8]
            used.add(doc_id)
            report = LoadReport(LOADER, str(file))
            graph = RosterGraph(doc_iri(doc_id), summary)
            rf = RosterFile(file, table or "", doc_id, title, report, graph, data)
            if not file.is_file():
                report.reject("", f"listed in {MANIFEST} but the file is not there")
            elif not data.strip():
                report.reject("", f"the file is empty ({len(data)} bytes): nothing to load")
            elif table is None:
                known = ", ".join(f"{s.name} ({'/'.join(s.files)})" for s in specs.values())
                report.reject(
                    "",
                    f"cannot tell which table this file is: name it after its table or list it "
                    f"in {MANIFEST} (tables: {known})",
                )
            files.append(rf)
    return files
