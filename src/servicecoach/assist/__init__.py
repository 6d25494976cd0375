"""Live assist: coach the agent on a draft reply before it is sent.

>>> from servicecoach.assist import check_draft
>>> result = check_draft(conversation, "We can't refund it until it's back with us.")
>>> [(s.kind, s.severity, s.rewrite) for s in result.suggestions]

The same analysers as batch scoring (those declared ``live``) run on the conversation
with the draft appended; see docs/assist.md for the suggestion kinds. A draft over
20,000 characters, or a conversation over 200 messages or 50,000 characters, is
refused (:class:`DraftLimits`, :class:`DraftTooLarge`).
"""

from __future__ import annotations

from servicecoach.assist.checker import DraftChecker, check_draft
from servicecoach.assist.limits import DraftLimits, DraftTooLarge
from servicecoach.assist.suggestion import DraftCheck, Praise, Suggestion

__all__ = [
    "DraftCheck",
    "DraftChecker",
    "DraftLimits",
    "DraftTooLarge",
    "Praise",
    "Suggestion",
    "check_draft",
]
