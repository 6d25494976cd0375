"""Keyed hashes of customer identifiers: unreadable, yet equal wherever the identifier is.

An identifier is normalised the way identity resolution normalises it
(:mod:`servicecoach.identity.keys`: lower-cased address, E.164 number), then hashed
with HMAC-SHA256 under the database's redaction key and cut to 96 bits. The same email
written ``Dana@Example.com`` in a chat and ``dana@example.com`` in an email therefore
gives the same hash, and the customer's conversations still link across channels. The
key is random per database, so a hash cannot be matched against a list of known
addresses without it.

The hashes keep the shape that identity resolution reads:

- an email becomes an address in the reserved ``.invalid`` domain,
  ``h-3f9a0c…@redacted.invalid``, so it stays an ``("email", …)`` identity key;
- a phone number cannot stay in ``Customer.phone`` (a hash is not a number), so its
  hash goes to the handle ``phone`` (identity key ``("handle:phone", "h-…")``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

from servicecoach.identity.keys import normalize_email, normalize_phone
from servicecoach.privacy.emails import HASHED_EMAIL

__all__ = [
    "HASHED",
    "HASHED_DOMAIN",
    "PHONE_HANDLE",
    "hash_email",
    "hash_external_id",
    "hash_phone",
    "is_hashed",
    "keyed_hash",
]

HASHED_DOMAIN: Final = "redacted.invalid"
"""The domain of hashed email addresses (``.invalid`` is reserved: it never delivers)."""
PHONE_HANDLE: Final = "phone"
"""The handle network under which a customer's hashed phone number is kept."""
HASHED: Final = re.compile(r"h-[0-9a-f]{24}")
"""A hash as :func:`keyed_hash` writes it."""
_HEX_DIGITS: Final = 24  # 96 bits: no collision in any realistic number of customers


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """``h-`` and 24 hex digits of HMAC-SHA256(``key``, ``kind`` and ``value``).

    ``kind`` separates the domains: the same string hashed as an email and as an
    external id gives different hashes.
    """
    digest = hmac.new(key, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return f"h-{digest[:_HEX_DIGITS]}"


def is_hashed(value: str) -> bool:
    """True for a hash or a hashed address written by this module (never hashed twice)."""
    value = value.strip()
    return HASHED.fullmatch(value) is not None or HASHED_EMAIL.fullmatch(value) is not None


def hash_email(key: bytes, value: str) -> str | None:
    """The hashed address of ``value``, or ``None`` when it is not a personal address.

    ``None`` for what identity resolution ignores (not an address, ``noreply@``,
    ``unknown@``...): hashing those would turn a placeholder many people share into an
    identifier that links them.
    """
    if HASHED_EMAIL.fullmatch(value.strip()):
        return value.strip()
    address = normalize_email(value)
    if address is None:
        return None
    return f"{keyed_hash(key, 'email', address)}@{HASHED_DOMAIN}"


def hash_phone(key: bytes, value: str, region: str) -> str | None:
    """The hash of ``value`` in E.164, or ``None`` when identity resolution would ignore it.

    Args:
        key: the redaction key.
        value: the number as written.
        region: the ISO country code assumed for numbers written without ``+``.
    """
    if HASHED.fullmatch(value.strip()):
        return value.strip()
    number = normalize_phone(value, region)
    return None if number is None else keyed_hash(key, "phone", number)


def hash_external_id(key: bytes, value: str) -> str:
    """The hash of a source's customer id, exactly as written (ids compare as written)."""
    value = value.strip()
    return value if is_hashed(value) else keyed_hash(key, "external", value)
