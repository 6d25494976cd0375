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
_SHARED_LOCAL_PARTS = frozenset(
    {
        "noreply", "no-reply", "donotreply", "do-not-reply", "unknown", "none", "null", "na",
        "n-a", "nobody", "anonymous", "mailer-daemon", "postmaster", "invalid", "customer",
        "guest", "test",
    }
)  # fmt: skip


def normalize_email(value: str) -> str | None:
    """The address lower-cased and stripped of a display name.

    ``None`` when it is not an address, or is a placeholder or a no-reply address that
    many different people share (``noreply@``, ``unknown@``, ``mailer-daemon@``...).
    """
    value = value.strip()
    if "<" in value and value.endswith(">"):
        value = value[value.rindex("<") + 1 : -1]
    value = value.strip().lower()
    if not _EMAIL.match(value) or len(value) > MAX_VALUE_LENGTH:
        return None
    local = value.partition("@")[0].replace(".", "").replace("_", "-")
    if local in _SHARED_LOCAL_PARTS or local.startswith(("noreply", "no-reply", "donotreply")):
        return None
    return value


def normalize_phone(value: str, region: str = "US") -> str | None:
    """The number in E.164 (``+14155550134``), or ``None`` when it is not a possible number.

    Numbers that are not valid for their country, and placeholders made of one or two
    repeated digits, give ``None``: they would link different people.

    Args:
        value: the number as written (``(415) 555-0134``, ``+44 20 7946 0321``).
        region: the ISO country code assumed for numbers written without ``+``.
    """
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if len(set(str(number.national_number))) <= 2:  # 000-000-0000, 111-111-1111: placeholders
        return None
    return e164


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
