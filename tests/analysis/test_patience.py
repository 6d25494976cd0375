"""The patience analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.patience import PatienceAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.model.conversation import Message, Role
from servicecoach.testing import check_finding, make_conversation

ANALYZER = PatienceAnalyzer()


def _run(turns: list[tuple[str, str]]) -> SkillFinding:
    return ANALYZER.analyze(make_conversation(turns), Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [("customer", "Where is my parcel?"), ("agent", "It ships Monday - here's the link.")],
            None,
            [],
            id="calm",
        ),
        pytest.param(
            [("customer", "Hello"), ("customer", "Anyone there?")],
            None,
            [],
            id="no-reply-not-applicable",
        ),
        pytest.param(
            [
                ("customer", "Where is it?"),
                ("agent", "You should have checked the tracking page. Like I said, it's Monday."),
            ],
            40,
            [("patience.blame", "You should have"), ("patience.blame", "Like I said")],
            id="blame",
        ),
        pytest.param(
            [
                ("customer", "Where is it?"),
                ("agent", "You should have received an email - I'll resend it now."),
            ],
            None,
            [],
            id="should-have-received-is-not-blame",
        ),
        pytest.param(
            [
                ("customer", "Where is it?"),
                ("agent", "You shouldn't have had to wait this long, I'm sorry."),
            ],
            None,
            [],
            id="shouldnt-have-had-to-wait",
        ),
        pytest.param(
            [
                ("customer", "Where is it?"),
                ("agent", "Obviously you didn't read the confirmation email."),
            ],
            70,
            [("patience.blame", "Obviously you didn't read")],
            id="obviously-you-blame-merged",
        ),
        pytest.param(
            [("customer", "Refund?"), ("agent", "Obviously, as the page says, no refunds.")],
            70,
            [("patience.blame", "Obviously, as")],
            id="obviously-as",
        ),
        pytest.param(
            [("customer", "It broke!"), ("agent", "You'll obviously get a full refund.")],
            None,
            [],
            id="obviously-positive-is-not-blame",
        ),
        pytest.param(
            [("customer", "It broke!"), ("agent", "Obviously you can keep the old one.")],
            None,
            [],
            id="obviously-you-can-is-not-blame",
        ),
        pytest.param(
            [("customer", "This is late."), ("agent", "Please calm down. It is what it is.")],
            40,
            [("patience.dismissive", "calm down"), ("patience.dismissive", "It is what it is")],
            id="dismissive",
        ),
        pytest.param(
            [("customer", "Is it booked?"), ("agent", "Yes! Relax and enjoy your trip!")],
            None,
            [],
            id="relax-friendly-is-not-dismissive",
        ),
        pytest.param(
            [("customer", "Where is it?"), ("agent", "Relax, it will get there.")],
            70,
            [("patience.dismissive", "Relax")],
            id="bare-relax",
        ),
        pytest.param(
            [("customer", "Where is it?"), ("agent", "Just relax, it will get there.")],
            70,
            [("patience.dismissive", "Just relax")],
            id="just-relax",
        ),
        pytest.param(
            [("customer", "Is it booked?"), ("agent", "All done - just relax and enjoy the trip.")],
            None,
            [],
            id="just-relax-friendly",
        ),
        pytest.param(
            [("customer", "Is it booked?"), ("agent", "It's booked. Relax, you're all set!")],
            None,
            [],
            id="relax-comma-friendly",
        ),
        pytest.param(
            [
                ("customer", "Can I swap it?"),
                ("agent", "Whatever size you need, I'll arrange it."),
                ("agent", "Whatever."),
            ],
            70,
            [("patience.dismissive", "Whatever")],
            id="whatever",
        ),
        pytest.param(
            [("customer", "Is it open?"), ("agent", "We'll reopen once things calm down.")],
            None,
            [],
            id="calm-down-about-things",
        ),
        pytest.param(
            [("customer", "Where is it?"), ("agent", "YOU NEED TO WAIT FOR THE COURIER.")],
            75,
            [("patience.shouting", "YOU NEED TO WAIT FOR THE COURIER.")],
            id="caps",
        ),
        pytest.param(
            [
                ("customer", "How do I reach you?"),
                ("agent", "Please DM us your order ID, or see the FAQ URL. OK?"),
            ],
            None,
            [],
            id="acronyms-are-not-shouting",
        ),
        pytest.param(
            [
                ("customer", "Where is it?"),
                ("agent", "Your USPS and UPS labels for ORD-5521 are in the PDF."),
            ],
            None,
            [],
            id="carrier-names-and-codes",
        ),
        pytest.param(
            [
                ("customer", "THIS IS TOTALLY RIDICULOUS"),
                ("agent", 'You wrote "THIS IS TOTALLY RIDICULOUS" and I understand why.'),
            ],
            100,
            [],
            id="customer-caps-quoted",
        ),
        pytest.param(
            [
                ("customer", "WHERE IS MY ORDER"),
                ("agent", "> WHERE IS MY ORDER\nIt ships today, sorry for the wait."),
            ],
            100,
            [],
            id="customer-quoted-line",
        ),
        pytest.param(
            [("customer", "Where is it?"), ("agent", "Stop emailing us, it ships Monday!!!")],
            75,
            [("patience.shouting", "Stop emailing us, it ships Monday!!!")],
            id="bangs",
        ),
        pytest.param(
            [("customer", "It came!"), ("agent", "Thanks so much, glad it arrived!!")],
            None,
            [],
            id="friendly-bangs",
        ),
        pytest.param(
            [("customer", "Where is it?"), ("agent", "Help has arrived!! It ships Monday.")],
            None,
            [],
            id="bangs-alone-are-delight-not-shouting",
        ),
        pytest.param(
            [
                ("customer", "Who handles this?"),
                ("agent", "That's not my department, I just work here."),
            ],
            40,
            [
                ("patience.defensive", "not my department"),
                ("patience.defensive", "I just work here"),
            ],
            id="defensive",
        ),
        pytest.param(
            [("customer", "It's still late."), ("agent", "Not my fault. That's not on us.")],
            40,
            [("patience.defensive", "Not my fault"), ("patience.defensive", "That's not on us")],
            id="defensive-2",
        ),
        pytest.param(
            [("customer", "I'll fix it myself."), ("agent", "Good luck with that.")],
            80,
            [("patience.sarcasm", "Good luck with that")],
            id="sarcasm",
        ),
        pytest.param(
            [
                ("customer", "Any update?"),
                ("agent", "Thanks for your patience - it shipped this morning."),
            ],
            None,
            [],
            id="thanks-for-patience-is-not-sarcasm",
        ),
        pytest.param(
            [
                ("customer", "Where is my order?"),
                ("agent", "Let me check that for you."),
                ("customer", "This is RIDICULOUS, three weeks!!!"),
                ("agent", "As I already said, it's not my fault."),
            ],
            20,
            [
                ("patience.blame", "As I already said"),
                ("patience.defensive", "not my fault"),
                ("patience.degrading", "As I already said, it's not my fault."),
            ],
            id="degrading",
        ),
        pytest.param(
            [
                ("customer", "Where is my order?"),
                ("agent", "Let me check that for you."),
                ("customer", "Thanks."),
                ("agent", "Like I said, it ships Monday."),
            ],
            70,
            [("patience.blame", "Like I said")],
            id="rude-without-anger-is-not-degrading",
        ),
        pytest.param(
            [
                ("customer", "THIS IS UNACCEPTABLE!!!"),
                ("agent", "I completely understand. I've expedited it - it arrives tomorrow."),
                ("customer", "It had better, this is ridiculous."),
                ("agent", "It will. I'll message you when it's out for delivery."),
            ],
            100,
            [],
            id="angry-customer-clean-agent",
        ),
    ],
)
def test_patience_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


@pytest.mark.parametrize(
    ("reply", "quotes"),
    [
        ("That's a stupid question, it's on the website.", ["stupid"]),
        ("What's wrong with you? The form is right there.", ["What's wrong with you"]),
        ("Damn, I can't find it either.", ["Damn"]),
        ("That's nonsense, we never charge twice.", ["That's nonsense"]),
        ("Don't be ridiculous, it ships Monday.", ["Don't be ridiculous"]),
        ("Can't you read? Shut up and wait.", ["Can't you read", "Shut up"]),
        # kind phrases and the agent's words about themself are not rude
        ("There are no stupid questions - it's under Settings.", []),
        ("Not a stupid question at all! It's under Settings.", []),
        ("Silly me, stupid me - I sent the wrong link. Here it is.", []),
        # a word that only contains a rude one
        ("The dumbbells ship Monday; the crappie lures are back in stock.", []),
    ],
)
def test_patience_impolite_words(reply: str, quotes: list[str]) -> None:
    finding = _run([("customer", "How do I change my address?"), ("agent", reply)])
    found = [e.quote for e in finding.evidence if e.signal == "patience.impolite"]
    assert found == quotes
    assert finding.score == (None if not finding.evidence else 100 - 30 * len(finding.evidence))


@pytest.mark.parametrize(
    ("reply", "quotes"),
    [
        ("Why didn't you check the tracking page first?", ["Why didn't you"]),
        ("Why would you order it twice? I'll cancel one.", ["Why would you"]),
        ("Did you even restart it?", ["Did you even"]),
        # questions that ask a reason or suggest are not challenges
        ("Why do you want to cancel? I may have a better plan for you.", []),
        ("Why don't you try a restart while I check?", []),
        ("I can see why you're upset - I've refunded it.", []),
    ],
)
def test_patience_challenging_questions_are_blame(reply: str, quotes: list[str]) -> None:
    finding = _run([("customer", "My order came twice."), ("agent", reply)])
    assert [e.quote for e in finding.evidence if e.signal == "patience.blame"] == quotes
    assert all(e.suggestion for e in finding.evidence)


def test_patience_impolite_customer_words_quoted_back_do_not_count() -> None:
    finding = _run(
        [
            ("customer", "Your app is stupid and useless."),
            ("agent", "> Your app is stupid and useless.\nSorry - here is the fix: update to 4.2."),
        ]
    )
    assert "patience.impolite" not in {e.signal for e in finding.evidence}
    assert finding.score == 100  # the rude customer tested the agent's patience; they passed


def test_patience_every_negative_signal_has_a_calm_suggestion() -> None:
    finding = _run(
        [
            ("customer", "Where is it?"),
            ("agent", "Calm down. Not my fault. Good luck with that. STOP EMAILING US NOW. Damn."),
        ]
    )
    assert {e.signal for e in finding.evidence} == {
        "patience.impolite",
        "patience.dismissive",
        "patience.defensive",
        "patience.sarcasm",
        "patience.shouting",
    }
    assert all(e.polarity == -1 and e.suggestion for e in finding.evidence)
    assert finding.score == 0


def test_patience_internal_notes_are_not_replies() -> None:
    conversation = make_conversation(
        [("customer", "Where is it? This is ridiculous."), ("agent", "Ships Monday.")]
    )
    note = Message(id="m3", role=Role.AGENT, text="Calm down, whatever.", internal=True)
    conversation = replace(conversation, messages=(*conversation.messages, note))
    assert ANALYZER.analyze(conversation, Context()).score == 100


@pytest.mark.parametrize(
    ("customer", "score"),
    [
        pytest.param("Where is my parcel?", None, id="calm-customer-not-tested"),
        pytest.param("Where is my parcel?! This is ridiculous.", 100, id="angry-customer-tested"),
        pytest.param("I'm so fed up, it still hasn't come.", 100, id="frustrated-customer-tested"),
    ],
)
def test_patience_applies_when_tested(customer: str, score: int | None) -> None:
    """Patience is judged when the customer is upset; a calm exchange says nothing of it."""
    finding = _run([("customer", customer), ("agent", "It ships Monday, here is the link.")])
    assert finding.score == score


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["customer", "agent", "bot", "system"]),
            st.text(
                alphabet=st.sampled_from(list("aAbB zZ!?.,'\"“”>\n-")) | st.characters(),
                max_size=120,
            ),
        ),
        max_size=6,
    )
)
def test_patience_never_raises_and_spans_index_the_text(turns: list[tuple[str, str]]) -> None:
    conversation = make_conversation(turns)
    check_finding(conversation, ANALYZER.analyze(conversation, Context()))
