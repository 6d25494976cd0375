"""``analyze --workers N``: files analysed on N processes give one process's output, byte for byte."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servicecoach.analysis.language import detect_language
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.rubric import load_rubric
from servicecoach.services.analysis import analyze_plan
from servicecoach.services.cluster_task import PipelineSettings
from servicecoach.services.local_pool import LocalPool, WorkerFailed, warm_up_conversations
from servicecoach.services.plan import plan_import
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES


def test_workers_cli_same_output_and_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    alone, spread = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    assert run_cli(capsys, "analyze", str(SAMPLES), "--fast", "-o", str(alone)).code == 0
    result = run_cli(capsys, "analyze", str(SAMPLES), "--fast", "-o", str(spread), "-w", "2")
    assert result.code == 0, result.err
    assert "35 conversations analysed" in result.err
    assert spread.read_bytes() == alone.read_bytes()


@pytest.mark.slow
def test_workers_with_the_models_same_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    alone, spread = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    assert run_cli(capsys, "analyze", str(SAMPLES / "native"), "-o", str(alone)).code == 0
    result = run_cli(capsys, "analyze", str(SAMPLES / "native"), "-o", str(spread), "-w", "2")
    assert result.code == 0, result.err
    assert spread.read_bytes() == alone.read_bytes()


def test_warm_up_reaches_the_language_model() -> None:
    """The warm-up loads what a run would load on its first tasks, the language model too:
    one of its conversations is not plainly English (the model answers, not the shortcut,
    whose confidence is exactly 0 or 1)."""
    guesses = [detect_language(c) for c in warm_up_conversations()]
    assert any(g.confidence not in (0.0, 1.0) for g in guesses)
    assert guesses[0].supported  # and one is English, for the analysers' lexicons


def test_workers_fork_from_a_process_without_the_store() -> None:
    """What the workers fork from imports only what analysing needs: start-up is on every
    command's path, and the store (SQLAlchemy, Alembic) was half of it."""
    code = (
        "import sys, servicecoach.services.local_pool as pool, importlib\n"
        "for name in pool._PRELOAD: importlib.import_module(name)\n"
        "print(sorted({'sqlalchemy', 'alembic', 'typer', 'servicecoach.services.analysis'}"
        " & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_pool_small_partitions_keep_input_order(tmp_path: Path) -> None:
    """Partitions finish in any order; the results are written in the input's."""
    team = load_rubric(None)
    plan = plan_import([SAMPLES], None)
    pipeline = Pipeline.from_rubric(team, fast=True)
    alone, spread = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    analyze_plan(plan, pipeline, alone)
    with LocalPool(PipelineSettings.of(team, True), 2, size=1) as pool:
        pool.start()
        report = analyze_plan(plan, pipeline, spread, runner=pool.run)
    assert report.conversations == 35 and report.failures == 0
    assert spread.read_bytes() == alone.read_bytes()


def test_killed_worker_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    team = load_rubric(None)
    out = tmp_path / "results.jsonl"
    with LocalPool(PipelineSettings.of(team, True), 2) as pool:
        pool.start()
        for pid in pool.worker_pids():
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerFailed, match="a worker process stopped"):
            analyze_plan(
                plan_import([SAMPLES], None),
                Pipeline.from_rubric(team, fast=True),
                out,
                runner=pool.run,
            )
    assert not out.exists()
    assert not list(tmp_path.iterdir())  # the temporary file is gone too


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--db", "{db}", "-w", "2"], "--cluster local:2"),
        (["{samples}", "-w", "2", "--cluster", "local:2"], "give one of them"),
        (["{samples}", "-w", "0"], "--workers"),
    ],
)
def test_workers_bad_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], needle: str
) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    filled = [a.format(db=db, samples=SAMPLES / "native") for a in args]
    result = run_cli(capsys, "analyze", "--fast", *filled)
    assert result.code == 2 and needle in result.err


def test_ctrl_c_stops_the_workers_quietly_and_writes_nothing(tmp_path: Path) -> None:
    """Ctrl-C reaches the command and its workers: exit 130, no worker tracebacks."""
    lines = (SAMPLES / "native" / "northwind.jsonl").read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as handle:
        for copy in range(400):  # long enough to be interrupted mid-run
            for line in lines:
                record = json.loads(line)
                record["id"] = f"{record['id']}-{copy}"
                handle.write(json.dumps(record) + "\n")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "servicecoach", "analyze", str(big), "--fast", "-w", "2"]
    process = subprocess.Popen(
        [*command, "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.jsonl.*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # the results' temporary file: the workers are running
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))
