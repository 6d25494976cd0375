"""The agent's own words: customer text quoted back in a reply is not the agent's.

Shared by the analysers, so that a customer's question, complaint or capitals quoted in
a reply (``>`` lines, or text in quotation marks that a customer wrote) never counts as
what the agent said. Blanking keeps every offset, so evidence spans still index the
stored text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from servicecoach.nlp.phrases import fold

__all__ = ["normalise", "own_words"]

_QUOTE_LINE = re.compile(r"(?m)^[ \t]*>.*$")
_QUOTED = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Folded (lower-case, straight quotes) text with runs of whitespace as one space."""
    return _SPACES.sub(" ", fold(text)).strip()


def own_words(text: str, customer_texts: Sequence[str]) -> str:
    """``text`` with the customer's quoted words blanked out, keeping every offset.

    Args:
        text: a reply's stored text.
        customer_texts: the customer's earlier messages, each passed through
            :func:`normalise`.
    """
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = " "

    for match in _QUOTE_LINE.finditer(text):
        blank(match.start(), match.end())
    for match in _QUOTED.finditer(text):
        inner = normalise(match.group(1)).strip(" .,!?;:-")
        if inner and any(inner in customer for customer in customer_texts):
            blank(match.start(), match.end())
    return "".join(chars)
