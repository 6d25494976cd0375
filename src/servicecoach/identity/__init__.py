"""Identity resolution: the keys that say two customer records are the same person."""

from __future__ import annotations

from servicecoach.identity.keys import IdentityKey, identity_keys, normalize_email, normalize_phone

__all__ = ["IdentityKey", "identity_keys", "normalize_email", "normalize_phone"]
