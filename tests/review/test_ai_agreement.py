"""AI vs human: the eval figures of stored results against reviews, overall and per
period; the page and its JSON for leads (their team) and admins (any team)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from servicecoach.review.ai_agreement import ai_agreement
from servicecoach.review.model import Review, ReviewKind, SignalMark, Verdict
from servicecoach.review.results import result_from_dict
from tests.web.conftest import DashboardApp


def _result(pk: int, empathy: int, fired: bool) -> Any:
    evidence = [{"message": "m2", "start": 0, "end": 5, "signal": "empathy.validation",
                 "polarity": 1, "quote": "Sorry"}] if fired else []  # fmt: skip
    return result_from_dict({
        "conversation": f"t{pk}",
        "skills": {"empathy": {"score": empathy, "applicable": True, "evidence": evidence},
                   "closing": {"score": None, "applicable": False, "evidence": []}},
        "messages": [{"id": "m1", "role": "customer", "emotion": {"label": "anger", "score": 0.8}},
                     {"id": "m2", "role": "agent"}],
        "outcome": {"quality": 70, "resolved": True},
    })  # fmt: skip


def _review(pk: int, empathy: int, verdict: Verdict, month: int) -> Review:
    when = datetime(2026, month, 3, tzinfo=UTC)
    mark = SignalMark("m2", "empathy.validation", verdict, 0, 5, "Sorry")
    return Review(pk, pk, f"t{pk}", "nora", ReviewKind.REVIEW, None, "sam", "north", 1,
                  "rubric-x", {"empathy": empathy, "closing": 50}, (mark,), "", when, when)  # fmt: skip


def test_ai_agreement_overall_and_per_month() -> None:
    results = {1: _result(1, 80, True), 2: _result(2, 40, True), 3: _result(3, 60, False),
               4: _result(4, 20, False)}  # fmt: skip
    reviews = [
        _review(1, 90, Verdict.AGREE, 1), _review(2, 50, Verdict.WRONG, 1),
        _review(3, 70, Verdict.MISSED, 6), _review(4, 10, Verdict.WRONG, 6),
        _review(9, 10, Verdict.WRONG, 6),  # no result in the run
    ]  # fmt: skip
    found = ai_agreement(reviews, results)
    assert found.granularity == "month" and found.reviews == 5
    empathy = found.overall.scores["empathy"]
    assert (empathy.rho, empathy.n) == (1.0, 4)
    assert found.overall.scores["closing"].missing == 4  # servicecoach: not applicable
    signal = found.overall.signals["empathy.validation"]
    assert (signal.tp, signal.fp, signal.fn, signal.tn) == (1, 1, 1, 1)
    assert found.overall.unmatched == ["9"]
    assert [p.start.isoformat() for p in found.periods] == ["2026-01-01", "2026-06-01"]
    assert [p.reviews for p in found.periods] == [2, 3]
    assert found.periods[0].report.signals["empathy.validation"].precision == 0.5


def test_ai_agreement_weeks_within_three_months() -> None:
    results = {1: _result(1, 80, True)}
    found = ai_agreement([_review(1, 90, Verdict.AGREE, 2)], results)
    assert found.granularity == "week"
    assert found.periods[0].start.isoformat() == "2026-02-02"  # the Monday


def _review_api(
    app: DashboardApp, user: str, conversation: str, empathy: int, signals: list[Any]
) -> None:
    answer = app.client.post(
        f"/v1/conversations/{app.built.pks[conversation]}/reviews",
        json={"scores": {"empathy": empathy}, "signals": signals},
        headers=app.headers(user, write=True),
    )
    assert answer.status_code == 201, answer.text


def test_ai_agreement_page_and_api_per_team(dashboard_app: DashboardApp) -> None:
    app = dashboard_app
    assert "No reviews in this view yet" in app.get("nora", "/reviews/agreement").text
    wrong = {
        "message": "m2",
        "signal": "empathy.validation",
        "verdict": "wrong",
        "start": 0,
        "end": 22,
    }
    missed = {"message": "m3", "signal": "problem_solving.solution", "verdict": "missed",
              "quote": "Let me look at the refund."}  # fmt: skip
    _review_api(app, "nora", "c1", 70, [wrong])
    _review_api(app, "nora", "c2", 30, [])
    _review_api(app, "nora", "c3", 50, [missed])
    _review_api(app, "sol", "c4", 95, [])
    north = app.get("nora", "/v1/reviews/agreement").json()
    assert (north["team"], north["reviews"], north["granularity"]) == ("north", 3, "week")
    assert north["overall"]["scores"]["empathy"]["rho"] == 1.0  # 80, 40, 60 vs 70, 30, 50
    assert north["overall"]["signals"]["empathy.validation"]["precision"] == 0.0
    assert north["overall"]["signals"]["problem_solving.solution"]["recall"] == 0.0
    assert len(north["periods"]) == 1
    assert app.get("nora", "/v1/reviews/agreement?team=south").status_code == 404
    assert app.get("sam", "/v1/reviews/agreement").status_code == 403
    assert app.get("root", "/v1/reviews/agreement?team=south").json()["reviews"] == 1
    assert app.get("root", "/v1/reviews/agreement").json()["reviews"] == 4
    page = app.get("nora", "/reviews/agreement")
    assert page.status_code == 200
    assert 'data-skill="empathy"' in page.text and 'data-signal="empathy.validation"' in page.text
    assert app.get("sol", "/reviews/agreement?team=north").status_code == 404
    assert app.get("lee", "/reviews/agreement").status_code == 403
    assert 'value="south"' in app.get("root", "/reviews/agreement").text


@pytest.mark.parametrize("user", ["nora", "root"])
def test_ai_agreement_linked_from_the_hub(dashboard_app: DashboardApp, user: str) -> None:
    assert 'href="/reviews/agreement"' in dashboard_app.get(user, "/reviews").text
