"""Worker tasks for the cluster tests, importable by worker processes."""

from __future__ import annotations

import time

from servicecoach.analysis.result import ConversationResult
from servicecoach.services.cluster_task import Partition, PipelineSettings, analyze_partition

__all__ = ["failing_after", "pipelines_built", "slow", "twice"]


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
