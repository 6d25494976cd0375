"""Card numbers: the Luhn check, and which digit runs count as a card."""

from __future__ import annotations

import pytest

from servicecoach.privacy.cards import find_cards, luhn_valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),  # Visa test number
        ("4111111111111112", False),
        ("5555555555554444", True),  # Mastercard
        ("378282246310005", True),  # Amex, 15 digits
        ("378282246310006", False),
        ("6011111111111117", True),  # Discover
        ("4222222222222", True),  # 13 digits
        ("79927398713", True),  # the classic example
        ("79927398710", False),
        ("", False),  # no digits, no number
        ("4111-1111", False),  # digits only
    ],
)
def test_cards_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111111111111111 please", ["4111111111111111"]),
        ("card 4111 1111 1111 1111.", ["4111 1111 1111 1111"]),
        ("card 4111-1111-1111-1111", ["4111-1111-1111-1111"]),
        ("amex 3782 822463 10005", ["3782 822463 10005"]),
        ("card 4111 1111 1111 1112", []),  # fails Luhn
        ("card 4111 1111-1111 1111", []),  # mixed separators
        ("4111 1111 1111 1111 1111 1111", []),  # longer than 19 digits
        ("id 12345678901234567890", []),  # 20 digits
        ("order 123456789012", []),  # 12 digits
        ("0 0 0 0 0 0 0 0 0 0 0 0 0 0", []),  # single digits are not card groups
        ("v1.4111111111111111", []),
        ("2024-05-01 10:30", []),
        ("call 555 0134 4111111111111111", ["4111111111111111"]),
        ("call 555 0134 4111 1111 1111 1111", []),  # where would the card start?
    ],
)
def test_cards_found(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in find_cards(text)] == expected
