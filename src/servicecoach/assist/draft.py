"""The draft as the analysers read it: normalised like stored text, with offsets mapped back.

Stored message text is normalised once at import (:func:`~servicecoach.model.text.normalize_text`)
and every evidence span indexes that text. A draft arrives as typed - with ``\\r\\n``,
double spaces, leading blank lines - so it is normalised the same way before the
analysers read it, and each character of the normalised text remembers where it came
from, so that spans can be given back in the coordinates of the draft as typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from servicecoach.model.text import normalize_text

__all__ = ["DraftText"]

_SPACE = frozenset(" \t\f\v\u00a0\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F))
"""The characters ``normalize_text`` collapses to one space, and those it drops."""

_Chars = list[tuple[str, int]]
"""Characters of the text being normalised, each with its offset in the original."""


@dataclass(frozen=True, slots=True)
class DraftText:
    """A draft and its normalised text, with a map from normalised to original offsets.

    Attributes:
        original: the draft as given.
        text: the normalised text (equal to ``normalize_text(original)``).
        origin: for each character of ``text``, its offset in ``original``.
    """

    original: str
    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, draft: str) -> DraftText:
        """Normalise ``draft`` exactly as stored text is, keeping the offset map."""
        chars = _strip_ends(_limit_blank_lines(_strip_lines(_tidy(_nfc(draft)))))
        text = "".join(c for c, _ in chars)
        if text != normalize_text(draft):  # a Unicode corner the step-wise copy missed
            text = normalize_text(draft)
            scale = len(draft) / max(1, len(text))
            return cls(
                draft, text, tuple(min(len(draft) - 1, int(i * scale)) for i in range(len(text)))
            )
        return cls(draft, text, tuple(i for _, i in chars))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original draft that ``text[start:end]`` came from."""
        if not self.origin:
            return 0, 0
        if start >= len(self.origin):
            position = self.origin[-1] + 1
            return position, position
        first = self.origin[start]
        if end <= start:
            return first, first
        return first, self.origin[min(end, len(self.origin)) - 1] + 1


def _nfc(text: str) -> _Chars:
    if unicodedata.is_normalized("NFC", text):
        return [(c, i) for i, c in enumerate(text)]
    chars: _Chars = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or unicodedata.combining(text[index]) == 0:
            chars.extend((c, start) for c in unicodedata.normalize("NFC", text[start:index]))
            start = index
    return chars


def _tidy(chars: _Chars) -> _Chars:
    """Line breaks as ``\\n``, control characters dropped, runs of spaces as one space."""
    out: _Chars = []
    for index, (char, origin) in enumerate(chars):
        if char == "\r":
            if index + 1 < len(chars) and chars[index + 1][0] == "\n":
                continue
            char = "\n"
        if char in _CONTROL:
            continue
        if char in _SPACE:
            if out and out[-1][0] == " ":
                continue
            char = " "
        out.append((char, origin))
    return out


def _strip_lines(chars: _Chars) -> _Chars:
    out: _Chars = []
    line: _Chars = []
    for item in [*chars, ("\n", -1)]:
        if item[0] == "\n":
            out.extend(_strip_ends(line))
            if item[1] >= 0:
                out.append(item)
            line = []
        else:
            line.append(item)
    return out


def _limit_blank_lines(chars: _Chars) -> _Chars:
    out: _Chars = []
    for item in chars:
        if item[0] == "\n" and len(out) >= 2 and out[-1][0] == "\n" and out[-2][0] == "\n":
            continue
        out.append(item)
    return out


def _strip_ends(chars: _Chars) -> _Chars:
    start, end = 0, len(chars)
    while start < end and chars[start][0].isspace():
        start += 1
    while end > start and chars[end - 1][0].isspace():
        end -= 1
    return chars[start:end]
