"""Recurring contact reasons, grouped by meaning and labelled with words.

Pure functions (no database): the contact-reasons service embeds each conversation's
contact-reason text (:func:`reason_text`) with a sentence encoder and hands the vectors
here.

:func:`cluster_reasons` groups the vectors by meaning without a fixed number of groups:
up to ``direct_limit`` texts are clustered directly by agglomerative clustering (average
linkage, cosine distance, merged while the groups are closer than
``distance_threshold``); beyond that MiniBatchKMeans first summarises the vectors as up
to ``max_centroids`` cells, which are then merged the same way, the distance of two
cells being the mean cosine distance between their texts. Groups smaller than
``min_size`` are dropped (their conversations stay unassigned). Each group is labelled by
:func:`~servicecoach.analysis.reason_labels.label_groups` with short phrases in its
language (c-TF-IDF over its texts, without stop words, names or handles) and its
examples are the texts nearest its centroid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servicecoach.analysis.reason_labels import label_groups
from servicecoach.model.conversation import Conversation, Role

__all__ = [
    "Clustering",
    "Encoder",
    "ReasonGroup",
    "cluster_reasons",
    "label_groups",
    "reason_text",
]

Encoder = Callable[[Sequence[str]], npt.NDArray[np.floating]]
"""Texts to an ``(n, d)`` array of L2-normalised sentence embeddings."""

Vectors = npt.NDArray[np.float32]

_MENTION = re.compile(r"(?<![\w@])@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACES = re.compile(r"\s+")


def reason_text(conversation: Conversation, *, min_chars: int = 60, max_chars: int = 400) -> str:
    """What the customer contacted us about: their first message(s), tidied.

    Mentions (``@shop``) and links are removed; the first customer messages are joined
    until there are ``min_chars`` characters (at most two messages), cut at ``max_chars``.
    Empty when the customer wrote nothing.
    """
    parts: list[str] = []
    length = 0
    for message in conversation.messages:
        if message.role is not Role.CUSTOMER or message.internal:
            continue
        text = _SPACES.sub(" ", _URL.sub(" ", _MENTION.sub(" ", message.text))).strip()
        if not text:
            continue
        parts.append(text)
        length += len(text)
        if length >= min_chars or len(parts) == 2:
            break
    return " ".join(parts)[:max_chars].strip()


@dataclass(frozen=True, slots=True)
class ReasonGroup:
    """One recurring contact reason.

    Attributes:
        words: its label: up to ``top_words`` phrases or words, best first.
        members: indices of its texts, nearest the centroid first.
        centroid: the normalised mean of its vectors.
    """

    words: tuple[str, ...]
    members: tuple[int, ...]
    centroid: Vectors

    @property
    def label(self) -> str:
        """The terms joined for display: ``parcel not arrived, tracking``."""
        return ", ".join(self.words)

    @property
    def size(self) -> int:
        """How many texts it has."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class Clustering:
    """The groups found, largest first, and each text's group.

    Attributes:
        groups: the groups, largest first.
        labels: each text's group index, ``-1`` when its group was too small.
        distances: each text's cosine distance to its group's centroid (``nan`` for -1).
    """

    groups: tuple[ReasonGroup, ...]
    labels: npt.NDArray[np.int64]
    distances: npt.NDArray[np.float64]


def _normalise(vectors: npt.NDArray[np.floating]) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Vectors = (array / norms).astype(np.float32)
    return unit


def _merge(distances: npt.NDArray[np.floating], threshold: float) -> npt.NDArray[np.int64]:
    """Average-linkage groups of a precomputed distance matrix, cut at ``threshold``."""
    if len(distances) < 2:
        return np.zeros(len(distances), dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=threshold,
    )
    return np.asarray(model.fit_predict(distances), dtype=np.int64)


def _distances(means: Vectors) -> npt.NDArray[np.float64]:
    """Mean cosine distance between the members of each pair of groups.

    For unit vectors the mean pairwise cosine of two groups is the dot product of their
    (unnormalised) means, so average linkage over the KMeans cells equals average
    linkage over their texts; normalising the means would make groups look closer than
    their texts are.
    """
    matrix = np.clip(1.0 - means.astype(np.float64) @ means.T.astype(np.float64), 0.0, 2.0)
    np.fill_diagonal(matrix, 0.0)
    return matrix


def _raw_labels(
    vectors: Vectors, threshold: float, direct_limit: int, max_centroids: int, seed: int
) -> npt.NDArray[np.int64]:
    if len(vectors) <= direct_limit:
        return _merge(_distances(vectors), threshold)
    k = min(max_centroids, max(2, len(vectors) // 20))
    # Random initialisation: k-means++ takes minutes on 100k vectors and buys nothing here,
    # since the cells are only a summary that the agglomerative step merges.
    from sklearn.cluster import MiniBatchKMeans

    kmeans = MiniBatchKMeans(
        n_clusters=k, init="random", n_init=3, random_state=seed, batch_size=4096, max_iter=100
    )
    fine = np.asarray(kmeans.fit_predict(vectors), dtype=np.int64)
    means = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    np.add.at(means, fine, vectors)
    counts = np.bincount(fine, minlength=k).astype(np.float32)
    used = counts > 0
    means[used] /= counts[used, None]
    coarse = np.full(k, -1, dtype=np.int64)
    coarse[used] = _merge(_distances(means[used]), threshold)
    return coarse[fine]


def cluster_reasons(
    texts: Sequence[str],
    vectors: npt.NDArray[np.floating],
    *,
    distance_threshold: float = 0.6,
    min_size: int = 5,
    direct_limit: int = 3000,
    max_centroids: int = 300,
    top_words: int = 3,
    random_state: int = 0,
) -> Clustering:
    """Group ``texts`` by the meaning of their ``vectors`` (see the module).

    Args:
        texts: the contact-reason texts (for labels).
        vectors: their embeddings, one row per text.
        distance_threshold: groups closer than this average cosine distance are merged.
        min_size: smaller groups are dropped.
        direct_limit: up to this many texts are clustered without MiniBatchKMeans.
        max_centroids: MiniBatchKMeans centroids for larger inputs.
        top_words: the most terms in a label.
        random_state: seed, so that a build is reproducible.

    Raises:
        ValueError: ``texts`` and ``vectors`` differ in length.
    """
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    n = len(texts)
    if n == 0:
        return Clustering((), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
    unit = _normalise(vectors)
    raw = _raw_labels(unit, distance_threshold, direct_limit, max_centroids, random_state)
    ids, counts = np.unique(raw, return_counts=True)
    kept = [
        int(i)
        for i, c in sorted(zip(ids, counts, strict=True), key=lambda p: -p[1])
        if c >= min_size
    ]
    labels = np.full(n, -1, dtype=np.int64)
    distances = np.full(n, np.nan, dtype=np.float64)
    members: list[npt.NDArray[np.int64]] = []
    centroids: list[Vectors] = []
    for index, raw_id in enumerate(kept):
        where = np.flatnonzero(raw == raw_id)
        centroid = _normalise(unit[where].mean(axis=0, keepdims=True))[0]
        distance = 1.0 - unit[where] @ centroid
        order = np.argsort(distance, kind="stable")
        labels[where] = index
        distances[where] = distance
        members.append(where[order])
        centroids.append(centroid)
    words = label_groups([[texts[i] for i in m] for m in members], top=top_words)
    groups = tuple(
        ReasonGroup(tuple(w), tuple(int(i) for i in m), c)
        for w, m, c in zip(words, members, centroids, strict=True)
    )
    return Clustering(groups, labels, distances)
