"""Analysing files on every core of this machine: worker processes, one pipeline each.

The analysers are Python and hold the interpreter's lock, so one process uses one core
for the rules (the sentence model already runs on every core through its own threads).
``analyze --workers N`` cuts the conversations read from files into small partitions in
input order, analyses them in ``N`` worker processes and writes their results here in the
same order, byte for byte what one process writes. Files carry no customer history, so
partitions are independent; the store's runs, which need each customer's history
together, go to ``--cluster local:N`` (:mod:`.distributed`).

Workers send back each result already rendered as its JSON line: turning the result
objects back into Python here would cost this process about a third of what analysing
them costs a worker. The pool starts its workers, builds their pipelines and warms them
(lexicons, caches and the language model) in :meth:`LocalPool.start`, so start-up is
paid (and can be timed) apart from the run. Start-up is on every command's path, so the
process the workers fork from imports only what analysing needs: not the store, the
command line or :mod:`servicecoach.services.analysis` (with SQLAlchemy and Alembic, more
than half of what importing it here used to cost).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING

from servicecoach.errors import ServiceCoachError
from servicecoach.model.conversation import Channel, Conversation, Message, Role
from servicecoach.nlp.embeddings import usable_cores
from servicecoach.services.cluster_task import PipelineSettings, worker_pipeline
from servicecoach.services.collection import settle_worker

if TYPE_CHECKING:  # not at run time: the workers import only what analysing needs
    from servicecoach.services.analysis import RenderedResult

__all__ = ["POOL_PARTITION", "LocalPool", "WorkerFailed", "warm_up_conversations"]

POOL_PARTITION = 32
"""Conversations per task: large enough that sending them costs little beside analysing
them, small enough that the workers finish together and memory stays flat."""

IN_FLIGHT_PER_WORKER = 3
"""Tasks queued per worker, so a worker never waits for this process to read the input."""


_Rendered = tuple[str, int]
"""A result as a worker sends it: its JSON line and its analyser failures."""

_PRELOAD = ("servicecoach.analysis.pipeline", "servicecoach.services.pool_preload")
"""Modules every worker needs, imported once by the process the workers fork from (the
second loads the language model there, once for every worker)."""


class WorkerFailed(ServiceCoachError):
    """A worker process stopped (killed, or out of memory) before finishing its work."""


_WARM_UP = (
    (
        (Role.CUSTOMER, "Hi, my order #1042 still hasn't arrived and I'm really annoyed."),
        (Role.AGENT, "I'm sorry about the wait. I understand how frustrating that is."),
        (Role.AGENT, "I've sent a replacement today; is there anything else I can help with?"),
        (Role.CUSTOMER, "No, that's all. Thanks!"),
    ),
    # Too few common English words to be decided without the language model: the model
    # is loaded at start-up (by the fork server, :mod:`.pool_preload`, or else here), not
    # by each worker in the middle of its first tasks.
    (
        (Role.CUSTOMER, "Bonjour, ma commande numéro 1042 n'est toujours pas arrivée."),
        (Role.AGENT, "Désolée pour l'attente, je vérifie auprès du transporteur."),
    ),
)
"""Conversations of our own that touch every analyser's lexicons, caches and models."""


def warm_up_conversations() -> list[Conversation]:
    """The :data:`_WARM_UP` conversations, timed as a chat."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return [
        Conversation(
            id=f"warm-up-{n}",
            channel=Channel.CHAT,
            messages=tuple(
                Message(id=f"m{i}", role=role, text=text, at=start + timedelta(minutes=3 * i))
                for i, (role, text) in enumerate(turns)
            ),
        )
        for n, turns in enumerate(_WARM_UP)
    ]


def _start_worker(settings: PipelineSettings, model_threads: int) -> None:
    """Build this worker's pipeline, its model on ``model_threads`` threads, and warm it."""
    # Ctrl-C reaches the whole process group: the command stops the pool, and the workers
    # must not each print a traceback of their own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pipeline = worker_pipeline(settings)
    if pipeline.judge is not None:
        pipeline.judge.embedder.workers = model_threads  # the cores are shared out
    for _ in pipeline.run(warm_up_conversations()):
        pass
    if pipeline.judge is not None:
        pipeline.judge.embedder.clear_cache()  # the warm-up is not the input
    settle_worker()


def _ready() -> int:
    return os.getpid()


def _render(conversations: list[Conversation], settings: PipelineSettings) -> list[_Rendered]:
    """The task: analyse a partition, return each result as its JSON line."""
    pipeline = worker_pipeline(settings)
    return [
        (json.dumps(result.to_dict(), ensure_ascii=False), len(result.failures))
        for result in pipeline.run(conversations)
    ]


class LocalPool:
    """``workers`` processes on this machine that analyse conversations read from files.

    Use as a context manager; :meth:`run` is a runner for
    :func:`~servicecoach.services.analysis.analyze_plan`.

    Args:
        settings: the pipeline every worker builds (rubric and mode).
        workers: worker processes (at least 1).
        size: conversations per task.
    """

    def __init__(
        self, settings: PipelineSettings, workers: int, *, size: int = POOL_PARTITION
    ) -> None:
        if workers < 1:
            raise ServiceCoachError(f"--workers must be at least 1 (got {workers})")
        self.settings = settings
        self.workers = workers
        self.size = size
        method = (
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
        context = multiprocessing.get_context(method)
        if method == "forkserver":  # each worker forks from a process that imported us once
            context.set_forkserver_preload([__name__, *_PRELOAD])
        threads = max(1, usable_cores() // workers)
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(settings, threads),
        )

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(cancel=error is not None)

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers (at once, dropping queued work, when ``cancel``)."""
        self._executor.shutdown(wait=not cancel, cancel_futures=cancel)

    def start(self) -> None:
        """Start every worker and wait until each has built and warmed its pipeline."""
        try:
            for future in [self._executor.submit(_ready) for _ in range(self.workers)]:
                future.result()
        except BrokenProcessPool as exc:
            raise WorkerFailed(f"a worker process could not start: {exc}") from exc

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (started by :meth:`start`)."""
        return sorted(self._executor._processes)  # the executor keeps them by pid

    def run(self, conversations: Iterable[Conversation]) -> Iterator[RenderedResult]:
        """The results of ``conversations``, rendered, in their order."""
        from servicecoach.services.analysis import RenderedResult  # this process has it

        source = iter(conversations)
        pending: dict[Future[list[_Rendered]], int] = {}
        finished: dict[int, list[_Rendered]] = {}
        submitted = 0
        next_index = 0
        exhausted = False
        limit = IN_FLIGHT_PER_WORKER * self.workers
        try:
            while True:
                while not exhausted and len(pending) + len(finished) < limit:
                    chunk = list(islice(source, self.size))
                    if not chunk:
                        exhausted = True
                        break
                    pending[self._executor.submit(_render, chunk, self.settings)] = submitted
                    submitted += 1
                if next_index in finished:
                    for line, failures in finished.pop(next_index):
                        yield RenderedResult(line, failures)
                    next_index += 1
                    continue
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    finished[pending.pop(future)] = future.result()
        except BrokenProcessPool as exc:
            raise WorkerFailed(
                "a worker process stopped before finishing (killed, or out of memory?); "
                "nothing was written: run the analysis again, with fewer --workers"
            ) from exc
