"""Word-level helpers shared by the analysers."""

from __future__ import annotations

__all__ = ["is_question", "stem"]


def stem(word: str) -> str:
    """A crude stem, so that "snapped", "snaps" and "snap" compare equal."""
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
