"""How much live assist reads: a cap on the draft and on the conversation before it.

Every analyser runs in time linear in the text it reads, so these caps bound the work
of one check: a draft at the cap after a conversation at the caps takes well under a
second on one core, and up to about 2 s for the first check of such a conversation with
the learned models, which embeds its sentences (``benchmarks/assist_size_bench.py``).
They are far above what a reply or a support conversation needs; a request over them is
refused, before any analysis, with a message that names the cap
(:class:`DraftTooLarge`: exit code 3 on the command line, ``413`` from the service,
whose caps are settings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from servicecoach.errors import InputError
from servicecoach.model.conversation import Conversation

__all__ = [
    "MAX_CONTEXT_CHARS",
    "MAX_DRAFT_CHARS",
    "MAX_MESSAGES",
    "DraftLimits",
    "DraftTooLarge",
    "replace_surrogates",
]

MAX_DRAFT_CHARS = 20_000
"""Characters of a draft: a long email reply is 3,000; a whole chat transcript 20,000."""
MAX_MESSAGES = 200
"""Messages of the conversation so far."""
MAX_CONTEXT_CHARS = 50_000
"""Characters of all the messages of the conversation so far, together."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with every lone surrogate (``"\\ud800"``, valid in JSON) as U+FFFD.

    One character for one, so spans into the text keep their offsets; a lone surrogate
    cannot be written as UTF-8, so an answer quoting it could not be sent.
    """
    return _SURROGATE.sub("\ufffd", text)


class DraftTooLarge(InputError):
    """A draft, or the conversation before it, is over a live-assist cap.

    Attributes:
        where: ``"draft"``, ``"messages"`` (their number) or ``"conversation"`` (their
            characters).
        size: how large it is.
        limit: the cap.
    """

    def __init__(self, where: str, size: int, limit: int, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.size = size
        self.limit = limit


@dataclass(frozen=True, slots=True)
class DraftLimits:
    """The caps of one draft check (see the module).

    Attributes:
        draft_chars: characters of the draft.
        messages: messages of the conversation so far.
        context_chars: characters of those messages' text, together.
    """

    draft_chars: int = MAX_DRAFT_CHARS
    messages: int = MAX_MESSAGES
    context_chars: int = MAX_CONTEXT_CHARS

    def check(self, conversation: Conversation, draft: str) -> None:
        """Refuse a draft or conversation over the caps.

        Raises:
            DraftTooLarge: the message says which cap and what to send instead.
        """
        if len(draft) > self.draft_chars:
            raise DraftTooLarge(
                "draft",
                len(draft),
                self.draft_chars,
                f"the draft has {len(draft):,} characters; live assist checks drafts of up "
                f"to {self.draft_chars:,}: check the reply you are about to send, not a "
                "whole document",
            )
        count = len(conversation.messages)
        if count > self.messages:
            raise DraftTooLarge(
                "messages",
                count,
                self.messages,
                f"the conversation has {count:,} messages; live assist reads at most "
                f"{self.messages:,}: send the most recent ones",
            )
        size = sum(len(m.text) for m in conversation.messages)
        if size > self.context_chars:
            raise DraftTooLarge(
                "conversation",
                size,
                self.context_chars,
                f"the conversation's messages hold {size:,} characters; live assist reads "
                f"at most {self.context_chars:,}: send the most recent messages",
            )
