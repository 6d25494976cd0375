"""Analysis on a Dask cluster gives the single-process results, exactly, whatever happens."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import ConfigError
from servicecoach.rubric import Rubric, load_rubric
from servicecoach.services.analysis import analyze_store
from servicecoach.services.cluster import Task, open_cluster, run_partitions
from servicecoach.services.cluster_task import PipelineSettings, analyze_partition
from servicecoach.services.cluster_writes import WriteTarget, analyze_and_write, close_stores
from servicecoach.services.distributed import analyze_store_on_cluster
from servicecoach.services.partitions import plan_store
from servicecoach.store.analyses import latest_run, start_run
from servicecoach.store.database import Store
from servicecoach.store.schema import analysis_results, analysis_runs
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES
from tests.scale import tasks

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def threads() -> Iterator[Any]:
    """Two workers in threads of this process: starts in a fraction of a second."""
    with open_cluster("local:2", processes=False) as client:
        yield client


@pytest.fixture
def filled(db_url: str, capsys: pytest.CaptureFixture[str]) -> Iterator[Store]:
    """A store holding every bundled sample (customers seen on several channels)."""
    assert run_cli(capsys, "import", str(SAMPLES), "--db", db_url, "-q").code == 0
    with Store.open(db_url) as store:
        yield store


def _results(store: Store, run: int) -> dict[int, dict[str, Any]]:
    with store.connect() as connection:
        rows = connection.execute(
            select(analysis_results.c.conversation_id, analysis_results.c.result).where(
                analysis_results.c.run_id == run
            )
        )
        return dict(rows.all())


def _on_cluster(
    store: Store, client: Any, team: Rubric, fast: bool, task: Task = analyze_partition, **kw: Any
) -> tuple[int, int]:
    pipeline = Pipeline.from_rubric(team, fast=True)
    config = {name: cfg for name, cfg in pipeline.config.items() if cfg}
    settings = PipelineSettings.of(team, fast)
    return analyze_store_on_cluster(
        store, client, settings, pipeline.versions, config, size=4, task=task, **kw
    )


@pytest.mark.parametrize(
    ("fast", "workers_write"),
    [(True, False), (True, True), pytest.param(False, None, marks=pytest.mark.slow)],
)
def test_cluster_store_results_equal_single_process(
    filled: Store, threads: Any, fast: bool, workers_write: bool | None
) -> None:
    team = load_rubric(None)
    single, count = analyze_store(filled, Pipeline.from_rubric(team, fast=fast))
    run, clustered = _on_cluster(filled, threads, team, fast, workers_write=workers_write)
    assert clustered == count == 35
    expected = _results(filled, single)
    assert any(r["skills"]["continuity"]["applicable"] for r in expected.values())  # history
    assert _results(filled, run) == expected
    with filled.connect() as connection:
        finished = connection.execute(
            select(analysis_runs.c.conversations).where(
                analysis_runs.c.id == run, analysis_runs.c.finished_at.is_not(None)
            )
        ).scalar_one()
    assert finished == 35


def test_cluster_duplicate_results_are_written_once(filled: Store, threads: Any) -> None:
    team = load_rubric(None)
    single, _ = analyze_store(filled, Pipeline.from_rubric(team, fast=True))
    run, count = _on_cluster(filled, threads, team, True, tasks.twice)
    assert count == 35
    assert _results(filled, run) == _results(filled, single)


def test_cluster_resume_completes_a_stopped_run(filled: Store, threads: Any) -> None:
    team = load_rubric(None)
    single, _ = analyze_store(filled, Pipeline.from_rubric(team, fast=True))
    with pytest.raises(RuntimeError, match="stopped on purpose"):
        _on_cluster(filled, threads, team, True, tasks.failing_after)
    with filled.connect() as connection:
        stopped = connection.execute(select(func.max(analysis_runs.c.id))).scalar_one()
    partial = _results(filled, stopped)
    assert 0 < len(partial) < 35
    with filled.connect() as connection:  # reports (and the web app) read finished runs only
        assert latest_run(connection).id == single
    run, count = _on_cluster(filled, threads, team, True, resume=stopped)
    assert (run, count) == (stopped, 35)
    assert _results(filled, run) == _results(filled, single)
    with pytest.raises(ConfigError, match="is finished"):
        _on_cluster(filled, threads, team, True, resume=stopped)


def test_cluster_killed_worker_does_not_fail_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    assert run_cli(capsys, "import", str(SAMPLES), "--db", db, "-q").code == 0
    team = load_rubric(None)
    killed: list[int] = []
    with Store.open(db) as store, open_cluster("local:2") as client:
        single, _ = analyze_store(store, Pipeline.from_rubric(team, fast=True))

        def kill_one(done: int, total: int, _count: int) -> None:
            if done and not killed:
                pid = next(iter(client.run(os.getpid).values()))
                os.kill(pid, signal.SIGKILL)
                killed.append(done)

        run, count = _on_cluster(store, client, team, True, tasks.slow, progress=kill_one)
        assert killed and killed[0] < 35  # killed while tasks were still running
        assert count == 35
        assert _results(store, run) == _results(store, single)
        built = client.run(tasks.pipelines_built)
        assert set(built.values()) <= {0, 1} and sum(built.values()) >= 1  # once per worker


def test_cluster_cli_files_same_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    alone, spread = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    assert run_cli(capsys, "analyze", str(SAMPLES), "--fast", "-o", str(alone)).code == 0
    result = run_cli(
        capsys, "analyze", str(SAMPLES), "--fast", "-o", str(spread), "--cluster", "local:2"
    )
    assert result.code == 0, result.err
    assert "Dask cluster local:2: 2 workers" in result.err
    assert spread.read_bytes() == alone.read_bytes()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--cluster", "local:zero"], "use local:N"),
        (["--cluster", "http://x"], "scheduler address"),
        (["--resume", "3"], "--resume RUN completes a cluster run"),
    ],
)
def test_cluster_cli_bad_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], needle: str
) -> None:
    db = f"sqlite:///{tmp_path / 'e.db'}"
    assert run_cli(capsys, "import", str(SAMPLES / "native"), "--db", db, "-q").code == 0
    result = run_cli(capsys, "analyze", "--db", db, "--fast", *args)
    assert result.code == 2 and needle in result.err


def test_cluster_cli_store_run_written_out_the_same(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    assert run_cli(capsys, "import", str(SAMPLES), "--db", db, "-q").code == 0
    alone, spread = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    first = run_cli(capsys, "analyze", "--db", db, "--fast", "-o", str(alone))
    assert first.code == 0 and "results written to" in first.err
    args = ["analyze", "--db", db, "--fast", "-o", str(spread), "--cluster", "local:2", "--json"]
    second = run_cli(capsys, *args)
    assert second.code == 0, second.err
    assert second.out and json.loads(second.out)["conversations"] == 35
    assert spread.read_bytes() == alone.read_bytes()
    assert len(alone.read_text(encoding="utf-8").splitlines()) == 35


def test_cluster_worker_writes_are_idempotent(filled: Store) -> None:
    """A task run again (its worker died after committing) writes nothing twice."""
    team = load_rubric(None)
    pipeline = Pipeline.from_rubric(team, fast=True)
    with filled.begin() as connection:
        run = start_run(connection, pipeline.versions, {})
    with filled.connect() as connection:
        plan = plan_store(connection, size=8)
        partition, _ = next(plan.partitions(connection))
    target = WriteTarget(filled.engine.url.render_as_string(hide_password=False), run)
    settings = PipelineSettings.of(team, True)
    try:
        first = analyze_and_write(partition, settings, target)
        again = analyze_and_write(partition, settings, target, tasks.twice)
    finally:
        close_stores()
    assert first == again == sorted(i.key for i in partition.items)
    assert sorted(_results(filled, run)) == first
    assert "password" not in repr(target) and "sqlite" not in repr(target)


def test_a_failed_run_lets_the_tasks_it_sent_settle(threads: Any) -> None:
    """A task's failure ends the run only once the tasks already sent have finished, so
    the caller's clean-up (closing the workers' store connections) never races a task
    that is still writing."""
    tasks.SETTLED.clear()
    settings = PipelineSettings.of(load_rubric(None), True)
    items = [tasks.Numbered(0), tasks.Numbered(1)]
    with pytest.raises(RuntimeError, match="stopped on purpose"):
        list(run_partitions(threads, items, settings, ordered=False, task=tasks.slow_or_failing))
    assert tasks.SETTLED == [0]
