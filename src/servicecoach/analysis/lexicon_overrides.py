"""A team's lexicon overrides: phrases added or removed and texts replaced, from a file
beside its rubric, merged over the shipped lexicon (docs/analysis.md, "Lexicon overrides").

The override file has the shipped lexicon's section names; in each section it may:

- add to a list (``phrases = [...]``, ``words = [...]``, or any other list the section
  has, such as clarity's ``customer_codes``): new entries are appended;
- remove shipped entries: ``remove = [...]`` from ``phrases``, ``remove_words = [...]``
  from ``words``, ``remove_KEY = [...]`` from the list ``KEY``;
- replace a text (``suggestion = "..."`` or a key of a ``[suggestions]`` table): its
  ``{placeholders}`` must be ones the shipped text has, since only those are filled;
- add or replace entries of a table of texts (clarity's ``[jargon] plain``).

Anything else is an error naming the file, the section and the key: an unknown section
or key, a removed entry the lexicon does not have, a value of the wrong type. Numbers
(windows, weights) are tuning, not phrases, and are not overridden here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from servicecoach.analysis.lexicon import Lexicon, compile_lexicon, load_lexicon, placeholders
from servicecoach.analysis.overrides import added, is_texts, removed, replaced_text
from servicecoach.errors import ConfigError

__all__ = ["OVERRIDABLE", "merge_lexicon", "team_lexicon"]

OVERRIDABLE = (
    "apology",
    "clarity",
    "closing",
    "continuity",
    "criteria_background",
    "emotion",
    "empathy",
    "extra_mile",
    "listening",
    "patience",
    "persuasion",
    "problem_solving",
    "public_to_private",
    "responsiveness",
)
"""The lexicons a rubric may override: every shipped one. The analysers read theirs through
their context; ``emotion`` is read with the same team's merged lexicon by the pipeline's
outcome and live assist too, and ``criteria_background`` by the rubric's criteria fits."""


def merge_lexicon(base: Lexicon, override: Mapping[str, Any], source: str) -> Lexicon:
    """``base`` with ``override`` (an override file's tables) applied.

    Args:
        base: the shipped lexicon.
        override: section name to its changes.
        source: the override file, as errors name it.

    Raises:
        ConfigError: the override does not fit ``base``; the message names ``source``,
            the section and the key, and what is allowed.
    """
    sections = {name: dict(body) for name, body in base.sections.items()}
    for section, changes in override.items():
        where = f"{source}: [{section}]"
        shipped = base.sections.get(section)
        if shipped is None:
            raise ConfigError(
                f"{where}: lexicon {base.name} has no section [{section}] "
                f"(its sections: {', '.join(sorted(base.sections))})"
            )
        if not isinstance(changes, Mapping):
            raise ConfigError(f"{where} must be a table of changes")
        body = sections[section]
        for key, value in changes.items():
            _apply(body, shipped, str(key), value, f"{where} {key}", base.name)
    return compile_lexicon(base.name, sections)


def _apply(
    body: dict[str, Any], shipped: Mapping[str, Any], key: str, value: Any, where: str, name: str
) -> None:
    """Apply one key of an override section to ``body`` (a copy of the shipped section)."""
    if key == "remove" or key.startswith("remove_"):
        target = "phrases" if key == "remove" else key.removeprefix("remove_")
        listed = body.get(target)
        if not is_texts(listed):
            raise ConfigError(
                f"{where}: the section has no list {target!r} to remove from "
                f"(it can change: {_changeable(shipped)})"
            )
        body[target] = removed(
            listed, value, where, f"servicecoach/analysis/lexicons/{name}.toml", target
        )
        return
    current = shipped.get(key)
    if is_texts(current):
        body[key] = added(body[key], value, where)
    elif isinstance(current, str):
        body[key] = replaced_text(placeholders(current), value, where)
    elif isinstance(current, Mapping) and all(isinstance(v, str) for v in current.values()):
        if not isinstance(value, Mapping) or not all(
            isinstance(v, str) and v.strip() for v in value.values()
        ):
            raise ConfigError(f"{where} must be a table of texts")
        body[key] = {**current, **{str(k): v for k, v in value.items()}}
    else:
        raise ConfigError(f"{where}: unknown key (this section can change: {_changeable(shipped)})")


def _changeable(shipped: Mapping[str, Any]) -> str:
    keys: list[str] = []
    for key, value in shipped.items():
        if is_texts(value):
            keys += [key, "remove" if key == "phrases" else f"remove_{key}"]
        elif isinstance(value, str) or (
            isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
        ):
            keys.append(key)
    return ", ".join(keys) or "nothing"


def team_lexicon(name: str, override: Mapping[str, Any], source: str) -> Lexicon:
    """The shipped lexicon ``name`` merged with a team's ``override`` from ``source``.

    The same override gives the same :class:`Lexicon` object for the life of the process
    (the analysers' rules are cached per lexicon object, so they are built once per team).

    Raises:
        ConfigError: ``name`` cannot be overridden, or the override does not fit.
    """
    if name not in OVERRIDABLE:
        raise ConfigError(
            f"{source}: no lexicon named {name!r} can be overridden "
            f"(one of {', '.join(OVERRIDABLE)})"
        )
    return _merged(name, json.dumps(override, sort_keys=True, default=str), source)


@lru_cache(maxsize=64)
def _merged(name: str, override: str, source: str) -> Lexicon:
    return merge_lexicon(load_lexicon(name), json.loads(override), source)
