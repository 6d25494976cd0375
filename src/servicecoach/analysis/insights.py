"""Wider issues: recurring contact reasons, grouped by meaning and labelled with words.

Pure functions (no database): the insights service embeds each conversation's
contact-reason text (:func:`reason_text`) with a sentence encoder and hands the vectors
here.

:func:`cluster_reasons` groups the vectors by meaning without a fixed number of groups:
up to ``direct_limit`` texts are clustered directly by agglomerative clustering (average
linkage, cosine distance, merged while the groups are closer than
``distance_threshold``); beyond that MiniBatchKMeans first summarises the vectors as up
to ``max_centroids`` cells, which are then merged the same way, the distance of two
cells being the mean cosine distance between their texts. Groups smaller than
``min_size`` are dropped (their conversations stay unassigned). Each group is labelled by
its class-based TF-IDF top words (c-TF-IDF: the words frequent in the group's texts and
rare in the others) and its examples are the texts nearest its centroid.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servicecoach.model.conversation import Conversation, Role

__all__ = [
    "Clustering",
    "Encoder",
    "ReasonGroup",
    "cluster_reasons",
    "label_groups",
    "reason_text",
    "stop_words",
]

Encoder = Callable[[Sequence[str]], npt.NDArray[np.floating]]
"""Texts to an ``(n, d)`` array of L2-normalised sentence embeddings."""

Vectors = npt.NDArray[np.float32]

_MENTION = re.compile(r"(?<![\w@])@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACES = re.compile(r"\s+")
_EXTRA_STOP = frozenset(
    {
        "hi", "hello", "hey", "thanks", "thank", "thx", "pls", "please", "dm", "just", "ve",
        "im", "don", "didn", "doesn", "isn", "wasn", "won", "ll", "got", "get", "help", "need",
        "know", "like", "want", "yes", "ok", "okay", "guys", "team", "today",
    }
)  # fmt: skip


@functools.cache
def stop_words() -> list[str]:
    """Words never used in a label: English stop words and greetings.

    scikit-learn is imported here and in the functions that cluster, not with this
    module: it takes most of a second, and every CLI command imports this module.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP)


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
        words: its label: the top c-TF-IDF words and phrases, best first.
        members: indices of its texts, nearest the centroid first.
        centroid: the normalised mean of its vectors.
    """

    words: tuple[str, ...]
    members: tuple[int, ...]
    centroid: Vectors

    @property
    def label(self) -> str:
        """The words joined for display: ``parcel, delivery, arrived``."""
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
    top_words: int = 4,
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
        top_words: words in a label.
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


def label_groups(groups: Sequence[Sequence[str]], *, top: int = 4) -> list[list[str]]:
    """The ``top`` c-TF-IDF words or two-word phrases of each group of texts.

    c-TF-IDF treats each group as one document: a term's weight is its frequency in the
    group times ``log(1 + A / f)``, where ``A`` is the mean number of words per group and
    ``f`` the term's frequency in all groups. A word already inside a chosen phrase (or a
    phrase containing a chosen word) is skipped.
    """
    if not groups:
        return []
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        stop_words=stop_words(),
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",
        lowercase=True,
    )
    try:
        counts = vectorizer.fit_transform([" ".join(texts) for texts in groups])
    except ValueError:  # nothing but stop words
        return [[] for _ in groups]
    terms = vectorizer.get_feature_names_out()
    dense = np.asarray(counts.toarray(), dtype=np.float64)
    unigram = np.array([" " not in t for t in terms])
    words_per_group = dense[:, unigram].sum(axis=1)
    average = max(float(words_per_group.mean()), 1.0)
    frequency = dense.sum(axis=0)
    tf = dense / np.maximum(dense.sum(axis=1, keepdims=True), 1.0)
    weights = tf * np.log1p(average / np.maximum(frequency, 1.0))
    out = []
    for row, raw in zip(weights, dense, strict=True):
        chosen: list[str] = []
        for index in np.argsort(-row, kind="stable"):
            if len(chosen) == top or row[index] <= 0:
                break
            term = str(terms[index])
            if " " in term and raw[index] < 2:  # a phrase seen once is noise
                continue
            parts = set(term.split())
            if any(parts & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
        out.append(chosen)
    return out
