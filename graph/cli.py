"""The ``govkg`` command line: build, validate and query the knowledge graph.

Feature modules add their own commands through a ``register(app)`` function listed in
:data:`COMMAND_MODULES`, so this file stays small.
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

app = typer.Typer(
    help="govkg: a knowledge graph of party-building-led grassroots governance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

#: Modules whose ``register(app)`` adds more commands (query layer, mirror, views, rosters…).
COMMAND_MODULES: tuple[str, ...] = (
    "govkg.graph.docs",
    "govkg.loaders.roster_cli",
    "govkg.graph.mirror",
    "govkg.graph.cq",
    "govkg.graph.serve",
    "govkg.graph.export",
)

OutOpt = Annotated[Path, typer.Option("--out", help="output folder of the build")]
FormatOpt = Annotated[str, typer.Option("--format", help="table, json or csv")]


def fail(message: str, code: int = 1, hint: str | None = None, detail: str = "") -> typer.Exit:
    """Print an error as one line and a hint (``detail``, such as a query excerpt with a
    caret, between them) and return the exit to raise: 1 the input or graph is invalid, 2 a
    usage error."""
    err.print(f"[bold red]error:[/] {' '.join(message.split())}", highlight=False, soft_wrap=True)
    if detail:
        err.print(detail, highlight=False, soft_wrap=True, markup=False)
    err.print(f"[dim]hint:[/] {hint or default_hint(code)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def default_hint(code: int) -> str:
    import click

    ctx = click.get_current_context(silent=True)
    command = ctx.command_path if ctx is not None else "govkg"
    if code == 2:
        return f"`{command} --help` lists the options (exit status 2: a usage error)"
    return f"`{command} --help` describes the command (exit status 1: the input or graph is invalid)"


def check_format(fmt: str) -> None:
    if fmt not in ("table", "json", "csv"):
        raise fail(f"unknown format {fmt!r}", 2, "use --format table, json or csv")


def read_query_arg(arg: str) -> str:
    """A query given inline, or the path of a file holding it."""
    path = Path(arg)
    try:
        if len(arg) < 4096 and "\n" not in arg and path.suffix and path.is_file():
            return path.read_text(encoding="utf-8")
    except OSError:  # an inline query too long to be a file name
        return arg
    return arg


#: A step of long work: its name, and how much of how much of it is done where known.
StepProgress = Callable[..., None]


@contextmanager
def work_progress(what: str, console: Console | None = None) -> Iterator[StepProgress]:
    """A rich progress line on stderr while long work runs: spinner, current step, a bar
    and ``done/total`` where the step's size is known, and the time taken. A step that
    took a second or more is kept above it as a line with its seconds once the next one
    begins (on a console that is not a terminal, only those lines are printed).

    Call the yielded function as ``step(name)`` or ``step(name, done, total)``."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        console=console or err,
        transient=True,
    )
    task = bar.add_task(what, total=None, count="")
    current: list[tuple[str, float]] = []

    def finish(now: float) -> None:
        if current and now - current[0][1] >= 1.0:
            name, since = current[0]
            label = f"{what}: {name}" if name else what
            bar.console.print(f"  {now - since:6.1f} s  {label}", highlight=False)

    def step(name: str, done: int | None = None, total: int | None = None) -> None:
        now = time.perf_counter()
        if not current or current[0][0] != name:
            finish(now)
            current[:] = [(name, now)]
            bar.reset(task, description=f"{what}: {name}" if name else what)
        count = f"{done}/{total}" if done is not None and total else ""
        bar.update(task, total=total or None, completed=done or 0, count=count)

    with bar:
        yield step
        finish(time.perf_counter())


def step_times(steps: list[tuple[str, float]], end: float) -> list[tuple[str, float]]:
    """Seconds per build step from progress messages and their times; consecutive messages
    of one kind (``document 000``, ``document 001``…) are summed under that kind."""
    out: list[tuple[str, float]] = []
    for i, (msg, at) in enumerate(steps):
        until = steps[i + 1][1] if i + 1 < len(steps) else end
        kind = msg.split(" ", 1)[0] if msg.startswith(("document ", "roster ")) else msg
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + until - at)
        else:
            out.append((kind, until - at))
    return out


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


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    for command in app.registered_commands:
        what = TIMED_COMMANDS.get(command.name or "")
        if what and command.callback is not None:
            command.callback = _with_progress(command.callback, what)


_register_all()


def main() -> None:  # pragma: no cover - thin entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
