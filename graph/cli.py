"""The ``govkg`` command line: build, validate and query the knowledge graph.

All command-line code lives in this layer, above the library: this module and
:mod:`govkg.graph.commands`, whose modules add their commands through a ``register(app)``
function listed in :data:`COMMAND_MODULES`, so this file stays small. What the commands
share (consoles, :func:`fail`, options, the progress line) is in
:mod:`govkg.graph.commands.common` and re-exported here.
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from govkg.graph.commands.common import (
    FormatOpt,
    OutOpt,
    StepProgress,
    check_format,
    default_hint,
    err,
    fail,
    out,
    read_query_arg,
    step_times,
    work_progress,
)
from govkg.ontology.errors import GovkgError

app = typer.Typer(
    help="govkg: a knowledge graph of party-building-led grassroots governance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Modules whose ``register(app)`` adds more commands (query layer, mirror, views, rosters…).
COMMAND_MODULES: tuple[str, ...] = (
    "govkg.graph.commands.docs",
    "govkg.graph.commands.roster",
    "govkg.graph.commands.mirror",
    "govkg.graph.commands.cq",
    "govkg.graph.commands.serve",
    "govkg.graph.commands.export",
)


@app.command()
def build(
    corpus: Annotated[
        Path | None,
        typer.Option(help="corpus folder (default: $GOVKG_CORPUS, else ../shared/corpus)"),
    ] = None,
    roster: Annotated[
        list[Path] | None, typer.Option(help="roster file or folder; repeatable")
    ] = None,
    out_dir: OutOpt = Path("out"),
    allow_rejects: Annotated[
        bool, typer.Option(help="write the output even when input items were rejected")
    ] = False,
    validate: Annotated[bool, typer.Option(help="run SHACL validation")] = True,
    timings: Annotated[
        bool, typer.Option(help="print the seconds each step of the build took")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            help="exit 1 when a report was only partly understood (warnings in report.json)"
        ),
    ] = False,
) -> None:
    """Run every loader, validate, and write the output folder."""
    from govkg.graph.build import BuildError, BuildOptions
    from govkg.graph.build import build as run_build
    from govkg.loaders.corpus import default_corpus_dir

    corpus_dir = corpus if corpus is not None else default_corpus_dir()
    options = BuildOptions(corpus_dir, out_dir, list(roster or []), allow_rejects, validate)
    started = time.perf_counter()
    steps: list[tuple[str, float]] = [("reading the corpus", started)]

    def progress(msg: str) -> None:
        steps.append((msg, time.perf_counter()))
        step(msg)

    try:
        with work_progress("building") as step:
            step(steps[0][0])
            result = run_build(options, progress=progress)
    except BuildError as exc:
        raise fail(str(exc)) from None
    report = result.report
    elapsed = time.perf_counter() - started
    out.print(f"[bold]govkg build[/] {report['triples']} triples in {len(report['graphs'])} graphs")
    for cls, n in report["entities"].items():
        out.print(f"  {cls:<28} {n}")
    out.print(f"  conflicts found: {len(report['conflicts'])}")
    for rej in result.rejections:
        err.print(f"  rejected: {rej}", highlight=False, soft_wrap=True)
    if not result.written:
        raise fail(
            f"{len(result.rejections)} input item(s) rejected (files: "
            + ", ".join(sorted({r.source for r in result.rejections}))
            + "); nothing written. Fix them or pass --allow-rejects."
        )
    validation = report.get("validation", {})
    if validation.get("skipped"):
        out.print("  validation: skipped")
    else:
        out.print(
            f"  validation: {'conforms' if validation.get('conforms') else 'VIOLATIONS'}"
            f" ({len(validation.get('violations', []))} finding(s))"
        )
    out.print(f"  wrote {result.out_dir} in {elapsed:.1f} s")
    if timings:
        for name, seconds in step_times(steps, started + elapsed):
            out.print(f"  {seconds:8.1f} s  {name}")
    warnings = report.get("warnings", [])
    if warnings:
        total: dict[str, int] = {}
        for w in warnings:
            total[w["what"]] = total.get(w["what"], 0) + w["count"]
        for what, n in total.items():
            out.print(f"  warning: {n} {what}; listed in report.json")
    if not result.ok:
        raise fail("the built graph does not conform; see `govkg validate`")
    if strict and warnings:
        raise fail(f"--strict: {len(warnings)} warning(s); see 'warnings' in report.json")


@app.command()
def validate(
    out_dir: OutOpt = Path("out"),
    corpus: Annotated[Path | None, typer.Option(help="corpus folder for span checks")] = None,
) -> None:
    """SHACL validation of a built graph plus the checks SHACL cannot express."""
    from govkg.graph.validate import validate_output
    from govkg.loaders.corpus import default_corpus_dir

    if not (out_dir / "govkg.ttl").is_file():
        raise fail(f"no build at {out_dir}", hint=f"run `govkg build --out {out_dir}` first")
    result = validate_output(out_dir, corpus if corpus is not None else default_corpus_dir())
    text = result.render()
    if result.conforms:
        out.print(text, highlight=False)
        return
    err.print(text, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


LangOpt = Annotated[
    str,
    typer.Option(
        "--lang",
        help="language of labels where the graph states several (zh, en, or all)",
        show_default=True,
    ),
]


def check_lang(lang: str) -> str | None:
    if lang not in ("zh", "en", "all"):
        raise fail(f"unknown language {lang!r}", 2, "use --lang zh, en or all")
    return None if lang == "all" else lang


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="a SPARQL query, or a file holding one")],
    out_dir: OutOpt = Path("out"),
    fmt: FormatOpt = "table",
    lang: LangOpt = "zh",
    keep_duplicates: Annotated[
        bool,
        typer.Option(
            "--keep-duplicates",
            help="one row per named graph that states a fact (no DISTINCT added)",
        ),
    ] = False,
) -> None:
    """SPARQL over the embedded store (default graph = union of all sources). Each answer
    is printed once (DISTINCT is added to a SELECT), labels in --lang."""
    from govkg.graph.output import render
    from govkg.graph.sparql import QueryError, QuerySyntaxError, open_store, run_query

    check_format(fmt)
    language = check_lang(lang)
    text = read_query_arg(query)
    try:
        store = open_store(out_dir)
    except QueryError as exc:
        raise fail(str(exc), hint="--out names the folder of another build") from None
    try:
        columns, rows = run_query(store, text, distinct=not keep_duplicates, lang=language)
    except QuerySyntaxError as exc:
        raise fail(str(exc), hint=exc.hint, detail=exc.excerpt()) from None
    except QueryError as exc:
        raise fail(
            str(exc), hint="docs/querying.md lists the prefixes, the limits and what to write"
        ) from None
    typer.echo(render(columns, rows, fmt))


@app.command("eval")
def eval_(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold", help="gold annotation (corpus-gold.json or corpus-extra/gold.json format)"
        ),
    ],
    out_dir: OutOpt = Path("out"),
    fmt: FormatOpt = "table",
) -> None:
    """Precision and recall of the built graph against a gold annotation: statistics (area
    accuracy overall and per document), ordered structures per kind and per document (strict
    and overlap precision, unmatched ones listed as junk or near) and linked conflicts."""
    import json

    from govkg.graph.evaluate import evaluate, print_report
    from govkg.graph.sparql import QueryError

    if not gold.is_file():
        raise fail(f"gold file not found: {gold}")
    try:
        result = evaluate(out_dir, gold)
    except QueryError as exc:
        raise fail(str(exc)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise fail(f"{gold}: not a gold annotation file ({exc})") from None
    if fmt == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print_report(result, out)


__all__ = [
    "COMMAND_MODULES",
    "FormatOpt",
    "OutOpt",
    "StepProgress",
    "app",
    "check_format",
    "default_hint",
    "err",
    "fail",
    "main",
    "out",
    "read_query_arg",
    "step_times",
    "work_progress",
]

#: Commands whose work reports no steps of its own: a progress line (spinner and time)
#: runs while they work, and their time is printed when it is a second or more.
TIMED_COMMANDS = {"synth": "writing the synthetic roster"}


def _with_progress(fn: Callable[..., Any], what: str) -> Callable[..., Any]:
    @functools.wraps(fn)  # the same signature, so the same options
    def run(*args: Any, **kwargs: Any) -> Any:
        with work_progress(what) as step:
            step("")
            return fn(*args, **kwargs)

    return run


def _one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A command whose :class:`GovkgError` (one it does not turn into a message itself) is
    printed as one line and a hint, exit status 1, instead of a traceback."""

    @functools.wraps(fn)  # the same signature, so the same options
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GovkgError as exc:
            raise fail(str(exc)) from None

    return run


def _commands(typer_app: typer.Typer) -> Iterator[Any]:
    """Every command of ``typer_app``, those of its groups (``cq``, ``serve``) included."""
    yield from typer_app.registered_commands
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            yield from _commands(group.typer_instance)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    for command in _commands(app):
        if command.callback is None:
            continue
        command.callback = _one_line_errors(command.callback)
        what = TIMED_COMMANDS.get(command.name or "")
        if what:
            command.callback = _with_progress(command.callback, what)


_register_all()


def main() -> None:  # pragma: no cover - thin entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
