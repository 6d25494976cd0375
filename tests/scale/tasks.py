"""Worker tasks for the cluster tests, importable by worker processes."""

from __future__ import annotations

import time
from dataclasses import dataclass

from servicecoach.analysis.result import ConversationResult
from servicecoach.services.cluster_task import Partition, PipelineSettings, analyze_partition

__all__ = [
    "SETTLED",
    "Numbered",
    "failing_after",
    "pipelines_built",
    "slow",
    "slow_or_failing",
    "twice",
]


def slow(partition: Partition, settings: PipelineSettings) -> list[tuple[int, ConversationResult]]:
    """The real task, a little slower, so that a worker can be killed while tasks run."""
    time.sleep(0.25)
    return analyze_partition(partition, settings)


def twice(partition: Partition, settings: PipelineSettings) -> list[tuple[int, ConversationResult]]:
    """Every result delivered twice, as a retried task could."""
    results = analyze_partition(partition, settings)
    return results + results


def failing_after(
    partition: Partition, settings: PipelineSettings
) -> list[tuple[int, ConversationResult]]:
    """The real task for the first two partitions, then a failure (a client stopped)."""
    if partition.index >= 2:
        raise RuntimeError("stopped on purpose")
    return analyze_partition(partition, settings)


def pipelines_built() -> int:
    """How many pipelines this worker process built (one per rubric and mode, at most)."""
    from servicecoach.services import cluster_task

    return len(cluster_task._PIPELINES)


SETTLED: list[int] = []
"""The indexes of :func:`slow_or_failing`'s slow tasks that ran to their end."""


@dataclass(frozen=True)
class Numbered:
    """A task's input that is only its place."""

    index: int


def slow_or_failing(item: Numbered, settings: PipelineSettings) -> list[int]:
    """Task 0 takes half a second and notes its end; every other task fails at once."""
    if item.index:
        raise RuntimeError("stopped on purpose")
    time.sleep(0.5)
    SETTLED.append(item.index)
    return []
