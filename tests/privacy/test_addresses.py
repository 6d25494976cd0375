"""The street-address detector: (text, the addresses it finds), positives and negatives."""

from __future__ import annotations

import time

import pytest

from servicecoach.privacy.addresses import find_addresses


def _found(text: str) -> list[str]:
    return [text[start:end] for start, end in find_addresses(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send it to 12 Baker Street please", ["12 Baker Street"]),
        ("It went to 12 Baker Street. DM us", ["12 Baker Street"]),
        ("221B Baker St, London NW1 6XE", ["221B Baker St, London NW1 6XE"]),
        ("350 5th Ave, New York, NY 10118", ["350 5th Ave, New York, NY 10118"]),
        ("1600 Pennsylvania Avenue NW, Washington, DC 20500", ["1600 Pennsylvania Avenue NW, Washington, DC 20500"]),
        ("1 Infinite Loop, Cupertino, CA 95014", ["1 Infinite Loop, Cupertino, CA 95014"]),
        ("100 Main Street, Suite 200, Springfield, IL 62704", ["100 Main Street, Suite 200, Springfield, IL 62704"]),
        ("12 Oak Drive Apt 4B", ["12 Oak Drive Apt 4B"]),
        ("12 Main St. Apt 3", ["12 Main St. Apt 3"]),
        ("12-14 High Road", ["12-14 High Road"]),
        ("my address is 12 oak drive", ["12 oak drive"]),
        ("I live at 5 main street", ["5 main street"]),
        ("ship to: 9 elm court", ["9 elm court"]),
        ("Hauptstraße 5", ["Hauptstraße 5"]),
        ("Hauptstr. 5a, 10115 Berlin", ["Hauptstr. 5a, 10115 Berlin"]),
        ("Berliner Straße 12", ["Berliner Straße 12"]),
        ("Karl-Marx-Allee 33", ["Karl-Marx-Allee 33"]),
        ("Kerkstraat 12", ["Kerkstraat 12"]),
        ("12 rue de la Paix, 75002 Paris", ["12 rue de la Paix, 75002 Paris"]),
        ("Calle Mayor 5, Madrid", ["Calle Mayor 5"]),
        ("Via Roma 10", ["Via Roma 10"]),
        ("PO Box 123", ["PO Box 123"]),
        ("P.O. Box 4455", ["P.O. Box 4455"]),
        ("from 3 Elm Road to 4 Oak Street", ["3 Elm Road", "4 Oak Street"]),
        ("47 - 53 Regent Street, Cambridge", ["47 - 53 Regent Street, Cambridge"]),
        ("86 ashford st", ["86 ashford st"]),
        ("sure its 208 linden street in fairhaven ma", ["208 linden street"]),
        ("111 apple street unit 1b", ["111 apple street unit 1b"]),
        # a house number is looked for only where one can start (see _house_numbers):
        # after an @handle's digits, a bracket, "nº", "no." or a tab
        ("@115712 it went to 12 Baker Street", ["12 Baker Street"]),
        ("(12 Baker Street)", ["12 Baker Street"]),
        ("@AcmeHelp @115712 PO Box 77", ["PO Box 77"]),
        ("Calle Mayor nº5", ["Calle Mayor nº5"]),
        ("Via Roma n°10, Roma", ["Via Roma n°10"]),
        ("Rua Augusta no.25", ["Rua Augusta no.25"]),
        ("Hauptstraße\t7", ["Hauptstraße\t7"]),
    ],
)  # fmt: skip
def test_addresses_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


NOT_ADDRESSES = [
    "I waited 3 days for a reply",
    "My order 12345 hasn't arrived",
    "Please update to version 2 drive firmware",
    "I bought 2 External Hard Drive units",
    "I have 2 Google Drive accounts",
    "12 Supreme Court judges said so",
    "It took 3 days on the road",
    "Fire Brigade 5 minutes away",
    "Replied Via Email 2 times",
    "iPhone 15 Pro Max",
    "The 2 Way Radio broke",
    "Windows 10 Drive C is full",
    "Room 12 was dirty",
    "Call us 24 hours a day, 7 days a week",
    "We have 3 Street View issues",
    "Chapter 11 Court filing",
    "Page 2 Drive Settings",
    "I paid $5 Main Street prices",
    "Order 3 Large Drive Belts",
    "Refund of 25.99 on 2024-05-01",
    "Your ticket 48213 is in queue 2",
    "Tracking 1Z999AA10123456784",
    "It costs 12,50 Euro",
    "Step 1 Open Settings, step 2 Tap Privacy",
    "We'll ship it in 2 working days",
    "I live in London now",
    "Postcode SW1A 1AA alone",
    "Terminal 5 Heathrow Airport",
    "1 Direction concert tickets",
    "Gate 12 Departure Lounge",
    "it's a 2 way street",
    "they drove 4 lane highway miles",
    "I bought 2 road bikes",
    "we sold 3 electric road bikes",
    "5 easy street food recipes",
    "Top 10 Road Trips this summer",
    "it took 2 hours down the road",
    "he lives 3 blocks up the street",
    "waited 45 minutes on the high street",
    "2 of the main roads were closed",
    "3 Wall Street Banks cut rates",
]


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_addresses_numbers_in_support_text_are_not_addresses(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 500_000,
        "a" * 1_000_000,
        "A " * 500_000,
        "12 Baker " * 111_112,
        "1 Aa Bb Cc " * 90_910,
        "1 Big Drive " * 83_334,
        "1 a b c road " * 76_924,
        "12 oak " * 142_858,
        "Hauptaaaa" * 111_112,
        "12 rue " * 142_858,
        "Calle A B C D " * 71_429,
        "x" * 999_990 + " Street",
    ],
    ids=lambda text: repr(text[:14]),
)
def test_addresses_take_linear_time_on_a_megabyte(text: str) -> None:
    started = time.perf_counter()
    find_addresses(text)
    assert time.perf_counter() - started < 10
