"""What a calibration session's page (and its API answer) shows: who has scored what,
and, once the blindness rule allows (``store.calibration.results_visible``), every
score side by side, the agreement per skill, the spread and each grader's alignment
(``review.agreement``), with servicecoach's own scores of the latest run as one more
grader."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from servicecoach.analysis.skills import skill_names
from servicecoach.errors import NotFoundError
from servicecoach.review.agreement import AI_GRADER, SessionAgreement, session_agreement
from servicecoach.review.model import ReviewKind
from servicecoach.store.analyses import latest_run
from servicecoach.store.calibration import CalibrationSession, results_visible, session_reviews
from servicecoach.store.conversation_list import ConversationRow, select_rows, to_row
from servicecoach.store.filters import Filters, Scope, metrics_conditions
from servicecoach.store.schema import conversation_metrics

__all__ = ["CalibrationView", "SessionRow", "calibration_view", "metrics_rows"]

Scores = dict[str, int | None]


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One conversation of the session.

    Attributes:
        conversation_id: its key.
        name: ``source:id``.
        agent: its agent.
        done: the reviewers who have scored it.
        scores: grader (reviewers, then servicecoach) to their scores (empty while hidden).
        agreed: the agreed answer, if recorded.
    """

    conversation_id: int
    name: str
    agent: str | None
    done: tuple[str, ...]
    scores: dict[str, Scores]
    agreed: Scores | None


@dataclass(frozen=True, slots=True)
class CalibrationView:
    """The session page: its rows, whether the results show, and the agreement."""

    session: CalibrationSession
    rows: tuple[SessionRow, ...]
    visible: bool
    agreement: SessionAgreement | None
    skills: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The API's JSON shape (scores and agreement only when visible)."""
        out: dict[str, Any] = {
            **self.session.to_dict(),
            "results_visible": self.visible,
            "conversations": [
                {
                    "conversation_id": r.conversation_id,
                    "name": r.name,
                    "agent": r.agent,
                    "done": list(r.done),
                    **({"scores": r.scores, "agreed": r.agreed} if self.visible else {}),
                }
                for r in self.rows
            ],
        }
        if self.visible and self.agreement is not None:
            out["agreement"] = {
                "skills": [
                    {
                        "skill": s.skill,
                        "alpha": s.alpha,
                        "alpha_with_servicecoach": s.alpha_with_ai,
                        "units": s.units,
                        "mean_range": s.mean_range,
                        "mean_sd": s.mean_sd,
                    }
                    for s in self.agreement.skills
                ],
                "graders": [
                    {
                        "grader": g.grader,
                        "compared": g.compared,
                        "mean_difference": g.mean_difference,
                        "mean_absolute": g.mean_absolute,
                    }
                    for g in self.agreement.graders
                ],
                "strictest": self.agreement.strictest,
                "most_lenient": self.agreement.most_lenient,
            }
        return out


def metrics_rows(connection: Connection, pks: Sequence[int]) -> dict[int, ConversationRow]:
    """The latest finished run's metrics rows of ``pks`` (those it analysed)."""
    if not pks:
        return {}
    try:
        run = latest_run(connection).id
    except NotFoundError:
        return {}
    conditions = [
        *metrics_conditions(run, Filters(), Scope.everything()),
        conversation_metrics.c.conversation_id.in_(list(pks)),
    ]
    return {
        row.conversation_id: row for row in map(to_row, connection.execute(select_rows(conditions)))
    }


def calibration_view(
    connection: Connection, session: CalibrationSession, viewer: str
) -> CalibrationView:
    """The session as ``viewer`` may see it."""
    blind = session_reviews(connection, session, [ReviewKind.CALIBRATION])
    agreed = {
        r.conversation_id: dict(r.scores)
        for r in session_reviews(connection, session, [ReviewKind.AGREED])
    }
    by_unit: dict[int, dict[str, Scores]] = {}
    for review in blind:
        by_unit.setdefault(review.conversation_id, {})[review.reviewer] = dict(review.scores)
    mine = {pk for pk, by in by_unit.items() if viewer in by}
    visible = results_visible(session, viewer, mine)
    metrics = metrics_rows(connection, session.conversations)
    ai = {pk: dict(row.scores) for pk, row in metrics.items()}
    rows = []
    for pk in session.conversations:
        row = metrics.get(pk)
        by = by_unit.get(pk, {})
        shown: dict[str, Scores] = {}
        if visible:
            shown = {name: by[name] for name in session.reviewers if name in by}
            shown[AI_GRADER] = ai.get(pk, {})
        rows.append(
            SessionRow(
                conversation_id=pk,
                name=f"{row.source}:{row.external_id}" if row else str(pk),
                agent=row.agent if row else None,
                done=tuple(name for name in session.reviewers if name in by),
                scores=shown,
                agreed=agreed.get(pk) if visible else None,
            )
        )
    agreement = (
        session_agreement(by_unit, ai, agreed, reviewers=session.reviewers) if visible else None
    )
    skills = tuple(
        s for s in skill_names() if any(s in scores for r in rows for scores in r.scores.values())
    )
    return CalibrationView(session, tuple(rows), visible, agreement, skills)
