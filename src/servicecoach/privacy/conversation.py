"""Redacting a whole conversation at import: text placeholders, hashed identifiers.

What happens to each part (see docs/redaction.md for the reasons):

- every message's text, and every string in the conversation's and the messages'
  ``meta`` (the subject, Chatwoot's contact identifier...): emails, phone numbers,
  card numbers and street addresses become ``[email]``, ``[phone]``, ``[card]`` and
  ``[address]`` (:func:`~servicecoach.privacy.redact.redact_text`). In agent and bot
  messages, role mailboxes (``support@brand.example``) stay: they are the brand's
  channel, not personal data;
- a value that *is* an identifier (the customer's email and phone, a customer
  message's author written as an address, a meta value that is only an address or a
  number, a customer id that is an address or a number) becomes a keyed hash
  (:mod:`servicecoach.privacy.identifiers`), so conversations of one customer still
  link across channels;
- kept: social handles (public pseudonyms, already in the public thread), other
  customer ids (the source system's own keys), agent names and ids (agents are coached
  by name), ids of conversations and messages, times, roles, channels;
- display names are kept unless ``names=True``: then the customer's name is removed
  from the record and authors, and every word of it in the text becomes ``[name]``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from servicecoach.identity.keys import normalize_phone
from servicecoach.model.conversation import Conversation, Customer, Message, Role
from servicecoach.privacy.emails import is_role_mailbox
from servicecoach.privacy.identifiers import (
    PHONE_HANDLE,
    hash_email,
    hash_external_id,
    hash_phone,
    is_hashed,
)
from servicecoach.privacy.redact import PLACEHOLDERS, RedactionCounts, redact_text

__all__ = ["Redactor", "redact_conversation"]

_WHOLE_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|[^<>]*<[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>")
_WHOLE_PHONE = re.compile(r"\+?[\d\s().-]{6,}")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")


class Redactor:
    """Redacts conversations for one import and counts what it removed.

    Args:
        key: the database's redaction key (:func:`~servicecoach.store.redaction_key.redaction_key`).
        region: the ISO country code assumed for phone numbers without ``+`` (the
            import's ``--region``).
        names: also remove the customer's display name, from the record and the text.

    Example:
        ``redactor = Redactor(redaction_key(store), "GB")``, then
        ``redactor.conversation(c)`` for each conversation read; ``redactor.counts``
        says what was removed.
    """

    def __init__(self, key: bytes, region: str = "US", *, names: bool = False) -> None:
        self.key = key
        self.region = region
        self.names = names
        self.counts = RedactionCounts()

    def conversation(self, conversation: Conversation) -> Conversation:
        """``conversation`` redacted; :attr:`counts` grows by what was removed."""
        redacted, counts = _Pass(self.key, self.region, self.names, conversation).run()
        self.counts += counts
        return redacted


def redact_conversation(
    conversation: Conversation, key: bytes, region: str = "US", *, names: bool = False
) -> Conversation:
    """``conversation`` with personal data replaced and identifiers hashed.

    Args:
        conversation: as an importer read it.
        key: the database's redaction key; the same key gives the same hashes.
        region: the ISO country code assumed for phone numbers without ``+``.
        names: also remove the customer's display name (see the module docstring).
    """
    return _Pass(key, region, names, conversation).run()[0]


class _Pass:
    """One conversation's redaction, with its running counts."""

    def __init__(self, key: bytes, region: str, names: bool, conversation: Conversation) -> None:
        self.key = key
        self.region = region
        self.conversation = conversation
        self.counts = RedactionCounts()
        self.names = _names_pattern(conversation) if names else None

    def run(self) -> tuple[Conversation, RedactionCounts]:
        conversation = self.conversation
        redacted = dataclasses.replace(
            conversation,
            customer=self._customer(conversation.customer),
            messages=tuple(self._message(m) for m in conversation.messages),
            meta=self._meta(conversation.meta, keep_roles=False),
        )
        return redacted, self.counts

    # -- pieces -------------------------------------------------------------------

    def _count(self, counts: RedactionCounts) -> None:
        self.counts += counts

    def _text(self, text: str, *, keep_roles: bool) -> str:
        redacted, counts = redact_text(text, region=self.region, keep_role_addresses=keep_roles)
        self._count(counts)
        if self.names is not None:
            redacted, replaced = self.names.subn(PLACEHOLDERS["name"], redacted)
            self._count(RedactionCounts(name=replaced))
        return redacted

    def _identifier(self, value: str, *, keep_roles: bool) -> str | None:
        """The hash of ``value`` when it is only an email or a phone number, else ``None``."""
        stripped = value.strip()
        if is_hashed(stripped):
            return value
        if _WHOLE_EMAIL.fullmatch(stripped):
            if keep_roles and is_role_mailbox(stripped.rpartition("<")[2].rstrip(">")):
                return value
            self._count(RedactionCounts(identifier=1))
            return hash_email(self.key, stripped) or PLACEHOLDERS["email"]
        if _WHOLE_PHONE.fullmatch(stripped) and normalize_phone(stripped, self.region):
            self._count(RedactionCounts(identifier=1))
            return hash_phone(self.key, stripped, self.region) or PLACEHOLDERS["phone"]
        return None

    def _value(self, value: str, *, keep_roles: bool) -> str:
        """A free-text field: hashed when it is an identifier, else redacted text."""
        hashed = self._identifier(value, keep_roles=keep_roles)
        return hashed if hashed is not None else self._text(value, keep_roles=keep_roles)

    def _meta(self, meta: Mapping[str, Any], *, keep_roles: bool) -> Mapping[str, Any]:
        if not meta:
            return meta
        return {k: self._any(v, keep_roles=keep_roles) for k, v in meta.items()}

    def _any(self, value: Any, *, keep_roles: bool) -> Any:
        if isinstance(value, str):
            return self._value(value, keep_roles=keep_roles)
        if isinstance(value, Mapping):
            return {k: self._any(v, keep_roles=keep_roles) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._any(v, keep_roles=keep_roles) for v in value)
        return value

    def _message(self, message: Message) -> Message:
        brand = message.role in (Role.AGENT, Role.BOT)
        author = message.author
        if author is not None and not brand:
            author = None if self.names is not None else self._value(author, keep_roles=False)
            if self.names is not None:
                self._count(RedactionCounts(name=1))
        return dataclasses.replace(
            message,
            text=self._text(message.text, keep_roles=brand),
            author=author,
            meta=self._meta(message.meta, keep_roles=brand),
        )

    def _customer(self, customer: Customer) -> Customer:
        email = customer.email
        if email is not None and not is_hashed(email):
            email = hash_email(self.key, email)
            self._count(RedactionCounts(identifier=1))
        handles = dict(customer.handles)
        if customer.phone is not None:
            hashed = hash_phone(self.key, customer.phone, self.region)
            if hashed is not None:
                handles[PHONE_HANDLE] = hashed
            self._count(RedactionCounts(identifier=1))
        external = customer.id
        if external is not None and (
            _WHOLE_EMAIL.fullmatch(external.strip())
            or (_WHOLE_PHONE.fullmatch(external.strip()) and normalize_phone(external, self.region))
        ):
            if not is_hashed(external):
                self._count(RedactionCounts(identifier=1))
            external = hash_external_id(self.key, external)
        name = customer.name
        if name is not None:
            if self.names is not None:
                name = None
                self._count(RedactionCounts(name=1))
            else:
                name = self._value(name, keep_roles=False)
        return Customer(id=external, name=name, email=email, phone=None, handles=handles)


def _names_pattern(conversation: Conversation) -> re.Pattern[str] | None:
    """Whole words of the customer's name (record and authors), capitalised as written."""
    sources = [conversation.customer.name]
    sources += [m.author for m in conversation.messages if m.role is Role.CUSTOMER]
    words = {
        word
        for source in sources
        if source and "@" not in source
        for word in _NAME_WORD.findall(source)
        if len(word) >= 2 and word[0].isupper()
    }
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
