"""Reviews in the store, on every backend: saved and updated, scoped, with history."""

from __future__ import annotations

import pytest

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.model import ReviewKind, SignalMark, Verdict
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.reviews import (
    change_score,
    conversation_owner,
    get_review,
    list_reviews,
    review_history,
    save_review,
)
from tests.store.dashboard_data import Built

WRONG = SignalMark("m2", "empathy.validation", Verdict.WRONG, 0, 22, "I'm sorry to hear that")
MISSED = SignalMark("m4", "problem_solving.solution", Verdict.MISSED, 3, 19, "arrives tomorrow")


def _save(store: Store, built: Built, scope: Scope, reviewer: str, conversation: str = "c1", **kw):  # type: ignore[no-untyped-def]
    with store.begin() as connection:
        return save_review(
            connection,
            scope,
            conversation_id=built.pks[conversation],
            reviewer=reviewer,
            rubric_version="rubric-test",
            scores=kw.pop("scores", {"empathy": 60, "closing": None}),
            signals=kw.pop("signals", [WRONG, MISSED]),
            comment=kw.pop("comment", "Kind, but no real apology."),
            **kw,
        )


def test_store_reviews_saved_with_reviewer_time_rubric_and_owner(
    store: Store, built: Built
) -> None:
    review = _save(store, built, Scope.team("north"), "nora")
    assert (review.reviewer, review.agent, review.team, review.run) == (
        "nora",
        "sam",
        "north",
        built.run,
    )
    assert review.conversation == "c1"
    assert review.rubric_version == "rubric-test"
    assert review.scores == {"empathy": 60, "closing": None}
    assert review.signals == (WRONG, MISSED)
    assert review.created_at.tzinfo is not None
    again = _save(store, built, Scope.team("north"), "nora", scores={"empathy": 65})
    assert again.id == review.id
    assert again.scores == {"empathy": 65}
    assert again.created_at == review.created_at and again.updated_at >= review.updated_at


@pytest.mark.parametrize(
    ("scope", "sees"),
    [
        (Scope.everything(), True),
        (Scope.team("north"), True),
        (Scope.team("south"), False),
        (Scope.agent("sam"), True),
        (Scope.agent("lee"), False),
        (Scope.nothing(), False),
    ],
)
def test_store_reviews_read_within_scope(
    store: Store, built: Built, scope: Scope, sees: bool
) -> None:
    review = _save(store, built, Scope.everything(), "root")
    with store.connect() as connection:
        assert bool(list_reviews(connection, scope)) is sees
        if sees:
            assert get_review(connection, scope, review.id).id == review.id
        else:
            with pytest.raises(NotFoundError):
                get_review(connection, scope, review.id)


def test_store_reviews_lead_writes_only_their_team(store: Store, built: Built) -> None:
    with pytest.raises(NotFoundError):
        _save(store, built, Scope.team("south"), "sol")
    with pytest.raises(NotFoundError):
        _save(store, built, Scope.agent("sam"), "sam")
    _save(store, built, Scope.team("south"), "sol", conversation="c4")


def test_store_reviews_agents_never_see_blind_calibration_reviews(
    store: Store, built: Built
) -> None:
    from servicecoach.store.calibration import create_session
    from servicecoach.store.users import create_user

    with store.begin() as connection:
        for name in ("nora", "nia"):
            create_user(connection, name, "a long password", "lead", team="north")
        session = create_session(
            connection, Scope.team("north"), title="May", conversations=[built.pks["c1"]],
            reviewers=["nora", "nia"], created_by="nora",
        )  # fmt: skip
    _save(
        store,
        built,
        Scope.team("north"),
        "nia",
        kind=ReviewKind.CALIBRATION,
        calibration_id=session.id,
    )
    with store.connect() as connection:
        assert list_reviews(connection, Scope.agent("sam"), kinds=list(ReviewKind)) == []
        assert len(list_reviews(connection, Scope.team("north"), kinds=list(ReviewKind))) == 1
        assert list_reviews(connection, Scope.team("north")) == []  # default: not calibration


def test_store_reviews_session_needed_for_calibration_kinds(store: Store, built: Built) -> None:
    with pytest.raises(ConfigError, match="needs"):
        _save(store, built, Scope.everything(), "root", kind=ReviewKind.CALIBRATION)
    with pytest.raises(ConfigError, match="comment"):
        _save(store, built, Scope.everything(), "root", comment="x" * 5001)


def test_store_reviews_score_change_keeps_history(store: Store, built: Built) -> None:
    review = _save(store, built, Scope.everything(), "root")
    with store.begin() as connection:
        change_score(connection, review.id, "empathy", 75, "nora")
    with store.connect() as connection:
        assert get_review(connection, Scope.everything(), review.id).scores["empathy"] == 75
        [change] = review_history(connection, review.id)
    assert (change.skill, change.old_score, change.new_score, change.changed_by) == (
        "empathy", 60, 75, "nora",
    )  # fmt: skip


def test_store_reviews_owner_of_a_conversation(store: Store, built: Built) -> None:
    with store.connect() as connection:
        assert conversation_owner(connection, built.pks["c3"]).agent == "ana"
        assert conversation_owner(connection, built.pks["c5"]).team is None
        with pytest.raises(NotFoundError):
            conversation_owner(connection, 999_999)
