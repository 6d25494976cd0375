"""Learned judgement: sentence embeddings and trained heads, computed in batches for analysers.

The pipeline hands each analyser a :class:`LearnedView` of the conversation (or ``None``
in fast mode): every sentence of every message with its embedding (all-MiniLM-L6-v2,
int8 ONNX) and the probabilities of the trained heads (customer emotion, counselling
acts, and the ``acts`` head). A :class:`Judge` computes the views of many conversations at
once, so the sentence model runs on large batches; analysers stay pure functions of the
conversation and its view.

The ``acts`` head judges each sentence together with its *context*, the most recent
earlier message of the other side (for an agent's sentence, the customer's last message;
for a customer's, the agent's), from the embeddings computed anyway: no second model pass.
Ask it through the view::

    for row in view.rows(index):
        if view.fires("acts", "closing_check", row):      # at the head's tuned threshold
            ...
        view.probability("acts", "paraphrase", row)       # or the probability itself

Its labels: question, acknowledgement, paraphrase, validation, apology, solution,
closing_check, warm_close, greeting, reason, private_invite (see
src/servicecoach/model_files/README.md). They describe what a helper's sentence does, so read
them on agent (or bot) sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from servicecoach.model.conversation import Conversation, Role
from servicecoach.nlp.embeddings import DIMENSION, Embedder, EmbeddingJob, get_embedder
from servicecoach.nlp.formulaic import model_text
from servicecoach.nlp.heads import Head, lexical_features, load_head, position_features
from servicecoach.nlp.sentences import sentences

__all__ = [
    "HEADS",
    "MAX_SENTENCES",
    "Judge",
    "LearnedView",
    "PairInputs",
    "PreparedViews",
    "ReadyViews",
    "SentenceSpan",
    "TeamDecision",
    "default_judge",
    "pair_inputs",
]

HEADS = ("emotion", "counselling", "acts")
"""The heads every view carries (see src/servicecoach/model_files/README.md)."""
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
        thresholds: head name to its per-label decision thresholds (multilabel heads
            trained with them, such as ``acts``); see :meth:`fires`.
    """

    spans: tuple[SentenceSpan, ...]
    embeddings: Matrix
    heads: Mapping[str, Matrix]
    labels: Mapping[str, tuple[str, ...]]
    thresholds: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    _by_message: dict[int, list[int]] = field(init=False, repr=False, compare=False)
    """The rows of each message, so that a lookup does not scan every sentence."""

    def __post_init__(self) -> None:
        by_message: dict[int, list[int]] = {}
        for row, span in enumerate(self.spans):
            by_message.setdefault(span.message, []).append(row)
        object.__setattr__(self, "_by_message", by_message)

    def rows(self, message: int) -> list[int]:
        """The rows of the sentences of message number ``message``."""
        return list(self._by_message.get(message, ()))

    def row_at(self, message: int, start: int, end: int) -> int | None:
        """The row of the sentence of ``message`` overlapping ``start:end`` most, if any."""
        best, overlap = None, 0
        for i in self._by_message.get(message, ()):
            span = self.spans[i]
            shared = min(end, span.end) - max(start, span.start)
            if shared > overlap:
                best, overlap = i, shared
        return best

    def probability(self, head: str, label: str, row: int) -> float:
        """The probability ``head`` gives ``label`` for the sentence in ``row``."""
        return float(self.heads[head][row, self.labels[head].index(label)])

    def fires(self, head: str, label: str, row: int) -> bool:
        """True when ``head`` gives ``label`` at least its tuned threshold for sentence ``row``.

        Raises:
            KeyError: ``head`` is not in the view or has no thresholds.
            ValueError: ``label`` is not one of the head's labels.
        """
        column = self.labels[head].index(label)
        return bool(self.heads[head][row, column] >= self.thresholds[head][column])

    def with_thresholds(
        self, head: str, overrides: Mapping[str, float | TeamDecision]
    ) -> LearnedView:
        """This view with ``head`` deciding the labels in ``overrides`` at those thresholds
        (a team rubric's ``[signals.thresholds]``); itself when there is nothing to change.

        A :class:`TeamDecision` among them also replaces its label's probabilities by the
        team head's (a rubric's ``[signals] heads``) and decides at its own threshold.

        Raises:
            ValueError: a label is not one of the head's labels.
        """
        if not overrides or head not in self.thresholds:
            return self
        labels = self.labels[head]
        unknown = sorted(set(overrides) - set(labels))
        if unknown:
            raise ValueError(f"the {head} head has no label {unknown[0]!r}")
        merged = tuple(
            _threshold(overrides.get(label, default))
            for label, default in zip(labels, self.thresholds[head], strict=True)
        )
        thresholds = MappingProxyType({**self.thresholds, head: merged})
        heads = self.heads
        team = {label: t for label, t in overrides.items() if isinstance(t, TeamDecision)}
        if team:
            outputs = self.heads[head].copy()
            for label, decision in team.items():
                column = labels.index(label)
                outputs[:, column] = decision.probabilities(self.embeddings, outputs[:, column])
            heads = MappingProxyType({**self.heads, head: outputs})
        return LearnedView(self.spans, self.embeddings, heads, self.labels, thresholds)

    def similarity(self, row: int, others: Sequence[int]) -> float:
        """The highest cosine similarity between sentence ``row`` and ``others`` (0 if none)."""
        if not others:
            return 0.0
        return float(np.max(self.embeddings[list(others)] @ self.embeddings[row]))


