"""Long work shows progress: a rich progress line (spinner, step, bar and count where
known, time) on stderr while ``build``, ``push`` and ``synth`` work, and a line with the
seconds of every step that took a second or more."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from govkg.graph.cli import work_progress

CLI = [sys.executable, "-m", "govkg.graph.cli"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_steps_over_a_second_are_kept_with_their_seconds() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    with work_progress("job", console) as step:
        step("slow step")
        time.sleep(1.05)
        step("counted step", 3, 10)
        time.sleep(0.4)  # the live line is redrawn meanwhile
        step("counted step", 7, 10)
    text = ANSI.sub("", buffer.getvalue()).replace("\r", "\n")
    assert re.search(r"^\s+1\.\d s  job: slow step$", text, re.M), text
    assert "job: counted step" in text and "3/10" in text  # drawn while it ran
    assert not re.search(r"s  job: counted step$", text, re.M)  # under a second: not kept


def test_build_prints_its_slow_steps(corpus_dir: Path, tmp_path: Path) -> None:
    """The first document takes over a second (the language pipeline loads): its line is
    printed, even where stderr is no terminal."""
    run = subprocess.run(
        [*CLI, "build", "--no-validate", "--corpus", str(corpus_dir), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert re.search(r"^\s+\d+\.\d s  building: \S", run.stderr, re.M), run.stderr


def test_synth_shows_a_progress_line(tmp_path: Path) -> None:
    run = subprocess.run(
        [*CLI, "synth", "--scale", "city", "--out", str(tmp_path / "roster")],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", "FORCE_COLOR": "1"},  # stderr drawn as a terminal
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "writing the synthetic roster" in ANSI.sub("", run.stderr)
    assert "rows" in run.stdout
