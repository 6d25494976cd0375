"""The task a Dask worker runs: analyse one partition of conversations.

This module is what a worker imports, so it stays small: the partition's shape, the
customer history rebuilt from the partition (the client keeps every customer's
conversations in one partition, so no worker needs the database), and one pipeline per
worker process, built on its first task and reused by every later one. The learned
models are loaded once per process too (:func:`~servicecoach.analysis.learned.default_judge`
is cached), so a worker pays the ONNX start-up once, not per task.

Parquet exports are read on the workers (:class:`ParquetPart`): the task names files and
row ranges, the worker reads them with the importer's code and returns, per file, the
problems and the rendered results in row order (:func:`analyze_parquet_part`).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from servicecoach.errors import Problem
from servicecoach.ingest.base import Item
from servicecoach.ingest.parquet.slices import FileSlice, SliceRead, read_slice
from servicecoach.model.conversation import Conversation
from servicecoach.store.limits import storage_problem

if TYPE_CHECKING:
    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.analysis.result import ConversationResult
    from servicecoach.rubric import Rubric
    from servicecoach.services.analysis import RenderedResult

__all__ = [
    "HISTORY_LIMIT",
    "ParquetPart",
    "PartItem",
    "Partition",
    "PipelineSettings",
    "SliceOutcome",
    "analyze_parquet_part",
    "analyze_partition",
    "histories",
    "worker_pipeline",
]

HISTORY_LIMIT = 20
"""Earlier conversations given as history, as ``store.reader.earlier_conversations``."""


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """What a worker needs to build the same pipeline as the client: rubric and mode."""

    rubric: Rubric
    fast: bool
    key: bytes = field(default=b"", compare=False)

    @classmethod
    def of(cls, rubric: Rubric, fast: bool) -> PipelineSettings:
        """Settings with their cache key (a digest of the pickled rubric and mode)."""
        digest = hashlib.sha256(pickle.dumps((rubric, fast))).digest()
        return cls(rubric, fast, digest)


@dataclass(frozen=True, slots=True)
class PartItem:
    """One conversation of a partition.

    Attributes:
        key: the conversation's primary key in the store, or its position in the input.
        conversation: the conversation.
        customer: the root customer (merges followed), ``None`` without a customer.
        started: the store's ``started_at`` of the conversation (history is ordered by it).
        analyse: ``False`` for a conversation sent only as history (a resumed run has
            its result already).
        customer_id: the conversation's own customer in the store (for the metrics a
            worker writes itself).
    """

    key: int
    conversation: Conversation
    customer: int | None = None
    started: datetime | None = None
    analyse: bool = True
    customer_id: int | None = None


@dataclass(frozen=True, slots=True)
class Partition:
    """Conversations analysed by one task; ``with_history`` for stored conversations."""

    index: int
    items: tuple[PartItem, ...]
    with_history: bool = False

    @property
    def size(self) -> int:
        """How many conversations the task analyses."""
        return sum(item.analyse for item in self.items)


_PIPELINES: dict[bytes, Pipeline] = {}
_LOCK = threading.Lock()


def worker_pipeline(settings: PipelineSettings) -> Pipeline:
    """This process's pipeline for ``settings``, built on first use (models loaded once)."""
    with _LOCK:
        pipeline = _PIPELINES.get(settings.key)
        if pipeline is None:
            from servicecoach.analysis.pipeline import Pipeline  # before the rubric's modules

            pipeline = Pipeline.from_rubric(settings.rubric, fast=settings.fast)
            _PIPELINES[settings.key] = pipeline
        return pipeline


