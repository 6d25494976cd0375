"""Word-level helpers shared by the analysers."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from servicecoach.nlp.phrases import fold_words

__all__ = [
    "WORD",
    "at_sign_after",
    "folded_words",
    "has_digit",
    "is_question",
    "last_words",
    "stem",
    "word_count",
]


WORD = re.compile(r"[^\W_][\w'’-]*")
"""A word, for every analyser: it starts with a letter or a digit and runs on through
letters, digits, apostrophes (straight or curly) and hyphens. "don't", "don’t" and
"follow-up" are one word each; a quote mark, a dash or an underscore never starts one.
One pattern, so that "how many words" and "the word before" mean the same in every skill."""

_DIGIT = re.compile(r"\d")


_LETTER = re.compile(r"[^\W\d_]")


def word_count(text: str, *, letters: bool = False) -> int:
    """How many :data:`WORD` words ``text`` holds; with ``letters``, only those with a
    letter in them, so that numbers ("2/2", "#1042") do not make a reply say more."""
    words = WORD.findall(text)
    if not letters:
        return len(words)
    # isalpha first (in C): a word of letters only has one, and most words are such
    return sum(1 for word in words if word.isalpha() or _LETTER.search(word))


@lru_cache(maxsize=4096)
def folded_words(text: str) -> tuple[str, ...]:
    """The :data:`WORD` words of ``text``, folded (lower case, straight quotes): a text's
    words read once for every rule that asks (a reply sentence's by the restatement
    test and its content words; remembered across the rules of one conversation)."""
    return tuple(fold_words(WORD, text))


def has_digit(text: str) -> bool:
    """True when ``text`` holds a digit: a cheap test before a pattern that needs one."""
    return _DIGIT.search(text) is not None


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem, so that "snapped", "snaps" and "snap" compare equal (cached: words repeat)."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, replacement in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if suffix == "s" and word.endswith("ss"):
            break
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def is_question(text: str) -> bool:
    """True when ``text`` ends with a question mark (closing quotes and brackets aside)."""
    return text.rstrip("\"')]}*~^ ").endswith("?")


_WINDOW = 64
"""Characters read back at first by :func:`last_words` (doubled until enough)."""


def last_words(
    text: str,
    end: int,
    count: int,
    word: re.Pattern[str],
    *,
    start: int = 0,
    stop: re.Pattern[str] | None = None,
    fold: Callable[[str], str] = str,
) -> list[str]:
    """The last ``count`` words before ``end``, reading back only as far as they go.

    Equal to ``word.findall(fold(part))[-count:]``, where ``part`` is ``text[start:end]``
    or, with ``stop``, only what follows the last match of ``stop`` in it (the clause
    before ``end``). Reading the whole prefix instead, once per phrase of a message,
    is quadratic in the message's length; this reads a window before ``end`` and
    doubles it until it holds ``count`` whole words (or a ``stop``, or ``start``).

    Args:
        text: the text.
        end: where the words end.
        count: how many words (1 or more).
        word: what a word is: a pattern that matches runs of characters, without
            lookarounds, so that only a word cut by the window's start can differ.
        start: read no further back than this.
        stop: a single-character pattern without groups that ends a clause
            (``[,.;:!?]``).
        fold: a per-character transformation applied before matching (``str.lower``).
    """
    window = _WINDOW
    while True:
        low = max(start, end - window)
        chunk = text[low:end]
        if stop is not None:
            pieces = stop.split(chunk)
            if len(pieces) > 1:  # the clause begins inside the window
                return word.findall(fold(pieces[-1]))[-count:]
        found = word.findall(fold(chunk))
        if low == start:
            return found[-count:]
        if len(found) > count:  # the first may be cut; the last ``count`` are whole
            return found[-count:]
        window *= 2


def at_sign_after(text: str, takes: Callable[[str], bool]) -> bool:
    """Whether an ``@`` in ``text`` follows a character ``takes`` accepts.

    An e-mail address needs a character of its own before its ``@``; an @handle opening
    a tweet or following a space has none. Each e-mail pattern passes the characters it
    takes there, and need not run on text where this is false.
    """
    at = text.find("@", 1)
    while at != -1:
        if takes(text[at - 1]):
            return True
        at = text.find("@", at + 1)
    return False
