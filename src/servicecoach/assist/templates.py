"""The rewrite templates and word lists of ``assist/rewrites.toml``, loaded once.

The ``[[negative]]`` and ``[[especially]]`` patterns run on every live-assist check, on the
agent's draft and the customer's messages, and a team's rubric may add its own. A pattern
that backtracks badly ("(a|aa)+$") could stall the service, so every pattern runs with the
``regex`` module (the ``re`` syntax, with a time limit): one that takes longer than
:data:`PATTERN_TIMEOUT_S` on a text counts as not matching it, and the service logs a
warning naming the pattern, once.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import regex
from regex import Match as RegexMatch
from regex import Pattern as RegexPattern

from servicecoach.errors import ConfigError

__all__ = [
    "PATTERN_FLAGS",
    "PATTERN_TIMEOUT_S",
    "Pattern",
    "Templates",
    "load_templates",
    "parse_templates",
    "shipped_rewrites",
]

PATTERN_FLAGS = regex.IGNORECASE | regex.VERSION0
"""How every rewrite pattern is compiled: case ignored, ``re``'s syntax and behaviour."""
PATTERN_TIMEOUT_S = 0.05
"""Longest one pattern may try one text. Ours take microseconds on a 500-character
sentence; a pattern that takes 50 ms is broken, and a check must stay fast."""
_log = logging.getLogger(__name__)
_warned: set[str] = set()


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern and the template it fills (named groups are placeholders).

    ``time_template``, when set, is used instead when the ``condition`` is a time
    ("until Monday": "we can ship it on Monday", not "as soon as Monday").
    """

    regex: RegexPattern[str]
    template: str
    time_template: str | None = None

    def match(self, text: str) -> RegexMatch[str] | None:
        """The pattern matched at the start of ``text``; ``None`` also when it ran too long."""
        return self._bounded(text, anywhere=False)

    def search(self, text: str) -> RegexMatch[str] | None:
        """The first match anywhere in ``text``; ``None`` also when it ran too long."""
        return self._bounded(text, anywhere=True)

    def _bounded(self, text: str, *, anywhere: bool) -> RegexMatch[str] | None:
        try:
            if anywhere:
                return self.regex.search(text, timeout=PATTERN_TIMEOUT_S)
            return self.regex.match(text, timeout=PATTERN_TIMEOUT_S)
        except TimeoutError:
            if self.regex.pattern not in _warned:
                _warned.add(self.regex.pattern)
                _log.warning(
                    "a rewrite pattern ran over %d ms on a %d-character text and was "
                    "skipped; rewrite it so that it does not backtrack: %s",
                    round(PATTERN_TIMEOUT_S * 1000),
                    len(text),
                    self.regex.pattern,
                )
            return None


@dataclass(frozen=True, slots=True)
class Templates:
    """Every template and word list of ``rewrites.toml``.

    Attributes:
        sections: the plain tables (``openers``, ``apology``, ``private``, ...).
        especially: detail patterns, tried in order.
        negative: negative-language rewrites, tried in order.
    """

    sections: dict[str, dict[str, Any]]
    especially: tuple[Pattern, ...]
    negative: tuple[Pattern, ...]

    def text(self, section: str, key: str) -> str:
        """One template."""
        return str(self._entry(section, key))

    def table(self, section: str) -> dict[str, Any]:
        """One table."""
        return dict(self._table(section))

    def words(self, section: str, key: str) -> frozenset[str]:
        """A word list, lower-cased."""
        return frozenset(str(w).lower() for w in self._entry(section, key))

    def _table(self, section: str) -> dict[str, Any]:
        found = self.sections.get(section)
        if found is None:  # a misspelt name must fail loudly, not read as empty
            raise ConfigError(
                f"assist/rewrites.toml has no table [{section}] "
                f"(its tables: {', '.join(sorted(self.sections))})"
            )
        return found

    def _entry(self, section: str, key: str) -> Any:
        table = self._table(section)
        if key not in table:
            raise ConfigError(
                f"assist/rewrites.toml: [{section}] has no {key!r} "
                f"(it has: {', '.join(sorted(table))})"
            )
        return table[key]


def _patterns(data: dict[str, Any], key: str) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    for index, item in enumerate(data.get(key, []), start=1):
        try:
            compiled = regex.compile(str(item["pattern"]), PATTERN_FLAGS)
            time_template = item.get("time_template")
            out.append(
                Pattern(
                    compiled,
                    str(item["template"]),
                    str(time_template) if time_template is not None else None,
                )
            )
        except (KeyError, regex.error) as exc:
            raise ConfigError(f"assist/rewrites.toml: [[{key}]] number {index}: {exc}") from None
    return tuple(out)


def parse_templates(data: dict[str, Any]) -> Templates:
    """The :class:`Templates` of a parsed ``rewrites.toml`` (shipped, or merged with a
    team's override by :mod:`servicecoach.assist.rewrites_overrides`).

    Raises:
        ConfigError: a pattern does not compile or lacks its template.
    """
    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    return Templates(sections, _patterns(data, "especially"), _patterns(data, "negative"))


@cache
def shipped_rewrites() -> dict[str, Any]:
    """The parsed ``assist/rewrites.toml`` as shipped, read once per process (treat it as
    read-only: a team's override is merged into a copy)."""
    text = (files("servicecoach.assist") / "rewrites.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def load_templates() -> Templates:
    """The templates of ``assist/rewrites.toml``, parsed and compiled once per process.

    Raises:
        ConfigError: a pattern does not compile or lacks its template.
    """
    return parse_templates(shipped_rewrites())
