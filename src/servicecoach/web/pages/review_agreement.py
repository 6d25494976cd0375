"""``/reviews/agreement``: AI vs human for a team (admins and leads).

servicecoach's agreement with the team's reviewers, per skill (Spearman's rho of its
score with the reviewers'), per signal (precision, recall and F1 of its highlights
against the reviewers' agree / wrong / missed verdicts) and over time (the same figures
per week or month of review), computed by ``servicecoach.evaluation`` on the latest
run's stored results (``review.ai_agreement``): the figures ``servicecoach eval`` prints
for the team's own reviews. A lead sees their team; an admin picks a team, or all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, select

from servicecoach.errors import NotFoundError
from servicecoach.review.ai_agreement import AiAgreement, ai_agreement
from servicecoach.review.results import result_from_dict
from servicecoach.server.state import State
from servicecoach.store.analyses import latest_run
from servicecoach.store.filters import Scope, ScopeKind
from servicecoach.store.reviews import list_reviews, stored_results
from servicecoach.store.schema import agents
from servicecoach.web.auth import Viewer, require_role
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.templating import render

__all__ = ["AgreementPage", "agreement_page", "load_agreement", "router"]

router = APIRouter(include_in_schema=False)
Lead = Annotated[Viewer, Depends(require_role("admin", "lead", page=True))]


@dataclass(frozen=True, slots=True)
class AgreementPage:
    """The figures of one team (``team`` ``None``: every team, for admins)."""

    team: str | None
    run: int | None
    agreement: AiAgreement | None
    teams: tuple[str, ...]


def _teams(connection: Connection) -> tuple[str, ...]:
    rows = connection.execute(select(agents.c.team).where(agents.c.team.is_not(None)).distinct())
    return tuple(sorted(str(row.team) for row in rows))


def load_agreement(connection: Connection, viewer: Viewer, team: str | None) -> AgreementPage:
    """The agreement page of ``team`` as ``viewer`` may see it (a lead: their own team).

    Raises:
        NotFoundError: a lead asking for another team.
    """
    if viewer.scope.kind is ScopeKind.TEAM:
        if team not in (None, viewer.scope.value):
            raise NotFoundError(f"no team {team!r} in your view")
        team, scope = viewer.scope.value, viewer.scope
    elif viewer.scope.kind is ScopeKind.ALL:
        scope = Scope.team(team) if team else Scope.everything()
    else:
        raise NotFoundError("the AI-vs-human figures are for leads and admins")
    teams = _teams(connection) if viewer.scope.kind is ScopeKind.ALL else ((team,) if team else ())
    try:
        run: int | None = latest_run(connection).id
    except NotFoundError:
        run = None
    reviews = list_reviews(connection, scope)
    if run is None or not reviews:
        return AgreementPage(team, run, None, teams)
    stored = stored_results(connection, run, [r.conversation_id for r in reviews])
    results = {pk: result_from_dict(data) for pk, data in stored.items()}
    return AgreementPage(team, run, ai_agreement(reviews, results), teams)


def _period(start: Any, granularity: str) -> str:
    return f"w/c {start:%d %b %Y}" if granularity == "week" else f"{start:%b %Y}"


@router.get("/reviews/agreement", response_class=HTMLResponse)
def agreement_page(request: Request, state: State, viewer: Lead) -> HTMLResponse:
    """servicecoach's agreement with the team's reviewers, per skill, signal and period."""
    team = request.query_params.get("team") or None
    with reading(state) as connection:
        try:
            page = load_agreement(connection, viewer, team)
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Not found", str(exc))
    found = page.agreement
    periods = [_period(p.start, found.granularity) for p in found.periods] if found else []
    return render(
        request, "review_agreement.html", viewer, active="reviews", page=page,
        periods=periods,
    )  # fmt: skip
