"""The agent's own words: customer text quoted back in a reply is not the agent's.

Shared by the analysers, so that a customer's question, complaint or capitals quoted in
a reply (``>`` lines, or text in quotation marks that a customer wrote) never counts as
what the agent said. Blanking keeps every offset, so evidence spans still index the
stored text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.phrases import fold

__all__ = ["CustomerWords", "normalise", "own_words", "quotations"]

_QUOTED = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Folded (lower-case, straight quotes) text with runs of whitespace as one space.

    Remembered: every analyser normalises the same customer messages."""
    return _SPACES.sub(" ", fold(text)).strip()


def own_words(text: str, customer_texts: Sequence[str]) -> str:
    """``text`` with the customer's quoted words blanked out, keeping every offset.

    Args:
        text: a reply's stored text.
        customer_texts: the customer's earlier messages, each passed through
            :func:`normalise`.
    """
    if ">" not in text and '"' not in text and "“" not in text:
        return text  # nothing quoted
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = " "

    for match in _QUOTE_LINE.finditer(text):
        blank(match.start(), match.end())
    said = CustomerWords(customer_texts)
    for match in _QUOTED.finditer(text):
        if said.include(match.group(1)):
            blank(match.start(), match.end())
    return "".join(chars)


def quotations(text: str) -> list[tuple[int, int]]:
    """Where ``text`` quotes something in quotation marks, whoever wrote it (clarity does
    not count a quoted term as the agent's jargon)."""
    if '"' not in text and "“" not in text:
        return []
    return [(match.start(), match.end()) for match in _QUOTED.finditer(text)]


class CustomerWords:
    """The customer's messages, to ask whether quoted words are theirs.

    The messages are joined once (by line breaks, which normalised text has none of) and
    only when a quote is asked about; each distinct quote is looked up once.

    Args:
        customer_texts: the customer's messages, each passed through :func:`normalise`.
    """

    def __init__(self, customer_texts: Sequence[str]) -> None:
        self._texts = customer_texts
        self._joined: str | None = None
        self._known: dict[str, bool] = {}

    def include(self, quoted: str) -> bool:
        """True when ``quoted`` (normalised, trimmed) is in one of the customer's messages."""
        inner = normalise(quoted).strip(" .,!?;:-")
        if not inner:
            return False
        found = self._known.get(inner)
        if found is None:
            if self._joined is None:
                self._joined = "\n".join(self._texts)
            found = self._known[inner] = inner in self._joined
        return found
