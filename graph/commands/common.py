"""What every command of the ``govkg`` command line shares: the consoles, the one-line
error with its hint (:func:`fail`), the common options and the progress line of long work.

Library modules below this layer never print or exit; they raise
:class:`govkg.ontology.errors.GovkgError` subclasses, which the commands turn into messages
here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True)
out = Console()

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
    return (
        f"`{command} --help` describes the command (exit status 1: the input or graph is invalid)"
    )


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


UriOpt = Annotated[
    str | None,
    typer.Option("--uri", help="Bolt URI of Neo4j (default $NEO4J_URI; else the local server)"),
]
UserOpt = Annotated[str | None, typer.Option("--user", help="user (default $NEO4J_USER)")]
PasswordOpt = Annotated[
    str | None, typer.Option("--password", help="password (default $NEO4J_PASSWORD)")
]
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Neo4j database (default: the server's)")
]
DialectOpt = Annotated[
    str, typer.Option("--dialect", help="auto, neo4j or falkordb-bolt (for a Bolt URI)")
]
