"""Privacy: redacting personal data at import, and finding it in text.

- :mod:`~servicecoach.privacy.redact`: :func:`redact_text` replaces emails, phone
  numbers, card numbers and street addresses in text with placeholders.
- :mod:`~servicecoach.privacy.conversation`: :class:`Redactor` and
  :func:`redact_conversation` redact a whole conversation and hash its customer's
  identifiers, so that customers still link across channels.
- :mod:`~servicecoach.privacy.identifiers`: the keyed hashes. The per-database key they
  use lives in the store (:mod:`~servicecoach.store.redaction_key`), so this package stays
  pure and analysers can use the detectors.
- Detectors, one concept each: :mod:`~servicecoach.privacy.emails`,
  :mod:`~servicecoach.privacy.phones`, :mod:`~servicecoach.privacy.cards`,
  :mod:`~servicecoach.privacy.addresses` (with its lexicon,
  :mod:`~servicecoach.privacy.street_types`).

See docs/redaction.md.
"""

from __future__ import annotations

from servicecoach.privacy.addresses import find_addresses
from servicecoach.privacy.conversation import Redactor, redact_conversation
from servicecoach.privacy.redact import PLACEHOLDERS, RedactionCounts, redact_text

__all__ = [
    "PLACEHOLDERS",
    "RedactionCounts",
    "Redactor",
    "find_addresses",
    "redact_conversation",
    "redact_text",
]
