"""The tasks a Dask worker runs for ``reasons build --cluster``: embed, and summarise as cells.

This module is what a worker imports, so it stays small and needs no database: a task
carries its input (texts, or a partition's vectors) and returns arrays, so a task whose
worker dies is simply run again elsewhere (as for analysis, services/cluster.py).

- :func:`embed_task`: a batch of contact-reason texts to their sentence embeddings, with
  the encoder this worker process loaded once (:func:`worker_encoder`).
- :func:`cells_task`: one partition of embeddings summarised by MiniBatchKMeans as up to
  ``cells`` cells: each cell's vector sum and size, and each vector's cell. The client
  merges every partition's cells into contact reasons (:mod:`.contact_reason_reduce`).
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from servicecoach.analysis.contact_reasons import Encoder

__all__ = [
    "DEFAULT_ENCODER",
    "CellTask",
    "Cells",
    "EmbedTask",
    "cells_task",
    "embed_task",
    "unit_rows",
    "worker_encoder",
]

DEFAULT_ENCODER = "servicecoach.services.contact_reasons:default_encoder"
"""``module:function`` returning ``(encoder, model name)``: what every worker loads."""

_ENCODERS: dict[str, tuple[Encoder, str]] = {}
_LOCK = threading.Lock()


def worker_encoder(factory: str) -> tuple[Encoder, str]:
    """This process's encoder from ``factory`` (``module:function``), loaded on first use."""
    with _LOCK:
        found = _ENCODERS.get(factory)
        if found is None:
            module, _, name = factory.partition(":")
            make = getattr(importlib.import_module(module), name)
            found = cast("tuple[Encoder, str]", make())
            _ENCODERS[factory] = found
        return found


@dataclass(frozen=True, slots=True)
class EmbedTask:
    """Texts to embed: one batch of the build (the same batches as a build in one process)."""

    index: int
    texts: tuple[str, ...]


def embed_task(task: EmbedTask, factory: str) -> tuple[npt.NDArray[np.float32], str]:
    """The embeddings of ``task.texts`` (one row each) and the model's name (the Dask task)."""
    encode, model = worker_encoder(factory)
    return np.asarray(encode(list(task.texts)), dtype=np.float32), model


@dataclass(frozen=True, slots=True)
class CellTask:
    """A partition of stored embeddings (rows in conversation order) to summarise.

    Attributes:
        index: the partition's place in the build (its random seed is derived from it).
        vectors: ``(m, d)`` embeddings.
        cells: the most cells (MiniBatchKMeans centroids) to summarise it as.
        seed: the build's random state.
    """

    index: int
    vectors: npt.NDArray[np.float32]
    cells: int
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Cells:
    """A partition summarised: each cell's vector sum and size, and each vector's cell.

    Sums, not means: the client adds the sums of cells it merges, and the mean cosine
    between two groups of unit vectors is the dot product of their mean vectors.
    """

    index: int
    sums: npt.NDArray[np.float64]
    counts: npt.NDArray[np.int64]
    assignment: npt.NDArray[np.int32]


def unit_rows(vectors: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    """``vectors`` with each row scaled to length 1 (zero rows kept), as float32."""
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return cast("npt.NDArray[np.float32]", (array / norms).astype(np.float32))


def cells_task(task: CellTask) -> Cells:
    """Summarise one partition as cells (the Dask task); a small one is a cell per vector."""
    unit = unit_rows(task.vectors)
    m = len(unit)
    if m <= task.cells:
        assignment = np.arange(m, dtype=np.int32)
        return Cells(task.index, unit.astype(np.float64), np.ones(m, dtype=np.int64), assignment)
    from sklearn.cluster import MiniBatchKMeans

    # As the single-process build: random initialisation, a summary the merge refines.
    kmeans = MiniBatchKMeans(
        n_clusters=task.cells,
        init="random",
        n_init=3,
        random_state=task.seed + task.index,
        batch_size=4096,
        max_iter=100,
    )
    fine = np.asarray(kmeans.fit_predict(unit), dtype=np.int64)
    used, compact = np.unique(fine, return_inverse=True)
    sums = np.zeros((len(used), unit.shape[1]), dtype=np.float64)
    np.add.at(sums, compact, unit.astype(np.float64))
    counts = np.bincount(compact, minlength=len(used)).astype(np.int64)
    return Cells(task.index, sums, counts, compact.astype(np.int32))
