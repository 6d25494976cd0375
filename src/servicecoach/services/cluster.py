"""Running partitions on a Dask cluster: connect, submit with back-pressure, collect.

dask.distributed does the scheduling, the retries and the rescheduling of a dead
worker's tasks; this module only decides what a task is (a :class:`Partition`, or a
``ParquetPart`` that names rows the worker reads from a shared file system) and how
many are in flight. ``--cluster local:N`` starts a ``LocalCluster`` of N worker
processes on this machine (one thread each: the model's batches are the parallel part);
``--cluster tcp://HOST:8786`` connects to a running scheduler (docs/scale.md).

Tasks carry their conversations (or their file rows' places) in the task itself rather
than as scattered data: a task whose worker dies is simply run again elsewhere, since the
scheduler still holds its input (scattered data would die with the worker).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from servicecoach.errors import ConfigError
from servicecoach.services.cluster_task import Partition, PipelineSettings, analyze_partition

if TYPE_CHECKING:
    from distributed import Client

    from servicecoach.analysis.result import ConversationResult

__all__ = [
    "INSTALL",
    "Indexed",
    "Task",
    "dashboard_link",
    "open_cluster",
    "run_partitions",
    "worker_threads",
]

INSTALL = "pip install 'servicecoach[scale]'"
Task = Callable[[Partition, PipelineSettings], "list[tuple[int, ConversationResult]]"]
"""The function a worker runs on a partition (:func:`analyze_partition`)."""
R = TypeVar("R")


class Indexed(Protocol):
    """A task's input: its place in the input's order (:class:`Partition`, ``ParquetPart``)."""

    @property
    def index(self) -> int:
        """The task's place, from 0."""
        ...


P = TypeVar("P", bound=Indexed)
IN_FLIGHT_PER_WORKER = 3
"""Partitions submitted and not yet collected, per worker: enough to keep every worker
busy while results travel back, few enough that the client's memory stays flat."""
SETTLE_S = 60.0
"""How long a failed run waits for the tasks it already sent (a stuck worker is not
waited for longer)."""


def _distributed() -> Any:
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise ConfigError(
            f"--cluster needs dask.distributed, which is not installed ({INSTALL})"
        ) from None


@contextlib.contextmanager
def open_cluster(address: str, *, processes: bool = True) -> Iterator[Client]:
    """A client of the cluster ``address`` names: ``local:N`` or a scheduler's address.

    Args:
        address: ``local:N`` (a LocalCluster of N workers here), or ``tcp://HOST:PORT``
            (``tls://`` too) of a running scheduler.
        processes: local workers in processes (the default, as in production) or in
            threads of this process (tests).

    Raises:
        ConfigError: a malformed address, dask missing, or no scheduler at the address.
    """
    distributed = _distributed()
    kind, _, rest = address.partition(":")
    if kind == "local":
        if not rest.isdigit() or not 1 <= int(rest) <= 256:
            raise ConfigError(
                f"--cluster {address}: use local:N with N from 1 to 256, e.g. local:4"
            )
        with (
            distributed.LocalCluster(
                n_workers=int(rest),
                threads_per_worker=1,
                processes=processes,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    if kind not in ("tcp", "tls") or not rest.startswith("//"):
        raise ConfigError(
            f"--cluster {address}: use local:N or a scheduler address such as tcp://10.0.0.5:8786"
        )
    try:
        client = distributed.Client(address, timeout="20s")
    except OSError as exc:
        raise ConfigError(f"--cluster {address}: no Dask scheduler answered ({exc})") from None
    with client:
        yield client


def worker_threads(client: Client) -> int:
    """Task threads of the cluster's workers now (one per worker as servicecoach starts them)."""
    threads: dict[str, int] = cast("Any", client).nthreads()  # untyped in distributed
    return sum(threads.values())


def dashboard_link(client: Client) -> str | None:
    """The Dask dashboard's address, or ``None`` when the scheduler runs none."""
    try:
        info = client.scheduler_info()
        if "dashboard" not in info.get("services", {}):
            return None
        return str(client.dashboard_link)
    except (KeyError, OSError):
        return None


def run_partitions(
    client: Client,
    partitions: Iterable[P],
    settings: PipelineSettings,
    *,
    ordered: bool,
    task: Callable[[P, PipelineSettings], R] = analyze_partition,  # type: ignore[assignment]
) -> Iterator[tuple[P, R]]:
    """Analyse ``partitions`` on the cluster; yield each with its results.

    Args:
        client: the cluster's client.
        partitions: drawn lazily, a few per worker ahead of the results, on this thread.
        settings: the pipeline every worker builds.
        ordered: yield in the partitions' order (files: the output keeps the input's
            order) rather than as they finish (the store: any order is the same run).
        task: the worker function: :func:`analyze_partition` (results back), a wrapper
            that writes them on the worker, or a test's wrapper that slows it down.
    """
    distributed = _distributed()
    pending: dict[Any, P] = {}  # by future: dropping it releases the result
    try:
        yield from _run(client, partitions, settings, ordered, task, distributed, pending)
    except (Exception, GeneratorExit):
        # A task failed (or the caller stopped reading): let the tasks already sent settle
        # before the caller cleans up after them (closing the workers' store connections
        # while a task still writes leaves that connection open and orphaned).
        _settle(distributed, pending)
        raise


def _settle(distributed: Any, pending: dict[Any, Any]) -> None:
    """Wait, within :data:`SETTLE_S`, for the tasks of ``pending`` to finish or fail."""
    if pending:
        with contextlib.suppress(Exception):
            distributed.wait(list(pending), timeout=SETTLE_S)


def _run(
    client: Client,
    partitions: Iterable[P],
    settings: PipelineSettings,
    ordered: bool,
    task: Callable[[P, PipelineSettings], R],
    distributed: Any,
    pending: dict[Any, P],
) -> Iterator[tuple[P, R]]:
    finished = distributed.as_completed()
    waiting: dict[int, tuple[P, R]] = {}
    next_index = 0
    source = iter(partitions)
    exhausted = False
    while True:
        limit = IN_FLIGHT_PER_WORKER * max(1, worker_threads(client))  # workers come and go
        while not exhausted and len(pending) + len(waiting) < limit:
            partition = next(source, None)
            if partition is None:
                exhausted = True
                break
            future = client.submit(task, partition, settings, pure=False, retries=1)
            pending[future] = partition
            finished.add(future)
        if not pending and not waiting:
            return
        if pending:
            future = next(finished)
            partition = pending.pop(future)
            results = future.result()
            if not ordered:
                yield partition, results
                continue
            waiting[partition.index] = (partition, results)
        while next_index in waiting:
            yield waiting.pop(next_index)
            next_index += 1
