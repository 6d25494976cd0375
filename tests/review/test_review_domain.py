"""The review domain: what a reviewer typed, and reviews as eval labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from servicecoach.errors import ConfigError
from servicecoach.evaluation.labels import parse_label
from servicecoach.review.labels import label_set, review_labels
from servicecoach.review.model import Review, ReviewKind, SignalMark, Verdict
from servicecoach.review.rubric_version import DEFAULT_RUBRIC_VERSION, rubric_version
from servicecoach.review.validate import check_mark, locate_quote, parse_score, parse_scores
from servicecoach.rubric import Rubric


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", (False, None)), ("na", (True, None)), ("N/A", (True, None)), (None, (True, None)),
     ("0", (True, 0)), (" 85 ", (True, 85)), (100, (True, 100))],
)  # fmt: skip
def test_validate_parse_score(value: str | int | None, expected: tuple[bool, int | None]) -> None:
    assert parse_score("empathy", value) == expected


@pytest.mark.parametrize("value", ["101", "-1", "7.5", "great", 150])
def test_validate_parse_score_refuses_with_the_fix(value: str | int) -> None:
    with pytest.raises(ConfigError, match=r"empathy: .* from 0 to 100 \(or n/a\)"):
        parse_score("empathy", value)


def test_validate_parse_scores_in_skill_order_and_unknown_skills() -> None:
    assert parse_scores({"closing": "na", "empathy": "70", "apology": ""}) == {
        "empathy": 70, "closing": None,
    }  # fmt: skip
    with pytest.raises(ConfigError, match="'charm' is not a skill"):
        parse_scores({"charm": 5})


@pytest.mark.parametrize(
    ("text", "quote", "start", "span"),
    [
        ("It arrives tomorrow.", "arrives tomorrow", None, (3, 19)),
        ("It arrives tomorrow.", " arrives tomorrow ", None, (3, 19)),
        ("It ARRIVES tomorrow.", "arrives", None, (3, 10)),
        ("ok ok ok", "ok", 3, (3, 5)),
        ("ok ok ok", "ok", 1, (0, 2)),  # the offset does not match: first occurrence
        ("ok ok ok", " ok", 2, (3, 5)),  # the selection's leading space is trimmed
    ],
)
def test_validate_locate_quote(
    text: str, quote: str, start: int | None, span: tuple[int, int]
) -> None:
    assert locate_quote(text, quote, start) == span


def test_validate_locate_quote_refuses_missing_words() -> None:
    with pytest.raises(ConfigError, match="not in that message: copy them exactly"):
        locate_quote("It arrives tomorrow.", "next week")
    with pytest.raises(ConfigError, match="select the words"):
        locate_quote("It arrives tomorrow.", "  ")


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        (SignalMark("m9", "empathy.validation", Verdict.MISSED, 0, 2, "It"), "no message 'm9'"),
        (SignalMark("m1", "Empathy", Verdict.MISSED, 0, 2, "It"), "not a signal id"),
        (SignalMark("m1", "empathy.validation", Verdict.MISSED, 0, 99, "It"), "outside message"),
        (SignalMark("m1", "empathy.telepathy", Verdict.MISSED, 0, 2, "It"), "not a known signal"),
        (SignalMark("m1", "empathy.validation", Verdict.WRONG, 0, 2, "It"), "mark it as missed"),
    ],
)
def test_validate_check_mark_refuses(mark: SignalMark, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_mark(mark, {"m1": "It arrives tomorrow."}, {"m1:3:10:empathy.validation"})


def _review(signals: tuple[SignalMark, ...], scores: dict[str, int | None]) -> Review:
    when = datetime(2026, 5, 1, tzinfo=UTC)
    return Review(1, 7, "T-1", "nora", ReviewKind.REVIEW, None, "sam", "north", 1,
                  "rubric-x", scores, signals, "", when, when)  # fmt: skip


def test_labels_of_a_review_in_the_eval_shape() -> None:
    review = _review(
        (
            SignalMark("m2", "empathy.validation", Verdict.WRONG, 0, 5, "Sorry"),
            SignalMark("m2", "apology.apology", Verdict.AGREE, 0, 5, "Sorry"),
            SignalMark("m4", "problem_solving.solution", Verdict.MISSED, 3, 19, "arrives"),
            SignalMark("m4", "empathy.validation", Verdict.WRONG, 0, 2, "It"),
            SignalMark("m4", "empathy.validation", Verdict.AGREE, 5, 9, "rive"),
        ),
        {"empathy": 60, "closing": None},
    )
    lines = review_labels(review)
    assert lines == [
        {"conversation": "T-1", "scores": {"empathy": 60}},
        {"conversation": "T-1", "message": "m2",
         "signals": {"empathy.validation": False, "apology.apology": True}},
        {"conversation": "T-1", "message": "m4",
         "signals": {"problem_solving.solution": True, "empathy.validation": True}},
    ]  # fmt: skip
    for number, line in enumerate(lines, 1):
        parse_label(line, number)  # the eval parser takes every line
    assert len(label_set([review])) == 3


def test_labels_only_not_applicable_scores_give_no_conversation_label() -> None:
    assert review_labels(_review((), {"closing": None})) == []


def test_rubric_version_is_stable_and_follows_the_rubric() -> None:
    assert rubric_version(Rubric()) == DEFAULT_RUBRIC_VERSION
    assert DEFAULT_RUBRIC_VERSION.startswith("rubric-") and len(DEFAULT_RUBRIC_VERSION) == 19
    assert rubric_version(Rubric(weights={"empathy": 2})) != DEFAULT_RUBRIC_VERSION
