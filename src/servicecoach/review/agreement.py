"""How far reviewers agree in a calibration session, and who grades strictest.

Agreement per skill is Krippendorff's alpha at the interval level (the ``krippendorff``
package): 1 is perfect agreement, 0 what chance would give, below 0 systematic
disagreement. Reviewers are the coders and the session's conversations the units; a
skill a reviewer found not applicable (or left blank) is a missing value. It is given
twice: among the people, and with servicecoach's own scores as one more coder, so the
lead sees whether servicecoach sits inside the team's spread or outside it.

The spread of a skill is the mean, over conversations scored by two or more people, of
the range (highest minus lowest score) and of the standard deviation.

Grader alignment compares each grader (every reviewer, and servicecoach) with the
consensus of each conversation and skill: the session's agreed answer where the lead
recorded one, else the median of the *other* reviewers' scores. A negative mean
difference grades below the consensus (strict), a positive one above it (lenient).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from servicecoach.analysis.skills import skill_names

__all__ = [
    "AI_GRADER",
    "GraderAlignment",
    "SessionAgreement",
    "SkillAgreement",
    "alpha",
    "session_agreement",
]

AI_GRADER = "servicecoach"
"""The name servicecoach's own scores go by among the graders."""

Scores = Mapping[str, int | None]
"""One grader's scores of one conversation: skill to 0-100, ``None``: not applicable."""


@dataclass(frozen=True, slots=True)
class SkillAgreement:
    """Agreement on one skill across the session's conversations.

    Attributes:
        skill: the skill.
        alpha: Krippendorff's alpha among the reviewers (``None``: too little to tell).
        alpha_with_ai: the same with servicecoach as one more reviewer.
        units: conversations that two or more reviewers scored.
        mean_range: mean of (highest - lowest) reviewer score over those conversations.
        mean_sd: mean standard deviation of the reviewers' scores over them.
    """

    skill: str
    alpha: float | None
    alpha_with_ai: float | None
    units: int
    mean_range: float | None
    mean_sd: float | None


@dataclass(frozen=True, slots=True)
class GraderAlignment:
    """One grader against the consensus.

    Attributes:
        grader: a reviewer's username, or :data:`AI_GRADER`.
        compared: skill scores compared with a consensus.
        mean_difference: mean of (grader - consensus): below 0 strict, above 0 lenient.
        mean_absolute: mean of the absolute differences.
    """

    grader: str
    compared: int
    mean_difference: float | None
    mean_absolute: float | None


@dataclass(frozen=True, slots=True)
class SessionAgreement:
    """Everything the calibration results show."""

    skills: tuple[SkillAgreement, ...]
    graders: tuple[GraderAlignment, ...]

    @property
    def strictest(self) -> str | None:
        """The grader with the lowest mean difference (``None`` with fewer than two)."""
        known = [g for g in self.graders if g.mean_difference is not None]
        if len(known) < 2:
            return None
        return min(known, key=lambda g: (g.mean_difference or 0.0, g.grader)).grader

    @property
    def most_lenient(self) -> str | None:
        """The grader with the highest mean difference (``None`` with fewer than two)."""
        known = [g for g in self.graders if g.mean_difference is not None]
        if len(known) < 2:
            return None
        return max(known, key=lambda g: (g.mean_difference or 0.0, g.grader)).grader


def alpha(matrix: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's interval alpha of coders x units (``None`` for missing values).

    ``None`` when it is undefined: fewer than two coders with a pairable unit, or a
    single value throughout.
    """
    import numpy as np
    from krippendorff import alpha as krippendorff_alpha

    rows = [[math.nan if v is None else float(v) for v in row] for row in matrix]
    rows = [row for row in rows if any(not math.isnan(v) for v in row)]
    if len(rows) < 2:
        return None
    data = np.array(rows, dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    values = data[:, pairable]
    if not pairable.any() or len(set(values[~np.isnan(values)].tolist())) < 2:
        return None
    return round(
        float(krippendorff_alpha(reliability_data=data, level_of_measurement="interval")), 3
    )


def _consensus(agreed: Scores | None, others: list[int], skill: str) -> float | None:
    if agreed is not None and agreed.get(skill) is not None:
        return float(agreed[skill])  # type: ignore[arg-type]
    return float(statistics.median(others)) if others else None


def session_agreement(
    reviews: Mapping[int, Mapping[str, Scores]],
    ai: Mapping[int, Scores],
    agreed: Mapping[int, Scores] | None = None,
    *,
    reviewers: Sequence[str] = (),
) -> SessionAgreement:
    """Agreement figures of a session.

    Args:
        reviews: conversation -> reviewer -> scores (only reviews given).
        ai: conversation -> servicecoach's scores.
        agreed: conversation -> the agreed answer, where the lead recorded one.
        reviewers: every reviewer of the session (those with no review yet still listed).
    """
    agreed = agreed or {}
    units = sorted(set(reviews) | set(ai))
    graders = sorted({r for by in reviews.values() for r in by} | set(reviewers))
    skills: list[SkillAgreement] = []
    for skill in skill_names():
        matrix = [[reviews.get(u, {}).get(g, {}).get(skill) for u in units] for g in graders]
        with_ai = [*matrix, [ai.get(u, {}).get(skill) for u in units]]
        groups = [[v for v in column if v is not None] for column in zip(*matrix, strict=True)]
        groups = [g for g in groups if len(g) >= 2]
        if not any(v is not None for row in with_ai for v in row):
            continue
        skills.append(
            SkillAgreement(
                skill=skill,
                alpha=alpha(matrix),
                alpha_with_ai=alpha(with_ai),
                units=len(groups),
                mean_range=_mean([max(g) - min(g) for g in groups]),
                mean_sd=_mean([statistics.pstdev(g) for g in groups]),
            )
        )
    alignments = [_align(g, units, reviews, ai, agreed) for g in [*graders, AI_GRADER]]
    return SessionAgreement(tuple(skills), tuple(alignments))


def _align(
    grader: str,
    units: Sequence[int],
    reviews: Mapping[int, Mapping[str, Scores]],
    ai: Mapping[int, Scores],
    agreed: Mapping[int, Scores],
) -> GraderAlignment:
    differences: list[float] = []
    for unit in units:
        by = reviews.get(unit, {})
        own = ai.get(unit, {}) if grader == AI_GRADER else by.get(grader, {})
        for skill in skill_names():
            mine = own.get(skill)
            if mine is None:
                continue
            others = [
                s
                for name, scores in by.items()
                if name != grader and (s := scores.get(skill)) is not None
            ]
            consensus = _consensus(agreed.get(unit), others, skill)
            if consensus is not None:
                differences.append(mine - consensus)
    return GraderAlignment(
        grader=grader,
        compared=len(differences),
        mean_difference=_mean(differences),
        mean_absolute=_mean([abs(d) for d in differences]),
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None
