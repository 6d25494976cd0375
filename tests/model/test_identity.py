"""Identity keys: the same person is recognised however the source writes them."""

from __future__ import annotations

import pytest

from servicecoach.identity import identity_keys, normalize_email, normalize_phone
from servicecoach.model import Customer


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("+1 415 555 0134", "US", "+14155550134"),
        ("(415) 555-0134", "US", "+14155550134"),
        ("020 7946 0321", "GB", "+442079460321"),
        ("+44 20 7946 0321", "US", "+442079460321"),
        ("12", "US", None),
        ("000-000-0000", "US", None),
        ("+1 555 555 5555", "US", None),
        ("+44 20 0000 0000", "US", None),
        ("call me", "US", None),
    ],
)
def test_identity_normalize_phone(value: str, region: str, expected: str | None) -> None:
    assert normalize_phone(value, region) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dana.Reyes@Example.COM", "dana.reyes@example.com"),
        ("Dana Reyes <dana@example.com>", "dana@example.com"),
        ("not an address", None),
        ("a@b", None),
        ("noreply@shop.example", None),
        ("No-Reply@shop.example", None),
        ("no_reply@shop.example", None),
        ("unknown@example.com", None),
        ("MAILER-DAEMON@mx.example", None),
    ],
)
def test_identity_normalize_email(value: str, expected: str | None) -> None:
    assert normalize_email(value) == expected


def test_identity_keys_cover_every_identifier() -> None:
    customer = Customer(
        id="77", email="DANA@example.com", phone="415-555-0134", handles={"Twitter": "@DanaReyes"}
    )
    assert identity_keys(customer, "zendesk") == [
        ("email", "dana@example.com"),
        ("phone", "+14155550134"),
        ("handle:twitter", "danareyes"),
        ("external:zendesk", "77"),
    ]


def test_identity_keys_of_an_anonymous_customer_are_empty() -> None:
    assert identity_keys(Customer(), "vtt") == []
