"""Turning what a reviewer typed (a form or a JSON body) into scores and signal marks.

Every mistake is a :class:`~servicecoach.errors.ConfigError` whose message names the
field and the fix ("empathy: 120 is not a score from 0 to 100 (or n/a)"), so the page
can show it beside the form and the API can answer 422 with it.

A missed span is given by its words: the page fills them from the reader's selection
(with the character offsets), and without JavaScript the reviewer types or pastes them.
:func:`locate_quote` finds the words in the message: at the given offsets when they
match, else their first occurrence (exact, then ignoring case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from servicecoach.analysis.signals import signal_meanings
from servicecoach.analysis.skills import FAMILY_SKILL, skill_families, skill_names
from servicecoach.errors import ConfigError
from servicecoach.review.model import SignalMark, Verdict

__all__ = [
    "MAX_COMMENT",
    "MAX_MARKS",
    "NOT_APPLICABLE",
    "check_mark",
    "known_signal",
    "locate_quote",
    "parse_score",
    "parse_scores",
]

NOT_APPLICABLE = "na"
"""The form value (and the API's ``null``) for a skill that does not apply."""
MAX_COMMENT = 5000
"""The longest comment accepted, in characters."""
MAX_MARKS = 200
"""The most signal verdicts one review may carry."""

_SIGNAL = re.compile(r"^[a-z_]+\.[a-z_]+$")


def parse_score(skill: str, value: str | int | None) -> tuple[bool, int | None]:
    """One skill's field: ``(given, score)``; blank is not given, ``na`` is not applicable.

    Raises:
        ConfigError: not a whole number from 0 to 100, ``na`` or blank.
    """
    if skill not in skill_names():
        raise ConfigError(f"{skill!r} is not a skill (one of {', '.join(skill_names())})")
    if value is None:
        return True, None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip().lower()
        if not text:
            return False, None
        if text in (NOT_APPLICABLE, "n/a"):
            return True, None
        if not text.isdigit():
            raise ConfigError(f"{skill}: {value!r} is not a score from 0 to 100 (or n/a)")
        number = int(text)
    if not 0 <= number <= 100:
        raise ConfigError(f"{skill}: {number} is not a score from 0 to 100 (or n/a)")
    return True, number


def parse_scores(values: Mapping[str, str | int | None]) -> dict[str, int | None]:
    """Every given skill's score (``None``: not applicable), in the rubric's skill order.

    Raises:
        ConfigError: an unknown skill or a bad score (the first one found).
    """
    for skill in values:
        if skill not in skill_names():
            raise ConfigError(f"{skill!r} is not a skill (one of {', '.join(skill_names())})")
    scores: dict[str, int | None] = {}
    for skill in skill_names():
        if skill in values:
            given, score = parse_score(skill, values[skill])
            if given:
                scores[skill] = score
    return scores


def known_signal(signal: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``signal`` is in the documented vocabulary (or among ``extra``), names one
    of a team's criteria (``criteria.NAME``: a reviewer may mark one missed, and
    ``servicecoach tune`` learns from it), or belongs to a skill a plugin adds (its
    family is the plugin's; servicecoach cannot list a plugin's signals)."""
    if signal in signal_meanings() or signal in set(extra) or signal.startswith("criteria."):
        return True
    family = signal.partition(".")[0]
    return family not in FAMILY_SKILL and family in skill_families()


def locate_quote(text: str, quote: str, start: int | None = None) -> tuple[int, int]:
    """Where ``quote`` is in ``text``: at ``start`` when it is there, else its first
    occurrence, exactly or ignoring case.

    Raises:
        ConfigError: the words are empty or not in the text.
    """
    words = quote.strip()
    if not words:
        raise ConfigError("select the words of the missed signal, or type them")
    if start is not None and start >= 0 and text[start : start + len(quote)] == quote:
        if quote == words:
            return start, start + len(quote)
        inner = start + quote.index(words)
        return inner, inner + len(words)
    found = text.find(words)
    if found < 0:
        found = text.casefold().find(words.casefold())
        if found < 0 or len(text.casefold()) != len(text):
            raise ConfigError(
                f"the words {words[:60]!r} are not in that message: copy them exactly"
            )
    return found, found + len(words)


def check_mark(mark: SignalMark, texts: Mapping[str, str], highlighted: Iterable[str]) -> None:
    """Check one mark against the conversation: its message, span, signal and verdict.

    ``texts`` maps message ids to their text; ``highlighted`` holds the keys
    (:attr:`SignalMark.key`) of servicecoach's highlights, which agree and wrong must name.

    Raises:
        ConfigError: what is wrong with it, and how to fix it.
    """
    if mark.message not in texts:
        raise ConfigError(f"no message {mark.message!r} in this conversation")
    if not _SIGNAL.match(mark.signal):
        raise ConfigError(f"{mark.signal!r} is not a signal id like 'empathy.validation'")
    size = len(texts[mark.message])
    if not 0 <= mark.start < mark.end <= size:
        raise ConfigError(
            f"span {mark.start}-{mark.end} is outside message {mark.message!r} ({size} characters)"
        )
    if mark.verdict is Verdict.MISSED:
        if not known_signal(mark.signal):
            raise ConfigError(
                f"{mark.signal!r} is not a known signal (docs/analysis.md lists them)"
            )
        return
    if mark.key not in set(highlighted):
        raise ConfigError(
            f"servicecoach did not highlight {mark.signal} at {mark.message} "
            f"{mark.start}-{mark.end}: mark it as missed instead"
        )
