"""Redacting text: (text, redacted text) tables, counts, idempotence and time on a megabyte."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.privacy.redact import RedactionCounts, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # emails
        ("Mail me at dana.reyes@example.com.", "Mail me at [email]."),
        ("<Dana@Example.CO.UK>", "<[email]>"),
        ("write to support@brand.example", "write to [email]"),
        ("a@b", "a@b"),
        # phones, default region US
        ("call (415) 555-0134 today", "call [phone] today"),
        ("call 415.555.0134", "call [phone]"),
        ("call +44 20 7946 0321", "call [phone]"),
        ("call +44 7700 900123", "call [phone]"),  # possible, with a country code
        ("call 1-800-555-0199", "call 1-800-555-0199"),  # toll free: a business line
        ("order 12345, ticket 1234567890", "order 12345, ticket 1234567890"),
        ("on 2024-05-01 at 10:30", "on 2024-05-01 at 10:30"),
        # cards
        ("card 4111 1111 1111 1111 please", "card [card] please"),
        ("card 4111 1111 1111 1112 please", "card 4111 1111 1111 1112 please"),
        ("card 5555555555554444", "card [card]"),
        # addresses
        ("ship to 12 Baker Street, London NW1 6XE.", "ship to [address]."),
        ("Hauptstr. 5a, 10115 Berlin", "[address]"),
        ("I waited 3 days, version 2 drive", "I waited 3 days, version 2 drive"),
        # everything at once
        (
            "Dana (dana@example.com, 415-555-0134) at 1 Infinite Loop, Cupertino, CA 95014",
            "Dana ([email], [phone]) at [address]",
        ),
        ("", ""),
    ],
)
def test_redact_text_table(text: str, expected: str) -> None:
    assert redact_text(text)[0] == expected


def test_redact_text_region_reads_national_numbers() -> None:
    text = "ring 020 7946 0321 or 0800 123 4567"
    assert redact_text(text)[0] == text  # national GB numbers mean nothing in the US
    assert redact_text(text, region="GB")[0] == "ring [phone] or 0800 123 4567"


def test_redact_text_keeps_role_mailboxes_only_when_asked() -> None:
    text = "Write to support@brand.example or customer.care@brand.example, not sam@brand.example"
    assert redact_text(text, keep_role_addresses=True)[0] == (
        "Write to support@brand.example or customer.care@brand.example, not [email]"
    )
    assert redact_text(text)[0] == "Write to [email] or [email], not [email]"


def test_redact_text_counts_each_kind() -> None:
    text = "a@example.com b@example.com (415) 555-0134, 4111111111111111 12 Baker Street"
    _, counts = redact_text(text)
    assert counts == RedactionCounts(email=2, phone=1, card=1, address=1)
    assert counts.total == 5
    assert (counts + counts).to_dict()["email"] == 4
    assert redact_text("nothing here")[1].total == 0


def test_redact_text_leaves_hashed_addresses_alone() -> None:
    text = "from h-0123456789abcdef01234567@redacted.invalid"
    assert redact_text(text)[0] == text


_PIECES = st.sampled_from(
    [
        "dana@example.com",
        "support@brand.example",
        "(415) 555-0134",
        "+44 7700 900123",
        "1-800-555-0199",
        "4111 1111 1111 1111",
        "4111111111111111",
        "12 Baker Street",
        "London NW1 6XE",
        "Hauptstraße 5",
        "PO Box 12",
        "order 12345",
        "3 days",
        "[email]",
        "[phone]",
        ", ",
        " ",
        "\n",
        "@",
        "-",
        "1",
        "12",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.booleans())
def test_redact_text_is_idempotent(text: str, keep_roles: bool) -> None:
    once, _ = redact_text(text, keep_role_addresses=keep_roles)
    twice, counts = redact_text(once, keep_role_addresses=keep_roles)
    assert twice == once
    assert counts.total == 0


def test_redact_text_completes_on_a_megabyte() -> None:
    line = (
        "Hi, I'm Dana (dana.reyes@example.com, (415) 555-0134). Order 12345 went to "
        "12 Baker Street, London NW1 6XE on 2024-05-01; card 4111 1111 1111 1111. "
        "I waited 3 days and version 2 drive still fails.\n"
    )
    text = line * (1_000_000 // len(line) + 1)  # whole lines: just over 1 MB
    started = time.perf_counter()
    redacted, counts = redact_text(text)
    assert time.perf_counter() - started < 60
    assert "dana.reyes" not in redacted and "555-0134" not in redacted
    assert counts.email >= 1_000_000 // len(line)
