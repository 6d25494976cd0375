"""Distributed analysis: the same results as one process, computed on a Dask cluster.

Files: conversations are read here, cut into partitions in input order, analysed on the
workers and written here in the input's order (:func:`cluster_runner` plugs into
:func:`~servicecoach.services.analysis.analyze_plan`, so problems, ``--skip-invalid`` and
the output file behave exactly as without a cluster). When every input is a Parquet
conversation table, :func:`cluster_analysis` has the workers read the rows themselves
from a file system they share with this process, which reads only the files' footers.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Connection, select

from servicecoach.errors import ConfigError, InvalidFileError, NotFoundError, Problem
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.ingest.parquet import ParquetImporter
from servicecoach.ingest.parquet.arrow import require_pyarrow
from servicecoach.model.conversation import Channel, Conversation
from servicecoach.services.analysis import RenderedResult, Runner
from servicecoach.services.cluster import Task, run_partitions
from servicecoach.services.cluster_task import (
    Partition,
    PipelineSettings,
    SliceOutcome,
    analyze_parquet_part,
    analyze_partition,
)
from servicecoach.services.cluster_writes import WriteTarget, analyze_and_write, close_stores
from servicecoach.services.partitions import (
    PARTITION_SIZE,
    ParquetPlan,
    file_partitions,
    plan_parquet,
    plan_store,
)
from servicecoach.services.plan import ImportPlan
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.database import Store
from servicecoach.store.reader import StoredConversation
from servicecoach.store.schema import analysis_results, analysis_runs

if TYPE_CHECKING:
    from distributed import Client

    from servicecoach.analysis.result import ConversationResult

__all__ = ["analyze_store_on_cluster", "cluster_analysis", "cluster_runner"]


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


@dataclass(frozen=True, slots=True)
class _Analysed(Conversation):
    """A row a worker read and analysed, standing in for its conversation.

    ``analyze_plan`` reads its plan through the plan's importers and hands the
    conversations to its runner; a row read on a worker travels that road as this
    placeholder (nothing to store, nothing to check), carrying its result to the runner.
    """

    result: RenderedResult | None = None


class _Outcomes:
    """The workers' outcomes in input order, handed out file by file."""

    def __init__(self, plan: ParquetPlan, outcomes: Iterator[SliceOutcome]) -> None:
        self._plan = plan
        self._outcomes = outcomes
        self._head: SliceOutcome | None = None

    def _take(self, file: int) -> SliceOutcome | None:
        if self._head is None:
            self._head = next(self._outcomes, None)
        if self._head is None or self._head.file != file:
            return None
        taken, self._head = self._head, None
        return taken

    def items(self, file: int, source: Source) -> Iterator[Item]:
        """File ``file``'s problems and analysed rows, as the importer would yield them."""
        if file in self._plan.invalid:
            raise InvalidFileError(self._plan.invalid[file])
        total, done, ended = max(1, self._plan.rows[file]), 0, False
        while (outcome := self._take(file)) is not None:
            if outcome.failure is not None:
                raise ConfigError(
                    f"--cluster: {outcome.failure}. The workers read Parquet inputs "
                    "themselves, so each must see them at the path this machine does: put "
                    "them on a shared file system mounted at the same place (docs/scale.md), "
                    "or analyse without --cluster"
                )
            if ended:  # an unreadable batch ended the file: one process reads no further
                continue
            for item in outcome.items:
                if isinstance(item, Problem):
                    yield item
                else:
                    yield _Analysed("", Channel.OTHER, (), result=item)
            done += len(outcome.items)
            source.advance(done / total)
            ended = outcome.ended


class _WorkerRead(Importer):
    """The ``parquet`` importer of a plan whose rows the workers read: it replays them."""

    name: ClassVar[str] = ParquetImporter.name
    title: ClassVar[str] = ParquetImporter.title
    extensions: ClassVar[tuple[str, ...]] = ParquetImporter.extensions

    def __init__(self, paths: Sequence[Path], outcomes: _Outcomes) -> None:
        self._paths = list(paths)
        self._outcomes = outcomes
        self._next = 0

    def detect(self, path: Path, head: bytes) -> int:
        return 0  # never chosen: it is put in a plan, not detected

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        for source in sources:  # read_plan reads the files one by one, in the plan's order
            file, self._next = self._next, self._next + 1
            if self._paths[file] != source.path:
                raise RuntimeError(f"{source.path}: read out of the plan's order")
            yield from self._outcomes.items(file, source)


def _replay(conversations: Iterable[Conversation]) -> Iterator[RenderedResult]:
    """The runner of a plan the workers read: each placeholder's result, in order."""
    for conversation in conversations:
        if not isinstance(conversation, _Analysed) or conversation.result is None:
            raise TypeError(f"conversation {conversation.id!r} was not read on a worker")
        yield conversation.result


def _parquet_inputs(plan: ImportPlan) -> list[Path] | None:
    """Every file of ``plan`` when all are read as Parquet (and pyarrow is here), else None."""
    if not plan.groups or not all(type(i) is ParquetImporter for i, _ in plan.groups):
        return None  # a plugin's own Parquet reader is read here, as it reads
    try:
        require_pyarrow()
    except ConfigError:  # the importer reports each file, as without a cluster
        return None
    return [path for _, paths in plan.groups for path in paths]


def cluster_analysis(
    client: Client, settings: PipelineSettings, plan: ImportPlan, *, size: int = PARTITION_SIZE
) -> tuple[ImportPlan, Runner]:
    """The plan and runner for ``analyze_plan`` on the cluster: the same output as one process.

    When every input is a Parquet conversation table, this process reads only the
    files' footers and sends row ranges (:func:`~.partitions.plan_parquet`); the workers
    read the rows from the same paths (a shared file system), analyse them and return
    each row's problem or result, which the returned plan replays in input order, so
    problems and ``--skip-invalid`` behave as without a cluster. Any other input is read
    here and sent (:func:`cluster_runner`).

    Args:
        client: the cluster.
        settings: the pipeline the workers build.
        plan: the files to analyse.
        size: rows (or conversations) per task.
    """
    paths = _parquet_inputs(plan)
    if paths is None:
        return plan, cluster_runner(client, settings, size=size)
    footers = plan_parquet(paths, size)

    def outcomes() -> Iterator[SliceOutcome]:
        parts = run_partitions(
            client, footers.parts, settings, ordered=True, task=analyze_parquet_part
        )
        for _, analysed in parts:
            yield from analysed

    importer = _WorkerRead(paths, _Outcomes(footers, outcomes()))
    return ImportPlan(((importer, tuple(paths)),), plan.undetected), _replay


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
