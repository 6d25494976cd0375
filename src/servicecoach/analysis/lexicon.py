"""Lexicons: phrase lists and suggestion texts shipped as TOML data files in ``analysis/lexicons``.

Each file holds sections with a ``phrases`` list (and optionally a ``suggestion``, a
``words`` list or a ``[suggestions]`` table of texts). The shipped files are read once per
process; a team changes them without editing the package, with override files named in
its rubric's ``[lexicons]`` table (:mod:`servicecoach.analysis.lexicon_overrides`), which
the pipeline hands the analysers through :meth:`~servicecoach.analysis.analyzer.Context.lexicon`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from servicecoach.errors import ConfigError
from servicecoach.nlp.phrasebook import PhraseBook
from servicecoach.nlp.phrases import PhraseMatcher

__all__ = ["LEXICON_BOOK", "Lexicon", "compile_lexicon", "fill", "load_lexicon", "placeholders"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

LEXICON_BOOK = PhraseBook()
"""One automaton for every lexicon's phrases (and the analysers' other lasting matchers):
each message is walked once for all of them, not once per lexicon."""


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a suggestion template."""
    return frozenset(_PLACEHOLDER.findall(template))


def fill(template: str, **values: str) -> str:
    """``template`` with each ``{name}`` of ``values`` replaced, in one pass (like an
    f-string: a value holding ``{name}`` is not filled again); other braces stay."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """One lexicon: its sections, and a matcher over all their phrases.

    The matcher labels each match with its section name. Lexicons compare and hash by
    identity: the analysers' rules are cached per lexicon object, so the shipped lexicon's
    are built once per process and a team's merged lexicon gets its own.
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

    def text(self, section: str, key: str, **values: str) -> str:
        """The text ``key`` of a section (e.g. ``[suggestions] late``), its ``{name}``
        placeholders filled from ``values``.

        Raises:
            ConfigError: the section has no such text (a misspelt key must not read as an
                empty suggestion).
        """
        value = self.section(section).get(key)
        if not isinstance(value, str):
            raise ConfigError(f"lexicon {self.name}.toml: [{section}] has no text {key!r}")
        return fill(value, **values) if values else value


@cache
def load_lexicon(name: str) -> Lexicon:
    """The shipped lexicon ``analysis/lexicons/NAME.toml``, parsed and compiled once.

    Analysers read lexicons through their context (:meth:`Context.lexicon
    <servicecoach.analysis.analyzer.Context.lexicon>`), which gives a team's merged one
    where its rubric overrides this.

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
    return compile_lexicon(name, data)


def compile_lexicon(name: str, data: dict[str, Any]) -> Lexicon:
    """A lexicon from its sections (a shipped file's, or a team's merged ones).

    Raises:
        ConfigError: a section is not a table or its phrases are not strings.
    """
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
