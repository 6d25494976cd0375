"""A team's live-assist tables: the shipped ``kinds.toml`` and ``rewrites.toml`` with the
overrides its rubric's ``[assist]`` table names (docs/assist.md).

The shipped tables stay loaded once per process (:func:`~servicecoach.assist.kinds.load_rules`,
:func:`~servicecoach.assist.templates.load_templates`) and are what a rubric without
``[assist]`` gets, the very objects. A team's merged tables are built once per distinct
override and shared by every checker of a rubric with that override; they never change
the shipped ones, so two rubrics in one process never see each other's.

The rubric layer reads the files but cannot see assist's tables, so the overrides are
checked here, when a :class:`~servicecoach.assist.DraftChecker` is built for the rubric
(at start-up in ``servicecoach serve`` and ``servicecoach check``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from servicecoach.assist.kinds import Rules, load_rules
from servicecoach.assist.kinds_overrides import merge_rules
from servicecoach.assist.rewrites_overrides import merge_rewrites
from servicecoach.assist.templates import (
    Templates,
    load_templates,
    parse_templates,
    shipped_rewrites,
)
from servicecoach.errors import ConfigError
from servicecoach.rubric import AssistFile, Rubric

__all__ = ["team_rules", "team_templates"]

_T = TypeVar("_T")


def team_rules(rubric: Rubric) -> Rules:
    """The suggestion and praise rules for ``rubric``: the shipped ones, or merged with
    its ``[assist] kinds`` file.

    Raises:
        ConfigError: the override does not fit ``kinds.toml``; the message names the
            rubric, the file, the table and the key.
    """
    override = rubric.assist.get("kinds")
    if override is None:
        return load_rules()
    return _rules(_key(override), override.file, _prefix(override, "kinds"))


def team_templates(rubric: Rubric) -> Templates:
    """The rewrite templates for ``rubric``: the shipped ones, or merged with its
    ``[assist] rewrites`` file.

    Raises:
        ConfigError: the override does not fit ``rewrites.toml``; the message names the
            rubric, the file, the table and the key.
    """
    override = rubric.assist.get("rewrites")
    if override is None:
        return load_templates()
    return _templates(_key(override), override.file, _prefix(override, "rewrites"))


def _key(override: AssistFile) -> str:
    return json.dumps(override.tables, sort_keys=True, default=str)


def _prefix(override: AssistFile, name: str) -> str:
    """How errors name the rubric and its key: as ``load_rubric`` names them."""
    return f"rubric {override.rubric}: assist.{name}" if override.rubric else f"assist.{name}"


@lru_cache(maxsize=32)
def _rules(tables: str, source: str, prefix: str) -> Rules:
    return _named(prefix, lambda: merge_rules(load_rules(), json.loads(tables), source))


@lru_cache(maxsize=32)
def _templates(tables: str, source: str, prefix: str) -> Templates:
    def merged() -> Templates:
        data = merge_rewrites(shipped_rewrites(), json.loads(tables), source)
        return parse_templates(data)

    return _named(prefix, merged)


def _named(prefix: str, build: Callable[[], _T]) -> _T:
    """``build()``, its :class:`ConfigError` prefixed with the rubric and the key."""
    try:
        return build()
    except ConfigError as exc:
        raise ConfigError(f"{prefix}: {exc}") from None
