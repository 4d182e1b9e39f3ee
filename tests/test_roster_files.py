"""Which files a roster is: paths that leave the roster folder are refused, empty files
are rejected by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkg.graph.build import BuildError
from govkg.graph.cli import app
from govkg.loaders.roster import load_rosters

FIXTURE = Path(__file__).parent / "fixtures" / "rosters" / "basic"
SECRET = "外部秘密组织"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A units file outside any roster folder."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = folder / "units.csv"
    path.write_text(f"id,name,kind\ns1,{SECRET},街道党工委\n", encoding="utf-8")
    return path


def _roster(tmp_path: Path, manifest: str | None = None) -> Path:
    roster = tmp_path / "roster"
    roster.mkdir(parents=True)
    if manifest is not None:
        (roster / "roster.yaml").write_text(manifest, encoding="utf-8")
    return roster


@pytest.mark.parametrize(
    "entry", ["../elsewhere/units.csv", "ABSOLUTE", "sub/../../elsewhere/units.csv"]
)
def test_manifest_entries_outside_the_folder_are_refused(
    tmp_path: Path, outside: Path, entry: str
) -> None:
    name = str(outside) if entry == "ABSOLUTE" else entry
    roster = _roster(tmp_path, f"files:\n  - {{file: '{name}', table: units}}\n")
    with pytest.raises(BuildError, match=r"files entry 1: .* not a path inside the roster folder"):
        load_rosters([roster])


def test_links_out_of_the_folder_are_refused(tmp_path: Path, outside: Path) -> None:
    roster = _roster(tmp_path)
    (roster / "units.csv").symlink_to(outside)
    with pytest.raises(BuildError, match="lies outside the roster folder"):
        load_rosters([roster])
    listed = _roster(tmp_path / "b", "files:\n  - {file: units.csv, table: units}\n")
    (listed / "units.csv").symlink_to(outside)
    with pytest.raises(BuildError, match=r"files entry 1: 'units\.csv' lies outside"):
        load_rosters([listed])
    result = CliRunner().invoke(app, ["roster-check", str(roster)])
    assert result.exit_code == 1 and "outside the roster folder" in result.output
    assert SECRET not in result.output


def test_files_in_subfolders_and_links_inside_are_read(tmp_path: Path) -> None:
    roster = _roster(tmp_path, "files:\n  - {file: data/units.csv, table: units}\n")
    (roster / "data").mkdir()
    (roster / "data" / "units.csv").write_text("id,name,kind\ns1,甲街道党工委,街道党工委\n")
    [(_, _, report)] = load_rosters([roster])
    assert report.accepted == 1 and not report.rejected


@pytest.mark.parametrize(
    ("name", "content"),
    [("units.csv", b""), ("units.csv", b"\n \r\n"), ("working_groups.yaml", b"")],
)
def test_empty_files_are_rejected(tmp_path: Path, name: str, content: bytes) -> None:
    roster = tmp_path / "roster"
    shutil.copytree(FIXTURE, roster)
    (roster / name).write_bytes(content)
    reports = {Path(r.source).name: r for _, _, r in load_rosters([roster])}
    rejected = reports[name].rejected
    assert len(rejected) == 1 and "the file is empty" in rejected[0].reason
    assert reports[name].read == 0
