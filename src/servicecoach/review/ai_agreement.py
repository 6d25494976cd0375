"""AI vs human: servicecoach's agreement with the team's reviewers, per skill, per
signal and over time, measured by ``servicecoach.evaluation`` (the figures of
``servicecoach eval``) on the stored results of one run.

The reviews become labels (:mod:`servicecoach.review.labels`) keyed by the
conversation's store key, so that two sources using the same id cannot be confused; the
run's stored results are read back (:mod:`servicecoach.review.results`), never
re-analysed. Over time, reviews are grouped by the month (or, within 93 days, the ISO
week) they were last saved in, and each period is measured on its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from servicecoach.analysis.result import ConversationResult
from servicecoach.evaluation.evaluate import EvalReport, evaluate
from servicecoach.review.labels import label_set
from servicecoach.review.model import Review

__all__ = ["AiAgreement", "PeriodAgreement", "ai_agreement"]


@dataclass(frozen=True, slots=True)
class PeriodAgreement:
    """The figures of the reviews saved in one period."""

    start: date
    reviews: int
    report: EvalReport


@dataclass(frozen=True, slots=True)
class AiAgreement:
    """The whole page: every review in scope at once, and each period apart.

    Attributes:
        reviews: reviews measured.
        overall: the figures over all of them.
        periods: the figures per period, oldest first.
        granularity: ``week`` or ``month``.
    """

    reviews: int
    overall: EvalReport
    periods: tuple[PeriodAgreement, ...]
    granularity: str


def _start(day: date, granularity: str) -> date:
    if granularity == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    return day.replace(day=1)


def _measure(reviews: list[Review], results: Mapping[int, ConversationResult]) -> EvalReport:
    keyed = [dataclasses.replace(r, conversation=str(r.conversation_id)) for r in reviews]
    labels = label_set(keyed)
    if not len(labels):
        return EvalReport()
    chosen = [
        dataclasses.replace(results[pk], conversation=str(pk))
        for pk in sorted({r.conversation_id for r in reviews})
        if pk in results
    ]
    return evaluate(chosen, labels)


def ai_agreement(
    reviews: Iterable[Review], results: Mapping[int, ConversationResult]
) -> AiAgreement:
    """The agreement of ``results`` (by conversation key) with ``reviews``.

    Reviews of conversations without a result in ``results`` are counted as unmatched
    by the evaluation (``report.unmatched``), as ``servicecoach eval`` does.
    """
    chosen = list(reviews)
    days = [r.updated_at.date() for r in chosen]
    granularity = "week" if days and (max(days) - min(days)).days <= 93 else "month"
    groups: dict[date, list[Review]] = {}
    for review, day in zip(chosen, days, strict=True):
        groups.setdefault(_start(day, granularity), []).append(review)
    periods = tuple(
        PeriodAgreement(start, len(group), _measure(group, results))
        for start, group in sorted(groups.items())
    )
    return AiAgreement(len(chosen), _measure(chosen, results), periods, granularity)
