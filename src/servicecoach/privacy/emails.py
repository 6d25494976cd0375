"""Email addresses in free text, and the shared role mailboxes that are no one's personal data.

A role mailbox is an address whose local part is made only of role words
(``support@``, ``customer.care@``, ``no-reply@``): it names a team, not a person, and
in an agent's reply it is the brand's channel, which the public-to-private analyser
needs to see.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["HASHED_EMAIL", "ROLE_WORDS", "find_emails", "is_role_mailbox"]

_EMAIL: Final = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
HASHED_EMAIL: Final = re.compile(r"h-[0-9a-f]{24}@redacted\.invalid")
"""The form :mod:`servicecoach.privacy.identifiers` gives a hashed address: never redacted."""

ROLE_WORDS: Final = frozenset(
    {
        "support", "help", "helpdesk", "care", "service", "services", "customer", "customers",
        "contact", "contactus", "info", "information", "hello", "hi", "team", "feedback",
        "complaint", "complaints", "sales", "billing", "accounts", "orders", "order",
        "returns", "refunds", "enquiries", "enquiry", "inquiries", "inquiry", "office",
        "admin", "press", "media", "privacy", "security", "legal", "abuse", "postmaster",
        "webmaster", "hostmaster", "noreply", "no", "reply", "do", "not", "donotreply",
        "notifications", "notification", "news", "newsletter", "marketing", "jobs",
        "careers", "hr", "reception", "bookings", "booking", "reservations", "shop",
        "store", "online", "web", "mail", "email", "desk", "general",
    }
)  # fmt: skip
"""Words a shared mailbox's local part is made of ("customer.care", "no-reply")."""

_PARTS: Final = re.compile(r"[._+-]+")


def find_emails(text: str) -> list[tuple[int, int]]:
    """The half-open spans of the email addresses in ``text``, hashed ones left out."""
    return [(m.start(), m.end()) for m in _EMAIL.finditer(text) if not HASHED_EMAIL.fullmatch(m[0])]


def is_role_mailbox(address: str) -> bool:
    """True when the local part is only role words: ``support@``, ``customer-care@``."""
    local = address.rpartition("@")[0].lower()
    parts = [p for p in _PARTS.split(local) if p]
    return bool(parts) and all(p in ROLE_WORDS for p in parts)
