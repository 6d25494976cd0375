"""Human review: reviewers' judgements of conversations, calibration between reviewers,
agents' disputes, the queue of what to review next, and servicecoach's agreement with
the team's reviewers.

The domain logic lives here and touches neither the database nor the web: the store
modules (``store.reviews``, ``store.calibration``, ``store.disputes``,
``store.review_queue``) persist it, and the web app and the CLI show it (docs/review.md).

Modules: :mod:`~.model` (reviews, signal marks, verdicts), :mod:`~.validate` (what a
reviewer typed), :mod:`~.rubric_version`, :mod:`~.labels` (reviews as ``eval`` labels),
:mod:`~.results` (stored results read back), :mod:`~.agreement` (calibration:
Krippendorff's alpha, spread, grader alignment), :mod:`~.ai_agreement` (AI vs human),
:mod:`~.sampling` (queue strategies), :mod:`~.tune` with :mod:`~.tune_learned`,
:mod:`~.team_head` and :mod:`~.reviewed` (``servicecoach tune``: the rubric, team heads
and criteria fitted to the reviews).
"""

from __future__ import annotations

from servicecoach.review.model import Review, ReviewKind, SignalMark, Verdict

__all__ = ["Review", "ReviewKind", "SignalMark", "Verdict"]
