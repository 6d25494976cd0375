"""Reviews as ``servicecoach eval`` labels (docs/eval.md): the bridge from the team's
judgement to the agreement figures.

A review becomes at most one conversation label (its scores; not-applicable skills are
left out, since the labels file has no "not applicable") and one message label per
message it marked: a signal is ``true`` where the reviewer agreed or marked it missed,
``false`` where they said servicecoach was wrong (any agreeing or missed span of the same
signal in the message wins: the signal is there). Highlights left unmarked say nothing.

Which reviews count (:data:`LABEL_KINDS`): ordinary reviews, a calibration session's
agreed answers and dispute corrections; the blind calibration reviews only on request,
since their session's agreed answer stands for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from servicecoach.evaluation.labels import LabelSet, parse_label
from servicecoach.review.model import Review, ReviewKind

__all__ = ["LABEL_KINDS", "label_lines", "label_set", "review_labels"]

LABEL_KINDS = frozenset({ReviewKind.REVIEW, ReviewKind.AGREED, ReviewKind.DISPUTE})
"""The kinds of review exported as labels by default."""


def review_labels(review: Review) -> list[dict[str, Any]]:
    """The labels-file objects of one review (conversation label first, then messages)."""
    out: list[dict[str, Any]] = []
    scores = {skill: score for skill, score in review.scores.items() if score is not None}
    if scores:
        out.append({"conversation": review.conversation, "scores": scores})
    by_message: dict[str, dict[str, bool]] = {}
    for mark in review.signals:
        signals = by_message.setdefault(mark.message, {})
        signals[mark.signal] = signals.get(mark.signal, False) or mark.verdict.present
    for message, signals in by_message.items():
        out.append(
            {"conversation": review.conversation, "message": message, "signals": dict(signals)}
        )
    return out


def label_lines(
    reviews: Iterable[Review], *, kinds: frozenset[ReviewKind] = LABEL_KINDS
) -> Iterator[dict[str, Any]]:
    """Every label of the reviews of ``kinds``, review by review."""
    for review in reviews:
        if review.kind in kinds:
            yield from review_labels(review)


def label_set(reviews: Iterable[Review], *, kinds: frozenset[ReviewKind] = LABEL_KINDS) -> LabelSet:
    """The reviews as the :class:`LabelSet` ``servicecoach eval`` measures against
    (each label checked by the labels file's own parser)."""
    labels = LabelSet()
    for number, line in enumerate(label_lines(reviews, kinds=kinds), start=1):
        labels.add(parse_label(line, number))
    return labels
