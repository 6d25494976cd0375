"""Identity keys: normalised email, E.164 phone, social handle and per-source external id.

Two customer records that share any key are the same person. Keys are tuples
``(kind, value)``: ``("email", "dana@example.com")``, ``("phone", "+14155550134")``,
``("handle:twitter", "danareyes")``, ``("external:zendesk", "3821")``.
"""

from __future__ import annotations

import re

import phonenumbers

from servicecoach.model.conversation import Customer

__all__ = ["IdentityKey", "identity_keys", "normalize_email", "normalize_phone"]

IdentityKey = tuple[str, str]

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MAX_VALUE_LENGTH = 320


def normalize_email(value: str) -> str | None:
    """The address lower-cased and stripped of a display name, or ``None`` if not an address."""
    value = value.strip()
    if "<" in value and value.endswith(">"):
        value = value[value.rindex("<") + 1 : -1]
    value = value.strip().lower()
    return value if _EMAIL.match(value) and len(value) <= MAX_VALUE_LENGTH else None


def normalize_phone(value: str, region: str = "US") -> str | None:
    """The number in E.164 (``+14155550134``), or ``None`` when it is not a possible number.

    Args:
        value: the number as written (``(415) 555-0134``, ``+44 20 7946 0321``).
        region: the ISO country code assumed for numbers written without ``+``.
    """
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _clean(value: str) -> str:
    return value.strip()[:MAX_VALUE_LENGTH]


def identity_keys(customer: Customer, source: str, region: str = "US") -> list[IdentityKey]:
    """Every identity key of a customer record, most specific first, without duplicates.

    Args:
        customer: the customer as the source gave it.
        source: the importer name; external ids are only comparable within one source.
        region: the country assumed for phone numbers without a country code.
    """
    keys: list[IdentityKey] = []
    if customer.email and (email := normalize_email(customer.email)):
        keys.append(("email", email))
    if customer.phone and (phone := normalize_phone(customer.phone, region)):
        keys.append(("phone", phone))
    for network, handle in sorted(customer.handles.items()):
        handle = _clean(handle).lstrip("@").lower()
        if handle:
            keys.append((f"handle:{network.strip().lower()}", handle))
    if customer.id and (external := _clean(customer.id)):
        keys.append((f"external:{source}", external))
    return list(dict.fromkeys(keys))
