"""The rewrite templates and word lists of ``assist/rewrites.toml``, loaded once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from servicecoach.errors import ConfigError

__all__ = ["Pattern", "Templates", "load_templates", "parse_templates", "shipped_rewrites"]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern and the template it fills (named groups are placeholders).

    ``time_template``, when set, is used instead when the ``condition`` is a time
    ("until Monday": "we can ship it on Monday", not "as soon as Monday").
    """

    regex: re.Pattern[str]
    template: str
    time_template: str | None = None


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
            regex = re.compile(str(item["pattern"]), re.IGNORECASE)
            time_template = item.get("time_template")
            out.append(
                Pattern(
                    regex,
                    str(item["template"]),
                    str(time_template) if time_template is not None else None,
                )
            )
        except (KeyError, re.error) as exc:
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
