"""Blanking out parts of a text while keeping every offset (evidence points into the original).

Analysers hide quoted lines, links, well-wishes and the like before they look for a
signal, so a match in the hidden part is never reported.
"""

from __future__ import annotations

import re

__all__ = ["QUOTED", "QUOTE_LINE", "blank_visible", "mask"]

_VISIBLE = re.compile(r"\S")

QUOTE_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
"""A line an email quotes from an earlier message ("> When will it arrive?")."""
QUOTED = re.compile(r'^[ \t]*>.*$|"[^"\n]*"|“[^”\n]*”', re.MULTILINE)
"""A quoted line, or words in quotation marks on one line (the customer's, or a title)."""


def mask(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with every match of ``pattern`` replaced by as many spaces."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def blank_visible(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with the visible characters of every match of ``pattern`` made spaces.

    Line breaks and other white space inside a match are kept, so lines stay lines.
    """
    return pattern.sub(lambda m: _VISIBLE.sub(" ", m.group()), text)