def histories(partition: Partition) -> list[tuple[PartItem, tuple[Conversation, ...]]]:
    """Each conversation to analyse with its customer's earlier conversations.

    The same choice as ``earlier_conversations`` makes from the store: the customer's
    (merged customers included) conversations that started before this one, the latest
    :data:`HISTORY_LIMIT`, oldest first; equal start times are ordered by key.
    """
    by_customer: dict[int, list[PartItem]] = {}
    for item in partition.items:
        if item.customer is not None and item.started is not None:
            by_customer.setdefault(item.customer, []).append(item)
    starts: dict[int, list[datetime]] = {}
    for customer, found in by_customer.items():
        found.sort(key=lambda i: (i.started, i.key))
        starts[customer] = [i.started for i in found if i.started is not None]
    out: list[tuple[PartItem, tuple[Conversation, ...]]] = []
    for item in partition.items:
        if not item.analyse:
            continue
        started = item.conversation.started_at
        if item.customer is None or started is None or item.customer not in by_customer:
            out.append((item, ()))
            continue
        earlier = by_customer[item.customer][: bisect_left(starts[item.customer], started)]
        chosen = [e for e in earlier if e.key != item.key][-HISTORY_LIMIT:]
        out.append((item, tuple(e.conversation for e in chosen)))
    return out


def analyze_partition(
    partition: Partition, settings: PipelineSettings
) -> list[tuple[int, ConversationResult]]:
    """The results of a partition's conversations, keyed like its items (the Dask task)."""
    pipeline = worker_pipeline(settings)
    if partition.with_history:
        pairs = [(item, history) for item, history in histories(partition)]
        items = [item for item, _ in pairs]
        stream = pipeline.stream((item.conversation, history) for item, history in pairs)
    else:
        items = [item for item in partition.items if item.analyse]
        stream = pipeline.run(item.conversation for item in items)
    return [(item.key, result) for item, result in zip(items, stream, strict=True)]


@dataclass(frozen=True, slots=True)
class ParquetPart:
    """Rows of Parquet files that a worker reads itself: paths and row ranges, no data."""

    index: int
    slices: tuple[FileSlice, ...]

    @property
    def size(self) -> int:
        """How many rows the task reads."""
        return sum(piece.size for piece in self.slices)


@dataclass(frozen=True, slots=True)
class SliceOutcome:
    """A file's share of a :class:`ParquetPart`, analysed.

    Attributes:
        file: the file's place among the inputs.
        items: per row, in order: its problem or its rendered result.
        ended: an unreadable batch ended the file (the client drops the file's later rows,
            as a single process never reads them).
        failure: why the worker could not read the file (the client stops with it).
    """

    file: int
    items: tuple[Problem | RenderedResult, ...]
    ended: bool = False
    failure: str | None = None


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):  # not inside a Dask worker (a direct call)
        return "here"


def analyze_parquet_part(part: ParquetPart, settings: PipelineSettings) -> list[SliceOutcome]:
    """Read a part's rows from the files and analyse them (the Dask task).

    A row is checked as ``read_plan`` checks it without a cluster (a conversation no
    database could store is a problem), and a result is rendered as its JSON line here,
    so the client only writes.
    """
    from servicecoach.services.analysis import RenderedResult

    worker = _worker_name()
    reads: list[tuple[FileSlice, SliceRead, list[Item]]] = []
    conversations: list[Conversation] = []
    for piece in part.slices:
        read = read_slice(piece, worker)
        items = [_checked(item, piece.path) for item in read.items]
        conversations.extend(item for item in items if isinstance(item, Conversation))
        reads.append((piece, read, items))
    rendered = iter(
        [
            RenderedResult(json.dumps(result.to_dict(), ensure_ascii=False), len(result.failures))
            for result in worker_pipeline(settings).run(conversations)
        ]
    )
    return [
        SliceOutcome(
            piece.file,
            tuple(next(rendered) if isinstance(i, Conversation) else i for i in items),
            read.ended,
            read.failure,
        )
        for piece, read, items in reads
    ]


def _checked(item: Item, path: str) -> Item:
    """The item as ``read_plan`` passes it on: an unstorable conversation is a problem."""
    if isinstance(item, Problem) or (why := storage_problem(item)) is None:
        return item
    return Problem(Path(path), f"conversation {item.id!r}", *why)
