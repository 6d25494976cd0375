"""Live assist on drafts a QA reviewer would flag (or would not), in our own words."""

from __future__ import annotations

import re

import pytest

from servicecoach.assist import check_draft
from servicecoach.testing import make_conversation


def _kinds(turns: list[tuple[str, str]], draft: str) -> list[str]:
    return [s.kind for s in check_draft(make_conversation(turns), draft).suggestions]


@pytest.mark.parametrize(
    ("draft", "flagged"),
    [
        pytest.param("Your refund request is with our payments team.", True, id="subject-only"),
        pytest.param("Your refund reaches your card within 3 business days.", False, id="a-time"),
        pytest.param("It will be back with you by Friday.", False, id="a-day"),
    ],
)
def test_a_when_question_needs_a_time_not_just_its_subject(draft: str, flagged: bool) -> None:
    kinds = _kinds([("customer", "When will my refund arrive?")], draft)
    assert ("listening.unanswered_question" in kinds) is flagged


@pytest.mark.parametrize(
    ("draft", "flagged"),
    [
        pytest.param("We will look at it.", True, id="vague-promise"),
        pytest.param("We're on it and will be in touch.", True, id="on-it"),
        pytest.param("We will look at it and update you by 3pm.", False, id="with-a-time"),
        pytest.param("I've refunded the second charge.", False, id="an-action"),
    ],
)
def test_a_draft_without_a_next_step_is_flagged(draft: str, flagged: bool) -> None:
    kinds = _kinds([("customer", "You charged my card twice and I'm furious!")], draft)
    assert ("problem_solving.no_next_step" in kinds) is flagged


@pytest.mark.parametrize(
    "customer",
    [
        "You charged my card twice and I'm furious!",
        "My order arrived damaged again, I'm so frustrated.",
        "The app deleted my photos already, I'm really upset.",
    ],
)
def test_empathy_rewrites_read_as_english(customer: str) -> None:
    check = check_draft(make_conversation([("customer", customer)]), "We will look at it.")
    rewrites = [s.rewrite or "" for s in check.suggestions if s.kind == "empathy.missing"]
    assert rewrites
    for rewrite in rewrites:  # "frustrating ... with your card twice" is not English
        assert not re.search(r"\byour \w+(?: \w+)? (?:twice|again|already)\b", rewrite), rewrite


@pytest.mark.parametrize(
    "admission",
    ["Honestly, we messed up here and we'll fix it.", "That's on us, sorry."],
)
def test_liability_in_plain_words_is_caught_in_drafts(admission: str) -> None:
    kinds = _kinds([("customer", "Your van knocked my gate over!")], admission)
    assert "apology.liability" in kinds
