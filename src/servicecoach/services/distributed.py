"""Distributed analysis: the same results as one process, computed on a Dask cluster.

Files: conversations are read here, cut into partitions in input order, analysed on the
workers and written here in the input's order (:func:`cluster_runner` plugs into
:func:`~servicecoach.services.analysis.analyze_plan`, so problems, ``--skip-invalid`` and
the output file behave exactly as without a cluster).

The store: each customer's conversations travel together (:mod:`.partitions`). With
SQLite the workers return results and this process writes them; with PostgreSQL the
workers write them (:mod:`.cluster_writes`); either way one transaction per partition,
in a run that is marked finished only at the end (reports read finished runs only). The run id
and the conversation's key identify a result: a result already written is never written
again, whether a task was retried or the run is resumed (``--resume RUN``) after the
client stopped. A worker that dies mid-task costs that task, which Dask runs again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.model.conversation import Conversation
from servicecoach.services.cluster import Task, run_partitions
from servicecoach.services.cluster_task import Partition, PipelineSettings, analyze_partition
from servicecoach.services.cluster_writes import WriteTarget, analyze_and_write, close_stores
from servicecoach.services.partitions import PARTITION_SIZE, file_partitions, plan_store
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.database import Store
from servicecoach.store.reader import StoredConversation
from servicecoach.store.schema import analysis_results, analysis_runs

if TYPE_CHECKING:
    from distributed import Client

    from servicecoach.analysis.result import ConversationResult

__all__ = ["analyze_store_on_cluster", "cluster_runner"]


def cluster_runner(
    client: Client,
    settings: PipelineSettings,
    *,
    size: int = PARTITION_SIZE,
    task: Task = analyze_partition,
) -> Callable[[Iterable[Conversation]], Iterator[ConversationResult]]:
    """A runner for ``analyze_plan``: results in input order, computed on the cluster."""

    def run(conversations: Iterable[Conversation]) -> Iterator[ConversationResult]:
        partitions = file_partitions(conversations, size)
        for _, results in run_partitions(client, partitions, settings, ordered=True, task=task):
            for _, result in results:
                yield result

    return run


def _resumable(
    connection: Connection, run: int, versions: Mapping[str, str], config: Mapping[str, Any]
) -> set[int]:
    """The conversations run ``run`` has results for, after checking it can be resumed."""
    row = connection.execute(select(analysis_runs).where(analysis_runs.c.id == run)).first()
    if row is None:
        raise NotFoundError(f"--resume {run}: there is no run {run}")
    if row.finished_at is not None:
        raise ConfigError(f"--resume {run}: run {run} is finished; analyse without --resume")
    if dict(row.analyzers) != dict(versions) or dict(row.config or {}) != dict(config):
        raise ConfigError(
            f"--resume {run}: run {run} used other analysers or settings; "
            "resume it with the same --rubric, or analyse without --resume"
        )
    done = select(analysis_results.c.conversation_id).where(analysis_results.c.run_id == run)
    return set(connection.execute(done).scalars())


@dataclass(slots=True)
class _Progress:
    """The conversations the run holds results for, and who wants to know."""

    done: set[int]
    total: int
    callback: Callable[[int, int, int], None] | None

    def add(self, keys: Iterable[int]) -> None:
        self.done.update(keys)
        if self.callback is not None:
            self.callback(len(self.done), self.total, len(self.done))


Loaded = Iterator[tuple[Partition, dict[int, StoredConversation]]]


def _client_writes(
    store: Store,
    client: Client,
    settings: PipelineSettings,
    run: int,
    partitions: Loaded,
    task: Task,
    report: _Progress,
) -> None:
    """Workers return results; this process writes them, one transaction per partition."""
    held: dict[int, StoredConversation] = {}

    def submitted() -> Iterator[Partition]:
        for partition, stored in partitions:
            held.update(stored)
            yield partition

    for _, results in run_partitions(client, submitted(), settings, ordered=False, task=task):
        fresh: dict[int, ConversationResult] = {}
        for pk, result in results:
            if pk not in report.done:
                fresh.setdefault(pk, result)
        with store.begin() as writing:
            save_results(writing, run, list(fresh.items()), {pk: held[pk] for pk in fresh})
        for pk, _ in results:
            held.pop(pk, None)
        report.add(pk for pk, _ in results)


def _workers_write(
    store: Store,
    client: Client,
    settings: PipelineSettings,
    run: int,
    partitions: Loaded,
    task: Task,
    report: _Progress,
) -> None:
    """Workers analyse and write (:mod:`.cluster_writes`); this process counts."""
    target = WriteTarget(store.engine.url.render_as_string(hide_password=False), run)
    job = functools.partial(analyze_and_write, target=target, analyse=task)
    submitted = (partition for partition, _ in partitions)
    try:
        for _, written in run_partitions(client, submitted, settings, ordered=False, task=job):
            report.add(written)
    finally:
        client.run(close_stores)  # the workers' connections are not needed any more


def analyze_store_on_cluster(
    store: Store,
    client: Client,
    settings: PipelineSettings,
    versions: Mapping[str, str],
    config: Mapping[str, Any],
    *,
    resume: int | None = None,
    size: int = PARTITION_SIZE,
    progress: Callable[[int, int, int], None] | None = None,
    task: Task = analyze_partition,
    workers_write: bool | None = None,
) -> tuple[int, int]:
    """Analyse every stored conversation on the cluster, as a new run or a resumed one.

    Args:
        store: the store.
        client: the cluster.
        settings: the pipeline the workers build.
        versions: the pipeline's analyser versions (recorded with the run).
        config: the analysers' configuration (recorded with the run).
        resume: an unfinished run to complete instead of starting a new one.
        size: conversations per partition.
        progress: called with ``(done, total, done)``.
        task: the worker function.
        workers_write: the workers write their results (default: with PostgreSQL;
            :mod:`.cluster_writes`) rather than this process.

    Returns:
        The run id and the number of conversations it holds results for.
    """
    with store.connect() as reading:
        if resume is None:
            with store.begin() as writing:
                run = start_run(writing, versions, dict(config))
            done: set[int] = set()
        else:
            run, done = resume, _resumable(reading, resume, versions, config)
            reading.rollback()
        plan = plan_store(reading, size, skip=done)
        total = plan.total + len(done)
        if progress is not None:
            progress(len(done), total, len(done))
        if workers_write is None:
            workers_write = store.engine.dialect.name == "postgresql"
        partitions = plan.partitions(reading, done)
        report = _Progress(done, total, progress)
        if workers_write:
            _workers_write(store, client, settings, run, partitions, task, report)
        else:
            _client_writes(store, client, settings, run, partitions, task, report)
    with store.begin() as writing:
        finish_run(writing, run, len(done))
    return run, len(done)
