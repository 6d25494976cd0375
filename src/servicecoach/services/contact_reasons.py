"""Building the wider-issues grouping: embed new conversations, group all, store.

A build is incremental: only conversations without a stored embedding from the same
model are embedded (each batch is committed, so an interrupted build resumes where it
stopped); the grouping itself is recomputed over every stored embedding and replaces
the previous one in one transaction. The page only reads what a build stored.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from servicecoach.analysis.contact_reasons import Clustering, Encoder, cluster_reasons, reason_text
from servicecoach.errors import ConfigError
from servicecoach.store.contact_reasons import (
    load_embeddings,
    missing_embeddings,
    replace_reasons,
    save_embeddings,
)
from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations

__all__ = ["ReasonsBuild", "build_contact_reasons", "default_encoder", "store_reasons"]


@dataclass(frozen=True, slots=True)
class ReasonsBuild:
    """What a build did.

    Attributes:
        model: the embedding model.
        embedded: conversations embedded by this build.
        empty: of those, conversations without customer text (stored, not grouped).
        grouped: conversations with an embedding that were grouped.
        assigned: of those, conversations in a contact reason.
        reasons: contact reasons found.
        seconds: how long it took.
    """

    model: str
    embedded: int
    empty: int
    grouped: int
    assigned: int
    reasons: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (``--json``)."""
        return {
            "model": self.model,
            "embedded": self.embedded,
            "empty": self.empty,
            "grouped": self.grouped,
            "assigned": self.assigned,
            "reasons": self.reasons,
            "seconds": round(self.seconds, 3),
        }


def default_encoder() -> tuple[Encoder, str]:
    """The sentence encoder of ``servicecoach.nlp.embeddings`` and its model name.

    Raises:
        ConfigError: the embeddings module or its model is not available.
    """
    try:
        module = importlib.import_module("servicecoach.nlp.embeddings")
        embedder = module.get_embedder()
    except (ImportError, OSError) as exc:
        raise ConfigError(
            f"sentence embeddings are not available ({exc}); install servicecoach with its "
            "embedding model to group contact reasons"
        ) from None
    name = getattr(embedder, "model_name", None) or getattr(embedder, "name", None) or "default"
    encode: Encoder = embedder.encode
    return encode, str(name)


def build_contact_reasons(
    store: Store,
    encode: Encoder,
    model: str,
    *,
    batch_size: int = 256,
    min_size: int | None = None,
    distance_threshold: float = 0.6,
    progress: Callable[[int, int, int], None] | None = None,
) -> ReasonsBuild:
    """Embed the conversations not embedded yet, group every embedding, store the groups.

    Args:
        store: the database.
        encode: texts to L2-normalised embeddings.
        model: the name of the encoder's model (stored with each embedding; a new model
            embeds everything again).
        batch_size: conversations embedded and committed at a time.
        min_size: the smallest contact reason (default: 3, or one in 2,000 grouped
            conversations when that is more).
        distance_threshold: see :func:`~servicecoach.analysis.contact_reasons.cluster_reasons`.
        progress: called with ``(done, total, embedded)`` while embedding.
    """
    started = time.perf_counter()
    with store.connect() as connection:
        todo = missing_embeddings(connection, model)
    embedded = empty = 0
    for offset in range(0, len(todo), batch_size):
        chunk = todo[offset : offset + batch_size]
        with store.begin() as connection:
            texts = [
                (s.pk, reason_text(s.conversation))
                for s in iter_conversations(connection, ids=chunk)
            ]
            wanted = [(pk, text) for pk, text in texts if text]
            vectors = np.asarray(encode([t for _, t in wanted])) if wanted else np.empty((0, 0))
            by_pk = {pk: vectors[i] for i, (pk, _) in enumerate(wanted)}
            save_embeddings(connection, model, [(pk, text, by_pk.get(pk)) for pk, text in texts])
        embedded += len(texts)
        empty += len(texts) - len(wanted)
        if progress is not None:
            progress(offset + len(chunk), len(todo), embedded)
    with store.connect() as connection:
        ids, texts_all, matrix = load_embeddings(connection, model)
    size = min_size if min_size is not None else max(3, len(ids) // 2000)
    clustering = cluster_reasons(
        texts_all, matrix, min_size=size, distance_threshold=distance_threshold
    )
    return store_reasons(store, ids, clustering, model, embedded, empty, started)


def store_reasons(
    store: Store,
    ids: Sequence[int],
    clustering: Clustering,
    model: str,
    embedded: int,
    empty: int,
    started: float,
) -> ReasonsBuild:
    """Replace the stored contact reasons with ``clustering`` of ``ids`` (one transaction)
    and say what the build did; ``started`` is its ``time.perf_counter()`` start."""
    with store.begin() as connection:
        reasons = replace_reasons(connection, ids, clustering, model)
    return ReasonsBuild(
        model=model,
        embedded=embedded,
        empty=empty,
        grouped=len(ids),
        assigned=int((clustering.labels >= 0).sum()),
        reasons=reasons,
        seconds=time.perf_counter() - started,
    )
