"""The reduce of ``reasons build --cluster``: every partition's cells into contact reasons.

Pure numpy (no database, no cluster), run on the client after the workers summarised
their partitions as cells (:func:`~servicecoach.services.contact_reason_tasks.cells_task`):

1. :func:`merge_cells` merges the cells by average linkage on the mean cosine distance
   of their texts, cut at the build's threshold: the same merge as the single-process
   build (:mod:`servicecoach.analysis.contact_reasons`). More cells than ``max_cells`` (many
   partitions) are first summarised again by a MiniBatchKMeans weighted by cell size,
   so the merge works on as many cells as the single-process build's.
2. :func:`choose_groups` keeps the groups of at least ``min_size`` conversations,
   largest first, and their centroids (from the cells' sums: no vector is read again).
3. :class:`GroupPass` reads the embeddings a second time, a page at a time, for each
   conversation's distance to its group's centroid and each group's
   :data:`~servicecoach.analysis.reason_labels.MAX_TEXTS` nearest texts (all that the
   labels read), so the client never holds every vector or every text; then
   :meth:`GroupPass.clustering` labels the groups: the single-process build's
   :class:`~servicecoach.analysis.contact_reasons.Clustering`, stored the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from servicecoach.analysis.contact_reasons import (  # the single-process merge, reused as is
    Clustering,
    ReasonGroup,
    _distances,
    _merge,
    label_groups,
)
from servicecoach.analysis.reason_labels import MAX_TEXTS
from servicecoach.services.contact_reason_tasks import unit_rows

__all__ = ["GroupPass", "choose_groups", "merge_cells"]

Ints = npt.NDArray[np.int64]


def merge_cells(
    sums: npt.NDArray[np.float64],
    counts: Ints,
    *,
    threshold: float,
    max_cells: int,
    seed: int = 0,
) -> Ints:
    """Each cell's merged group (an arbitrary id), cells closer than ``threshold`` merged."""
    if len(sums) > max_cells:
        from sklearn.cluster import MiniBatchKMeans

        kmeans = MiniBatchKMeans(
            n_clusters=max_cells,
            init="random",
            n_init=3,
            random_state=seed,
            batch_size=4096,
            max_iter=100,
        )
        meta = np.asarray(
            kmeans.fit_predict(unit_rows(sums), sample_weight=counts.astype(np.float64)),
            dtype=np.int64,
        )
        used, compact = np.unique(meta, return_inverse=True)
        meta_sums = np.zeros((len(used), sums.shape[1]), dtype=np.float64)
        np.add.at(meta_sums, compact, sums)
        meta_counts = np.bincount(compact, weights=counts, minlength=len(used))
        merged = merge_cells(
            meta_sums, meta_counts.astype(np.int64), threshold=threshold, max_cells=len(used)
        )
        return merged[compact]
    means = (sums / counts[:, None]).astype(np.float32)
    return _merge(_distances(means), threshold)


def choose_groups(
    raw: Ints, sums: npt.NDArray[np.float64], cell_raw: Ints, min_size: int
) -> tuple[Ints, npt.NDArray[np.float32]]:
    """Each row's group (largest first; ``-1`` when too small) and the groups' centroids.

    Args:
        raw: each row's merged group id (``cell_raw`` of its cell).
        sums: each cell's vector sum.
        cell_raw: each cell's merged group id.
        min_size: smaller groups are dropped.
    """
    ids, sizes = np.unique(raw, return_counts=True)
    kept = [
        int(i)
        for i, c in sorted(zip(ids, sizes, strict=True), key=lambda p: -p[1])
        if c >= min_size
    ]
    lookup = np.full(len(ids), -1, dtype=np.int64)  # by position in ``ids`` (sorted)
    lookup[np.searchsorted(ids, np.asarray(kept, dtype=ids.dtype))] = np.arange(len(kept))
    labels = lookup[np.searchsorted(ids, raw)]
    group_of_cell = lookup[np.searchsorted(ids, cell_raw)]  # every cell's id is among ``ids``
    width = sums.shape[1]
    totals = np.zeros((len(kept), width), dtype=np.float64)
    has_group = group_of_cell >= 0
    np.add.at(totals, group_of_cell[has_group], sums[has_group])
    return labels, unit_rows(totals)


class GroupPass:
    """The second read: distances to the centroids and each group's nearest texts.

    Args:
        labels: each row's group (``-1``: none), rows in the order the pages are added.
        centroids: the groups' unit centroids.
        keep: texts kept per group for its label (the nearest first).
    """

    def __init__(
        self, labels: Ints, centroids: npt.NDArray[np.float32], keep: int = MAX_TEXTS
    ) -> None:
        self.labels = labels
        self.centroids = centroids
        self.keep = keep
        self.distances = np.full(len(labels), np.nan, dtype=np.float64)
        self._best: list[tuple[Ints, npt.NDArray[np.float64]]] = [
            (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)) for _ in centroids
        ]
        self._texts: dict[int, str] = {}

    def add(self, start: int, vectors: npt.NDArray[np.floating], texts: Sequence[str]) -> None:
        """Rows ``start`` to ``start + len(vectors)``: their vectors and texts."""
        unit = unit_rows(vectors)
        rows = np.arange(start, start + len(unit), dtype=np.int64)
        labels = self.labels[rows]
        mine = labels >= 0
        if not mine.any():
            return
        rows, labels, unit = rows[mine], labels[mine], unit[mine]
        distance = 1.0 - np.einsum("ij,ij->i", unit, self.centroids[labels])
        self.distances[rows] = distance
        for group in np.unique(labels):
            take = labels == group
            old_rows, old_distance = self._best[int(group)]
            both_rows = np.concatenate([old_rows, rows[take]])
            both_distance = np.concatenate([old_distance, distance[take].astype(np.float64)])
            order = np.lexsort((both_rows, both_distance))[: self.keep]
            self._best[int(group)] = (both_rows[order], both_distance[order])
            for row in set(rows[take].tolist()) & set(both_rows[order].tolist()):
                self._texts[row] = texts[row - start]
        if len(self._texts) > 2 * self.keep * max(1, len(self._best)):
            wanted = {int(r) for rows_, _ in self._best for r in rows_}
            self._texts = {r: t for r, t in self._texts.items() if r in wanted}

    def clustering(self, *, top_words: int = 3) -> Clustering:
        """The groups labelled, members nearest the centroid first (as the single build)."""
        n = len(self.labels)
        order = np.lexsort((np.arange(n), self.distances, self.labels))
        ordered = self.labels[order]
        members: list[Ints] = []
        for group in range(len(self.centroids)):
            lo, hi = np.searchsorted(ordered, [group, group + 1])
            members.append(order[lo:hi])
        samples = [[self._texts[int(r)] for r in rows] for rows, _ in self._best]
        words = label_groups(samples, top=top_words)
        groups = tuple(
            ReasonGroup(tuple(w), tuple(int(i) for i in m), c)
            for w, m, c in zip(words, members, self.centroids, strict=True)
        )
        return Clustering(groups, self.labels, self.distances)
