"""One error family: every exception class govkg defines derives from GovkgError, and the
command line prints one it did not expect as one line and a hint, never a traceback."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner

from govkg.graph.cli import app
from govkg.graph.validate import ShapeError, compile_shapes
from govkg.ontology import shapes_text
from govkg.ontology.errors import BuildError, GovkgError, InputError
from tests.test_layers import MODULES


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name:
                found[f"{name}.{cls.__qualname__}"] = cls
    return found


def test_every_exception_class_is_a_govkg_error() -> None:
    classes = _exception_classes()
    assert len(classes) >= 10
    outside = sorted(n for n, c in classes.items() if not issubclass(c, GovkgError))
    assert outside == [], outside
    assert "govkg.graph.validate.compiler.ShapeError" in classes


def test_errors_say_where() -> None:
    err = InputError("a row without an id", file="units.csv", row=7)
    assert (err.file, err.row, err.offset) == ("units.csv", 7, None)
    assert err.where() == "units.csv, row 7"
    assert str(BuildError("no corpus")) == "no corpus" and BuildError("x").where() == ""


def test_the_command_line_prints_an_unexpected_govkg_error_as_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> dict[str, int]:
        raise InputError("units.csv, row 7: a row without an id", file="units.csv", row=7)

    monkeypatch.setattr("govkg.graph.commands.export.export", broken)
    result = CliRunner().invoke(app, ["export", "--out", "nowhere", "x.nq"])
    assert result.exit_code == 1
    assert "error: units.csv, row 7: a row without an id" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, InputError)


def test_a_shape_the_compiler_cannot_check_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shape with a SHACL feature the compiler does not know is an error in an input (the
    shapes): ``govkg validate`` names the shape's feature in one line and exits 1."""
    extra = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix gk: <https://w3id.org/govkg/ontology#> .
        <urn:x:Shape> a sh:NodeShape ; sh:targetClass gk:Step ;
            sh:xone ( [ sh:path gk:rank ; sh:minCount 1 ] [ sh:path gk:end ; sh:minCount 1 ] ) .
    """
    shapes = rdflib.Graph().parse(data=shapes_text() + extra, format="turtle")
    with pytest.raises(ShapeError, match="sh:xone") as raised:
        compile_shapes(shapes=shapes)
    assert isinstance(raised.value, InputError)

    for module in ("compiler", "sparql_engine"):
        monkeypatch.setattr(f"govkg.graph.validate.{module}.shapes_graph", lambda: shapes)
    out = tmp_path / "out"
    out.mkdir()
    (out / "govkg.ttl").write_text("", encoding="utf-8")
    ox.Store(str(out / "store")).flush()
    result = CliRunner().invoke(app, ["validate", "--out", str(out), "--corpus", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and "sh:xone" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ShapeError)
