"""A team's override of ``assist/rewrites.toml``: live assist's rewrite templates and word
lists, from a file beside its rubric (docs/assist.md, "Your team's reasons and rewrites").

The override file has the shipped file's table names and holds only what changes:

- a text (``[openers] frustration = "..."``) is replaced; its ``{placeholders}`` must be
  ones the shipped text has, since only those are filled;
- a word list (``[report] skip``, ``[when] days``) is added to with ``KEY = [...]`` and
  trimmed with ``remove_KEY = [...]``, as lexicon overrides do;
- the phrase tables ``[calm]``, ``[report.swap]`` and ``[listening.what]`` take new
  entries as well as replaced ones (their keys are what the checker looks up, folded);
- ``[[negative]]`` and ``[[especially]]`` entries (``pattern``, ``template``, for negative
  also ``time_template``) are added, tried before the shipped ones, so the team's own
  shapes win over the shipped catch-alls. A template may use the pattern's named groups
  (and ``{when_phrase}`` in a negative pattern with a ``when`` or ``condition`` group).

Numbers (``[report] min_words``) are tuning, not wording, and are not overridden. Anything
else is an error naming the file, the table and the key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import regex

from servicecoach.analysis.lexicon import placeholders
from servicecoach.analysis.overrides import added, is_texts, removed, replaced_text
from servicecoach.assist.templates import PATTERN_FLAGS
from servicecoach.errors import ConfigError
from servicecoach.nlp.phrases import fold

__all__ = ["OPEN_TABLES", "PATTERN_LISTS", "merge_rewrites"]

OPEN_TABLES = frozenset({"calm", "report.swap", "listening.what"})
"""Tables whose keys are phrases the checker looks up, so a team may add entries."""
PATTERN_LISTS = ("especially", "negative")
"""The ``[[...]]`` lists of patterns and templates a team may add to."""
_SHIPPED = "servicecoach/assist/rewrites.toml"
_PATTERN_KEYS = {
    "especially": ("pattern", "template"),
    "negative": ("pattern", "template", "time_template"),
}


def merge_rewrites(
    base: Mapping[str, Any], override: Mapping[str, Any], source: str
) -> dict[str, Any]:
    """A copy of ``base`` (the parsed shipped file) with ``override`` applied.

    Args:
        base: the parsed shipped ``rewrites.toml``; not changed.
        override: an override file's tables.
        source: the override file, as errors name it.

    Raises:
        ConfigError: the override does not fit ``base``; the message names ``source``,
            the table and the key, and what is allowed.
    """
    merged = copy.deepcopy(dict(base))
    for name, changes in override.items():
        if name in PATTERN_LISTS:
            merged[name] = [*_patterns(name, changes, source), *base.get(name, [])]
            continue
        shipped = base.get(name)
        if not isinstance(shipped, Mapping):
            tables = sorted(
                {*(k for k, v in base.items() if isinstance(v, Mapping)), *PATTERN_LISTS}
            )
            raise ConfigError(
                f"{source}: [{name}]: rewrites.toml has no table [{name}] "
                f"(its tables: {', '.join(tables)})"
            )
        merged[name] = _table(shipped, changes, name, source)
    return merged


def _table(shipped: Mapping[str, Any], changes: Any, path: str, source: str) -> dict[str, Any]:
    """The table ``path`` of the shipped file with ``changes`` applied."""
    where = f"{source}: [{path}]"
    if not isinstance(changes, Mapping):
        raise ConfigError(f"{where} must be a table of changes")
    body = dict(shipped)
    if path in OPEN_TABLES:
        takes = frozenset().union(*(placeholders(str(v)) for v in shipped.values()))
        for key, value in changes.items():
            entry = fold(str(key)).strip()
            if not entry:
                raise ConfigError(f"{where}: an entry needs a phrase as its key")
            body[entry] = replaced_text(takes, value, f"{where} {key!r}")
        return body
    for key, value in changes.items():
        here = f"{where} {key}"
        target = key.removeprefix("remove_")
        if key.startswith("remove_") and is_texts(shipped.get(target)):
            body[target] = removed(body[target], value, here, _SHIPPED)
            continue
        current = shipped.get(key)
        if is_texts(current):
            body[key] = added(body[key], value, here)
        elif isinstance(current, str):
            body[key] = replaced_text(placeholders(current), value, here)
        elif isinstance(current, Mapping):
            body[key] = _table(current, value, f"{path}.{key}", source)
        elif isinstance(current, (int, float)):
            raise ConfigError(f"{here}: a number is tuning, not wording, and is not overridden")
        else:
            raise ConfigError(
                f"{here}: unknown key (this table can change: {_changeable(shipped)})"
            )
    return body


def _changeable(shipped: Mapping[str, Any]) -> str:
    keys: list[str] = []
    for key, value in shipped.items():
        if is_texts(value):
            keys += [key, f"remove_{key}"]
        elif isinstance(value, (str, Mapping)):
            keys.append(key)
    return ", ".join(keys) or "nothing"


def _patterns(name: str, changes: Any, source: str) -> list[dict[str, str]]:
    """The team's ``[[name]]`` entries, each checked: its pattern compiles and its
    templates use only what the pattern captures."""
    if not isinstance(changes, list) or not all(isinstance(item, Mapping) for item in changes):
        raise ConfigError(f"{source}: {name} must be [[{name}]] tables (pattern, template)")
    out: list[dict[str, str]] = []
    for index, item in enumerate(changes, start=1):
        where = f"{source}: [[{name}]] number {index}"
        allowed = _PATTERN_KEYS[name]
        for key in item:
            if key not in allowed:
                raise ConfigError(f"{where} {key}: unknown key (one of {', '.join(allowed)})")
        for key in ("pattern", "template"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ConfigError(f"{where} {key} must be a non-empty text")
        try:
            compiled = regex.compile(item["pattern"], PATTERN_FLAGS)
        except regex.error as exc:
            raise ConfigError(f"{where} pattern: not a regular expression: {exc}") from None
        groups = set(compiled.groupindex)
        if name == "negative" and groups & {"when", "condition"}:
            groups.add("when_phrase")
        entry = {"pattern": item["pattern"]}
        for key in ("template", "time_template"):
            if key in item:
                entry[key] = replaced_text(groups, item[key], f"{where} {key}")
        if "time_template" in item and "condition" not in compiled.groupindex:
            raise ConfigError(
                f"{where} time_template: used only when the pattern has a (?P<condition>...) "
                "group that reads as a time; add one or remove the key"
            )
        out.append(entry)
    return out
