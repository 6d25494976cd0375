"""Critical (auto-fail) and bonus criteria: they move overall quality, never a skill score,
and do nothing when they could not be judged."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from servicecoach.analysis.criteria import CriteriaChecker
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.registry import analyzers
from servicecoach.analysis.result import ConversationResult
from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.analyses import conversation_pk
from servicecoach.store.database import Store
from servicecoach.store.users import create_user
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli
from tests.criteria.helpers import criterion, write_rubric
from tests.web.conftest import PASSWORD, log_in
from tests.web.login_routes import router

CHAT = make_conversation(
    [
        ("customer", "My jacket arrived with a torn sleeve."),
        ("agent", "I'm sorry about that. I have sent a refund for the jacket today."),
        ("customer", "Thanks, that's great."),
    ]
)


def _run(**changes: object) -> ConversationResult:
    settings: dict[str, object] = {"phrases": ["refund"], **changes}  # fast: phrases decide
    checks = CriteriaChecker({"remedy": criterion(**settings)})
    return Pipeline(list(analyzers().values()), criteria=checks).analyze(CHAT)


def test_a_plain_criterion_changes_nothing() -> None:
    plain = _run()
    assert plain.criteria["remedy"].met is True
    assert plain.effects == {}
    assert plain.outcome.quality is not None and 0 < plain.outcome.quality < 100


def test_a_critical_criterion_against_the_agent_fails_quality_but_no_skill() -> None:
    plain, failed = _run(), _run(polarity=-1, effect="critical")
    assert failed.outcome.quality == 0
    assert failed.effects == {"remedy": "auto_fail"}
    assert failed.to_dict()["criteria"]["remedy"]["effect"] == "auto_fail"
    assert {s: f.score for s, f in failed.skills.items()} == {
        s: f.score for s, f in plain.skills.items()
    }
    assert failed.outcome.satisfaction == plain.outcome.satisfaction


def test_a_critical_criterion_the_agent_met_changes_nothing() -> None:
    kept = _run(effect="critical")  # polarity 1, met: the check passed
    assert kept.effects == {} and kept.outcome == _run().outcome


def test_a_critical_criterion_not_met_fails_when_meeting_it_is_required() -> None:
    missed = _run(effect="critical", phrases=["identity"])
    assert missed.criteria["remedy"].met is False
    assert (missed.outcome.quality, missed.effects) == (0, {"remedy": "auto_fail"})


def test_a_criterion_that_could_not_be_judged_never_fails_a_conversation() -> None:
    checks = CriteriaChecker({"remedy": criterion(effect="critical")})  # fast, no phrases
    result = Pipeline(list(analyzers().values()), criteria=checks).analyze(CHAT)
    assert result.criteria["remedy"].met is None
    assert result.effects == {} and result.outcome.quality != 0


def test_a_bonus_criterion_met_adds_its_points_up_to_100() -> None:
    plain, bonus = _run(), _run(effect="bonus", points=7)
    assert plain.outcome.quality is not None
    assert bonus.outcome.quality == min(100, plain.outcome.quality + 7)
    assert bonus.effects == {"remedy": "bonus +7"}
    assert _run(effect="bonus", points=7, phrases=["identity"]).effects == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"effect": "bonus", "polarity": -1}, "needs polarity = 1"),
        ({"points": 10}, 'points counts only with effect = "bonus"'),
        ({"effect": "bonus", "points": 90}, "less than or equal to 25"),
        ({"effect": "fatal"}, "'none', 'critical' or 'bonus'"),
    ],
)
def test_effects_are_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        criterion(**changes)


def test_the_conversation_page_marks_an_auto_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    examples = "\n".join(
        f"{side} = [{', '.join(repr(t) for t in texts)}]"
        for side, texts in (("meets", criterion().meets), ("misses", criterion().misses))
    )
    rubric = write_rubric(
        tmp_path,
        f'[criteria.remedy]\nlabel = "Offers a refund"\npolarity = -1\neffect = "critical"\n'
        f'phrases = ["refund"]\n{examples}\n',
    )
    chats = tmp_path / "chats.jsonl"
    chats.write_text(
        '{"format": 1, "id": "t1", "channel": "chat", "messages": ['
        '{"id": "m1", "role": "customer", "text": "My jacket arrived torn."}, '
        '{"id": "m2", "role": "agent", "author": "Sam", '
        '"text": "Sorry! I have sent a refund for the jacket today."}]}\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "effects.db")
    with Store.open(db) as store, store.begin() as connection:
        create_user(connection, "root", PASSWORD, "admin")
    assert run_cli(capsys, "import", str(chats), "--db", db, "-q").code == 0
    done = run_cli(capsys, "analyze", "--db", db, "--rubric", str(rubric), "--fast", "-q")
    assert done.code == 0, done.err
    with Store.open(db) as store, store.begin() as connection:
        pk = conversation_pk(connection, "t1")
    with TestClient(create_app(ServiceSettings(db=db, fast=True), routers=[router])) as client:
        log_in(client, "root")
        page = client.get(f"/conversations/{pk}").text
        form = client.get(f"/conversations/{pk}/review").text
        result = client.get(f"/v1/conversations/{pk}").json()["result"]
    assert "auto-fail" in page
    assert '<option value="criteria.remedy"' in form  # a reviewer may mark it missed
    assert result["outcome"]["quality"] == 0
    assert result["criteria"]["remedy"]["effect"] == "auto_fail"
