"""What the rewrites know about the customer: emotion, their report, what makes it worse."""

from __future__ import annotations

import pytest

from servicecoach.analysis.emotion import customer_emotions
from servicecoach.assist.facts import gather_facts, second_person
from servicecoach.assist.templates import load_templates
from servicecoach.model.conversation import Channel
from tests.assist.conversations import BILLING_CHAT, JACKET_EMAIL, PARCEL_TWEET, conversation

TEMPLATES = load_templates()


def _facts(turns: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    found = conversation("c", Channel.CHAT, turns)
    return gather_facts(found, "none", customer_emotions(found), TEMPLATES)


def test_facts_of_an_upset_email() -> None:
    facts = gather_facts(JACKET_EMAIL, "draft", customer_emotions(JACKET_EMAIL), TEMPLATES)
    assert facts.emotion == "frustration"
    assert facts.report == "your Ridgeline jacket arrived yesterday with a torn zip"
    assert facts.especially == "after waiting two weeks"
    assert facts.thing == "your Ridgeline jacket"
    assert facts.channel is Channel.EMAIL


def test_facts_report_comes_from_an_earlier_message_when_the_turn_has_none() -> None:
    facts = gather_facts(BILLING_CHAT, "draft", customer_emotions(BILLING_CHAT), TEMPLATES)
    assert facts.report == "you were charged twice for your March subscription"


def test_facts_public_complaint() -> None:
    facts = gather_facts(PARCEL_TWEET, "draft", customer_emotions(PARCEL_TWEET), TEMPLATES)
    assert facts.report == "your parcel never arrived"
    assert facts.public


@pytest.mark.parametrize(
    ("text", "especially"),
    [
        ("I've been waiting 3 weeks for my refund.", "after waiting 3 weeks"),
        (
            "This is the third time I'm asking about it.",
            "as this is the third time you've had to get in touch",
        ),
        (
            "The bag broke and I need it for my flight on Friday.",
            "with your flight on Friday coming up",
        ),
        ("My card was charged twice.", None),
    ],
)
def test_facts_what_makes_it_worse(text: str, especially: str | None) -> None:
    assert _facts([("customer", text)]).especially == especially


@pytest.mark.parametrize(
    ("text", "report"),
    [
        ("I'm really frustrated.", None),
        ("Hi, the screen cracked on day one, and I'm upset.", "the screen cracked on day one"),
        ("Honestly, my order never arrived!", "your order never arrived"),
        ("Why is my parcel late?", None),
    ],
)
def test_facts_report_is_a_clause_with_a_problem(text: str, report: str | None) -> None:
    assert _facts([("customer", text)]).report == report


@pytest.mark.parametrize(
    ("text", "swapped"),
    [
        ("my jacket arrived torn", "your jacket arrived torn"),
        ("I was charged twice and I'm annoyed", "you were charged twice and you're annoyed"),
        ("they sent us the wrong size", "they sent you the wrong size"),
    ],
)
def test_facts_second_person(text: str, swapped: str) -> None:
    assert second_person(text, TEMPLATES.table("report")["swap"]) == swapped