@dataclass(frozen=True, eq=False, slots=True)
class TeamDecision:
    """A team's own head for one label and the threshold it fires at
    (``servicecoach tune`` fits it on the team's reviews; ``rubric.TeamHead`` holds it).

    The team head is a logistic regression over the sentence embedding and the shipped
    head's log-odds for the label, so it starts from what the shipped head says and learns
    where the team's reviewers disagree with it.

    Attributes:
        threshold: the probability from which the label fires.
        weights: one weight per embedding dimension.
        shipped: the weight of the shipped head's log-odds.
        bias: the intercept.
    """

    threshold: float
    weights: npt.NDArray[np.float64]
    shipped: float
    bias: float

    @classmethod
    def of(
        cls, threshold: float, weights: Sequence[float], shipped: float, bias: float
    ) -> TeamDecision:
        """A decision from plain numbers (a rubric's heads file)."""
        return cls(float(threshold), np.asarray(weights, dtype=np.float64), shipped, bias)

    def probabilities(
        self, embeddings: npt.NDArray[np.float32], shipped: npt.NDArray[np.float32]
    ) -> npt.NDArray[np.float32]:
        """The team head's probability for each row, given the shipped head's ones."""
        clipped = np.clip(shipped.astype(np.float64), 1e-6, 1 - 1e-6)
        scores = (
            embeddings.astype(np.float64) @ self.weights
            + self.shipped * np.log(clipped / (1 - clipped))
            + self.bias
        )
        return (0.5 * (1.0 + np.tanh(0.5 * scores))).astype(np.float32)


def _threshold(decision: float | TeamDecision) -> float:
    return decision.threshold if isinstance(decision, TeamDecision) else float(decision)


