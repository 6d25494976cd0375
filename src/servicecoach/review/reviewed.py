"""Reviewed sentences: what the reviewers said of one signal on one stretch of text, as
examples a tune can learn from (team heads, custom criteria).

A review's signal marks carry their span (agree and wrong name a highlight, missed the
words the reviewer selected), so a reviewed sentence from a review knows exactly which
words it is about. A labels file only says whether a message has the signal; a sentence
from it covers the whole message (``start`` and ``end`` ``None``), and a learner decides
which of the message's sentences it stands for (:func:`example_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from servicecoach.analysis.learned import LearnedView
from servicecoach.evaluation.labels import LabelSet
from servicecoach.model.conversation import Conversation
from servicecoach.review.labels import LABEL_KINDS
from servicecoach.review.model import Review

__all__ = [
    "ExampleRow",
    "ReviewedSentence",
    "example_rows",
    "from_labels",
    "from_reviews",
]


@dataclass(frozen=True, slots=True)
class ReviewedSentence:
    """A reviewer's verdict on one signal in one message.

    Attributes:
        key: the conversation's key (as in the labels).
        message: the message id.
        signal: the signal id, ``family.name``.
        present: whether the reviewer says the signal is there (agree, missed).
        start, end: the span the verdict is about; ``None`` for the whole message.
    """

    key: str
    message: str
    signal: str
    present: bool
    start: int | None = None
    end: int | None = None


def from_reviews(reviews: Iterable[Review], key_of: Mapping[int, str]) -> list[ReviewedSentence]:
    """Every signal mark of the reviews that count as labels (:data:`LABEL_KINDS`).

    Args:
        reviews: the reviews.
        key_of: the store key of a conversation to its key in the labels.
    """
    return [
        ReviewedSentence(
            key_of[review.conversation_id],
            mark.message,
            mark.signal,
            mark.verdict.present,
            mark.start,
            mark.end,
        )
        for review in reviews
        if review.kind in LABEL_KINDS and review.conversation_id in key_of
        for mark in review.signals
    ]


def from_labels(labels: LabelSet) -> list[ReviewedSentence]:
    """Every single-signal message label, as a verdict on the whole message (a key listing
    alternatives, ``a.b|c.d``, names no one signal and is left out)."""
    return [
        ReviewedSentence(label.conversation, label.message, signal, present)
        for found in labels.messages.values()
        for label in found
        for signal, present in label.signals.items()
        if "|" not in signal
    ]


@dataclass(frozen=True, slots=True)
class ExampleRow:
    """One reviewed sentence located in a learned view.

    Attributes:
        key: the conversation's key.
        row: the sentence's row in the view.
        text: the sentence's words (trimmed).
        present: the reviewer's verdict.
    """

    key: str
    row: int
    text: str
    present: bool


def example_rows(
    reviewed: Iterable[ReviewedSentence],
    signal: str,
    conversations: Mapping[str, Conversation],
    views: Mapping[str, LearnedView],
    pick: Callable[[str, Sequence[int]], int] | None = None,
) -> Iterator[ExampleRow]:
    """The sentences of ``views`` the verdicts on ``signal`` are about.

    A verdict with a span is about the sentence that overlaps it most. One on a whole
    message says, when present, that *one* of its sentences has the signal: the one
    ``pick(key, rows)`` chooses (e.g. the one the model now finds likeliest), the first
    when ``pick`` is ``None``; when absent, that none has it: every sentence is an
    example. A verdict whose conversation, message or sentence
    is not there is skipped.
    """
    for verdict in reviewed:
        if verdict.signal != signal:
            continue
        conversation = conversations.get(verdict.key)
        view = views.get(verdict.key)
        if conversation is None or view is None:
            continue
        index = next(
            (i for i, m in enumerate(conversation.messages) if m.id == verdict.message), None
        )
        if index is None:
            continue
        if verdict.start is not None and verdict.end is not None:
            found = view.row_at(index, verdict.start, verdict.end)
            rows = [] if found is None else [found]
        else:
            rows = view.rows(index)
            if verdict.present and rows:
                rows = [pick(verdict.key, rows) if pick is not None else rows[0]]
        text = conversation.messages[index].text
        for row in rows:
            span = view.spans[row]
            words = text[span.start : span.end].strip()
            if words:
                yield ExampleRow(verdict.key, row, words, verdict.present)
