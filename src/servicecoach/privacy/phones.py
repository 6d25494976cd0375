"""Phone numbers in free text, found by libphonenumber's matcher.

Numbers written in the national format of the default region are found when they are
valid there (``Leniency.VALID``: the right length and a range in use, so order numbers
and dates are left alone). A number written with a ``+`` and a country code is found
when it is merely possible (right length for that country), so that numbers in new or
unlisted ranges are not missed. Toll-free, shared-cost, premium-rate and universal
access numbers are business lines, never a person's, and are left in place.
"""

from __future__ import annotations

import sys
from typing import Final

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

__all__ = ["BUSINESS_LINES", "find_phones"]

BUSINESS_LINES: Final = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.UAN,
    }
)
"""Number types that belong to organisations (0800, 1-800, 0845...): never redacted."""

_MIN_INTERNATIONAL_DIGITS: Final = 8


def find_phones(text: str, region: str = "US") -> list[tuple[int, int]]:
    """The half-open spans of personal phone numbers in ``text``.

    Args:
        text: any text.
        region: the ISO country code assumed for numbers written without ``+``.
    """
    found: dict[int, int] = {}
    # max_tries: the matcher gives up after that many candidates by default (65,535),
    # which would leave the rest of a long text unredacted.
    for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID, max_tries=sys.maxsize):
        if phonenumbers.number_type(match.number) not in BUSINESS_LINES:
            found[match.start] = match.end
    if "+" in text:
        for match in PhoneNumberMatcher(
            text, region, leniency=Leniency.POSSIBLE, max_tries=sys.maxsize
        ):
            raw = str(match.raw_string)
            digits = sum(c.isdigit() for c in raw)
            if (
                raw.startswith("+")
                and digits >= _MIN_INTERNATIONAL_DIGITS
                and match.start not in found
                and phonenumbers.number_type(match.number) not in BUSINESS_LINES
            ):
                found[match.start] = match.end
    return sorted(found.items())
