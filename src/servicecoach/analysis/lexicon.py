"""Lexicons: phrase lists shipped as TOML data files in ``analysis/lexicons``.

Each file holds sections with a ``phrases`` list (and optionally a ``suggestion`` or a
``words`` list). Teams extend servicecoach by adding phrases to these files.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from servicecoach.errors import ConfigError
from servicecoach.nlp.phrasebook import PhraseBook
from servicecoach.nlp.phrases import PhraseMatcher

__all__ = ["LEXICON_BOOK", "Lexicon", "load_lexicon"]

LEXICON_BOOK = PhraseBook()
"""One automaton for every lexicon's phrases (and the analysers' other lasting matchers):
each message is walked once for all of them, not once per lexicon."""


@dataclass(frozen=True)
class Lexicon:
    """One lexicon file: its sections, and a matcher over all their phrases.

    The matcher labels each match with its section name.
    """

    name: str
    sections: dict[str, dict[str, Any]]
    matcher: PhraseMatcher
    _words: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def section(self, name: str) -> dict[str, Any]:
        """The section ``[name]`` of the file.

        Raises:
            ConfigError: the file has no such section. A misspelt name must fail loudly,
                not read as an empty list that quietly switches a rule off.
        """
        found = self.sections.get(name)
        if found is None:
            raise ConfigError(
                f"lexicon {self.name}.toml has no section [{name}] "
                f"(its sections: {', '.join(sorted(self.sections))})"
            )
        return found

    def words(self, section: str) -> frozenset[str]:
        """The ``words`` list of a section, lower-cased (built once per section)."""
        found = self._words.get(section)
        if found is None:
            found = frozenset(w.lower() for w in self.section(section).get("words", []))
            self._words[section] = found
        return found

    def suggestion(self, section: str) -> str | None:
        """The ``suggestion`` of a section, if it has one."""
        value = self.section(section).get("suggestion")
        return str(value) if value is not None else None


@cache
def load_lexicon(name: str) -> Lexicon:
    """The lexicon ``analysis/lexicons/NAME.toml``, parsed and compiled once.

    Raises:
        ConfigError: the file is missing or malformed.
    """
    resource = files("servicecoach.analysis") / "lexicons" / f"{name}.toml"
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no lexicon named {name!r}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"lexicon {name}.toml is not valid TOML: {exc}") from None
    sections: dict[str, dict[str, Any]] = {}
    lists: dict[str, list[str]] = {}
    for section, body in data.items():
        if not isinstance(body, dict):
            raise ConfigError(f"lexicon {name}.toml: [{section}] must be a table")
        phrases = body.get("phrases", [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ConfigError(f"lexicon {name}.toml: [{section}] phrases must be a list of strings")
        sections[section] = body
        lists[section] = phrases
    return Lexicon(name, sections, PhraseMatcher.from_lists(lists, book=LEXICON_BOOK))
