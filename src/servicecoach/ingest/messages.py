"""Finishing messages the same way in every helpdesk importer: their text and their order.

Helpdesk exports list a conversation's messages in their own order (Help Scout newest
first, tickets joined from several files in file order), and some messages have no
time. :func:`in_time_order` gives every importer one rule: messages with a time in time
order, the same time keeping the order read, then the messages without a time in the
order read.

Chat and email helpdesks (Intercom, Help Scout, Chatwoot) hold a message's body as
HTML or plain text; :func:`message_text` makes it the message's text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from servicecoach.model.text import html_to_text, looks_like_html, normalize_text, trim_email_reply

__all__ = ["in_time_order", "message_text"]

_EARLIEST = datetime.min.replace(tzinfo=UTC)


class _Timed(Protocol):
    """Anything with the time it was written, or ``None`` (a message, a raw message)."""

    @property
    def at(self) -> datetime | None:
        """When it was written; ``None`` when the export does not say."""


_T = TypeVar("_T", bound=_Timed)


def in_time_order(items: Iterable[_T]) -> tuple[_T, ...]:
    """``items`` in time order; the same time keeps the order given, untimed items come last.

    The sort is stable, so ``items`` that the export gives in order stay in that order.
    """
    listed = list(items)
    timed = sorted((item for item in listed if item.at is not None), key=_time)
    return (*timed, *(item for item in listed if item.at is None))


def _time(item: _Timed) -> datetime:
    return item.at or _EARLIEST


def message_text(body: str, *, trim_reply: bool) -> str:
    """A message's text from its body: HTML as text, else the text normalised.

    Args:
        body: the body as the export gives it.
        trim_reply: drop the quoted history and signature of an emailed reply (a
            customer's email; agents' replies are kept whole).
    """
    text = html_to_text(body) if looks_like_html(body) else normalize_text(body)
    if trim_reply and text:
        text = trim_email_reply(text)
    return text
