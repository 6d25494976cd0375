"""Failures a QA reviewer found in the evidence, each written as a class of mistakes.

Every case runs through the whole pipeline, with the rules alone (fast) and, marked
slow, with the learned models, so neither path can bring a failure back.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.model.conversation import Channel
from servicecoach.rubric import Rubric
from servicecoach.testing import make_conversation

MODES = [
    pytest.param(True, id="fast"),
    pytest.param(False, id="learned", marks=pytest.mark.slow),
]


@lru_cache(maxsize=2)
def _pipeline(fast: bool) -> Pipeline:
    return Pipeline.from_rubric(Rubric(), fast=fast)


def _analyse(
    turns: list[tuple[str, str]], fast: bool, *, public: bool = False
) -> ConversationResult:
    channel = Channel.SOCIAL if public else Channel.CHAT
    conversation = make_conversation(turns, channel=channel, public=public)
    return _pipeline(fast).analyze(conversation)


def _signals(result: ConversationResult) -> list[tuple[str, str, str]]:
    """(signal, message id, quote) for every piece of evidence."""
    return [
        (e.signal, e.message, e.quote)
        for finding in result.skills.values()
        for e in finding.evidence
    ]


def _fired(result: ConversationResult, signal: str) -> list[str]:
    return [quote for name, _, quote in _signals(result) if name == signal]


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    [
        "Please DM us your tracking number and we'll chase it. ^FR",
        "We've replied to you in DM. -JM",
        "Thanks for waiting! ~Ana",
        "@dana_r Happy to help! ^KS",
    ],
)
def test_signoff_initials_and_handles_are_never_restatements(reply: str, fast: bool) -> None:
    result = _analyse(
        [("customer", "@brand my parcel says delivered but it isn't here"), ("agent", reply)],
        fast,
        public=True,
    )
    for quote in _fired(result, "listening.paraphrase") + _fired(result, "listening.question"):
        assert quote.strip(" .!") not in {"^FR", "-JM", "~Ana", "^KS", "@dana_r"}
        assert "^" not in quote and "-JM" not in quote


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "courtesy",
    [
        "Have a great day!",
        "Thanks, you have a lovely weekend as well!",
        "You too! Take care.",
        "Hope you enjoy the rest of your trip!",
        "Oh my!",
    ],
)
def test_courtesies_are_not_paraphrases(courtesy: str, fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "Thanks so much, have a great day and enjoy the weekend!"),
            ("agent", courtesy),
        ],
        fast,
    )
    assert _fired(result, "listening.paraphrase") == []


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "outburst",
    [
        "I'm so done with this company!",
        "Had enough of this. Never buying from you again!",
        "This is a joke, I'm switching to another bank.",
        # praise beside a complaint is sarcasm
        "Not even a sorry? Brilliant.",
        "Still charged twice. Lovely.",
        "Oh great, it's broken again.",
    ],
)
def test_an_angry_customer_is_never_read_as_satisfied(outburst: str, fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "My card was charged twice for one order."),
            ("agent", "I'm sorry, I've refunded the second charge."),
            ("customer", outburst),
        ],
        fast,
    )
    last = result.emotions["m3"].label
    assert last not in {"satisfaction", "gratitude", "relief"}
    assert result.outcome.resolved is not True
    assert result.outcome.satisfaction is not None and result.outcome.satisfaction < 50


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "confirmation",
    [
        "it's been sorted, I've been refunded",
        "All working again now.",
        "that fixed it",
    ],
)
def test_outcome_agrees_with_the_resolved_evidence(confirmation: str, fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "My card was charged twice."),
            ("agent", "I've refunded the second charge; it shows within 3 days."),
            ("customer", confirmation),
        ],
        fast,
    )
    assert _fired(result, "problem_solving.resolved")
    assert result.outcome.resolved is True


@pytest.mark.parametrize("fast", MODES)
def test_a_positive_first_message_is_not_a_resolution(fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "I'd love to book a table for four at 7pm on Saturday, great food!"),
            ("agent", "So that's a table for four this Saturday at 7pm, correct?"),
        ],
        fast,
    )
    assert result.outcome.resolved is None


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "done",
    ["That's all I need.", "No, that's all, thank you.", "Nothing else, cheers."],
)
def test_closing_after_the_customer_is_done_is_not_premature(done: str, fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "I need to move my booking to Friday."),
            ("agent", "Done, your booking is now on Friday at 10am."),
            ("customer", done),
            ("agent", "Thank you, goodbye!"),
        ],
        fast,
    )
    fired = {name for name, _, _ in _signals(result)}
    assert "closing.premature" not in fired
    assert "problem_solving.no_next_step" not in fired
    assert _fired(result, "closing.warm")


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "check",
    ["What else can I help with?", "Is there anything else I can do for you?"],
)
def test_a_closing_check_after_thanks_is_not_dragging_on(check: str, fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "My parcel is late."),
            ("agent", "I've rebooked the delivery for tomorrow morning."),
            ("customer", "Brilliant, thanks! Have a good day."),
            ("agent", f"Glad I could help! {check}"),
        ],
        fast,
    )
    assert _fired(result, "closing.drag") == []
    assert _fired(result, "closing.check")


@pytest.mark.parametrize("fast", MODES)
def test_asking_again_after_nothing_else_still_drags(fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "How do I change my password?"),
            ("agent", "Go to Settings, then Security."),
            ("customer", "No that's everything, thanks"),
            ("agent", "Great. Is there anything else I can help with?"),
        ],
        fast,
    )
    assert _fired(result, "closing.drag")


@pytest.mark.parametrize("fast", MODES)
def test_skills_without_evidence_are_not_applicable(fast: bool) -> None:
    """A calm request answered plainly says nothing of patience or the extra mile."""
    result = _analyse(
        [
            ("customer", "What time do you open on Sunday?"),
            ("agent", "We open at 10am on Sundays."),
            ("customer", "Thanks!"),
        ],
        fast,
    )
    assert result.skills["patience"].score is None
    assert result.skills["extra_mile"].score is None


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    ["Okay.", "Right, I see.", "Got it, thanks.", "Mm-hmm, go on."],
)
def test_backchannels_acknowledge(reply: str, fast: bool) -> None:
    result = _analyse(
        [("customer", "So I plugged it in and the light went red."), ("agent", reply)], fast
    )
    assert _fired(result, "listening.acknowledgement")


@pytest.mark.parametrize("fast", MODES)
def test_yes_answering_a_question_is_not_an_acknowledgement(fast: bool) -> None:
    result = _analyse(
        [("customer", "Do you deliver on Sundays?"), ("agent", "Yes, we deliver every day.")],
        fast,
    )
    assert _fired(result, "listening.acknowledgement") == []


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    [
        "The engineer visit is scheduled for Thursday between 8 and 12.",
        "I have booked a table for four; your reference number is QX41.",
        "There are three hotels in the north; I'd recommend the Acorn.",
        "Maybe you could talk to your manager about the hours.",
    ],
)
def test_informing_booking_and_suggesting_are_solutions(reply: str, fast: bool) -> None:
    result = _analyse(
        [("customer", "My internet has been down since Monday and I need help."), ("agent", reply)],
        fast,
    )
    assert _fired(result, "problem_solving.solution")


@pytest.mark.parametrize("fast", MODES)
def test_a_confirmation_of_the_request_is_a_restatement(fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "I'd like a table for four at 7pm on Saturday."),
            ("agent", "So that's a table for four people this Saturday at 7pm, correct?"),
        ],
        fast,
    )
    assert _fired(result, "listening.paraphrase")
    assert _fired(result, "listening.question") == []


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    [
        "It sounds like you're feeling really overwhelmed right now.",
        "That must be really hard.",
        "Oh no, that's not the news we want you to get.",
        "I feel for you, that's a lot to deal with.",
    ],
)
def test_reflections_of_feeling_and_reactions_validate(reply: str, fast: bool) -> None:
    result = _analyse(
        [("customer", "I lost my job last week and now I can't pay the bill."), ("agent", reply)],
        fast,
    )
    assert _fired(result, "empathy.validation")


@pytest.mark.parametrize("fast", MODES)
def test_how_questions_are_not_validation(fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "My flight got cancelled."),
            ("agent", "How can I let you know when it is rebooked? Let me check how to do that."),
        ],
        fast,
    )
    assert _fired(result, "empathy.validation") == []


@pytest.mark.parametrize("fast", MODES)
def test_an_appeal_to_what_the_customer_gains_is_a_reason(fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "I'm not sure I want to give anything this month."),
            (
                "agent",
                "Even a small gift makes a difference: it will help a family get clean water.",
            ),
        ],
        fast,
    )
    assert _fired(result, "persuasion.reason")
    assert result.skills["persuasion"].score is None  # nothing was steered


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "admission",
    ["Honestly, we messed up here.", "That's on us.", "Our driver damaged your gate, sorry."],
)
def test_liability_in_plain_words_is_flagged(admission: str, fast: bool) -> None:
    result = _analyse(
        [("customer", "Your delivery van knocked my gate over!"), ("agent", admission)], fast
    )
    assert _fired(result, "apology.liability")


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    [
        "What happened?",
        "Wow, is that true?",
        "Tell me how the screen looked when it froze.",
        "I wonder if you could say more about the error.",
        "Were they arguing about the bill or something else?",
    ],
)
def test_short_and_indirect_questions_ask(reply: str, fast: bool) -> None:
    result = _analyse(
        [("customer", "Something went wrong with my account today."), ("agent", reply)], fast
    )
    assert _fired(result, "listening.question")


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    ["Would you like me to book it for you?", "How about the Acorn guesthouse?", "Really?"],
)
def test_offers_and_reactions_are_not_questions_about_the_issue(reply: str, fast: bool) -> None:
    result = _analyse([("customer", "I need a guesthouse in the north."), ("agent", reply)], fast)
    assert _fired(result, "listening.question") == []


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "reply",
    [
        "Oh my! Let me sort that out - a new one ships today.",
        "Wow!! That's not what we want. A replacement is on its way.",
        "Help has arrived!! Your refund went through this morning.",
    ],
)
def test_exclamations_cost_the_agent_nothing(reply: str, fast: bool) -> None:
    """A reaction or delight ("Oh my!", "!!") is no fault of tone or wording.

    (The replies do lack an apology for the broken mug: that miss is real and not asked here.)
    """
    result = _analyse(
        [("customer", "My parcel came open and the mug is broken"), ("agent", reply)], fast
    )
    negative = [
        (e.signal, e.quote)
        for finding in result.skills.values()
        for e in finding.evidence
        if e.polarity < 0
        and e.message == "m2"
        and e.signal.split(".")[0] in ("patience", "clarity", "listening")
    ]
    assert negative == []


@pytest.mark.parametrize("fast", MODES)
@pytest.mark.parametrize(
    "thanks",
    [
        "Thanks so much, I was worried!",
        "Thank you! I was so worried it was lost.",
        "Not even a scratch on it this time, thanks so much!",
        "Brilliant, that fixed it. Thanks!",
    ],
)
def test_thanks_after_a_worry_or_a_fix_is_not_sarcasm(thanks: str, fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "My parcel has not arrived."),
            ("agent", "I've found it: it is at your local depot, ready today."),
            ("customer", thanks),
        ],
        fast,
    )
    assert result.emotions["m3"].label in {"satisfaction", "gratitude", "relief"}


@pytest.mark.parametrize("fast", MODES)
def test_a_worry_still_present_beside_thanks_is_anxiety(fast: bool) -> None:
    result = _analyse(
        [
            ("customer", "My parcel has not arrived."),
            ("agent", "I've found it: it is at your local depot."),
            ("customer", "Thanks. I'm worried it won't come before Friday."),
        ],
        fast,
    )
    assert result.emotions["m3"].label == "anxiety"
