"""``reasons build --cluster``: contact reasons built on a Dask cluster, stored as by one process.

The single-process build (:func:`~servicecoach.services.contact_reasons.build_contact_reasons`) embeds
every new conversation with one encoder and clusters every stored embedding in memory.
At millions of conversations both outgrow one machine; here:

1. **Embed on the workers.** The client reads the new conversations a batch at a time
   (the same batches as one process) and sends their contact-reason texts to the
   workers (:func:`~servicecoach.services.contact_reason_tasks.embed_task`); each worker loads
   the encoder once. The client stores each batch's embeddings as it comes back, so an
   interrupted build resumes where it stopped, as in one process.
2. **Up to ``direct_limit`` embeddings** (3,000) are grouped by the client exactly as
   the single-process build groups them (the same call): the same contact reasons.
3. **Beyond that, two stages.** The client reads the embeddings a page of
   ``partition_size`` at a time and each worker summarises a page as MiniBatchKMeans
   cells (:func:`~servicecoach.services.contact_reason_tasks.cells_task`); the client merges
   every page's cells into groups and labels them
   (:mod:`~servicecoach.services.contact_reason_reduce`), reading the embeddings a second time
   for distances and each group's nearest texts. It never holds every vector. The
   grouping differs from one process's by the k-means summary only; docs/scale.md gives
   the agreement measured.

Workers need no database: tasks carry their texts or vectors, so a task whose worker
dies is run again elsewhere, and a build works with SQLite or PostgreSQL alike (the
client reads and writes the store).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select

from servicecoach.analysis.contact_reasons import Clustering, cluster_reasons, reason_text
from servicecoach.errors import StoreError
from servicecoach.services.cluster import IN_FLIGHT_PER_WORKER, worker_threads
from servicecoach.services.contact_reason_reduce import GroupPass, choose_groups, merge_cells
from servicecoach.services.contact_reason_tasks import (
    DEFAULT_ENCODER,
    Cells,
    CellTask,
    EmbedTask,
    cells_task,
    embed_task,
    worker_encoder,
)
from servicecoach.services.contact_reasons import ReasonsBuild, store_reasons
from servicecoach.store.contact_reasons import (
    load_embeddings,
    missing_embeddings,
    save_embeddings,
)
from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import reason_embeddings

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["build_reasons_on_cluster", "worker_model"]

K = TypeVar("K")
Page = tuple[list[int], list[str], npt.NDArray[np.float32]]


def worker_model(factory: str) -> str:
    """The model name of the encoder a worker loads (a Dask task; it warms the worker)."""
    return worker_encoder(factory)[1]


def build_reasons_on_cluster(
    store: Store,
    client: Client,
    *,
    encoder: str = DEFAULT_ENCODER,
    batch_size: int = 256,
    min_size: int | None = None,
    distance_threshold: float = 0.6,
    direct_limit: int = 3000,
    partition_size: int = 20_000,
    max_cells: int = 300,
    random_state: int = 0,
    progress: Callable[[int, int, int], None] | None = None,
) -> ReasonsBuild:
    """Embed the new conversations on the workers, group every embedding, store the groups.

    Args:
        store: the database (read and written by this client only).
        client: the cluster's client.
        encoder: ``module:function`` that each worker calls once for ``(encoder, model)``.
        batch_size, min_size, distance_threshold, progress: as for
            :func:`~servicecoach.services.contact_reasons.build_contact_reasons`.
        direct_limit: up to this many embeddings, the single-process grouping.
        partition_size: embeddings a worker summarises at a time beyond that.
        max_cells: cells the client merges (more are summarised again first).
        random_state: seed, so that a build is reproducible (whatever the workers).
    """
    started = time.perf_counter()
    model = client.submit(worker_model, encoder, pure=False).result()
    embedded, empty = _embed(store, client, encoder, model, batch_size, progress)
    with store.connect() as connection:
        r = reason_embeddings.c
        n = int(
            connection.execute(
                select(func.count()).where(r.model == model, func.length(r.vector) > 0)
            ).scalar_one()
        )
    size = min_size if min_size is not None else max(3, n // 2000)
    if n <= direct_limit:
        with store.connect() as connection:
            ids, texts, matrix = load_embeddings(connection, model)
        clustering = cluster_reasons(
            texts, matrix, min_size=size, distance_threshold=distance_threshold,
            direct_limit=direct_limit, max_centroids=max_cells, random_state=random_state,
        )  # fmt: skip
    else:
        ids, clustering = _two_stage(
            store, client, model, size, distance_threshold, partition_size, max_cells,
            random_state,
        )  # fmt: skip
    return store_reasons(store, ids, clustering, model, embedded, empty, started)


def _bounded(
    client: Client, fn: Callable[..., Any], inputs: Iterable[tuple[K, tuple[Any, ...]]]
) -> Iterator[tuple[K, Any]]:
    """``fn(*args)`` of each input on the cluster, a few per worker in flight, as they finish."""
    distributed: Any = importlib.import_module("distributed")  # untyped
    finished = distributed.as_completed()
    pending: dict[Any, K] = {}
    for key, args in inputs:
        while len(pending) >= IN_FLIGHT_PER_WORKER * max(1, worker_threads(client)):
            future = next(finished)
            yield pending.pop(future), future.result()
        future = client.submit(fn, *args, pure=False, retries=1)
        pending[future] = key
        finished.add(future)
    while pending:
        future = next(finished)
        yield pending.pop(future), future.result()


def _embed(
    store: Store,
    client: Client,
    encoder: str,
    model: str,
    batch_size: int,
    progress: Callable[[int, int, int], None] | None,
) -> tuple[int, int]:
    """Embed the conversations without an embedding of ``model``; (embedded, empty)."""
    with store.connect() as connection:
        todo = missing_embeddings(connection, model)
    batches: dict[int, list[tuple[int, str]]] = {}
    counts = {"done": 0, "empty": 0}

    def save(index: int, vectors: npt.NDArray[np.float32] | None) -> None:
        rows = batches.pop(index)
        wanted = [pk for pk, text in rows if text]
        by_pk = {} if vectors is None else dict(zip(wanted, vectors, strict=True))
        with store.begin() as connection:
            save_embeddings(connection, model, [(pk, t, by_pk.get(pk)) for pk, t in rows])
        counts["done"] += len(rows)
        counts["empty"] += len(rows) - len(wanted)
        if progress is not None:
            progress(counts["done"], len(todo), counts["done"])

    def inputs() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for index, offset in enumerate(range(0, len(todo), batch_size)):
            with store.connect() as connection:
                rows = [
                    (s.pk, reason_text(s.conversation))
                    for s in iter_conversations(connection, ids=todo[offset : offset + batch_size])
                ]
            batches[index] = rows
            texts = tuple(text for _, text in rows if text)
            if not texts:
                save(index, None)
                continue
            yield index, (EmbedTask(index, texts), encoder)

    for index, (vectors, worker_model_name) in _bounded(client, embed_task, inputs()):
        if worker_model_name != model:
            raise StoreError(
                f"the workers' encoders differ ({model} and {worker_model_name}): give every "
                "worker the same servicecoach and model"
            )
        save(index, vectors)
    return counts["done"], counts["empty"]


def _pages(store: Store, model: str, size: int, last_id: int | None = None) -> Iterator[Page]:
    """The stored embeddings of ``model`` in conversation order, ``size`` at a time."""
    r = reason_embeddings.c
    after = 0
    while True:
        query = select(r.conversation_id, r.text, r.vector).where(
            r.model == model, func.length(r.vector) > 0, r.conversation_id > after
        )
        if last_id is not None:
            query = query.where(r.conversation_id <= last_id)
        with store.connect() as connection:
            rows = connection.execute(query.order_by(r.conversation_id).limit(size)).all()
        if not rows:
            return
        width = len(rows[0].vector) // 2
        blob = b"".join(bytes(row.vector) for row in rows)
        matrix = np.frombuffer(blob, dtype=np.float16).reshape(len(rows), width)
        yield (
            [row.conversation_id for row in rows],
            [row.text for row in rows],
            matrix.astype(np.float32),
        )
        after = rows[-1].conversation_id


def _two_stage(
    store: Store,
    client: Client,
    model: str,
    min_size: int,
    threshold: float,
    partition_size: int,
    max_cells: int,
    seed: int,
) -> tuple[list[int], Clustering]:
    """Cells per page on the workers, merged and labelled here (see the module)."""
    ids: list[int] = []
    offsets: dict[int, int] = {}

    def inputs() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for index, (page_ids, _, matrix) in enumerate(_pages(store, model, partition_size)):
            offsets[index] = len(ids)
            ids.extend(page_ids)
            cells = min(max_cells, max(2, len(page_ids) // 20))
            yield index, (CellTask(index, matrix, cells, seed),)

    found: dict[int, Cells] = dict(_bounded(client, cells_task, inputs()))
    n = len(ids)
    cell_of_row = np.empty(n, dtype=np.int64)
    sums: list[npt.NDArray[np.float64]] = []
    counts: list[npt.NDArray[np.int64]] = []
    first_cell = 0
    for index in sorted(found):
        cells = found[index]
        start = offsets[index]
        cell_of_row[start : start + len(cells.assignment)] = cells.assignment + first_cell
        sums.append(cells.sums)
        counts.append(cells.counts)
        first_cell += len(cells.counts)
    all_sums, all_counts = np.concatenate(sums), np.concatenate(counts)
    cell_raw = merge_cells(
        all_sums, all_counts, threshold=threshold, max_cells=max_cells, seed=seed
    )
    labels, centroids = choose_groups(cell_raw[cell_of_row], all_sums, cell_raw, min_size)
    second = GroupPass(labels, centroids)
    row = 0
    for page_ids, texts, matrix in _pages(store, model, partition_size, last_id=ids[-1]):
        if page_ids != ids[row : row + len(page_ids)]:
            raise StoreError("embeddings changed while the build read them: run it again")
        second.add(row, matrix, texts)
        row += len(page_ids)
    return ids, second.clustering()
