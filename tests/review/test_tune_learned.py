"""``tune`` learns team heads and custom criteria from the reviewed sentences: kept where
the shipped head or the criterion's examples were wrong and the held-aside reviews agree
better, withdrawn or refused where they do not (stub embedder, no model)."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.evaluation.labels import LabelSet
from servicecoach.review.tune import Item, TuneRefused, split_keys, tune
from servicecoach.rubric import Rubric
from servicecoach.testing import make_conversation
from tests.criteria.helpers import criterion
from tests.review.tune_helpers import REFUNDS, SENDS, StubJudge, reviewed_set, use_stub

NOTES = [f"Your {t} was made in a small town in Portugal." for t in ("jacket", "lamp", "kettle",
         "tent", "phone", "rug", "shoes", "bag", "boots", "mug")]  # fmt: skip
"""Not solutions, not remedies; the stub's shipped head calls them solutions (0.9)."""
SOLUTION = "problem_solving.solution"
REMEDY = "criteria.offers_remedy"


def _wrong_head(text: str) -> float:
    """The shipped head, wrong both ways: notes 0.9, replacements 0.5."""
    return 0.9 if text.startswith("Your") else 0.5


def _set(
    pool: list[tuple[str, bool]], signal: str, n: int = 90, flip: Collection[str] = ()
) -> tuple[list[Item], LabelSet]:
    """``n`` reviewed replies cycling through ``pool`` (reply, verdict on ``signal``); the
    held-aside reviewers say the opposite of the others on the replies in ``flip``."""
    keys = [f"c{i}" for i in range(n)]
    held = split_keys(keys, 0.3, 0).held
    replies, labels = {}, {}
    for i, key in enumerate(keys):
        text, verdict = pool[i % len(pool)]
        if key in held and text in flip:
            verdict = not verdict
        replies[key], labels[key] = text, {signal: verdict}
    return reviewed_set(replies, labels)


def test_tune_fits_a_team_head_where_the_shipped_head_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_stub(monkeypatch, StubJudge(_wrong_head))
    items, labels = _set([(s, True) for s in SENDS] + [(s, False) for s in NOTES], SOLUTION)
    result = tune(items, labels, Rubric(), fast=False)
    [change] = result.changes
    assert change.key == f"signals.heads.{SOLUTION}"
    assert str(change.before).startswith("shipped head") and "team head" in str(change.after)
    head = result.tuned.signals.team_heads[SOLUTION]
    assert SOLUTION not in result.tuned.signals.thresholds  # the head has its own
    assert 0 < head.threshold < 1 and head.examples > 0
    assert result.held_f05_before is not None and result.held_f05_after is not None
    assert result.held_f05_after > result.held_f05_before
    assert result.signals_after[SOLUTION].fp == 0
    # Analysis with the tuned rubric uses the head: a replacement is a solution now.
    conversation = make_conversation(
        [("customer", "My order has not arrived."), ("agent", SENDS[3])]
    )
    fired = Pipeline.from_rubric(result.tuned).analyze(conversation).signals_by_message()
    before = Pipeline.from_rubric(Rubric()).analyze(conversation).signals_by_message()
    assert SOLUTION in fired["m2"] and SOLUTION not in before["m2"]


def test_tune_refits_a_criterion_with_the_reviewed_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_stub(monkeypatch)
    pool = [(s, True) for s in SENDS] + [(s, False) for s in NOTES] + [(s, True) for s in REFUNDS]
    items, labels = _set(pool, REMEDY)
    base = Rubric(criteria={"offers_remedy": criterion()})
    result = tune(items, labels, base, fast=False)
    [change] = result.changes
    assert change.key == "criteria.offers_remedy" and "from the reviews" in str(change.after)
    tuned = result.tuned.criteria["offers_remedy"]
    assert set(SENDS) & set(tuned.meets) and set(NOTES) & set(tuned.misses)
    assert set(base.criteria["offers_remedy"].meets) <= set(tuned.meets)
    assert result.held_f05_before is not None and result.held_f05_after is not None
    assert result.held_f05_after > result.held_f05_before
    assert result.signals_after[REMEDY].fn < result.signals_before[REMEDY].fn


def test_tune_withdraws_a_criterion_the_held_aside_reviews_disagree_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_stub(monkeypatch)
    pool = [(s, True) for s in SENDS] + [(s, False) for s in NOTES] + [(s, True) for s in REFUNDS]
    items, labels = _set(pool, REMEDY, flip=SENDS)
    with pytest.raises(TuneRefused, match=r"offers_remedy raised .* was withdrawn") as refused:
        tune(items, labels, Rubric(criteria={"offers_remedy": criterion()}), fast=False)
    result = refused.value.result
    assert [c.key for c in result.withdrawn] == ["criteria.offers_remedy"]
    assert not result.changes and not result.improved


def test_tune_withdraws_a_head_the_held_aside_reviews_disagree_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_stub(monkeypatch, StubJudge(_wrong_head))
    pool = [(s, True) for s in SENDS] + [(s, False) for s in NOTES]
    items, labels = _set(pool, SOLUTION, flip=SENDS + NOTES)  # held aside: the shipped head
    with pytest.raises(TuneRefused, match=r"mean F0\.5") as refused:
        tune(items, labels, Rubric(), fast=False)
    result = refused.value.result
    assert [c.key for c in result.withdrawn] == [f"signals.heads.{SOLUTION}"]
    assert not result.improved


def test_fast_tune_fits_no_head_and_no_criterion(monkeypatch: pytest.MonkeyPatch) -> None:
    use_stub(monkeypatch, StubJudge(_wrong_head))
    items, labels = _set([(s, True) for s in SENDS] + [(s, False) for s in NOTES], SOLUTION)
    with pytest.raises(TuneRefused, match="no setting raised") as refused:
        tune(items, labels, Rubric(criteria={"offers_remedy": criterion()}), fast=True)
    assert not refused.value.result.changes