def _one_blas_thread() -> None:
    """Keep numpy's BLAS (OpenBLAS in the numpy wheels) to one thread in this process.

    The heads' matrix products are small; a second BLAS thread only spins, and on two cores
    it takes CPU from the two model sessions and the analysers, which servicecoach already
    runs side by side. On the Twitter sample the views' CPU time with every sentence cached
    went from 1.79 s to 0.90 s (2026-12-04, ``benchmarks/README.md``).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


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
        _one_blas_thread()

    def view(self, conversation: Conversation) -> LearnedView:
        """The view of one conversation."""
        return self.views([conversation])[0]

    def views(self, conversations: Sequence[Conversation]) -> list[LearnedView]:
        """The views of ``conversations``, their sentences embedded in one batch."""
        return self.prepare(conversations).views()

    def prepare(self, conversations: Sequence[Conversation]) -> PreparedViews:
        """Start computing the views of ``conversations``: their sentences are split and
        queued for the sentence model here, and :meth:`PreparedViews.views` waits for
        the model and applies the heads. Between the two, the calling thread is free (the
        pipeline analyses the last batch meanwhile)."""
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
        model_texts = [model_text(text) for text in texts]
        embedding = (
            self.embedder.submit(model_texts)
            if isinstance(self.embedder, Embedder)
            else self.embedder.encode(model_texts)  # another encoder (live assist's cache)
        )
        return PreparedViews(self, conversations, spans, texts, embedding)

    def _views(
        self,
        conversations: Sequence[Conversation],
        spans: list[list[SentenceSpan]],
        texts: list[str],
        embeddings: Matrix,
    ) -> list[LearnedView]:
        lexical = lexical_features(texts)
        outputs: dict[str, Matrix] = {}
        pairs: PairInputs | None = None
        for name, head in self.heads.items():
            if head.inputs == "pair":
                if pairs is None:
                    pairs = _pair_inputs(conversations, spans, embeddings)
                outputs[name] = head.predict_pairs(
                    embeddings, pairs.contexts, pairs.best_cosine, texts, pairs.positions, lexical
                )
            else:
                outputs[name] = head.predict(embeddings, texts, lexical)
        labels = {name: head.labels for name, head in self.heads.items()}
        thresholds = MappingProxyType(
            {name: head.thresholds for name, head in self.heads.items() if head.thresholds}
        )
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
                    thresholds,
                )
            )
            offset += len(found)
        return views


class PreparedViews:
    """Views whose sentences are with the sentence model (:meth:`Judge.prepare`)."""

    def __init__(
        self,
        judge: Judge,
        conversations: Sequence[Conversation],
        spans: list[list[SentenceSpan]],
        texts: list[str],
        embedding: EmbeddingJob | Matrix,
    ) -> None:
        self._judge = judge
        self._conversations = conversations
        self._spans = spans
        self._texts = texts
        self._embedding = embedding

    def views(self) -> list[LearnedView]:
        """The views, in the order of the conversations (waits for the model)."""
        embedding = self._embedding
        embeddings = embedding.result() if isinstance(embedding, EmbeddingJob) else embedding
        return self._judge._views(self._conversations, self._spans, self._texts, embeddings)

    def abandon(self) -> None:
        """The views will not be asked for: the model may forget these sentences."""
        if isinstance(self._embedding, EmbeddingJob):
            self._embedding.abandon()


class ReadyViews:
    """Views computed already, as a :class:`PreparedViews` (for judges that compute them
    some other way, such as stand-ins in tests)."""

    def __init__(self, views: list[LearnedView]) -> None:
        self._views = views

    def views(self) -> list[LearnedView]:
        """The views."""
        return self._views

    def abandon(self) -> None:
        """Nothing to give up: the views are computed."""


@dataclass(frozen=True, slots=True)
class PairInputs:
    """What a pair head needs besides the sentences' embeddings, one row per sentence.

    Attributes:
        contexts: unit mean embedding of the sentence's context message (the other side's
            most recent earlier message with an embedded sentence), zeros without one.
        best_cosine: highest cosine of the sentence with one sentence of its context.
        positions: :func:`~servicecoach.nlp.heads.position_features` of the sentence.
    """

    contexts: Matrix
    best_cosine: Matrix
    positions: Matrix


def _side(role: Role) -> int:
    """0 for the customer's side, 1 for the helper's (agent, bot, system)."""
    return 0 if role is Role.CUSTOMER else 1


def pair_inputs(
    conversation: Conversation, spans: Sequence[SentenceSpan], embeddings: Matrix
) -> PairInputs:
    """The context and position inputs of one conversation's sentences.

    Args:
        conversation: the conversation.
        spans: its embedded sentences in order (as in :class:`LearnedView`).
        embeddings: their embeddings, one row per span.
    """
    return _pair_inputs([conversation], [spans], embeddings)


def _pair_inputs(
    conversations: Sequence[Conversation],
    spans: Sequence[Sequence[SentenceSpan]],
    embeddings: Matrix,
) -> PairInputs:
    """:func:`pair_inputs` of many conversations, whose sentences follow one another in
    ``embeddings``. The position features are computed once for all of them, and each
    message's rows are a slice (its sentences are consecutive): the same numbers as one
    conversation at a time, for a third of the time."""
    n = len(embeddings)
    contexts = np.zeros((n, DIMENSION), dtype=np.float32)
    best = np.zeros(n, dtype=np.float32)
    columns: list[list[float]] = [[], [], [], [], [], []]  # position_features' arguments
    offset = 0
    for conversation, found in zip(conversations, spans, strict=True):
        messages = conversation.messages
        latest: list[slice | None] = [None, None]  # rows of each side's latest message
        seen = [False, False]
        start = 0
        for index, message in enumerate(messages):
            side = _side(message.role)
            first, seen[side] = not seen[side], True
            stop = start
            while stop < len(found) and found[stop].message == index:
                stop += 1
            if stop == start:
                continue
            rows = slice(offset + start, offset + stop)
            context = latest[1 - side]
            if context is not None:
                block = embeddings[context]
                mean = block.mean(axis=0)
                contexts[rows] = mean / max(float(np.linalg.norm(mean)), 1e-12)
                best[rows] = (embeddings[rows] @ block.T).max(axis=1)
            count = stop - start
            columns[0].extend(range(count))
            columns[1].extend([count] * count)
            columns[2].extend([index] * count)
            columns[3].extend([len(messages)] * count)
            columns[4].extend([first] * count)
            columns[5].extend([context is not None] * count)
            latest[side] = rows
            start = stop
        offset += len(found)
    return PairInputs(contexts, best, position_features(*columns))


@lru_cache(maxsize=1)
def default_judge() -> Judge:
    """The bundled model and heads, loaded once per process."""
    return Judge()
