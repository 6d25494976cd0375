"""Rewrites: a small pure function filling the templates with the customer's own words."""

from __future__ import annotations

import pytest

from servicecoach.assist.facts import Facts
from servicecoach.assist.rewrites import Target, choose_rewrite, indirect_question
from servicecoach.assist.templates import load_templates

TEMPLATES = load_templates()


def _rewrite(kind: str, text: str, facts: Facts | None = None, **target: object) -> str | None:
    return choose_rewrite(Target(kind, text, **target), facts or Facts(), TEMPLATES)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("How fast can you ship a new one?", "how fast we can ship a new one"),
        (
            "Will I need to send the old one back first?",
            "whether you will need to send the old one back first",
        ),
        ("Can you send it to my office instead?", "whether we can send it to your office instead"),
        ("When will it arrive?", "when it will arrive"),
        ("Also, is it in stock?", "whether it is in stock"),
        ("Why does it keep crashing?", None),
        ("What's going on?", None),
    ],
)
def test_rewrites_indirect_question(question: str, asked: str | None) -> None:
    assert indirect_question(question) == asked


@pytest.mark.parametrize(
    ("sentence", "rewrite"),
    [
        (
            "We can't refund you until the jacket is back with us.",
            "As soon as the jacket is back with us, we can refund you.",
        ),
        (
            "Unfortunately, I can't change the address unless you send proof of ID.",
            "If you send proof of ID, I can change the address.",
        ),
        (
            "We cannot process the return without a receipt.",
            "Once we have a receipt, we can process the return.",
        ),
        ("Your order won't ship until Monday.", "Your order will ship on Monday."),
        ("We can't ship it until Monday.", "We can ship it on Monday."),
        ("I can't book it until next week.", "I can book it next week."),
        (
            "It won't be dispatched until payment clears.",
            "It will be dispatched as soon as payment clears.",
        ),
        (
            "It's not possible to change the address until it ships.",
            "As soon as it ships, I can change the address.",
        ),
        (
            "We can't offer refunds on sale items.",
            "What we can do is [the nearest option] - we can't offer refunds on sale items here.",
        ),
        ("That's not possible.", "What I can do instead is [the nearest option]."),
        ("The weather is bad.", None),
    ],
)
def test_rewrites_negative_language_leads_with_what_can_be_done(
    sentence: str, rewrite: str | None
) -> None:
    assert _rewrite("clarity.negative_language", sentence) == rewrite


def test_rewrites_negative_language_keeps_the_analysers_own_rewrite() -> None:
    own = "The Ridgeline tent is due back next week - I can order it now so it ships the day it arrives."
    assert _rewrite("clarity.negative_language", "x", advice=own) == own


@pytest.mark.parametrize(
    ("facts", "opening", "rewrite"),
    [
        pytest.param(
            Facts(
                emotion="anxiety",
                report="your flight was cancelled",
                especially="with your wedding on Saturday coming up",
            ),
            "Thanks for your email.",
            "I understand how worrying it is that your flight was cancelled, especially with "
            "your wedding on Saturday coming up. Thanks for your email.",
            id="anxiety",
        ),
        pytest.param(
            Facts(emotion="anger", report="you were charged twice"),
            "Hi Sam, thanks for getting in touch.",
            "Hi Sam, I can see why you're angry that you were charged twice. Thanks for "
            "getting in touch.",
            id="anger-after-greeting",
        ),
        pytest.param(
            Facts(emotion="sadness", report="your order never arrived"),
            "Hi Dana!",
            "Hi Dana! I'm so sorry that your order never arrived - I can see how upsetting "
            "this is.",
            id="sadness-greeting-only",
        ),
        pytest.param(
            Facts(emotion="confusion", thing="your bill"),
            "Here's how it works.",
            "I can see why your bill is confusing - let me walk you through it. Here's how it "
            "works.",
            id="confusion-plain",
        ),
        pytest.param(
            Facts(emotion=None),
            "Here's what I found.",
            "I can see how frustrating this is with this. Here's what I found.",
            id="nothing-known",
        ),
    ],
)
def test_rewrites_empathy_opener_fits_emotion_and_words(
    facts: Facts, opening: str, rewrite: str
) -> None:
    assert _rewrite("empathy.missing", opening, facts) == rewrite


@pytest.mark.parametrize(
    ("kind", "text", "rewrite"),
    [
        (
            "patience.shouting",
            "PLEASE READ THE EMAIL WE SENT YOU!!",
            "Please read the email we sent you.",
        ),
        ("patience.shouting", "CHECK THE UPS TRACKING LINK NOW", "Check the UPS tracking link now"),
        ("patience.dismissive", "It is what it is", "Here's what I can do"),
        ("patience.blame", "like I said", "to recap"),
        ("patience.blame", "you should have", None),
        ("problem_solving.transfer", "another department", None),
    ],
)
def test_rewrites_calm_wording(kind: str, text: str, rewrite: str | None) -> None:
    assert _rewrite(kind, text) == rewrite


def test_rewrites_jargon_takes_the_plain_swap() -> None:
    advice = 'Say "our promised response time" instead of "SLA".'
    assert _rewrite("clarity.jargon", "SLA", advice=advice) == "our promised response time"


@pytest.mark.parametrize(
    ("sentence", "rewrite"),
    [
        (
            "What's your email address?",
            "Please send us a DM with your email address and we'll look into it there.",
        ),
        (
            "It went to 12 Elm Street.",
            "I've sent you a DM with the details so we can sort this out privately.",
        ),
    ],
)
def test_rewrites_personal_data_goes_private(sentence: str, rewrite: str) -> None:
    from servicecoach.model.conversation import Channel

    facts = Facts(channel=Channel.SOCIAL, public=True)
    assert _rewrite("private.data_in_public", sentence, facts) == rewrite
