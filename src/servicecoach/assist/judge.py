"""The learned models for live assist: loaded once, with sentence embeddings cached.

While an agent types, the conversation's sentences stay the same and only the draft
changes, so the embedding of every sentence is kept (up to ``size`` sentences, least
recently used dropped first) and each check embeds only the draft's new sentences.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from servicecoach.analysis.learned import Judge

__all__ = ["CachedEmbedder", "live_judge", "shared_live_judge"]


class _Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> Any: ...


class CachedEmbedder:
    """An embedder that remembers the embedding of each sentence it has seen.

    Args:
        embedder: the sentence model (anything with ``encode(texts) -> matrix``).
        size: how many sentences to remember.
    """

    def __init__(self, embedder: _Encoder, size: int = 4096) -> None:
        self.embedder = embedder
        self.size = size
        self._rows: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.embedder, name)  # dimension, model name, ... of the real model

    def clear(self) -> None:
        """Forget every embedding (benchmarks time the first check of a conversation)."""
        with self._lock:
            self._rows.clear()

    def encode(self, texts: Sequence[str]) -> Any:
        """The embeddings of ``texts``, one row each, computing only the unseen ones."""
        import numpy as np

        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._rows]
        if missing:
            computed = self.embedder.encode(missing)
            with self._lock:
                for text, row in zip(missing, computed, strict=True):
                    self._rows[text] = row
                while len(self._rows) > self.size:
                    self._rows.popitem(last=False)
        if not texts:
            return self.embedder.encode([])
        with self._lock:
            rows = []
            for text in texts:
                row = self._rows.get(text)
                if row is None:  # dropped by a concurrent check: compute it again
                    row = self.embedder.encode([text])[0]
                else:
                    self._rows.move_to_end(text)
                rows.append(row)
        return np.stack(rows)


def live_judge(size: int = 4096, threads: int | None = None) -> Judge:
    """The bundled learned models with a sentence-embedding cache, loaded now.

    Args:
        size: how many sentences' embeddings to keep.
        threads: ONNX Runtime threads for the sentence model (``None``: the shared
            process-wide model, which uses every core).
    """
    from servicecoach.analysis.learned import Judge
    from servicecoach.nlp.embeddings import Embedder, get_embedder

    embedder = get_embedder() if threads is None else Embedder(threads=threads)
    return Judge(embedder=CachedEmbedder(embedder, size))  # type: ignore[arg-type]


@cache
def shared_live_judge() -> Judge:
    """One :func:`live_judge` per process, shared by every checker (and its cache)."""
    return live_judge()
