"""Learned judgement: sentence embeddings and trained heads, computed in batches for analysers.

The pipeline hands each analyser a :class:`LearnedView` of the conversation (or ``None``
in fast mode): every sentence of every message with its embedding (all-MiniLM-L6-v2,
int8 ONNX) and the probabilities of the trained heads (customer emotion, counselling
acts). A :class:`Judge` computes the views of many conversations at once,
so the sentence model runs on large batches; analysers stay pure functions of the
conversation and its view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from servicecoach.model.conversation import Conversation
from servicecoach.nlp.embeddings import Embedder, get_embedder
from servicecoach.nlp.heads import Head, load_head
from servicecoach.nlp.sentences import sentences

__all__ = ["HEADS", "MAX_SENTENCES", "Judge", "LearnedView", "SentenceSpan", "default_judge"]

HEADS = ("emotion", "counselling")
"""The heads every view carries (see src/servicecoach/models/README.md)."""
MAX_SENTENCES = 24
"""Sentences per message that are embedded; later ones (long emails) are left to the rules."""

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """Where one embedded sentence is: message index in the conversation and offsets."""

    message: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LearnedView:
    """The learned judgements of one conversation, one row per sentence.

    Attributes:
        spans: each sentence's message index and offsets, in conversation order.
        embeddings: L2-normalised sentence embeddings, one row per span.
        heads: head name to its outputs, one row per span (probabilities per label).
        labels: head name to its label names (the columns of ``heads``).
    """

    spans: tuple[SentenceSpan, ...]
    embeddings: Matrix
    heads: Mapping[str, Matrix]
    labels: Mapping[str, tuple[str, ...]]

    def rows(self, message: int) -> list[int]:
        """The rows of the sentences of message number ``message``."""
        return [i for i, span in enumerate(self.spans) if span.message == message]

    def row_at(self, message: int, start: int, end: int) -> int | None:
        """The row of the sentence of ``message`` overlapping ``start:end`` most, if any."""
        best, overlap = None, 0
        for i, span in enumerate(self.spans):
            if span.message != message:
                continue
            shared = min(end, span.end) - max(start, span.start)
            if shared > overlap:
                best, overlap = i, shared
        return best

    def probability(self, head: str, label: str, row: int) -> float:
        """The probability ``head`` gives ``label`` for the sentence in ``row``."""
        return float(self.heads[head][row, self.labels[head].index(label)])

    def similarity(self, row: int, others: Sequence[int]) -> float:
        """The highest cosine similarity between sentence ``row`` and ``others`` (0 if none)."""
        if not others:
            return 0.0
        return float(np.max(self.embeddings[list(others)] @ self.embeddings[row]))


class Judge:
    """Computes learned views for batches of conversations.

    Args:
        embedder: the sentence model (default: the bundled one).
        heads: names of the trained heads to apply.
        max_sentences: sentences embedded per message.
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        heads: Sequence[str] = HEADS,
        max_sentences: int = MAX_SENTENCES,
    ) -> None:
        self.embedder = embedder or get_embedder()
        self.heads: dict[str, Head] = {name: load_head(name) for name in heads}
        self.max_sentences = max_sentences

    def view(self, conversation: Conversation) -> LearnedView:
        """The view of one conversation."""
        return self.views([conversation])[0]

    def views(self, conversations: Sequence[Conversation]) -> list[LearnedView]:
        """The views of ``conversations``, their sentences embedded in one batch."""
        spans: list[list[SentenceSpan]] = []
        texts: list[str] = []
        for conversation in conversations:
            found: list[SentenceSpan] = []
            for index, message in enumerate(conversation.messages):
                for sentence in sentences(message.text)[: self.max_sentences]:
                    if sentence.text.strip():
                        found.append(SentenceSpan(index, sentence.start, sentence.end))
                        texts.append(sentence.text)
            spans.append(found)
        embeddings = self.embedder.encode(texts)
        outputs = {name: head.predict(embeddings, texts) for name, head in self.heads.items()}
        labels = {name: head.labels for name, head in self.heads.items()}
        views: list[LearnedView] = []
        offset = 0
        for found in spans:
            rows = slice(offset, offset + len(found))
            views.append(
                LearnedView(
                    tuple(found),
                    embeddings[rows],
                    {name: out[rows] for name, out in outputs.items()},
                    labels,
                )
            )
            offset += len(found)
        return views


@lru_cache(maxsize=1)
def default_judge() -> Judge:
    """The bundled model and heads, loaded once per process."""
    return Judge()
