"""The public-to-private analyser, table-driven: (conversation, expected score and signals)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.analysis.analyzer import Context, Requirement
from servicecoach.analysis.analyzers.public_to_private import PublicToPrivateAnalyzer
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.skills import skill_of_signal
from servicecoach.model.conversation import Channel, Customer
from servicecoach.testing import check_finding, make_conversation

ANALYZER = PublicToPrivateAnalyzer()
INVITE = "private.invite"
DATA = "private.data_in_public"
MISSING = "private.invite_missing"


def _run(turns: list[tuple[str, str]], customer: Customer | None = None) -> SkillFinding:
    conversation = make_conversation(turns, public=True, channel=Channel.SOCIAL, customer=customer)
    return ANALYZER.analyze(conversation, Context())


@pytest.mark.parametrize(
    ("turns", "score", "signals"),
    [
        pytest.param(
            [
                ("customer", "@brand my parcel never arrived, terrible service"),
                ("agent", "@dana So sorry! Please DM us and we'll sort it out."),
            ],
            100,
            [(INVITE, "DM us")],
            id="invite-in-first-reply",
        ),
        pytest.param(
            [
                ("customer", "Still waiting for my refund..."),
                ("agent", "Sorry to hear that."),
                ("agent", "Could you send us a direct message so we can check?"),
            ],
            75,
            [(INVITE, "direct message")],
            id="invite-later",
        ),
        pytest.param(
            [
                ("customer", "Worst airline ever, my bag is lost."),
                ("agent", "@dana I'm sorry. Our baggage team is on it."),
            ],
            25,
            [(MISSING, "I'm sorry.")],
            id="no-invite",
        ),
        pytest.param(
            [
                ("customer", "My order is late again"),
                ("agent", "Please DM us your order number and we'll check."),
            ],
            100,
            [(INVITE, "DM us")],
            id="order-number-by-dm-is-an-invite",
        ),
        pytest.param(
            [
                ("customer", "My order is late again"),
                ("agent", "Send your order number in a DM and we'll check."),
            ],
            100,
            [(INVITE, "in a DM")],
            id="order-number-in-a-dm",
        ),
        pytest.param(
            [
                ("customer", "My order is late again"),
                ("agent", "We'll need your order number. Please DM us."),
            ],
            100,
            [(INVITE, "DM us")],
            id="ask-next-to-an-invite",
        ),
        pytest.param(
            [
                ("customer", "My order is late again"),
                ("agent", "Sorry! What's your order number?"),
            ],
            0,
            [(MISSING, "Sorry!"), (DATA, "What's your order number")],
            id="asks-for-order-number-in-public",
        ),
        pytest.param(
            [
                ("customer", "The app keeps crashing"),
                ("agent", "Please reply here with your email address and date of birth."),
            ],
            0,
            [
                (MISSING, "Please reply here with your email address and date of birth."),
                (DATA, "reply here with your email address"),
            ],
            id="asks-for-email-in-public",
        ),
        pytest.param(
            [
                ("customer", "The app keeps crashing"),
                ("agent", "See https://brand.example/dm/help for tips."),
            ],
            25,
            [(MISSING, "See https://brand.example/dm/help for tips.")],
            id="dm-in-a-url-is-not-an-invite",
        ),
        pytest.param(
            [
                ("customer", "I can't log in, this is ridiculous"),
                ("agent", "Please ask your admin to reset it."),
            ],
            25,
            [(MISSING, "Please ask your admin to reset it.")],
            id="admin-is-not-dm",
        ),
        pytest.param(
            [
                ("customer", "I can't log in, this is ridiculous"),
                ("agent", "Thanks for flagging, we'll DM you shortly."),
            ],
            100,
            [(INVITE, "we'll DM you")],
            id="we-will-dm-you",
        ),
        pytest.param(
            [
                ("customer", "Refund still not here"),
                ("agent", "Sorry about that - check your DMs!"),
            ],
            100,
            [(INVITE, "check your DMs")],
            id="check-your-dms",
        ),
        pytest.param(
            [
                ("customer", "Refund still not here"),
                ("agent", "Sorry! Please write to support@brand.example and we'll help."),
            ],
            100,
            [(INVITE, "support@brand.example")],
            id="brand-support-address-is-an-invite",
        ),
        pytest.param(
            [
                ("customer", "Refund still not here"),
                ("agent", "Email us at care@brand.example or call us on 0800 123 4567."),
            ],
            100,
            [(INVITE, "Email us"), (INVITE, "call us")],
            id="email-and-phone-channels",
        ),
        pytest.param(
            [
                ("customer", "Refund still not here"),
                ("agent", "We've emailed the refund to dana@example.com. DM us if not."),
            ],
            60,
            [(DATA, "dana@example.com"), (INVITE, "DM us")],
            id="customer-email-revealed",
        ),
        pytest.param(
            [
                ("customer", "Wrong item delivered, fix this"),
                ("agent", "Order #55213 was sent to 12 Baker Street. DM us and we'll swap it."),
            ],
            20,
            [(DATA, "Order #55213"), (DATA, "12 Baker Street"), (INVITE, "DM us")],
            id="order-number-and-address-revealed",
        ),
        pytest.param(
            [
                ("customer", "Terrible service, call me on 07700 900123"),
                ("agent", "We'll ring you on 07700 900123 today."),
            ],
            60,
            [(INVITE, "ring you"), (DATA, "07700 900123")],
            id="customer-phone-repeated",
        ),
        pytest.param(
            [
                ("customer", "My card was charged twice"),
                ("agent", "Please don't DM us, just reply with your card number."),
            ],
            0,
            [
                (MISSING, "Please don't DM us, just reply with your card number."),
                (DATA, "reply with your card number"),
            ],
            id="negated-invite",
        ),
        pytest.param(
            [
                ("customer", "My card was charged twice"),
                ("agent", "We will never ask for your password. Please DM us."),
            ],
            100,
            [(INVITE, "DM us")],
            id="never-ask-for-password-is-not-an-ask",
        ),
        pytest.param(
            [
                ("customer", "My card was charged twice"),
                ("agent", "Could you reset your password and try again?"),
            ],
            25,
            [(MISSING, "Could you reset your password and try again?")],
            id="password-reset-is-not-a-data-request",
        ),
        pytest.param(
            [
                ("customer", "Oh great, another parcel that never showed up. Love it."),
                ("agent", "That's not the experience we want - send us a DM?"),
            ],
            100,
            [(INVITE, "send us a DM")],
            id="sarcastic-complaint",
        ),
        pytest.param(
            [
                ("customer", "> my order is late\nAll sorted now, thank you!"),
                ("agent", "Glad to hear it!"),
            ],
            None,
            [],
            id="quoted-line-is-not-a-complaint-here-either",
        ),
        pytest.param(
            [
                ("customer", "Love the new app, great job!"),
                ("agent", "Thanks so much, Dana!"),
            ],
            None,
            [],
            id="praise-is-not-applicable",
        ),
        pytest.param(
            [
                ("customer", "No problem at all, thanks for the help!"),
                ("agent", "Any time!"),
            ],
            None,
            [],
            id="negated-problem",
        ),
        pytest.param(
            [
                ("customer", "Love the new app!"),
                ("agent", "Thanks! Can you confirm your email address for the prize?"),
            ],
            0,
            [(MISSING, "Thanks!"), (DATA, "confirm your email address")],
            id="data-without-complaint-applies",
        ),
        pytest.param(
            [
                ("customer", "The app is broken"),
                ("agent", '> "please DM us" they said\nWe have fixed it now.'),
            ],
            25,
            [(MISSING, "We have fixed it now.")],
            id="quoted-text-is-not-the-agents",
        ),
        pytest.param(
            [
                ("customer", "The app is broken"),
                ("agent", "Fixed now. Don't hesitate to reach out to us if it happens again."),
            ],
            100,
            [(INVITE, "reach out to us")],
            id="dont-hesitate-is-not-a-negation",
        ),
        pytest.param(
            [
                ("customer", "The app is broken"),
                ("agent", "Please share your details here: https://brand.example/form"),
            ],
            25,
            [(MISSING, "Please share your details here: https://brand.example/form")],
            id="details-through-a-form-link",
        ),
    ],
)
def test_public_to_private_table(
    turns: list[tuple[str, str]], score: int | None, signals: list[tuple[str, str]]
) -> None:
    finding = _run(turns)
    assert finding.score == score
    assert [(e.signal, e.quote) for e in finding.evidence] == signals


def test_public_to_private_customer_record_phone_is_data() -> None:
    customer = Customer(id="c", name="Dana", phone="+44 7700 900123")
    finding = _run(
        [("customer", "Parcel is late"), ("agent", "DM us - or we'll call +44 7700 900123.")],
        customer,
    )
    assert [(e.signal, e.quote) for e in finding.evidence] == [
        (INVITE, "DM us"),
        (DATA, "+44 7700 900123"),
    ]
    assert finding.score == 60


def test_public_to_private_needs_a_public_conversation() -> None:
    turns = [("customer", "My order is late"), ("agent", "What's your order number?")]
    private = make_conversation(turns)
    assert ANALYZER.analyze(private, Context()).score is None
    assert Requirement.PUBLIC in ANALYZER.requires
    result = Pipeline([ANALYZER]).analyze(private)
    assert not result.skills["public_to_private"].applicable


def test_public_to_private_signals_feed_the_skill_and_carry_suggestions() -> None:
    finding = _run(
        [("customer", "Broken again"), ("agent", "Sorry! Please send us your home address.")]
    )
    assert {skill_of_signal(e.signal) for e in finding.evidence} == {"public_to_private"}
    negatives = [e for e in finding.evidence if e.polarity < 0]
    assert negatives and all(e.suggestion and "DM" in e.suggestion for e in negatives)


def test_public_to_private_spans_point_into_the_message() -> None:
    conversation = make_conversation(
        [("customer", "It’s broken"), ("agent", "Oh no — please DM us your order no. ‘12’")],
        public=True,
    )
    for evidence in ANALYZER.analyze(conversation, Context()).evidence:
        text = conversation.messages[1].text
        assert text[evidence.start : evidence.end] == evidence.quote


_PIECES = st.sampled_from(
    [
        "DM us",
        "dm",
        "admin",
        "order number",
        "#12345",
        "order 98765",
        "support@brand.example",
        "dana@example.com",
        "0800 123 4567",
        "+44 7700 900123",
        "12 Baker Street",
        "SW1A 1AA",
        "Hauptstraße 5",
        "4111 1111 1111 1111",
        "[email]",
        "[address]",
        "[card]",
        "[phone]",
        "https://x.example/dm?q=1",
        "@brand",
        "> quoted line\n",
        '"quoted"',
        "What's your",
        "don't",
        "broken",
        "never arrived",
        "?",
        ".",
        "\n",
        " ",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["customer", "agent", "bot"]), _TEXT), max_size=5))
def test_public_to_private_never_raises_and_spans_index_the_text(
    turns: list[tuple[str, str]],
) -> None:
    conversation = make_conversation(turns, public=True)
    finding = check_finding(conversation, ANALYZER.analyze(conversation, Context()))
    for evidence in finding.evidence:
        assert evidence.signal.startswith("private.")


@pytest.mark.parametrize(
    ("reply", "leaks"),
    [
        ("Sorry! It went to 221B Baker St, London NW1 6XE. DM us.", ["221B Baker St, London NW1 6XE"]),
        ("Sorry! It went to Hauptstraße 5, 10115 Berlin. DM us.", ["Hauptstraße 5, 10115 Berlin"]),
        ("Sorry! Is your address 12 oak drive? DM us.", ["12 oak drive"]),
        ("Sorry! It's at PO Box 123. DM us.", ["PO Box 123"]),
        ("Sorry! Card 4111 1111 1111 1111 was refunded. DM us.", ["4111 1111 1111 1111"]),
        ("Sorry! Card 4111 1111 1111 1112 was refunded. DM us.", []),  # not a card: fails Luhn
        ("Sorry you waited 3 days! DM us your order and we'll check.", []),
        ("Sorry! Version 2 drive firmware fixes it; DM us if not.", []),
        ("Sorry! Our 2 Hard Drive models are back in stock, DM us.", []),
        ("Sorry! It takes 3 to 5 working days from Main Street stores. DM us.", []),
        ("Sorry! Order 3 Large Drive Belts, from 12 Supreme Court. DM us.", []),
        ("Sorry! Update to iOS 17 and restart in 2 minutes. DM us.", []),
        ("Sorry! Our store at 1 High Street has it today. DM us.", []),  # the brand's own
    ],
)  # fmt: skip
def test_public_to_private_street_addresses_and_cards_in_replies(
    reply: str, leaks: list[str]
) -> None:
    finding = _run([("customer", "My parcel never arrived"), ("agent", reply)])
    assert [e.quote for e in finding.evidence if e.signal == DATA] == leaks
    assert finding.score == 100 - 40 * len(leaks)


@pytest.mark.parametrize(
    ("customer", "reply", "signals"),
    [
        pytest.param(
            "My parcel never arrived",
            "Sorry! We sent it to [address]. DM us.",
            [(DATA, "[address]"), (INVITE, "DM us")],
            id="redacted-address",
        ),
        pytest.param(
            "Charged twice",
            "Sorry! The refund went to card [card]. DM us.",
            [(DATA, "[card]"), (INVITE, "DM us")],
            id="redacted-card",
        ),
        pytest.param(
            "Wrong item, my email is [email]",
            "Sorry! We've emailed [email] the label. DM us if not.",
            [(DATA, "[email]"), (INVITE, "DM us")],
            id="redacted-customer-email",
        ),
        pytest.param(
            "Wrong item",
            "Sorry! Please email us at [email] with photos.",
            [(INVITE, "email us")],
            id="redacted-address-in-an-invitation-is-a-channel",
        ),
        pytest.param(
            "Wrong item, call me on [phone]",
            "Sorry! Call us on [phone] please.",
            [(INVITE, "Call us")],
            id="redacted-phone-counts-for-nothing",
        ),
        pytest.param(
            "Charged twice",
            "Sorry!\n> my card [card]\nDM us.",
            [(INVITE, "DM us")],
            id="quoted-placeholder-is-not-the-agents",
        ),
    ],
)
def test_public_to_private_reads_redacted_text(
    customer: str, reply: str, signals: list[tuple[str, str]]
) -> None:
    finding = _run([("customer", customer), ("agent", reply)])
    assert [(e.signal, e.quote) for e in finding.evidence] == signals
